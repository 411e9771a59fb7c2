// One episode being written: its folder in the library, its MCAP (through the storage
// boundary), the metadata written at its start and end, the crash-safety flush timer, and the
// sidecar summary written when it closes.
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { QosProfile } from "../../nodes/runtime/api.ts";
import type { ChunkCompression } from "../mcap/compression.ts";
import { McapStorage } from "../storage/mcap-storage.ts";
import type { EpisodeStorage, StorageCloseResult } from "../storage/storage.ts";
import { EPISODE_FILE, EPISODE_METADATA, SIDECAR_SCHEMA, SIDECAR_VERSION, writeSidecar, type EpisodeSidecar, type Outcome } from "./layout.ts";
import { episodeRecord, type EpisodeFacts } from "./metadata.ts";

export interface EpisodeWriterOptions {
  libraryDir: string;
  facts: EpisodeFacts;
  compression: ChunkCompression;
  chunkSize?: number;
  /** How often buffered data is written and fsynced, ms (crash safety). */
  flushIntervalMs: number;
  /** Test hook: the disk "fills" after this many bytes. */
  failAfterBytes?: number;
  /** Called once when a write fails (ENOSPC, EIO). */
  onWriteError?: (error: Error) => void;
}

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

export class EpisodeWriter {
  readonly dir: string;
  readonly path: string;
  readonly facts: EpisodeFacts;
  private flushTimer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private errorReported = false;
  private closed = false;
  lastFlushMs = 0;

  private constructor(
    private readonly storage: EpisodeStorage,
    private readonly options: EpisodeWriterOptions,
  ) {
    this.facts = options.facts;
    this.dir = join(options.libraryDir, options.facts.id);
    this.path = storage.path;
    storage.writeMetadata(EPISODE_METADATA, episodeRecord({ ...this.facts, outcome: "in_progress" }));
    this.flushTimer = setInterval(() => void this.flush(), options.flushIntervalMs);
    this.flushTimer.unref?.();
  }

  static async open(options: EpisodeWriterOptions): Promise<EpisodeWriter> {
    const dir = join(options.libraryDir, options.facts.id);
    mkdirSync(dir, { recursive: true });
    const storage = await McapStorage.open(join(dir, EPISODE_FILE), {
      compression: options.compression,
      chunkSize: options.chunkSize,
      library: `teledemo ${options.facts.build.version}`,
      ...(options.failAfterBytes === undefined ? {} : { failAfterBytes: options.failAfterBytes }),
    });
    const writer = new EpisodeWriter(storage, options);
    await storage.flush();
    return writer;
  }

  get error(): Error | undefined {
    return this.storage.error;
  }

  get size(): number {
    return this.storage.size;
  }

  /** The storage for side data (calibration, clock models); ROS messages go through write(). */
  get sideStorage(): Pick<EpisodeStorage, "createSideChannel" | "writeSide" | "writeAttachment" | "writeMetadata"> {
    return this.storage;
  }

  write(topic: string, source: TopicSource, data: Uint8Array, logTimeNs: bigint, publishTimeNs: bigint): void {
    if (this.closed) return;
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
    if (this.closed) return;
    if (this.flushing !== undefined) return this.flushing;
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
    this.closed = true;
    clearInterval(this.flushTimer);
    if (this.flushing !== undefined) await this.flushing;
    this.facts.endNs = endNs;
    if (extra.simGroundTruth !== undefined) this.facts.simGroundTruth = extra.simGroundTruth;
    if (this.facts.outcome === "in_progress") this.facts.outcome = "unknown";
    if (this.storage.error !== undefined) this.addFlag("write_error");
    if (this.storage.error === undefined) this.storage.writeMetadata(EPISODE_METADATA, episodeRecord(this.facts));
    const result = await this.storage.close();
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
      files: [EPISODE_FILE],
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

  private checkError(): void {
    const err = this.storage.error;
    if (err !== undefined && !this.errorReported) {
      this.errorReported = true;
      this.options.onWriteError?.(err);
    }
  }
}
