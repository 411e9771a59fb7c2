// Forward kinematics, geometric Jacobian and damped-least-squares IK of one arm.
import { mat4 } from "gl-matrix";
import { ARM_DOF, ARM_JOINTS, FLANGE_ORIGIN, GRIPPER, REST_POSTURE } from "./robot.ts";
import { type Mat4, mat4FromXyzRpy, newMat4, orientationError } from "./rigid.ts";

const JOINT_ORIGINS: readonly Mat4[] = ARM_JOINTS.map((j) => mat4FromXyzRpy(j.origin.xyz, j.origin.rpy));
const FLANGE_LOCAL: Mat4 = mat4FromXyzRpy(FLANGE_ORIGIN.xyz, FLANGE_ORIGIN.rpy);
/** flange → tool centre point (between the pads). */
export const TCP_LOCAL: Mat4 = mat4FromXyzRpy([0, 0, GRIPPER.padZ], [0, 0, 0]);

/** World poses of one arm's moving frames: links 1..7 then the flange. */
export class ArmFrames {
  readonly links: Mat4[] = Array.from({ length: ARM_DOF }, newMat4);
  readonly flange: Mat4 = newMat4();
}

/** Kinematics of one arm mounted at `base` (world_T_arm_base_link, from the profile's static frames). */
export class ArmKinematics {
  private readonly tmp = newMat4();
  constructor(readonly base: Mat4) {}

  /** Link i's pose in its parent link for joint value q: origin · Rz(q). For /tf. */
  static localLink(i: number, q: number, out: Mat4 = newMat4()): Mat4 {
    return mat4.rotateZ(out, JOINT_ORIGINS[i]!, q) as Mat4;
  }
  static readonly flangeLocal: Mat4 = FLANGE_LOCAL;

  fk(q: ArrayLike<number>, out: ArmFrames = new ArmFrames(), offset = 0): ArmFrames {
    let parent: Mat4 = this.base;
    for (let i = 0; i < ARM_DOF; i++) {
      mat4.multiply(this.tmp, parent, JOINT_ORIGINS[i]!);
      mat4.rotateZ(out.links[i]!, this.tmp, q[offset + i]!);
      parent = out.links[i]!;
    }
    mat4.multiply(out.flange, parent, FLANGE_LOCAL);
    return out;
  }

  /** Tool centre point (between the pads) of the FK result. */
  tcp(frames: ArmFrames, out: Mat4 = newMat4()): Mat4 {
    return mat4.multiply(out, frames.flange, TCP_LOCAL) as Mat4;
  }

  /**
   * Geometric Jacobian (6×ARM_DOF, row-major; rows vx vy vz wx wy wz in the world frame) of the point
   * `p` rigidly attached to the last link. Angular rows are the same for every point on the link.
   */
  jacobian(frames: ArmFrames, p: ArrayLike<number>, out: Float64Array = new Float64Array(6 * ARM_DOF)): Float64Array {
    for (let i = 0; i < ARM_DOF; i++) {
      const m = frames.links[i]!;
      const zx = m[8]!, zy = m[9]!, zz = m[10]!;
      const dx = p[0]! - m[12]!, dy = p[1]! - m[13]!, dz = p[2]! - m[14]!;
      out[i] = zy * dz - zz * dy;
      out[ARM_DOF + i] = zz * dx - zx * dz;
      out[2 * ARM_DOF + i] = zx * dy - zy * dx;
      out[3 * ARM_DOF + i] = zx;
      out[4 * ARM_DOF + i] = zy;
      out[5 * ARM_DOF + i] = zz;
    }
    return out;
  }
}

/** Angular velocity of the last link (world frame): J_ω q̇. */
export function angularVelocity(frames: ArmFrames, qd: ArrayLike<number>, offset = 0): [number, number, number] {
  let wx = 0, wy = 0, wz = 0;
  for (let i = 0; i < ARM_DOF; i++) {
    const m = frames.links[i]!;
    const v = qd[offset + i]!;
    wx += m[8]! * v; wy += m[9]! * v; wz += m[10]! * v;
  }
  return [wx, wy, wz];
}

export interface IkOptions {
  /** Posture the redundancy is pulled towards. */
  rest?: ArrayLike<number>;
  maxIterations?: number;
  /** Damping λ of (J Jᵀ + λ² I). */
  damping?: number;
  /** Gain of the null-space pull towards `rest`, per iteration. */
  nullGain?: number;
  /** Stop when the joint step is below this (rad). */
  stepTolerance?: number;
}

export interface IkResult {
  q: Float64Array;
  positionError: number;
  orientationError: number;
  iterations: number;
}

/**
 * Damped-least-squares IK for the tool centre point (or any frame rigidly offset from the flange by
 * `toolLocal`). Warm-started from `qInit`; a null-space term keeps the elbow near `rest`, which also
 * makes the solution a smooth function of the target when called along a trajectory.
 */
export function solveIk(
  kin: ArmKinematics,
  target: Mat4,
  qInit: ArrayLike<number>,
  toolLocal: Mat4 = TCP_LOCAL,
  opts: IkOptions = {},
): IkResult {
  const rest = opts.rest ?? REST_POSTURE;
  const maxIt = opts.maxIterations ?? 200;
  const lambda2 = (opts.damping ?? 1e-3) ** 2;
  const kNull = opts.nullGain ?? 0.05;
  const tol = opts.stepTolerance ?? 1e-11;
  const n = ARM_DOF;
  const q = Float64Array.from({ length: n }, (_, i) => qInit[i]!);
  const frames = new ArmFrames();
  const tool = newMat4();
  const J = new Float64Array(6 * n);
  const A = new Float64Array(36);
  const e = new Float64Array(6);
  const y = new Float64Array(6);
  const nul = new Float64Array(n);
  const dq = new Float64Array(n);
  let posErr = Infinity, rotErr = Infinity, it = 0;
  for (; it < maxIt; it++) {
    kin.fk(q, frames);
    mat4.multiply(tool, frames.flange, toolLocal);
    e[0] = target[12]! - tool[12]!;
    e[1] = target[13]! - tool[13]!;
    e[2] = target[14]! - tool[14]!;
    const r = orientationError(target, tool);
    e[3] = r[0]; e[4] = r[1]; e[5] = r[2];
    posErr = Math.hypot(e[0], e[1], e[2]);
    rotErr = Math.hypot(r[0], r[1], r[2]);
    kin.jacobian(frames, [tool[12]!, tool[13]!, tool[14]!], J);
    // A = J Jᵀ + λ² I
    for (let a = 0; a < 6; a++) {
      for (let b = a; b < 6; b++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += J[a * n + k]! * J[b * n + k]!;
        A[a * 6 + b] = A[b * 6 + a] = s + (a === b ? lambda2 : 0);
      }
    }
    choleskyInPlace(A);
    // null-space pull: nul = k (rest - q); task-space residual e - J nul
    for (let k = 0; k < n; k++) nul[k] = kNull * (rest[k]! - q[k]!);
    for (let a = 0; a < 6; a++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += J[a * n + k]! * nul[k]!;
      y[a] = e[a]! - s;
    }
    choleskySolve(A, y);
    let stepMax = 0;
    for (let k = 0; k < n; k++) {
      let s = nul[k]!;
      for (let a = 0; a < 6; a++) s += J[a * n + k]! * y[a]!;
      dq[k] = s;
      stepMax = Math.max(stepMax, Math.abs(s));
    }
    const scale = stepMax > 0.2 ? 0.2 / stepMax : 1;
    for (let k = 0; k < n; k++) {
      const spec = ARM_JOINTS[k]!;
      q[k] = Math.min(spec.upper, Math.max(spec.lower, q[k]! + scale * dq[k]!));
    }
    if (stepMax < tol) break;
  }
  // report the error of the returned q, not of the previous iterate
  kin.fk(q, frames);
  mat4.multiply(tool, frames.flange, toolLocal);
  posErr = Math.hypot(target[12]! - tool[12]!, target[13]! - tool[13]!, target[14]! - tool[14]!);
  const r = orientationError(target, tool);
  rotErr = Math.hypot(r[0], r[1], r[2]);
  return { q, positionError: posErr, orientationError: rotErr, iterations: it };
}

/** In-place Cholesky of a symmetric positive-definite 6×6 (lower triangle holds L). */
function choleskyInPlace(A: Float64Array): void {
  for (let j = 0; j < 6; j++) {
    let d = A[j * 6 + j]!;
    for (let k = 0; k < j; k++) d -= A[j * 6 + k]! ** 2;
    const l = Math.sqrt(Math.max(d, 1e-300));
    A[j * 6 + j] = l;
    for (let i = j + 1; i < 6; i++) {
      let s = A[i * 6 + j]!;
      for (let k = 0; k < j; k++) s -= A[i * 6 + k]! * A[j * 6 + k]!;
      A[i * 6 + j] = s / l;
    }
  }
}

function choleskySolve(L: Float64Array, b: Float64Array): void {
  for (let i = 0; i < 6; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= L[i * 6 + k]! * b[k]!;
    b[i] = s / L[i * 6 + i]!;
  }
  for (let i = 5; i >= 0; i--) {
    let s = b[i]!;
    for (let k = i + 1; k < 6; k++) s -= L[k * 6 + i]! * b[k]!;
    b[i] = s / L[i * 6 + i]!;
  }
}

export { newMat4 };

/**
 * Both arms' kinematics mounted as the profile's static frames say: what the time-alignment and
 * calibration code needs to turn /joint_states into link poses and rates (e.g. right_flange's angular
 * velocity = `angularVelocity(right.fk(q, frames, 7), qd, 7)`).
 */
export function robotKinematics(statics: { world(frame: string): Mat4 }): Record<"left" | "right", ArmKinematics> {
  return {
    left: new ArmKinematics(statics.world("left_arm_base_link")),
    right: new ArmKinematics(statics.world("right_arm_base_link")),
  };
}
