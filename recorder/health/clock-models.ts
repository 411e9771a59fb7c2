// Per-stream clock models estimated while recording (nodes/sync/clock ClockModelEstimator on each
// stamped stream's (header stamp, receive time) pairs) and written into the episode as
// `/teledemo/clock_model` (teledemo_msgs/msg/ClockModel, CDR): the latest segment of each stream
// once per period, and every segment of every stream when the episode ends, so the last
// messages of each (topic, segment_index) are the final estimates.
//
// Residuals need the samples, not just the hull the estimator keeps: each stream's pairs are kept
// as float64 offsets from its first pair (16 bytes a message; a 1 kHz stream costs ~1 MB a minute).
import { ClockModelEstimator, type ClockSegment } from "../../nodes/sync/clock/index.ts";
import { nanosToRosTime, type RosTime } from "../../nodes/messages/index.ts";

export const CLOCK_MODEL_TOPIC = "/teledemo/clock_model";
export const CLOCK_MODEL_TYPE = "teledemo_msgs/msg/ClockModel";

/** teledemo_msgs/msg/ClockModel as the codec encodes it (field names of the .msg). */
export interface ClockModelMessage {
  header: { stamp: RosTime; frame_id: string };
  topic: string;
  segment_index: number;
  valid_from: RosTime;
  offset_ns: bigint;
  drift_ppm: number;
  sample_count: number;
  residual_mean_ns: number;
  residual_rms_ns: number;
  residual_max_abs_ns: number;
}

class StreamClock {
  readonly estimator = new ClockModelEstimator();
  private xs = new Float64Array(1024);
  private ys = new Float64Array(1024);
  n = 0;
  nextDueNs: bigint;

  constructor(
    private readonly baseStamp: bigint,
    private readonly baseReceive: bigint,
    firstDueNs: bigint,
  ) {
    this.nextDueNs = firstDueNs;
  }

  add(stampNs: bigint, receiveNs: bigint): void {
    this.estimator.add(stampNs, receiveNs);
    if (this.n === this.xs.length) {
      const grow = (a: Float64Array) => {
        const b = new Float64Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.xs = grow(this.xs);
      this.ys = grow(this.ys);
    }
    this.xs[this.n] = Number(stampNs - this.baseStamp);
    this.ys[this.n] = Number(receiveNs - this.baseReceive);
    this.n++;
  }

  /** Segment `index` as a message: residuals = receive − modelled host time over its samples. */
  message(topic: string, index: number, segment: ClockSegment, fromSample: number, toSample: number, nowNs: bigint): ClockModelMessage {
    const model = segment.model;
    const drift = model.drift;
    // host(stamp) = host(base) + (stamp − base)(1 + drift), as offsets from the base receive time
    const h0 = Number(model.toHost(this.baseStamp) - this.baseReceive);
    let sum = 0;
    let sumSq = 0;
    let maxAbs = 0;
    const count = Math.max(0, toSample - fromSample);
    for (let i = fromSample; i < toSample; i++) {
      const x = this.xs[i]!;
      const r = this.ys[i]! - h0 - x - drift * x;
      sum += r;
      sumSq += r * r;
      const a = Math.abs(r);
      if (a > maxAbs) maxAbs = a;
    }
    return {
      header: { stamp: nanosToRosTime(nowNs), frame_id: "" },
      topic,
      segment_index: index,
      valid_from: nanosToRosTime(segment.validFromStampNs),
      offset_ns: model.offsetAt(segment.validFromStampNs),
      drift_ppm: model.driftPpm,
      sample_count: segment.count,
      residual_mean_ns: count > 0 ? sum / count : 0,
      residual_rms_ns: count > 0 ? Math.sqrt(sumSq / count) : 0,
      residual_max_abs_ns: maxAbs,
    };
  }

  /** Messages for the segments [from, all): the latest only for periodic updates, all at the end. */
  messages(topic: string, nowNs: bigint, latestOnly: boolean): ClockModelMessage[] {
    const segments = this.estimator.segments();
    const starts = this.estimator.segmentStartIndices();
    const out: ClockModelMessage[] = [];
    for (let i = latestOnly ? segments.length - 1 : 0; i < segments.length; i++) {
      const seg = segments[i];
      if (seg === undefined) continue;
      out.push(this.message(topic, i, seg, starts[i] ?? 0, starts[i + 1] ?? this.n, nowNs));
    }
    return out;
  }
}

export class EpisodeClockModels {
  private readonly streams = new Map<string, StreamClock>();

  constructor(
    /** How often each stream's current model is written, ns (receive-time clock). */
    private readonly periodNs = 1_000_000_000n,
  ) {}

  get topics(): string[] {
    return [...this.streams.keys()];
  }

  /** One stamped message. Returns the stream's current model when one is due (once per period). */
  add(topic: string, stampNs: bigint, receiveNs: bigint): ClockModelMessage | undefined {
    let s = this.streams.get(topic);
    if (s === undefined) {
      s = new StreamClock(stampNs, receiveNs, receiveNs + this.periodNs);
      this.streams.set(topic, s);
    }
    s.add(stampNs, receiveNs);
    if (receiveNs < s.nextDueNs) return undefined;
    s.nextDueNs = receiveNs + this.periodNs;
    return s.messages(topic, receiveNs, true)[0];
  }

  /** Every segment of every stream, for the end of the episode. */
  final(nowNs: bigint): ClockModelMessage[] {
    return [...this.streams.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).flatMap(([topic, s]) => s.messages(topic, nowNs, false));
  }
}
