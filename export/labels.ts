// Labels for export: the annotator's sidecar (<episode>/labels/<annotator>.json, validated with
// the sidecar's zod schema) turned into grid frames. Phases span the grid frames inside them
// (first frame ≥ start, last frame ≤ end); events land on the nearest frame.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { LABELS_DIR, labelsFile, type LabelsFile } from "../recorder/labels/schema.ts";
import type { EpisodeLabelsForExport, FrameEvent, FrameLabel } from "./model.ts";

export class LabelsError extends Error {}

/** Labels sidecars of an episode folder (none for a bare .mcap). */
export function listAnnotators(episodeDir: string): string[] {
  const dir = join(episodeDir, LABELS_DIR);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .map((f) => f.slice(0, -".json".length))
    .sort();
}

export function readLabelsFile(episodeDir: string, annotator: string): LabelsFile {
  const path = join(episodeDir, LABELS_DIR, `${annotator}.json`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw new LabelsError(`${path}: not readable JSON: ${(err as Error).message}`);
  }
  const parsed = labelsFile.safeParse(raw);
  if (!parsed.success) throw new LabelsError(`${path}: not a labels sidecar: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  return parsed.data;
}

/**
 * The sidecar to export: `annotator` when given (an error if that episode has none of theirs —
 * silently exporting unlabelled data would lose the labels the user asked for), else the most
 * recently updated one; undefined when the episode has no labels.
 */
export function pickLabels(episodeDir: string, annotator: string | undefined): LabelsFile | undefined {
  const names = listAnnotators(episodeDir);
  if (annotator !== undefined) {
    if (!names.includes(annotator)) throw new LabelsError(`${episodeDir}: no labels by annotator "${annotator}"${names.length ? ` (has: ${names.join(", ")})` : ""}`);
    return readLabelsFile(episodeDir, annotator);
  }
  let best: LabelsFile | undefined;
  for (const name of names) {
    const file = readLabelsFile(episodeDir, name);
    if (!best || Date.parse(file.updated) > Date.parse(best.updated) || (file.updated === best.updated && file.annotator < best.annotator)) best = file;
  }
  return best;
}

/** Index of the first grid time ≥ t (gridNs.length when none). */
function firstAtOrAfter(gridNs: readonly bigint[], t: bigint): number {
  let lo = 0;
  let hi = gridNs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (gridNs[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Labels mapped onto the grid; phases wholly between two frames (or outside the grid) are left out. */
export function labelsOnGrid(file: LabelsFile | undefined, task: string, gridNs: readonly bigint[], timestamps: Float64Array): EpisodeLabelsForExport {
  if (!file) return { annotator: null, instruction: task, phases: [], events: [], graspOutcome: null, failureModes: [], quality: { decision: null, reason: "" } };
  const c = file.content;
  const phases: FrameLabel[] = [];
  for (const p of [...c.phases].sort((a, b) => (BigInt(a.startNs) < BigInt(b.startNs) ? -1 : 1))) {
    const startFrame = firstAtOrAfter(gridNs, BigInt(p.startNs));
    const endFrame = firstAtOrAfter(gridNs, BigInt(p.endNs) + 1n) - 1;
    if (startFrame >= gridNs.length || endFrame < startFrame) continue;
    phases.push({ type: p.type, startFrame, endFrame, startS: timestamps[startFrame]!, endS: timestamps[endFrame]! });
  }
  const events: FrameEvent[] = [];
  const last = gridNs.length - 1;
  const halfPeriod = last > 0 ? (gridNs[1]! - gridNs[0]!) / 2n : 0n;
  for (const e of c.events) {
    const t = BigInt(e.tNs);
    // an event outside the exported span (beyond half a frame) has no frame of its own
    if (last < 0 || t < gridNs[0]! - halfPeriod || t > gridNs[last]! + halfPeriod) continue;
    const after = firstAtOrAfter(gridNs, t);
    let frame = Math.min(after, last);
    if (after > 0 && (after > last || t - gridNs[after - 1]! <= gridNs[after]! - t)) frame = after - 1;
    events.push({ type: e.type, target: e.target, frame, tS: timestamps[frame]! });
  }
  events.sort((a, b) => a.frame - b.frame || a.type.localeCompare(b.type));
  return {
    annotator: file.annotator,
    instruction: c.episode.instruction.trim() || task,
    phases,
    events,
    graspOutcome: c.episode.graspOutcome,
    failureModes: [...c.episode.failureModes],
    quality: { decision: c.episode.quality.decision, reason: c.episode.quality.reason },
  };
}
