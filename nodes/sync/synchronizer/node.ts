// The synchronizer as a runtime node: subscribes (raw) to every stream of a rig profile, feeds
// the pure core, publishes aligned frames (teledemo_msgs/AlignedFrame), and periodically each
// stream's clock model (teledemo_msgs/ClockModel) and health (teledemo_msgs/StreamHealth).
import type { RigProfile } from "../../rig/profile.ts";
import type { Nanos, Publisher, RosMessage, Runtime, RuntimeNode, Timer } from "../../runtime/api.ts";
import { nanosToRosTime } from "../../messages/index.ts";
import { SynchronizerCore, type AlignedFrame, type AlignedStream, type SynchronizerOptions, type SyncStreamSpec } from "./core.ts";

export interface SynchronizerNodeOptions {
  profile: RigProfile;
  /** Decoder for continuous streams' values (a MessageCodec's decode). */
  decode: (type: string, bytes: Uint8Array) => RosMessage;
  /** Topics to align; default every stream of the profile with a rate. */
  topics?: (topic: string) => boolean;
  /** Pivot topic; default the profile's pivot_topic. */
  pivotTopic?: string;
  latencyCorrectionsNs?: Record<string, number>;
  nodeName?: string;
  /** Output topics. */
  framesTopic?: string;
  clockModelsTopic?: string;
  healthTopic?: string;
  /** Period of the clock model / health publications, ns. Default 1 s. */
  reportPeriodNs?: Nanos;
  /** Period of the deadline timer, ns. Default 1 ms. */
  pollPeriodNs?: Nanos;
  /** Node parameter overrides (e.g. use_sim_time). */
  parameterOverrides?: Record<string, boolean | number | string>;
  core?: Partial<Omit<SynchronizerOptions, "streams" | "pivotTopic" | "decode" | "latencyCorrectionsNs">>;
  /** Called with every frame as it is emitted (besides publishing it). */
  onFrame?: (frame: AlignedFrame) => void;
}

const STATUS = { ok: 0, unconfirmed: 1, late: 2, missing: 3 } as const;
const MODE = { none: 0, interpolated: 1, nearest: 2, held: 3 } as const;
const TRIGGER = { complete: 0, deadline: 1, forced: 2 } as const;
const HEALTH = { ok: 0, warn: 1, error: 2, stale: 3 } as const;

export function streamsOfProfile(profile: RigProfile, topics?: (topic: string) => boolean): SyncStreamSpec[] {
  return profile.streams
    .filter((s) => s.rate_hz > 0 && s.kind !== "tf_static" && (topics === undefined || topics(s.topic)))
    .map((s) => ({ topic: s.topic, type: s.type, kind: s.kind, rateHz: s.rate_hz, toleranceMs: s.tolerance_ms }));
}

export function alignedStreamMessage(s: AlignedStream): RosMessage {
  const v = s.value;
  const values = v === undefined ? new Float64Array(0) : concat(v.data);
  return {
    topic: s.topic,
    status: STATUS[s.status],
    mode: MODE[s.mode],
    skew_ns: BigInt(Math.round(s.skewNs ?? 0)),
    stamp_before: nanosToRosTime(s.before?.stampNs ?? 0n),
    stamp_after: nanosToRosTime(s.after?.stampNs ?? 0n),
    index_before: BigInt(s.before?.index ?? 0),
    index_after: BigInt(s.after?.index ?? 0),
    weight: s.weight ?? 0,
    names: v === undefined ? [] : [...v.names],
    fields: v === undefined ? [] : [...v.fields],
    field_sizes: v === undefined ? [] : v.data.map((d) => d.length),
    values,
  };
}

export function alignedFrameMessage(f: AlignedFrame, pivotFrameId: string): RosMessage {
  return {
    header: { stamp: nanosToRosTime(f.timeNs), frame_id: pivotFrameId },
    pivot_topic: f.pivot.topic,
    pivot_stamp: nanosToRosTime(f.pivot.stampNs),
    pivot_receive: nanosToRosTime(f.pivot.receiveNs),
    pivot_index: BigInt(f.pivot.index),
    emitted: nanosToRosTime(f.emitNs),
    trigger: TRIGGER[f.trigger],
    clock_settled: f.clockSettled,
    streams: f.streams.map(alignedStreamMessage),
  };
}

function concat(arrays: readonly Float64Array[]): Float64Array {
  const out = new Float64Array(arrays.reduce((n, a) => n + a.length, 0));
  let o = 0;
  for (const a of arrays) {
    out.set(a, o);
    o += a.length;
  }
  return out;
}

export class SynchronizerNode {
  readonly node: RuntimeNode;
  readonly core: SynchronizerCore;
  private readonly framesPub: Publisher;
  private readonly clockPub: Publisher;
  private readonly healthPub: Publisher;
  private readonly timers: Timer[] = [];
  private readonly specs: SyncStreamSpec[];
  private readonly pivotFrameId: string;
  private readonly expectedHz = new Map<string, number>();
  private lastReport: { at: Nanos; received: Map<string, number> } | undefined;
  private readonly lastReceive = new Map<string, Nanos>();
  framesPublished = 0;

  constructor(
    runtime: Runtime,
    private readonly options: SynchronizerNodeOptions,
  ) {
    const { profile } = options;
    this.specs = streamsOfProfile(profile, options.topics);
    const pivotTopic = options.pivotTopic ?? profile.pivot_topic;
    this.pivotFrameId = profile.streams.find((s) => s.topic === pivotTopic)?.frame_id ?? "";
    this.core = new SynchronizerCore({ ...(options.core ?? {}), streams: this.specs, pivotTopic, decode: options.decode, latencyCorrectionsNs: options.latencyCorrectionsNs });
    this.node = runtime.createNode(options.nodeName ?? "teledemo_sync", "", { parameterOverrides: options.parameterOverrides });
    this.framesPub = this.node.createPublisher("teledemo_msgs/msg/AlignedFrame", options.framesTopic ?? "/teledemo/sync/frames", { qos: { depth: 30 } });
    this.clockPub = this.node.createPublisher("teledemo_msgs/msg/ClockModel", options.clockModelsTopic ?? "/teledemo/sync/clock_models", { qos: { depth: 50 } });
    this.healthPub = this.node.createPublisher("teledemo_msgs/msg/StreamHealth", options.healthTopic ?? "/teledemo/sync/health", { qos: { depth: 50 } });
    for (const s of this.specs) {
      this.expectedHz.set(s.topic, s.rateHz);
      const qos = profile.streams.find((p) => p.topic === s.topic)?.qos;
      // Deep queues: the core bounds memory itself; the transport queue must not drop 1 kHz bursts.
      this.node.createSubscription(s.type, s.topic, { isRaw: true, qos: { depth: Math.max(100, Math.ceil(s.rateHz / 2)), reliability: qos?.reliability ?? "best_effort" } }, (bytes, info) => {
        this.lastReceive.set(s.topic, info.receivedTimestamp);
        this.publishFrames(this.core.push(s.topic, bytes, info.receivedTimestamp, this.node.now()));
      });
    }
    this.timers.push(this.node.createTimer(options.pollPeriodNs ?? 1_000_000n, () => this.publishFrames(this.core.poll(this.node.now()))));
    this.timers.push(this.node.createTimer(options.reportPeriodNs ?? 1_000_000_000n, () => this.report()));
  }

  private publishFrames(frames: AlignedFrame[]): void {
    for (const f of frames) {
      this.framesPub.publish(alignedFrameMessage(f, this.pivotFrameId));
      this.framesPublished++;
      this.options.onFrame?.(f);
    }
  }

  /** Publish every stream's clock model and health now. */
  report(): void {
    const now = this.node.now();
    const stats = this.core.stats();
    const prev = this.lastReport;
    const received = new Map<string, number>();
    for (const s of this.specs) {
      const st = stats.streams[s.topic]!;
      received.set(s.topic, st.received);
      const est = this.core.clockEstimator(s.topic)!;
      const segs = est.segments();
      const seg = segs[segs.length - 1];
      if (seg !== undefined) {
        this.clockPub.publish({
          header: { stamp: nanosToRosTime(now), frame_id: "" },
          topic: s.topic,
          segment_index: segs.length - 1,
          valid_from: nanosToRosTime(seg.validFromStampNs),
          // The cross-modal latency correction is folded in: the model maps onto the reference
          // stream's timeline, the one the frames use.
          offset_ns: seg.model.offsetAt(seg.validFromStampNs) - BigInt(Math.round(this.core.latencyCorrectionNs(s.topic))),
          drift_ppm: seg.model.driftPpm,
          sample_count: seg.count,
          // Residuals over the recent window (receive − model), one-sided by latency.
          residual_mean_ns: st.latencyMeanNs,
          residual_rms_ns: st.latencyRmsNs,
          residual_max_abs_ns: st.latencyMaxNs,
        });
      }
      const windowNs = prev === undefined ? 0n : now - prev.at;
      const measured = prev === undefined || windowNs <= 0n ? 0 : ((st.received - (prev.received.get(s.topic) ?? 0)) * 1e9) / Number(windowNs);
      const expected = this.expectedHz.get(s.topic) ?? 0;
      const last = this.lastReceive.get(s.topic);
      let level: number = HEALTH.ok;
      let reason = "";
      if (last === undefined || now - last > 2_000_000_000n) {
        level = HEALTH.stale;
        reason = last === undefined ? "no message yet" : "no message for 2 s";
      } else if (st.badStamps > 0 || st.segments > 1) {
        level = HEALTH.warn;
        reason = st.segments > 1 ? `clock jumped (${st.segments} segments)` : `${st.badStamps} bad stamps`;
      } else if (prev !== undefined && expected > 0 && measured < 0.5 * expected) {
        level = HEALTH.error;
        reason = `rate ${measured.toFixed(1)} Hz, expected ${expected}`;
      } else if (prev !== undefined && expected > 0 && measured < 0.9 * expected) {
        level = HEALTH.warn;
        reason = `rate ${measured.toFixed(1)} Hz, expected ${expected}`;
      } else if (st.status.late + st.status.missing > 0.05 * Math.max(1, stats.frames)) {
        level = HEALTH.warn;
        reason = `late or missing in ${st.status.late + st.status.missing} of ${stats.frames} frames`;
      }
      this.healthPub.publish({
        header: { stamp: nanosToRosTime(now), frame_id: "" },
        topic: s.topic,
        level,
        reason,
        window: { sec: Number(windowNs / 1_000_000_000n), nanosec: Number(windowNs % 1_000_000_000n) },
        expected_rate_hz: expected,
        measured_rate_hz: measured,
        received_count: BigInt(st.received),
        dropped_count: BigInt(st.gapDrops),
        latency_p50_ns: BigInt(Math.round(Number.isFinite(st.latencyP50Ns) ? st.latencyP50Ns : 0)),
        latency_p99_ns: BigInt(Math.round(Number.isFinite(st.latencyP99Ns) ? st.latencyP99Ns : 0)),
      });
    }
    this.lastReport = { at: now, received };
  }

  destroy(): void {
    for (const t of this.timers) t.cancel();
    this.node.destroy();
  }
}
