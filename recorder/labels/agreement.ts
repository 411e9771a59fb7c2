// Inter-annotator agreement on one episode, pair by pair:
//
// - phase-boundary mean absolute error: phases of the same type are matched one-to-one (closest
//   midpoints first); the error is the mean of |Δstart| and |Δend| over the matched phases.
// - event F1 at a tolerance (50 ms): events of the same type and target are matched one-to-one
//   within the tolerance (a sorted sweep, which finds a maximum matching in one dimension);
//   F1 = 2·matched / (|A| + |B|).
// - Cohen's κ on per-frame phase labels: every frame of a regular grid over the episode gets the
//   type of the phase covering it, or "none"; κ = (p_o − p_e) / (1 − p_e).
//
// A figure with nothing to compare (no phases of a common type, no events at all, a grid where
// both annotators give every frame the same single label) is null, not a made-up 0 or 1.
import type { ContactEventLabel, LabelsContent, PhaseLabel } from "./schema.ts";

export const DEFAULT_EVENT_TOLERANCE_NS = 50_000_000n;
export const DEFAULT_FRAME_RATE_HZ = 30;
export const NO_PHASE = "none";

export interface AgreementOptions {
  /** Grid for κ: corrected timeline bounds of the episode (ns). */
  startNs: bigint;
  endNs: bigint;
  /** Frame rate of the κ grid (the pivot camera's rate, or 30 Hz). */
  frameRateHz?: number;
  eventToleranceNs?: bigint;
}

export interface PairAgreement {
  a: string;
  b: string;
  phaseBoundaryMaeMs: number | null;
  /** Matched phases behind the MAE. */
  matchedPhases: number;
  eventF1: number | null;
  matchedEvents: number;
  eventsA: number;
  eventsB: number;
  cohensKappa: number | null;
  frames: number;
}

function abs(x: bigint): bigint {
  return x < 0n ? -x : x;
}

/** Mean absolute boundary error (ms) over same-type phases matched one-to-one by closest midpoints. */
export function phaseBoundaryMae(a: readonly PhaseLabel[], b: readonly PhaseLabel[]): { maeMs: number | null; matched: number } {
  const candidates: Array<{ i: number; j: number; d: bigint }> = [];
  a.forEach((pa, i) => {
    const ma = BigInt(pa.startNs) + BigInt(pa.endNs);
    b.forEach((pb, j) => {
      if (pa.type !== pb.type) return;
      candidates.push({ i, j, d: abs(ma - (BigInt(pb.startNs) + BigInt(pb.endNs))) });
    });
  });
  candidates.sort((x, y) => (x.d < y.d ? -1 : x.d > y.d ? 1 : x.i - y.i || x.j - y.j));
  const usedA = new Set<number>();
  const usedB = new Set<number>();
  let sumNs = 0;
  let boundaries = 0;
  for (const c of candidates) {
    if (usedA.has(c.i) || usedB.has(c.j)) continue;
    usedA.add(c.i);
    usedB.add(c.j);
    const pa = a[c.i]!;
    const pb = b[c.j]!;
    sumNs += Number(abs(BigInt(pa.startNs) - BigInt(pb.startNs))) + Number(abs(BigInt(pa.endNs) - BigInt(pb.endNs)));
    boundaries += 2;
  }
  return { maeMs: boundaries === 0 ? null : sumNs / boundaries / 1e6, matched: boundaries / 2 };
}

/**
 * Maximum one-to-one matching of two sorted time lists within a tolerance. In one dimension the
 * greedy sweep (match when within tolerance, else drop the earlier one) is optimal.
 */
export function matchTimes(a: readonly bigint[], b: readonly bigint[], toleranceNs: bigint): Array<[number, number]> {
  const ia = a.map((t, i) => ({ t, i })).sort((x, y) => (x.t < y.t ? -1 : x.t > y.t ? 1 : 0));
  const ib = b.map((t, i) => ({ t, i })).sort((x, y) => (x.t < y.t ? -1 : x.t > y.t ? 1 : 0));
  const pairs: Array<[number, number]> = [];
  let i = 0;
  let j = 0;
  while (i < ia.length && j < ib.length) {
    const x = ia[i]!;
    const y = ib[j]!;
    if (abs(x.t - y.t) <= toleranceNs) {
      pairs.push([x.i, y.i]);
      i++;
      j++;
    } else if (x.t < y.t) i++;
    else j++;
  }
  return pairs;
}

/** Event F1 between two annotators (or detector vs truth): same type and target, within the tolerance. */
export function eventF1(a: readonly ContactEventLabel[], b: readonly ContactEventLabel[], toleranceNs = DEFAULT_EVENT_TOLERANCE_NS): { f1: number | null; matched: number } {
  if (a.length + b.length === 0) return { f1: null, matched: 0 };
  const groups = new Map<string, { a: bigint[]; b: bigint[] }>();
  const group = (e: ContactEventLabel) => {
    const key = `${e.type}\u0000${e.target}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { a: [], b: [] }));
    return g;
  };
  for (const e of a) group(e).a.push(BigInt(e.tNs));
  for (const e of b) group(e).b.push(BigInt(e.tNs));
  let matched = 0;
  for (const g of groups.values()) matched += matchTimes(g.a, g.b, toleranceNs).length;
  return { f1: (2 * matched) / (a.length + b.length), matched };
}

/** The phase type covering each frame of the grid ("none" where no phase does; the latest-starting phase wins overlaps). */
export function frameLabels(phases: readonly PhaseLabel[], startNs: bigint, endNs: bigint, frameRateHz: number): string[] {
  if (!(frameRateHz > 0) || endNs < startNs) return [];
  const stepNs = 1e9 / frameRateHz;
  const span = Number(endNs - startNs);
  const frames = Math.floor(span / stepNs) + 1;
  const sorted = phases
    .map((p) => ({ type: p.type, s: BigInt(p.startNs), e: BigInt(p.endNs) }))
    .sort((x, y) => (x.s < y.s ? -1 : x.s > y.s ? 1 : 0));
  const out: string[] = new Array<string>(frames);
  for (let k = 0; k < frames; k++) {
    const t = startNs + BigInt(Math.round(k * stepNs));
    let label = NO_PHASE;
    for (const p of sorted) {
      if (p.s > t) break;
      if (t < p.e || (t === p.e && p.s === p.e)) label = p.type;
    }
    out[k] = label;
  }
  return out;
}

/** Cohen's κ between two label sequences of equal length; null when chance agreement is total (undefined κ). */
export function cohensKappa(a: readonly string[], b: readonly string[]): number | null {
  if (a.length !== b.length) throw new RangeError(`label sequences differ in length: ${a.length} vs ${b.length}`);
  const n = a.length;
  if (n === 0) return null;
  let agree = 0;
  const ca = new Map<string, number>();
  const cb = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x === y) agree++;
    ca.set(x, (ca.get(x) ?? 0) + 1);
    cb.set(y, (cb.get(y) ?? 0) + 1);
  }
  const po = agree / n;
  let pe = 0;
  for (const [label, count] of ca) pe += (count / n) * ((cb.get(label) ?? 0) / n);
  if (pe >= 1) return null;
  return (po - pe) / (1 - pe);
}

export function pairAgreement(a: { annotator: string; content: LabelsContent }, b: { annotator: string; content: LabelsContent }, o: AgreementOptions): PairAgreement {
  const phases = phaseBoundaryMae(a.content.phases, b.content.phases);
  const events = eventF1(a.content.events, b.content.events, o.eventToleranceNs ?? DEFAULT_EVENT_TOLERANCE_NS);
  const rate = o.frameRateHz ?? DEFAULT_FRAME_RATE_HZ;
  const fa = frameLabels(a.content.phases, o.startNs, o.endNs, rate);
  const fb = frameLabels(b.content.phases, o.startNs, o.endNs, rate);
  return {
    a: a.annotator,
    b: b.annotator,
    phaseBoundaryMaeMs: phases.maeMs,
    matchedPhases: phases.matched,
    eventF1: events.f1,
    matchedEvents: events.matched,
    eventsA: a.content.events.length,
    eventsB: b.content.events.length,
    cohensKappa: cohensKappa(fa, fb),
    frames: fa.length,
  };
}

/** Every pair of annotators (sorted by name). */
export function agreementReport(files: ReadonlyArray<{ annotator: string; content: LabelsContent }>, o: AgreementOptions): { annotators: string[]; pairs: PairAgreement[] } {
  const sorted = [...files].sort((x, y) => (x.annotator < y.annotator ? -1 : x.annotator > y.annotator ? 1 : 0));
  const pairs: PairAgreement[] = [];
  for (let i = 0; i < sorted.length; i++) for (let j = i + 1; j < sorted.length; j++) pairs.push(pairAgreement(sorted[i]!, sorted[j]!, o));
  return { annotators: sorted.map((f) => f.annotator), pairs };
}

/**
 * The κ grid's frame rate for an episode: the pivot camera's rate (the stream named `pivotTopic`,
 * else the first colour image stream, else any image stream), or 30 Hz when there is none.
 */
export function agreementFrameRate(streams: ReadonlyArray<{ topic: string; kind: string; periodNs: bigint | undefined }>, pivotTopic?: string): number {
  const images = streams.filter((s) => s.kind === "image" && s.periodNs !== undefined && s.periodNs > 0n);
  const pivot = images.find((s) => s.topic === pivotTopic) ?? images.find((s) => /color|rgb/i.test(s.topic)) ?? images[0];
  return pivot?.periodNs ? 1e9 / Number(pivot.periodNs) : DEFAULT_FRAME_RATE_HZ;
}
