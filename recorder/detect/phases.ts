// Phase proposals for a pick-and-place from the active arm's joint speed and its gripper's
// aperture (sensor_msgs/JointState), refined by the detected contact:
//
//   approach   start → the arm comes to rest before the gripper closes
//   grasp      → the arm starts moving after the gripper closed
//   lift       the first move with the object
//   transport  the moves between lift and place (absent when there are only two)
//   place      the last move before the gripper opens
//   release    the gripper opens → the arm starts moving again
//   retreat    → end
//
// A dropped object (contact lost before the gripper opens) has no transport/place: lift runs
// until the gripper opens. The active arm is the one whose gripper closed the most.
import type { ContactInterval } from "./contacts.ts";
import type { JointSeries, Side } from "./series.ts";
import { medianPeriod } from "./stats.ts";

export interface DetectedPhase {
  type: string;
  start: number;
  end: number;
  confidence: number;
}

interface Interval {
  a: number;
  b: number;
}

/** Centred moving average over ±half samples (NaN-free input). */
function smooth(x: Float64Array, half: number): Float64Array {
  const n = x.length;
  const out = new Float64Array(n);
  let s = 0;
  let a = 0;
  let b = 0;
  for (let i = 0; i < n; i++) {
    const lo = Math.max(0, i - half);
    const hi = Math.min(n, i + half + 1);
    while (b < hi) s += x[b++]!;
    while (a < lo) s -= x[a++]!;
    out[i] = s / (hi - lo);
  }
  return out;
}

/** Intervals (in seconds) where `x` is above `threshold`, merging gaps shorter than `gapS`, dropping runs shorter than `minS`. */
function runsAbove(t: Float64Array, x: Float64Array, threshold: number, gapS: number, minS: number): Interval[] {
  const runs: Interval[] = [];
  let start = -1;
  for (let i = 0; i < x.length; i++) {
    if (x[i]! > threshold) {
      if (start < 0) start = i;
    } else if (start >= 0) {
      runs.push({ a: t[start]!, b: t[i]! });
      start = -1;
    }
  }
  if (start >= 0) runs.push({ a: t[start]!, b: t[t.length - 1]! });
  const merged: Interval[] = [];
  for (const r of runs) {
    const last = merged[merged.length - 1];
    if (last && r.a - last.b < gapS) last.b = r.b;
    else merged.push({ ...r });
  }
  return merged.filter((r) => r.b - r.a >= minS);
}

function joint(j: JointSeries, name: string): { pos: Float64Array; vel: Float64Array } | undefined {
  const k = j.names.indexOf(name);
  if (k < 0) return undefined;
  return { pos: fillNaN(j.position[k]!), vel: fillNaN(j.velocity[k]!) };
}

function fillNaN(x: Float64Array): Float64Array {
  const out = Float64Array.from(x);
  let last = 0;
  for (let i = 0; i < out.length; i++) {
    if (Number.isFinite(out[i]!)) last = out[i]!;
    else out[i] = last;
  }
  return out;
}

/** Gripper joint of a side (`left_gripper`, or any joint named like a gripper/finger of that side). */
function gripperName(names: string[], side: Side): string | undefined {
  return names.find((n) => n === `${side}_gripper`) ?? names.find((n) => n.startsWith(side) && /gripper|finger/.test(n));
}

function armJointNames(names: string[], side: Side): string[] {
  return names.filter((n) => n.startsWith(`${side}_`) && /joint/.test(n));
}

export function proposePhases(j: JointSeries | undefined, contacts: readonly ContactInterval[]): DetectedPhase[] {
  if (!j || j.t.length < 20) return [];
  const t = j.t;
  const end = t[t.length - 1]!;
  const dt = medianPeriod(t);
  const half = Math.max(1, Math.round(0.03 / dt));

  // the active side: the gripper that closed the most
  let side: Side | undefined;
  let best = 0;
  for (const s of ["left", "right"] as const) {
    const g = gripperName(j.names, s);
    if (!g) continue;
    const pos = joint(j, g)!.pos;
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of pos) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    const range = hi - lo;
    const touched = contacts.some((c) => c.side === s);
    const score = range + (touched ? 1 : 0);
    if (score > best) {
      best = score;
      side = s;
    }
  }
  if (!side) return [];
  const gname = gripperName(j.names, side)!;
  const g = joint(j, gname)!;
  const gv = smooth(g.vel, half);
  // gripper motion: closing and opening intervals (|velocity| above 5 % of its peak)
  let gpeak = 0;
  for (const v of gv) gpeak = Math.max(gpeak, Math.abs(v));
  const closing = runsAbove(t, gv.map((v) => -v), 0.05 * gpeak, 0.1, 0.05);
  const opening = runsAbove(t, gv, 0.05 * gpeak, 0.1, 0.05);

  // arm speed: norm of the arm's joint velocities
  const armNames = armJointNames(j.names, side);
  const speed = new Float64Array(t.length);
  for (const n of armNames) {
    const v = joint(j, n)!.vel;
    for (let i = 0; i < t.length; i++) speed[i] = speed[i]! + v[i]! * v[i]!;
  }
  for (let i = 0; i < t.length; i++) speed[i] = Math.sqrt(speed[i]!);
  const sp = smooth(speed, half);
  let speak = 0;
  for (const v of sp) speak = Math.max(speak, v);
  if (speak <= 0) return [];
  const moves = runsAbove(t, sp, 0.04 * speak, 0.0, 0.1);

  const sideContacts = contacts.filter((c) => c.side === side).sort((x, y) => x.on - y.on);
  const out: DetectedPhase[] = [];
  const push = (type: string, start: number, stop: number, confidence: number) => {
    if (stop > start) out.push({ type, start, end: stop, confidence });
  };

  // One pick-and-place cycle per closing of the gripper (a recording can hold several demos).
  let cycleStart = t[0]!;
  for (let k = 0; k < closing.length; k++) {
    const close = closing[k]!;
    if (close.a < cycleStart) continue;
    // closings before this cycle's opening are a regrip or the fingers snapping shut after a drop
    const open = opening.find((o) => o.a > close.b);
    const nextClose = open ? closing.find((c) => c.a > open.b) : undefined;
    const contact = sideContacts.find((c) => c.on <= close.b + 0.05 && (c.off ?? Infinity) >= close.a);
    // with tactile pads, a closing that touched nothing is not a grasp (e.g. a gripper reset)
    if (sideContacts.length > 0 && !contact) continue;

    const before = moves.filter((m) => m.b <= close.a + 0.05 && m.b > cycleStart);
    const graspStart = before.length > 0 ? before[before.length - 1]!.b : close.a;
    push("approach", cycleStart, graspStart, 0.7);
    const afterClose = moves.filter((m) => m.a >= close.b - 0.05 && (open === undefined ? nextClose === undefined || m.a < nextClose.a : m.a < open.a));
    const liftStart = afterClose[0]?.a ?? close.b;
    push("grasp", graspStart, liftStart, 0.7);
    const dropped = contact?.off !== undefined && open !== undefined && contact.off < open.a - 0.1;
    const releaseStart = open?.a ?? (nextClose ? nextClose.a : end);
    if (dropped || afterClose.length <= 1) {
      push("lift", liftStart, releaseStart, dropped ? 0.5 : 0.6);
    } else {
      const lift = afterClose[0]!;
      const place = afterClose[afterClose.length - 1]!;
      push("lift", lift.a, lift.b, 0.6);
      push("transport", lift.b, place.a, afterClose.length >= 3 ? 0.6 : 0.3);
      push("place", place.a, releaseStart, 0.6);
    }
    if (!open) break;
    if (nextClose) k = closing.indexOf(nextClose) - 1;
    // retreat: the moves after the gripper opened, up to the last one before the next cycle's
    // approach (a pause longer than 0.3 s separates them)
    const retreatMoves = moves.filter((m) => m.a >= open.a && (nextClose === undefined || m.b <= nextClose.a));
    const retreatStart = retreatMoves[0] ? Math.max(retreatMoves[0].a, open.a) : open.b;
    push("release", releaseStart, retreatStart, 0.7);
    let retreatEnd = nextClose === undefined ? end : retreatMoves[0]?.b ?? retreatStart;
    if (nextClose !== undefined) {
      for (let i = 1; i < retreatMoves.length && retreatMoves[i]!.a - retreatMoves[i - 1]!.b < 0.3; i++) retreatEnd = retreatMoves[i]!.b;
    }
    push("retreat", retreatStart, retreatEnd, 0.7);
    cycleStart = retreatEnd;
  }
  return out;
}
