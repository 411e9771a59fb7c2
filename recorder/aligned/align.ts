// Offline alignment of a recorded episode (what `teledemo align` runs): two-pass clock fits of
// every stamped stream, then cross-modal latency corrections from physically related signals
// (nodes/sync/crossmodal, through the rig's kinematics), folded into the result. Writes
// `<episode>/alignment.json` atomically; the MCAP is never touched.
import { statSync } from "node:fs";
import { join } from "node:path";
import { clockModelFromJson } from "../../nodes/sync/clock/serialization.ts";
import type { CrossModalResult } from "../../nodes/sync/crossmodal/index.ts";
import { ALIGNMENT_FILE, type AlignmentFileJson } from "./api.ts";
import { writeFileAtomic } from "./atomic.ts";
import { crossModalCorrections, crossModalEntries, crossModalOf } from "./crossmodal.ts";

export { crossModalOf };
import { episodeProfile, simTruth } from "./profile.ts";
import { openAlignedEpisode } from "./reader.ts";

export interface AlignStreamRow {
  topic: string;
  type: string;
  messages: number;
  segments: number;
  /** host − stamp of the main segment at its middle, ms (includes the fixed latency). */
  offsetMs?: number;
  driftPpm?: number;
  /** Added to the clock-model time (= −correction), ms. */
  crossModalOffsetMs: number;
  /** Errors against the simulator's truth, where the episode has it. */
  truth?: { offsetErrorMs: number; driftErrorPpm: number; crossModalErrorMs?: number };
}

export interface AlignResult {
  alignment: AlignmentFileJson;
  rows: AlignStreamRow[];
  crossModal: CrossModalResult | undefined;
  /** Why no cross-modal estimation ran (no rig profile, no joint states...). */
  crossModalSkipped?: string;
}

export async function computeAlignment(path: string): Promise<AlignResult> {
  const first = await openAlignedEpisode(path, { alignment: "computed" });
  let xm: { result?: CrossModalResult; skipped?: string };
  try {
    xm = await crossModalOf(first);
  } finally {
    await first.close();
  }
  const corrections = crossModalCorrections(xm.result);
  const ep = await openAlignedEpisode(path, { alignment: "computed", crossModalOffsetsNs: corrections });
  try {
    const base = ep.alignmentJson();
    const alignment: AlignmentFileJson = {
      ...base,
      producer: "teledemo align",
      streams: Object.fromEntries(Object.entries(base.streams).map(([t, s]) => [t, { ...s, source: s.source === "computed" ? "alignment-file" : s.source }])),
      ...(xm.result
        ? {
            crossModal: crossModalEntries(xm.result),
          }
        : {}),
    };
    const profile = episodeProfile(ep.facts.rig_profile);
    const truth = simTruth(ep.facts, profile);
    const reference = xm.result?.referenceTopic;
    const rows: AlignStreamRow[] = [];
    for (const s of ep.streams) {
      const entry = alignment.streams[s.topic];
      if (!entry?.clockModel) continue;
      const model = clockModelFromJson(entry.clockModel);
      const main = model.segments.reduce((a, b) => (b.count > a.count ? b : a));
      const mid = main.validFromStampNs + (main.validToStampNs - main.validFromStampNs) / 2n;
      const offsetNs = Number(main.model.offsetAt(mid));
      const row: AlignStreamRow = {
        topic: s.topic,
        type: s.type,
        messages: s.messageCount,
        segments: model.segments.length,
        offsetMs: offsetNs / 1e6,
        driftPpm: main.model.driftPpm,
        crossModalOffsetMs: Number(s.crossModalOffsetNs) / 1e6,
      };
      const t = truth?.modelTruth(s.topic, mid);
      if (t) {
        const xTruth = reference !== undefined && corrections.has(s.topic) ? truth!.crossModalNs(s.topic, reference) : undefined;
        row.truth = {
          offsetErrorMs: (offsetNs - t.offsetNs) / 1e6,
          driftErrorPpm: main.model.driftPpm - t.driftPpm,
          ...(xTruth !== undefined ? { crossModalErrorMs: (-Number(s.crossModalOffsetNs) - xTruth) / 1e6 } : {}),
        };
      }
      rows.push(row);
    }
    return { alignment, rows, crossModal: xm.result, ...(xm.skipped ? { crossModalSkipped: xm.skipped } : {}) };
  } finally {
    await ep.close();
  }
}

/** Writes `<dir>/alignment.json` atomically (temp file + rename); returns its path. */
export function writeAlignmentFile(dir: string, alignment: AlignmentFileJson): string {
  if (!statSync(dir).isDirectory()) throw new Error(`${dir}: alignment.json is written beside an episode: give the episode folder`);
  const path = join(dir, ALIGNMENT_FILE);
  writeFileAtomic(path, `${JSON.stringify(alignment, null, 2)}\n`);
  return path;
}
