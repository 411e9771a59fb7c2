// Contact events from tactile pads and wrist force-torque sensors.
//
// Onset / release, per pad, from the pad's total normal pressure:
//   bias and noise from the pad's quietest window, hysteresis (on above bias + 8σ, off below
//   bias + 3σ), debounce (gaps < 40 ms merged, contacts < 50 ms dropped). The instant is refined
//   below the sample rate: the rise (fall) is extrapolated linearly back (forward) to the bias and
//   kept between the samples that straddle it.
// Slip, per gripper, while its pads are in contact: a burst of high-frequency energy in the pads'
//   shear-to-pressure ratio (stick-slip vibration; the ratio cancels grip-force changes) or in the
//   wrist's force (high-passed). Each source brackets the start between its last quiet and first
//   loud sample; the brackets are intersected, so the fast F/T sharpens the slow tactile estimate.
// Impact, per wrist: a spike in the force's sample-to-sample change far above its noise, away
//   from the contact events already found.
// Wrists get onset/release from F/T only when their side has no tactile pads.
import { lagFor, linearPredictionError, median, quietWindow, robustSigma } from "./stats.ts";
import type { Side, TactileSeries, WrenchSeries } from "./series.ts";

export type ContactEventType = "onset" | "release" | "slip" | "impact";

export interface DetectedEvent {
  type: ContactEventType;
  target: string;
  /** Seconds since the episode's corrected start. */
  t: number;
  confidence: number;
}

export interface ContactInterval {
  target: string;
  side: Side | undefined;
  on: number;
  /** undefined: still in contact when the recording ends. */
  off: number | undefined;
  /** Sample indices of the interval in the pad's series. */
  iOn: number;
  iOff: number;
}

export const CONTACT = {
  onSigma: 8,
  offSigma: 3,
  /** A pad must rise this many σ above its bias at least once to count as touched. */
  minPeakSigma: 20,
  mergeGapS: 0.04,
  minContactS: 0.05,
  slipHighSigma: 7,
  slipLowSigma: 3,
  /** Minimum absolute jump of the shear/pressure ratio's high-pass for a tactile slip. */
  slipRatioFloor: 0.02,
  /** A second slip within one contact needs this much quiet first. */
  slipRefractoryS: 0.3,
  /** A tactile slip must be confirmed by the wrist's F/T when the side has one. */
  slipNeedsWrist: true,
  impactSigma: 14,
  impactGuardS: 0.15,
} as const;

/** Pressure-based contact intervals of one pad, with refined onset/release instants. */
export function padContacts(s: TactileSeries): ContactInterval[] {
  const { t, pressure: x } = s;
  const n = x.length;
  if (n < 8) return [];
  const q = quietWindow(t, x);
  const sigma = Math.max(q.sigma, 1e-9);
  let peak = -Infinity;
  for (let i = 0; i < n; i++) peak = Math.max(peak, x[i]! - q.bias);
  if (peak < CONTACT.minPeakSigma * sigma) return [];
  const hi = q.bias + CONTACT.onSigma * sigma;
  const lo = q.bias + CONTACT.offSigma * sigma;

  // hysteresis
  const raw: Array<[number, number]> = [];
  let on = -1;
  for (let i = 0; i < n; i++) {
    if (on < 0 && x[i]! >= hi) on = i;
    else if (on >= 0 && x[i]! < lo) {
      raw.push([on, i]);
      on = -1;
    }
  }
  if (on >= 0) raw.push([on, n]);

  // debounce: merge short gaps, drop short blips
  const merged: Array<[number, number]> = [];
  for (const r of raw) {
    const last = merged[merged.length - 1];
    if (last && last[1] < n && t[r[0]]! - t[last[1]]! < CONTACT.mergeGapS) last[1] = r[1];
    else merged.push([r[0], r[1]]);
  }
  const out: ContactInterval[] = [];
  for (const [a, b] of merged) {
    const endT = b < n ? t[b]! : t[n - 1]!;
    if (endT - t[a]! < CONTACT.minContactS) continue;
    out.push({
      target: s.target,
      side: s.side,
      // in contact from the first sample: the onset happened before the recording
      on: a === 0 ? Number.NEGATIVE_INFINITY : refineRise(t, x, a, q.bias, lo),
      off: b < n ? refineFall(t, x, b, q.bias, hi) : undefined,
      iOn: a,
      iOff: b,
    });
  }
  return out;
}

/**
 * The instant the signal left its bias. `i` is the first sample at or above `hi`; the line through
 * it and the next sample is extrapolated back to the bias, kept between the last sample still
 * at noise level (below `lo`) and `i`.
 */
function refineRise(t: Float64Array, x: Float64Array, i: number, bias: number, lo: number): number {
  if (i === 0) return t[0]!;
  let a = i - 1;
  while (a > 0 && x[a]! >= lo) a--;
  const c = Math.min(i + 1, x.length - 1);
  const slope = c > i ? (x[c]! - x[i]!) / (t[c]! - t[i]!) : 0;
  if (!(slope > 0)) return 0.5 * (t[a]! + t[i]!);
  const t0 = t[i]! - (x[i]! - bias) / slope;
  return Math.min(t[i]!, Math.max(t[a]!, t0));
}

/**
 * The instant the signal returned to its bias. `i` is the first sample below `lo` after the
 * contact; the fall is extrapolated forward from the last two samples at or above `hi`, kept
 * between the last of them and `i`. An abrupt end (the object slid off the pads) extrapolates
 * past `i`: then the middle of the gap.
 */
function refineFall(t: Float64Array, x: Float64Array, i: number, bias: number, hi: number): number {
  let z = i - 1;
  while (z > 0 && x[z]! < hi) z--;
  const y = z - 1;
  if (y < 0) return t[i]!;
  const slope = (x[z]! - x[y]!) / (t[z]! - t[y]!);
  if (!(slope < 0)) return 0.5 * (t[z]! + t[i]!);
  const t1 = t[z]! + (x[z]! - bias) / -slope;
  if (t1 >= t[i]!) return 0.5 * (t[z]! + t[i]!);
  return Math.max(t[z]!, t1);
}

/** A source's slip bracket: the start lies in (lo, hi]. */
interface Bracket {
  lo: number;
  hi: number;
  score: number;
}

/**
 * Bursts of a z-scored high-frequency signal inside [from, to]: the first sample above `high`,
 * walked back over samples above `low` (one quiet sample tolerated), bracketed by the last quiet
 * sample before it.
 */
function bursts(t: Float64Array, z: Float64Array, from: number, to: number, high: number, low: number): Bracket[] {
  const out: Bracket[] = [];
  let lastEnd = -Infinity;
  for (let i = 1; i < z.length; i++) {
    if (t[i]! < from || t[i]! > to) continue;
    if (z[i]! < high) continue;
    // vibration keeps ringing: a second loud sample among the next three (or 15 ms), where a kink in a
    // smooth load change (pressing onto a support, lift-off) gives a single one
    let loud = 0;
    for (let j = i + 1; j < z.length && (j <= i + 3 || t[j]! - t[i]! <= 0.015); j++) if (z[j]! >= high) loud++;
    if (loud === 0) continue;
    if (t[i]! - lastEnd < CONTACT.slipRefractoryS) {
      lastEnd = t[i]!;
      continue;
    }
    // walk back over samples above `low`, across at most two quiet ones (a slide often starts
    // as a kink in the load, then rings)
    let k = i;
    for (;;) {
      let step = 0;
      for (let g = 1; g <= 3 && k - g >= 1 && t[k - g]! >= from; g++) {
        if (z[k - g]! >= low) {
          step = g;
          break;
        }
      }
      if (step === 0) break;
      k -= step;
    }
    out.push({ lo: t[k - 1]!, hi: t[k]!, score: z[i]! });
    lastEnd = t[i]!;
  }
  return out;
}

/** Per sample, the loudest axis in units of its own noise (an RMS would dilute a one-axis burst). */
function zScores(parts: Float64Array[], sigmas: number[]): Float64Array {
  const n = parts[0]?.length ?? 0;
  const z = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let m = 0;
    for (let k = 0; k < parts.length; k++) m = Math.max(m, Math.abs(parts[k]![i]! / sigmas[k]!));
    z[i] = m;
  }
  return z;
}

function indexRange(t: Float64Array, from: number, to: number): [number, number] {
  let a = 0;
  while (a < t.length && t[a]! < from) a++;
  let b = a;
  while (b < t.length && t[b]! <= to) b++;
  return [a, b];
}

function sliceSigma(x: Float64Array, a: number, b: number): number {
  return robustSigma(x.subarray(a, Math.max(a + 1, b)));
}

/** Slip brackets from a pad's shear-to-pressure ratio inside a contact. */
function tactileSlipBrackets(s: TactileSeries, from: number, to: number): Bracket[] {
  const n = s.t.length;
  const [a, b] = indexRange(s.t, from, to);
  if (b - a < 6) return [];
  // The ratio is only meaningful while the pad is well loaded: below 30 % of the contact's
  // median pressure (closing, opening) it holds its last value instead of exploding as 1/p.
  const floor = 0.3 * median(s.pressure.subarray(a, b));
  const rx = new Float64Array(n);
  const ry = new Float64Array(n);
  let hx0 = 0;
  let hy0 = 0;
  for (let i = 0; i < n; i++) {
    const p = s.pressure[i]!;
    if (p >= floor && p > 0) {
      hx0 = s.shearX[i]! / p;
      hy0 = s.shearY[i]! / p;
    }
    rx[i] = hx0;
    ry[i] = hy0;
  }
  const lag = lagFor(s.t, 0.005);
  const hx = linearPredictionError(rx, lag);
  const hy = linearPredictionError(ry, lag);
  // noise σ inside the contact, floored so smooth load changes on a quiet pad do not count
  const sx = Math.max(sliceSigma(hx, a, b), CONTACT.slipRatioFloor / CONTACT.slipHighSigma);
  const sy = Math.max(sliceSigma(hy, a, b), CONTACT.slipRatioFloor / CONTACT.slipHighSigma);
  return bursts(s.t, zScores([hx, hy], [sx, sy]), from, to, CONTACT.slipHighSigma, CONTACT.slipLowSigma);
}

/** Slip brackets from the wrist force (high-passed over ±10 ms) inside a contact. */
function wrenchSlipBrackets(w: WrenchSeries, from: number, to: number): Bracket[] {
  const lag = lagFor(w.t, 0.005);
  const parts = [linearPredictionError(w.fx, lag), linearPredictionError(w.fy, lag), linearPredictionError(w.fz, lag)];
  const [a, b] = indexRange(w.t, from, to);
  if (b - a < 6) return [];
  const sig = parts.map((p) => Math.max(sliceSigma(p, a, b), 1e-9));
  return bursts(w.t, zScores(parts, sig), from, to, CONTACT.slipHighSigma, CONTACT.slipLowSigma);
}

interface SlipSource {
  kind: "tactile" | "wrench";
  brackets: Bracket[];
}

/**
 * Intersects brackets of the same slip (within 100 ms) from several sources into one estimate.
 * A slip needs a tactile burst, confirmed by the wrist when the side has a wrist sensor (the
 * pads' shear ratio alone also moves when the object is pressed onto a support). When the
 * brackets do not overlap (clock residuals), the earliest evidence wins.
 */
function fuseSlips(sources: SlipSource[], requireWrench: boolean): Array<{ t: number; confidence: number }> {
  const out: Array<{ t: number; confidence: number }> = [];
  const used = new Set<Bracket>();
  const tactile = sources.filter((s) => s.kind === "tactile").flatMap((s) => s.brackets).sort((x, y) => x.hi - y.hi);
  for (const first of tactile) {
    if (used.has(first)) continue;
    const group: Array<{ kind: SlipSource["kind"]; b: Bracket }> = [];
    for (const src of sources) {
      const m = src.brackets.filter((b) => !used.has(b) && Math.abs(b.hi - first.hi) <= 0.1).sort((x, y) => Math.abs(x.hi - first.hi) - Math.abs(y.hi - first.hi))[0];
      if (m) group.push({ kind: src.kind, b: m });
    }
    group.forEach((g) => used.add(g.b));
    if (requireWrench && !group.some((g) => g.kind === "wrench")) continue;
    const bs = group.map((g) => g.b);
    let lo = Math.max(...bs.map((b) => b.lo));
    let hi = Math.min(...bs.map((b) => b.hi));
    if (lo > hi) {
      const earliest = bs.reduce((p, c) => (c.hi < p.hi ? c : p));
      lo = earliest.lo;
      hi = earliest.hi;
    }
    const confidence = Math.min(0.99, 0.5 + 0.15 * group.length + 0.01 * Math.max(...bs.map((b) => b.score)));
    out.push({ t: 0.5 * (lo + hi), confidence });
  }
  return out.sort((a, b) => a.t - b.t);
}

const spikeNoise = new WeakMap<WrenchSeries, number[]>();

/** Least-squares line through (t[i], x[i]) for the given indices; returns its value at any time. */
function lineFit(t: Float64Array, x: Float64Array, idx: number[]): (tt: number) => number {
  const n = idx.length;
  if (n === 0) return () => 0;
  let st = 0;
  let sx = 0;
  for (const i of idx) {
    st += t[i]!;
    sx += x[i]!;
  }
  const mt = st / n;
  const mx = sx / n;
  let stt = 0;
  let stx = 0;
  for (const i of idx) {
    stt += (t[i]! - mt) ** 2;
    stx += (t[i]! - mt) * (x[i]! - mx);
  }
  const k = stt > 0 ? stx / stt : 0;
  return (tt) => mx + k * (tt - mt);
}

/**
 * True when the wrist force near `t` (±`windowS`) holds a short pulse (≤ ~6 ms) standing far out
 * of an otherwise straight trend over ±15 ms, rather than vibration, which keeps swinging across
 * the window. An object knocking onto a support gives such a pulse and shakes the pads too.
 */
function isolatedSpikeNear(w: WrenchSeries, t: number, windowS: number): boolean {
  const axes = [w.fx, w.fy, w.fz];
  let sig = spikeNoise.get(w);
  if (!sig) {
    sig = axes.map((x) => {
      const d = new Float64Array(Math.max(0, x.length - 1));
      for (let i = 1; i < x.length; i++) d[i - 1] = x[i]! - x[i - 1]!;
      return Math.max(robustSigma(d) / Math.SQRT2, 1e-9);
    });
    spikeNoise.set(w, sig);
  }
  const [a, b] = indexRange(w.t, t - windowS - 0.015, t + windowS + 0.015);
  if (b - a < 5) return false;
  const all: number[] = [];
  for (let i = a; i < b; i++) all.push(i);
  for (let k = 0; k < 3; k++) {
    const x = axes[k]!;
    const f0 = lineFit(w.t, x, all);
    let p = -1;
    for (let i = a; i < b; i++) if (Math.abs(w.t[i]! - t) <= windowS && (p < 0 || Math.abs(x[i]! - f0(w.t[i]!)) > Math.abs(x[p]! - f0(w.t[p]!)))) p = i;
    if (p < 0) continue;
    const tp = w.t[p]!;
    const outside = all.filter((i) => Math.abs(w.t[i]! - tp) > 0.006);
    if (outside.length < 3) continue;
    const f1 = lineFit(w.t, x, outside);
    const peak = Math.abs(x[p]! - f1(tp));
    if (peak < 20 * sig[k]!) continue;
    let rest = 0;
    for (const i of outside) rest = Math.max(rest, Math.abs(x[i]! - f1(w.t[i]!)));
    if (rest < 0.25 * peak) return true;
  }
  return false;
}

function impacts(w: WrenchSeries, guards: number[]): DetectedEvent[] {
  const n = w.t.length;
  if (n < 8) return [];
  const d = new Float64Array(n);
  for (let i = 1; i < n; i++) d[i] = Math.hypot(w.fx[i]! - w.fx[i - 1]!, w.fy[i]! - w.fy[i - 1]!, w.fz[i]! - w.fz[i - 1]!);
  const sigma = Math.max(robustSigma(d.subarray(1)), 1e-9);
  const out: DetectedEvent[] = [];
  let last = -Infinity;
  for (let i = 1; i < n; i++) {
    const z = d[i]! / sigma;
    if (z < CONTACT.impactSigma) continue;
    const ti = w.t[i - 1]!;
    if (ti - last < 0.2 || guards.some((g) => Math.abs(g - ti) < CONTACT.impactGuardS)) continue;
    out.push({ type: "impact", target: w.target, t: ti, confidence: Math.min(0.95, 0.4 + z / 100) });
    last = ti;
  }
  return out;
}

/** F/T-only contact for a wrist without tactile pads: |F| departs from its bias. */
function wrenchContacts(w: WrenchSeries): ContactInterval[] {
  const n = w.t.length;
  const mag = new Float64Array(n);
  const q = {
    x: quietWindow(w.t, w.fx, 0.25, "earliest"),
    y: quietWindow(w.t, w.fy, 0.25, "earliest"),
    z: quietWindow(w.t, w.fz, 0.25, "earliest"),
  };
  for (let i = 0; i < n; i++) mag[i] = Math.hypot(w.fx[i]! - q.x.bias, w.fy[i]! - q.y.bias, w.fz[i]! - q.z.bias);
  return padContacts({ target: w.target, side: w.side, t: w.t, pressure: mag, shearX: new Float64Array(n), shearY: new Float64Array(n) });
}

export interface ContactDetection {
  intervals: ContactInterval[];
  events: DetectedEvent[];
}

export function detectContacts(tactile: readonly TactileSeries[], wrench: readonly WrenchSeries[]): ContactDetection {
  const intervals: ContactInterval[] = [];
  const events: DetectedEvent[] = [];
  const padsBySide = new Map<Side | undefined, TactileSeries[]>();
  for (const s of tactile) {
    const list = padsBySide.get(s.side) ?? [];
    list.push(s);
    padsBySide.set(s.side, list);
    for (const c of padContacts(s)) {
      intervals.push(c);
      if (Number.isFinite(c.on)) events.push({ type: "onset", target: c.target, t: c.on, confidence: 0.9 });
      if (c.off !== undefined) events.push({ type: "release", target: c.target, t: c.off, confidence: 0.9 });
    }
  }
  for (const w of wrench) {
    if (w.side !== undefined && (padsBySide.get(w.side)?.length ?? 0) > 0) continue;
    for (const c of wrenchContacts(w)) {
      intervals.push(c);
      if (Number.isFinite(c.on)) events.push({ type: "onset", target: c.target, t: c.on, confidence: 0.6 });
      if (c.off !== undefined) events.push({ type: "release", target: c.target, t: c.off, confidence: 0.6 });
    }
  }

  // Slip: per contact of each pad, sources are that pad, the other pads of its side in contact
  // at the time, and the wrist of its side. One fused slip applies to every pad in contact.
  for (const c of intervals) {
    const pad = tactile.find((s) => s.target === c.target);
    const wrist = wrench.find((w) => w.side !== undefined && w.side === c.side);
    const from = c.on + 0.03;
    const to = (c.off ?? Infinity) - 0.01;
    if (!(to > from)) continue;
    const sources: SlipSource[] = [];
    if (pad) sources.push({ kind: "tactile", brackets: tactileSlipBrackets(pad, from, to) });
    for (const other of padsBySide.get(c.side) ?? []) {
      if (other === pad || c.side === undefined) continue;
      const overlapping = intervals.find((o) => o.target === other.target && o.on < to && (o.off ?? Infinity) > from);
      if (overlapping) sources.push({ kind: "tactile", brackets: tactileSlipBrackets(other, Math.max(from, overlapping.on + 0.03), Math.min(to, (overlapping.off ?? Infinity) - 0.01)) });
    }
    if (wrist) sources.push({ kind: "wrench", brackets: wrenchSlipBrackets(wrist, from, to) });
    if (!pad && wrist) sources.push({ kind: "tactile", brackets: sources.find((x) => x.kind === "wrench")!.brackets });
    for (const s of fuseSlips(sources, wrist !== undefined && pad !== undefined && CONTACT.slipNeedsWrist)) {
      // a lone force spike (the object knocking onto a support) shakes the pads too: an impact, not a slip
      if (wrist && isolatedSpikeNear(wrist, s.t, 0.03)) continue;
      events.push({ type: "slip", target: c.target, t: s.t, confidence: s.confidence });
    }
  }

  const guards = events.map((e) => e.t);
  for (const w of wrench) events.push(...impacts(w, guards));
  events.sort((a, b) => a.t - b.t || (a.target < b.target ? -1 : a.target > b.target ? 1 : 0));
  return { intervals, events };
}
