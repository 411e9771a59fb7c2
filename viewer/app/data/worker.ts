// The data worker: opens the episode's MCAP files over HTTP Range, decodes messages (CDR,
// protobuf, JSON) off the main thread, maps them to corrected time and posts them back with
// their large buffers transferred. Classic worker (wasm-zstd's loader needs importScripts).
import type { AlignmentFileJson } from "../../../recorder/aligned/api.ts";
import type { DecodedMessage } from "../panels/contract.ts";
import { channelDecoder, type Decode } from "./decoders.ts";
import { openMcapSource, type McapSource, type RawMessage } from "./mcap-source.ts";
import { SUPERSEDED, type OpenRequest, type TopicInfo, type WorkerEnvelope, type WorkerReply, type WorkerReplyEnvelope } from "./protocol.ts";
import { timeMaps, type TimeMaps, type TopicTimeMap } from "./time-map.ts";

interface WorkerScope {
  postMessage(message: unknown, transfer: Transferable[]): void;
  addEventListener(type: "message", listener: (ev: MessageEvent<WorkerEnvelope>) => void): void;
}
const scope = self as unknown as WorkerScope;

/** Log-time margins around a corrected-time window: samples arrive after they are taken. */
const LATE_NS = 500_000_000n;
const EARLY_NS = 100_000_000n;
/** First backward look for `latest`; sparse topics not found in it get one unbounded lookup. */
const LATEST_WINDOW_NS = 500_000_000n;

interface ChannelState {
  topic: string;
  schema: string;
  decode: Decode | null;
  timeMap: TopicTimeMap;
}

interface Episode {
  sources: McapSource[];
  /** Per source, per channel id. */
  channels: Array<Map<number, ChannelState>>;
  topics: TopicInfo[];
  alignment: AlignmentFileJson;
  maps: TimeMaps;
  /** Earliest log time of any message (where a backward search can stop). */
  firstLogNs: bigint;
}

let episode: Episode | null = null;

async function open(req: OpenRequest): Promise<WorkerReply> {
  const headers: Record<string, string> = req.token ? { Authorization: `Bearer ${req.token}` } : {};
  const sources = await Promise.all(req.files.map((f) => openMcapSource(new URL(f.url, self.location.href).href, f.bytes, headers)));
  const maps = timeMaps(req.alignment);
  const topics = new Map<string, TopicInfo>();
  const channels = sources.map((src) => {
    const states = new Map<number, ChannelState>();
    for (const ch of src.channels.values()) {
      const schema = ch.schemaId === 0 ? undefined : src.schemas.get(ch.schemaId);
      const d = channelDecoder(ch, schema);
      const unsupported = src.unreadable.has(ch.id) ? "its chunks use an unsupported compression" : d.unsupported;
      const schemaName = schema?.name ?? "";
      states.set(ch.id, { topic: ch.topic, schema: schemaName, decode: unsupported ? null : d.decode, timeMap: maps.forTopic(ch.topic, schemaName) });
      const info = topics.get(ch.topic) ?? { topic: ch.topic, schema: schemaName, schemaEncoding: schema?.encoding ?? "", messageEncoding: ch.messageEncoding, messageCount: 0, unsupported: null };
      info.messageCount += src.channelCounts.get(ch.id) ?? 0;
      if (unsupported && !info.unsupported) info.unsupported = unsupported;
      topics.set(ch.topic, info);
    }
    return states;
  });
  const firstLogNs = sources.reduce((a, s) => (s.firstLogNs < a ? s.firstLogNs : a), 2n ** 63n);
  episode = { sources, channels, topics: [...topics.values()].sort((a, b) => a.topic.localeCompare(b.topic)), alignment: req.alignment, maps, firstLogNs };
  lateness.clear();
  await sampleLateness(episode);
  return { kind: "opened", topics: episode.topics, problems: [...sources.flatMap((s) => s.problems), ...maps.problems], modes: sources.map((s) => s.mode) };
}

function need(): Episode {
  if (!episode) throw new Error("no episode open");
  return episode;
}

/** Copies typed arrays that view a larger buffer (CDR readers return views into the chunk) and collects big buffers to transfer. */
function detach(value: unknown, transfers: Transferable[], depth = 0): unknown {
  if (value === null || typeof value !== "object" || depth > 8) return value;
  if (ArrayBuffer.isView(value)) {
    let v = value as ArrayBufferView & { slice?: () => ArrayBufferView };
    if (v.byteLength !== v.buffer.byteLength || v.byteOffset !== 0) {
      v = (v as unknown as { slice(): ArrayBufferView }).slice();
    }
    if (v.byteLength >= 4096 && v.buffer instanceof ArrayBuffer) transfers.push(v.buffer);
    return v;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = detach(value[i], transfers, depth + 1);
    return value;
  }
  const obj = value as Record<string, unknown>;
  for (const k of Object.keys(obj)) obj[k] = detach(obj[k], transfers, depth + 1);
  return obj;
}

interface DecodeContext {
  errors: Map<string, string>;
}

function decodeOne(ep: Episode, fileIndex: number, raw: RawMessage, ctx: DecodeContext): { state: ChannelState; tNs: bigint; value: Record<string, unknown> } | null {
  const state = ep.channels[fileIndex]!.get(raw.channelId);
  if (!state || !state.decode) return null;
  try {
    const tNs = state.timeMap(raw.data, raw.logTime);
    return { state, tNs, value: state.decode(raw.data) };
  } catch (err) {
    if (!ctx.errors.has(state.topic)) ctx.errors.set(state.topic, err instanceof Error ? err.message : String(err));
    return null;
  }
}

function toDecoded(d: { state: ChannelState; tNs: bigint; value: Record<string, unknown> }, logNs: bigint): DecodedMessage {
  return { topic: d.state.topic, schema: d.state.schema, tNs: d.tNs, logNs, value: d.value };
}

function decodableTopics(ep: Episode, topics: readonly string[]): string[] {
  return topics.filter((t) => {
    const info = ep.topics.find((i) => i.topic === t);
    return info !== undefined && info.unsupported === null;
  });
}

async function load(topics: string[], fromNs: bigint, toNs: bigint, epoch?: number): Promise<{ messages: DecodedMessage[]; errors: Map<string, string> }> {
  const ep = need();
  const want = decodableTopics(ep, topics);
  const ctx: DecodeContext = { errors: new Map() };
  const messages: DecodedMessage[] = [];
  if (want.length === 0) return { messages, errors: ctx.errors };
  await Promise.all(
    ep.sources.map(async (src, fi) => {
      for await (const raw of src.readMessages({ topics: want, startLogNs: fromNs - EARLY_NS, endLogNs: toNs + LATE_NS, cancelled: () => superseded(epoch) })) {
        if (superseded(epoch)) throw new Error(SUPERSEDED);
        const d = decodeOne(ep, fi, raw, ctx);
        if (d && d.tNs >= fromNs && d.tNs < toNs) messages.push(toDecoded(d, raw.logTime));
      }
    }),
  );
  // A read cut short by a newer seek is incomplete: never hand it out as the window.
  if (superseded(epoch)) throw new Error(SUPERSEDED);
  messages.sort((a, b) => (a.tNs < b.tNs ? -1 : a.tNs > b.tNs ? 1 : 0));
  return { messages, errors: ctx.errors };
}

/**
 * How late (log time minus corrected time) a topic's messages arrive, learned from every message
 * decoded (sampled chunks at open, then each query): a latest-before lookup must look this far
 * past the target in log time, and no further. Unknown topics use LATE_NS.
 */
const lateness = new Map<string, bigint>();

function noteLateness(topic: string, logNs: bigint, tNs: bigint): void {
  const late = logNs - tNs;
  if (late > (lateness.get(topic) ?? -1n)) lateness.set(topic, late < 0n ? 0n : late);
}

function lookAhead(topic: string): bigint {
  const l = lateness.get(topic);
  // A quarter more than the worst seen plus 10 ms: a little later than ever observed is still found.
  return l === undefined ? LATE_NS : l + l / 4n + 10_000_000n;
}

/**
 * Learns each topic's lateness from the file's first chunk runs (the first frame reads them
 * anyway: they stay in the chunk LRU) before answering open, then from a few runs spread over
 * the file in the background.
 */
async function sampleLateness(ep: Episode): Promise<void> {
  const sample = (fractions: number[], firstRuns: number): Promise<unknown> =>
    Promise.all(
      ep.sources.map(async (src, fi) => {
        if (!src.chunks) return;
        const runs = src.chunks.clusters({ channelIds: null });
        const picks = new Set(fractions.map((f) => Math.floor(f * runs.length)));
        for (let i = 0; i < firstRuns; i++) picks.add(i);
        await Promise.all(
          [...picks].filter((i) => i < runs.length).map(async (i) => {
            for (const ci of runs[i]!) {
              for (const raw of (await src.chunks!.load(ci)).messages) {
                const state = ep.channels[fi]!.get(raw.channelId);
                if (!state) continue;
                try {
                  noteLateness(state.topic, raw.logTime, state.timeMap(raw.data, raw.logTime));
                } catch {
                  // a message whose stamp cannot be read: the decode of that topic reports it
                }
              }
            }
          }),
        );
      }),
    );
  await sample([], 1);
  void sample([0.33, 0.66], 0).catch(() => undefined);
}

/** Seeks cancel what an older seek started: every request carries the epoch it belongs to. */
let currentEpoch = 0;

function superseded(epoch: number | undefined): boolean {
  return epoch !== undefined && epoch < currentEpoch;
}

/**
 * The last message at or before tNs of each topic: per topic, log-time windows ending at
 * tNs + its lateness, searched backwards and doubled until a message is found or the file's
 * start is passed. Only chunks holding the topic are read (chunk indexes), cached parsed.
 */
async function latest(topics: string[], tNs: bigint, epoch: number | undefined): Promise<{ messages: DecodedMessage[]; errors: Map<string, string> }> {
  const ep = need();
  const ctx: DecodeContext = { errors: new Map() };
  const best = new Map<string, DecodedMessage>();
  const one = async (topic: string): Promise<void> => {
    const endLogNs = tNs + lookAhead(topic);
    let span = LATEST_WINDOW_NS;
    let searchedFrom = endLogNs + 1n;
    for (;;) {
      if (superseded(epoch)) return;
      const startLogNs = endLogNs - span;
      let found: { fi: number; raw: RawMessage; t: bigint } | null = null;
      await Promise.all(
        ep.sources.map(async (src, fi) => {
          for await (const raw of src.readMessages({ topics: [topic], startLogNs, endLogNs: searchedFrom - 1n, reverse: true, readAhead: 1, cancelled: () => superseded(epoch) })) {
            const state = ep.channels[fi]!.get(raw.channelId);
            if (!state) continue;
            let t: bigint;
            try {
              t = state.timeMap(raw.data, raw.logTime);
            } catch {
              continue;
            }
            noteLateness(topic, raw.logTime, t);
            if (t > tNs) continue;
            if (!found || t > found.t) found = { fi, raw, t };
            // A message is never taken after it is logged: one logged before the best time cannot beat it.
            if (raw.logTime < found.t) break;
          }
        }),
      );
      const f = found as { fi: number; raw: RawMessage; t: bigint } | null;
      if (f) {
        const d = decodeOne(ep, f.fi, f.raw, ctx);
        if (d) best.set(topic, toDecoded(d, f.raw.logTime));
        return;
      }
      if (startLogNs <= ep.firstLogNs) return;
      searchedFrom = startLogNs;
      span *= 4n;
    }
  };
  await Promise.all(decodableTopics(ep, topics).map(one));
  return { messages: [...best.values()], errors: ctx.errors };
}

/**
 * Decodes every message of the given topics (all when none are given) over the whole episode
 * without posting them back: the throughput measurement. Bytes count the messages decoded.
 */
async function decodeAll(topics: string[] | undefined): Promise<WorkerReply> {
  const ep = need();
  const started = performance.now();
  const ctx: DecodeContext = { errors: new Map() };
  let messages = 0;
  let bytes = 0;
  const want = topics ? decodableTopics(ep, topics) : undefined;
  await Promise.all(
    ep.sources.map(async (src, fi) => {
      for await (const raw of src.readMessages({ topics: want })) {
        const d = decodeOne(ep, fi, raw, ctx);
        if (d) {
          messages++;
          bytes += raw.data.byteLength;
        }
      }
    }),
  );
  return { kind: "decodedAll", messages, bytes, elapsedMs: performance.now() - started };
}

function reply(id: number, r: WorkerReply, transfers: Transferable[] = []): void {
  const env: WorkerReplyEnvelope = { ...r, id };
  scope.postMessage(env, transfers);
}

function messagesReply(id: number, result: { messages: DecodedMessage[]; errors: Map<string, string> }): void {
  const transfers: Transferable[] = [];
  for (const m of result.messages) m.value = detach(m.value, transfers) as Record<string, unknown>;
  reply(id, { kind: "messages", messages: result.messages, errors: [...result.errors].map(([topic, error]) => ({ topic, error })) }, transfers);
}

scope.addEventListener("message", (ev) => {
  const req = ev.data;
  void (async () => {
    try {
      switch (req.kind) {
        case "open":
          reply(req.id, await open(req));
          break;
        case "load":
          messagesReply(req.id, await load(req.topics, req.fromNs, req.toNs, req.epoch));
          break;
        case "latest":
          if (req.epoch !== undefined && req.epoch > currentEpoch) currentEpoch = req.epoch;
          messagesReply(req.id, await latest(req.topics, req.tNs, req.epoch));
          break;
        case "all": {
          const r = await load(req.topics, -(2n ** 62n), 2n ** 62n);
          messagesReply(req.id, r);
          break;
        }
        case "decodeAll":
          reply(req.id, await decodeAll(req.topics));
          break;
        case "stats": {
          const ep = need();
          const rs = ep.sources.map((s) => s.readable).filter((r) => r !== null);
          reply(req.id, {
            kind: "stats",
            rangeRequests: rs.reduce((a, r) => a + r.stats.rangeRequests, 0),
            bytesFetched: rs.reduce((a, r) => a + r.stats.bytesFetched, 0),
            cacheHits: rs.reduce((a, r) => a + r.stats.cacheHits, 0),
            cacheBytes: rs.reduce((a, r) => a + r.cachedBytes, 0) + ep.sources.reduce((a, s) => a + (s.chunks?.cachedBytes ?? 0), 0),
            chunksRead: ep.sources.reduce((a, s) => a + (s.chunks?.chunksRead ?? 0), 0),
          });
          break;
        }
      }
    } catch (err) {
      reply(req.id, { kind: "error", error: err instanceof Error ? err.message : String(err) });
    }
  })();
});
