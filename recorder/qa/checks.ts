// The QA checks: pure functions over what one pass of the aligned episode collected (per-stream
// corrected times, the arm's joint states) plus the pivot-frame skews from resample().
import type { QaFinding, QaStreamStats, QaThresholds } from "./api.ts";

export interface StreamTimes {
  topic: string;
  type: string;
  /** Corrected times, ascending, ns. */
  times: bigint[];
  segments: number;
  /** Rig profile's rate, Hz. */
  expectedHz?: number;
}

const round = (x: number, d = 3): number => Math.round(x * 10 ** d) / 10 ** d;

/** Seconds from the episode start. */
export type ToS = (ns: bigint) => number;

function median(xs: number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

export function streamStats(s: StreamTimes, durationS: number): QaStreamStats {
  let maxGap = 0;
  for (let i = 1; i < s.times.length; i++) maxGap = Math.max(maxGap, Number(s.times[i]! - s.times[i - 1]!) / 1e9);
  return {
    topic: s.topic,
    type: s.type,
    messages: s.times.length,
    rateHz: durationS > 0 ? round(s.times.length / durationS, 2) : 0,
    ...(s.expectedHz !== undefined ? { expectedHz: s.expectedHz } : {}),
    maxGapS: round(maxGap),
    segments: s.segments,
  };
}

/** Under-rate, gaps and clock jumps of one stream. */
export function streamFindings(s: StreamTimes, durationS: number, toS: ToS, th: QaThresholds): QaFinding[] {
  const out: QaFinding[] = [];
  const n = s.times.length;
  if (n === 0) {
    if (s.expectedHz !== undefined) out.push({ check: "missing-stream", severity: "fail", topic: s.topic, message: `${s.topic}: no message at all (the rig profile expects ${s.expectedHz} Hz)` });
    return out;
  }
  const gaps: number[] = [];
  for (let i = 1; i < n; i++) gaps.push(Number(s.times[i]! - s.times[i - 1]!) / 1e9);
  const ownHz = gaps.length >= 9 ? 1 / median(gaps) : undefined;
  const expectedHz = s.expectedHz ?? ownHz;
  if (expectedHz !== undefined && Number.isFinite(expectedHz) && durationS > 0 && n >= 2) {
    const rate = n / durationS;
    const ratio = rate / expectedHz;
    if (ratio < th.underRateWarn) {
      const fail = ratio < th.underRateFail;
      out.push({
        check: "under-rate",
        severity: fail ? "fail" : "warn",
        topic: s.topic,
        message: `${s.topic}: ${rate.toFixed(1)} Hz, ${(ratio * 100).toFixed(0)}% of the ${s.expectedHz !== undefined ? "profile's" : "stream's median"} ${expectedHz.toFixed(1)} Hz`,
        value: round(ratio),
        threshold: fail ? th.underRateFail : th.underRateWarn,
      });
    }
  }
  if (expectedHz !== undefined && Number.isFinite(expectedHz)) {
    const limit = Math.max(th.gapPeriods / expectedHz, th.gapMinS);
    for (let i = 1; i < n; i++) {
      const g = gaps[i - 1]!;
      if (g <= limit) continue;
      const fail = g > th.gapFailS;
      out.push({
        check: "gap",
        severity: fail ? "fail" : "warn",
        topic: s.topic,
        message: `${s.topic}: no message for ${g.toFixed(3)} s (${(g * expectedHz).toFixed(0)} periods)`,
        startS: round(toS(s.times[i - 1]!)),
        endS: round(toS(s.times[i]!)),
        value: round(g),
        threshold: round(fail ? th.gapFailS : limit),
      });
    }
  }
  if (s.segments > 1) {
    out.push({ check: "clock-jump", severity: "warn", topic: s.topic, message: `${s.topic}: the sensor clock jumped (${s.segments} clock segments)`, value: s.segments, threshold: 1 });
  }
  return out;
}

export interface JointSeries {
  topic: string;
  /** Corrected times, s from the episode start. */
  t: number[];
  /** Arm joint positions per sample (gripper joints excluded). */
  positions: Float64Array[];
  /** Arm joint speeds per sample (max |velocity| over arm joints); NaN when not given. */
  speed: number[];
}

/** Arm joints: everything but gripper/finger joints. */
export const isArmJoint = (name: string): boolean => !/gripper|finger/i.test(name);

/** Idle stretches and hesitations: stillness of the arm joints. */
export function motionFindings(j: JointSeries, durationS: number, th: QaThresholds): QaFinding[] {
  const n = j.t.length;
  if (n < 3) return [];
  // speed from the message when present, else from finite differences of positions
  const speed = j.speed.map((v, i) => {
    if (Number.isFinite(v)) return v;
    const a = Math.max(0, i - 1);
    const b = Math.min(n - 1, i + 1);
    const dt = j.t[b]! - j.t[a]!;
    if (dt <= 0) return 0;
    let m = 0;
    const pa = j.positions[a]!;
    const pb = j.positions[b]!;
    for (let k = 0; k < pa.length; k++) m = Math.max(m, Math.abs((pb[k]! - pa[k]!) / dt));
    return m;
  });
  const still: Array<{ from: number; to: number }> = [];
  let start = -1;
  for (let i = 0; i <= n; i++) {
    const isStill = i < n && speed[i]! < th.idleSpeedRadS;
    if (isStill && start < 0) start = i;
    if (!isStill && start >= 0) {
      still.push({ from: j.t[start]!, to: j.t[i - 1]! });
      start = -1;
    }
  }
  const out: QaFinding[] = [];
  const moving = speed.some((v) => v >= th.idleSpeedRadS);
  if (!moving) {
    out.push({ check: "idle", severity: "fail", topic: j.topic, message: `${j.topic}: the arms never move (joint speed < ${th.idleSpeedRadS} rad/s throughout)`, startS: 0, endS: round(durationS) });
    return out;
  }
  let idleTotal = 0;
  let hesitations = 0;
  const first = j.t[0]!;
  const last = j.t[n - 1]!;
  for (const s of still) {
    const d = s.to - s.from;
    const mid = s.from > first && s.to < last;
    if (d >= th.idleS) {
      idleTotal += d;
      out.push({
        check: "idle",
        severity: "warn",
        topic: j.topic,
        message: `${j.topic}: arms still for ${d.toFixed(1)} s${mid ? " mid-episode" : s.from <= first ? " at the start" : " at the end"}`,
        startS: round(s.from),
        endS: round(s.to),
        value: round(d),
        threshold: th.idleS,
      });
    } else if (mid && d >= th.hesitationMinS) hesitations++;
  }
  if (durationS > 0 && idleTotal / durationS > th.idleFailFraction) {
    out.push({ check: "idle", severity: "fail", topic: j.topic, message: `${j.topic}: arms still ${((idleTotal / durationS) * 100).toFixed(0)}% of the episode`, value: round(idleTotal / durationS), threshold: th.idleFailFraction });
  }
  if (hesitations > th.maxHesitations) {
    out.push({ check: "hesitation", severity: "warn", topic: j.topic, message: `${j.topic}: ${hesitations} hesitations (stops of ${th.hesitationMinS}–${th.idleS} s mid-episode)`, value: hesitations, threshold: th.maxHesitations });
  }
  return out;
}

/** Jerk outliers: third derivative of each arm joint's position, robust z-score (median/MAD). */
export function jerkFindings(j: JointSeries, th: QaThresholds): QaFinding[] {
  const n = j.t.length;
  if (n < 8) return [];
  const width = j.positions[0]?.length ?? 0;
  const jerks: number[] = [];
  const at: number[] = [];
  for (let i = 3; i < n; i++) {
    const h = (j.t[i]! - j.t[i - 3]!) / 3;
    if (!(h > 0)) continue;
    let m = 0;
    for (let k = 0; k < width; k++) {
      const p0 = j.positions[i - 3]![k]!, p1 = j.positions[i - 2]![k]!, p2 = j.positions[i - 1]![k]!, p3 = j.positions[i]![k]!;
      if ([p0, p1, p2, p3].some((p) => p === undefined || !Number.isFinite(p))) continue;
      // third difference on (nearly) uniform samples; the corrected times' jitter is far below h
      const jerk = (p3 - 3 * p2 + 3 * p1 - p0) / (h * h * h);
      if (Math.abs(jerk) > m) m = Math.abs(jerk);
    }
    jerks.push(m);
    at.push(j.t[i - 1]!);
  }
  if (jerks.length === 0) return [];
  const med = median(jerks);
  const mad = median(jerks.map((x) => Math.abs(x - med))) || 1e-9;
  const limit = Math.max(med + th.jerkMadK * mad, th.jerkMinRadS3);
  const outliers: number[] = [];
  jerks.forEach((x, i) => {
    if (x > limit) outliers.push(i);
  });
  // One glitch (a position step) shows in the ~3 samples its third difference spans: count events.
  let events = 0;
  outliers.forEach((k, i) => {
    if (i === 0 || k - outliers[i - 1]! > 5) events++;
  });
  if (events <= th.maxJerkOutliers) return [];
  const worst = outliers.reduce((a, b) => (jerks[b]! > jerks[a]! ? b : a));
  return [
    {
      check: "jerk",
      severity: "warn",
      topic: j.topic,
      message: `${j.topic}: ${events} jerk outlier${events === 1 ? "" : "s"} (worst ${jerks[worst]!.toFixed(0)} rad/s³ at ${at[worst]!.toFixed(2)} s; limit ${limit.toFixed(0)})`,
      startS: round(at[outliers[0]!]!),
      endS: round(at[outliers[outliers.length - 1]!]!),
      value: events,
      threshold: th.maxJerkOutliers,
    },
  ];
}

export interface SkewTally {
  pivot: string;
  frames: number;
  /** Per stream: frames where it was beyond tolerance (stale or missing), and its worst |skew| (ms). */
  perStream: Map<string, { bad: number; worstMs: number; toleranceMs: number }>;
  /** Frames where any stream was beyond tolerance. */
  badFrames: number;
}

export function skewFindings(s: SkewTally, th: QaThresholds): QaFinding[] {
  if (s.frames === 0) return [];
  const out: QaFinding[] = [];
  const fraction = s.badFrames / s.frames;
  if (fraction > th.skewWarnFraction) {
    const fail = fraction > th.skewFailFraction;
    const worst = [...s.perStream.entries()]
      .filter(([, v]) => v.bad > 0)
      .sort(([, a], [, b]) => b.bad - a.bad)
      .slice(0, 3)
      .map(([t, v]) => `${t} ${v.bad}× (worst ${v.worstMs.toFixed(1)} ms, tolerance ${v.toleranceMs.toFixed(1)} ms)`);
    out.push({
      check: "sync-skew",
      severity: fail ? "fail" : "warn",
      message: `${s.badFrames} of ${s.frames} ${s.pivot} frames (${(fraction * 100).toFixed(1)}%) have a stream beyond tolerance: ${worst.join("; ")}`,
      value: round(fraction),
      threshold: fail ? th.skewFailFraction : th.skewWarnFraction,
    });
  }
  return out;
}
