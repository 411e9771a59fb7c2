// Seeded randomness for the world model. Two kinds: a sequential PRNG for drawing an episode's
// script once at creation, and a stateless hash for sensor noise, because streams sample at
// different rates and in any order — noise must depend only on (seed, stream, sample key).

import { hashString } from "../random.ts";

export { Prng } from "../random.ts";

/** 32-bit integer hash (lowbias32 style avalanche). */
export function hash32(x: number): number {
  x = (x ^ (x >>> 16)) >>> 0;
  x = Math.imul(x, 0x7feb352d);
  x = (x ^ (x >>> 15)) >>> 0;
  x = Math.imul(x, 0x846ca68b);
  return (x ^ (x >>> 16)) >>> 0;
}

/** Stable 32-bit id of a stream name, so noise streams never collide by accident. */
export const streamId = (name: string): number => hashString(name);

/** Sample key of an instant: integer microseconds, exact for times produced from integer-ns clocks. */
export function sampleKey(t: number): number {
  return Math.round(t * 1e6) | 0;
}

/**
 * Deterministic noise source for one stream: `gauss(key, channel)` is a standard normal that depends
 * only on (seed, stream, key, channel). Uses the sum of four uniforms (Irwin–Hall, rescaled): cheap and
 * smooth enough for sensor noise; tails are bounded at ±3.46σ, which is harmless here.
 */
export class NoiseStream {
  private readonly base: number;
  constructor(seed: number, stream: string) {
    this.base = hash32((seed >>> 0) ^ streamId(stream));
  }
  /** Hash of one sample key; pass it to the *At methods when drawing many channels of one sample. */
  sample(key: number): number {
    return hash32(this.base ^ key);
  }
  /** Uniform in [0, 1). */
  uniform(key: number, channel: number): number {
    return hash32(this.sample(key) ^ Math.imul(channel + 1, 0x9e3779b1)) / 4294967296;
  }
  gauss(key: number, channel: number): number {
    return this.gaussAt(this.sample(key), channel);
  }
  gaussAt(sample: number, channel: number): number {
    const h0 = hash32(sample ^ Math.imul(channel + 1, 0x9e3779b1));
    const h1 = hash32(h0 ^ 0x68e31da4);
    // four 16-bit uniforms from two hashes
    const s = (h0 & 0xffff) + (h0 >>> 16) + (h1 & 0xffff) + (h1 >>> 16);
    return (s / 65536 - 2) * 1.7320508075688772;
  }
  /** Zero-mean unit-variance triangular noise from one hash: for bulk channels such as taxels. */
  triangularAt(sample: number, channel: number): number {
    const h = hash32(sample ^ Math.imul(channel + 1, 0x9e3779b1));
    return ((h & 0xffff) + (h >>> 16) - 65535) * (2.449489742783178 / 65536);
  }
}
