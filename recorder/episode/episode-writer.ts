// One episode being written: its folder in the library, its MCAP file(s) (through the storage
// boundary), the metadata written at its start and end, the crash-safety flush timer, and the
// sidecar summary written when it closes. Like rosbag2, an episode may be split over several
// files (--max-file-size / --max-file-duration): episode.mcap, episode_1.mcap, ...; the folder
// then also holds a rosbag2 metadata.yaml listing them, so `ros2 bag` reads it as one bag.
import { mkdirSync, rmSync, writeFileSync, renameSync } from "node:fs";
import { basename, join } from "node:path";
import type { QosProfile } from "../../nodes/runtime/api.ts";
import type { ChunkCompression } from "../mcap/compression.ts";
import { McapStorage } from "../storage/mcap-storage.ts";
import { bagMetadataFile, ROSBAG2_NO_START } from "../storage/rosbag2-yaml.ts";
import type { EpisodeStorage, StorageCloseResult } from "../storage/storage.ts";
import { EPISODE_FILE, EPISODE_METADATA, SIDECAR_SCHEMA, SIDECAR_VERSION, writeSidecar, type EpisodeSidecar, type Outcome } from "./layout.ts";
import { episodeRecord, type EpisodeFacts } from "./metadata.ts";

export interface EpisodeWriterOptions {
  libraryDir: string;
  facts: EpisodeFacts;
  compression: ChunkCompression;
  chunkSize?: number;
  /** CRC-32 per chunk (default true). */
  chunkCrc?: boolean;
  /** How often buffered data is written and fsynced, ms (crash safety). */
  flushIntervalMs: number;
  /** Start a new file once the current one reaches this size, bytes. */
  maxFileBytes?: number;
  /** Start a new file once the current one spans this long (log time), s. */
  maxFileDurationS?: number;
  /** Test hook: the disk "fills" after this many bytes (per file). */
  failAfterBytes?: number;
  /** Called once when a write fails (ENOSPC, EIO). */
  onWriteError?: (error: Error) => void;
  /** Called when a new file is opened after a split (write calibration, latched topics again). */
  onFileOpened?: (writer: EpisodeWriter, startNs: bigint) => void;
}

export type EpisodeSideStorage = Pick<EpisodeStorage, "createSideChannel" | "writeSide" | "writeAttachment" | "writeMetadata">;

export interface TopicSource {
  type: string;
  schemaText: string;
  offeredQos: QosProfile[];
}

export interface ClosedEpisode {
  dir: string;
  path: string;
  sidecar: EpisodeSidecar;
  result: StorageCloseResult;
}

type Pending = [string, TopicSource, Uint8Array, bigint, bigint];

export function episodeFileName(index: number): string {
  return index === 0 ? EPISODE_FILE : EPISODE_FILE.replace(/\.mcap$/, `_${index}.mcap`);
}

export class EpisodeWriter {
  readonly dir: string;
  readonly facts: EpisodeFacts;
  private storage: EpisodeStorage;
  private readonly results: StorageCloseResult[] = [];
  private fileStartNs: bigint | undefined;
  private splitting: Promise<void> | undefined;
  private pending: Pending[] = [];
  /** Side writes that arrived during a split: they go into the new file. */
  private pendingSide: Array<(storage: EpisodeSideStorage) => void> = [];
  private flushTimer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private errorReported = false;
  private closed = false;
  private splitError: Error | undefined;
  lastFlushMs = 0;

  private constructor(
    storage: EpisodeStorage,
    private readonly options: EpisodeWriterOptions,
  ) {
    this.storage = storage;
    this.facts = options.facts;
    this.dir = join(options.libraryDir, options.facts.id);
    this.startFile();
    this.flushTimer = setInterval(() => void this.flush(), options.flushIntervalMs);
    this.flushTimer.unref?.();
  }

  static async open(options: EpisodeWriterOptions): Promise<EpisodeWriter> {
    const dir = join(options.libraryDir, options.facts.id);
    mkdirSync(dir, { recursive: true });
    const writer = new EpisodeWriter(await openStorage(dir, 0, options), options);
    await writer.storage.flush();
    return writer;
  }

  /** The first file's path (the episode's file when it is not split). */
  get path(): string {
    return join(this.dir, EPISODE_FILE);
  }

  get files(): string[] {
    return [...this.results.map((r) => basename(r.path)), basename(this.storage.path)];
  }

  get error(): Error | undefined {
    return this.splitError ?? this.storage.error;
  }

  /** Bytes written so far, all files. */
  get size(): number {
    return this.results.reduce((n, r) => n + r.bytes, 0) + this.storage.size;
  }

  /** Resolves once no file split is in progress: side data written then goes into the current
   * file (during a split `sideStorage` is the file being closed). */
  async settled(): Promise<void> {
    while (this.splitting !== undefined) await this.splitting;
  }

  /** The storage for side data (calibration, clock models); ROS messages go through write(). */
  get sideStorage(): EpisodeSideStorage {
    return this.storage;
  }

  /**
   * Side data written at any moment (a bridge gap, a log line): at once into the current file,
   * or — while a split closes the old file — into the new file as soon as it is open. Returns
   * false once the episode is closing or closed (the data has no file to go to). `write` gets the
   * file's storage: a side channel must be created once per file.
   */
  writeSideData(write: (storage: EpisodeSideStorage) => void): boolean {
    if (this.closed) return false;
    if (this.splitting !== undefined) this.pendingSide.push(write);
    else write(this.storage);
    return true;
  }

  write(topic: string, source: TopicSource, data: Uint8Array, logTimeNs: bigint, publishTimeNs: bigint): void {
    if (this.closed) return;
    if (this.splitting !== undefined) {
      this.pending.push([topic, source, data.slice(), logTimeNs, publishTimeNs]);
      return;
    }
    if (this.shouldSplit(logTimeNs)) {
      this.pending.push([topic, source, data.slice(), logTimeNs, publishTimeNs]);
      this.splitting = this.split(logTimeNs);
      return;
    }
    this.fileStartNs ??= logTimeNs;
    if (!this.storage.hasTopic(topic)) this.storage.createTopic({ name: topic, ...source });
    this.storage.write(topic, data, logTimeNs, publishTimeNs);
    this.checkError();
  }

  markOutcome(outcome: Outcome): void {
    this.facts.outcome = outcome;
  }

  addFlag(flag: string): void {
    if (!this.facts.flags.includes(flag)) this.facts.flags.push(flag);
  }

  /** Writes and fsyncs everything so far. Safe to call concurrently (one flush at a time). */
  async flush(): Promise<void> {
    if (this.closed || this.splitting !== undefined) return;
    if (this.flushing !== undefined) {
      // A slow fsync (a busy disk) must not keep newer data in memory: hand it to the OS now, so
      // a crash of this process still loses at most a flush interval.
      this.storage.handOff?.();
      return this.flushing;
    }
    this.flushing = (async () => {
      try {
        await this.storage.flush();
        this.lastFlushMs = Date.now();
      } catch (err) {
        this.options.onWriteError?.(err as Error);
      } finally {
        this.flushing = undefined;
        this.checkError();
      }
    })();
    return this.flushing;
  }

  async close(endNs: bigint, extra: Partial<Pick<EpisodeFacts, "simGroundTruth">> = {}): Promise<ClosedEpisode> {
    while (this.splitting !== undefined) await this.splitting;
    this.closed = true;
    clearInterval(this.flushTimer);
    if (this.flushing !== undefined) await this.flushing;
    this.facts.endNs = endNs;
    if (extra.simGroundTruth !== undefined) this.facts.simGroundTruth = extra.simGroundTruth;
    if (this.facts.outcome === "in_progress") this.facts.outcome = "unknown";
    if (this.error !== undefined) this.addFlag("write_error");
    if (this.storage.error === undefined) this.storage.writeMetadata(EPISODE_METADATA, episodeRecord(this.facts));
    this.results.push(await this.storage.close());
    const result = combine(this.results);
    if (this.results.length > 1) this.writeBagMetadata(result);
    const f = this.facts;
    const sidecar: EpisodeSidecar = {
      schema: SIDECAR_SCHEMA,
      version: SIDECAR_VERSION,
      id: f.id,
      task: f.task,
      operator: f.operator,
      source: f.source,
      profile: f.rigProfile,
      ...(f.robot === undefined ? {} : { robot: f.robot }),
      start_ns: f.startNs.toString(),
      end_ns: endNs.toString(),
      duration_s: Number(endNs - f.startNs) / 1e9,
      outcome: f.outcome,
      flags: f.flags,
      files: this.results.map((r) => basename(r.path)),
      message_count: result.messageCount,
      bytes: result.bytes,
      topics: result.topics.map((t) => ({ topic: t.name, type: t.type, messages: t.messageCount })),
      ...(result.writeError === undefined ? {} : { write_error: result.writeError }),
    };
    try {
      writeSidecar(this.dir, sidecar);
    } catch (err) {
      // A full disk may refuse even the small sidecar; the MCAP is what matters.
      this.options.onWriteError?.(err as Error);
    }
    return { dir: this.dir, path: this.path, sidecar, result };
  }

  /** Drops the episode: closes and deletes its folder (a discarded take). */
  async discard(): Promise<void> {
    while (this.splitting !== undefined) await this.splitting;
    this.closed = true;
    clearInterval(this.flushTimer);
    if (this.flushing !== undefined) await this.flushing;
    try {
      await this.storage.close();
    } catch {
      // deleting anyway
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  private startFile(): void {
    this.fileStartNs = undefined;
    this.storage.writeMetadata(EPISODE_METADATA, episodeRecord({ ...this.facts, outcome: "in_progress" }));
  }

  private shouldSplit(logTimeNs: bigint): boolean {
    const { maxFileBytes, maxFileDurationS } = this.options;
    if (maxFileBytes !== undefined && this.storage.size >= maxFileBytes) return true;
    return maxFileDurationS !== undefined && this.fileStartNs !== undefined && Number(logTimeNs - this.fileStartNs) / 1e9 >= maxFileDurationS;
  }

  private async split(atNs: bigint): Promise<void> {
    try {
      if (this.flushing !== undefined) await this.flushing;
      this.storage.writeMetadata(EPISODE_METADATA, episodeRecord({ ...this.facts, outcome: "in_progress" }));
      this.results.push(await this.storage.close());
      this.storage = await openStorage(this.dir, this.results.length, this.options);
      this.startFile();
      this.options.onFileOpened?.(this, atNs);
    } catch (err) {
      this.splitError = err as Error;
      this.options.onWriteError?.(err as Error);
      this.splitting = undefined;
      this.pendingSide = [];
      return;
    }
    this.splitting = undefined;
    const side = this.pendingSide;
    this.pendingSide = [];
    for (const write of side) write(this.storage);
    const pending = this.pending;
    this.pending = [];
    for (const m of pending) this.write(...m);
  }

  /** rosbag2's metadata.yaml for a split episode, so `ros2 bag info <episode dir>` reads all files. */
  private writeBagMetadata(result: StorageCloseResult): void {
    const start = result.startNs ?? ROSBAG2_NO_START;
    const duration = result.startNs === undefined || result.endNs === undefined ? 0n : result.endNs - result.startNs;
    const ros = result.topics.filter((t) => t.offeredQosYaml !== "" || /\/msg\//.test(t.type));
    const text = bagMetadataFile({
      startingTimeNs: start,
      durationNs: duration,
      messageCount: ros.reduce((n, t) => n + t.messageCount, 0),
      topics: ros.map((t) => ({ name: t.name, type: t.type, serializationFormat: "cdr", offeredQosProfiles: t.offeredQosYaml, typeDescriptionHash: t.typeDescriptionHash ?? "", messageCount: t.messageCount })),
      compressionFormat: "",
      compressionMode: "",
      files: this.results.map((r) => ({
        path: basename(r.path),
        startingTimeNs: r.startNs ?? ROSBAG2_NO_START,
        durationNs: r.startNs === undefined || r.endNs === undefined ? 0n : r.endNs - r.startNs,
        messageCount: r.topics.filter((t) => ros.some((x) => x.name === t.name)).reduce((n, t) => n + t.messageCount, 0),
      })),
      rosDistro: process.env.ROS_DISTRO ?? "",
    });
    try {
      const path = join(this.dir, "metadata.yaml");
      writeFileSync(`${path}.tmp`, text);
      renameSync(`${path}.tmp`, path);
    } catch (err) {
      this.options.onWriteError?.(err as Error);
    }
  }

  private checkError(): void {
    const err = this.storage.error;
    if (err !== undefined && !this.errorReported) {
      this.errorReported = true;
      this.options.onWriteError?.(err);
    }
  }
}

async function openStorage(dir: string, index: number, options: EpisodeWriterOptions): Promise<EpisodeStorage> {
  return McapStorage.open(join(dir, episodeFileName(index)), {
    compression: options.compression,
    ...(options.chunkSize === undefined ? {} : { chunkSize: options.chunkSize }),
    ...(options.chunkCrc === undefined ? {} : { chunkCrc: options.chunkCrc }),
    library: `teledemo ${options.facts.build.version}`,
    ...(options.failAfterBytes === undefined ? {} : { failAfterBytes: options.failAfterBytes }),
  });
}

function combine(results: StorageCloseResult[]): StorageCloseResult {
  const topics = new Map<string, StorageCloseResult["topics"][number]>();
  let start: bigint | undefined;
  let end: bigint | undefined;
  for (const r of results) {
    if (r.startNs !== undefined && (start === undefined || r.startNs < start)) start = r.startNs;
    if (r.endNs !== undefined && (end === undefined || r.endNs > end)) end = r.endNs;
    for (const t of r.topics) {
      const known = topics.get(t.name);
      if (known === undefined) topics.set(t.name, { ...t });
      else known.messageCount += t.messageCount;
    }
  }
  const writeError = results.find((r) => r.writeError !== undefined)?.writeError;
  return {
    path: results[0]?.path ?? "",
    messageCount: results.reduce((n, r) => n + r.messageCount, 0),
    bytes: results.reduce((n, r) => n + r.bytes, 0),
    startNs: start,
    endNs: end,
    topics: [...topics.values()],
    ...(writeError === undefined ? {} : { writeError }),
  };
}
