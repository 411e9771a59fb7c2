// Cross-modal offsets: constant latencies relative to the joint-state reference, by correlation.
export {
  estimateCrossModalOffsets,
  type CrossModalOptions,
  type CrossModalPair,
  type CrossModalResult,
  type CrossModalSample,
  type CrossModalStream,
} from "./estimate.ts";
export { intoFrame, SimArmKinematics, type FrameState, type JointSample, type KinematicsProvider } from "./kinematics.ts";
export { foldLatencyCorrection } from "./fold.ts";
