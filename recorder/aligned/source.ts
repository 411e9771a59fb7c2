// The recording files behind an aligned episode, read as one log-time-ordered message source:
// an episode folder (episode.json lists its split files, else episode.mcap), a bare .mcap file,
// a rosbag2 bag folder (metadata.yaml's relative_file_paths) or a folder of .mcap files.
// Indexed files get a message-level index (./mcap-index.ts: log times, header stamps and record
// positions, built from the MessageIndex records and the first bytes of each stamped record,
// cached in `<episode>/.index/stamps.bin`), and every read is exact byte ranges through it; a
// file without a usable index (interrupted recording, truncated copy) is scanned record by record
// once and kept in memory.
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { readHeaderStamp } from "../../nodes/sync/synchronizer/stamp.ts";
import { type FileHandle, open } from "node:fs/promises";
import { basename, join, resolve } from "node:path";
import { McapIndexedReader, type DecompressHandlers } from "@mcap/core";
import { FileHandleReadable } from "@mcap/nodejs";
import { loadDecompressHandlers } from "@mcap/support";
import { parse as parseYaml } from "yaml";
import { EPISODE_FILE, EPISODE_METADATA, EPISODE_SIDECAR, readSidecar } from "../episode/layout.ts";
import { scanMcap } from "../mcap/scan.ts";
import { hasHeaderStamp } from "./decode.ts";
import { fileKey, indexCachePath, readIndexCache, writeIndexCache, type FileKey } from "./index-cache.ts";
import { buildFileIndex, chunkLayouts, lowerBoundLog, readIndexed, type ChunkLayout, type FileIndex } from "./mcap-index.ts";

export class AlignedOpenError extends Error {
  override name = "AlignedOpenError";
}

export interface SourceSchema {
  name: string;
  encoding: string;
  data: Uint8Array;
}

/** A topic across all files (channel ids differ per file; topics are the identity). */
export interface SourceChannel {
  topic: string;
  messageEncoding: string;
  schema: SourceSchema | undefined;
}

export interface SourceMessage {
  topic: string;
  channel: SourceChannel;
  logTime: bigint;
  publishTime: bigint;
  data: Uint8Array;
}

export interface ReadWindow {
  topics?: readonly string[];
  /** Inclusive log-time bounds. */
  startLogNs?: bigint;
  endLogNs?: bigint;
}

export interface RecordingSource {
  /** Folder or file the caller gave (resolved). */
  path: string;
  files: string[];
  channels: Map<string, SourceChannel>;
  /** Merged metadata records by name (later files win). */
  metadata: Map<string, Record<string, string>>;
  /** Problems met while opening (unindexed/truncated files), one line each. */
  problems: string[];
  /** Messages in log-time order (per file order; files of a split recording follow each other). */
  read(window?: ReadWindow): AsyncIterable<SourceMessage>;
  /**
   * Every message's log time and header stamp (undefined: none or unreadable) by topic, in log
   * order; known from opening (the index), no message payload is read.
   */
  timeline(): Map<string, TopicTimeline>;
  /** The recording files' identity (name, size, mtime): keys caches derived from them. */
  fingerprint: string;
  /** Where this episode's index cache lives (undefined: not a teledemo episode folder, or caching off). */
  cachePath: string | undefined;
  close(): Promise<void>;
}

export interface TopicTimeline {
  stamps: Array<bigint | undefined>;
  logs: bigint[];
  /** Bytes of the topic's message records (an upper bound): what reading them all costs. */
  bytes: number;
}

export interface OpenSourceOptions {
  /** Use and keep `<episode>/.index/stamps.bin` (only ever in teledemo episode folders). Default true. */
  indexCache?: boolean;
}

interface FileReader {
  startNs: bigint | undefined;
  endNs: bigint | undefined;
  read(window: ReadWindow): AsyncIterable<SourceMessage>;
  /** Calls `each` for every message in log order (no payload read). */
  timeline(each: (topic: string, stamp: bigint | undefined, log: bigint, bytes: number) => void): void;
  close(): Promise<void>;
}

/** An indexed file whose message index is still to be loaded (from the cache or built). */
interface PendingIndexed {
  key: FileKey;
  build(): Promise<FileIndex>;
  attach(index: FileIndex): FileReader;
}

/** The recording files of `path`, in order. */
export function recordingFiles(path: string): string[] {
  const full = resolve(path);
  if (!existsSync(full)) throw new AlignedOpenError(`${path}: no such file or directory`);
  const st = statSync(full);
  if (st.isFile()) {
    if (basename(full) === "metadata.yaml") return bagFiles(resolve(full, ".."));
    if (basename(full) === EPISODE_SIDECAR) return episodeFiles(resolve(full, ".."));
    return [full];
  }
  if (existsSync(join(full, EPISODE_FILE)) || existsSync(join(full, EPISODE_SIDECAR))) return episodeFiles(full);
  if (existsSync(join(full, "metadata.yaml"))) return bagFiles(full);
  const mcaps = readdirSync(full)
    .filter((f) => f.endsWith(".mcap"))
    .sort()
    .map((f) => join(full, f));
  if (mcaps.length === 0) throw new AlignedOpenError(`${path}: not an episode, an MCAP file or a rosbag2 bag (no ${EPISODE_FILE}, metadata.yaml or .mcap file in it)`);
  return mcaps;
}

function episodeFiles(dir: string): string[] {
  let listed: string[] = [];
  if (existsSync(join(dir, EPISODE_SIDECAR))) {
    try {
      listed = readSidecar(dir).files;
    } catch {
      listed = [];
    }
  }
  const files = (listed.length > 0 ? listed : [EPISODE_FILE]).map((f) => join(dir, f)).filter((f) => existsSync(f));
  if (files.length === 0) throw new AlignedOpenError(`${dir}: episode folder without its MCAP file`);
  return files;
}

function bagFiles(dir: string): string[] {
  const metaPath = join(dir, "metadata.yaml");
  let info: { relative_file_paths?: unknown } | undefined;
  try {
    info = (parseYaml(readFileSync(metaPath, "utf8")) as { rosbag2_bagfile_information?: { relative_file_paths?: unknown } } | null)?.rosbag2_bagfile_information;
  } catch (err) {
    throw new AlignedOpenError(`${metaPath}: not valid YAML: ${(err as Error).message}`);
  }
  const rel = Array.isArray(info?.relative_file_paths) ? info.relative_file_paths.filter((f): f is string => typeof f === "string") : [];
  const files = rel.map((f) => join(dir, f));
  if (files.length === 0) throw new AlignedOpenError(`${metaPath}: lists no recording files`);
  const missing = files.filter((f) => !existsSync(f));
  if (missing.length > 0) throw new AlignedOpenError(`${metaPath} lists files that are missing: ${missing.map((f) => basename(f)).join(", ")}`);
  const nonMcap = files.filter((f) => !f.endsWith(".mcap"));
  if (nonMcap.length > 0) throw new AlignedOpenError(`${metaPath}: only MCAP bags are supported, not ${nonMcap.map((f) => basename(f)).join(", ")}`);
  return files;
}

export async function openRecordingSource(path: string, options: OpenSourceOptions = {}): Promise<RecordingSource> {
  const files = recordingFiles(path);
  const channels = new Map<string, SourceChannel>();
  const metadata = new Map<string, Record<string, string>>();
  const problems: string[] = [];
  const readers: FileReader[] = [];
  const pending: PendingIndexed[] = [];
  const handles: FileHandle[] = [];
  const decompress = await loadDecompressHandlers();
  const full = resolve(path);
  const cachePath = options.indexCache === false ? undefined : indexCachePath(statSync(full).isDirectory() ? full : undefined);
  try {
    for (const file of files) {
      const r = await openFile(file, channels, metadata, problems, decompress, handles);
      if ("key" in r) pending.push(r);
      else readers.push(r);
    }
    if (pending.length > 0) readers.push(...(await loadIndexes(cachePath, pending, problems)));
  } catch (err) {
    await Promise.all(handles.map((h) => h.close()));
    throw err;
  }
  // Split files follow each other in time; order them by start so reads stay log-time ordered.
  readers.sort((a, b) => (a.startNs ?? 0n) < (b.startNs ?? 0n) ? -1 : (a.startNs ?? 0n) > (b.startNs ?? 0n) ? 1 : 0);
  return {
    path: full,
    files,
    fingerprint: JSON.stringify(files.map((f) => {
      const st = statSync(f);
      return [basename(f), st.size, st.mtimeMs];
    })),
    cachePath,
    channels,
    metadata,
    problems,
    read(window = {}) {
      return mergeByLogTime(readers.filter((r) => overlaps(r, window)).map((r) => r.read(window)));
    },
    timeline() {
      const out = new Map<string, TopicTimeline>();
      for (const topic of channels.keys()) out.set(topic, { stamps: [], logs: [], bytes: 0 });
      // files of a split recording: merged per topic by log time below
      for (const r of readers)
        r.timeline((topic, stamp, log, bytes) => {
          const t = out.get(topic)!;
          t.stamps.push(stamp);
          t.logs.push(log);
          t.bytes += bytes;
        });
      if (readers.length > 1) for (const t of out.values()) sortTimeline(t);
      return out;
    },
    async close() {
      await Promise.all(handles.map((h) => h.close()));
    },
  };
}

function sortTimeline(t: TopicTimeline): void {
  const order = t.logs.map((_, i) => i);
  order.sort((a, b) => (t.logs[a]! < t.logs[b]! ? -1 : t.logs[a]! > t.logs[b]! ? 1 : a - b));
  const stamps = order.map((i) => t.stamps[i]);
  const logs = order.map((i) => t.logs[i]!);
  t.stamps = stamps;
  t.logs = logs;
}

/** Message indexes of the indexed files: from the episode's cache when it matches, else built (and cached). */
async function loadIndexes(cachePath: string | undefined, pending: PendingIndexed[], problems: string[]): Promise<FileReader[]> {
  const keys = pending.map((p) => p.key);
  if (cachePath !== undefined) {
    const cached = readIndexCache(cachePath, keys);
    if (cached.problem !== undefined) problems.push(cached.problem);
    if (cached.indexes) return pending.map((p, i) => p.attach(cached.indexes![i]!));
  }
  const indexes: FileIndex[] = [];
  for (const p of pending) indexes.push(await p.build());
  if (cachePath !== undefined) {
    try {
      writeIndexCache(cachePath, pending.map((p, i) => ({ key: p.key, index: indexes[i]! })));
    } catch (err) {
      problems.push(`${cachePath}: not written (${(err as Error).message}); the next open rebuilds the index`);
    }
  }
  return pending.map((p, i) => p.attach(indexes[i]!));
}

function overlaps(r: FileReader, w: ReadWindow): boolean {
  if (r.startNs === undefined || r.endNs === undefined) return true;
  if (w.endLogNs !== undefined && r.startNs > w.endLogNs) return false;
  if (w.startLogNs !== undefined && r.endNs < w.startLogNs) return false;
  return true;
}

/** Split files may overlap a little in log time (writer buffering): merge instead of concatenating. */
async function* mergeByLogTime(iterables: AsyncIterable<SourceMessage>[]): AsyncIterable<SourceMessage> {
  if (iterables.length === 1) {
    yield* iterables[0]!;
    return;
  }
  const its = iterables.map((i) => i[Symbol.asyncIterator]());
  const heads: Array<SourceMessage | undefined> = await Promise.all(its.map(async (it) => (await it.next()).value as SourceMessage | undefined));
  for (;;) {
    let best = -1;
    for (let i = 0; i < heads.length; i++) {
      const h = heads[i];
      if (h !== undefined && (best < 0 || h.logTime < heads[best]!.logTime)) best = i;
    }
    if (best < 0) return;
    yield heads[best]!;
    const next = await its[best]!.next();
    heads[best] = next.done ? undefined : next.value;
  }
}

function channelFor(channels: Map<string, SourceChannel>, topic: string, messageEncoding: string, schema: SourceSchema | undefined): SourceChannel {
  let c = channels.get(topic);
  if (c === undefined) {
    c = { topic, messageEncoding, schema };
    channels.set(topic, c);
  }
  return c;
}

async function openFile(
  file: string,
  channels: Map<string, SourceChannel>,
  metadata: Map<string, Record<string, string>>,
  problems: string[],
  decompressHandlers: DecompressHandlers,
  handles: FileHandle[],
): Promise<FileReader | PendingIndexed> {
  let handle: FileHandle;
  try {
    handle = await open(file, "r");
  } catch (err) {
    throw new AlignedOpenError(`${file}: cannot open (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  let reader: McapIndexedReader | undefined;
  try {
    reader = await McapIndexedReader.Initialize({ readable: new FileHandleReadable(handle), decompressHandlers });
  } catch (err) {
    problems.push(`${file}: no usable index (${(err as Error).message}); scanned from the start`);
  }
  if (reader !== undefined) {
    handles.push(handle);
    const r = reader;
    const byId = new Map<number, SourceChannel>();
    const stampTypes = new Map<number, string>();
    for (const [id, ch] of r.channelsById) {
      const s = r.schemasById.get(ch.schemaId);
      const channel = channelFor(channels, ch.topic, ch.messageEncoding, s ? { name: s.name, encoding: s.encoding, data: s.data } : undefined);
      byId.set(id, channel);
      if (hasHeaderStamp(channel)) stampTypes.set(id, channel.schema!.name);
    }
    for await (const m of r.readMetadata()) metadata.set(m.name, { ...metadata.get(m.name), ...Object.fromEntries(m.metadata) });
    const st = await handle.stat();
    const layouts = chunkLayouts(r.chunkIndexes);
    return {
      key: fileKey(file, st.size, st.mtimeMs, r.chunkIndexes.length, byId),
      build: async () => {
        try {
          return await buildFileIndex(handle, r.chunkIndexes, stampTypes, decompressHandlers, file);
        } catch (err) {
          throw new AlignedOpenError(`${file}: ${(err as Error).message}`);
        }
      },
      attach: (index) => indexedReader(file, handle, index, layouts, byId, decompressHandlers),
    };
  }
  await handle.close();
  // No index: scan once, keep the messages (such files are small or partial recordings).
  const schemas = new Map<number, SourceSchema>();
  const byId = new Map<number, SourceChannel>();
  const messages: SourceMessage[] = [];
  let report;
  try {
    report = await scanMcap(
      file,
      {
        schema: (s) => schemas.set(s.id, { name: s.name, encoding: s.encoding, data: s.data }),
        channel: (c) => byId.set(c.id, channelFor(channels, c.topic, c.messageEncoding, schemas.get(c.schemaId))),
        message: (m) => {
          const channel = byId.get(m.channelId);
          if (channel !== undefined) messages.push({ topic: channel.topic, channel, logTime: m.logTime, publishTime: m.publishTime, data: m.data });
        },
        metadata: (name, map) => metadata.set(name, { ...metadata.get(name), ...Object.fromEntries(map) }),
      },
      { decompressHandlers },
    );
  } catch (err) {
    throw new AlignedOpenError(`${file}: ${(err as Error).message}`);
  }
  for (const p of report.problems) problems.push(`${file}: ${p}`);
  messages.sort((a, b) => (a.logTime < b.logTime ? -1 : a.logTime > b.logTime ? 1 : 0));
  return {
    startNs: messages[0]?.logTime,
    endNs: messages[messages.length - 1]?.logTime,
    async *read(w) {
      const topics = w.topics ? new Set(w.topics) : undefined;
      for (const m of messages) {
        if (w.startLogNs !== undefined && m.logTime < w.startLogNs) continue;
        if (w.endLogNs !== undefined && m.logTime > w.endLogNs) break;
        if (topics && !topics.has(m.topic)) continue;
        yield m;
      }
    },
    timeline(each) {
      for (const m of messages) {
        let stamp: bigint | undefined;
        if (hasHeaderStamp(m.channel)) {
          try {
            stamp = readHeaderStamp(m.channel.schema!.name, m.data);
          } catch {
            stamp = undefined;
          }
        }
        each(m.topic, stamp === 0n ? undefined : stamp, m.logTime, m.data.byteLength);
      }
    },
    async close() {},
  };
}

/** Reads of an indexed file through its message index: exact records, no chunk read whole unless compressed. */
function indexedReader(
  file: string,
  handle: FileHandle,
  index: FileIndex,
  layouts: readonly ChunkLayout[],
  byId: ReadonlyMap<number, SourceChannel>,
  decompress: DecompressHandlers,
): FileReader {
  return {
    startNs: index.count > 0 ? index.logTime[0] : undefined,
    endNs: index.count > 0 ? index.logTime[index.count - 1] : undefined,
    async *read(w) {
      const wanted = w.topics ? new Set(w.topics) : undefined;
      const ids = new Set<number>();
      for (const [id, c] of byId) if (!wanted || wanted.has(c.topic)) ids.add(id);
      if (ids.size === 0) return;
      const from = w.startLogNs === undefined ? 0 : lowerBoundLog(index, w.startLogNs);
      const to = w.endLogNs === undefined ? index.count : lowerBoundLog(index, w.endLogNs + 1n);
      const positions: number[] = [];
      for (let i = from; i < to; i++) if (ids.has(index.channel[i]!)) positions.push(i);
      for await (const m of readIndexed(handle, index, layouts, positions, decompress, file)) {
        const channel = byId.get(index.channel[m.i]!)!;
        yield { topic: channel.topic, channel, logTime: m.logTime, publishTime: m.publishTime, data: m.data };
      }
    },
    timeline(each) {
      for (let i = 0; i < index.count; i++) {
        const channel = byId.get(index.channel[i]!);
        if (channel === undefined) continue;
        const stamp = index.stamp[i]!;
        each(channel.topic, stamp === 0n ? undefined : stamp, index.logTime[i]!, index.length[i]!);
      }
    },
    async close() {
      await handle.close();
    },
  };
}

export { EPISODE_METADATA };
