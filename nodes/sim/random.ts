// Seeded randomness for the simulator. Everything random in a simulated episode derives from the
// user's --seed through these functions, so a seed reproduces an episode exactly.

/** 32-bit FNV-1a of a string: turns names (sensor, stream) into independent sub-seeds. */
export function hashString(text: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** A small, fast PRNG (mulberry32): uniform floats in [0, 1). */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** An independent generator for a named purpose under a seed. */
  static derive(seed: number, ...names: string[]): Rng {
    let h = hashString(String(seed));
    for (const name of names) h = hashString(name, h);
    return new Rng(h);
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** Exponential with the given mean. */
  exponential(mean: number): number {
    return -mean * Math.log(1 - this.next());
  }

  /** Standard normal (Box–Muller). */
  normal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
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
