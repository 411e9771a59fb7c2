import { describe, expect, it } from "vitest";
import { estimateLag, type TimedSignal } from "../../nodes/sync/xcorr/estimateLag.ts";
import { fft, slidingDot } from "../../nodes/sync/xcorr/fft.ts";
import { gaussian, seededRandom } from "./synthetic.ts";

/** A contact-force-like signal: smooth (raised-cosine) steps of random size at random times. */
function forceProfile(seed: number, durationS: number): (t: number) => number {
  const rand = seededRandom(seed);
  const steps: { at: number; width: number; size: number }[] = [];
  for (let t = 0.3; t < durationS; t += 0.4 + 1.2 * rand()) {
    steps.push({ at: t, width: 0.02 + 0.08 * rand(), size: (rand() < 0.5 ? -1 : 1) * (5 + 15 * rand()) });
  }
  return (t) => {
    let f = 0;
    for (const s of steps) {
      const u = (t - s.at) / s.width;
      f += s.size * (u <= 0 ? 0 : u >= 1 ? 1 : 0.5 - 0.5 * Math.cos(Math.PI * u));
    }
    return f;
  };
}

/** Zero-phase Gaussian smoothing of a function, by sampling it finely (σ in s). */
function smoothed(f: (t: number) => number, sigmaS: number): (t: number) => number {
  const taps: { dt: number; w: number }[] = [];
  const h = sigmaS / 8;
  let sum = 0;
  for (let k = -32; k <= 32; k++) {
    const w = Math.exp(-0.5 * ((k * h) / sigmaS) ** 2);
    taps.push({ dt: k * h, w });
    sum += w;
  }
  return (t) => taps.reduce((acc, tap) => acc + tap.w * f(t + tap.dt), 0) / sum;
}

function sampled(f: (t: number) => number, rateHz: number, durationS: number, phaseS: number, noise: number, seed: number): TimedSignal {
  const g = gaussian(seededRandom(seed));
  const n = Math.floor(durationS * rateHz);
  const t = new Float64Array(n);
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    t[i] = phaseS + i / rateHz;
    v[i] = f(t[i]!) + noise * g();
  }
  return { t, v };
}

describe("fft", () => {
  it("matches a direct DFT and inverts", () => {
    const rand = seededRandom(1);
    const n = 64;
    const re = Float64Array.from({ length: n }, () => rand() - 0.5);
    const im = Float64Array.from({ length: n }, () => rand() - 0.5);
    const r2 = Float64Array.from(re);
    const i2 = Float64Array.from(im);
    fft(r2, i2);
    for (const k of [0, 1, 7, 31, 63]) {
      let sr = 0;
      let si = 0;
      for (let j = 0; j < n; j++) {
        const ang = (-2 * Math.PI * j * k) / n;
        sr += re[j]! * Math.cos(ang) - im[j]! * Math.sin(ang);
        si += re[j]! * Math.sin(ang) + im[j]! * Math.cos(ang);
      }
      expect(r2[k]).toBeCloseTo(sr, 10);
      expect(i2[k]).toBeCloseTo(si, 10);
    }
    fft(r2, i2, true);
    for (let j = 0; j < n; j++) expect(r2[j]).toBeCloseTo(re[j]!, 12);
  });

  it("FFT and direct sliding dot products agree", () => {
    const rand = seededRandom(2);
    const a = Float64Array.from({ length: 1000 }, () => rand() - 0.5);
    const b = Float64Array.from({ length: 1041 }, () => rand() - 0.5);
    const f = slidingDot(a, b, "fft");
    const d = slidingDot(a, b, "direct");
    expect(f.length).toBe(42);
    for (let m = 0; m < f.length; m++) expect(f[m]).toBeCloseTo(d[m]!, 9);
  });
});

describe("estimateLag", () => {
  const durationS = 30;
  const force = forceProfile(7, durationS + 1);
  const delayS = 0.0073;
  // a: the force sensor, 1 kHz, light noise. b: another sensor seeing the same force later,
  // through its own (zero-phase) low-pass, noisier, at 200 Hz with an unrelated sample phase.
  const a = sampled(force, 1000, durationS, 0, 0.3, 11);
  const filtered = smoothed(force, 0.004);
  const b = sampled((t) => filtered(t - delayS), 200, durationS, 0.0017, 0.8, 12);

  it("recovers a 7.3 ms delay of a filtered, noisy 200 Hz copy within 1 ms", () => {
    for (const method of ["fft", "direct"] as const) {
      const est = estimateLag(a, b, { maxLagS: 0.1, gridHz: 1000, method });
      console.info(
        `xcorr ${method}: lag ${(est.lagS * 1e3).toFixed(3)} ms (true 7.300), error ${((est.lagS - delayS) * 1e6).toFixed(0)} µs, ` +
          `correlation ${est.correlation.toFixed(3)}, peak ratio ${est.peakRatio.toFixed(2)}, confidence ${est.confidence.toFixed(3)}`,
      );
      expect(est.usable).toBe(true);
      expect(Math.abs(est.lagS - delayS)).toBeLessThan(0.001);
      expect(est.correlation).toBeGreaterThan(0.9);
    }
  });

  it("stays within 1 ms over other random force profiles and sample phases", () => {
    const errors: number[] = [];
    for (let seed = 1; seed <= 6; seed++) {
      const f = forceProfile(100 + seed, durationS + 1);
      const fs = smoothed(f, 0.004);
      const aa = sampled(f, 1000, durationS, 0, 0.3, 200 + seed);
      const bb = sampled((t) => fs(t - delayS), 200, durationS, 0.0009 * seed, 0.8, 300 + seed);
      const est = estimateLag(aa, bb, { maxLagS: 0.1, gridHz: 1000 });
      expect(est.usable).toBe(true);
      errors.push(Math.abs(est.lagS - delayS));
    }
    console.info(`xcorr over 6 profiles: max |error| ${(Math.max(...errors) * 1e6).toFixed(0)} µs`);
    expect(Math.max(...errors)).toBeLessThan(0.001);
  });

  it("works on derivatives and energy too", () => {
    for (const feature of ["derivative", "energy"] as const) {
      const est = estimateLag(a, b, { maxLagS: 0.1, gridHz: 1000, feature });
      console.info(`xcorr ${feature}: lag ${(est.lagS * 1e3).toFixed(3)} ms, correlation ${est.correlation.toFixed(3)}, confidence ${est.confidence.toFixed(3)}`);
      expect(est.usable).toBe(true);
      expect(Math.abs(est.lagS - delayS)).toBeLessThan(0.002);
    }
  });

  it("sign convention: positive lag means b lags a; swapping the signals flips it", () => {
    const late = sampled((t) => force(t - 0.05), 500, 20, 0, 0.1, 13);
    const early = sampled(force, 500, 20, 0, 0.1, 14);
    const ab = estimateLag(early, late, { maxLagS: 0.2, gridHz: 500 });
    const ba = estimateLag(late, early, { maxLagS: 0.2, gridHz: 500 });
    expect(ab.lagS).toBeCloseTo(0.05, 3);
    expect(ba.lagS).toBeCloseTo(-0.05, 3);
    // Applying the convention: b(t) ≈ a(t − lag), so shifting b's times by −lag aligns it.
    expect(ab.usable && ba.usable).toBe(true);
  });

  it("flat or unrelated signals are reported as unusable", () => {
    const t = Float64Array.from({ length: 5000 }, (_, i) => i / 1000);
    const flat: TimedSignal = { t, v: new Float64Array(5000).fill(9.81) };
    const flatEst = estimateLag(a, flat, { maxLagS: 0.1, gridHz: 1000 });
    expect(flatEst.usable).toBe(false);
    expect(flatEst.reason).toMatch(/flat/);
    expect(Number.isNaN(flatEst.lagS)).toBe(true);

    const noiseA = sampled(() => 0, 1000, 10, 0, 1, 21);
    const noiseB = sampled(() => 0, 1000, 10, 0, 1, 22);
    const noiseEst = estimateLag(noiseA, noiseB, { maxLagS: 0.1, gridHz: 1000 });
    expect(noiseEst.usable).toBe(false);
    expect(noiseEst.confidence).toBeLessThan(0.3);

    const short = estimateLag(a, { t: Float64Array.of(0, 0.01), v: Float64Array.of(1, 2) }, { maxLagS: 0.1, gridHz: 1000 });
    expect(short.usable).toBe(false);
    expect(short.reason).toMatch(/overlap/);
  });

  it("a periodic signal is ambiguous, not confidently wrong", () => {
    const sine = (t: number): number => Math.sin(2 * Math.PI * 5 * t);
    const p = sampled(sine, 1000, 10, 0, 0.01, 31);
    const q = sampled((t) => sine(t - 0.01), 1000, 10, 0, 0.01, 32);
    const est = estimateLag(p, q, { maxLagS: 0.5, gridHz: 1000 });
    expect(est.usable).toBe(false);
    expect(est.reason).toMatch(/ambiguous/);
  });
});
