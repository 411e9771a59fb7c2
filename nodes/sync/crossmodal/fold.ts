// Folding a cross-modal correction into a clock model: the corrected model maps a stamp to
// clockModel.toHost(stamp) − correctionNs, i.e. onto the reference stream's timeline (see the
// sign convention in estimate.ts). Same drift, reference host time moved by the correction.
import { ClockModel, SegmentedClockModel } from "../clock/index.ts";

export function foldLatencyCorrection(model: SegmentedClockModel, correctionNs: number): SegmentedClockModel {
  const c = BigInt(Math.round(correctionNs));
  return new SegmentedClockModel(
    model.segments.map((s) => ({
      ...s,
      model: new ClockModel(s.model.refStampNs, s.model.refHostNs - c, s.model.drift),
    })),
  );
}
