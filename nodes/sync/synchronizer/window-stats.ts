// Percentiles over a sliding window of recent values, cheap enough for 1 kHz input: a ring of
// the last N values, re-sorted at most every `refreshEvery` additions.

export class WindowPercentiles {
  private readonly ring: Float64Array;
  private n = 0;
  private next = 0;
  private sinceSort = Infinity;
  private sorted = new Float64Array(0);

  constructor(
    capacity = 512,
    private readonly refreshEvery = 32,
  ) {
    this.ring = new Float64Array(capacity);
  }

  get count(): number {
    return this.n;
  }

  add(v: number): void {
    this.ring[this.next] = v;
    this.next = (this.next + 1) % this.ring.length;
    if (this.n < this.ring.length) this.n++;
    this.sinceSort++;
  }

  /** Mean, root mean square and largest |value| over the window (NaN when empty). */
  moments(): { mean: number; rms: number; maxAbs: number } {
    if (this.n === 0) return { mean: Number.NaN, rms: Number.NaN, maxAbs: Number.NaN };
    let s = 0;
    let s2 = 0;
    let m = 0;
    for (let i = 0; i < this.n; i++) {
      const v = this.ring[i]!;
      s += v;
      s2 += v * v;
      m = Math.max(m, Math.abs(v));
    }
    return { mean: s / this.n, rms: Math.sqrt(s2 / this.n), maxAbs: m };
  }

  /** q in [0, 1], nearest rank; NaN when empty. */
  quantile(q: number): number {
    if (this.n === 0) return Number.NaN;
    if (this.sinceSort >= this.refreshEvery || this.sorted.length !== this.n) {
      this.sorted = this.ring.slice(0, this.n).sort();
      this.sinceSort = 0;
    }
    const i = Math.min(this.n - 1, Math.max(0, Math.ceil(q * this.n) - 1));
    return this.sorted[i]!;
  }
}
