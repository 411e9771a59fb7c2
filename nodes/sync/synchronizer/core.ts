// The synchronizer's pure core: messages (raw CDR + receive time) in, aligned frames out.
// No runtime, no timers: the caller says what time it is (push / poll), so the same class runs
// inside the ROS node, in tests, in the benchmark and over a recorded episode.
//
// Timelines. Each stream has an online clock model (ClockModelEstimator on header stamp vs
// receive time). Its host time includes the stream's constant transport latency, which one-way
// observation cannot see; a per-stream constant `latencyCorrectionsNs[topic]` (from cross-modal
// estimation, see ../crossmodal) is SUBTRACTED from it:
//
//     corrected(stamp) = clockModel.toHost(stamp) − latencyCorrection[topic]
//
// With corrections relative to the reference stream (joint states), every stream lands on the
// reference's timeline: true capture time + the reference's own constant latency.
//
// Emission. Pivot messages (profile pivot_topic) queue up in arrival order. A frame for pivot
// time T is emitted as soon as, for every other stream, either
//   - a sample at or after T has arrived (interpolation is bracketed / the nearest is proven), or
//   - the stream's own deadline has passed: the latest time a sample that could still matter
//     would have arrived — next expected sample time (interpolated streams) or T + min(distance to
//     the sample before T, tolerance) (nearest streams), plus the stream's latency bound, which is
//     its observed p99 excess latency over the clock model + a margin, measured online;
// and never later than maxWait (default ¾ of a pivot period) after the pivot message arrived: a
// slow stream never holds a frame for a whole period of its own. What could not be resolved is flagged in the frame:
//   ok          interpolated between bracketing samples, or the proven nearest sample;
//   unconfirmed nearest sample within tolerance, chosen at maxWait before a closer one was ruled out;
//   late        no sample after T in time: the last value is held (skew says how old it is), or
//               (nearest streams) nothing within tolerance yet while one could still come;
//   missing     nothing usable (no data, too old, nothing within tolerance).
// Memory is bounded: per-stream buffers are trimmed by receive time (retainNs) and capped in
// count; pending pivots are capped. Nothing is dropped without a counter and a reason.
import { ClockModelEstimator, type ClockEstimatorOptions, type SegmentedClockModel } from "../clock/index.ts";
import type { RosMessage } from "../../runtime/api.ts";
import { readHeaderStamp } from "./stamp.ts";
import { interpolateValue, VALUE_EXTRACTORS, type ContinuousValue, type ValueExtractor } from "./values.ts";
import { WindowPercentiles } from "./window-stats.ts";

export type AlignMode = "interpolate" | "nearest";
export type StreamStatus = "ok" | "unconfirmed" | "late" | "missing";
export const STREAM_STATUSES: readonly StreamStatus[] = ["ok", "unconfirmed", "late", "missing"];

export interface SyncStreamSpec {
  topic: string;
  /** ROS type, e.g. sensor_msgs/msg/Imu. */
  type: string;
  /** Rig-profile stream kind (imu, wrench, color_image, ...). */
  kind: string;
  /** Nominal rate, Hz; 0 (latched) streams are not aligned. */
  rateHz: number;
  /** Nearest-sample tolerance, ms (profile tolerance_ms). Default: half a period. */
  toleranceMs?: number;
  /** Override the mode implied by the kind. */
  mode?: AlignMode;
}

export interface SynchronizerOptions {
  streams: readonly SyncStreamSpec[];
  pivotTopic: string;
  /** Decoder for the interpolated streams' values (a MessageCodec's decode). Without one, every stream is aligned by nearest sample. */
  decode?: (type: string, bytes: Uint8Array) => RosMessage;
  /** Constant latency per topic relative to the reference stream, ns, subtracted from the clock-model host time. */
  latencyCorrectionsNs?: Readonly<Record<string, number>>;
  /** Longest a frame waits after its pivot message arrived, ns. Default ¾ of the pivot period. */
  maxWaitNs?: number;
  /** Added to each stream's measured p99 excess latency, ns. Default 1 ms. */
  latencyMarginNs?: number;
  /** Latency bound while fewer than 32 latencies are measured, ns. Default 10 ms. */
  initialLatencyBoundNs?: number;
  /** Buffers keep samples received within this long, ns. Default 1 s. */
  retainNs?: number;
  /** Pending pivots beyond this are emitted immediately (counted). Default 64. */
  maxPendingPivots?: number;
  /** A pivot whose clock is in the middle of a suspected jump waits at most this long, ns. Default 500 ms. */
  maxClockWaitNs?: number;
  clock?: ClockEstimatorOptions;
}

/** A message of a stream, by reference (big payloads are never copied). */
export interface SampleRef {
  topic: string;
  /** Position in the stream's receive order, from 0. */
  index: number;
  /** Header stamp (sensor clock), ns. */
  stampNs: bigint;
  receiveNs: bigint;
  /** Stamp on the corrected timeline, ns. */
  timeNs: bigint;
}

export interface AlignedStream {
  topic: string;
  status: StreamStatus;
  mode: "interpolated" | "nearest" | "held" | "none";
  /** Time of the nearest sample used minus the frame time, ns (undefined when missing). */
  skewNs?: number;
  /** Interpolation bracket (before ≤ T < after) or the single sample used (before). */
  before?: SampleRef;
  after?: SampleRef;
  /** Interpolation weight of `after` in [0, 1]. */
  weight?: number;
  /** The value at T, continuous streams only. */
  value?: ContinuousValue;
}

export interface AlignedFrame {
  /** Pivot time on the corrected timeline, ns. */
  timeNs: bigint;
  pivot: SampleRef;
  /** Host time the frame was emitted, ns. */
  emitNs: bigint;
  /** Why it was emitted now: all streams resolved with data, by deadlines, or forced out by the pivot cap. */
  trigger: "complete" | "deadline" | "forced";
  /** False when the pivot's clock was in the middle of a suspected jump (time may be off). */
  clockSettled: boolean;
  streams: AlignedStream[];
}

export interface StreamCounters {
  received: number;
  /** Inferred lost in transport from gaps in header stamps (> 1.5 periods). */
  gapDrops: number;
  /** Samples ignored because their stamp maps after their own receive time (bad stamp). */
  badStamps: number;
  /** Samples evicted by the per-stream count cap before they aged out. */
  bufferOverflow: number;
  /** Samples that arrived after a frame they belonged to (corrected time ≤ its T) was emitted. */
  arrivedAfterFrame: number;
  /** Messages whose stamp or value could not be read. */
  undecodable: number;
  status: Record<StreamStatus, number>;
}

export interface SynchronizerStats {
  frames: number;
  pivots: number;
  pendingPivots: number;
  /** Frames emitted early because the pending-pivot cap was reached. */
  forcedFrames: number;
  /** Pivot messages that could not be used (unreadable stamp), with the reason. */
  droppedPivots: Record<string, number>;
  streams: Record<
    string,
    StreamCounters & {
      buffered: number;
      latencyBoundNs: number;
      /** Excess latency over the clock model (receive − model host time), recent window, ns. */
      latencyP50Ns: number;
      latencyP99Ns: number;
      latencyMeanNs: number;
      latencyRmsNs: number;
      latencyMaxNs: number;
      segments: number;
    }
  >;
}

const MIN_LATENCY_SAMPLES = 32;
const BAD_STAMP_SLACK_NS = 2_000_000n;

interface Entry {
  stamp: bigint;
  receive: bigint;
  index: number;
  /** Index of this sample's add() in the clock estimator. */
  arrival: number;
  value?: ContinuousValue;
  bad?: boolean;
}

class StreamState {
  readonly mode: AlignMode;
  readonly periodNs: number;
  readonly toleranceNs: number;
  /** Beyond this a held value is too old to report. */
  readonly staleNs: number;
  readonly extractor: ValueExtractor | undefined;
  readonly est: ClockModelEstimator;
  readonly latency = new WindowPercentiles(512, 32);
  readonly entries: Entry[] = [];
  head = 0;
  count = 0;
  arrivals = 0;
  pendingSince: number | undefined;
  private models: SegmentedClockModel | null | undefined;
  lastStamp: bigint | undefined;
  lastEmittedT: bigint | undefined;
  readonly counters: StreamCounters = {
    received: 0,
    gapDrops: 0,
    badStamps: 0,
    bufferOverflow: 0,
    arrivedAfterFrame: 0,
    undecodable: 0,
    status: { ok: 0, unconfirmed: 0, late: 0, missing: 0 },
  };
  readonly cap: number;

  constructor(
    readonly spec: SyncStreamSpec,
    readonly correctionNs: number,
    decodeAvailable: boolean,
    clock: ClockEstimatorOptions | undefined,
    retainNs: number,
  ) {
    this.extractor = decodeAvailable ? VALUE_EXTRACTORS[spec.kind] : undefined;
    this.mode = spec.mode ?? (this.extractor !== undefined ? "interpolate" : "nearest");
    if (this.mode === "interpolate" && this.extractor === undefined) this.mode = "nearest";
    this.periodNs = spec.rateHz > 0 ? 1e9 / spec.rateHz : 1e9;
    this.toleranceNs = spec.toleranceMs !== undefined ? spec.toleranceMs * 1e6 : this.periodNs / 2 + 1e6;
    this.staleNs = Math.max(3 * this.periodNs, this.toleranceNs, this.mode === "interpolate" ? 50e6 : 0);
    this.est = new ClockModelEstimator(clock);
    this.cap = Math.max(64, Math.ceil((2 * retainNs * Math.max(spec.rateHz, 1)) / 1e9));
  }

  size(): number {
    return this.entries.length - this.head;
  }

  at(i: number): Entry {
    return this.entries[this.head + i]!;
  }

  push(e: Entry): void {
    this.entries.push(e);
    if (this.size() > this.cap) {
      this.head++;
      this.counters.bufferOverflow++;
    }
    this.compact();
  }

  trim(beforeReceive: bigint): void {
    while (this.size() > 0 && this.at(0).receive < beforeReceive) this.head++;
    this.compact();
  }

  private compact(): void {
    if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries.splice(0, this.head);
      this.head = 0;
    }
  }

  invalidate(): void {
    this.models = undefined;
  }

  /**
   * Raw host time (clock model, no latency correction) of a sample, or its receive time before
   * any model. The segment is chosen by stamp and receive time (SegmentedClockModel), so a
   * sample of the old clock that arrives after a step is still mapped with the old segment.
   */
  hostOf(e: Entry): bigint {
    if (this.models === undefined) {
      const m = this.est.segmentedModel();
      this.models = m.segments.length > 0 ? m : null;
    }
    return this.models === null ? e.receive : this.models.toHost(e.stamp, e.receive);
  }

  timeOf(e: Entry): bigint {
    return this.hostOf(e) - BigInt(Math.round(this.correctionNs));
  }

  usable(e: Entry): boolean {
    if (e.bad) return false;
    if (this.pendingSince !== undefined && e.arrival >= this.pendingSince) return false;
    if (this.hostOf(e) > e.receive + BAD_STAMP_SLACK_NS) {
      e.bad = true;
      this.counters.badStamps++;
      return false;
    }
    return true;
  }

  latencyBoundNs(initial: number, margin: number): number {
    const base = this.latency.count >= MIN_LATENCY_SAMPLES ? this.latency.quantile(0.99) : initial;
    return Math.max(0, base) + margin + Math.max(0, this.correctionNs);
  }

  /**
   * Can no later sample be nearer to T than the one `before` ns before it? The next sample comes
   * at least ~0.9 of a period after it (rate bound, as ApproximateTime's inter-message bound).
   */
  provenNearest(before: number): boolean {
    return Number.isFinite(before) && before <= 0.45 * this.periodNs;
  }

    ref(e: Entry): SampleRef {
    return { topic: this.spec.topic, index: e.index, stampNs: e.stamp, receiveNs: e.receive, timeNs: this.timeOf(e) };
  }

  /**
   * Latest usable sample at or before t, and earliest usable one after t, robust to arrival
   * order: scanning back in arrival order stops once samples arrived before the best candidate's
   * time (a sample's corrected time cannot be much later than its own receive time).
   */
  bracket(t: bigint): { a?: Entry; ta?: bigint; b?: Entry; tb?: bigint } {
    let a: Entry | undefined;
    let ta: bigint | undefined;
    let b: Entry | undefined;
    let tb: bigint | undefined;
    const slack = BAD_STAMP_SLACK_NS + BigInt(Math.round(Math.max(0, -this.correctionNs)));
    for (let i = this.size() - 1; i >= 0; i--) {
      const e = this.at(i);
      if (ta !== undefined && e.receive + slack < ta) break;
      if (!this.usable(e)) continue;
      const te = this.timeOf(e);
      if (te <= t) {
        if (ta === undefined || te > ta) {
          a = e;
          ta = te;
        }
      } else if (tb === undefined || te < tb) {
        b = e;
        tb = te;
      }
    }
    return { a, ta, b, tb };
  }

  /** Corrected time of the newest usable sample. */
  newestTime(): bigint | undefined {
    for (let i = this.size() - 1; i >= 0; i--) {
      const e = this.at(i);
      if (this.usable(e)) return this.timeOf(e);
    }
    return undefined;
  }
}

interface PendingPivot {
  entry: Entry;
  receive: bigint;
}

export class SynchronizerCore {
  private readonly streams = new Map<string, StreamState>();
  /** Streams aligned into frames (every non-pivot stream with a rate). */
  private readonly others: StreamState[] = [];
  private readonly pivot: StreamState;
  private readonly pending: PendingPivot[] = [];
  private readonly maxWaitNs: number;
  private readonly marginNs: number;
  private readonly initialBoundNs: number;
  private readonly retainNs: bigint;
  private readonly maxPending: number;
  private readonly maxClockWaitNs: bigint;
  private frames = 0;
  private pivots = 0;
  private forced = 0;
  private readonly droppedPivots: Record<string, number> = {};

  constructor(private readonly options: SynchronizerOptions) {
    const retain = options.retainNs ?? 1e9;
    for (const spec of options.streams) {
      if (this.streams.has(spec.topic)) throw new Error(`synchronizer: topic ${spec.topic} listed twice`);
      const corr = options.latencyCorrectionsNs?.[spec.topic] ?? 0;
      const s = new StreamState(spec, corr, options.decode !== undefined, options.clock, retain);
      this.streams.set(spec.topic, s);
      if (spec.topic !== options.pivotTopic && spec.rateHz > 0) this.others.push(s);
    }
    const pivot = this.streams.get(options.pivotTopic);
    if (pivot === undefined) throw new Error(`synchronizer: pivot topic ${options.pivotTopic} is not one of the streams`);
    this.pivot = pivot;
    this.maxWaitNs = options.maxWaitNs ?? 0.75 * pivot.periodNs;
    this.marginNs = options.latencyMarginNs ?? 1e6;
    this.initialBoundNs = options.initialLatencyBoundNs ?? 10e6;
    this.retainNs = BigInt(Math.round(retain));
    this.maxPending = options.maxPendingPivots ?? 64;
    this.maxClockWaitNs = BigInt(Math.round(options.maxClockWaitNs ?? 500e6));
  }

  topics(): string[] {
    return [...this.streams.keys()];
  }

  /** The per-stream clock estimator (for publishing models and for the recorder). */
  clockEstimator(topic: string): ClockModelEstimator | undefined {
    return this.streams.get(topic)?.est;
  }

  latencyCorrectionNs(topic: string): number {
    return this.streams.get(topic)?.correctionNs ?? 0;
  }

  /**
   * One received message (raw CDR bytes). `nowNs` is the host time it is processed at
   * (normally its receive time). Returns the frames that became complete.
   */
  push(topic: string, bytes: Uint8Array, receiveNs: bigint, nowNs: bigint = receiveNs): AlignedFrame[] {
    const s = this.streams.get(topic);
    if (s === undefined) return this.poll(nowNs);
    let stamp: bigint | undefined;
    let value: ContinuousValue | undefined;
    try {
      stamp = readHeaderStamp(s.spec.type, bytes);
      if (s.mode === "interpolate" && s.extractor !== undefined && this.options.decode !== undefined) value = s.extractor(this.options.decode(s.spec.type, bytes));
    } catch {
      stamp = undefined;
    }
    if (stamp === undefined) {
      s.counters.undecodable++;
      if (s === this.pivot) this.droppedPivots["unreadable stamp"] = (this.droppedPivots["unreadable stamp"] ?? 0) + 1;
      return this.poll(nowNs);
    }
    return this.pushStamped(topic, stamp, receiveNs, value, nowNs);
  }

  /** As push, for a caller that already has the stamp (and, for continuous streams, the value). */
  pushStamped(topic: string, stampNs: bigint, receiveNs: bigint, value?: ContinuousValue, nowNs: bigint = receiveNs): AlignedFrame[] {
    const s = this.streams.get(topic);
    if (s === undefined) return this.poll(nowNs);
    s.counters.received++;
    if (s.lastStamp !== undefined) {
      const gap = Number(stampNs - s.lastStamp);
      if (gap > 1.5 * s.periodNs && gap < 10e9) s.counters.gapDrops += Math.round(gap / s.periodNs) - 1;
    }
    s.lastStamp = stampNs;

    const arrival = s.arrivals++;
    s.est.add(stampNs, receiveNs);
    s.invalidate();
    const pending = s.est.stats().pendingJump;
    if (pending && s.pendingSince === undefined) s.pendingSince = arrival;
    else if (!pending) s.pendingSince = undefined;

    const entry: Entry = { stamp: stampNs, receive: receiveNs, index: s.count++, arrival, value };
    if (s.pendingSince === undefined) {
      const m = s.est.model();
      if (m !== undefined) s.latency.add(Number(receiveNs - m.toHost(stampNs)));
    }
    s.push(entry);
    s.trim(receiveNs - this.retainNs);
    if (s.lastEmittedT !== undefined && s.usable(entry) && s.timeOf(entry) <= s.lastEmittedT) s.counters.arrivedAfterFrame++;

    if (s === this.pivot) {
      this.pivots++;
      this.pending.push({ entry, receive: receiveNs });
      if (this.pending.length > this.maxPending) {
        this.forced++;
        const out = [this.emit(this.pending.shift()!, nowNs, "forced")];
        return out.concat(this.poll(nowNs));
      }
    }
    return this.poll(nowNs);
  }

  /** Emit every frame that is due at host time nowNs (call from a timer, and after pushes). */
  poll(nowNs: bigint): AlignedFrame[] {
    const out: AlignedFrame[] = [];
    while (this.pending.length > 0) {
      const p = this.pending[0]!;
      const state = this.readiness(p, nowNs);
      if (state.readyAt === undefined || state.readyAt > nowNs) break;
      this.pending.shift();
      out.push(this.emit(p, nowNs, state.complete ? "complete" : "deadline"));
    }
    return out;
  }

  /** Host time at which the head frame becomes due without new data (for a timer), or undefined. */
  nextDeadlineNs(): bigint | undefined {
    const p = this.pending[0];
    if (p === undefined) return undefined;
    return this.readiness(p, undefined).readyAt;
  }

  pendingCount(): number {
    return this.pending.length;
  }

  /** Emit everything still pending as of nowNs (end of a recording). */
  flush(nowNs: bigint): AlignedFrame[] {
    const out: AlignedFrame[] = [];
    while (this.pending.length > 0) out.push(this.emit(this.pending.shift()!, nowNs, "deadline"));
    return out;
  }

  private pivotClockSettled(p: PendingPivot): boolean {
    const ps = this.pivot.pendingSince;
    return ps === undefined || p.entry.arrival < ps;
  }

  private pivotTime(p: PendingPivot): bigint {
    return this.pivot.timeOf(p.entry);
  }

  /**
   * When the frame of pivot p is due given the data so far: the latest of the unresolved
   * streams' deadlines, capped at maxWait after the pivot arrived. `complete` when every stream
   * has data past T.
   */
  private readiness(p: PendingPivot, nowNs: bigint | undefined): { readyAt: bigint | undefined; complete: boolean } {
    if (!this.pivotClockSettled(p)) return { readyAt: p.receive + this.maxClockWaitNs, complete: false };
    const T = this.pivotTime(p);
    const cap = p.receive + BigInt(Math.round(this.maxWaitNs));
    let readyAt = p.receive;
    let complete = true;
    for (const s of this.others) {
      const newest = s.newestTime();
      if (newest !== undefined && newest >= T) continue;
      if (s.mode === "nearest" && newest !== undefined && s.provenNearest(Number(T - newest))) continue;
      complete = false;
      const deadline = this.streamDeadline(s, T, newest);
      const d = deadline < cap ? deadline : cap;
      if (d > readyAt) readyAt = d;
      if (nowNs !== undefined && readyAt > nowNs) return { readyAt, complete };
    }
    return { readyAt, complete };
  }

  /** Latest host time a sample that could still change stream s's answer for T would arrive. */
  private streamDeadline(s: StreamState, T: bigint, newest: bigint | undefined): bigint {
    const bound = s.latencyBoundNs(this.initialBoundNs, this.marginNs);
    let expected: number; // ns after T at which the sample that matters is taken, at the latest
    if (s.mode === "interpolate") {
      expected = newest === undefined ? s.periodNs : Math.max(0, Number(newest - T) + 1.25 * s.periodNs);
    } else {
      const d = newest === undefined ? Infinity : Number(T - newest);
      expected = Math.min(d, s.toleranceNs);
    }
    return T + BigInt(Math.round(expected + bound));
  }

  private emit(p: PendingPivot, nowNs: bigint, trigger: AlignedFrame["trigger"]): AlignedFrame {
    const T = this.pivotTime(p);
    const streams: AlignedStream[] = [];
    for (const s of this.others) {
      const r = this.resolve(s, T, nowNs);
      s.counters.status[r.status]++;
      if (s.lastEmittedT === undefined || T > s.lastEmittedT) s.lastEmittedT = T;
      streams.push(r);
    }
    this.frames++;
    return { timeNs: T, pivot: this.pivot.ref(p.entry), emitNs: nowNs, trigger, clockSettled: this.pivotClockSettled(p), streams };
  }

  private resolve(s: StreamState, T: bigint, nowNs: bigint): AlignedStream {
    const topic = s.spec.topic;
    const { a, ta, b, tb } = s.bracket(T);
    if (s.mode === "interpolate") {
      if (a !== undefined && b !== undefined) {
        const span = Number(tb! - ta!);
        const w = span > 0 ? Number(T - ta!) / span : 0;
        const da = Number(T - ta!);
        const db = Number(tb! - T);
        return {
          topic,
          status: "ok",
          mode: "interpolated",
          skewNs: da <= db ? -da : db,
          before: s.ref(a),
          after: s.ref(b),
          weight: w,
          value: a.value !== undefined && b.value !== undefined ? interpolateValue(a.value, b.value, w) : undefined,
        };
      }
      if (a !== undefined) {
        const age = Number(T - ta!);
        if (age > s.staleNs) return { topic, status: "missing", mode: "none" };
        return { topic, status: "late", mode: "held", skewNs: -age, before: s.ref(a), weight: 0, value: a.value };
      }
      if (b !== undefined) {
        const ahead = Number(tb! - T);
        if (ahead > s.staleNs) return { topic, status: "missing", mode: "none" };
        return { topic, status: ahead <= s.periodNs ? "ok" : "late", mode: "held", skewNs: ahead, before: s.ref(b), weight: 0, value: b.value };
      }
      return { topic, status: "missing", mode: "none" };
    }
    // nearest
    const da = a !== undefined ? Number(T - ta!) : Infinity;
    const db = b !== undefined ? Number(tb! - T) : Infinity;
    const useA = da <= db;
    const d = useA ? da : db;
    // Proven when a later sample is in, when the stream's rate rules out a closer next sample,
    // or when the stream's own deadline has passed.
    const proven = b !== undefined || s.provenNearest(da) || nowNs >= this.streamDeadline(s, T, ta);
    if (!(d <= s.toleranceNs)) return proven ? { topic, status: "missing", mode: "none" } : { topic, status: "late", mode: "none" };
    const chosen = (useA ? a : b)!;
    return { topic, status: proven ? "ok" : "unconfirmed", mode: "nearest", skewNs: useA ? -da : db, before: s.ref(chosen) };
  }

  stats(): SynchronizerStats {
    const streams: SynchronizerStats["streams"] = {};
    for (const [topic, s] of this.streams) {
      const m = s.latency.moments();
      streams[topic] = {
        ...s.counters,
        latencyMeanNs: m.mean,
        latencyRmsNs: m.rms,
        latencyMaxNs: m.maxAbs,
        status: { ...s.counters.status },
        buffered: s.size(),
        latencyBoundNs: s.latencyBoundNs(this.initialBoundNs, this.marginNs),
        latencyP50Ns: s.latency.quantile(0.5),
        latencyP99Ns: s.latency.quantile(0.99),
        segments: s.est.stats().segments,
      };
    }
    return { frames: this.frames, pivots: this.pivots, pendingPivots: this.pending.length, forcedFrames: this.forced, droppedPivots: { ...this.droppedPivots }, streams };
  }
}
