// The screen rectangles the moving primitives were cast over, walked row by row as a union of
// disjoint intervals: rectangles of two arms on either side of the image must not merge into
// one span covering the whole row in between.

export class DirtyRects {
  count = 0;
  private rects = new Int32Array(4 * 32);
  private starts = new Int32Array(32);
  private ends = new Int32Array(32);

  clear(): void {
    this.count = 0;
  }

  add(u0: number, u1: number, v0: number, v1: number): void {
    if (this.count * 4 === this.rects.length) {
      const grown = new Int32Array(this.rects.length * 2);
      grown.set(this.rects);
      this.rects = grown;
    }
    const o = this.count++ * 4;
    this.rects[o] = u0;
    this.rects[o + 1] = u1;
    this.rects[o + 2] = v0;
    this.rects[o + 3] = v1;
  }

  /** Copies the state of another set (the previous frame's rectangles). */
  copyFrom(other: DirtyRects): void {
    if (this.rects.length < other.count * 4) this.rects = new Int32Array(other.rects.length);
    this.rects.set(other.rects.subarray(0, other.count * 4));
    this.count = other.count;
  }

  /**
   * Disjoint, sorted intervals [starts[i], ends[i]) covered on row v; returns how many. The
   * arrays are reused by the next call.
   */
  row(v: number): number {
    if (this.starts.length < this.count) {
      this.starts = new Int32Array(this.rects.length / 4);
      this.ends = new Int32Array(this.rects.length / 4);
    }
    let n = 0;
    const r = this.rects, starts = this.starts, ends = this.ends;
    for (let q = 0; q < this.count; q++) {
      const o = q * 4;
      if (v < r[o + 2]! || v >= r[o + 3]!) continue;
      // Insertion by start keeps the list sorted; there are tens of rectangles at most.
      insertSorted(starts, ends, n++, r[o]!, r[o + 1]!);
    }
    return mergeSorted(starts, ends, n);
  }

  intervalStart(q: number): number {
    return this.starts[q]!;
  }

  intervalEnd(q: number): number {
    return this.ends[q]!;
  }
}

/**
 * Per pixel row, a set of column intervals (the row spans moving primitives were cast over),
 * read back as a sorted union of disjoint intervals. A row holding more than its capacity folds
 * into one covering interval, which stays conservative.
 */
export class RowIntervals {
  private readonly counts: Int32Array;
  private readonly data: Int32Array;
  private readonly starts: Int32Array;
  private readonly ends: Int32Array;

  constructor(
    readonly height: number,
    private readonly capacity = 32,
  ) {
    this.counts = new Int32Array(height);
    this.data = new Int32Array(height * capacity * 2);
    this.starts = new Int32Array(capacity);
    this.ends = new Int32Array(capacity);
  }

  clear(): void {
    this.counts.fill(0);
  }

  add(v: number, a: number, b: number): void {
    if (!(b > a)) return;
    const n = this.counts[v]!, base = v * this.capacity * 2;
    if (n === this.capacity) {
      // Full: fold everything into the first interval.
      let lo = a, hi = b;
      for (let q = 0; q < n; q++) {
        lo = Math.min(lo, this.data[base + q * 2]!);
        hi = Math.max(hi, this.data[base + q * 2 + 1]!);
      }
      this.data[base] = lo;
      this.data[base + 1] = hi;
      this.counts[v] = 1;
      return;
    }
    this.data[base + n * 2] = a;
    this.data[base + n * 2 + 1] = b;
    this.counts[v] = n + 1;
  }

  /** Disjoint sorted intervals of row v, read with intervalStart/End; returns how many. */
  row(v: number): number {
    const n = this.counts[v]!;
    if (n === 0) return 0;
    const base = v * this.capacity * 2, d = this.data, starts = this.starts, ends = this.ends;
    for (let q = 0; q < n; q++) {
      insertSorted(starts, ends, q, d[base + q * 2]!, d[base + q * 2 + 1]!);
    }
    return mergeSorted(starts, ends, n);
  }

  intervalStart(q: number): number {
    return this.starts[q]!;
  }

  intervalEnd(q: number): number {
    return this.ends[q]!;
  }
}

/** Inserts [a, b) into the first `count` intervals, kept sorted by start. */
function insertSorted(starts: Int32Array, ends: Int32Array, count: number, a: number, b: number): void {
  let at = count;
  while (at > 0 && starts[at - 1]! > a) {
    starts[at] = starts[at - 1]!;
    ends[at] = ends[at - 1]!;
    at--;
  }
  starts[at] = a;
  ends[at] = b;
}

/** Merges overlapping or touching sorted intervals in place; returns how many remain. */
function mergeSorted(starts: Int32Array, ends: Int32Array, n: number): number {
  let m = 0;
  for (let q = 0; q < n; q++) {
    if (m > 0 && starts[q]! <= ends[m - 1]!) {
      if (ends[q]! > ends[m - 1]!) ends[m - 1] = ends[q]!;
    } else {
      starts[m] = starts[q]!;
      ends[m] = ends[q]!;
      m++;
    }
  }
  return m;
}
