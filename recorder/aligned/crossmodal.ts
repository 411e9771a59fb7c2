// Cross-modal latency corrections of an episode (the constant latency one-way clock estimation
// cannot see), estimated by nodes/sync/crossmodal from the small physically related streams
// (joint states, IMU, wrench, tactile) through the rig's kinematics. Used by `teledemo align` and
// by the reader when an episode has no alignment.json.
import { estimateCrossModalOffsets, SimArmKinematics, type CrossModalResult, type CrossModalStream } from "../../nodes/sync/crossmodal/index.ts";
import type { AlignedEpisode, AlignmentFileJson } from "./api.ts";
import { episodeProfile } from "./profile.ts";

/** Rig-profile stream kinds the cross-modal pairs use. */
const CROSS_MODAL_KINDS = new Set(["joint_states", "imu", "wrench", "tactile"]);

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

/** Per-topic offsets to add to the clock-model time (= −correction), ns. */
export function crossModalCorrections(result: CrossModalResult | undefined): Map<string, bigint> {
  const out = new Map<string, bigint>();
  for (const [topic, ns] of Object.entries(result?.correctionsNs ?? {})) if (Number.isFinite(ns)) out.set(topic, -BigInt(Math.round(ns)));
  return out;
}

/** The topics cross-modal estimation reads (empty when the episode names no known rig profile). */
export function crossModalTopics(facts: Readonly<Record<string, string>>): string[] {
  const profile = episodeProfile(facts.rig_profile);
  return profile ? profile.streams.filter((s) => CROSS_MODAL_KINDS.has(s.kind)).map((s) => s.topic) : [];
}

/** The usable pair estimates behind the corrections, as alignment.json stores them. */
export function crossModalEntries(result: CrossModalResult): NonNullable<AlignmentFileJson["crossModal"]> {
  return result.pairs
    .filter((p) => p.usable && Number.isFinite(p.lagS))
    .map((p) => ({
      reference: p.against,
      target: p.topic,
      offsetNs: String(Math.round(p.lagS * 1e9)),
      confidence: Math.round(Math.min(1, Math.max(0, ...p.estimates.map((e) => (e.usable ? e.confidence : 0)))) * 1000) / 1000,
    }));
}
