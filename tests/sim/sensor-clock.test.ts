import { describe, expect, it } from "vitest";
import { SensorClock } from "../../nodes/sim/clock/sensor-clock.ts";
import type { SimClockSpec } from "../../nodes/rig/profile.ts";

const EPOCH = 1_767_225_600_000_000_000n; // 2026-01-01T00:00:00Z

function spec(overrides: Partial<SimClockSpec>): SimClockSpec {
  return { offset_ms: 0, drift_ppm: 0, latency_ms: 0, jitter_ms: 0, spike_probability: 0, spike_max_ms: 0, drop_probability: 0, ...overrides };
}

function samples(clock: SensorClock, n: number) {
  return Array.from({ length: n }, () => clock.next());
}

describe("SensorClock", () => {
  it("stamps with the configured offset and drift relative to the host capture time", () => {
    const clock = new SensorClock("imu", spec({ offset_ms: 23.5, drift_ppm: 80 }), 400, EPOCH, 7, "imu@400");
    const all = samples(clock, 400 * 60);
    for (const s of [all[0], all[12_000], all[all.length - 1]]) {
      if (!s) throw new Error("missing sample");
      const hostRel = Number(s.captureNs - EPOCH);
      const expected = hostRel * (1 + 80e-6) + 23.5e6;
      expect(Math.abs(Number(s.stampNs - EPOCH) - expected)).toBeLessThanOrEqual(1);
    }
    // after 60 s the drift alone has moved the sensor clock by 80 ppm × 60 s = 4.8 ms
    const last = all[all.length - 1]!;
    const first = all[0]!;
    const stampSpan = Number(last.stampNs - first.stampNs);
    const hostSpan = Number(last.captureNs - first.captureNs);
    expect((stampSpan - hostSpan) / 1e6).toBeCloseTo((hostSpan * 80e-6) / 1e6, 3);
  });

  it("ticks uniformly on the sensor clock at the configured rate", () => {
    const clock = new SensorClock("ft", spec({ drift_ppm: -95 }), 1000, EPOCH, 1, "ft@1000");
    const all = samples(clock, 1000);
    for (let i = 1; i < all.length; i++) expect(Number(all[i]!.stampNs - all[i - 1]!.stampNs)).toBeCloseTo(1e6, -1);
  });

  it("delivers after a non-negative latency, in order, with the configured mean", () => {
    const clock = new SensorClock("cam", spec({ latency_ms: 12, jitter_ms: 1.5, spike_probability: 0.03, spike_max_ms: 40 }), 30, EPOCH, 3, "cam@30");
    const all = samples(clock, 3000);
    let sum = 0;
    let spikes = 0;
    for (let i = 0; i < all.length; i++) {
      const s = all[i]!;
      const latency = Number(s.arrivalNs - s.captureNs) / 1e6;
      expect(latency).toBeGreaterThanOrEqual(12);
      if (latency > 12 + 15) spikes++;
      sum += latency;
      if (i > 0) expect(s.arrivalNs >= all[i - 1]!.arrivalNs).toBe(true);
    }
    expect(sum / all.length).toBeGreaterThan(13.2);
    expect(sum / all.length).toBeLessThan(15);
    expect(spikes).toBeGreaterThan(0);
  });

  it("drops about the configured fraction, and the sequence shows the gaps", () => {
    const clock = new SensorClock("tactile", spec({ drop_probability: 0.05 }), 200, EPOCH, 11, "t@200");
    const all = samples(clock, 20_000);
    const dropped = all.filter((s) => s.dropped).length / all.length;
    expect(dropped).toBeGreaterThan(0.04);
    expect(dropped).toBeLessThan(0.06);
    expect(all.map((s) => s.index)).toEqual(all.map((_, i) => i));
  });

  it("is deterministic for a seed and differs across seeds", () => {
    const a = samples(new SensorClock("x", spec({ jitter_ms: 1 }), 100, EPOCH, 5, "x"), 50);
    const b = samples(new SensorClock("x", spec({ jitter_ms: 1 }), 100, EPOCH, 5, "x"), 50);
    const c = samples(new SensorClock("x", spec({ jitter_ms: 1 }), 100, EPOCH, 6, "x"), 50);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it("refuses a stream without a rate", () => {
    expect(() => new SensorClock("x", spec({}), 0, EPOCH, 1, "x")).toThrow(/positive rate/);
  });
});
