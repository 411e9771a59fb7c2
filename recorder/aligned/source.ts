// The recording files behind an aligned episode, read as one log-time-ordered message source:
// an episode folder (episode.json lists its split files, else episode.mcap), a bare .mcap file,
// a rosbag2 bag folder (metadata.yaml's relative_file_paths) or a folder of .mcap files.
// Indexed files are read through their index (windowed reads); a file without a usable index
// (interrupted recording, truncated copy) is scanned record by record once and kept in memory.
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { type FileHandle, open } from "node:fs/promises";
import { basename, join, resolve } from "node:path";
import { McapIndexedReader, type DecompressHandlers } from "@mcap/core";
import { FileHandleReadable } from "@mcap/nodejs";
import { loadDecompressHandlers } from "@mcap/support";
import { parse as parseYaml } from "yaml";
import { EPISODE_FILE, EPISODE_METADATA, EPISODE_SIDECAR, readSidecar } from "../episode/layout.ts";
import { scanMcap } from "../mcap/scan.ts";

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
  close(): Promise<void>;
}

interface FileReader {
  startNs: bigint | undefined;
  endNs: bigint | undefined;
  read(window: ReadWindow): AsyncIterable<SourceMessage>;
  close(): Promise<void>;
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

export async function openRecordingSource(path: string): Promise<RecordingSource> {
  const files = recordingFiles(path);
  const channels = new Map<string, SourceChannel>();
  const metadata = new Map<string, Record<string, string>>();
  const problems: string[] = [];
  const readers: FileReader[] = [];
  const decompress = await loadDecompressHandlers();
  try {
    for (const file of files) readers.push(await openFile(file, channels, metadata, problems, decompress));
  } catch (err) {
    await Promise.all(readers.map((r) => r.close()));
    throw err;
  }
  // Split files follow each other in time; order them by start so reads stay log-time ordered.
  readers.sort((a, b) => (a.startNs ?? 0n) < (b.startNs ?? 0n) ? -1 : (a.startNs ?? 0n) > (b.startNs ?? 0n) ? 1 : 0);
  return {
    path: resolve(path),
    files,
    channels,
    metadata,
    problems,
    read(window = {}) {
      return mergeByLogTime(readers.filter((r) => overlaps(r, window)).map((r) => r.read(window)));
    },
    async close() {
      await Promise.all(readers.map((r) => r.close()));
    },
  };
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
): Promise<FileReader> {
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
    const r = reader;
    const byId = new Map<number, SourceChannel>();
    for (const [id, ch] of r.channelsById) {
      const s = r.schemasById.get(ch.schemaId);
      byId.set(id, channelFor(channels, ch.topic, ch.messageEncoding, s ? { name: s.name, encoding: s.encoding, data: s.data } : undefined));
    }
    for await (const m of r.readMetadata()) metadata.set(m.name, { ...metadata.get(m.name), ...Object.fromEntries(m.metadata) });
    const stats = r.statistics;
    let startNs = stats?.messageStartTime;
    let endNs = stats?.messageEndTime;
    if (stats === undefined || stats.messageCount === 0n) {
      startNs = r.chunkIndexes.reduce<bigint | undefined>((a, c) => (a === undefined || c.messageStartTime < a ? c.messageStartTime : a), undefined);
      endNs = r.chunkIndexes.reduce<bigint | undefined>((a, c) => (a === undefined || c.messageEndTime > a ? c.messageEndTime : a), undefined);
    }
    return {
      startNs,
      endNs,
      async *read(w) {
        const topics = w.topics?.filter((t) => channels.has(t));
        if (topics !== undefined && topics.length === 0) return;
        for await (const m of r.readMessages({ topics, startTime: w.startLogNs, endTime: w.endLogNs, validateCrcs: false })) {
          const channel = byId.get(m.channelId);
          if (channel === undefined) continue;
          yield { topic: channel.topic, channel, logTime: m.logTime, publishTime: m.publishTime, data: m.data };
        }
      },
      close: () => handle.close(),
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
    async close() {},
  };
}

export { EPISODE_METADATA };
