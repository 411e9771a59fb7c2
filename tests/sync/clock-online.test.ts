// Online clock model accuracy on synthetic streams of known truth. The truth compared against
// is what one-way timing can observe: true send time + the constant (minimum) latency.
import { describe, expect, it } from "vitest";
import { ClockModelEstimator } from "../../nodes/sync/clock/estimator.ts";
import { LINK, generateStream, percentile, type StreamSpec } from "./synthetic.ts";


const CASES: Pick<StreamSpec, "rateHz" | "offsetNs" | "driftPpm" | "seed">[] = [
  { rateHz: 1000, offsetNs: 30e6, driftPpm: 100, seed: 1 },
  { rateHz: 1000, offsetNs: -30e6, driftPpm: -100, seed: 2 },
  { rateHz: 400, offsetNs: 30e6, driftPpm: -100, seed: 3 },
  { rateHz: 400, offsetNs: -30e6, driftPpm: 100, seed: 4 },
  { rateHz: 30, offsetNs: 30e6, driftPpm: 100, seed: 5 },
  { rateHz: 30, offsetNs: -30e6, driftPpm: -100, seed: 6 },
];

describe("ClockModelEstimator on a 60 s stream", () => {
  for (const c of CASES) {
    it(`${c.rateHz} Hz, offset ${c.offsetNs / 1e6} ms, drift ${c.driftPpm} ppm`, () => {
      const samples = generateStream({ ...LINK, ...c, durationS: 60 });
      const est = new ClockModelEstimator();
      // Causal error: each sample mapped with the model as it stood right after that sample.
      const causal: number[] = [];
      for (const s of samples) {
        est.add(s.stamp, s.receive);
        causal.push(Math.abs(Number(est.model()!.toHost(s.stamp) - s.truthHost)));
      }
      const final = est.model()!;
      const finalErr = samples.map((s) => Math.abs(Number(final.toHost(s.stamp) - s.truthHost)));
      const driftErrPpm = Math.abs(final.driftPpm - c.driftPpm);
      const p99 = percentile(causal, 99);
      console.info(
        `clock online ${c.rateHz} Hz: causal |err| p50 ${(percentile(causal, 50) / 1e3).toFixed(2)} µs, p99 ${(p99 / 1e3).toFixed(2)} µs; ` +
          `final model max |err| ${(Math.max(...finalErr) / 1e3).toFixed(2)} µs; drift err ${driftErrPpm.toFixed(3)} ppm`,
      );
      expect(est.segments()).toHaveLength(1);
      expect(p99).toBeLessThanOrEqual(0.5e6);
      expect(Math.max(...finalErr)).toBeLessThanOrEqual(0.5e6);
      expect(driftErrPpm).toBeLessThanOrEqual(5);
      expect(final.minLatencyIncluded).toBe(true);
    });
  }

  it("keeps memory to the hull: few vertices after 60 000 samples", () => {
    const samples = generateStream({ ...LINK, rateHz: 1000, durationS: 60, offsetNs: 0, driftPpm: 50, seed: 9 });
    const est = new ClockModelEstimator({ maxHullVertices: 64 });
    for (const s of samples) est.add(s.stamp, s.receive);
    // The hull of 60 000 line-plus-exponential points has O(log n) vertices: the cap is not hit.
    const seg = est.segments()[0]!;
    console.info(`clock online: hull vertices after 60 000 samples: ${est.stats().hullVertices}`);
    expect(est.stats().hullVertices).toBeLessThan(64);
    // A trailing latency spike may still be pending as a jump candidate.
    expect(seg.count).toBeGreaterThan(59_990);
    expect(Math.abs(seg.model.driftPpm - 50)).toBeLessThan(1);
  });
});
