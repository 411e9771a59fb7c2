import { describe, expect, it } from "vitest";
import { ClockModel, SegmentedClockModel } from "../../nodes/sync/clock/index.ts";
import { foldLatencyCorrection } from "../../nodes/sync/crossmodal/index.ts";

describe("foldLatencyCorrection", () => {
  it("subtracts the correction from every segment's host time, keeping drift and validity", () => {
    const seg = { validFromStampNs: 0n, validToStampNs: 10_000_000_000n, firstReceiveNs: 5n, lastReceiveNs: 6n, count: 3 };
    const m = new SegmentedClockModel([{ ...seg, model: new ClockModel(1_000_000_000n, 1_020_000_000n, 50e-6) }]);
    const folded = foldLatencyCorrection(m, 1.5e6);
    for (const stamp of [0n, 3_000_000_000n, 9_000_000_000n]) expect(folded.toHost(stamp)).toBe(m.toHost(stamp) - 1_500_000n);
    expect(folded.segments[0]!.model.drift).toBe(50e-6);
    expect(folded.segments[0]!.validToStampNs).toBe(10_000_000_000n);
  });
});
