// Joint-space motion of both arms: the leader (operator) trajectory from IK of the scripted tool path,
// and the follower that tracks it `lag` seconds later with a small, smooth tracking error. Both are
// baked into 14-channel splines at construction, so a query is one spline evaluation.
import { mat4 } from "gl-matrix";
import type { SidePrefix } from "../types.ts";
import { ARM_DOF, REST_POSTURE, armOffset } from "./robot.ts";
import { type ArmKinematics, solveIk } from "./kinematics.ts";
import { UniformSpline } from "./motion.ts";
import type { Plan } from "./plan.ts";
import { downOrientation, NOMINAL_YAW } from "./plan.ts";
import { type Mat4, newMat4 } from "./rigid.ts";
import { Prng } from "./rng.ts";

/** Knot spacing of the joint splines, seconds. */
export const KNOT_DT = 0.004;
/** The splines start this long before t = 0 so that leader(t − lag) is defined from the start. */
const PRE_ROLL = 0.2;
/** How long a demonstration takes to blend in from where the previous one left the arms, s. */
export const START_BLEND_S = 1.2;

/**
 * Weight of the start offset at t: 1 up to t = 0, falling smoothly (C¹ smoothstep) to 0 at
 * START_BLEND_S. Adding weight(t)·(previous end − own start) to a trajectory makes back-to-back
 * demonstrations continuous in position and velocity, and leaves it untouched after the blend.
 */
export function startBlendWeight(t: number): number {
  if (t <= 0) return 1;
  if (t >= START_BLEND_S) return 0;
  const x = t / START_BLEND_S;
  return 1 - x * x * (3 - 2 * x);
}

/** d(weight)/dt. */
export function startBlendRate(t: number): number {
  if (t <= 0 || t >= START_BLEND_S) return 0;
  const x = t / START_BLEND_S;
  return (-6 * x * (1 - x)) / START_BLEND_S;
}

/** Where the previous demonstration left the arms (noiseless joint positions, JOINT_NAMES order). */
export interface StartJoints {
  leader: ArrayLike<number>;
  follower: ArrayLike<number>;
}

interface Wobble {
  amp: number;
  omega: number;
  phase: number;
}
const wobble = (w: Wobble, t: number): number => w.amp * Math.sin(w.omega * t + w.phase);

export interface IkQuality {
  maxPositionError: number;
  maxOrientationError: number;
}

export class ArmTrajectories {
  private readonly leaderSpline: UniformSpline;
  private readonly followerSpline: UniformSpline;
  readonly ik: IkQuality;

  constructor(
    readonly activeSide: SidePrefix,
    lag: number,
    plan: Plan,
    kin: Record<SidePrefix, ArmKinematics>,
    seed: number,
    startFrom?: StartJoints,
  ) {
    const r = new Prng(seed ^ 0x51f15e);
    const kinA = kin[activeSide];
    // active arm: IK along the tool path, warm-started knot to knot
    const target = newMat4();
    plan.path.sample(0, target);
    let q: ArrayLike<number> = solveIk(kinA, target, REST_POSTURE, undefined, { maxIterations: 500 }).q;
    const n = Math.ceil(plan.end / KNOT_DT) + 1;
    const knots = new Float64Array(n * ARM_DOF);
    let maxP = 0, maxR = 0;
    for (let k = 0; k < n; k++) {
      plan.path.sample(k * KNOT_DT, target);
      const res = solveIk(kinA, target, q, undefined, { maxIterations: 12, stepTolerance: 1e-9, nullGain: 0.3 });
      q = res.q;
      maxP = Math.max(maxP, res.positionError);
      maxR = Math.max(maxR, res.orientationError);
      knots.set(res.q, k * ARM_DOF);
    }
    this.ik = { maxPositionError: maxP, maxOrientationError: maxR };
    const active = new UniformSpline(0, KNOT_DT, ARM_DOF, knots);

    // idle arm: holds a home pose, with the slow sway of an operator's resting hand
    const idle: SidePrefix = activeSide === "right" ? "left" : "right";
    const kinI = kin[idle];
    const idleTarget = mat4.fromRotationTranslation(newMat4(), downOrientation(NOMINAL_YAW), [0.33, kinI.base[13]! * 0.9, 0.28]) as Mat4;
    const idleHome = solveIk(kinI, idleTarget, REST_POSTURE, undefined, { maxIterations: 500 }).q;
    const sway: Wobble[] = Array.from({ length: ARM_DOF }, (_, j) => ({
      amp: j === 0 || j === 1 || j === 3 ? r.uniform(0.002, 0.005) : r.uniform(0.0005, 0.0015),
      omega: 2 * Math.PI * r.uniform(0.12, 0.35),
      phase: r.uniform(0, 2 * Math.PI),
    }));
    const tracking: Wobble[] = Array.from({ length: 2 * ARM_DOF }, () => ({
      amp: r.uniform(0.0001, 0.0003),
      omega: 2 * Math.PI * r.uniform(0.6, 1.8),
      phase: r.uniform(0, 2 * Math.PI),
    }));

    const aOff = armOffset(activeSide), iOff = armOffset(idle);
    const tmp = new Float64Array(ARM_DOF);
    const leaderAt = (t: number, out: Float64Array, base: number) => {
      active.evaluate(t, tmp, undefined);
      for (let j = 0; j < ARM_DOF; j++) {
        out[base + aOff + j] = tmp[j]!;
        out[base + iOff + j] = idleHome[j]! + wobble(sway[j]!, t);
      }
    };
    const m = Math.ceil((plan.end + lag + 2 * PRE_ROLL) / KNOT_DT) + 1;
    const C = 2 * ARM_DOF;
    const leaderKnots = new Float64Array(m * C);
    const followerKnots = new Float64Array(m * C);
    for (let k = 0; k < m; k++) {
      const t = -PRE_ROLL + k * KNOT_DT;
      leaderAt(t, leaderKnots, k * C);
      leaderAt(t - lag, followerKnots, k * C);
      for (let j = 0; j < C; j++) followerKnots[k * C + j] = followerKnots[k * C + j]! + wobble(tracking[j]!, t);
    }
    if (startFrom !== undefined) {
      // Blend in from the previous demonstration's end: offsets at t = 0, faded over START_BLEND_S.
      blendKnots(leaderKnots, C, startFrom.leader, -PRE_ROLL);
      blendKnots(followerKnots, C, startFrom.follower, -PRE_ROLL);
    }
    this.leaderSpline = new UniformSpline(-PRE_ROLL, KNOT_DT, C, leaderKnots);
    this.followerSpline = new UniformSpline(-PRE_ROLL, KNOT_DT, C, followerKnots);
  }

  /** Leader arm joints (14, names order) at host time t. */
  leader(t: number, pos: Float64Array, vel?: Float64Array): void {
    this.leaderSpline.evaluate(t, pos, vel);
  }

  /** Follower arm joints: leader delayed by `lag`, plus a small smooth tracking error. */
  follower(t: number, pos: Float64Array, vel: Float64Array): void {
    this.followerSpline.evaluate(t, pos, vel);
  }
}

/** Adds weight(t)·(start − knots at t = 0) to the first C channels of knots starting at t0. */
function blendKnots(knots: Float64Array, C: number, start: ArrayLike<number>, t0: number): void {
  const k0 = Math.round(-t0 / KNOT_DT);
  const offset = new Float64Array(C);
  for (let j = 0; j < C; j++) offset[j] = start[j]! - knots[k0 * C + j]!;
  const m = knots.length / C;
  for (let k = 0; k < m; k++) {
    const w = startBlendWeight(t0 + k * KNOT_DT);
    if (w === 0) break;
    for (let j = 0; j < C; j++) knots[k * C + j] = knots[k * C + j]! + w * offset[j]!;
  }
}
