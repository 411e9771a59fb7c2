// One episode → the numeric part of a ResampledEpisode and a plan for its videos: a fixed-rate
// grid on the corrected timeline, trimmed to the span where every mapped stream has data within
// tolerance; per-stream staleness/gap report; the flag/drop policy. Runs in --jobs workers, so
// its result is structured-clone friendly (videos are streamed later by ./videos.ts).
import { basename } from "node:path";
import type { AlignedEpisode, StreamStateAt } from "../../recorder/aligned/api.ts";
import type { EpisodeLabelsForExport, NumericFeature, StreamAlignmentReport } from "../model.ts";
import { mappingTopics, sourceFields, type MappingFile } from "../mapping.ts";
import { labelsOnGrid, pickLabels } from "../labels.ts";
import { extract, type SourceSpec } from "./extract.ts";
import { checkEncoding, imageHeader } from "./images.ts";
import { openEpisode } from "./open.ts";

export type StalePolicy = "flag" | "drop";

export interface ResampleRequest {
  /** Episode folder, rosbag2 folder or .mcap file. */
  path: string;
  mapping: MappingFile;
  fps: number;
  onStale: StalePolicy;
  annotator: string | undefined;
}

export interface VideoPlan {
  key: string;
  pixel: "rgb" | "depth";
  width: number;
  height: number;
  sources: string[];
  topic: string;
  toleranceNs: bigint | undefined;
}

/** A ResampledEpisode without the frame streams (attached in the writer's thread). */
export interface ResampledCore {
  episodeId: string;
  source: string;
  fps: number;
  gridNs: bigint[];
  timestamps: Float64Array;
  task: string;
  numeric: NumericFeature[];
  videos: VideoPlan[];
  labels: EpisodeLabelsForExport;
  report: StreamAlignmentReport[];
  flags: string[];
  facts: Record<string, string>;
}

/** An episode the policy or its data excludes: reported, not fatal for the export. */
export class EpisodeSkip extends Error {}

const NS_PER_S = 1_000_000_000n;

/** Frame i of a grid at `fps` starting at t0: t0 + round(i·1e9/fps) ns (exact for integer fps dividing 1e9). */
export function gridTime(t0: bigint, i: number, fps: number): bigint {
  const f = BigInt(fps);
  return t0 + (BigInt(i) * NS_PER_S * 2n + f) / (2n * f);
}

export function episodeIdOf(path: string, facts: Readonly<Record<string, string>>): string {
  if (facts.id) return facts.id;
  return basename(path).replace(/\.mcap$/, "").replace(/_0$/, "");
}

interface NumericPlan {
  key: string;
  dtype: "float32" | "float64";
  shape: number[] | undefined;
  names: string[] | null;
  sources: SourceSpec[];
  width: number | undefined;
  rows: number[][];
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[i]!;
}

function msOf(ns: bigint): number {
  return Number(ns) / 1e6;
}

export async function resampleEpisode(req: ResampleRequest): Promise<ResampledCore> {
  const episode = await openEpisode(req.path);
  try {
    return await resampleOpen(episode, req);
  } finally {
    await episode.close();
  }
}

export async function resampleOpen(episode: AlignedEpisode, req: ResampleRequest): Promise<ResampledCore> {
  const { mapping, fps } = req;
  const facts: Record<string, string> = { ...episode.facts };
  // the simulator's truth is large and not a dataset attribute; it stays in the MCAP
  delete facts.sim_ground_truth;
  const episodeId = episodeIdOf(episode.path, episode.facts);
  const present = new Map(episode.streams.map((s) => [s.topic, s] as const));

  // Features whose topics exist; a missing required topic excludes the episode.
  const numeric: NumericPlan[] = [];
  const videos: Array<VideoPlan & { first: boolean }> = [];
  const tolerance = new Map<string, bigint>();
  const setTolerance = (topic: string, ms: number | undefined) => {
    if (ms === undefined) return;
    const ns = BigInt(Math.round(ms * 1e6));
    const old = tolerance.get(topic);
    tolerance.set(topic, old === undefined || ns < old ? ns : old);
  };
  for (const [key, f] of Object.entries(mapping.features)) {
    const topics = f.kind === "video" ? [f.topic] : f.sources.map((s) => s.topic);
    const missing = topics.filter((t) => !present.has(t) || present.get(t)!.messageCount === 0);
    if (missing.length > 0) {
      if (f.required) throw new EpisodeSkip(`${episode.path}: no messages on ${missing.join(", ")}, which mapping "${mapping.name}" needs for ${key}`);
      continue;
    }
    if (f.kind === "video") {
      setTolerance(f.topic, f.tolerance_ms);
      videos.push({ key, pixel: f.pixel, width: 0, height: 0, sources: [f.topic], topic: f.topic, toleranceNs: undefined, first: true });
    } else {
      for (const s of f.sources) setTolerance(s.topic, f.tolerance_ms);
      const selects = f.sources.map((s) => s.select);
      const names = f.names ?? (selects.every((s) => s !== undefined) ? selects.flatMap((s) => s!) : null);
      numeric.push({
        key,
        dtype: f.dtype,
        shape: f.shape,
        names,
        sources: f.sources.map((s) => ({ topic: s.topic, fields: sourceFields(s), select: s.select, mode: f.mode })),
        width: undefined,
        rows: [],
      });
    }
  }
  for (const v of videos) v.toleranceNs = tolerance.get(v.topic);
  const topics = mappingTopics(mapping).filter((t) => numeric.some((n) => n.sources.some((s) => s.topic === t)) || videos.some((v) => v.topic === t));
  if (topics.length === 0) throw new EpisodeSkip(`${episode.path}: none of mapping "${mapping.name}"'s topics are in this recording`);

  // Provisional grid over the whole recording; trimmed below to where every stream is ok.
  const span = episode.endNs - episode.startNs;
  const count = Number((span * BigInt(fps)) / NS_PER_S) + 1;
  const grid: bigint[] = [];
  for (let i = 0; i < count; i++) grid.push(gridTime(episode.startNs, i, fps));
  const states: Array<Map<string, { status: StreamStateAt["status"]; skewNs: bigint }>> = [];
  const allOk: boolean[] = [];
  const options = { topics, toleranceNs: tolerance };
  let frame = 0;
  for await (const { states: s } of episode.resample(grid, options)) {
    const compact = new Map<string, { status: StreamStateAt["status"]; skewNs: bigint }>();
    let ok = true;
    for (const topic of topics) {
      const st = s.get(topic);
      const status = st?.status ?? "missing";
      compact.set(topic, { status, skewNs: st?.skewNs ?? 0n });
      if (status !== "ok") ok = false;
    }
    states.push(compact);
    allOk.push(ok);
    // values even for stale frames: the policy decides later whether they are kept (flag)
    const usable = [...compact.values()].every((c) => c.status !== "missing");
    for (const n of numeric) {
      if (!usable) {
        n.rows.push([]);
        continue;
      }
      const row: number[] = [];
      for (const src of n.sources) row.push(...extract(s.get(src.topic)!, src));
      n.rows.push(row);
    }
    for (const v of videos) {
      const st = s.get(v.topic);
      if (v.first && st?.status === "ok" && st.message) {
        const m = st.message.decode();
        const h = imageHeader(m, st.message.type);
        checkEncoding(v.pixel, h.encoding, v.topic);
        v.width = h.width;
        v.height = h.height;
        v.first = false;
      }
    }
    frame++;
  }
  if (frame !== grid.length) throw new Error(`${episode.path}: the aligned reader returned ${frame} states for ${grid.length} grid times`);
  const first = allOk.indexOf(true);
  const last = allOk.lastIndexOf(true);
  if (first < 0) throw new EpisodeSkip(`${episode.path}: no grid time at ${fps} fps where every mapped stream (${topics.join(", ")}) has a sample within tolerance`);
  const gridNs = grid.slice(first, last + 1);
  const frames = gridNs.length;
  const timestamps = new Float64Array(frames);
  for (let i = 0; i < frames; i++) timestamps[i] = i / fps;

  // per-stream report over the trimmed grid
  const report: StreamAlignmentReport[] = [];
  const flags: string[] = [];
  const stale: string[] = [];
  const features: Array<{ key: string; topic: string; mode: "interpolate" | "nearest" }> = [
    ...numeric.flatMap((n) => n.sources.map((s) => ({ key: n.key, topic: s.topic, mode: s.mode }))),
    ...videos.map((v) => ({ key: v.key, topic: v.topic, mode: "nearest" as const })),
  ];
  for (const f of features) {
    const skews: number[] = [];
    let beyond = 0;
    const gaps: Array<[number, number]> = [];
    let run = -1;
    for (let i = 0; i < frames; i++) {
      const st = states[first + i]!.get(f.topic)!;
      skews.push(Math.abs(msOf(st.skewNs)));
      const bad = st.status !== "ok";
      if (bad) beyond++;
      if (bad && run < 0) run = i;
      if (!bad && run >= 0) {
        gaps.push([timestamps[run]!, timestamps[i - 1]!]);
        run = -1;
      }
    }
    if (run >= 0) gaps.push([timestamps[run]!, timestamps[frames - 1]!]);
    skews.sort((a, b) => a - b);
    const tol = tolerance.get(f.topic);
    const period = present.get(f.topic)?.periodNs;
    const toleranceMs = tol !== undefined ? msOf(tol) : period !== undefined ? msOf(period) * (f.mode === "nearest" && videos.some((v) => v.topic === f.topic) ? 0.5 : 1.5) : 0;
    report.push({ topic: f.topic, feature: f.key, mode: f.mode, toleranceMs, staleness: { p50Ms: percentile(skews, 0.5), p99Ms: percentile(skews, 0.99), maxMs: skews[skews.length - 1] ?? 0 }, framesBeyondTolerance: beyond, gaps });
    if (beyond > 0 && !stale.includes(f.topic)) {
      stale.push(f.topic);
      flags.push(`stale:${f.topic}`);
    }
  }
  if (stale.length > 0 && req.onStale === "drop") {
    const detail = report
      .filter((r) => r.framesBeyondTolerance > 0)
      .map((r) => `${r.topic} ${r.framesBeyondTolerance} frame(s) beyond ${r.toleranceMs.toFixed(1)} ms (max ${r.staleness.maxMs.toFixed(1)} ms)`);
    throw new EpisodeSkip(`${episode.path}: dropped, stale samples on the grid: ${[...new Set(detail)].join("; ")} (--on-stale flag keeps such episodes and flags them)`);
  }

  const numericOut: NumericFeature[] = numeric.map((n) => {
    const rows = n.rows.slice(first, last + 1);
    const width = rows[0]!.length;
    const data = new Float64Array(frames * width);
    rows.forEach((row, i) => {
      if (row.length !== width) throw new Error(`${episode.path}: ${n.key} has ${row.length} values at frame ${i}, ${width} at frame 0`);
      data.set(row, i * width);
    });
    const shape = n.shape ?? [width];
    if (shape.reduce((a, b) => a * b, 1) !== width) throw new EpisodeSkip(`${episode.path}: ${n.key} has ${width} values per frame, mapping "${mapping.name}" says shape [${shape.join(", ")}]`);
    if (n.names && n.names.length !== width && shape.length === 1) throw new EpisodeSkip(`${episode.path}: ${n.key} has ${width} values per frame but ${n.names.length} names`);
    return { key: n.key, dtype: n.dtype, shape, names: n.names, data, sources: [...new Set(n.sources.map((s) => s.topic))] };
  });
  for (const v of videos) if (v.first) throw new EpisodeSkip(`${episode.path}: ${v.topic} has no image within tolerance of the grid`);

  const task = facts.task || mapping.task || "";
  const labels = labelsOnGrid(pickLabels(episode.path, req.annotator), task, gridNs, timestamps);
  return {
    episodeId,
    source: episode.path,
    fps,
    gridNs,
    timestamps,
    task: labels.instruction || task,
    numeric: numericOut,
    videos: videos.map(({ first: _first, ...v }) => v),
    labels,
    report,
    flags,
    facts,
  };
}
