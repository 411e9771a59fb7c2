// Time alignment: per-stream clock models, cross-modal latency offsets, the synchronizer (pure
// core + runtime node), and the ApproximateTime baseline it is benchmarked against.
export * from "./clock/index.ts";
export * from "./xcorr/index.ts";
export * from "./crossmodal/index.ts";
export * from "./synchronizer/index.ts";
export * from "./approximate-time/index.ts";
