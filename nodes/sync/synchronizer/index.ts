// The synchronizer: per-stream clock models and aligned frames at each pivot message.
export {
  SynchronizerCore,
  STREAM_STATUSES,
  type AlignMode,
  type AlignedFrame,
  type AlignedStream,
  type SampleRef,
  type StreamCounters,
  type StreamStatus,
  type SynchronizerOptions,
  type SynchronizerStats,
  type SyncStreamSpec,
} from "./core.ts";
export { readHeaderStamp } from "./stamp.ts";
export { field, interpolateValue, slerpInto, VALUE_EXTRACTORS, type ContinuousValue, type ValueExtractor } from "./values.ts";
export { WindowPercentiles } from "./window-stats.ts";
export { replay, type RecordedMessage } from "./replay.ts";
export { alignedFrameMessage, alignedStreamMessage, streamsOfProfile, SynchronizerNode, type SynchronizerNodeOptions } from "./node.ts";
