// Cross-modal offsets: the constant part of each stream's transport latency, which the one-way
// clock models cannot see (their host time is capture + constant latency), measured by
// cross-correlating physically related signals on the clock-corrected timelines:
//
//   IMU angular rate (imu frame)         vs  angular velocity of the IMU's link from joint states (J_ω q̇)
//   wrist force (F/T frame)              vs  the gripper's inertial load −m·a, a = acceleration of the
//                                            sensor from joint positions (FK, second difference)
//   fingertip tactile total pressure     vs  the gripper joint's effort in the joint states (the
//                                            grip force: grasp and release edges in both)
//   fingertip tactile total pressure     vs  wrist force of the same side along the gripper's
//                                            closing axis: the grip force leaks into it (finger
//                                            squeeze imbalance); gives the wrist force a second,
//                                            independent route
//   wrist force along the closing axis   vs  the gripper joint's effort: a third route
// A wrist force's correction is the median of its usable routes.
//
// SIGN CONVENTION. The reference is the joint-state stream (the arm controller, whose clock the
// host is synced to). For every other stream the result is
//
//   correctionNs = (constant latency of the stream) − (constant latency of the reference)
//
// i.e. how much later the same physical instant appears on the stream's clock-model timeline
// than on the reference's. It is SUBTRACTED from the clock model's host time:
//
//   corrected(stamp) = clockModel.toHost(stamp) − correctionNs
//
// (estimateLag's lagS with a = reference-derived signal, b = the stream, times 1e9.) Chained
// pairs add: correction(F/T via tactile) = correction(tactile) − lag(F/T → tactile); a pad
// without a gripper effort falls back to correction(F/T) + lag(F/T → tactile).
import type { RosMessage } from "../../runtime/api.ts";
import { estimateLag, type LagEstimate, type LagFeature, type TimedSignal } from "../xcorr/index.ts";
import { intoFrame, type JointSample, type KinematicsProvider } from "./kinematics.ts";
import { maskedLag } from "./masked-lag.ts";

export interface CrossModalSample {
  /** Clock-model host time of the message (no latency correction), ns. */
  timeNs: bigint;
  message: RosMessage;
}

export interface CrossModalStream {
  topic: string;
  /** Rig-profile kind: joint_states, imu, wrench, tactile. */
  kind: string;
  /** Header frame (imu_link, left_ft_sensor, ...). */
  frameId: string;
  /** Wrist side (wrench) or pad id (tactile), as the profile's `source`. */
  source?: string;
  samples: readonly CrossModalSample[];
}

export interface CrossModalOptions {
  /** Lag search window, s. Default 0.1. */
  maxLagS?: number;
  /** Correlation grid, Hz. Default 1000. */
  gridHz?: number;
  /**
   * The gripper's closing axis in the wrist F/T frame (0 x, 1 y, 2 z) and the sign with which
   * grip force shows on it. Default +y (the simulated rig's mounting).
   */
  gripAxis?: { axis: 0 | 1 | 2; sign: 1 | -1 };
  /** Edge-driven pairs (tactile): median over half-overlapping windows of this length; 0 = whole series. Default 10 s. */
  windowS?: number;
}

export interface CrossModalPair {
  /** The stream whose correction this pair measures. */
  topic: string;
  /** What it was correlated against: the reference topic, or the stream it is chained through. */
  against: string;
  signal: string;
  /** Per-axis (or single) estimates. */
  estimates: LagEstimate[];
  /** Combined lag, s (NaN when no estimate was usable). */
  lagS: number;
  usable: boolean;
  reason?: string;
}

export interface CrossModalResult {
  referenceTopic: string;
  /** Per topic: constant latency relative to the reference, ns (see the sign convention). Only usable ones. */
  correctionsNs: Record<string, number>;
  pairs: CrossModalPair[];
}

const TACTILE_SIGNAL = "d/dt total pressure vs d/dt wrist force along the closing axis";
const TACTILE_EFFORT_SIGNAL = "d/dt total pressure vs d/dt gripper joint effort (grip force)";
/** Half-width of the finite difference for accelerations from joint positions, samples. */
const ACCEL_HALF = 5;

function secondsFrom(origin: bigint, t: bigint): number {
  return Number(t - origin) / 1e9;
}

interface Series {
  t: number[];
  v: number[][];
}

function series(width: number): Series {
  return { t: [], v: Array.from({ length: width }, () => []) };
}

function toSignal(s: Series, k: number): TimedSignal {
  // Drop non-monotonic samples (reordered arrivals): resampling needs sorted times.
  const t: number[] = [];
  const v: number[] = [];
  for (let i = 0; i < s.t.length; i++) {
    const x = s.v[k]![i]!;
    if (!Number.isFinite(x)) continue;
    if (t.length > 0 && s.t[i]! <= t[t.length - 1]!) continue;
    t.push(s.t[i]!);
    v.push(x);
  }
  return { t: Float64Array.from(t), v: Float64Array.from(v) };
}

function jointSample(m: RosMessage): JointSample {
  return { names: m.name as string[], position: m.position as ArrayLike<number>, velocity: m.velocity as ArrayLike<number> };
}

/** Combine per-axis estimates: confidence-weighted mean of the usable ones. */
function combine(estimates: LagEstimate[]): { lagS: number; usable: boolean } {
  let sw = 0;
  let s = 0;
  for (const e of estimates) {
    if (!e.usable) continue;
    const w = Math.max(1e-6, e.confidence);
    s += w * e.lagS;
    sw += w;
  }
  return sw > 0 ? { lagS: s / sw, usable: true } : { lagS: Number.NaN, usable: false };
}

interface PairTuning {
  /** Median over windows (edge-driven pairs, where one demonstration can relate differently). */
  windowed?: boolean;
  feature: LagFeature;
  smoothingS: number;
  detrendS?: number;
  minCorrelation: number;
}

/**
 * Per pair, from the simulated reference rig (30–60 s episodes). The shared content is a small
 * part of each signal (gripper inertia is ~1 N against noise and object loads; grip edges are a
 * few per demo), so correlations stay low while the peaks are sharp and repeatable: the
 * thresholds are low and the peak-ratio test does the rejecting.
 */
const TUNING = {
  imu: { feature: "value", smoothingS: 0.02, minCorrelation: 0.3 },
  wrench: { feature: "value", smoothingS: 0.01, detrendS: 0.5, minCorrelation: 0.08 },
  tactile: { feature: "derivative", smoothingS: 0.05, minCorrelation: 0.15, windowed: true },
  tactileEffort: { feature: "derivative", smoothingS: 0.05, minCorrelation: 0.3, windowed: true },
} satisfies Record<string, PairTuning>;

function correlate(ref: Series, sig: Series, axes: number, tuning: PairTuning, options: Required<CrossModalOptions>): LagEstimate[] {
  const out: LagEstimate[] = [];
  for (let k = 0; k < axes; k++) {
    const a = toSignal(ref, k);
    const b = toSignal(sig, k);
    const lagOptions = {
      maxLagS: options.maxLagS,
      gridHz: options.gridHz,
      feature: tuning.feature,
      smoothingS: tuning.smoothingS,
      detrendS: tuning.detrendS,
      minCorrelation: tuning.minCorrelation,
    };
    out.push(tuning.windowed === true && options.windowS > 0 ? windowedLag(a, b, options.windowS, (x, y) => estimateLag(x, y, lagOptions)) : estimateLag(a, b, lagOptions));
  }
  return out;
}

function slice(s: TimedSignal, t0: number, t1: number): TimedSignal {
  const lo = lowerBound(s.t, t0);
  const hi = lowerBound(s.t, t1);
  return { t: s.t.subarray(lo, hi), v: s.v.subarray(lo, hi) };
}

function lowerBound(t: Float64Array, x: number): number {
  let lo = 0;
  let hi = t.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (t[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The lag over windows of `windowS` (half-overlapping), combined by the median of the usable
 * windows: one demonstration whose signals relate differently (a hesitation, a slipping grasp)
 * then cannot pull the estimate. Falls back to the whole series when fewer than 3 windows are usable.
 */
function windowedLag(a: TimedSignal, b: TimedSignal, windowS: number, estimate: (a: TimedSignal, b: TimedSignal) => LagEstimate): LagEstimate {
  const whole = estimate(a, b);
  if (a.t.length < 2) return whole;
  const t0 = a.t[0]!;
  const t1 = a.t[a.t.length - 1]!;
  const usable: LagEstimate[] = [];
  for (let w = t0; w + windowS <= t1 + 1e-9; w += windowS / 2) {
    const e = estimate(slice(a, w, w + windowS), slice(b, w - 1, w + windowS + 1));
    if (e.usable) usable.push(e);
  }
  if (usable.length < 3) return whole;
  usable.sort((x, y) => x.lagS - y.lagS);
  const mid = usable[Math.floor(usable.length / 2)]!;
  const lagS = usable.length % 2 === 1 ? mid.lagS : (usable[usable.length / 2 - 1]!.lagS + mid.lagS) / 2;
  return { ...mid, lagS, samples: usable.reduce((n, e) => n + e.samples, 0) };
}

/**
 * Contact edges in a total-pressure series: crossings of the half-way level between the quiet
 * floor and the contact plateau, counted only when the plateau stands far above the noise.
 */
function contactEdges(p: readonly number[]): number {
  if (p.length < 16) return 0;
  const sorted = [...p].sort((a, b) => a - b);
  const lo = sorted[Math.floor(0.05 * sorted.length)]!;
  const hi = sorted[Math.floor(0.99 * sorted.length)]!;
  const diffs = p.slice(1).map((x, i) => Math.abs(x - p[i]!)).sort((a, b) => a - b);
  const noise = diffs[Math.floor(diffs.length / 2)]! + 1e-12;
  if (hi - lo < 50 * noise) return 0;
  const mid = (lo + hi) / 2;
  let edges = 0;
  let above = p[0]! > mid;
  for (const x of p) {
    const now = x > mid;
    if (now !== above) edges++;
    above = now;
  }
  return edges;
}

/** Seconds kept clear around contact. */
const CONTACT_GUARD_S = 0.3;

/** keep(t): true outside every contact interval (any pad above its half-way level) ± guard. */
function noContact(pads: readonly Series[], guardS: number): (t: number) => boolean {
  const intervals: [number, number][] = [];
  for (const p of pads) {
    const v = p.v[0]!;
    if (contactEdges(v) === 0) continue;
    const sorted = [...v].sort((a, b) => a - b);
    const mid = (sorted[Math.floor(0.05 * sorted.length)]! + sorted[Math.floor(0.99 * sorted.length)]!) / 2;
    let start: number | undefined;
    for (let i = 0; i < v.length; i++) {
      if (v[i]! > mid && start === undefined) start = p.t[i]!;
      if (v[i]! <= mid && start !== undefined) {
        intervals.push([start - guardS, p.t[i]! + guardS]);
        start = undefined;
      }
    }
    if (start !== undefined) intervals.push([start - guardS, Infinity]);
  }
  intervals.sort((a, b) => a[0] - b[0]);
  return (t) => {
    for (const [a, b] of intervals) if (t >= a && t <= b) return false;
    return true;
  };
}

/** The side a pad or a wrist belongs to: "left_gripper_left_pad" → left; "left" → left. */
function sideOf(source: string | undefined, frameId: string): string | undefined {
  const s = source ?? frameId;
  if (s.startsWith("left")) return "left";
  if (s.startsWith("right")) return "right";
  return undefined;
}

export function estimateCrossModalOffsets(streams: readonly CrossModalStream[], kinematics: KinematicsProvider, options: CrossModalOptions = {}): CrossModalResult {
  const opts: Required<CrossModalOptions> = { maxLagS: options.maxLagS ?? 0.1, gridHz: options.gridHz ?? 1000, gripAxis: options.gripAxis ?? { axis: 1, sign: 1 }, windowS: options.windowS ?? 10 };
  const reference = streams.find((s) => s.kind === "joint_states");
  if (reference === undefined) throw new Error("cross-modal offsets need a joint_states stream as the reference");
  const all = streams.flatMap((s) => s.samples.map((x) => x.timeNs));
  const origin = all.reduce((a, b) => (b < a ? b : a), all[0] ?? 0n);
  const pairs: CrossModalPair[] = [];
  const corrections: Record<string, number> = { [reference.topic]: 0 };

  // Reference-derived signals, per frame, computed once.
  const refCache = new Map<string, { omega: Series; accel: Series }>();
  const fromJoints = (frame: string): { omega: Series; accel: Series } | undefined => {
    if (!kinematics.knows(frame)) return undefined;
    let c = refCache.get(frame);
    if (c !== undefined) return c;
    c = { omega: series(3), accel: series(3) };
    const pos: [number, number, number][] = [];
    const rot: Float64Array[] = [];
    for (const x of reference.samples) {
      const st = kinematics.frameState(frame, jointSample(x.message));
      if (st === undefined) continue;
      const t = secondsFrom(origin, x.timeNs);
      const w = intoFrame(st, st.angularVelocityRoot);
      pos.push(st.position);
      rot.push(st.rotation);
      c.omega.t.push(t);
      for (let k = 0; k < 3; k++) {
        c.omega.v[k]!.push(w[k]!);
      }
    }
    // Acceleration of the frame's origin (second central difference over ±ACCEL_HALF samples),
    // expressed in the frame: what a wrist force sensor feels as the gripper's inertia.
    const ts = c.omega.t;
    for (let i = ACCEL_HALF; i + ACCEL_HALF < pos.length; i++) {
      const h1 = ts[i]! - ts[i - ACCEL_HALF]!;
      const h2 = ts[i + ACCEL_HALF]! - ts[i]!;
      if (!(h1 > 0 && h2 > 0)) continue;
      const a: number[] = [0, 0, 0];
      for (let k = 0; k < 3; k++) a[k] = (2 * ((pos[i + ACCEL_HALF]![k]! - pos[i]![k]!) / h2 - (pos[i]![k]! - pos[i - ACCEL_HALF]![k]!) / h1)) / (h1 + h2);
      const af = intoFrame({ rotation: rot[i]!, angularVelocityRoot: [0, 0, 0], position: [0, 0, 0] }, a);
      c.accel.t.push(ts[i]!);
      for (let k = 0; k < 3; k++) c.accel.v[k]!.push(-af[k]!);
    }
    refCache.set(frame, c);
    return c;
  };

  for (const s of streams) {
    if (s.kind !== "imu") continue;
    const ref = fromJoints(s.frameId);
    if (ref === undefined) continue;
    const gyro = series(3);
    for (const x of s.samples) {
      const w = x.message.angular_velocity as { x: number; y: number; z: number };
      gyro.t.push(secondsFrom(origin, x.timeNs));
      gyro.v[0]!.push(w.x);
      gyro.v[1]!.push(w.y);
      gyro.v[2]!.push(w.z);
    }
    const estimates = correlate(ref.omega, gyro, 3, TUNING.imu, opts);
    const c = combine(estimates);
    pairs.push({ topic: s.topic, against: reference.topic, signal: "angular rate vs J_ω q̇ (imu frame)", estimates, ...c });
    if (c.usable) corrections[s.topic] = c.lagS * 1e9;
  }

  // Tactile totals per pad (also used to mask the wrist force pair to no-contact periods).
  const pressureSeries = new Map<string, Series>();
  for (const s of streams) {
    if (s.kind !== "tactile") continue;
    const p = series(1);
    for (const x of s.samples) {
      const arr = x.message.pressure as ArrayLike<number>;
      let sum = 0;
      for (let i = 0; i < arr.length; i++) sum += arr[i]!;
      p.t.push(secondsFrom(origin, x.timeNs));
      p.v[0]!.push(sum);
    }
    pressureSeries.set(s.topic, p);
  }

  const forceSeries = new Map<string, Series>();
  for (const s of streams) {
    if (s.kind !== "wrench") continue;
    const f = series(4);
    for (const x of s.samples) {
      const F = (x.message.wrench as { force: { x: number; y: number; z: number } }).force;
      f.t.push(secondsFrom(origin, x.timeNs));
      f.v[0]!.push(F.x);
      f.v[1]!.push(F.y);
      f.v[2]!.push(F.z);
      f.v[3]!.push(Math.hypot(F.x, F.y, F.z));
    }
    forceSeries.set(s.topic, f);
    const ref = fromJoints(s.frameId);
    if (ref === undefined) continue;
    // Only while this side's gripper touches nothing: then the wrist force is the gripper's own
    // inertia (plus constants), with no object load or squeeze in it.
    const side = sideOf(s.source, s.frameId);
    const pads = streams.filter((x) => x.kind === "tactile" && sideOf(x.source, x.frameId) === side).map((x) => pressureSeries.get(x.topic)!);
    const keep = noContact(pads, CONTACT_GUARD_S);
    const estimates: LagEstimate[] = [];
    for (let k = 0; k < 3; k++) {
      estimates.push(maskedLag(toSignal(ref.accel, k), toSignal(f, k), { maxLagS: opts.maxLagS, gridHz: opts.gridHz, ...TUNING.wrench, keep }));
    }
    const c = combine(estimates);
    pairs.push({ topic: s.topic, against: reference.topic, signal: "force vs −m·(acceleration of the sensor from joint positions), sensor frame, no-contact periods", estimates, ...c });
    if (c.usable) corrections[s.topic] = c.lagS * 1e9;
  }

  // Tactile: total pressure of each pad against (1) the gripper joint's effort in the joint
  // states (the grip force, on the reference clock) and (2) its side's wrist force along the
  // closing axis. (1) gives the correction; (2) is the wrist-force ↔ tactile relation, which
  // also gives the wrist force a second correction (tactile correction − lag).
  const effortCache = new Map<string, Series | undefined>();
  const gripEffort = (side: string): Series | undefined => {
    if (effortCache.has(side)) return effortCache.get(side);
    const e = series(1);
    for (const x of reference.samples) {
      const names = x.message.name as string[];
      const k = names.indexOf(`${side}_gripper`);
      const eff = x.message.effort as ArrayLike<number>;
      if (k < 0 || eff.length <= k) continue;
      e.t.push(secondsFrom(origin, x.timeNs));
      e.v[0]!.push(eff[k]!);
    }
    const out = e.t.length > 16 ? e : undefined;
    effortCache.set(side, out);
    return out;
  };
  const viaTactile = new Map<string, number[]>();
  for (const s of streams) {
    if (s.kind !== "tactile") continue;
    const side = sideOf(s.source, s.frameId);
    const p = pressureSeries.get(s.topic)!;
    const edges = contactEdges(p.v[0]!);
    if (edges < 2) {
      pairs.push({ topic: s.topic, against: reference.topic, signal: TACTILE_EFFORT_SIGNAL, estimates: [], lagS: Number.NaN, usable: false, reason: `no grasp in the data (${edges} contact edges)` });
      continue;
    }
    const effort = side === undefined ? undefined : gripEffort(side);
    if (effort !== undefined) {
      const estimates = correlate(effort, p, 1, TUNING.tactileEffort, opts);
      const c = combine(estimates);
      pairs.push({ topic: s.topic, against: reference.topic, signal: TACTILE_EFFORT_SIGNAL, estimates, ...c });
      if (c.usable) corrections[s.topic] = c.lagS * 1e9;
    }
    const wrist = streams.find((w) => w.kind === "wrench" && sideOf(w.source, w.frameId) === side);
    if (wrist === undefined) continue;
    const f = forceSeries.get(wrist.topic)!;
    // The grip force leaks into the wrist force along the gripper's closing axis (finger squeeze
    // imbalance); derivatives, because grasp and release are sharp edges in both.
    const axis = opts.gripAxis;
    const ref: Series = { t: f.t, v: [f.v[axis.axis]!.map((x) => axis.sign * x)] };
    const estimates = correlate(ref, p, 1, TUNING.tactile, opts);
    const c = combine(estimates);
    pairs.push({ topic: s.topic, against: wrist.topic, signal: TACTILE_SIGNAL, estimates, ...c });
    const tactileCorr = corrections[s.topic];
    if (c.usable && tactileCorr === undefined && corrections[wrist.topic] !== undefined) corrections[s.topic] = corrections[wrist.topic]! + c.lagS * 1e9;
    if (c.usable && tactileCorr !== undefined) viaTactile.set(wrist.topic, [...(viaTactile.get(wrist.topic) ?? []), tactileCorr - c.lagS * 1e9]);
  }
  // Wrist force routes to the reference: (1) arm inertia vs joint positions (above), (2) grip
  // edges via each pad of its side (tactile correction − lag), (3) the closing-axis force vs the
  // gripper effort directly. Their errors are independent and each is off by up to ~1 ms in some
  // episodes, so the correction is their median (mean of two; the pads of a side count once).
  for (const s of streams) {
    if (s.kind !== "wrench") continue;
    const routes: number[] = [];
    const direct = corrections[s.topic];
    if (direct !== undefined) routes.push(direct);
    const via = viaTactile.get(s.topic);
    if (via !== undefined && via.length > 0) {
      const mean = via.reduce((a, b) => a + b, 0) / via.length;
      pairs.push({ topic: s.topic, against: "tactile pads of its side", signal: "tactile correction − lag(wrist force → tactile)", estimates: [], lagS: mean / 1e9, usable: true });
      routes.push(mean);
    }
    const side = sideOf(s.source, s.frameId);
    const effort = side === undefined ? undefined : gripEffort(side);
    if (effort !== undefined && contactEdges(effort.v[0]!) >= 2) {
      const f = forceSeries.get(s.topic)!;
      const axis = opts.gripAxis;
      const sig: Series = { t: f.t, v: [f.v[axis.axis]!.map((x) => axis.sign * x)] };
      const estimates = correlate(effort, sig, 1, TUNING.tactile, opts);
      const c = combine(estimates);
      pairs.push({ topic: s.topic, against: reference.topic, signal: "d/dt wrist force along the closing axis vs d/dt gripper effort", estimates, ...c });
      if (c.usable) routes.push(c.lagS * 1e9);
    }
    if (routes.length === 0) continue;
    routes.sort((a, b) => a - b);
    const m = routes.length >> 1;
    corrections[s.topic] = routes.length % 2 === 1 ? routes[m]! : (routes[m - 1]! + routes[m]!) / 2;
  }

  return { referenceTopic: reference.topic, correctionsNs: corrections, pairs };
}
