// The aligned episode reader's contract: every stream of a recorded episode on one corrected
// timeline (host time recovered through each sensor's clock model plus its cross-modal latency
// correction). The viewer's server and the export read episodes only through this; nothing else
// re-implements alignment. Implementation: ./reader.ts (openAlignedEpisode).
import type { RosMessage } from "../../nodes/runtime/api.ts";
import type { ContinuousValue } from "../../nodes/sync/synchronizer/values.ts";

/** How a stream is aligned: continuous signals interpolate, images/point clouds take the nearest sample. */
export type StreamKind = "continuous" | "image" | "pointcloud" | "other";

/** Where an episode's clock models came from, best first. */
export type AlignmentSource =
  /** `<episode>/alignment.json`, written by `teledemo align` (offline two-pass + cross-modal). */
  | "alignment-file"
  /** clock-model messages recorded live in the episode. */
  | "recorded"
  /** fitted offline when the episode was opened (nothing stored yet). */
  | "computed"
  /** stream has no header stamp: receive (log) time is the timeline. */
  | "receive-time";

export interface AlignedStreamInfo {
  topic: string;
  /** ROS type, e.g. "sensor_msgs/msg/JointState". */
  type: string;
  kind: StreamKind;
  messageCount: number;
  /** Median message period on the corrected timeline (ns); undefined with fewer than 2 messages. */
  periodNs: bigint | undefined;
  source: AlignmentSource;
  /** Cross-modal latency correction folded into the model (ns, already applied by correctedNs). */
  crossModalOffsetNs: bigint;
  /** Number of clock segments (> 1 when the sensor clock jumped). */
  segments: number;
}

export interface AlignedMessage {
  topic: string;
  type: string;
  /** Corrected time: when the sample was taken, on the host timeline (ns). */
  correctedNs: bigint;
  /** Header stamp (sensor clock); undefined for messages without a header. */
  stampNs: bigint | undefined;
  /** MCAP log time (receive time). */
  logNs: bigint;
  publishNs: bigint;
  /** Raw CDR exactly as recorded. */
  bytes: Uint8Array;
  /** Decodes (and caches) the CDR payload. */
  decode(): RosMessage;
}

/** One stream's state at a query time. */
export interface StreamStateAt {
  topic: string;
  /** ok: value/message within tolerance; stale: nearest sample beyond tolerance (value still given); missing: no sample at all. */
  status: "ok" | "stale" | "missing";
  /** corrected time of the sample used minus the query time (ns); for interpolation, the larger bracket distance signed toward it. */
  skewNs: bigint;
  /** Continuous streams: interpolated (linear; slerp for quaternion fields). */
  value?: ContinuousValue;
  /** Image / point cloud / other streams: the nearest message (continuous streams: the one just before t). */
  message?: AlignedMessage;
}

export interface StateQueryOptions {
  topics?: readonly string[];
  /** Per-topic tolerance (ns) beyond which a sample is "stale". Default: 1.5 × the stream's period (images/clouds: 0.5 × period). */
  toleranceNs?: ReadonlyMap<string, bigint> | bigint;
}

export interface AlignedEpisode {
  /** Episode folder (or the .mcap file's path for a bare recording). */
  readonly path: string;
  /** The recording's files in order (split episodes have several). */
  readonly files: readonly string[];
  /** The teledemo.episode metadata record (empty for recordings teledemo did not write). */
  readonly facts: Readonly<Record<string, string>>;
  readonly streams: readonly AlignedStreamInfo[];
  /** First and last corrected time over all streams (ns). */
  readonly startNs: bigint;
  readonly endNs: bigint;
  /** Corrected time of a sample of `topic` with header stamp `stampNs` received at `logNs`. */
  correctedNs(topic: string, stampNs: bigint | undefined, logNs: bigint): bigint;
  /**
   * Optional: the corrected times of every message of `topic`, ascending (known from opening,
   * no read needed); undefined for an unknown topic. Lets QA and reports measure rates and gaps.
   */
  correctedTimes?(topic: string): readonly bigint[] | undefined;
  /** Optional: problems met while opening (unindexed files scanned, an unusable alignment.json). */
  readonly problems?: readonly string[];
  /** The clock models in serialized form (what the browser applies itself), keyed by topic. */
  alignmentJson(): AlignmentFileJson;
  /** Every message of the chosen topics ordered by corrected time, in [startNs, endNs). */
  messages(options?: { topics?: readonly string[]; startNs?: bigint; endNs?: bigint }): AsyncIterable<AlignedMessage>;
  /** State of every (chosen) stream at corrected time t. */
  stateAt(tNs: bigint, options?: StateQueryOptions): Promise<Map<string, StreamStateAt>>;
  /**
   * States at each time of an ascending grid, streamed in one pass over the file (what export
   * uses: O(messages), not O(grid × seek)).
   */
  resample(gridNs: readonly bigint[], options?: StateQueryOptions): AsyncIterable<{ tNs: bigint; states: Map<string, StreamStateAt> }>;
  close(): Promise<void>;
}

/** `<episode>/alignment.json`: written by `teledemo align`, read by the reader and the viewer. */
export const ALIGNMENT_FILE = "alignment.json";
export const ALIGNMENT_SCHEMA = "teledemo/alignment";
export const ALIGNMENT_VERSION = 1;

export interface AlignmentFileJson {
  schema: typeof ALIGNMENT_SCHEMA;
  version: typeof ALIGNMENT_VERSION;
  /** What produced it: "teledemo align" (offline) or "reader" (fitted on open, not stored). */
  producer: string;
  created: string;
  streams: Record<
    string,
    {
      type: string;
      source: AlignmentSource;
      /** nodes/sync/clock/serialization.ts ClockModelJson; absent for receive-time streams. */
      clockModel?: unknown;
      crossModalOffsetNs: string;
    }
  >;
  /** Cross-modal estimates behind the offsets, for reports. */
  crossModal?: Array<{ reference: string; target: string; offsetNs: string; confidence: number }>;
}
