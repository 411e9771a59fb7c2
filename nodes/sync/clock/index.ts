// Per-stream clock models: stamp → host time from (header stamp, receive time) pairs.
export { ClockModel, SegmentedClockModel, type ClockSegment } from "./clockModel.ts";
export { ClockModelEstimator, type ClockEstimatorOptions } from "./estimator.ts";
export {
  fitClockModelOffline,
  type ClockPair,
  type OfflineClockFit,
  type OfflineClockOptions,
  type OfflineSegmentReport,
  type ResidualStats,
} from "./offline.ts";
export {
  CLOCK_MODEL_SCHEMA,
  CLOCK_MODEL_VERSION,
  ClockModelJsonError,
  clockModelFromJson,
  clockModelToJson,
  type ClockModelJson,
  type ClockSegmentJson,
} from "./serialization.ts";
