// openAlignedEpisode: the aligned episode reader (contract in ./api.ts).
//
// Opening makes one indexed pass over the recording and keeps, per stream, only two numbers a
// message (corrected time, log time) sorted by corrected time. With them:
//  - messages() is a single log-ordered read with a reorder buffer of exactly the stream lags
//    (log − corrected) seen: a message is released once no later-logged message can precede it;
//  - stateAt(t) finds each stream's bracketing samples by binary search, then reads only the
//    log-time window that holds them through the MCAP index;
//  - resample(grid) walks messages() once and fills every grid point as the bracketing samples go by.
import type { RosMessage } from "../../nodes/runtime/api.ts";
import type { SegmentedClockModel } from "../../nodes/sync/clock/clockModel.ts";
import { clockModelFromJson, clockModelToJson } from "../../nodes/sync/clock/serialization.ts";
import type { ClockPair } from "../../nodes/sync/clock/offline.ts";
import { interpolateValue, VALUE_EXTRACTORS, type ContinuousValue, type ValueExtractor } from "../../nodes/sync/synchronizer/values.ts";
import { readHeaderStamp } from "../../nodes/sync/synchronizer/stamp.ts";
import { CLOCK_MODEL_TOPIC } from "../health/clock-models.ts";
import { EPISODE_METADATA } from "../episode/layout.ts";
import {
  ALIGNMENT_SCHEMA,
  ALIGNMENT_VERSION,
  type AlignedEpisode,
  type AlignedMessage,
  type AlignedStreamInfo,
  type AlignmentFileJson,
  type AlignmentSource,
  type StateQueryOptions,
  type StreamKind,
  type StreamStateAt,
} from "./api.ts";
import { channelDecoder, hasHeaderStamp, type Decode } from "./decode.ts";
import { crossModalCorrections, crossModalEntries, crossModalOf, crossModalTopics } from "./crossmodal.ts";
import { modelsCacheKey, modelsCachePath, readModelsCache, writeModelsCache, type ModelsCache } from "./models-cache.ts";
import { profileText } from "./profile.ts";
import { fitPairs, modelFromAlignmentEntry, modelsFromRecorded, readAlignmentFile } from "./models.ts";
import { AlignedOpenError, openRecordingSource, type RecordingSource, type SourceMessage, type TopicTimeline } from "./source.ts";
import { statSync } from "node:fs";

export interface OpenAlignedOptions {
  /**
   * Which model source to use. "auto" (default): alignment.json → recorded clock models →
   * computed. "computed": ignore stored models and fit on open (what `teledemo align` does).
   */
  alignment?: "auto" | "computed";
  /** Cross-modal latency corrections (ns, added to the clock-model time) for computed models, by topic. */
  crossModalOffsetsNs?: ReadonlyMap<string, bigint>;
  /** Estimate cross-modal corrections on open when models are fitted (default true; only when cheap). */
  crossModal?: boolean;
  /**
   * Use and keep the message index cache `<episode>/.index/stamps.bin` (default true; only ever
   * written in teledemo episode folders, i.e. where episode.json exists).
   */
  indexCache?: boolean;
}

/** Where values of continuous streams come from, by ROS type. */
const CONTINUOUS_TYPES: Record<string, string> = {
  "sensor_msgs/msg/Imu": "imu",
  "sensor_msgs/msg/JointState": "joint_states",
  "geometry_msgs/msg/WrenchStamped": "wrench",
  "teledemo_msgs/msg/TactileArray": "tactile",
  "tf2_msgs/msg/TFMessage": "tf",
};
const IMAGE_TYPES = new Set(["sensor_msgs/msg/Image", "sensor_msgs/msg/CompressedImage", "foxglove.CompressedImage", "foxglove.RawImage"]);
const CLOUD_TYPES = new Set(["sensor_msgs/msg/PointCloud2", "sensor_msgs/msg/LaserScan", "foxglove.PointCloud"]);

export function streamKind(type: string): StreamKind {
  if (type in CONTINUOUS_TYPES) return "continuous";
  if (IMAGE_TYPES.has(type)) return "image";
  if (CLOUD_TYPES.has(type)) return "pointcloud";
  return "other";
}

/** Internal per-stream state. */
interface Stream {
  topic: string;
  type: string;
  kind: StreamKind;
  stamped: boolean;
  model: SegmentedClockModel | undefined;
  crossNs: bigint;
  source: AlignmentSource;
  extractor: ValueExtractor | undefined;
  decode: Decode | undefined;
  decodeError: string | undefined;
  /** Corrected and log times of every message, sorted by corrected time. */
  corrected: BigInt64Array;
  logs: BigInt64Array;
  /** log − corrected over the stream's messages. */
  minLagNs: bigint;
  maxLagNs: bigint;
  firstLogNs: bigint;
  lastLogNs: bigint;
  periodNs: bigint | undefined;
}

interface Collected {
  stamps: Array<bigint | undefined>;
  logs: bigint[];
}

const cmp = (a: bigint, b: bigint): number => (a < b ? -1 : a > b ? 1 : 0);

export async function openAlignedEpisode(path: string, options: OpenAlignedOptions = {}): Promise<AlignedEpisode> {
  const source = await openRecordingSource(path, { indexCache: options.indexCache !== false });
  try {
    return await build(path, source, options);
  } catch (err) {
    await source.close();
    throw err;
  }
}

async function build(path: string, source: RecordingSource, options: OpenAlignedOptions): Promise<AlignedEpisode> {
  const isFolder = statSync(source.path).isDirectory();
  const facts: Record<string, string> = { ...(source.metadata.get(EPISODE_METADATA) ?? {}) };

  // (stamp, log) of every message from the source's index (no payload read); the recorded
  // clock-model messages are the only ones read whole.
  const stampedTopics = new Set<string>();
  // The recorder's own clock-model messages are stamped with the host clock: receive time is their timeline.
  for (const ch of source.channels.values()) if (hasHeaderStamp(ch) && ch.topic !== CLOCK_MODEL_TOPIC) stampedTopics.add(ch.topic);
  const collected = source.timeline();
  const recorded: RosMessage[] = [];
  const clockChannel = source.channels.get(CLOCK_MODEL_TOPIC);
  let clockDecode: Decode | undefined;
  try {
    clockDecode = clockChannel ? channelDecoder(clockChannel) : undefined;
  } catch {
    clockDecode = undefined;
  }
  if (clockDecode && options.alignment !== "computed") {
    for await (const m of source.read({ topics: [CLOCK_MODEL_TOPIC] })) {
      try {
        recorded.push(clockDecode(m.data));
      } catch {
        // a damaged model message: the stream falls back to a computed model
      }
    }
  }
  const pairsByTopic = new Map<string, ClockPair[]>();
  for (const [topic, c] of collected) {
    if (!stampedTopics.has(topic)) continue;
    const pairs: ClockPair[] = [];
    c.stamps.forEach((s, i) => {
      if (s !== undefined) pairs.push({ stampNs: s, receiveNs: c.logs[i]! });
    });
    pairsByTopic.set(topic, pairs);
  }

  // Model sources, best first.
  const problems = [...source.problems];
  let file: AlignmentFileJson | undefined;
  if (options.alignment !== "computed" && isFolder) {
    try {
      file = readAlignmentFile(source.path);
    } catch (err) {
      problems.push(`${(err as Error).message}; ignored`);
    }
  }
  const recordedModels = options.alignment === "computed" ? new Map<string, SegmentedClockModel>() : modelsFromRecorded(recorded, pairsByTopic);
  // Without alignment.json, fitted models and cross-modal corrections come from the models cache
  // when it matches (a second open fits nothing).
  // (only for the default choices: a caller's own corrections or no cross-modal are not cached)
  const defaults = options.alignment !== "computed" && options.crossModal !== false && options.crossModalOffsetsNs === undefined;
  const mcPath = defaults && file === undefined ? modelsCachePath(source.cachePath) : undefined;
  const mcKey = mcPath !== undefined ? modelsCacheKey(source.fingerprint, profileText(facts.rig_profile)) : "";
  let cachedModels: ModelsCache | undefined;
  if (mcPath !== undefined) {
    const r = readModelsCache(mcPath, mcKey);
    if (r.problem !== undefined) problems.push(r.problem);
    cachedModels = r.cache;
  }

  const streams: Stream[] = [];
  for (const [topic, channel] of source.channels) {
    const c = collected.get(topic)!;
    const type = channel.schema?.name ?? "";
    let model: SegmentedClockModel | undefined;
    let crossNs = 0n;
    let src: AlignmentSource = "receive-time";
    const entry = file?.streams[topic];
    if (entry) {
      try {
        const m = modelFromAlignmentEntry(entry);
        model = m.model;
        crossNs = m.crossNs;
        src = model ? "alignment-file" : "receive-time";
      } catch (err) {
        problems.push(`alignment.json ${topic}: ${(err as Error).message}; model recomputed`);
      }
    }
    if (!entry || (model === undefined && entry.source !== "receive-time")) {
      const rec = recordedModels.get(topic);
      if (rec) {
        model = rec;
        src = "recorded";
      } else if (stampedTopics.has(topic)) {
        model = cachedModel(cachedModels, topic) ?? fitPairs(pairsByTopic.get(topic) ?? [])?.model;
        if (model) src = "computed";
      }
      const cachedCross = src === "computed" ? cachedModels?.corrections[topic] : undefined;
      crossNs = model ? (options.crossModalOffsetsNs?.get(topic) ?? (cachedCross !== undefined ? BigInt(cachedCross) : 0n)) : 0n;
    }
    if (!model) src = "receive-time";
    const n = c.logs.length;
    const corrected = new BigInt64Array(n);
    const logs = new BigInt64Array(n);
    const order: number[] = [];
    for (let i = 0; i < n; i++) {
      const stamp = c.stamps[i];
      const log = c.logs[i]!;
      corrected[i] = model && stamp !== undefined ? model.toHost(stamp, log) + crossNs : log + crossNs;
      order.push(i);
    }
    order.sort((a, b) => cmp(corrected[a]!, corrected[b]!) || cmp(c.logs[a]!, c.logs[b]!));
    const sortedCorrected = new BigInt64Array(n);
    let minLag = 0n;
    let maxLag = 0n;
    let firstLog = 0n;
    let lastLog = 0n;
    order.forEach((i, k) => {
      sortedCorrected[k] = corrected[i]!;
      logs[k] = c.logs[i]!;
      const lag = c.logs[i]! - corrected[i]!;
      if (k === 0 || lag < minLag) minLag = lag;
      if (k === 0 || lag > maxLag) maxLag = lag;
      if (k === 0 || c.logs[i]! < firstLog) firstLog = c.logs[i]!;
      if (k === 0 || c.logs[i]! > lastLog) lastLog = c.logs[i]!;
    });
    let decode: Decode | undefined;
    let decodeError: string | undefined;
    try {
      decode = channelDecoder(channel);
    } catch (err) {
      decodeError = (err as Error).message;
    }
    const kind = streamKind(type);
    const extractorKey = CONTINUOUS_TYPES[type];
    streams.push({
      topic,
      type,
      kind,
      stamped: stampedTopics.has(topic),
      model,
      crossNs,
      source: src,
      extractor: extractorKey ? VALUE_EXTRACTORS[extractorKey] : undefined,
      decode,
      decodeError,
      corrected: sortedCorrected,
      logs,
      minLagNs: minLag,
      maxLagNs: maxLag,
      firstLogNs: firstLog,
      lastLogNs: lastLog,
      periodNs: medianGap(sortedCorrected),
    });
  }
  streams.sort((a, b) => a.topic.localeCompare(b.topic));
  let crossModal = file?.crossModal ?? cachedModels?.crossModal;
  if (cachedModels?.note !== undefined) problems.push(cachedModels.note);
  const computed = streams.filter((s) => s.source === "computed");
  const takesPart = (): boolean => {
    const xmTopics = new Set(crossModalTopics(facts));
    return computed.some((s) => xmTopics.has(s.topic));
  };
  if (options.alignment !== "computed" && file === undefined && cachedModels === undefined && computed.length > 0) {
    // Fitted on open: estimate the cross-modal latency corrections too, when that is cheap.
    const xm = takesPart() ? await autoCrossModal(new Episode(source.path, source, facts, streams, undefined, []), collected, options) : { corrections: new Map<string, bigint>(), entries: undefined, note: undefined };
    for (const s of computed) {
      const c = xm.corrections.get(s.topic);
      if (c !== undefined) shiftStream(s, c);
    }
    crossModal = xm.entries;
    if (xm.note !== undefined) problems.push(xm.note);
    if (mcPath !== undefined) {
      const models: ModelsCache["models"] = {};
      for (const s of computed) if (s.model) models[s.topic] = clockModelToJson(s.model);
      const cache: ModelsCache = {
        version: 1,
        key: mcKey,
        models,
        corrections: Object.fromEntries(computed.filter((s) => s.crossNs !== 0n).map((s) => [s.topic, s.crossNs.toString()])),
        ...(crossModal ? { crossModal } : {}),
        ...(xm.note !== undefined ? { note: xm.note } : {}),
      };
      try {
        writeModelsCache(mcPath, cache);
      } catch (err) {
        problems.push(`${mcPath}: not written (${(err as Error).message})`);
      }
    }
  }
  if (file === undefined && streams.some((s) => s.source === "recorded")) {
    problems.push("clock models as recorded live (the sync node folded its cross-modal correction in); no offline cross-modal correction: run teledemo align for one");
  }
  return new Episode(source.path, source, facts, streams, crossModal, problems);
}

/** Small streams beyond this many bytes: cross-modal estimation on open is not cheap, skipped. */
export const CROSS_MODAL_MAX_BYTES = 256 * 1024 * 1024;

/** Cross-modal corrections for an episode whose models were fitted on open (small streams only). */
async function autoCrossModal(
  draft: AlignedEpisode,
  collected: ReadonlyMap<string, TopicTimeline>,
  options: OpenAlignedOptions,
): Promise<{ corrections: Map<string, bigint>; entries?: AlignmentFileJson["crossModal"]; note?: string }> {
  if (options.crossModal === false || options.crossModalOffsetsNs !== undefined) return { corrections: new Map() };
  const topics = crossModalTopics(draft.facts);
  const bytes = topics.reduce((n, t) => n + (collected.get(t)?.bytes ?? 0), 0);
  if (bytes > CROSS_MODAL_MAX_BYTES) {
    return { corrections: new Map(), note: `cross-modal corrections not computed on open (${Math.round(bytes / 1e6)} MB of small streams is not cheap): fitted clock models without latency correction; run teledemo align` };
  }
  const xm = await crossModalOf(draft);
  if (!xm.result) return { corrections: new Map(), note: `cross-modal corrections not computed: ${xm.skipped ?? "no result"}` };
  return { corrections: crossModalCorrections(xm.result), entries: crossModalEntries(xm.result) };
}

/** Adds a constant cross-modal offset to a stream's corrected times (order is unchanged). */
function shiftStream(s: Stream, c: bigint): void {
  for (let i = 0; i < s.corrected.length; i++) s.corrected[i] = s.corrected[i]! + c;
  s.crossNs += c;
  s.minLagNs -= c;
  s.maxLagNs -= c;
}

function cachedModel(cache: ModelsCache | undefined, topic: string): SegmentedClockModel | undefined {
  const json = cache?.models[topic];
  if (json === undefined) return undefined;
  try {
    return clockModelFromJson(json);
  } catch {
    return undefined;
  }
}

function medianGap(sorted: BigInt64Array): bigint | undefined {
  if (sorted.length < 2) return undefined;
  const gaps = new BigInt64Array(sorted.length - 1);
  for (let i = 1; i < sorted.length; i++) gaps[i - 1] = sorted[i]! - sorted[i - 1]!;
  gaps.sort();
  return gaps[Math.floor(gaps.length / 2)];
}

/** First index with a[i] > x (a sorted ascending). */
function upperBound(a: BigInt64Array, x: bigint): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index with a[i] >= x. */
function lowerBound(a: BigInt64Array, x: bigint): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const abs = (x: bigint): bigint => (x < 0n ? -x : x);

class Episode implements AlignedEpisode {
  readonly files: readonly string[];
  readonly streams: readonly AlignedStreamInfo[];
  readonly startNs: bigint;
  readonly endNs: bigint;
  private readonly byTopic: Map<string, Stream>;
  /** Lag bounds over every stream: a message logged at L has corrected time ≥ L − maxLag. */
  private readonly maxLagNs: bigint;
  private readonly minLagNs: bigint;

  constructor(
    readonly path: string,
    private readonly source: RecordingSource,
    readonly facts: Readonly<Record<string, string>>,
    private readonly all: Stream[],
    private readonly crossModal: AlignmentFileJson["crossModal"],
    /** Problems met while opening (unindexed files, unusable alignment file). */
    readonly problems: readonly string[],
  ) {
    this.files = source.files;
    this.byTopic = new Map(all.map((s) => [s.topic, s]));
    this.streams = all.map((s) => ({
      topic: s.topic,
      type: s.type,
      kind: s.kind,
      messageCount: s.corrected.length,
      periodNs: s.periodNs,
      source: s.source,
      crossModalOffsetNs: s.crossNs,
      segments: s.model?.segments.length ?? 0,
    }));
    let start: bigint | undefined;
    let end: bigint | undefined;
    let minLag: bigint | undefined;
    let maxLag: bigint | undefined;
    for (const s of all) {
      if (s.corrected.length === 0) continue;
      const a = s.corrected[0]!;
      const b = s.corrected[s.corrected.length - 1]!;
      if (start === undefined || a < start) start = a;
      if (end === undefined || b > end) end = b;
      if (minLag === undefined || s.minLagNs < minLag) minLag = s.minLagNs;
      if (maxLag === undefined || s.maxLagNs > maxLag) maxLag = s.maxLagNs;
    }
    this.startNs = start ?? 0n;
    this.endNs = end ?? 0n;
    this.minLagNs = minLag ?? 0n;
    this.maxLagNs = maxLag ?? 0n;
  }

  correctedTimes(topic: string): readonly bigint[] | undefined {
    const s = this.byTopic.get(topic);
    return s ? Array.from(s.corrected) : undefined;
  }

  correctedNs(topic: string, stampNs: bigint | undefined, logNs: bigint): bigint {
    const s = this.byTopic.get(topic);
    if (!s) return logNs;
    if (s.model && stampNs !== undefined && stampNs !== 0n) return s.model.toHost(stampNs, logNs) + s.crossNs;
    return logNs + s.crossNs;
  }

  alignmentJson(): AlignmentFileJson {
    const streams: AlignmentFileJson["streams"] = {};
    for (const s of this.all) {
      streams[s.topic] = {
        type: s.type,
        source: s.source,
        ...(s.model ? { clockModel: clockModelToJson(s.model) } : {}),
        crossModalOffsetNs: s.crossNs.toString(),
      };
    }
    return {
      schema: ALIGNMENT_SCHEMA,
      version: ALIGNMENT_VERSION,
      producer: "reader",
      created: new Date().toISOString(),
      streams,
      ...(this.crossModal ? { crossModal: this.crossModal } : {}),
    };
  }

  private wrap(m: SourceMessage, s: Stream): AlignedMessage {
    let stamp: bigint | undefined;
    if (s.stamped) {
      try {
        stamp = readHeaderStamp(s.type, m.data);
      } catch {
        stamp = undefined;
      }
      if (stamp === 0n) stamp = undefined;
    }
    let decoded: RosMessage | undefined;
    const decode = s.decode;
    const err = s.decodeError;
    return {
      topic: m.topic,
      type: s.type,
      correctedNs: this.correctedNs(m.topic, stamp, m.logTime),
      stampNs: stamp,
      logNs: m.logTime,
      publishNs: m.publishTime,
      bytes: m.data,
      decode() {
        if (decoded === undefined) {
          if (!decode) throw new Error(err ?? `${m.topic}: cannot decode`);
          decoded = decode(m.data);
        }
        return decoded;
      },
    };
  }

  private chosen(topics: readonly string[] | undefined): Stream[] {
    if (topics === undefined) return this.all;
    return topics.map((t) => this.byTopic.get(t)).filter((s): s is Stream => s !== undefined);
  }

  async *messages(options: { topics?: readonly string[]; startNs?: bigint; endNs?: bigint } = {}): AsyncIterable<AlignedMessage> {
    const chosen = this.chosen(options.topics).filter((s) => s.corrected.length > 0);
    if (chosen.length === 0) return;
    let minLag = chosen[0]!.minLagNs;
    let maxLag = chosen[0]!.maxLagNs;
    for (const s of chosen) {
      if (s.minLagNs < minLag) minLag = s.minLagNs;
      if (s.maxLagNs > maxLag) maxLag = s.maxLagNs;
    }
    const { startNs, endNs } = options;
    // log = corrected + lag with lag ∈ [minLag, maxLag]
    const window = {
      topics: chosen.map((s) => s.topic),
      ...(startNs !== undefined ? { startLogNs: startNs + minLag } : {}),
      ...(endNs !== undefined ? { endLogNs: endNs + maxLag } : {}),
    };
    const heap = new MessageHeap();
    for await (const m of this.source.read(window)) {
      const s = this.byTopic.get(m.topic)!;
      const a = this.wrap(m, s);
      if (startNs !== undefined && a.correctedNs < startNs) continue;
      if (endNs !== undefined && a.correctedNs >= endNs) continue;
      heap.push(a);
      // Every message still to come was logged at ≥ m.logTime, so its corrected time is ≥ this.
      const safe = m.logTime - maxLag;
      while (heap.size > 0 && heap.peek()!.correctedNs < safe) yield heap.pop()!;
    }
    while (heap.size > 0) yield heap.pop()!;
  }

  private tolerance(s: Stream, options: StateQueryOptions | undefined): bigint {
    const t = options?.toleranceNs;
    if (typeof t === "bigint") return t;
    const given = t?.get(s.topic);
    if (given !== undefined) return given;
    const period = s.periodNs ?? 0n;
    return s.kind === "continuous" ? (period * 3n) / 2n : period / 2n;
  }

  async stateAt(tNs: bigint, options?: StateQueryOptions): Promise<Map<string, StreamStateAt>> {
    const chosen = this.chosen(options?.topics);
    const out = new Map<string, StreamStateAt>();
    // Bracketing samples by binary search; then the log-time windows that hold them.
    const wants: Array<{ s: Stream; before: number; after: number; lo: bigint; hi: bigint }> = [];
    for (const s of chosen) {
      const n = s.corrected.length;
      if (n === 0) {
        out.set(s.topic, { topic: s.topic, status: "missing", skewNs: 0n });
        continue;
      }
      const after = upperBound(s.corrected, tNs);
      const before = after - 1;
      const idx = [before, after].filter((i) => i >= 0 && i < n);
      const needed = s.kind === "continuous" ? idx : [nearestIndex(s.corrected, tNs, before, after)];
      if (s.kind === "continuous" && before >= 0 && after < n) needed.splice(0, needed.length, before, after);
      const logsOf = needed.map((i) => s.logs[i]!);
      wants.push({ s, before: before >= 0 ? before : -1, after: after < n ? after : -1, lo: logsOf.reduce((a, b) => (b < a ? b : a)), hi: logsOf.reduce((a, b) => (b > a ? b : a)) });
    }
    // Group windows that are close in log time into one indexed read.
    wants.sort((a, b) => cmp(a.lo, b.lo));
    const GAP = 200_000_000n;
    const groups: Array<{ lo: bigint; hi: bigint; items: typeof wants }> = [];
    for (const w of wants) {
      const g = groups[groups.length - 1];
      if (g && w.lo <= g.hi + GAP) {
        g.items.push(w);
        if (w.hi > g.hi) g.hi = w.hi;
      } else groups.push({ lo: w.lo, hi: w.hi, items: [w] });
    }
    for (const g of groups) {
      const found = new Map<string, AlignedMessage[]>();
      const topics = g.items.map((w) => w.s.topic);
      for await (const m of this.source.read({ topics, startLogNs: g.lo, endLogNs: g.hi })) {
        const s = this.byTopic.get(m.topic)!;
        let list = found.get(m.topic);
        if (!list) found.set(m.topic, (list = []));
        list.push(this.wrap(m, s));
      }
      for (const w of g.items) {
        const list = found.get(w.s.topic) ?? [];
        const pick = (i: number): AlignedMessage | undefined =>
          i < 0 ? undefined : list.find((m) => m.logNs === w.s.logs[i] && m.correctedNs === w.s.corrected[i]);
        out.set(w.s.topic, stateFrom(w.s, pick(w.before), pick(w.after), tNs, this.tolerance(w.s, options)));
      }
    }
    return orderStates(out, chosen);
  }

  async *resample(gridNs: readonly bigint[], options?: StateQueryOptions): AsyncIterable<{ tNs: bigint; states: Map<string, StreamStateAt> }> {
    const chosen = this.chosen(options?.topics);
    const n = gridNs.length;
    if (n === 0) return;
    const tol = new Map(chosen.map((s) => [s.topic, this.tolerance(s, options)] as const));
    const pending: Array<Map<string, StreamStateAt>> = [];
    let base = 0; // grid index of pending[0]
    const next = new Map<string, number>(); // per topic: first grid index not yet filled
    const prev = new Map<string, AlignedMessage>();
    for (const s of chosen) {
      next.set(s.topic, 0);
      if (s.corrected.length === 0) next.set(s.topic, n); // filled as missing below
    }
    const stateMap = (j: number): Map<string, StreamStateAt> => {
      while (pending.length <= j - base) pending.push(new Map());
      return pending[j - base]!;
    };
    for (const s of chosen) if (s.corrected.length === 0) for (let j = 0; j < n; j++) stateMap(j).set(s.topic, { topic: s.topic, status: "missing", skewNs: 0n });
    const minNext = (): number => {
      let m = n;
      for (const v of next.values()) if (v < m) m = v;
      return m;
    };
    const topics = chosen.filter((s) => s.corrected.length > 0).map((s) => s.topic);
    if (topics.length > 0) {
      for await (const m of this.messages({ topics })) {
        const s = this.byTopic.get(m.topic)!;
        let j = next.get(m.topic)!;
        while (j < n && gridNs[j]! < m.correctedNs) {
          stateMap(j).set(m.topic, stateFrom(s, prev.get(m.topic), m, gridNs[j]!, tol.get(m.topic)!));
          j++;
        }
        next.set(m.topic, j);
        prev.set(m.topic, m);
        const done = minNext();
        while (base < done) {
          yield { tNs: gridNs[base]!, states: orderStates(pending.shift() ?? new Map(), chosen) };
          base++;
        }
        if (done >= n) break;
      }
    }
    for (const s of chosen) {
      for (let j = next.get(s.topic)!; j < n; j++) stateMap(j).set(s.topic, stateFrom(s, prev.get(s.topic), undefined, gridNs[j]!, tol.get(s.topic)!));
    }
    while (base < n) {
      yield { tNs: gridNs[base]!, states: orderStates(pending.shift() ?? new Map(), chosen) };
      base++;
    }
  }

  async close(): Promise<void> {
    await this.source.close();
  }
}

function orderStates(m: Map<string, StreamStateAt>, chosen: Stream[]): Map<string, StreamStateAt> {
  return new Map(chosen.map((s) => [s.topic, m.get(s.topic)!] as const).filter(([, v]) => v !== undefined));
}

function nearestIndex(a: BigInt64Array, t: bigint, before: number, after: number): number {
  if (before < 0) return after;
  if (after >= a.length) return before;
  // ties go to the earlier sample
  return abs(a[after]! - t) < abs(t - a[before]!) ? after : before;
}

function valueOf(s: Stream, m: AlignedMessage): ContinuousValue | undefined {
  if (!s.extractor) return undefined;
  try {
    return s.extractor(m.decode());
  } catch {
    return undefined;
  }
}

/**
 * A stream's state at t from the samples just before (corrected ≤ t) and just after (> t).
 * Continuous: interpolation between them (or the one there is); others: the nearest.
 */
export function stateFrom(s: Stream, before: AlignedMessage | undefined, after: AlignedMessage | undefined, t: bigint, tolNs: bigint): StreamStateAt {
  if (!before && !after) return { topic: s.topic, status: "missing", skewNs: 0n };
  if (s.kind !== "continuous" || !s.extractor) {
    let m: AlignedMessage;
    if (!before) m = after!;
    else if (!after) m = before;
    else m = abs(after.correctedNs - t) < abs(t - before.correctedNs) ? after : before;
    const skew = m.correctedNs - t;
    return { topic: s.topic, status: abs(skew) <= tolNs ? "ok" : "stale", skewNs: skew, message: m };
  }
  if (before && after) {
    const db = t - before.correctedNs;
    const da = after.correctedNs - t;
    const span = after.correctedNs - before.correctedNs;
    const skew = db >= da ? -db : da;
    const va = valueOf(s, before);
    const vb = valueOf(s, after);
    const w = span > 0n ? Number(db) / Number(span) : 0;
    const value = va && vb ? interpolateValue(va, vb, w) : (va ?? vb);
    return { topic: s.topic, status: abs(skew) <= tolNs ? "ok" : "stale", skewNs: skew, ...(value ? { value } : {}), message: before };
  }
  const m = (before ?? after)!;
  const skew = m.correctedNs - t;
  const value = valueOf(s, m);
  return { topic: s.topic, status: abs(skew) <= tolNs ? "ok" : "stale", skewNs: skew, ...(value ? { value } : {}), message: m };
}

/** Min-heap of messages by (corrected time, topic, log time). */
class MessageHeap {
  private a: AlignedMessage[] = [];
  get size(): number {
    return this.a.length;
  }
  private less(x: AlignedMessage, y: AlignedMessage): boolean {
    if (x.correctedNs !== y.correctedNs) return x.correctedNs < y.correctedNs;
    if (x.topic !== y.topic) return x.topic < y.topic;
    return x.logNs < y.logNs;
  }
  peek(): AlignedMessage | undefined {
    return this.a[0];
  }
  push(m: AlignedMessage): void {
    const a = this.a;
    a.push(m);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(a[i]!, a[p]!)) break;
      [a[i], a[p]] = [a[p]!, a[i]!];
      i = p;
    }
  }
  pop(): AlignedMessage | undefined {
    const a = this.a;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last !== undefined) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && this.less(a[l]!, a[m]!)) m = l;
        if (r < a.length && this.less(a[r]!, a[m]!)) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m]!, a[i]!];
        i = m;
      }
    }
    return top;
  }
}

export { AlignedOpenError };
