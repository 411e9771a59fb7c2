// Ground truth of simulated episodes for scoring the contact detector: the simulator's contact
// instants (sim_ground_truth.demos[].truth.contacts, seconds since each demo's start; a demo's
// startNs is host time, the corrected timeline's clock) turned into labelled events on the
// episode's timeline, and the scoring (one-to-one matching within a tolerance, per kind).
import { open } from "node:fs/promises";
import { join } from "node:path";
import { existsSync } from "node:fs";
import { McapIndexedReader } from "@mcap/core";
import { FileHandleReadable } from "@mcap/nodejs";
import { matchTimes } from "../../recorder/labels/agreement.ts";

export interface TruthEvent {
  type: "onset" | "release" | "slip";
  target: string;
  tNs: bigint;
}

interface GroundTruthJson {
  demos?: Array<{ startNs: string; truth: { contacts: Array<{ kind: "onset" | "release" | "slip"; pad: string; t: number }>; phases: Array<{ phase: string; start: number; end: number }> } }>;
}

export interface EpisodeTruth {
  events: TruthEvent[];
  phases: Array<{ type: string; startNs: bigint; endNs: bigint }>;
}

/** Reads the truth from an episode folder's MCAP (teledemo.episode → sim_ground_truth). */
export async function readTruth(episodeDir: string): Promise<EpisodeTruth> {
  const file = existsSync(join(episodeDir, "episode.mcap")) ? join(episodeDir, "episode.mcap") : episodeDir;
  const handle = await open(file, "r");
  try {
    const reader = await McapIndexedReader.Initialize({ readable: new FileHandleReadable(handle) });
    let gt: GroundTruthJson | undefined;
    for await (const m of reader.readMetadata({ name: "teledemo.episode" })) {
      const raw = m.metadata.get("sim_ground_truth");
      if (raw) gt = JSON.parse(raw) as GroundTruthJson;
    }
    if (!gt) throw new Error(`${file}: no sim_ground_truth (not a simulated episode)`);
    const events: TruthEvent[] = [];
    const phases: EpisodeTruth["phases"] = [];
    const ns = (start: bigint, s: number) => start + BigInt(Math.round(s * 1e9));
    for (const d of gt.demos ?? []) {
      const start = BigInt(d.startNs);
      for (const c of d.truth.contacts) events.push({ type: c.kind, target: c.pad, tNs: ns(start, c.t) });
      for (const p of d.truth.phases) phases.push({ type: p.phase, startNs: ns(start, p.start), endNs: ns(start, p.end) });
    }
    return { events, phases };
  } finally {
    await handle.close();
  }
}

export interface KindScore {
  truth: number;
  detected: number;
  matched: number;
  /** |detected − truth| of matched events (ms). */
  errorsMs: number[];
}

export interface Score {
  byKind: Record<string, KindScore>;
  all: KindScore;
}

export function emptyScore(): Score {
  return { byKind: {}, all: { truth: 0, detected: 0, matched: 0, errorsMs: [] } };
}

/**
 * Adds one episode to a score: detected and truth events of kinds onset/release/slip on the
 * truth's targets (pads), inside [fromNs, toNs] (the recorded window minus a margin: an event
 * the recording cut off cannot be found).
 */
export function scoreEpisode(score: Score, detected: ReadonlyArray<{ type: string; target: string; tNs: bigint }>, truth: readonly TruthEvent[], fromNs: bigint, toNs: bigint, toleranceNs = 50_000_000n): void {
  const inside = (t: bigint) => t >= fromNs && t <= toNs;
  const kinds = ["onset", "release", "slip"];
  const targets = new Set(truth.map((e) => e.target));
  const d = detected.filter((e) => kinds.includes(e.type) && (targets.has(e.target) || /_pad$/.test(e.target)) && inside(e.tNs));
  const t = truth.filter((e) => inside(e.tNs));
  const groups = new Map<string, { d: bigint[]; t: bigint[]; kind: string }>();
  for (const e of d) {
    const k = `${e.type}|${e.target}`;
    const g = groups.get(k) ?? { d: [], t: [], kind: e.type };
    g.d.push(e.tNs);
    groups.set(k, g);
  }
  for (const e of t) {
    const k = `${e.type}|${e.target}`;
    const g = groups.get(k) ?? { d: [], t: [], kind: e.type };
    g.t.push(e.tNs);
    groups.set(k, g);
  }
  for (const g of groups.values()) {
    const ks = (score.byKind[g.kind] ??= { truth: 0, detected: 0, matched: 0, errorsMs: [] });
    const pairs = matchTimes(g.d, g.t, toleranceNs);
    for (const target of [ks, score.all]) {
      target.truth += g.t.length;
      target.detected += g.d.length;
      target.matched += pairs.length;
      for (const [i, j] of pairs) target.errorsMs.push(Math.abs(Number(g.d[i]! - g.t[j]!)) / 1e6);
    }
  }
}

export function f1(s: KindScore): number {
  return s.truth + s.detected === 0 ? 1 : (2 * s.matched) / (s.truth + s.detected);
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const a = [...values].sort((x, y) => x - y);
  return a[Math.min(a.length - 1, Math.max(0, Math.ceil((p / 100) * a.length) - 1))]!;
}
