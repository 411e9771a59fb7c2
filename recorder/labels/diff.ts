// What changed between two versions of an annotator's labels, in words, for the history kept in
// the sidecar ("phase grasp added at 3.280 s", "event onset on left_gripper_left_pad removed").
// Phases and events are matched by id, so a moved boundary reads as a change, not a remove+add.
import type { ContactEventLabel, LabelsContent, PhaseLabel } from "./schema.ts";

/** At most this many lines per save; the rest are summarized in one line. */
export const MAX_CHANGES = 200;

function seconds(ns: string): string {
  return `${(Number(BigInt(ns)) / 1e9).toFixed(3)} s`;
}

function byId<T extends { id: string }>(items: readonly T[]): Map<string, T> {
  return new Map(items.map((x) => [x.id, x]));
}

function phaseChanges(a: readonly PhaseLabel[], b: readonly PhaseLabel[], out: string[]): void {
  const before = byId(a);
  const after = byId(b);
  for (const [id, p] of after) {
    const old = before.get(id);
    if (!old) {
      out.push(`phase ${p.type} added (${seconds(p.startNs)} – ${seconds(p.endNs)})${p.source === "suggestion" ? " from a suggestion" : ""}`);
      continue;
    }
    const what: string[] = [];
    if (old.type !== p.type) what.push(`type ${old.type} → ${p.type}`);
    if (old.startNs !== p.startNs) what.push(`start ${seconds(old.startNs)} → ${seconds(p.startNs)}`);
    if (old.endNs !== p.endNs) what.push(`end ${seconds(old.endNs)} → ${seconds(p.endNs)}`);
    if (what.length > 0) out.push(`phase ${p.type} changed: ${what.join(", ")}`);
  }
  for (const [id, p] of before) if (!after.has(id)) out.push(`phase ${p.type} removed (${seconds(p.startNs)} – ${seconds(p.endNs)})`);
}

function eventChanges(a: readonly ContactEventLabel[], b: readonly ContactEventLabel[], out: string[]): void {
  const before = byId(a);
  const after = byId(b);
  for (const [id, e] of after) {
    const old = before.get(id);
    if (!old) {
      out.push(`event ${e.type} on ${e.target} added at ${seconds(e.tNs)}${e.source === "suggestion" ? " from a suggestion" : ""}`);
      continue;
    }
    const what: string[] = [];
    if (old.type !== e.type) what.push(`type ${old.type} → ${e.type}`);
    if (old.target !== e.target) what.push(`target ${old.target} → ${e.target}`);
    if (old.tNs !== e.tNs) what.push(`time ${seconds(old.tNs)} → ${seconds(e.tNs)}`);
    if (what.length > 0) out.push(`event ${e.type} on ${e.target} changed: ${what.join(", ")}`);
  }
  for (const [id, e] of before) if (!after.has(id)) out.push(`event ${e.type} on ${e.target} removed (was at ${seconds(e.tNs)})`);
}

function quote(s: string): string {
  return JSON.stringify(s.length > 60 ? `${s.slice(0, 57)}...` : s);
}

export function diffLabels(a: LabelsContent, b: LabelsContent): string[] {
  const out: string[] = [];
  phaseChanges(a.phases, b.phases, out);
  eventChanges(a.events, b.events, out);
  const ea = a.episode;
  const eb = b.episode;
  if (ea.graspOutcome !== eb.graspOutcome) out.push(`grasp outcome ${ea.graspOutcome ?? "unset"} → ${eb.graspOutcome ?? "unset"}`);
  for (const m of eb.failureModes) if (!ea.failureModes.includes(m)) out.push(`failure mode ${m} added`);
  for (const m of ea.failureModes) if (!eb.failureModes.includes(m)) out.push(`failure mode ${m} removed`);
  if (ea.instruction !== eb.instruction) out.push(`instruction → ${quote(eb.instruction)}`);
  if (ea.quality.decision !== eb.quality.decision) out.push(`quality ${ea.quality.decision ?? "undecided"} → ${eb.quality.decision ?? "undecided"}`);
  if (ea.quality.reason !== eb.quality.reason) out.push(`quality reason → ${quote(eb.quality.reason)}`);
  if (ea.notes !== eb.notes) out.push("notes edited");
  const ra = new Set(a.rejectedSuggestions);
  const rb = new Set(b.rejectedSuggestions);
  const rejected = [...rb].filter((s) => !ra.has(s)).length;
  const unrejected = [...ra].filter((s) => !rb.has(s)).length;
  if (rejected > 0) out.push(`${rejected} suggestion${rejected === 1 ? "" : "s"} rejected`);
  if (unrejected > 0) out.push(`${unrejected} suggestion rejection${unrejected === 1 ? "" : "s"} undone`);
  if (out.length === 0) out.push("saved without changes");
  if (out.length > MAX_CHANGES) {
    const more = out.length - (MAX_CHANGES - 1);
    out.length = MAX_CHANGES - 1;
    out.push(`… and ${more} more changes`);
  }
  return out;
}
