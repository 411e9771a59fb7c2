// Offline two-pass fit: at least as good as online, rejects bad stamps the online pass could
// not (during warm-up), reports jitter percentiles and drops.
import { describe, expect, it } from "vitest";
import { ClockModelEstimator } from "../../nodes/sync/clock/estimator.ts";
import { fitClockModelOffline, type ClockPair } from "../../nodes/sync/clock/offline.ts";
import { LINK, generateStream, percentile, seededRandom } from "./synthetic.ts";

const pairsOf = (samples: { stamp: bigint; receive: bigint }[]): ClockPair[] => samples.map((s) => ({ stampNs: s.stamp, receiveNs: s.receive }));

describe("fitClockModelOffline", () => {
  for (const rateHz of [1000, 400, 30]) {
    it(`${rateHz} Hz: at least as accurate as the online estimator`, () => {
      const samples = generateStream({ ...LINK, rateHz, durationS: 60, offsetNs: 25e6, driftPpm: -90, seed: 40 + rateHz, steps: [{ atS: 31.0003, stepNs: 80e6 }] });
      const online = new ClockModelEstimator();
      const causal: number[] = [];
      for (const s of samples) {
        online.add(s.stamp, s.receive);
        causal.push(Math.abs(Number(online.segmentedModel().toHost(s.stamp, s.receive) - s.truthHost)));
      }
      const onlineFinal = online.segmentedModel();
      const fit = fitClockModelOffline(pairsOf(samples), { expectedPeriodNs: 1e9 / rateHz });
      const offErr = samples.map((s) => Math.abs(Number(fit.model.toHost(s.stamp, s.receive) - s.truthHost)));
      const onErr = samples.map((s) => Math.abs(Number(onlineFinal.toHost(s.stamp, s.receive) - s.truthHost)));
      const seg0 = fit.segments[0]!;
      console.info(
        `clock offline ${rateHz} Hz: |err| p99 ${(percentile(offErr, 99) / 1e3).toFixed(2)} µs (online causal p99 ${(percentile(causal, 99) / 1e3).toFixed(2)} µs, online final ${(percentile(onErr, 99) / 1e3).toFixed(2)} µs); ` +
          `residual p50/p90/p99 ${[seg0.residuals.p50Ns, seg0.residuals.p90Ns, seg0.residuals.p99Ns].map((v) => (v / 1e6).toFixed(2)).join("/")} ms; drift ${fit.segments.map((s) => s.segment.model.driftPpm.toFixed(2)).join(" / ")} ppm`,
      );
      expect(fit.segments).toHaveLength(2);
      expect(percentile(offErr, 99)).toBeLessThanOrEqual(percentile(causal, 99));
      expect(percentile(offErr, 99)).toBeLessThanOrEqual(percentile(onErr, 99) + 1e3);
      expect(percentile(offErr, 99)).toBeLessThanOrEqual(0.5e6);
      for (const s of fit.segments) {
        expect(Math.abs(s.segment.model.driftPpm + 90)).toBeLessThan(5);
        expect(s.drops).toBe(0);
      }
      // Latency above the floor: exponential with a 2 ms mean (median 1.39 ms) plus 5% spikes.
      expect(seg0.residuals.p50Ns).toBeGreaterThan(1.2e6);
      expect(seg0.residuals.p50Ns).toBeLessThan(1.8e6);
      expect(seg0.residuals.p90Ns).toBeGreaterThan(seg0.residuals.p50Ns);
      expect(seg0.residuals.p99Ns).toBeGreaterThan(seg0.residuals.p90Ns);
      expect(seg0.count + fit.segments[1]!.count).toBe(samples.length);
    });
  }

  it("rejects a bad stamp inside the online warm-up, where the online pass has to trust it", () => {
    const samples = generateStream({ ...LINK, rateHz: 100, durationS: 20, offsetNs: 0, driftPpm: 40, seed: 12 });
    const pairs = pairsOf(samples);
    pairs[5] = { stampNs: pairs[5]!.stampNs + 30_000_000n, receiveNs: pairs[5]!.receiveNs };
    const online = new ClockModelEstimator();
    for (const p of pairs) online.add(p.stampNs, p.receiveNs);
    const fit = fitClockModelOffline(pairs);
    const errOf = (toHost: (s: bigint) => bigint): number =>
      Math.max(...samples.filter((_, i) => i !== 5).map((s) => Math.abs(Number(toHost(s.stamp) - s.truthHost))));
    const offline = errOf((s) => fit.model.toHost(s));
    const onl = errOf((s) => online.model()!.toHost(s));
    console.info(`clock offline warm-up glitch: offline max |err| ${(offline / 1e3).toFixed(1)} µs vs online ${(onl / 1e3).toFixed(1)} µs`);
    expect(fit.segments).toHaveLength(1);
    expect(fit.segments[0]!.rejectedIndices).toEqual([5]);
    expect(offline).toBeLessThan(0.1e6);
    expect(offline).toBeLessThanOrEqual(onl);
  });

  it("counts drops from stamp gaps, and out-of-order and duplicate stamps", () => {
    const rand = seededRandom(3);
    const samples = generateStream({ ...LINK, rateHz: 400, durationS: 10, offsetNs: 0, driftPpm: 20, seed: 13, periodJitterNs: 20e3 });
    const kept = samples.filter((_, i) => i === 0 || i === samples.length - 1 || rand() > 0.01);
    const dropped = samples.length - kept.length;
    const pairs = pairsOf(kept);
    // Swap two neighbours' arrival order and repeat one message.
    [pairs[100], pairs[101]] = [pairs[101]!, pairs[100]!];
    pairs.splice(200, 0, pairs[199]!);
    const fit = fitClockModelOffline(pairs, { expectedPeriodNs: 2.5e6 });
    const seg = fit.segments[0]!;
    expect(fit.segments).toHaveLength(1);
    expect(seg.drops).toBe(dropped);
    expect(seg.outOfOrder).toBe(1);
    expect(seg.duplicateStamps).toBe(1);
  });

  it("handles empty and one-sample input", () => {
    expect(fitClockModelOffline([]).segments).toHaveLength(0);
    const one = fitClockModelOffline([{ stampNs: 10n, receiveNs: 25n }]);
    expect(one.model.toHost(10n)).toBe(25n);
    expect(one.segments[0]!.residuals.p50Ns).toBe(0);
  });
});
