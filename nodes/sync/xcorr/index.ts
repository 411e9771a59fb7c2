// Cross-modal lag estimation: the latency one-way clock models cannot observe.
export { estimateLag, type LagEstimate, type LagOptions } from "./estimateLag.ts";
export { feature, type LagFeature } from "./features.ts";
export { fft, nextPowerOfTwo, slidingDot } from "./fft.ts";
export { resampleLinear, type TimedSignal } from "./resample.ts";
