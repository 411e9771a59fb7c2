// Clock steps, bad stamps and out-of-order stamps.
import { describe, expect, it } from "vitest";
import { ClockModelEstimator } from "../../nodes/sync/clock/estimator.ts";
import { fitClockModelOffline } from "../../nodes/sync/clock/offline.ts";
import { LINK, generateStream, percentile, seededRandom, type SyntheticSample } from "./synthetic.ts";

function run(samples: readonly SyntheticSample[]): ClockModelEstimator {
  const est = new ClockModelEstimator();
  for (const s of samples) est.add(s.stamp, s.receive);
  return est;
}

/** |error| of the final segmented model (segment chosen by receive time) per sample, ns. */
function segmentedErrors(est: ClockModelEstimator, samples: readonly SyntheticSample[]): number[] {
  const m = est.segmentedModel();
  return samples.map((s) => Math.abs(Number(m.toHost(s.stamp, s.receive) - s.truthHost)));
}

describe("clock steps", () => {
  for (const rateHz of [1000, 400, 30]) {
    for (const stepNs of [80e6, -80e6]) {
      it(`${rateHz} Hz, ${stepNs / 1e6} ms step mid-stream → two segments, boundary at the step`, () => {
        const samples = generateStream({ ...LINK, rateHz, durationS: 60, offsetNs: 20e6, driftPpm: -70, seed: rateHz + stepNs / 1e6, steps: [{ atS: 30.0002, stepNs }] });
        const est = run(samples);
        const segs = est.segments();
        const trueBoundary = samples.findIndex((s) => s.segment === 1);
        const found = est.segmentStartIndices();
        const errs = segmentedErrors(est, samples);
        console.info(
          `clock step ${rateHz} Hz ${stepNs / 1e6} ms: segment starts ${found.join(",")} (true ${trueBoundary}); ` +
            `drift ${segs.map((s) => s.model.driftPpm.toFixed(2)).join(" / ")} ppm; |err| p99 ${(percentile(errs, 99) / 1e3).toFixed(2)} µs max ${(Math.max(...errs) / 1e3).toFixed(2)} µs`,
        );
        expect(segs).toHaveLength(2);
        expect(Math.abs(found[1]! - trueBoundary)).toBeLessThanOrEqual(1);
        for (const seg of segs) expect(Math.abs(seg.model.driftPpm + 70)).toBeLessThanOrEqual(5);
        expect(percentile(errs, 99)).toBeLessThanOrEqual(0.5e6);
        // The two models differ by the step: same host time, stamps 80 ms apart.
        const [a, b] = segs;
        const host = a!.model.toHost(a!.validToStampNs);
        expect(Math.abs(Number(b!.model.toStamp(host) - a!.validToStampNs) - stepNs)).toBeLessThan(0.5e6);
        // Stamp validity: a forward step leaves disjoint stamp ranges.
        if (stepNs > 0) expect(b!.validFromStampNs > a!.validToStampNs).toBe(true);
      });
    }
  }

  it("a −80 ms step splits once on many seeds, rates and step times (online and offline), no short spurious segment", () => {
    const cases: string[] = [];
    for (const rateHz of [1000, 400, 200, 30]) {
      for (let seed = 1; seed <= 4; seed++) {
        const atS = 8 + seed * 2.71;
        const samples = generateStream({ ...LINK, rateHz, durationS: 24, offsetNs: ((seed % 7) - 3) * 10e6, driftPpm: ((seed % 5) - 2) * 50, seed: seed * 31 + rateHz, steps: [{ atS, stepNs: -80e6 }] });
        const trueBoundary = samples.findIndex((s) => s.segment === 1);
        const est = run(samples);
        const offline = fitClockModelOffline(samples.map((s) => ({ stampNs: s.stamp, receiveNs: s.receive })));
        const starts = est.segmentStartIndices();
        const ok = starts.length === 2 && Math.abs(starts[1]! - trueBoundary) <= 1 && offline.segments.length === 2 && offline.segments[1]!.startIndex === starts[1];
        if (!ok) cases.push(`${rateHz} Hz seed ${seed}: online starts ${starts.join(",")}, offline ${offline.segments.map((r) => r.startIndex).join(",")} (true 0,${trueBoundary})`);
      }
    }
    expect(cases).toEqual([]);
  });

  it("a sensor reset (stamps restart near zero) starts a new segment", () => {
    const samples = generateStream({ ...LINK, rateHz: 200, durationS: 20, offsetNs: 5e6, driftPpm: 30, seed: 77, steps: [{ atS: 10.001, stepNs: -4_200_000_000_000 }] });
    const est = run(samples);
    expect(est.segments()).toHaveLength(2);
    expect(est.segmentStartIndices()[1]).toBe(samples.findIndex((s) => s.segment === 1));
    expect(percentile(segmentedErrors(est, samples), 99)).toBeLessThan(0.5e6);
  });

  it("isolated bad stamps are rejected, not mistaken for steps", () => {
    const samples = generateStream({ ...LINK, rateHz: 400, durationS: 10, offsetNs: 0, driftPpm: 10, seed: 5 });
    const bad = new Set([1000, 2000, 2001, 3000]);
    const est = new ClockModelEstimator();
    for (const [i, s] of samples.entries()) est.add(bad.has(i) ? s.stamp + 200_000_000n : s.stamp, s.receive);
    expect(est.segments()).toHaveLength(1);
    expect(est.stats().rejected).toBe(4);
    const errs = samples.filter((_, i) => !bad.has(i)).map((s) => Math.abs(Number(est.model()!.toHost(s.stamp) - s.truthHost)));
    expect(Math.max(...errs)).toBeLessThan(0.05e6);
  });

  it("a long latency stall is not a backward step", () => {
    const samples = generateStream({ ...LINK, rateHz: 1000, durationS: 10, offsetNs: 0, driftPpm: 10, seed: 6 });
    // 150 ms transport stall: everything sent in it arrives together at its end.
    const stallStart = samples[5000]!.receive;
    const stallEnd = stallStart + 150_000_000n;
    const est = new ClockModelEstimator();
    for (const s of samples) est.add(s.stamp, s.receive > stallStart && s.receive < stallEnd ? stallEnd : s.receive);
    expect(est.segments()).toHaveLength(1);
    expect(Math.abs(Number(est.model()!.toHost(samples[9000]!.stamp) - samples[9000]!.truthHost))).toBeLessThan(0.05e6);
  });
});

describe("non-monotonic stamps", () => {
  it("samples in arrival order (stamps reordered by latency spikes) fit as well", () => {
    const samples = generateStream({ ...LINK, rateHz: 1000, durationS: 20, offsetNs: -10e6, driftPpm: 60, seed: 8 });
    const arrival = [...samples].sort((a, b) => (a.receive < b.receive ? -1 : a.receive > b.receive ? 1 : 0));
    const reordered = arrival.filter((s, i) => i > 0 && s.stamp < arrival[i - 1]!.stamp).length;
    expect(reordered).toBeGreaterThan(100);
    const est = run(arrival);
    expect(est.segments()).toHaveLength(1);
    const m = est.model()!;
    expect(Math.max(...samples.map((s) => Math.abs(Number(m.toHost(s.stamp) - s.truthHost))))).toBeLessThan(0.05e6);
  });

  it("shuffled, duplicated and degenerate input does not crash and yields finite models", () => {
    const rand = seededRandom(99);
    const samples = generateStream({ ...LINK, rateHz: 100, durationS: 5, offsetNs: 0, driftPpm: 0, seed: 10 });
    const shuffled = [...samples].sort(() => rand() - 0.5);
    const est = new ClockModelEstimator();
    expect(est.model()).toBeUndefined();
    for (const s of shuffled) {
      est.add(s.stamp, s.receive);
      est.add(s.stamp, s.receive); // duplicate
    }
    for (let i = 0; i < 50; i++) est.add(123n, 456n); // a stuck stamp
    for (const seg of est.segments()) {
      expect(Number.isFinite(seg.model.drift)).toBe(true);
      expect(typeof seg.model.toHost(samples[0]!.stamp)).toBe("bigint");
    }
    const single = new ClockModelEstimator();
    single.add(5n, 10n);
    expect(single.model()!.toHost(5n)).toBe(10n);
  });
});
