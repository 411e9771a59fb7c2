// One MCAP file of an episode, read either through its index with HTTP Range requests (the
// normal case: only the chunks a query needs are fetched) or, when the file has no usable index
// (truncated by a crash, or written without a summary), streamed once into memory.
import { McapIndexedReader, McapStreamReader, type DecompressHandlers, type McapTypes } from "@mcap/core";
import { ChunkStore } from "./chunks.ts";
import { decompressHandlers, loadZstd } from "./decompress.ts";
import { HttpRangeReadable } from "./range-readable.ts";

export interface RawMessage {
  channelId: number;
  logTime: bigint;
  data: Uint8Array;
}

export interface ReadArgs {
  channelIds?: ReadonlySet<number>;
  topics?: readonly string[];
  startLogNs?: bigint;
  endLogNs?: bigint;
  reverse?: boolean;
  /** Chunk runs fetched ahead of the one being read (default 4; fewer for lookups that stop early). */
  readAhead?: number;
  /** Polled between chunks: true ends the read early (a superseded seek). */
  cancelled?: () => boolean;
}

export interface McapSource {
  readonly url: string;
  readonly mode: "indexed" | "stream";
  readonly channels: ReadonlyMap<number, McapTypes.Channel>;
  readonly schemas: ReadonlyMap<number, McapTypes.Schema>;
  /** Messages per channel id when the file says (statistics), else counted while streaming. */
  readonly channelCounts: ReadonlyMap<number, number>;
  /** Problems found while opening (unsupported compression, truncation). */
  readonly problems: string[];
  /** Channels that cannot be read (their chunks use an unsupported compression). */
  readonly unreadable: ReadonlySet<number>;
  readMessages(args: ReadArgs): AsyncGenerator<RawMessage, void, void>;
  readonly readable: HttpRangeReadable | null;
  /** Parsed chunks (indexed files): reads and cache size for stats. */
  readonly chunks: ChunkStore | null;
  /** Earliest message log time in the file (0 when empty). */
  readonly firstLogNs: bigint;
}

/** Biggest file streamed into memory when it has no index. */
const MAX_STREAM_BYTES = 1 << 30;

export async function openMcapSource(url: string, bytes: number, headers: Record<string, string>): Promise<McapSource> {
  const readable = new HttpRangeReadable(url, bytes, headers);
  const handlers: DecompressHandlers = {};
  let reader: McapIndexedReader | undefined;
  let indexProblem = "";
  try {
    reader = await McapIndexedReader.Initialize({ readable, decompressHandlers: handlers });
    if (reader.chunkIndexes.length === 0 && (reader.statistics?.messageCount ?? 1n) > 0n && bytes > 4096) {
      indexProblem = "the file has no chunk index";
      reader = undefined;
    }
  } catch (err) {
    indexProblem = err instanceof Error ? err.message : String(err);
  }
  if (reader) return indexedSource(url, reader, readable, handlers);
  return streamSource(url, bytes, headers, `${url}: no usable index (${indexProblem}); read in full`);
}

async function indexedSource(url: string, reader: McapIndexedReader, readable: HttpRangeReadable, handlers: DecompressHandlers): Promise<McapSource> {
  const problems: string[] = [];
  const { handlers: found, unsupported } = await decompressHandlers(reader.chunkIndexes.map((c) => c.compression));
  Object.assign(handlers, found); // the reader keeps this object: fill it in place
  const unreadable = new Set<number>();
  if (unsupported.length > 0) {
    // Channels whose data sits in chunks we cannot decompress.
    for (const ci of reader.chunkIndexes) {
      if (!unsupported.includes(ci.compression)) continue;
      for (const id of ci.messageIndexOffsets.keys()) unreadable.add(id);
    }
    problems.push(`${url}: chunk compression ${unsupported.join(", ")} is not supported`);
  }
  const counts = new Map<number, number>();
  for (const [id, n] of reader.statistics?.channelMessageCounts ?? []) counts.set(id, Number(n));
  const chunks = new ChunkStore(url, reader.chunkIndexes, (o, n) => readable.readExact(o, n), handlers);
  const idsOf = new Map<string, number[]>();
  for (const c of reader.channelsById.values()) {
    if (unreadable.has(c.id)) continue;
    idsOf.set(c.topic, [...(idsOf.get(c.topic) ?? []), c.id]);
  }
  return {
    url,
    mode: "indexed",
    channels: reader.channelsById,
    schemas: reader.schemasById,
    channelCounts: counts,
    problems,
    unreadable,
    readable,
    chunks,
    firstLogNs: reader.chunkIndexes.reduce((a, c) => (c.messageStartTime < a ? c.messageStartTime : a), reader.chunkIndexes[0]?.messageStartTime ?? 0n),
    async *readMessages(args) {
      let channelIds: Set<number> | null = null;
      if (args.channelIds) channelIds = new Set([...args.channelIds].filter((id) => !unreadable.has(id)));
      else if (args.topics) channelIds = new Set(args.topics.flatMap((t) => idsOf.get(t) ?? []));
      else if (unreadable.size > 0) channelIds = new Set([...idsOf.values()].flat());
      if (channelIds && channelIds.size === 0) return;
      yield* chunks.read({ channelIds, startLogNs: args.startLogNs, endLogNs: args.endLogNs, reverse: args.reverse, readAhead: args.readAhead, cancelled: args.cancelled });
    },
  };
}

async function streamSource(url: string, bytes: number, headers: Record<string, string>, note: string): Promise<McapSource> {
  if (bytes > MAX_STREAM_BYTES) throw new Error(`${url}: no usable index and too big (${bytes} bytes) to read in full; run 'teledemo recover' on it`);
  const problems = [note];
  const res = await fetch(url, { headers });
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  const data = new Uint8Array(await res.arrayBuffer());
  let handlers: DecompressHandlers = {};
  try {
    const z = await loadZstd();
    handlers = { zstd: (buffer, size) => z.decompress(buffer, Number(size)) };
  } catch (err) {
    problems.push(`zstd decoder unavailable: ${err instanceof Error ? err.message : String(err)}`);
  }
  const reader = new McapStreamReader({ decompressHandlers: handlers, validateCrcs: false });
  reader.append(data);
  const channels = new Map<number, McapTypes.Channel>();
  const schemas = new Map<number, McapTypes.Schema>();
  const messages: RawMessage[] = [];
  const unreadable = new Set<number>();
  try {
    for (let rec; (rec = reader.nextRecord()); ) {
      if (rec.type === "Schema") schemas.set(rec.id, rec);
      else if (rec.type === "Channel") channels.set(rec.id, rec);
      else if (rec.type === "Message") messages.push({ channelId: rec.channelId, logTime: rec.logTime, data: rec.data });
    }
    if (!reader.done()) problems.push(`${url}: the file ends early (truncated); showing the ${messages.length} messages before the cut`);
  } catch (err) {
    problems.push(`${url}: stopped reading at a damaged record (${err instanceof Error ? err.message : String(err)}); showing the ${messages.length} messages before it`);
  }
  messages.sort((a, b) => (a.logTime < b.logTime ? -1 : a.logTime > b.logTime ? 1 : 0));
  const counts = new Map<number, number>();
  for (const m of messages) counts.set(m.channelId, (counts.get(m.channelId) ?? 0) + 1);
  const lowerBound = (t: bigint): number => {
    let lo = 0;
    let hi = messages.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (messages[mid]!.logTime < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  return {
    url,
    mode: "stream",
    channels,
    schemas,
    channelCounts: counts,
    problems,
    unreadable,
    readable: null,
    chunks: null,
    firstLogNs: messages[0]?.logTime ?? 0n,
    async *readMessages(args) {
      const topicSet = args.topics ? new Set(args.topics) : null;
      const from = args.startLogNs === undefined ? 0 : lowerBound(args.startLogNs);
      const to = args.endLogNs === undefined ? messages.length : lowerBound(args.endLogNs + 1n);
      const want = (m: RawMessage): boolean => !topicSet || topicSet.has(channels.get(m.channelId)?.topic ?? "");
      if (args.reverse) {
        for (let i = to - 1; i >= from; i--) if (want(messages[i]!)) yield messages[i]!;
      } else {
        for (let i = from; i < to; i++) if (want(messages[i]!)) yield messages[i]!;
      }
    },
  };
}
