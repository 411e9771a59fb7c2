// Seeded randomness for the simulator. Everything random in a simulated episode derives from the
// user's --seed through these functions, so a seed reproduces an episode exactly.

/** 32-bit FNV-1a of a string: turns names (sensor, stream) into independent sub-seeds. */
export function hashString(text: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h >>> 0;
}

/** mulberry32: a tiny, fast sequential PRNG, uniform floats in [0, 1). */
export class Prng {
  private state: number;

  constructor(seed: number) {
    this.state = (seed ^ 0x9e3779b9) >>> 0;
  }

  /** An independent generator for a named purpose under a seed. */
  static derive(seed: number, ...names: string[]): Prng {
    let h = hashString(String(seed));
    for (const name of names) h = hashString(name, h);
    return new Prng(h);
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let z = this.state;
    z = Math.imul(z ^ (z >>> 15), z | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    return ((z ^ (z >>> 14)) >>> 0) / 4294967296;
  }

  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  /** Standard normal (Box–Muller). */
  gaussian(): number {
    const u = Math.max(this.next(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }

  /** Exponential with the given mean. */
  exponential(mean: number): number {
    return -mean * Math.log(1 - this.next());
  }

  /** Bounded Pareto on [lo, hi]: the heavy tail of network and USB latency spikes. */
  boundedPareto(lo: number, hi: number, alpha: number): number {
    if (hi <= lo) return lo;
    const u = this.next();
    const la = Math.pow(lo, alpha);
    const ha = Math.pow(hi, alpha);
    return Math.pow(-(u * ha - u * la - ha) / (ha * la), -1 / alpha);
  }
}
