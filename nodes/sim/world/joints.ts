// Joint-space motion of both arms: the leader (operator) trajectory from IK of the scripted tool path,
// and the follower that tracks it `lag` seconds later with a small, smooth tracking error.
import type { SidePrefix } from "../types.ts";
import { ARM_DOF, REST_POSTURE, armOffset } from "./robot.ts";
import { ArmKinematics, solveIk } from "./kinematics.ts";
import { UniformSpline } from "./motion.ts";
import type { Plan } from "./plan.ts";
import { downOrientation, NOMINAL_YAW } from "./plan.ts";
import { mat4 } from "gl-matrix";
import { type Mat4, newMat4 } from "./rigid.ts";
import { Prng } from "./rng.ts";

/** IK knot spacing of the leader trajectory, seconds (the spline interpolates between knots). */
export const KNOT_DT = 0.004;

interface Wobble {
  amp: number;
  omega: number;
  phase: number;
}

export interface IkQuality {
  maxPositionError: number;
  maxOrientationError: number;
}

export class ArmTrajectories {
  /** Leader joint spline of the active arm over leader time. */
  private readonly active: UniformSpline;
  private readonly idleHome: Float64Array;
  /** Operator's idle hand drifts a little: slow sway of the idle leader arm. */
  private readonly sway: Wobble[];
  /** Follower tracking error per arm joint (both arms). */
  private readonly tracking: Wobble[];
  readonly ik: IkQuality;

  constructor(
    readonly activeSide: SidePrefix,
    private readonly lag: number,
    plan: Plan,
    kin: Record<SidePrefix, ArmKinematics>,
    seed: number,
  ) {
    const r = new Prng(seed ^ 0x51f15e);
    const kinA = kin[activeSide];
    // home posture: solve from the rest posture until converged
    const target = newMat4();
    plan.path.sample(0, target);
    let q: ArrayLike<number> = solveIk(kinA, target, REST_POSTURE, undefined, { maxIterations: 500 }).q;
    const n = Math.ceil(plan.end / KNOT_DT) + 1;
    const knots = new Float64Array(n * ARM_DOF);
    let maxP = 0, maxR = 0;
    for (let k = 0; k < n; k++) {
      plan.path.sample(k * KNOT_DT, target);
      const res = solveIk(kinA, target, q, undefined, { maxIterations: 60, stepTolerance: 1e-10 });
      q = res.q;
      maxP = Math.max(maxP, res.positionError);
      maxR = Math.max(maxR, res.orientationError);
      knots.set(res.q, k * ARM_DOF);
    }
    this.ik = { maxPositionError: maxP, maxOrientationError: maxR };
    this.active = new UniformSpline(0, KNOT_DT, ARM_DOF, knots);

    const idle: SidePrefix = activeSide === "right" ? "left" : "right";
    const kinI = kin[idle];
    const baseY = kinI.base[13]!;
    const idleTarget = mat4.fromRotationTranslation(newMat4(), downOrientation(NOMINAL_YAW), [0.33, baseY * 0.9, 0.28]) as Mat4;
    this.idleHome = solveIk(kinI, idleTarget, REST_POSTURE, undefined, { maxIterations: 500 }).q;

    this.sway = Array.from({ length: ARM_DOF }, (_, j) => ({
      amp: j === 0 || j === 1 || j === 3 ? r.uniform(0.002, 0.005) : r.uniform(0.0005, 0.0015),
      omega: 2 * Math.PI * r.uniform(0.12, 0.35),
      phase: r.uniform(0, 2 * Math.PI),
    }));
    this.tracking = Array.from({ length: 2 * ARM_DOF }, () => ({
      amp: r.uniform(0.0001, 0.0003),
      omega: 2 * Math.PI * r.uniform(0.6, 1.8),
      phase: r.uniform(0, 2 * Math.PI),
    }));
  }

  /** Leader arm joints (14, names order) at leader/host time t. */
  leader(t: number, pos: Float64Array, vel?: Float64Array): void {
    const a = armOffset(this.activeSide);
    const i = armOffset(this.activeSide === "right" ? "left" : "right");
    this.active.evaluate(t, pos, vel, a);
    for (let j = 0; j < ARM_DOF; j++) {
      const w = this.sway[j]!;
      pos[i + j] = this.idleHome[j]! + w.amp * Math.sin(w.omega * t + w.phase);
      if (vel) vel[i + j] = w.amp * w.omega * Math.cos(w.omega * t + w.phase);
    }
  }

  /** Follower arm joints: leader delayed by `lag`, plus a small smooth tracking error. */
  follower(t: number, pos: Float64Array, vel: Float64Array): void {
    this.leader(t - this.lag, pos, vel);
    for (let j = 0; j < 2 * ARM_DOF; j++) {
      const w = this.tracking[j]!;
      const ph = w.omega * t + w.phase;
      pos[j] = pos[j]! + w.amp * Math.sin(ph);
      vel[j] = vel[j]! + w.amp * w.omega * Math.cos(ph);
    }
  }
}
