// Self-check of a written LeRobot v3.0 dataset, by re-reading it with independent readers
// (hyparquet for parquet, ffprobe for mp4): totals, every episode pointer, row counts against the
// video frames in each episode's span, timestamps against frame_index / fps, and the stats
// recomputed from the data against meta/stats.json and the per-episode stats columns.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { probeVideo, type VideoProbe } from "../video/probe.ts";
import { DATA_PATH, STATS_PATH, TASKS_PATH, VIDEO_PATH, formatPath, readInfo } from "./layout.ts";
import { flattenRead, isVideo, LANGUAGE_PERSISTENT } from "./features.ts";
import { num, readAllEpisodeRows, readParquetRows, statsFromJson } from "./episodes.ts";
import { STAT_KEYS, aggregateStats, vectorStats, type FeatureStats } from "./stats.ts";

export class SelfCheckError extends Error {}

const TS_TOL = 1e-4;

function close(a: number, b: number, rel = 1e-5, abs = 1e-6): boolean {
  return Math.abs(a - b) <= abs + rel * Math.max(Math.abs(a), Math.abs(b));
}

/** Returns what was checked (one line each); throws SelfCheckError listing every mismatch. */
export async function selfCheckLeRobot(root: string): Promise<string[]> {
  const problems: string[] = [];
  const done: string[] = [];
  const info = readInfo(root);
  const fps = info.fps;
  const episodes = await readAllEpisodeRows(root);
  const tasks = existsSync(join(root, TASKS_PATH)) ? await readParquetRows(join(root, TASKS_PATH)) : [];

  if (episodes.length !== info.total_episodes) problems.push(`info.json total_episodes ${info.total_episodes} ≠ ${episodes.length} rows in meta/episodes`);
  if (tasks.length !== info.total_tasks) problems.push(`info.json total_tasks ${info.total_tasks} ≠ ${tasks.length} rows in meta/tasks.parquet`);
  if (info.splits.train !== `0:${info.total_episodes}`) problems.push(`info.json splits.train is ${info.splits.train}, expected 0:${info.total_episodes}`);
  const taskByIndex = new Map(tasks.map((t) => [num(t.task_index, "task_index"), String(t.task)]));

  // Data files, read once each.
  const dataRows = new Map<string, Array<Record<string, unknown>>>();
  const readData = async (path: string) => {
    let rows = dataRows.get(path);
    if (!rows) {
      rows = await readParquetRows(path);
      dataRows.set(path, rows);
    }
    return rows;
  };
  const probes = new Map<string, VideoProbe>();
  const probe = async (path: string) => {
    let p = probes.get(path);
    if (!p) {
      p = await probeVideo(path);
      probes.set(path, p);
    }
    return p;
  };

  const numericKeys = Object.entries(info.features)
    .filter(([, f]) => !isVideo(f) && f.dtype !== "language" && f.dtype !== "string")
    .map(([k]) => k);
  const videoKeys = Object.entries(info.features)
    .filter(([, f]) => isVideo(f))
    .map(([k]) => k);
  const perEpisodeStats: Array<Record<string, FeatureStats>> = [];
  let frames = 0;
  let expectedFrom = 0;

  for (const [i, ep] of episodes.entries()) {
    const e = num(ep.episode_index, "episode_index");
    const tag = `episode ${e}`;
    if (e !== i) problems.push(`${tag}: episode_index out of sequence (row ${i})`);
    const length = num(ep.length, `${tag} length`);
    const from = num(ep.dataset_from_index, `${tag} dataset_from_index`);
    const to = num(ep.dataset_to_index, `${tag} dataset_to_index`);
    if (from !== expectedFrom || to - from !== length) problems.push(`${tag}: dataset_from/to_index ${from}..${to} for length ${length} (expected from ${expectedFrom})`);
    expectedFrom = to;
    frames += length;
    const dataPath = join(root, formatPath(DATA_PATH, { chunk_index: num(ep["data/chunk_index"], "data/chunk_index"), file_index: num(ep["data/file_index"], "data/file_index") }));
    if (!existsSync(dataPath)) {
      problems.push(`${tag}: data file ${dataPath} does not exist`);
      continue;
    }
    const rows = (await readData(dataPath)).filter((r) => num(r.episode_index, "episode_index") === e);
    if (rows.length !== length) problems.push(`${tag}: ${rows.length} rows in ${dataPath}, meta/episodes says ${length}`);
    const epStats: Record<string, FeatureStats> = {};
    for (const [j, r] of rows.entries()) {
      const fi = num(r.frame_index, "frame_index");
      const idx = num(r.index, "index");
      const t = num(r.timestamp, "timestamp");
      if (fi !== j || idx !== from + j) {
        problems.push(`${tag}: row ${j} has frame_index ${fi}, index ${idx} (expected ${j}, ${from + j})`);
        break;
      }
      if (Math.abs(t - fi / fps) > TS_TOL) {
        problems.push(`${tag}: frame ${fi} timestamp ${t} ≠ frame_index / fps = ${fi / fps}`);
        break;
      }
      const ti = num(r.task_index, "task_index");
      if (!taskByIndex.has(ti)) {
        problems.push(`${tag}: task_index ${ti} is not in meta/tasks.parquet`);
        break;
      }
    }
    const tasksOfEp = Array.isArray(ep.tasks) ? ep.tasks.map(String) : [];
    if (rows[0] && !tasksOfEp.includes(taskByIndex.get(num(rows[0].task_index, "task_index")) ?? "\u0000")) problems.push(`${tag}: the task of its frames is not among its tasks ${JSON.stringify(tasksOfEp)}`);
    // Subtask rows stamped on frame timestamps.
    const lang = rows[0]?.[LANGUAGE_PERSISTENT];
    if (Array.isArray(lang)) {
      const stamps = new Set(rows.map((r) => num(r.timestamp, "timestamp")));
      for (const s of lang as Array<Record<string, unknown>>) if (!stamps.has(num(s.timestamp, "subtask timestamp"))) problems.push(`${tag}: subtask "${String(s.content)}" at ${String(s.timestamp)} s is not on a frame timestamp`);
    }
    if (rows.length === length && length > 0) {
      for (const key of numericKeys) {
        const flat: number[] = [];
        for (const r of rows) flattenRead(r[key], flat);
        const shape = info.features[key]!.shape;
        const last = shape[shape.length - 1] ?? 1;
        epStats[key] = vectorStats(flat, flat.length / last, last, length);
        const stored = statsOfRow(ep, key);
        if (!stored) problems.push(`${tag}: no stats/${key}/* columns`);
        else {
          const diff = compareStats(epStats[key], stored);
          if (diff) problems.push(`${tag}: stats/${key} differ from the data: ${diff}`);
        }
      }
    }
    for (const key of videoKeys) {
      const stored = statsOfRow(ep, key);
      if (stored) epStats[key] = stored;
      else problems.push(`${tag}: no stats/${key}/* columns`);
      const vpath = join(root, formatPath(VIDEO_PATH, { video_key: key, chunk_index: num(ep[`videos/${key}/chunk_index`], `${key} chunk`), file_index: num(ep[`videos/${key}/file_index`], `${key} file`) }));
      if (!existsSync(vpath)) {
        problems.push(`${tag}: video ${vpath} does not exist`);
        continue;
      }
      const p = await probe(vpath);
      const fromS = num(ep[`videos/${key}/from_timestamp`], "from_timestamp");
      const toS = num(ep[`videos/${key}/to_timestamp`], "to_timestamp");
      const half = 0.5 / fps;
      const inSpan = p.packetTimes.filter((t) => t >= fromS - half && t < toS - half).length;
      if (inSpan !== length) problems.push(`${tag}: ${key} has ${inSpan} video frames in ${fromS}..${toS} s of ${vpath}, ${length} parquet rows`);
      else {
        // A reader asks for from_timestamp + timestamp and accepts the frame within 1e-4 s (upstream's tolerance_s).
        const first = p.packetTimes.findIndex((t) => t >= fromS - half);
        for (let k = 0; k < length; k++) {
          const t = p.packetTimes[first + k]!;
          if (Math.abs(t - (fromS + k / fps)) > TS_TOL) {
            problems.push(`${tag}: ${key} frame ${k} is at ${t} s in ${vpath}, expected from_timestamp + ${k}/${fps} = ${fromS + k / fps} s`);
            break;
          }
        }
      }
      if (Math.abs(toS - fromS - length / fps) > TS_TOL) problems.push(`${tag}: ${key} span ${fromS}..${toS} s is not length / fps = ${length / fps} s`);
      const f = info.features[key]!;
      if (p.width !== f.shape[1] || p.height !== f.shape[0]) problems.push(`${tag}: ${vpath} is ${p.width}x${p.height}, info.json says ${f.shape[1]}x${f.shape[0]}`);
      if (f.info?.["video.codec"] !== p.codec || f.info?.["video.pix_fmt"] !== p.pixFmt) problems.push(`${tag}: ${vpath} is ${p.codec}/${p.pixFmt}, info.json says ${String(f.info?.["video.codec"])}/${String(f.info?.["video.pix_fmt"])}`);
    }
    perEpisodeStats.push(epStats);
  }
  if (frames !== info.total_frames) problems.push(`info.json total_frames ${info.total_frames} ≠ ${frames} frames in meta/episodes`);
  let dataTotal = 0;
  for (const rows of dataRows.values()) dataTotal += rows.length;
  if (dataRows.size && dataTotal !== frames) problems.push(`data files hold ${dataTotal} rows, meta/episodes ${frames}`);

  const statsPath = join(root, STATS_PATH);
  if (perEpisodeStats.length) {
    if (!existsSync(statsPath)) problems.push(`${statsPath} does not exist`);
    else {
      const onDisk = statsFromJson(JSON.parse(readFileSync(statsPath, "utf8")) as Record<string, Record<string, unknown>>);
      const recomputed = aggregateStats(perEpisodeStats);
      for (const [key, s] of Object.entries(recomputed)) {
        const d = onDisk[key];
        if (!d) problems.push(`meta/stats.json lacks ${key}`);
        else {
          const diff = compareStats(s, d);
          if (diff) problems.push(`meta/stats.json ${key} differs from the stats recomputed from the data: ${diff}`);
        }
      }
    }
  }

  if (problems.length) throw new SelfCheckError(`LeRobot self-check failed for ${root}:\n  - ${problems.slice(0, 30).join("\n  - ")}${problems.length > 30 ? `\n  … and ${problems.length - 30} more` : ""}`);
  done.push(`info.json totals: ${info.total_episodes} episodes, ${info.total_frames} frames, ${info.total_tasks} tasks`);
  done.push(`${dataRows.size} data file(s): rows, frame_index, index, task_index and timestamps (frame_index / fps within ${TS_TOL}) per episode`);
  if (videoKeys.length) done.push(`${videoKeys.length} video stream(s), ${probes.size} file(s): ffprobe frame counts per episode span equal parquet rows, each frame at from_timestamp + frame_index / fps within ${TS_TOL} s`);
  done.push(`stats of ${numericKeys.length} numeric features recomputed from the data match meta/episodes and meta/stats.json`);
  return done;
}

function statsOfRow(row: Record<string, unknown>, key: string): FeatureStats | undefined {
  const out = {} as FeatureStats;
  for (const k of STAT_KEYS) {
    const v = row[`stats/${key}/${k}`];
    if (v === undefined || v === null) return undefined;
    const flat: number[] = [];
    flattenRead(v, flat);
    out[k] = flat;
  }
  return out;
}

function compareStats(a: FeatureStats, b: FeatureStats): string | undefined {
  for (const k of STAT_KEYS) {
    const x = a[k];
    const y = b[k];
    if (x.length !== y.length) return `${k} has ${y.length} values, expected ${x.length}`;
    // Quantiles come from a histogram: allow a bin's width of difference.
    const quantile = k.startsWith("q");
    for (let i = 0; i < x.length; i++) {
      const span = Math.abs((a.max[i] ?? 0) - (a.min[i] ?? 0));
      const ok = quantile ? Math.abs(x[i]! - y[i]!) <= span / 5000 + 1e-6 : close(x[i]!, y[i]!);
      if (!ok) return `${k}[${i}] ${y[i]} vs ${x[i]} recomputed`;
    }
  }
  return undefined;
}
