// Hand-eye calibration AX = XB from paired robot poses (base_T_gripper) and target
// observations (camera_T_target).
//
//   eye-in-hand  (camera on the gripper): X = gripper_T_camera, Y = base_T_target,
//                Y = G_i · X · C_i for every station i.
//   eye-to-hand  (camera fixed, target on the gripper): X = base_T_camera, Y = gripper_T_target,
//                Y = G_i⁻¹ · X · C_i.
// With M_i = G_i or G_i⁻¹ both read Y = M_i X C_i, so relative motions A = M_i⁻¹M_j and
// B = C_i C_j⁻¹ satisfy A X = X B. Park–Martin solves the rotation as an orthogonal Procrustes
// problem on the log maps (α = R_X β) and the translation by linear least squares; LM then
// refines X and Y jointly on Y = M_i X C_i, which uses every station once and weighs rotation
// and translation by their noise.
import { levenbergMarquardt } from "../math/levenberg-marquardt.ts";
import { Matrix } from "../math/matrix.ts";
import { solveLeastSquares } from "../math/least-squares.ts";
import { symmetricEigen } from "../math/eigen.ts";
import { svd } from "../math/svd.ts";
import {
  composeTransforms,
  invertTransform,
  makeTransform,
  rotationDifference,
  rotationMatrixOf,
  transformFromMatrix,
  translationDifference,
  type RigidTransform,
} from "../math/rigid.ts";
import { mat3Mul, mat3MulVec, mat3Transpose, matrixToRotvec, nearestRotation, quatToRotvec, rotvecToMatrix } from "../math/so3.ts";

export type HandEyeSetup = "eye_in_hand" | "eye_to_hand";

export class HandEyeError extends Error {}

export interface HandEyeInput {
  setup: HandEyeSetup;
  /** base_T_gripper at each station. */
  robotPoses: readonly RigidTransform[];
  /** camera_T_target at each station (e.g. from a PnP on the calibration board). */
  targetPoses: readonly RigidTransform[];
  /** Nonlinear refinement after the closed form (default true). */
  refine?: boolean;
  /** Expected per-station noise used to weigh the refinement (defaults 0.1° and 1 mm). */
  rotationSigmaDeg?: number;
  translationSigmaMm?: number;
  /** Below this largest relative rotation the motion is flagged as too small (default 10°). */
  minRotationSpreadDeg?: number;
}

export type HandEyeWarningCode = "rotation_spread_small" | "parallel_rotation_axes" | "inconsistent_motion_pairs" | "few_stations";

export interface HandEyeWarning {
  code: HandEyeWarningCode;
  message: string;
}

export interface StationResidual {
  index: number;
  rotationDeg: number;
  translationMm: number;
}

export interface MotionResidual {
  i: number;
  j: number;
  /** Rotation angle of the robot motion between the two stations. */
  motionDeg: number;
  rotationDeg: number;
  translationMm: number;
}

export interface HandEyeResiduals {
  /** Discrepancy of Y vs M_i X C_i per station. */
  stations: StationResidual[];
  /** Discrepancy of A X vs X B for every pair of stations. */
  motions: MotionResidual[];
  stationRmsRotationDeg: number;
  stationRmsTranslationMm: number;
  motionRmsRotationDeg: number;
  motionRmsTranslationMm: number;
}

export interface MotionDiversity {
  /** Largest relative robot rotation between any two stations. */
  rotationSpreadDeg: number;
  /** λ₂/λ₁ of the rotation-axis scatter: 0 when all motions turn about one axis. */
  axisSpreadRatio: number;
  /** Median |angle(A) − angle(B)|: rotation angles are invariant under AX = XB. */
  medianAngleMismatchDeg: number;
}

export interface HandEyeResult {
  setup: HandEyeSetup;
  /** eye-in-hand: gripper_T_camera; eye-to-hand: base_T_camera. */
  X: RigidTransform;
  /** eye-in-hand: base_T_target; eye-to-hand: gripper_T_target. */
  Y: RigidTransform;
  /** Park–Martin closed form before refinement. */
  closedForm: { X: RigidTransform; Y: RigidTransform };
  residuals: HandEyeResiduals;
  diversity: MotionDiversity;
  warnings: HandEyeWarning[];
  refined: boolean;
}

const DEG = 180 / Math.PI;

function stationChain(setup: HandEyeSetup, robotPose: RigidTransform): RigidTransform {
  return setup === "eye_in_hand" ? robotPose : invertTransform(robotPose);
}

interface Motion {
  i: number;
  j: number;
  A: RigidTransform;
  B: RigidTransform;
}

function relativeMotions(M: readonly RigidTransform[], C: readonly RigidTransform[]): Motion[] {
  const motions: Motion[] = [];
  for (let i = 0; i < M.length; i++) {
    for (let j = i + 1; j < M.length; j++) {
      motions.push({ i, j, A: composeTransforms(invertTransform(M[i]!), M[j]!), B: composeTransforms(C[i]!, invertTransform(C[j]!)) });
    }
  }
  return motions;
}

function median(values: number[]): number {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** How well the robot motions excite all rotation axes; see MotionDiversity. */
export function analyseMotionDiversity(motions: readonly { A: RigidTransform; B: RigidTransform }[]): MotionDiversity {
  let spread = 0;
  const scatter = new Matrix(3, 3);
  const mismatches: number[] = [];
  for (const { A, B } of motions) {
    const w = quatToRotvec(A.rotation);
    const angle = Math.hypot(...w);
    spread = Math.max(spread, angle);
    mismatches.push(Math.abs(angle - Math.hypot(...quatToRotvec(B.rotation))) * DEG);
    // Axes of tiny rotations are mostly noise; weigh each axis by its angle.
    if (angle < 1e-6) continue;
    for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) scatter.addAt(r, c, (w[r]! * w[c]!) / angle);
  }
  const { values } = symmetricEigen(scatter);
  const l1 = values[2]!;
  const l2 = values[1]!;
  return {
    rotationSpreadDeg: spread * DEG,
    axisSpreadRatio: l1 > 0 ? Math.max(0, l2) / l1 : 0,
    medianAngleMismatchDeg: median(mismatches),
  };
}

/** Park–Martin: R_X by Procrustes on log maps, t_X by least squares on (R_A − I) t_X = R_X t_B − t_A. */
export function parkMartin(motions: readonly { A: RigidTransform; B: RigidTransform }[]): RigidTransform {
  const H = new Matrix(3, 3);
  for (const { A, B } of motions) {
    const alpha = quatToRotvec(A.rotation);
    const beta = quatToRotvec(B.rotation);
    for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) H.addAt(r, c, beta[r]! * alpha[c]!);
  }
  // Kabsch: R = V diag(1, 1, det(V Uᵀ)) Uᵀ maximises Σ αᵀ R β.
  const { u, v } = svd(H);
  let R = Array.from(v.mul(u.transpose()).data);
  const det =
    R[0]! * (R[4]! * R[8]! - R[5]! * R[7]!) - R[1]! * (R[3]! * R[8]! - R[5]! * R[6]!) + R[2]! * (R[3]! * R[7]! - R[4]! * R[6]!);
  if (det < 0) {
    const vFixed = v.clone();
    for (let i = 0; i < 3; i++) vFixed.set(i, 2, -v.get(i, 2));
    R = Array.from(vFixed.mul(u.transpose()).data);
  }
  R = nearestRotation(R);
  const lhs = new Matrix(3 * motions.length, 3);
  const rhs = new Float64Array(3 * motions.length);
  motions.forEach(({ A, B }, k) => {
    const RA = rotationMatrixOf(A);
    const RtB = mat3MulVec(R, B.translation);
    for (let r = 0; r < 3; r++) {
      for (let c = 0; c < 3; c++) lhs.set(3 * k + r, c, RA[r * 3 + c]! - (r === c ? 1 : 0));
      rhs[3 * k + r] = RtB[r]! - A.translation[r]!;
    }
  });
  const { x } = solveLeastSquares(lhs, rhs, 1e-10);
  return transformFromMatrix(R, x);
}

/** Y as the chordal mean of M_i X C_i over the stations. */
function averageY(M: readonly RigidTransform[], X: RigidTransform, C: readonly RigidTransform[]): RigidTransform {
  const sumR = new Array<number>(9).fill(0);
  const sumT = [0, 0, 0];
  M.forEach((m, i) => {
    const y = composeTransforms(composeTransforms(m, X), C[i]!);
    rotationMatrixOf(y).forEach((v, k) => (sumR[k] = sumR[k]! + v));
    for (let k = 0; k < 3; k++) sumT[k] = sumT[k]! + y.translation[k]!;
  });
  return transformFromMatrix(nearestRotation(sumR), sumT.map((v) => v / M.length));
}

function perturbed(base: RigidTransform, p: ArrayLike<number>, offset: number): RigidTransform {
  const R = mat3Mul(rotationMatrixOf(base), rotvecToMatrix([p[offset]!, p[offset + 1]!, p[offset + 2]!]));
  return transformFromMatrix(R, [base.translation[0]! + p[offset + 3]!, base.translation[1]! + p[offset + 4]!, base.translation[2]! + p[offset + 5]!]);
}

function stationResidualVector(Y: RigidTransform, predicted: RigidTransform): { rot: number[]; trans: number[] } {
  const rot = matrixToRotvec(mat3Mul(mat3Transpose(rotationMatrixOf(Y)), rotationMatrixOf(predicted)));
  return { rot, trans: [0, 1, 2].map((k) => predicted.translation[k]! - Y.translation[k]!) };
}

function residualReport(M: readonly RigidTransform[], C: readonly RigidTransform[], motions: readonly Motion[], X: RigidTransform, Y: RigidTransform): HandEyeResiduals {
  const stations = M.map((m, index): StationResidual => {
    const predicted = composeTransforms(composeTransforms(m, X), C[index]!);
    return { index, rotationDeg: rotationDifference(Y, predicted) * DEG, translationMm: translationDifference(Y, predicted) * 1000 };
  });
  const motionRes = motions.map(({ i, j, A, B }): MotionResidual => {
    const ax = composeTransforms(A, X);
    const xb = composeTransforms(X, B);
    return { i, j, motionDeg: Math.hypot(...quatToRotvec(A.rotation)) * DEG, rotationDeg: rotationDifference(ax, xb) * DEG, translationMm: translationDifference(ax, xb) * 1000 };
  });
  const rms = (xs: number[]): number => (xs.length ? Math.sqrt(xs.reduce((s, x) => s + x * x, 0) / xs.length) : 0);
  return {
    stations,
    motions: motionRes,
    stationRmsRotationDeg: rms(stations.map((s) => s.rotationDeg)),
    stationRmsTranslationMm: rms(stations.map((s) => s.translationMm)),
    motionRmsRotationDeg: rms(motionRes.map((s) => s.rotationDeg)),
    motionRmsTranslationMm: rms(motionRes.map((s) => s.translationMm)),
  };
}

export function solveHandEye(input: HandEyeInput): HandEyeResult {
  const n = input.robotPoses.length;
  if (n !== input.targetPoses.length) throw new HandEyeError(`${n} robot poses but ${input.targetPoses.length} target poses`);
  if (n < 3) throw new HandEyeError(`hand-eye needs at least 3 stations (2 independent motions), got ${n}`);
  const M = input.robotPoses.map((g) => stationChain(input.setup, g));
  const C = input.targetPoses.map((c) => makeTransform(c.translation, c.rotation));
  const motions = relativeMotions(M, C);

  const diversity = analyseMotionDiversity(motions);
  const warnings: HandEyeWarning[] = [];
  const minSpread = input.minRotationSpreadDeg ?? 10;
  if (n < 5) warnings.push({ code: "few_stations", message: `only ${n} stations; use 10 or more for a reliable calibration` });
  if (diversity.rotationSpreadDeg < minSpread) {
    warnings.push({
      code: "rotation_spread_small",
      message: `the robot rotates at most ${diversity.rotationSpreadDeg.toFixed(1)}° between stations (< ${minSpread}°): the rotation is poorly determined and errors leak into the translation`,
    });
  }
  if (diversity.axisSpreadRatio < 0.01) {
    warnings.push({
      code: "parallel_rotation_axes",
      message: "all robot motions rotate about (nearly) one axis: the translation along that axis is unobservable; rotate about at least two different axes",
    });
  }
  if (diversity.medianAngleMismatchDeg > 1) {
    warnings.push({
      code: "inconsistent_motion_pairs",
      message: `robot and target rotation angles differ by ${diversity.medianAngleMismatchDeg.toFixed(2)}° (median): poses may be mis-paired, out of sync, or the setup (eye-in-hand vs eye-to-hand) is wrong`,
    });
  }

  const X0 = parkMartin(motions);
  const Y0 = averageY(M, X0, C);
  let X = X0;
  let Y = Y0;
  const refine = input.refine ?? true;
  if (refine) {
    const wr = 1 / ((input.rotationSigmaDeg ?? 0.1) / DEG);
    const wt = 1 / ((input.translationSigmaMm ?? 1) / 1000);
    const residuals = (p: Float64Array): Float64Array => {
      const x = perturbed(X0, p, 0);
      const y = perturbed(Y0, p, 6);
      const out = new Float64Array(6 * n);
      M.forEach((m, i) => {
        const { rot, trans } = stationResidualVector(y, composeTransforms(composeTransforms(m, x), C[i]!));
        for (let k = 0; k < 3; k++) {
          out[6 * i + k] = rot[k]! * wr;
          out[6 * i + 3 + k] = trans[k]! * wt;
        }
      });
      return out;
    };
    const lm = levenbergMarquardt({ parameterCount: 12, residuals }, new Float64Array(12), { maxIterations: 100 });
    X = perturbed(X0, lm.params, 0);
    Y = perturbed(Y0, lm.params, 6);
  }
  return {
    setup: input.setup,
    X,
    Y,
    closedForm: { X: X0, Y: Y0 },
    residuals: residualReport(M, C, motions, X, Y),
    diversity,
    warnings,
    refined: refine,
  };
}
