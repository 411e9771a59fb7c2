import { describe, expect, it } from "vitest";
import { ClockModel, SegmentedClockModel } from "../../nodes/sync/clock/clockModel.ts";
import { ClockModelJsonError, clockModelFromJson, clockModelToJson } from "../../nodes/sync/clock/serialization.ts";

const EPOCH = 1_763_800_000_123_456_789n;

describe("ClockModel", () => {
  it("keeps nanoseconds at wall-clock epochs and inverts exactly", () => {
    const m = new ClockModel(EPOCH, EPOCH + 30_000_000n, 87e-6);
    expect(m.toHost(EPOCH)).toBe(EPOCH + 30_000_000n);
    // 10 s later on the sensor: host advances 10 s · (1 + 87 ppm) = 10 s + 870 µs.
    expect(m.toHost(EPOCH + 10_000_000_000n)).toBe(EPOCH + 30_000_000n + 10_000_000_000n + 870_000n);
    for (const d of [-5_000_000_017n, 1n, 123_456_789_012n]) {
      const stamp = EPOCH + d;
      const back = m.toStamp(m.toHost(stamp));
      expect(back - stamp <= 1n && stamp - back <= 1n).toBe(true);
    }
    expect(m.minLatencyIncluded).toBe(true);
    expect(m.driftPpm).toBeCloseTo(87, 9);
  });

  it("round-trips through schema-versioned JSON with bigints as strings", () => {
    const seg = {
      model: new ClockModel(EPOCH, EPOCH - 12_345n, -42.5e-6),
      validFromStampNs: EPOCH - 10n,
      validToStampNs: EPOCH + 10n,
      firstReceiveNs: EPOCH + 1n,
      lastReceiveNs: EPOCH + 99n,
      count: 21,
    };
    const json = clockModelToJson(new SegmentedClockModel([seg]));
    const text = JSON.stringify(json);
    expect(text).toContain(`"refStampNs":"${EPOCH}"`);
    expect(json.minLatencyIncluded).toBe(true);
    const back = clockModelFromJson(JSON.parse(text));
    expect(back.segments).toHaveLength(1);
    expect(back.segments[0]!.model.refHostNs).toBe(EPOCH - 12_345n);
    expect(back.segments[0]!.model.drift).toBe(-42.5e-6);
    expect(back.toHost(EPOCH + 5n)).toBe(new SegmentedClockModel([seg]).toHost(EPOCH + 5n));
  });

  it("rejects malformed JSON naming the field", () => {
    const good = clockModelToJson(new SegmentedClockModel([]));
    expect(() => clockModelFromJson({ ...good, version: 99 })).toThrow(/\$\.version/);
    const bad = { ...good, segments: [{ refStampNs: 12 }] };
    expect(() => clockModelFromJson(bad)).toThrow(ClockModelJsonError);
    expect(() => clockModelFromJson(bad)).toThrow(/segments\[0\]\.refStampNs/);
  });
});
