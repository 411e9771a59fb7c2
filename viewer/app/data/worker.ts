// The data worker: opens the episode's MCAP files over HTTP Range, decodes messages (CDR,
// protobuf, JSON) off the main thread, maps them to corrected time and posts them back with
// their large buffers transferred. Classic worker (wasm-zstd's loader needs importScripts).
import type { AlignmentFileJson } from "../../../recorder/aligned/api.ts";
import type { DecodedMessage } from "../panels/contract.ts";
import { channelDecoder, type Decode } from "./decoders.ts";
import { openMcapSource, type McapSource, type RawMessage } from "./mcap-source.ts";
import type { OpenRequest, TopicInfo, WorkerEnvelope, WorkerReply, WorkerReplyEnvelope } from "./protocol.ts";
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
  episode = { sources, channels, topics: [...topics.values()].sort((a, b) => a.topic.localeCompare(b.topic)), alignment: req.alignment, maps };
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

async function load(topics: string[], fromNs: bigint, toNs: bigint): Promise<{ messages: DecodedMessage[]; errors: Map<string, string> }> {
  const ep = need();
  const want = decodableTopics(ep, topics);
  const ctx: DecodeContext = { errors: new Map() };
  const messages: DecodedMessage[] = [];
  if (want.length === 0) return { messages, errors: ctx.errors };
  await Promise.all(
    ep.sources.map(async (src, fi) => {
      for await (const raw of src.readMessages({ topics: want, startLogNs: fromNs - EARLY_NS, endLogNs: toNs + LATE_NS })) {
        const d = decodeOne(ep, fi, raw, ctx);
        if (d && d.tNs >= fromNs && d.tNs < toNs) messages.push(toDecoded(d, raw.logTime));
      }
    }),
  );
  messages.sort((a, b) => (a.tNs < b.tNs ? -1 : a.tNs > b.tNs ? 1 : 0));
  return { messages, errors: ctx.errors };
}

async function latest(topics: string[], tNs: bigint): Promise<{ messages: DecodedMessage[]; errors: Map<string, string> }> {
  const ep = need();
  const ctx: DecodeContext = { errors: new Map() };
  const best = new Map<string, DecodedMessage>();
  const scan = async (want: string[], startLogNs: bigint | undefined): Promise<void> => {
    await Promise.all(
      ep.sources.map(async (src, fi) => {
        const missing = new Set(want);
        for await (const raw of src.readMessages({ topics: want, startLogNs, endLogNs: tNs + LATE_NS, reverse: true })) {
          const state = ep.channels[fi]!.get(raw.channelId);
          if (!state || !missing.has(state.topic)) continue;
          // Cheap time check before decoding: only the stamp is read.
          let t: bigint;
          try {
            t = state.timeMap(raw.data, raw.logTime);
          } catch {
            continue;
          }
          if (t > tNs) continue;
          const prev = best.get(state.topic);
          if (prev && prev.tNs >= t) {
            missing.delete(state.topic);
          } else {
            const d = decodeOne(ep, fi, raw, ctx);
            if (d) {
              best.set(state.topic, toDecoded(d, raw.logTime));
              missing.delete(state.topic);
            }
          }
          if (missing.size === 0) break;
        }
      }),
    );
  };
  const want = decodableTopics(ep, topics);
  await scan(want, tNs - LATEST_WINDOW_NS);
  const rest = want.filter((t) => !best.has(t));
  if (rest.length > 0) await scan(rest, undefined);
  return { messages: [...best.values()], errors: ctx.errors };
}

async function decodeAll(): Promise<WorkerReply> {
  const ep = need();
  const started = performance.now();
  const ctx: DecodeContext = { errors: new Map() };
  let messages = 0;
  let bytes = 0;
  await Promise.all(
    ep.sources.map(async (src, fi) => {
      for await (const raw of src.readMessages({})) {
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
          messagesReply(req.id, await load(req.topics, req.fromNs, req.toNs));
          break;
        case "latest":
          messagesReply(req.id, await latest(req.topics, req.tNs));
          break;
        case "all": {
          const r = await load(req.topics, -(2n ** 62n), 2n ** 62n);
          messagesReply(req.id, r);
          break;
        }
        case "decodeAll":
          reply(req.id, await decodeAll());
          break;
        case "stats": {
          const ep = need();
          const rs = ep.sources.map((s) => s.readable).filter((r) => r !== null);
          reply(req.id, {
            kind: "stats",
            rangeRequests: rs.reduce((a, r) => a + r.stats.rangeRequests, 0),
            bytesFetched: rs.reduce((a, r) => a + r.stats.bytesFetched, 0),
            cacheHits: rs.reduce((a, r) => a + r.stats.cacheHits, 0),
            cacheBytes: rs.reduce((a, r) => a + r.cachedBytes, 0),
          });
          break;
        }
      }
    } catch (err) {
      reply(req.id, { kind: "error", error: err instanceof Error ? err.message : String(err) });
    }
  })();
});
