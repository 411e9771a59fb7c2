// Camera intrinsics from planar-target views by Zhang's method: one homography per view, a
// closed-form K from the orthonormality of the rotation's first two columns, per-view poses from
// K⁻¹H, then Levenberg–Marquardt over K (skew fixed at 0), distortion and all poses to minimise
// the reprojection error.
import { solveSpd } from "../math/cholesky.ts";
import { Matrix } from "../math/matrix.ts";
import { levenbergMarquardt } from "../math/levenberg-marquardt.ts";
import { makeTransform, type RigidTransform } from "../math/rigid.ts";
import { nullVector } from "../math/svd.ts";
import { cross, mat3MulVec, matrixToRotvec, nearestRotation, rotvecToMatrix, rotvecToQuat, quatToRotvec } from "../math/so3.ts";
import { projectionFromK } from "../model/camera.ts";
import { DISTORTION_COEFFICIENT_COUNT, type CameraModel } from "../model/types.ts";
import { distortNormalized } from "../projection.ts";
import { estimateHomography, type Point2 } from "./homography.ts";

export class IntrinsicsCalibrationError extends Error {}

export interface PlanarView {
  /** Target points in the target plane (z = 0), metres. */
  objectPoints: readonly Point2[];
  /** Detected pixels, same order. */
  imagePoints: readonly Point2[];
}

export interface IntrinsicsOptions {
  width: number;
  height: number;
  name?: string;
  frame?: string;
  distortionModel?: "plumb_bob" | "rational_polynomial";
  /** Keep k3 at 0: common for narrow lenses where it only fits noise. */
  fixK3?: boolean;
  fixTangential?: boolean;
  maxIterations?: number;
}

export interface ViewResult {
  /** camera_T_target: maps target-plane points into the optical frame. */
  cameraTtarget: RigidTransform;
  /** RMS of pixel distances between detected and reprojected corners. */
  rms: number;
  maxError: number;
}

export interface IntrinsicsResult {
  camera: CameraModel;
  K: number[];
  D: number[];
  views: ViewResult[];
  /** RMS pixel distance over all corners of all views. */
  rms: number;
  /**
   * One-sigma uncertainty of [fx, fy, cx, cy, ...D] from the Gauss–Newton covariance
   * (JᵀJ)⁻¹·σ², σ² the residual variance; 0 for parameters held fixed.
   */
  standardDeviations: number[];
  /** K from the closed form, before refinement (diagnostics). */
  initialK: number[];
  iterations: number;
  converged: boolean;
}

/** b = (B11, B12, B22, B13, B23, B33) constraint row v_ij from columns i, j of H. */
function vRow(H: readonly number[], i: number, j: number): number[] {
  const h = (r: number, c: number): number => H[r * 3 + c]!;
  return [
    h(0, i) * h(0, j),
    h(0, i) * h(1, j) + h(1, i) * h(0, j),
    h(1, i) * h(1, j),
    h(2, i) * h(0, j) + h(0, i) * h(2, j),
    h(2, i) * h(1, j) + h(1, i) * h(2, j),
    h(2, i) * h(2, j),
  ];
}

/**
 * Closed-form K from homographies. Pixels are first mapped by N (centre and scale of the image)
 * so the entries of B have comparable magnitudes; K is then N⁻¹ K'.
 */
export function closedFormIntrinsics(homographies: readonly number[][], width: number, height: number): number[] {
  const s = Math.max(width, height) / 2;
  const N = [1 / s, 0, -width / 2 / s, 0, 1 / s, -height / 2 / s, 0, 0, 1];
  const rows: number[][] = [];
  for (const H of homographies) {
    const Hn = new Matrix(3, 3, N).mul(new Matrix(3, 3, H));
    const norm = Math.hypot(...Hn.data);
    const h = Array.from(Hn.data, (v) => v / norm);
    rows.push(vRow(h, 0, 1));
    const v11 = vRow(h, 0, 0);
    const v22 = vRow(h, 1, 1);
    rows.push(v11.map((v, k) => v - v22[k]!));
  }
  // Zero skew (B12 = 0) as a heavily weighted extra equation.
  rows.push([0, 1e3, 0, 0, 0, 0]);
  if (homographies.length < 2) throw new IntrinsicsCalibrationError("closed-form intrinsics need at least 2 views (3 for a general principal point)");
  let b = Array.from(nullVector(Matrix.fromRows(rows)));
  if (b[0]! < 0) b = b.map((v) => -v);
  const [B11, B12, B22, B13, B23, B33] = b as [number, number, number, number, number, number];
  const den = B11 * B22 - B12 * B12;
  const v0 = (B12 * B13 - B11 * B23) / den;
  const lambda = B33 - (B13 * B13 + v0 * (B12 * B13 - B11 * B23)) / B11;
  const alpha = Math.sqrt(lambda / B11);
  const beta = Math.sqrt((lambda * B11) / den);
  const u0 = -(B13 * alpha * alpha) / lambda;
  if (![alpha, beta, u0, v0].every(Number.isFinite) || !(alpha > 0) || !(beta > 0)) {
    throw new IntrinsicsCalibrationError("closed-form intrinsics failed: the views are degenerate (too few, or all nearly parallel to the image plane)");
  }
  // K = N⁻¹ K'  with K' = [α 0 u0; 0 β v0; 0 0 1].
  return [alpha * s, 0, u0 * s + width / 2, 0, beta * s, v0 * s + height / 2, 0, 0, 1];
}

/** camera_T_target from K and a target-plane homography. */
export function poseFromHomography(K: readonly number[], H: readonly number[]): RigidTransform {
  const fx = K[0]!;
  const fy = K[4]!;
  const cx = K[2]!;
  const cy = K[5]!;
  const Kinv = [1 / fx, 0, -cx / fx, 0, 1 / fy, -cy / fy, 0, 0, 1];
  const col = (c: number): number[] => [H[c]!, H[3 + c]!, H[6 + c]!];
  const a1 = mat3MulVec(Kinv, col(0));
  const a2 = mat3MulVec(Kinv, col(1));
  const a3 = mat3MulVec(Kinv, col(2));
  let lambda = 2 / (Math.hypot(...a1) + Math.hypot(...a2));
  // The target must be in front of the camera.
  if (a3[2] * lambda < 0) lambda = -lambda;
  const r1 = a1.map((v) => v * lambda);
  const r2 = a2.map((v) => v * lambda);
  const r3 = cross(r1, r2);
  const R = nearestRotation([r1[0]!, r2[0]!, r3[0], r1[1]!, r2[1]!, r3[1], r1[2]!, r2[2]!, r3[2]]);
  return makeTransform(a3.map((v) => v * lambda), rotvecToQuat(matrixToRotvec(R)));
}

interface Layout {
  /** Index into the full intrinsic vector [fx fy cx cy d0..d(n-1)] of each free intrinsic. */
  freeIntrinsics: number[];
  intrinsicCount: number;
}

function fullIntrinsics(layout: Layout, base: readonly number[], params: Float64Array): number[] {
  const full = [...base];
  layout.freeIntrinsics.forEach((idx, k) => {
    full[idx] = params[k]!;
  });
  return full;
}

function reprojectView(intr: readonly number[], model: "plumb_bob" | "rational_polynomial", pose: ArrayLike<number>, view: PlanarView, out: Float64Array, offset: number): void {
  const [fx, fy, cx, cy] = intr as [number, number, number, number];
  const D = intr.slice(4);
  const R = rotvecToMatrix([pose[0]!, pose[1]!, pose[2]!]);
  const tx = pose[3]!;
  const ty = pose[4]!;
  const tz = pose[5]!;
  view.objectPoints.forEach(([X, Y], i) => {
    const x = R[0]! * X + R[1]! * Y + tx;
    const y = R[3]! * X + R[4]! * Y + ty;
    const z = R[6]! * X + R[7]! * Y + tz;
    const [xd, yd] = distortNormalized(model, D, x / z, y / z);
    const [u, v] = view.imagePoints[i]!;
    out[offset + 2 * i] = fx * xd + cx - u;
    out[offset + 2 * i + 1] = fy * yd + cy - v;
  });
}

export function calibrateIntrinsics(views: readonly PlanarView[], options: IntrinsicsOptions): IntrinsicsResult {
  const model = options.distortionModel ?? "plumb_bob";
  if (views.length < 3) throw new IntrinsicsCalibrationError(`need at least 3 views of the target, got ${views.length}`);
  views.forEach((v, i) => {
    if (v.objectPoints.length !== v.imagePoints.length) throw new IntrinsicsCalibrationError(`view ${i}: ${v.objectPoints.length} target points but ${v.imagePoints.length} pixels`);
    if (v.objectPoints.length < 4) throw new IntrinsicsCalibrationError(`view ${i}: needs at least 4 corners`);
  });

  const homographies = views.map((v) => estimateHomography(v.objectPoints, v.imagePoints));
  const initialK = closedFormIntrinsics(homographies, options.width, options.height);
  const poses = homographies.map((H) => poseFromHomography(initialK, H));

  const nD = DISTORTION_COEFFICIENT_COUNT[model];
  const fixed = new Set<number>();
  if (options.fixTangential) {
    fixed.add(4 + 2);
    fixed.add(4 + 3);
  }
  if (options.fixK3) fixed.add(4 + 4);
  const intrinsicCount = 4 + nD;
  const layout: Layout = { freeIntrinsics: Array.from({ length: intrinsicCount }, (_, i) => i).filter((i) => !fixed.has(i)), intrinsicCount };
  const baseIntrinsics = [initialK[0]!, initialK[4]!, initialK[2]!, initialK[5]!, ...new Array<number>(nD).fill(0)];
  const nFree = layout.freeIntrinsics.length;

  const x0 = new Float64Array(nFree + 6 * views.length);
  layout.freeIntrinsics.forEach((idx, k) => {
    x0[k] = baseIntrinsics[idx]!;
  });
  poses.forEach((p, i) => {
    x0.set(quatToRotvec(p.rotation), nFree + 6 * i);
    x0.set(p.translation, nFree + 6 * i + 3);
  });
  const offsets: number[] = [];
  let total = 0;
  for (const v of views) {
    offsets.push(total);
    total += 2 * v.objectPoints.length;
  }

  const residuals = (p: Float64Array): Float64Array => {
    const out = new Float64Array(total);
    const intr = fullIntrinsics(layout, baseIntrinsics, p);
    views.forEach((v, i) => reprojectView(intr, model, p.subarray(nFree + 6 * i, nFree + 6 * i + 6), v, out, offsets[i]!));
    return out;
  };
  // Each view's residuals depend only on the intrinsics and that view's pose: perturbing a pose
  // parameter needs one view's reprojection, not all of them.
  const jacobian = (p: Float64Array): Matrix => {
    const J = new Matrix(total, p.length);
    const q = Float64Array.from(p);
    for (let k = 0; k < nFree; k++) {
      const h = 1e-6 * Math.max(1, Math.abs(p[k]!));
      q[k] = p[k]! + h;
      const plus = residuals(q);
      q[k] = p[k]! - h;
      const minus = residuals(q);
      q[k] = p[k]!;
      for (let r = 0; r < total; r++) J.set(r, k, (plus[r]! - minus[r]!) / (2 * h));
    }
    const intr = fullIntrinsics(layout, baseIntrinsics, p);
    views.forEach((v, i) => {
      const n = 2 * v.objectPoints.length;
      const plus = new Float64Array(n);
      const minus = new Float64Array(n);
      for (let k = 0; k < 6; k++) {
        const col = nFree + 6 * i + k;
        const h = 1e-7 * Math.max(1, Math.abs(p[col]!));
        q[col] = p[col]! + h;
        reprojectView(intr, model, q.subarray(nFree + 6 * i, nFree + 6 * i + 6), v, plus, 0);
        q[col] = p[col]! - h;
        reprojectView(intr, model, q.subarray(nFree + 6 * i, nFree + 6 * i + 6), v, minus, 0);
        q[col] = p[col]!;
        for (let r = 0; r < n; r++) J.set(offsets[i]! + r, col, (plus[r]! - minus[r]!) / (2 * h));
      }
    });
    return J;
  };

  const lm = levenbergMarquardt({ parameterCount: x0.length, residuals, jacobian }, x0, { maxIterations: options.maxIterations ?? 200 });
  const intr = fullIntrinsics(layout, baseIntrinsics, lm.params);
  const K = [intr[0]!, 0, intr[2]!, 0, intr[1]!, intr[3]!, 0, 0, 1];
  const D = intr.slice(4);
  const r = lm.residuals;
  let sumAll = 0;
  const viewResults: ViewResult[] = views.map((v, i) => {
    let sum = 0;
    let max = 0;
    for (let k = 0; k < v.objectPoints.length; k++) {
      const e2 = r[offsets[i]! + 2 * k]! ** 2 + r[offsets[i]! + 2 * k + 1]! ** 2;
      sum += e2;
      max = Math.max(max, Math.sqrt(e2));
    }
    sumAll += sum;
    const pose = lm.params.subarray(nFree + 6 * i, nFree + 6 * i + 6);
    return {
      cameraTtarget: makeTransform(pose.subarray(3, 6), rotvecToQuat(pose.subarray(0, 3))),
      rms: Math.sqrt(sum / v.objectPoints.length),
      maxError: max,
    };
  });
  const pointCount = total / 2;
  const standardDeviations = new Array<number>(intrinsicCount).fill(0);
  const dof = total - lm.params.length;
  if (dof > 0) {
    const sigma2 = (2 * lm.cost) / dof;
    const jtj = jacobian(lm.params).gram();
    layout.freeIntrinsics.forEach((idx, k) => {
      const e = new Float64Array(lm.params.length);
      e[k] = 1;
      try {
        standardDeviations[idx] = Math.sqrt(solveSpd(jtj, e)[k]! * sigma2);
      } catch {
        standardDeviations[idx] = Infinity;
      }
    });
  }
  return {
    camera: {
      name: options.name ?? "camera",
      frame: options.frame ?? options.name ?? "camera_optical_frame",
      width: options.width,
      height: options.height,
      distortionModel: model,
      K,
      D,
      R: [1, 0, 0, 0, 1, 0, 0, 0, 1],
      P: projectionFromK(K),
    },
    K,
    D,
    views: viewResults,
    rms: Math.sqrt(sumAll / pointCount),
    standardDeviations,
    initialK,
    iterations: lm.iterations,
    converged: lm.converged,
  };
}
