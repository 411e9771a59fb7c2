// One export run: expand the inputs, skip what the output already holds (resume), filter,
// resample in parallel (--jobs), and hand the episodes to the writer strictly in input order
// (so --jobs N writes the same dataset as --jobs 1), then close the writer (metadata + self-check).
import { existsSync, readdirSync } from "node:fs";
import type { DatasetWriter, StreamAlignmentReport, VideoOptions } from "./model.ts";
import { createWriter, type ExportFormat } from "./formats.ts";
import { describeEpisode, expandInputs, type EpisodeRef } from "./episodes.ts";
import { matchesAll, needsQa, type FilterCondition, type FilterSubject } from "./filter.ts";
import { LabelsError, pickLabels } from "./labels.ts";
import { builtinMappingFor, loadMapping, type MappingFile } from "./mapping.ts";
import { createPool, type JobResult } from "./jobs/pool.ts";
import type { StalePolicy } from "./resample/resample.ts";
import { toResampledEpisode } from "./resample/videos.ts";
import { qaVerdict } from "./qa.ts";

export interface ExportRequest {
  inputs: string[];
  format: ExportFormat;
  fps: number;
  out: string;
  filters: FilterCondition[];
  jobs: number;
  mappingPath: string | undefined;
  annotator: string | undefined;
  onStale: StalePolicy;
  video: VideoOptions;
  gzipLevel: number;
  validRatio: number;
}

export type EpisodeStatus = "exported" | "already-exported" | "filtered" | "dropped" | "failed";

export interface EpisodeOutcome {
  path: string;
  id: string;
  status: EpisodeStatus;
  message: string;
  frames?: number;
  flags?: string[];
  mapping?: string;
  report?: StreamAlignmentReport[];
}

export interface ExportSummary {
  format: ExportFormat;
  out: string;
  fps: number;
  episodes: EpisodeOutcome[];
  counts: Record<EpisodeStatus, number>;
  selfCheck: string[];
}

export interface ExportProgress {
  /** Episodes decided so far / in total. */
  done: number;
  total: number;
  outcome: EpisodeOutcome;
}

function subjectOf(ref: EpisodeRef, labels: ReturnType<typeof pickLabels>): FilterSubject {
  const c = labels?.content;
  return {
    id: ref.id,
    task: c?.episode.instruction.trim() || ref.task,
    operator: ref.operator,
    profile: ref.profile,
    source: ref.source,
    outcome: c?.episode.graspOutcome ?? ref.outcome,
    quality: c?.episode.quality.decision ?? "none",
    annotator: labels?.annotator ?? "none",
    phases: c ? [...new Set(c.phases.map((p) => p.type))] : [],
    failures: c ? [...c.episode.failureModes] : [],
    flags: ref.flags,
    labelled: labels !== undefined,
    durationS: ref.durationS,
  };
}

export async function runExport(req: ExportRequest, onProgress: (p: ExportProgress) => void = () => {}): Promise<ExportSummary> {
  const paths = expandInputs(req.inputs);
  const override = req.mappingPath ? { path: req.mappingPath, mapping: loadMapping(req.mappingPath) } : undefined;
  const writer: DatasetWriter = await createWriter(req.format, { gzipLevel: req.gzipLevel, validRatio: req.validRatio });
  const resume = existsSync(req.out) && readdirSync(req.out).length > 0;
  await writer.open(req.out, { fps: req.fps, resume, video: req.video });
  const already = await writer.exportedEpisodes();

  const outcomes: EpisodeOutcome[] = [];
  const report = (o: EpisodeOutcome) => {
    outcomes.push(o);
    onProgress({ done: outcomes.length, total: paths.length, outcome: o });
  };

  // Decide per episode (cheap, in order): resume skip, filter, mapping.
  const work: Array<{ ref: EpisodeRef; mapping: { path: string; mapping: MappingFile } }> = [];
  for (const path of paths) {
    let ref: EpisodeRef;
    try {
      ref = await describeEpisode(path);
    } catch (err) {
      report({ path, id: path, status: "failed", message: (err as Error).message });
      continue;
    }
    if (already.has(ref.id)) {
      report({ path, id: ref.id, status: "already-exported", message: "already in the output (resume)" });
      continue;
    }
    if (req.filters.length > 0) {
      let labels;
      try {
        labels = pickLabels(path, req.annotator);
      } catch (err) {
        if (!(err instanceof LabelsError)) throw err;
        report({ path, id: ref.id, status: "filtered", message: err.message });
        continue;
      }
      const subject = subjectOf(ref, labels);
      if (needsQa(req.filters)) subject.qa = await qaVerdict(path);
      const failing = req.filters.filter((f) => !matchesAll([f], subject));
      if (failing.length > 0) {
        report({ path, id: ref.id, status: "filtered", message: `filtered out by ${failing.map((f) => f.text).join(", ")}` });
        continue;
      }
    }
    const mapping = override ?? builtinMappingFor(ref.profile);
    if (!mapping) {
      report({ path, id: ref.id, status: "failed", message: `no built-in export mapping for rig profile "${ref.profile || "(none recorded)"}"; give one with --mapping FILE (see export/mappings/)` });
      continue;
    }
    work.push({ ref, mapping });
  }

  // Resample in parallel; write in order. At most jobs+1 results wait in memory.
  const pool = createPool(req.jobs);
  const window = Math.max(1, req.jobs) + 1;
  const started: Array<Promise<JobResult>> = [];
  const start = (i: number) => {
    const w = work[i];
    if (!w || started[i]) return;
    started[i] = pool.run({ path: w.ref.path, mapping: w.mapping.mapping, fps: req.fps, onStale: req.onStale, annotator: req.annotator });
  };
  let closeResult: { selfCheck: string[] } = { selfCheck: [] };
  try {
    for (let i = 0; i < Math.min(window, work.length); i++) start(i);
    for (let i = 0; i < work.length; i++) {
      const { ref, mapping } = work[i]!;
      const result = await started[i]!;
      start(i + window);
      if ("failed" in result) {
        report({ path: ref.path, id: ref.id, status: result.skip ? "dropped" : "failed", message: result.message, mapping: mapping.mapping.name });
        continue;
      }
      const { open, ...core } = result;
      const episode = toResampledEpisode(core, open);
      try {
        await writer.writeEpisode(episode);
      } catch (err) {
        report({ path: ref.path, id: ref.id, status: "failed", message: `writing ${req.format}: ${(err as Error).message}`, mapping: mapping.mapping.name });
        continue;
      } finally {
        await episode.release();
      }
      report({
        path: ref.path,
        id: result.episodeId,
        status: "exported",
        message: `${result.gridNs.length} frames at ${req.fps} fps${result.flags.length ? `, flags ${result.flags.join(" ")}` : ""}`,
        frames: result.gridNs.length,
        flags: result.flags,
        mapping: mapping.mapping.name,
        report: result.report,
      });
    }
  } finally {
    await pool.close();
    closeResult = await writer.close();
  }
  const counts: Record<EpisodeStatus, number> = { exported: 0, "already-exported": 0, filtered: 0, dropped: 0, failed: 0 };
  for (const o of outcomes) counts[o.status]++;
  return { format: req.format, out: req.out, fps: req.fps, episodes: outcomes, counts, selfCheck: closeResult.selfCheck };
}
