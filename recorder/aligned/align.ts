// Offline alignment of a recorded episode (what `teledemo align` runs): two-pass clock fits of
// every stamped stream, then cross-modal latency corrections from physically related signals
// (nodes/sync/crossmodal, through the rig's kinematics), folded into the result. Writes
// `<episode>/alignment.json` atomically; the MCAP is never touched.
import { renameSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { clockModelFromJson } from "../../nodes/sync/clock/serialization.ts";
import { estimateCrossModalOffsets, SimArmKinematics, type CrossModalResult, type CrossModalStream } from "../../nodes/sync/crossmodal/index.ts";
import { ALIGNMENT_FILE, type AlignedEpisode, type AlignmentFileJson } from "./api.ts";
import { episodeProfile, simTruth } from "./profile.ts";
import { openAlignedEpisode } from "./reader.ts";

/** Rig-profile stream kinds the cross-modal pairs use. */
const CROSS_MODAL_KINDS = new Set(["joint_states", "imu", "wrench", "tactile"]);

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

/** Cross-modal corrections of an episode opened with computed models (no corrections applied yet). */
export async function crossModalOf(ep: AlignedEpisode): Promise<{ result?: CrossModalResult; skipped?: string }> {
  const profile = episodeProfile(ep.facts.rig_profile);
  if (!profile) return { skipped: "no known rig profile (kinematics and stream kinds come from it)" };
  const specs = profile.streams.filter((s) => CROSS_MODAL_KINDS.has(s.kind) && ep.streams.some((x) => x.topic === s.topic && x.messageCount > 0));
  if (!specs.some((s) => s.kind === "joint_states")) return { skipped: "no joint states (the reference stream)" };
  const streams = new Map<string, CrossModalStream>(
    specs.map((s) => [s.topic, { topic: s.topic, kind: s.kind, frameId: s.frame_id, ...(s.source !== undefined ? { source: s.source } : {}), samples: [] }] as const),
  );
  for await (const m of ep.messages({ topics: specs.map((s) => s.topic) })) {
    let message;
    try {
      message = m.decode();
    } catch {
      continue;
    }
    // corrected time = clock-model host time here: the episode was opened without corrections
    (streams.get(m.topic)!.samples as Array<{ timeNs: bigint; message: typeof message }>).push({ timeNs: m.correctedNs, message });
  }
  return { result: estimateCrossModalOffsets([...streams.values()], new SimArmKinematics(profile)) };
}

export async function computeAlignment(path: string): Promise<AlignResult> {
  const first = await openAlignedEpisode(path, { alignment: "computed" });
  let xm: { result?: CrossModalResult; skipped?: string };
  try {
    xm = await crossModalOf(first);
  } finally {
    await first.close();
  }
  const corrections = new Map<string, bigint>();
  for (const [topic, ns] of Object.entries(xm.result?.correctionsNs ?? {})) if (Number.isFinite(ns)) corrections.set(topic, -BigInt(Math.round(ns)));
  const ep = await openAlignedEpisode(path, { alignment: "computed", crossModalOffsetsNs: corrections });
  try {
    const base = ep.alignmentJson();
    const alignment: AlignmentFileJson = {
      ...base,
      producer: "teledemo align",
      streams: Object.fromEntries(Object.entries(base.streams).map(([t, s]) => [t, { ...s, source: s.source === "computed" ? "alignment-file" : s.source }])),
      ...(xm.result
        ? {
            crossModal: xm.result.pairs
              .filter((p) => p.usable && Number.isFinite(p.lagS))
              .map((p) => ({
                reference: p.against,
                target: p.topic,
                offsetNs: String(Math.round(p.lagS * 1e9)),
                confidence: Math.round(Math.min(1, Math.max(0, ...p.estimates.map((e) => (e.usable ? e.confidence : 0)))) * 1000) / 1000,
              })),
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
  const tmp = `${path}.tmp-${process.pid}-${Date.now()}`;
  writeFileSync(tmp, `${JSON.stringify(alignment, null, 2)}\n`);
  renameSync(tmp, path);
  return path;
}
