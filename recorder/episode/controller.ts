// The episode workflow of a recording session: record an episode, pause for the reset, record
// the next, until N are done or someone stops it. Its actions — start, stop (keep), discard,
// mark outcome, shutdown — are what the keyboard, ROS services and the ws control API will call.
// Times (episode length, reset) run on the recorder node's clock, so a rig on sim time at max
// speed records N simulated seconds per episode.
import { existsSync, statfsSync } from "node:fs";
import { join } from "node:path";
import type { Nanos } from "../../nodes/runtime/api.ts";
import type { ChunkCompression } from "../mcap/compression.ts";
import type { RecorderNode } from "../node/recorder-node.ts";
import { EpisodeHealth, type LiveStreamHealth } from "../health/stream-health.ts";
import { CLOCK_MODEL_TOPIC, CLOCK_MODEL_TYPE, EpisodeClockModels, type ClockModelMessage } from "../health/clock-models.ts";
import { EpisodeWriter, type ClosedEpisode, type TopicSource } from "./episode-writer.ts";
import { newEpisodeId, type Outcome } from "./layout.ts";
import type { BuildInfo, RobotInfo } from "./metadata.ts";

export interface ControllerOptions {
  recorder: RecorderNode;
  libraryDir: string;
  task: string;
  operator: string;
  source: string;
  rigProfile: string;
  robot: RobotInfo | undefined;
  build: BuildInfo;
  /** Episodes to record; undefined records until stopped. */
  episodes: number | undefined;
  /** Length of each episode on the recorder's clock, s; undefined: until stop(). */
  episodeTimeS: number | undefined;
  /** Pause between episodes, s. */
  resetTimeS: number;
  compression: ChunkCompression;
  chunkSize?: number;
  chunkCrc?: boolean;
  flushIntervalMs: number;
  /** Refuse to start an episode with less free space than this in the library, bytes. */
  minFreeBytes: number;
  /** Split an episode into several files (like rosbag2) at this size / span. */
  maxFileBytes?: number;
  maxFileDurationS?: number;
  /** Test hook: the disk "fills" after this many bytes of an episode. */
  failAfterBytes?: number;
  /** The simulator's truth, written into simulated episodes when they close. */
  groundTruth?: () => unknown;
  /** Expected rate per topic (Hz; 0 for latched), for the health record and flags. */
  expectedHz?: ReadonlyMap<string, number>;
  /** True for types that start with a std_msgs/Header (latency = receive − stamp). */
  hasHeader?: (type: string) => boolean;
  /** Discard (with a message) an episode in which a stream fell under 90% of its rate. */
  rejectUnderRate?: boolean;
  /** When given, each stamped stream's clock model is estimated while recording and written as
   * /teledemo/clock_model (teledemo_msgs/msg/ClockModel): about once a second per stream and, for
   * every segment, at the episode's end. `encode` serializes one message to CDR. */
  clockModels?: { encode: (message: ClockModelMessage) => Uint8Array; schemaText: string; periodS?: number };
  /** Writes side data (calibration) into a freshly opened episode. */
  onEpisodeOpened?: (episode: EpisodeWriter, startNs: Nanos) => void;
  log: (line: string) => void;
}

export type ControllerState = "waiting" | "recording" | "paused" | "closing" | "resetting" | "stopped";

export type ControllerEvent =
  | { kind: "episode_started"; index: number; id: string; path: string }
  | { kind: "episode_closed"; index: number; episode: ClosedEpisode }
  | { kind: "episode_discarded"; index: number; id: string; reason: string }
  | { kind: "reset"; seconds: number }
  | { kind: "paused" | "resumed"; index: number }
  | { kind: "outcome"; index: number; outcome: Outcome }
  | { kind: "stopped"; reason: string; error?: string };

export interface SessionResult {
  episodes: ClosedEpisode[];
  discarded: number;
  reason: string;
  error?: string;
}

export class DiskGuardError extends Error {}

export class EpisodeController {
  private stateValue: ControllerState = "waiting";
  private current: EpisodeWriter | undefined;
  private index = 0;
  private phaseStartNs: Nanos = 0n;
  private readonly closed: ClosedEpisode[] = [];
  private discarded = 0;
  private busy: Promise<void> | undefined;
  private readonly listeners: Array<(e: ControllerEvent) => void> = [];
  private resolveDone!: (r: SessionResult) => void;
  private failure: string | undefined;
  private health: EpisodeHealth | undefined;
  private clocks: EpisodeClockModels | undefined;
  private sink: import("../node/recorder-node.ts").MessageSink | undefined;
  private pausedAtNs: Nanos | undefined;
  private pausedTotalNs: Nanos = 0n;
  /** An outcome marked while the episode's file was still being opened. */
  private pendingOutcome: Outcome | undefined;
  /** Messages stored in the open episode, by topic. */
  readonly stored = new Map<string, number>();
  readonly done: Promise<SessionResult>;

  constructor(private readonly options: ControllerOptions) {
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
  }

  get state(): ControllerState {
    return this.stateValue;
  }
  get episodeIndex(): number {
    return this.index;
  }
  get currentEpisode(): EpisodeWriter | undefined {
    return this.current;
  }
  /** Seconds since the current phase (episode or reset) began, recorder clock. */
  phaseElapsedS(): number {
    return this.elapsedAt(this.options.recorder.now());
  }

  private elapsedAt(now: Nanos): number {
    if (this.phaseStartNs === 0n || now <= this.phaseStartNs) return 0;
    const paused = this.pausedTotalNs + (this.pausedAtNs === undefined ? 0n : now - this.pausedAtNs);
    return Number(now - this.phaseStartNs - paused) / 1e9;
  }

  /** Per-stream health of the open episode right now (empty between episodes). */
  liveHealth(): LiveStreamHealth[] {
    const episode = this.current;
    if (episode === undefined || this.health === undefined) return [];
    return this.health.live(episode.facts.startNs, this.options.recorder.now());
  }

  on(listener: (e: ControllerEvent) => void): void {
    this.listeners.push(listener);
  }

  /** Checks the disk and the clock; call often (each message, a timer). */
  tick(): void {
    if (this.busy !== undefined || this.stateValue === "stopped") return;
    const now = this.options.recorder.now();
    if (now === 0n) return; // sim time not started yet
    if (this.current?.error !== undefined) {
      void this.fail(this.current.error);
      return;
    }
    const elapsed = this.elapsedAt(now);
    if (this.stateValue === "waiting") void this.start();
    else if (this.stateValue === "recording" && this.options.episodeTimeS !== undefined && elapsed >= this.options.episodeTimeS) void this.stop();
    else if (this.stateValue === "resetting" && elapsed >= this.options.resetTimeS) void this.start();
  }

  /** Opens the next episode (no-op while one is open). */
  start(): Promise<void> {
    return this.exclusive(async () => {
      if (this.stateValue === "recording" || this.stateValue === "stopped") return;
      const free = freeBytes(this.options.libraryDir);
      if (free !== undefined && free < this.options.minFreeBytes) {
        const msg = `refusing to start an episode: only ${formatBytes(free)} free in ${this.options.libraryDir} (minimum ${formatBytes(this.options.minFreeBytes)}; see --min-free)`;
        this.finish("disk guard", msg);
        return;
      }
      this.index++;
      const startNs = this.options.recorder.now();
      // Until the file is open, messages wait in memory: the episode holds everything received
      // from its start on.
      const pending: Array<[string, TopicSource, Uint8Array, Nanos, Nanos]> = [];
      this.options.recorder.setSink({ write: (...args) => pending.push([args[0], args[1], args[2].slice(), args[3], args[4]]) }, startNs);
      this.phaseStartNs = startNs;
      this.pendingOutcome = undefined;
      this.stateValue = "recording";
      let id = newEpisodeId();
      while (existsSync(join(this.options.libraryDir, id))) id = newEpisodeId();
      let episode: EpisodeWriter;
      try {
        episode = await EpisodeWriter.open({
          libraryDir: this.options.libraryDir,
          compression: this.options.compression,
          ...(this.options.chunkSize === undefined ? {} : { chunkSize: this.options.chunkSize }),
          ...(this.options.chunkCrc === undefined ? {} : { chunkCrc: this.options.chunkCrc }),
          flushIntervalMs: this.options.flushIntervalMs,
          ...(this.options.failAfterBytes === undefined ? {} : { failAfterBytes: this.options.failAfterBytes }),
          onWriteError: (err) => this.options.log(`recorder: write failed: ${err.message}`),
          ...(this.options.maxFileBytes === undefined ? {} : { maxFileBytes: this.options.maxFileBytes }),
          ...(this.options.maxFileDurationS === undefined ? {} : { maxFileDurationS: this.options.maxFileDurationS }),
          onFileOpened: (writer, atNs) => {
            // a new file of a split episode stands alone: calibration and latched topics again
            this.options.onEpisodeOpened?.(writer, atNs);
            if (this.sink !== undefined && this.stateValue === "recording") this.options.recorder.setSink(this.sink, atNs, true);
          },
          facts: {
            id,
            task: this.options.task,
            operator: this.options.operator,
            source: this.options.source,
            rigProfile: this.options.rigProfile,
            robot: this.options.robot,
            build: this.options.build,
            startNs,
            endNs: undefined,
            outcome: "in_progress",
            flags: [],
            index: this.index,
            planned: this.options.episodes,
          },
        });
      } catch (err) {
        this.options.recorder.setSink(undefined);
        throw new Error(`cannot create episode ${id} in ${this.options.libraryDir}: ${(err as Error).message}`);
      }
      this.options.onEpisodeOpened?.(episode, startNs);
      this.current = episode;
      if (this.pendingOutcome !== undefined) episode.markOutcome(this.pendingOutcome);
      this.pendingOutcome = undefined;
      this.stored.clear();
      const stored = this.stored;
      const health = new EpisodeHealth(this.options.expectedHz ?? new Map(), this.options.hasHeader ?? (() => false));
      this.health = health;
      const clocks = this.options.clockModels === undefined ? undefined : new EpisodeClockModels(BigInt(Math.round((this.options.clockModels.periodS ?? 1) * 1e9)));
      this.clocks = clocks;
      const sink = {
        write: (topic: string, source: TopicSource, data: Uint8Array, logNs: Nanos, pubNs: Nanos) => {
          episode.write(topic, source, data, logNs, pubNs);
          stored.set(topic, (stored.get(topic) ?? 0) + 1);
          const stampNs = health.add(topic, source.type, data, logNs);
          if (clocks !== undefined && stampNs !== undefined) {
            let model: ClockModelMessage | undefined;
            try {
              model = clocks.add(topic, stampNs, logNs);
            } catch (err) {
              // a stamp no clock can hold (garbage bytes where a header should be): keep recording
              this.warnClockModel(`recorder: clock model of ${topic}: ${(err as Error).message}`);
            }
            if (model !== undefined) this.writeClockModel(episode, model, logNs);
          }
        },
      };
      for (const m of pending) sink.write(...m);
      this.sink = sink;
      this.pausedAtNs = undefined;
      this.pausedTotalNs = 0n;
      this.options.recorder.setSink(sink, startNs, false);
      this.emit({ kind: "episode_started", index: this.index, id, path: episode.path });
    });
  }

  /** Ends the open episode and keeps it (outcome as marked, else unknown). */
  stop(outcome?: Outcome): Promise<void> {
    return this.exclusive(async () => {
      if ((this.stateValue !== "recording" && this.stateValue !== "paused") || this.current === undefined) return;
      if (outcome !== undefined) this.current.markOutcome(outcome);
      await this.closeCurrent();
      if (this.options.episodes !== undefined && this.index >= this.options.episodes) {
        this.finish("all episodes recorded");
        return;
      }
      this.phaseStartNs = this.options.recorder.now();
      this.pausedAtNs = undefined;
      this.pausedTotalNs = 0n;
      this.stateValue = "resetting";
      this.emit({ kind: "reset", seconds: this.options.resetTimeS });
    });
  }

  /** Drops the open episode; the next one re-records it (same index). */
  discard(): Promise<void> {
    return this.exclusive(async () => {
      if ((this.stateValue !== "recording" && this.stateValue !== "paused") || this.current === undefined) return;
      const episode = this.current;
      this.options.recorder.setSink(undefined);
      this.current = undefined;
      await episode.discard();
      this.discarded++;
      this.emit({ kind: "episode_discarded", index: this.index, id: episode.facts.id, reason: "discarded by the operator" });
      this.index--;
      this.phaseStartNs = this.options.recorder.now();
      this.pausedAtNs = undefined;
      this.pausedTotalNs = 0n;
      this.stateValue = "resetting";
    });
  }

  /** Stops storing messages without ending the episode; its clock stops too. */
  pause(): Promise<void> {
    return this.exclusive(async () => {
      if (this.stateValue !== "recording" || this.current === undefined) return;
      this.pausedAtNs = this.options.recorder.now();
      this.options.recorder.setSink(undefined);
      this.stateValue = "paused";
      this.current.addFlag("paused");
      this.emit({ kind: "paused", index: this.index });
    });
  }

  resume(): Promise<void> {
    return this.exclusive(async () => {
      if (this.stateValue !== "paused" || this.current === undefined) return;
      const now = this.options.recorder.now();
      if (this.pausedAtNs !== undefined) this.pausedTotalNs += now - this.pausedAtNs;
      this.pausedAtNs = undefined;
      this.options.recorder.setSink(this.sink, now, false);
      this.stateValue = "recording";
      this.emit({ kind: "resumed", index: this.index });
    });
  }

  togglePause(): Promise<void> {
    return this.stateValue === "paused" ? this.resume() : this.pause();
  }

  markOutcome(outcome: Outcome): void {
    if (this.current === undefined) {
      // the episode is starting (its file is being opened): apply it once it is
      if (this.stateValue === "recording") this.pendingOutcome = outcome;
      else return;
    } else this.current.markOutcome(outcome);
    this.emit({ kind: "outcome", index: this.index, outcome });
  }

  /** Closes the open episode (kept) and ends the session. */
  shutdown(reason = "stopped"): Promise<SessionResult> {
    void this.exclusive(async () => {
      if (this.stateValue === "stopped") return;
      if (this.current !== undefined) await this.closeCurrent();
      this.finish(reason);
    });
    return this.done;
  }

  private async fail(error: Error): Promise<void> {
    await this.exclusive(async () => {
      if (this.stateValue === "stopped") return;
      this.failure = error.message;
      if (this.current !== undefined) await this.closeCurrent();
      this.finish("write error", `recording stopped: ${error.message}; the episode was closed with what reached the disk`);
    });
  }

  private writeClockModel(episode: EpisodeWriter, model: ClockModelMessage, atNs: Nanos): void {
    const opts = this.options.clockModels;
    if (opts === undefined) return;
    try {
      const source: TopicSource = { type: CLOCK_MODEL_TYPE, schemaText: opts.schemaText, offeredQos: [CLOCK_MODEL_QOS] };
      episode.write(CLOCK_MODEL_TOPIC, source, opts.encode(model), atNs, atNs);
    } catch (err) {
      // a clock model must never stop a recording; the raw stamps are in the file anyway
      this.warnClockModel(`recorder: could not write a clock model for ${model.topic}: ${(err as Error).message}`);
    }
  }

  private readonly clockModelWarnings = new Set<string>();
  private warnClockModel(line: string): void {
    const key = line.split(":").slice(0, 2).join(":");
    if (this.clockModelWarnings.has(key)) return;
    this.clockModelWarnings.add(key);
    this.options.log(line);
  }

  private async closeCurrent(): Promise<void> {
    const episode = this.current;
    if (episode === undefined) return;
    this.stateValue = "closing";
    this.options.recorder.setSink(undefined);
    this.current = undefined;
    const endNs = this.options.recorder.now();
    const reports = this.health?.report(episode.facts.startNs, endNs) ?? [];
    const under = EpisodeHealth.underRate(reports, Number(endNs - episode.facts.startNs) / 1e9);
    for (const topic of under) episode.addFlag(`under_rate:${topic}`);
    if (reports.every((r) => r.messages === 0)) episode.addFlag("no_messages");
    if (under.length > 0 && this.options.rejectUnderRate) {
      await episode.discard();
      this.discarded++;
      const detail = under.map((t) => { const r = reports.find((x) => x.topic === t)!; return `${t} ${r.measuredHz.toFixed(1)}/${r.expectedHz} Hz`; }).join(", ");
      this.emit({ kind: "episode_discarded", index: this.index, id: episode.facts.id, reason: `under rate: ${detail}` });
      this.index--;
      return;
    }
    if (episode.error === undefined && this.clocks !== undefined) {
      let final: ClockModelMessage[] = [];
      try {
        final = this.clocks.final(endNs);
      } catch (err) {
        this.warnClockModel(`recorder: final clock models: ${(err as Error).message}`);
      }
      for (const m of final) this.writeClockModel(episode, m, endNs);
    }
    this.clocks = undefined;
    // the last messages may have started a file split: side data goes into the file that stays
    await episode.settled();
    if (episode.error === undefined) {
      episode.sideStorage.writeMetadata("teledemo.health", {
        schema_version: "1",
        streams: JSON.stringify(reports),
        under_rate: JSON.stringify(under),
      });
    }
    const closed = await episode.close(endNs, this.options.groundTruth ? { simGroundTruth: this.options.groundTruth() } : {});
    this.closed.push(closed);
    if (closed.result.writeError !== undefined) this.failure ??= closed.result.writeError;
    this.emit({ kind: "episode_closed", index: this.index, episode: closed });
  }

  private finish(reason: string, error?: string): void {
    if (this.stateValue === "stopped") return;
    this.stateValue = "stopped";
    this.options.recorder.setSink(undefined);
    const err = error ?? (this.failure === undefined ? undefined : `recording stopped: ${this.failure}`);
    this.emit({ kind: "stopped", reason, ...(err === undefined ? {} : { error: err }) });
    this.resolveDone({ episodes: this.closed, discarded: this.discarded, reason, ...(err === undefined ? {} : { error: err }) });
  }

  private exclusive(fn: () => Promise<void>): Promise<void> {
    const run = async (): Promise<void> => {
      while (this.busy !== undefined) await this.busy;
      const p = fn().catch((err: unknown) => {
        this.finish("error", (err as Error).message);
      });
      this.busy = p;
      try {
        await p;
      } finally {
        if (this.busy === p) this.busy = undefined;
      }
    };
    return run();
  }

  private emit(e: ControllerEvent): void {
    for (const l of this.listeners) l(e);
  }
}

/** How /teledemo/clock_model is offered: reliable, volatile, like a status topic. */
const CLOCK_MODEL_QOS = { history: "keep_last", depth: 100, reliability: "reliable", durability: "volatile" } as const;

export function freeBytes(dir: string): number | undefined {
  try {
    const s = statfsSync(dir);
    return Number(s.bavail) * Number(s.bsize);
  } catch {
    return undefined;
  }
}

export function formatBytes(n: number): string {
  return n >= 1e9 ? `${(n / 1e9).toFixed(1)} GB` : n >= 1e6 ? `${(n / 1e6).toFixed(1)} MB` : `${Math.round(n / 1e3)} kB`;
}
