// LeRobot v3.0 dataset writer (the `DatasetWriter` behind `teledemo export --format lerobot`).
// Layout and every file's content follow upstream huggingface/lerobot (lerobot_dataset.py,
// dataset_writer.py, dataset_metadata.py): episodes are appended to one data parquet and one mp4
// per camera until the size limits, and meta/episodes points into them.
//
// Concurrency: writeEpisode may run for several episodes at once (--jobs). Each episode's
// videos are encoded in parallel (one ffmpeg per camera, frames streamed) into temporary
// segments; the appends — data rows, mp4 concatenation, meta files — go through one queue, so
// episode indices, frame indices and file pointers stay consistent whatever order encodes end in.
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import type { DatasetWriter, ResampledEpisode, VideoFeature, VideoOptions } from "../model.ts";
import { chooseDepthEncoder, chooseRgbEncoder, type EncoderChoice } from "../video/ffmpeg.ts";
import { FrameEncoder } from "../video/encode.ts";
import { appendVideo, probeVideo } from "../video/probe.ts";
import { DEFAULT_DEPTH_QUANTIZATION, depthQuantizationTable, quantizeDepthFrame } from "../video/depth.ts";
import {
  CODEBASE_VERSION,
  DATA_PATH,
  DEFAULT_CHUNK_SIZE,
  DEFAULT_DATA_FILE_SIZE_IN_MB,
  DEFAULT_VIDEO_FILE_SIZE_IN_MB,
  EPISODES_PATH,
  INFO_PATH,
  STATS_PATH,
  TASKS_PATH,
  VIDEO_PATH,
  formatPath,
  nextChunkFile,
  readInfo,
  writeJsonAtomic,
  type ChunkFile,
  type DatasetInfo,
  type FeatureInfo,
} from "./layout.ts";
import { DEFAULT_FEATURES, LANGUAGE_EVENTS, LANGUAGE_FEATURES, LANGUAGE_PERSISTENT, columnFor, episodeFeatures, frameValues, isVideo, storedValues } from "./features.ts";
import { AppendableParquetFile, hfMetadata, type ColumnSpec, type HfFeature } from "./parquet.ts";
import { ImageStatsAccumulator, aggregateStats, vectorStats, type FeatureStats } from "./stats.ts";
import { episodeColumns, num, readAllEpisodeRows, readParquetRows, statColumns, statsFromJson, statsToJson, teledemoColumns, writeEpisodesFile, writeTasksFile, type EpisodeRow } from "./episodes.ts";
import { selfCheckLeRobot } from "./selfcheck.ts";

export interface LeRobotWriterOptions {
  /** info.json robot_type; default: the first episode's robot model or rig profile. */
  robotType?: string | null;
  chunksSize?: number;
  dataFilesSizeInMb?: number;
  videoFilesSizeInMb?: number;
  /** Threads per ffmpeg encode (default: the encoder's own choice). */
  encoderThreads?: number;
  /** Skip the self-check in close() (never from the CLI; for callers that run it themselves). */
  skipSelfCheck?: boolean;
}

interface VideoState {
  at: ChunkFile;
  /** Duration of the current file (s) = where the next episode starts. */
  durationS: number;
  bytes: number;
}

interface EncodedVideo {
  key: string;
  path: string;
  frames: number;
  bytes: number;
  stats: FeatureStats;
}

interface PreparedEpisode {
  ep: ResampledEpisode;
  frames: number;
  task: string;
  columns: Map<string, unknown[]>;
  stats: Record<string, FeatureStats>;
  videos: EncodedVideo[];
}

const MB = 1024 * 1024;

export class LeRobotWriter implements DatasetWriter {
  readonly format = "lerobot" as const;
  private root = "";
  private fps = 0;
  private videoOptions: VideoOptions = { codec: "auto", crf: 30, gop: 2 };
  private info: DatasetInfo | undefined;
  private tasks = new Map<string, number>();
  private stats: Record<string, FeatureStats> | undefined;
  private readonly exported = new Set<string>();
  /** Where this run's first file of each kind goes (resume: after the existing ones, as upstream). */
  private nextData: ChunkFile = { chunk: 0, file: 0 };
  private nextMeta: ChunkFile = { chunk: 0, file: 0 };
  private readonly nextVideo = new Map<string, ChunkFile>();
  private dataAt: ChunkFile | undefined;
  private dataFile: AppendableParquetFile | undefined;
  private dataFileFrames = 0;
  private metaRows: EpisodeRow[] = [];
  private readonly videos = new Map<string, VideoState>();
  private queue: Promise<void> = Promise.resolve();
  private tmpDir = "";
  private depthTable: Uint16Array | undefined;
  private failed: Error | undefined;

  constructor(private readonly options: LeRobotWriterOptions = {}) {}

  async open(outDir: string, options: { fps: number; resume: boolean; video: VideoOptions }): Promise<void> {
    if (!Number.isInteger(options.fps) || options.fps <= 0) throw new Error(`LeRobot datasets need an integer fps, got ${options.fps}`);
    this.root = outDir;
    this.fps = options.fps;
    this.videoOptions = options.video;
    const exists = existsSync(join(outDir, INFO_PATH));
    if (exists && !options.resume) throw new Error(`${outDir} already holds a LeRobot dataset (${INFO_PATH}); resume it or choose another --out`);
    if (!exists && existsSync(outDir) && readdirSync(outDir).some((n) => n !== ".teledemo-tmp"))
      throw new Error(`${outDir} exists and is not a LeRobot dataset; choose an empty or new --out directory`);
    mkdirSync(outDir, { recursive: true });
    this.tmpDir = join(outDir, ".teledemo-tmp");
    rmSync(this.tmpDir, { recursive: true, force: true });
    mkdirSync(this.tmpDir, { recursive: true });
    if (exists) await this.loadExisting();
  }

  /** Resume: totals, tasks, stats, episode ids and the last file pointers from what is on disk. */
  private async loadExisting(): Promise<void> {
    const info = readInfo(this.root);
    if (info.fps !== this.fps) throw new Error(`${join(this.root, INFO_PATH)}: the dataset is at ${info.fps} fps, this export asks for ${this.fps} fps`);
    this.info = info;
    const tasksPath = join(this.root, TASKS_PATH);
    if (existsSync(tasksPath)) for (const r of await readParquetRows(tasksPath)) this.tasks.set(String(r.task), num(r.task_index, `${tasksPath} task_index`));
    const statsPath = join(this.root, STATS_PATH);
    if (existsSync(statsPath)) this.stats = statsFromJson(JSON.parse(readFileSync(statsPath, "utf8")) as Record<string, Record<string, unknown>>);
    const rows = await readAllEpisodeRows(this.root);
    if (rows.length !== info.total_episodes) throw new Error(`${this.root}: info.json says ${info.total_episodes} episodes, meta/episodes holds ${rows.length}; the dataset is inconsistent`);
    const last = rows[rows.length - 1];
    for (const r of rows) this.exported.add(String(r["teledemo/episode_id"] ?? ""));
    if (last) {
      this.nextData = nextChunkFile({ chunk: num(last["data/chunk_index"], "data/chunk_index"), file: num(last["data/file_index"], "data/file_index") }, info.chunks_size);
      this.nextMeta = nextChunkFile({ chunk: num(last["meta/episodes/chunk_index"], "meta chunk"), file: num(last["meta/episodes/file_index"], "meta file") }, info.chunks_size);
      for (const [key, f] of Object.entries(info.features))
        if (isVideo(f)) this.nextVideo.set(key, nextChunkFile({ chunk: num(last[`videos/${key}/chunk_index`], key), file: num(last[`videos/${key}/file_index`], key) }, info.chunks_size));
    }
  }

  async exportedEpisodes(): Promise<Set<string>> {
    return new Set(this.exported);
  }

  async writeEpisode(ep: ResampledEpisode): Promise<void> {
    if (!this.root) throw new Error("LeRobotWriter: open() first");
    // Fix the dataset's features synchronously (before any await) so concurrent first episodes agree.
    const info = this.ensureInfo(ep);
    const prepared = await this.prepare(ep, info);
    const run = this.queue.then(() => {
      if (this.failed) throw new Error(`not appending ${ep.episodeId}: an earlier append failed (${this.failed.message})`);
      return this.commit(prepared).catch((err: unknown) => {
        this.failed = err instanceof Error ? err : new Error(String(err));
        throw err;
      });
    });
    this.queue = run.catch(() => {});
    try {
      await run;
    } finally {
      for (const v of prepared.videos) rmSync(v.path, { force: true });
    }
  }

  private ensureInfo(ep: ResampledEpisode): DatasetInfo {
    const features = episodeFeatures(ep);
    if (!this.info) {
      const all: Record<string, FeatureInfo> = { ...features, ...DEFAULT_FEATURES, ...LANGUAGE_FEATURES };
      this.info = {
        codebase_version: CODEBASE_VERSION,
        fps: this.fps,
        features: all,
        total_episodes: 0,
        total_frames: 0,
        total_tasks: 0,
        chunks_size: this.options.chunksSize ?? DEFAULT_CHUNK_SIZE,
        data_files_size_in_mb: this.options.dataFilesSizeInMb ?? DEFAULT_DATA_FILE_SIZE_IN_MB,
        video_files_size_in_mb: this.options.videoFilesSizeInMb ?? DEFAULT_VIDEO_FILE_SIZE_IN_MB,
        data_path: DATA_PATH,
        video_path: Object.values(features).some(isVideo) ? VIDEO_PATH : null,
        robot_type: this.options.robotType !== undefined ? this.options.robotType : robotTypeOf(ep.facts),
        splits: {},
      };
      for (const v of ep.videos) if (v.pixel === "depth") Object.assign(all[v.key]!.info!, depthInfo());
      return this.info;
    }
    const own = Object.entries(this.info.features).filter(([k]) => !(k in DEFAULT_FEATURES) && !(k in LANGUAGE_FEATURES));
    const problems: string[] = [];
    for (const [k, f] of own) {
      const g = features[k];
      if (!g) problems.push(`lacks ${k}`);
      else if (g.dtype !== f.dtype || g.shape.join("x") !== f.shape.join("x")) problems.push(`${k} is ${g.dtype}[${g.shape.join(", ")}], the dataset has ${f.dtype}[${f.shape.join(", ")}]`);
    }
    for (const k of Object.keys(features)) if (!this.info.features[k]) problems.push(`has ${k}, which the dataset does not`);
    if (problems.length) throw new Error(`episode ${ep.episodeId} does not fit the dataset's features: ${problems.join("; ")}`);
    return this.info;
  }

  /** The parallel part: columns, stats and video encodes of one episode. */
  private async prepare(ep: ResampledEpisode, info: DatasetInfo): Promise<PreparedEpisode> {
    const frames = ep.gridNs.length;
    if (frames < 1) throw new Error(`episode ${ep.episodeId} has no frames`);
    if (ep.fps !== this.fps) throw new Error(`episode ${ep.episodeId} was resampled at ${ep.fps} fps, the dataset is ${this.fps} fps`);
    if (ep.timestamps.length !== frames) throw new Error(`episode ${ep.episodeId}: ${ep.timestamps.length} timestamps for ${frames} grid frames`);
    for (let i = 0; i < frames; i++)
      if (Math.abs(ep.timestamps[i]! - i / this.fps) > 1e-9) throw new Error(`episode ${ep.episodeId}: timestamp of frame ${i} is ${ep.timestamps[i]}, not frame_index / fps = ${i / this.fps}`);
    const task = ep.task || ep.labels.instruction;
    if (!task) throw new Error(`episode ${ep.episodeId} has no task (language instruction); LeRobot needs one per episode`);

    const columns = new Map<string, unknown[]>();
    const stats: Record<string, FeatureStats> = {};
    for (const f of ep.numeric) {
      const per = f.shape.reduce((a, b) => a * b, 1);
      if (f.data.length !== frames * per) throw new Error(`episode ${ep.episodeId}: ${f.key} has ${f.data.length} values, expected ${frames} frames × ${per}`);
      const stored = storedValues(f);
      for (let i = 0; i < stored.length; i++) if (!Number.isFinite(stored[i]!)) throw new Error(`episode ${ep.episodeId}: ${f.key} has a non-finite value at frame ${Math.floor(i / per)}`);
      columns.set(f.key, frameValues(f, stored, frames));
      const last = f.shape[f.shape.length - 1] ?? 1;
      stats[f.key] = vectorStats(stored, stored.length / last, last, frames);
    }
    const ts = Array.from({ length: frames }, (_, i) => Math.fround(i / this.fps));
    columns.set("timestamp", ts);
    columns.set("frame_index", Array.from({ length: frames }, (_, i) => BigInt(i)));
    stats.timestamp = vectorStats(ts, frames, 1);
    stats.frame_index = vectorStats(Array.from({ length: frames }, (_, i) => i), frames, 1);
    // Subtask rows are broadcast over every frame (upstream `language_persistent`), each stamped
    // with the exact timestamp of the frame its phase starts on.
    const subtasks = [...ep.labels.phases]
      .sort((a, b) => a.startFrame - b.startFrame)
      .map((p) => {
        if (p.startFrame < 0 || p.startFrame >= frames) throw new Error(`episode ${ep.episodeId}: phase ${p.type} starts at frame ${p.startFrame}, outside 0..${frames - 1}`);
        return { role: "assistant", content: p.type, style: "subtask", timestamp: ts[p.startFrame]!, camera: null, tool_calls: null };
      });
    columns.set(LANGUAGE_PERSISTENT, Array.from({ length: frames }, () => subtasks));
    columns.set(LANGUAGE_EVENTS, Array.from({ length: frames }, () => []));

    const videos = await this.encodeAll(ep, info, frames);
    for (const v of videos) stats[v.key] = v.stats;
    return { ep, frames, task, columns, stats, videos };
  }

  private async encodeAll(ep: ResampledEpisode, info: DatasetInfo, frames: number): Promise<EncodedVideo[]> {
    const encoders: FrameEncoder[] = [];
    const results = await Promise.allSettled(ep.videos.map((v) => this.encodeOne(ep, v, info, frames, encoders)));
    const failure = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failure) {
      for (const e of encoders) e.abort();
      for (const r of results) if (r.status === "fulfilled") rmSync(r.value.path, { force: true });
      throw failure.reason instanceof Error ? failure.reason : new Error(String(failure.reason));
    }
    return results.map((r) => (r as PromiseFulfilledResult<EncodedVideo>).value);
  }

  private async encodeOne(ep: ResampledEpisode, v: VideoFeature, info: DatasetInfo, frames: number, encoders: FrameEncoder[]): Promise<EncodedVideo> {
    const f = info.features[v.key]!;
    if (f.shape[0] !== v.height || f.shape[1] !== v.width) throw new Error(`episode ${ep.episodeId}: ${v.key} is ${v.width}x${v.height}, the dataset's is ${f.shape[1]}x${f.shape[0]}`);
    const depth = v.pixel === "depth";
    const choice: EncoderChoice = depth ? await chooseDepthEncoder(this.videoOptions) : await chooseRgbEncoder(this.videoOptions, v);
    const path = join(this.tmpDir, `${randomUUID()}.mp4`);
    const enc = new FrameEncoder({ pixFmt: depth ? "gray12le" : "rgb24", width: v.width, height: v.height, fps: this.fps }, choice, path, this.options.encoderThreads);
    encoders.push(enc);
    const acc = new ImageStatsAccumulator(v.pixel, v.width, v.height, frames);
    const table = depth ? (this.depthTable ??= depthQuantizationTable(DEFAULT_DEPTH_QUANTIZATION)) : undefined;
    let i = 0;
    try {
      for await (const frame of v.frames()) {
        if (i >= frames) throw new Error(`episode ${ep.episodeId}: ${v.key} yields more than the ${frames} grid frames`);
        acc.add(i, frame);
        await enc.write(table ? quantizeDepthFrame(frame, table) : frame);
        i++;
      }
      if (i !== frames) throw new Error(`episode ${ep.episodeId}: ${v.key} yields ${i} frames for ${frames} grid frames`);
      await enc.finish();
    } catch (err) {
      enc.abort();
      rmSync(path, { force: true });
      throw err;
    }
    return { key: v.key, path, frames, bytes: statSync(path).size, stats: acc.stats() };
  }

  /** The serial part: indices, appends and metadata files. Runs for one episode at a time. */
  private async commit(p: PreparedEpisode): Promise<void> {
    const info = this.info!;
    const episodeIndex = info.total_episodes;
    const from = info.total_frames;
    const to = from + p.frames;
    let taskIndex = this.tasks.get(p.task);
    if (taskIndex === undefined) {
      taskIndex = this.tasks.size;
      this.tasks.set(p.task, taskIndex);
      writeTasksFile(join(this.root, TASKS_PATH), this.tasks);
    }
    p.columns.set("episode_index", Array.from({ length: p.frames }, () => BigInt(episodeIndex)));
    p.columns.set("index", Array.from({ length: p.frames }, (_, i) => BigInt(from + i)));
    p.columns.set("task_index", Array.from({ length: p.frames }, () => BigInt(taskIndex)));
    p.stats.episode_index = vectorStats(new Array<number>(p.frames).fill(episodeIndex), p.frames, 1);
    p.stats.index = vectorStats(Array.from({ length: p.frames }, (_, i) => from + i), p.frames, 1);
    p.stats.task_index = vectorStats(new Array<number>(p.frames).fill(taskIndex), p.frames, 1);

    const row: EpisodeRow = { episode_index: BigInt(episodeIndex), tasks: [p.task], length: BigInt(p.frames) };
    Object.assign(row, this.appendData(p));
    row.dataset_from_index = BigInt(from);
    row.dataset_to_index = BigInt(to);
    for (const v of p.videos) Object.assign(row, await this.appendVideoSegment(v, p.frames));
    const statKeys = Object.keys(info.features).filter((k) => info.features[k]!.dtype !== "language");
    for (const k of statKeys) Object.assign(row, statColumns(k, p.stats[k]!, isVideo(info.features[k]!)));
    row["meta/episodes/chunk_index"] = BigInt(this.nextMeta.chunk);
    row["meta/episodes/file_index"] = BigInt(this.nextMeta.file);
    Object.assign(row, teledemoColumns(p.ep));
    this.metaRows.push(row);
    // One meta/episodes file per run (rewritten whole: it is small); the data and video files
    // it points to are complete before it names them.
    writeEpisodesFile(join(this.root, formatPath(EPISODES_PATH, { chunk_index: this.nextMeta.chunk, file_index: this.nextMeta.file })), episodeColumns(info.features, statKeys), this.metaRows);

    info.total_episodes += 1;
    info.total_frames = to;
    info.total_tasks = this.tasks.size;
    info.splits = { train: `0:${info.total_episodes}` };
    writeJsonAtomic(join(this.root, INFO_PATH), info);
    const epStats = Object.fromEntries(statKeys.map((k) => [k, p.stats[k]!]));
    this.stats = this.stats ? aggregateStats([this.stats, epStats]) : epStats;
    writeJsonAtomic(join(this.root, STATS_PATH), statsToJson(this.stats, info));
    this.exported.add(p.ep.episodeId);
  }

  private dataColumns(): { specs: ColumnSpec[]; hf: Record<string, HfFeature> } {
    const specs: ColumnSpec[] = [];
    const hf: Record<string, HfFeature> = {};
    for (const [k, f] of Object.entries(this.info!.features)) {
      if (isVideo(f)) continue;
      const c = columnFor(k, f);
      specs.push(c.spec);
      hf[k] = c.hf;
    }
    return { specs, hf };
  }

  private appendData(p: PreparedEpisode): EpisodeRow {
    const info = this.info!;
    if (this.dataFile && this.dataFileFrames > 0) {
      // upstream: a new file when the current size plus this episode's estimated size reaches the limit.
      const perFrame = this.dataFile.size / this.dataFileFrames;
      if (this.dataFile.size + perFrame * p.frames >= info.data_files_size_in_mb * MB) {
        this.dataFile.close();
        this.dataFile = undefined;
        this.nextData = nextChunkFile(this.dataAt!, info.chunks_size);
      }
    }
    if (!this.dataFile) {
      const { specs, hf } = this.dataColumns();
      this.dataAt = this.nextData;
      this.dataFile = new AppendableParquetFile(join(this.root, formatPath(DATA_PATH, { chunk_index: this.dataAt.chunk, file_index: this.dataAt.file })), specs, [hfMetadata(hf)]);
      this.dataFileFrames = 0;
    }
    const { specs } = this.dataColumns();
    this.dataFile.append(specs.map((s) => ({ name: s.name, data: p.columns.get(s.name) ?? missing(s.name) })));
    this.dataFileFrames += p.frames;
    return { "data/chunk_index": BigInt(this.dataAt!.chunk), "data/file_index": BigInt(this.dataAt!.file) };
  }

  private async appendVideoSegment(v: EncodedVideo, frames: number): Promise<EpisodeRow> {
    const info = this.info!;
    const durationS = frames / this.fps;
    let state = this.videos.get(v.key);
    let fromS: number;
    if (state && state.bytes + v.bytes < info.video_files_size_in_mb * MB) {
      const target = this.videoPath(v.key, state.at);
      await appendVideo(target, v.path, this.fps);
      fromS = state.durationS;
      state.durationS += durationS;
      state.bytes = statSync(target).size;
    } else {
      const at = state ? nextChunkFile(state.at, info.chunks_size) : (this.nextVideo.get(v.key) ?? { chunk: 0, file: 0 });
      const target = this.videoPath(v.key, at);
      mkdirSync(join(target, ".."), { recursive: true });
      renameSync(v.path, target);
      state = { at, durationS, bytes: v.bytes };
      this.videos.set(v.key, state);
      fromS = 0;
    }
    const feature = info.features[v.key]!;
    if (!feature.info || feature.info["video.codec"] === undefined) feature.info = { ...(await this.videoInfo(v.key, state.at)), ...(feature.info ?? {}) };
    return {
      [`videos/${v.key}/chunk_index`]: BigInt(state.at.chunk),
      [`videos/${v.key}/file_index`]: BigInt(state.at.file),
      [`videos/${v.key}/from_timestamp`]: fromS,
      [`videos/${v.key}/to_timestamp`]: fromS + durationS,
    };
  }

  private videoPath(key: string, at: ChunkFile): string {
    return join(this.root, formatPath(VIDEO_PATH, { video_key: key, chunk_index: at.chunk, file_index: at.file }));
  }

  /** upstream get_video_info: stream facts from the file, encoder settings beside them. */
  private async videoInfo(key: string, at: ChunkFile): Promise<Record<string, unknown>> {
    const probe = await probeVideo(this.videoPath(key, at));
    const depth = this.info!.features[key]!.shape[2] === 1;
    const choice = depth ? await chooseDepthEncoder(this.videoOptions) : await chooseRgbEncoder(this.videoOptions, { width: probe.width, height: probe.height });
    return {
      "video.height": probe.height,
      "video.width": probe.width,
      "video.codec": probe.codec,
      "video.pix_fmt": probe.pixFmt,
      "video.fps": Math.round(probe.fps),
      "video.channels": depth ? 1 : 3,
      has_audio: probe.hasAudio,
      "video.g": choice.gop,
      "video.crf": choice.crf,
      "video.preset": choice.preset,
      "video.encoder": choice.encoder,
      is_depth_map: depth,
    };
  }

  async close(): Promise<{ selfCheck: string[] }> {
    await this.queue;
    this.dataFile?.close();
    this.dataFile = undefined;
    rmSync(this.tmpDir, { recursive: true, force: true });
    if (this.failed) throw new Error(`LeRobot export incomplete: ${this.failed.message}`);
    // info is fixed by the first episode before it is encoded; if none was appended, nothing is on disk
    if (!this.info || (this.info.total_episodes === 0 && !existsSync(join(this.root, INFO_PATH)))) return { selfCheck: ["no episodes written"] };
    if (this.options.skipSelfCheck) return { selfCheck: [] };
    return { selfCheck: await selfCheckLeRobot(this.root) };
  }
}

function missing(name: string): never {
  throw new Error(`internal: no values for column ${name}`);
}

/** Depth feature info as upstream's DepthEncoderConfig records it. */
function depthInfo(): Record<string, unknown> {
  const q = DEFAULT_DEPTH_QUANTIZATION;
  return { is_depth_map: true, depth_unit: "mm", "video.depth_min": q.depthMinM, "video.depth_max": q.depthMaxM, "video.shift": q.shiftM, "video.use_log": q.useLog };
}

function robotTypeOf(facts: Record<string, string>): string | null {
  try {
    const robot = JSON.parse(facts.robot ?? "null") as { model?: unknown } | null;
    if (robot && typeof robot.model === "string" && robot.model) return robot.model;
  } catch {
    // not JSON: fall through to the rig profile
  }
  return facts.rig_profile || null;
}
