// The operator's script: the leader's tool path and gripper command for one episode, with the phase
// boundaries, all in *leader* time τ. The follower robot executes it `lag` seconds later.
import type { PhaseName } from "../types.ts";
import { GRIPPER } from "./robot.ts";
import { type CartesianKey, PosePath, ScalarProfile } from "./motion.ts";
import { type Quat64, quatFromRpy } from "./rigid.ts";
import type { Hesitation, Scenario } from "./scenario.ts";

/** Height of the tray floor's top face above the table, and the tray's inner half size. */
export const TRAY = { floorTop: 0.006, innerHalf: 0.07, wallHeight: 0.035, wall: 0.006 } as const;

/** Tool pointing down (flange z = −base z) with the fingers' closing direction set by `yaw`. */
export function downOrientation(yaw: number): Quat64 {
  // Rz(yaw) · Rx(π)
  return quatFromRpy(Math.PI, 0, yaw);
}

/** Gripper yaw the rest posture has: tool x at −45° about base z. */
export const NOMINAL_YAW = -Math.PI / 4;

export interface PlanEvents {
  /** Leader time the fingers start closing / the lift starts / the slip starts, etc. */
  closeStart: number;
  closeEnd: number;
  liftStart: number;
  liftEnd: number;
  /** Planned slip start (regrip or drop), leader time. */
  slipStart?: number;
  openStart?: number;
  openEnd?: number;
}

export interface Plan {
  /** Tool-centre-point path of the active arm, leader time. */
  path: PosePath;
  /** Commanded finger opening of the active arm, leader time. */
  gripper: ScalarProfile;
  /** Home TCP pose of the active arm (start and end of the episode). */
  home: CartesianKey;
  /** Phase start times in leader time, in order; the last phase runs to `end`. */
  phases: { phase: PhaseName; start: number }[];
  events: PlanEvents;
  end: number;
  /** Object centre relative to the TCP at the grasp (TCP frame), before any slide. */
  graspedObjectInTcp: [number, number, number];
  graspYaw: number;
  placeYaw: number;
  variations: string[];
}

const key = (x: number, y: number, z: number, yaw: number): CartesianKey => ({ position: [x, y, z], orientation: downOrientation(yaw) });

/** The member of {yaw + k·π/2} closest to `near`: a box can be grasped across either pair of faces. */
function graspYawFor(objectYaw: number, near: number): number {
  const k = Math.round((near - objectYaw) / (Math.PI / 2));
  return objectYaw + k * (Math.PI / 2);
}

export function buildPlan(s: Scenario, armBaseY: number): Plan {
  const pace = s.pace;
  const o = s.object;
  const h = o.halfExtents[2];
  const variations: string[] = [];
  const hes = (move: Hesitation["move"]): Hesitation | undefined => s.hesitations.find((x) => x.move === move);

  const homeYaw = NOMINAL_YAW;
  const home = key(0.36, armBaseY * 0.85, 0.3, homeYaw);
  const graspYaw = graspYawFor(o.yaw, NOMINAL_YAW);
  const cg = Math.cos(graspYaw), sg = Math.sin(graspYaw);
  // TCP offset along the gripper x axis (the finger plane), so the pads meet the faces off-centre
  const gx = o.x + cg * s.graspOffset, gy = o.y + sg * s.graspOffset;
  const zGrasp = 2 * h - s.graspDepth;
  const hover = 0.11;

  const path = new PosePath(home, 0);
  const gripper = new ScalarProfile(s.initialOpening);
  const phases: Plan["phases"] = [{ phase: "approach", start: 0 }];

  path.hold(0.4 * pace);
  const pre = key(gx, gy, zGrasp + hover, graspYaw);
  const approachTime = (1.3 + 0.9 * dist(home.position, pre.position)) * pace;
  if (s.initialOpening < GRIPPER.maxOpening) gripper.moveTo(path.now, path.now + 0.8 * pace, GRIPPER.maxOpening);
  const hA = hes("approach");
  if (hA) {
    path.moveWithPause(pre, approachTime, hA.fraction, hA.pause);
    variations.push(`hesitation: ${hA.pause.toFixed(2)} s pause during approach`);
  } else path.moveTo(pre, approachTime);
  path.moveTo(key(gx, gy, zGrasp, graspYaw), 0.9 * pace);

  // grasp: close on the object, let the grip settle
  phases.push({ phase: "grasp", start: path.now });
  const closeStart = path.now + 0.1 * pace;
  const closeEnd = closeStart + 0.6 * pace;
  const width = 2 * o.halfExtents[1];
  gripper.moveTo(closeStart, closeEnd, width - s.squeeze);
  path.hold(0.1 * pace + 0.6 * pace + 0.25 * pace);

  // lift
  const liftStart = path.now;
  phases.push({ phase: "lift", start: liftStart });
  const liftHeight = 0.12 + 0.04 * ((s.seed % 7) / 7);
  const liftTime = 1.0 * pace;
  path.moveTo(key(gx, gy, zGrasp + liftHeight, graspYaw), liftTime);
  const liftEnd = path.now;
  const events: PlanEvents = { closeStart, closeEnd, liftStart, liftEnd };

  // TCP frame: x along graspYaw, z down the tool axis, so the object centre sits at +z.
  const graspedObjectInTcp: [number, number, number] = [-s.graspOffset, 0, zGrasp - h];

  if (s.failure) {
    const slipAt = liftStart + s.failure.liftFraction * liftTime;
    events.slipStart = slipAt;
    variations.push(`failed grasp: weak grip, object slides out and drops ${(s.failure.liftFraction * 100).toFixed(0)}% into the lift`);
    // the operator sees the drop, stops a moment, opens the hand, backs off and goes home
    path.hold(1.2 * pace);
    phases.push({ phase: "release", start: path.now });
    events.openStart = path.now;
    events.openEnd = path.now + 0.5 * pace;
    gripper.moveTo(events.openStart, events.openEnd, GRIPPER.maxOpening);
    path.hold(0.6 * pace);
    phases.push({ phase: "retreat", start: path.now });
    path.moveTo(key(gx, gy, zGrasp + liftHeight + 0.06, graspYaw), 0.6 * pace);
    path.moveTo(home, (1.1 + 1.6 * dist(path.pose.position, home.position)) * pace).hold(0.4 * pace);
    return { path, gripper, home, phases, events, end: path.now, graspedObjectInTcp, graspYaw, placeYaw: graspYaw, variations };
  }

  // transport: carry over the tray, turning the wrist a little
  phases.push({ phase: "transport", start: path.now });
  const placeYaw = graspYaw + s.placeTwist;
  const slide = s.slip?.slide ?? 0;
  // TCP xy such that the object centre lands on the tray centre after the wrist turn
  const off = rotate2(-s.graspOffset, 0, placeYaw);
  const px = s.tray.x - off[0], py = s.tray.y - off[1];
  const tcpAboveObject = zGrasp - h + slide;
  const zPlace = TRAY.floorTop + h + tcpAboveObject - s.placePress;
  const carryZ = zGrasp + liftHeight;
  const above = key(px, py, Math.max(carryZ, zPlace + 0.08), placeYaw);
  const transportTime = (1.2 + 1.6 * dist(path.pose.position, above.position)) * pace;
  const transportStart = path.now;
  const hT = hes("transport");
  if (hT) {
    path.moveWithPause(above, transportTime, hT.fraction, hT.pause);
    variations.push(`hesitation: ${hT.pause.toFixed(2)} s pause during transport`);
  } else path.moveTo(above, transportTime);
  const transportEnd = path.now;

  if (s.slip) {
    const [a, b] = s.slip.phase === "lift" ? [liftStart, liftEnd] : [transportStart, transportEnd];
    events.slipStart = a + s.slip.fraction * (b - a);
    variations.push(`slip then regrip during ${s.slip.phase}: object slides ${(s.slip.slide * 1000).toFixed(1)} mm, operator squeezes harder`);
  }

  // place
  phases.push({ phase: "place", start: path.now });
  const hP = hes("place");
  const placeKey = key(px, py, zPlace, placeYaw);
  if (hP) {
    path.moveWithPause(placeKey, 1.1 * pace, hP.fraction, hP.pause);
    variations.push(`hesitation: ${hP.pause.toFixed(2)} s pause while placing`);
  } else path.moveTo(placeKey, 1.1 * pace);
  path.hold(0.25 * pace);

  // release
  phases.push({ phase: "release", start: path.now });
  events.openStart = path.now + 0.05 * pace;
  events.openEnd = events.openStart + 0.5 * pace;
  path.hold(0.7 * pace);

  // retreat: straight up, then home
  phases.push({ phase: "retreat", start: path.now });
  path.moveTo(key(px, py, zPlace + 0.1, placeYaw), 0.7 * pace);
  path.moveTo(home, (1.1 + 1.6 * dist(path.pose.position, home.position)) * pace).hold(0.4 * pace);

  // Gripper command, in time order: regrip squeeze (if any) then opening.
  if (s.slip && events.slipStart !== undefined) {
    const t0 = events.slipStart + s.slip.reaction;
    gripper.moveTo(t0, t0 + 0.25, width - s.squeeze - s.slip.extraSqueeze);
  }
  gripper.moveTo(events.openStart, events.openEnd, GRIPPER.maxOpening);

  return { path, gripper, home, phases, events, end: path.now, graspedObjectInTcp, graspYaw, placeYaw, variations };
}

function dist(a: readonly number[], b: readonly number[]): number {
  return Math.hypot(a[0]! - b[0]!, a[1]! - b[1]!, a[2]! - b[2]!);
}

function rotate2(x: number, y: number, yaw: number): [number, number] {
  const c = Math.cos(yaw), s = Math.sin(yaw);
  return [c * x - s * y, s * x + c * y];
}
