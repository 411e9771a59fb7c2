// Geometric consistency of a calibration with data: where 3-D points (e.g. a LiDAR sweep) land in
// a camera under one calibration versus another (the truth, on the simulator), and how far the
// depth a depth camera measured at those pixels is from the points' own depth (usable on real
// robots: no truth needed). Pure functions over plain arrays; readers of episodes live elsewhere.
import { rotationMatrixOf, type RigidTransform } from "./math/rigid.ts";
import { distortionCoefficients } from "./model/camera.ts";
import type { CameraModel } from "./model/types.ts";
import { distortNormalized } from "./projection.ts";

type CameraLike = Pick<CameraModel, "K" | "D" | "distortionModel" | "width" | "height">;

/**
 * camera_T_source and the camera's projection, precomputed for many points: writes the point in
 * the optical frame to `p` and its pixel to `px`; returns false behind the camera.
 */
function projector(camera: CameraLike, cameraTsource: RigidTransform): (x: number, y: number, z: number, p: number[], px: number[]) => boolean {
  const R = rotationMatrixOf(cameraTsource);
  const t = cameraTsource.translation;
  const [r0, r1, r2, r3, r4, r5, r6, r7, r8] = R as [number, number, number, number, number, number, number, number, number];
  const [t0, t1, t2] = [t[0]!, t[1]!, t[2]!];
  const D = distortionCoefficients(camera);
  const model = camera.distortionModel;
  const K = camera.K;
  const [fx, skew, cx, fy, cy] = [K[0]!, K[1]!, K[2]!, K[4]!, K[5]!];
  return (x, y, z, p, px) => {
    const X = r0 * x + r1 * y + r2 * z + t0;
    const Y = r3 * x + r4 * y + r5 * z + t1;
    const Z = r6 * x + r7 * y + r8 * z + t2;
    p[0] = X;
    p[1] = Y;
    p[2] = Z;
    if (!(Z > 0)) return false;
    const [xd, yd] = distortNormalized(model, D, X / Z, Y / Z);
    px[0] = fx * xd + skew * yd + cx;
    px[1] = fy * yd + cy;
    return true;
  };
}

export interface ErrorStats {
  count: number;
  rms: number;
  median: number;
  p95: number;
  max: number;
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/** Summary of non-negative error magnitudes (NaN fields when there are none). */
export function errorStats(values: readonly number[]): ErrorStats {
  const sorted = [...values].sort((a, b) => a - b);
  let sq = 0;
  for (const v of sorted) sq += v * v;
  return {
    count: sorted.length,
    rms: sorted.length ? Math.sqrt(sq / sorted.length) : NaN,
    median: quantile(sorted, 0.5),
    p95: quantile(sorted, 0.95),
    max: sorted.length ? sorted[sorted.length - 1]! : NaN,
  };
}

function inImage(camera: Pick<CameraModel, "width" | "height">, px: readonly number[], margin = 0): boolean {
  return px[0]! >= -margin && px[1]! >= -margin && px[0]! < camera.width + margin && px[1]! < camera.height + margin;
}

/**
 * Pixel distance between where each point lands under calibration A (camera A, camA_T_source)
 * and under calibration B, for points in front of the camera that land inside the image under B
 * (B is the reference, e.g. the truth). `points` is xyz-interleaved in the source frame; NaN
 * points are skipped. `minDepth` drops points too close to the camera to say anything.
 */
export function reprojectionErrors(
  points: ArrayLike<number>,
  cameraA: Pick<CameraModel, "K" | "D" | "distortionModel" | "width" | "height">,
  camATsource: RigidTransform,
  cameraB: Pick<CameraModel, "K" | "D" | "distortionModel" | "width" | "height">,
  camBTsource: RigidTransform,
  minDepth = 0.1,
): number[] {
  const out: number[] = [];
  const projectA = projector(cameraA, camATsource);
  const projectB = projector(cameraB, camBTsource);
  const pa = [0, 0, 0];
  const pb = [0, 0, 0];
  const ua = [0, 0];
  const ub = [0, 0];
  for (let i = 0; i + 2 < points.length; i += 3) {
    const x = points[i]!;
    const y = points[i + 1]!;
    const z = points[i + 2]!;
    if (!Number.isFinite(x) || !Number.isFinite(y) || !Number.isFinite(z)) continue;
    if (!projectB(x, y, z, pb, ub) || !(pb[2]! > minDepth) || !inImage(cameraB, ub)) continue;
    out.push(projectA(x, y, z, pa, ua) && pa[2]! > 1e-6 ? Math.hypot(ua[0]! - ub[0]!, ua[1]! - ub[1]!) : Infinity);
  }
  return out;
}

/** A depth image as metres per pixel (row-major); NaN or ≤ 0 means no return. */
export interface DepthImage {
  width: number;
  height: number;
  /** Depth along the optical axis at (u, v), metres. */
  at(u: number, v: number): number;
}

export interface DepthResidualOptions {
  minDepth?: number;
  /**
   * Skip pixels on depth edges: the 3×3 neighbourhood's depths must agree within this many
   * metres (+1% of depth), since a point near an occlusion boundary compares against either side.
   */
  edgeTolerance?: number;
}

/**
 * Signed residuals z_point − depth_image(pixel) for points projected into a depth camera
 * (camera_T_source maps the points' frame into the depth camera's optical frame).
 */
export function depthResiduals(
  points: ArrayLike<number>,
  camera: Pick<CameraModel, "K" | "D" | "distortionModel" | "width" | "height">,
  cameraTsource: RigidTransform,
  depth: DepthImage,
  options: DepthResidualOptions = {},
): number[] {
  const minDepth = options.minDepth ?? 0.1;
  const edgeTol = options.edgeTolerance ?? 0.02;
  const out: number[] = [];
  const project = projector(camera, cameraTsource);
  const pc = [0, 0, 0];
  const px = [0, 0];
  for (let i = 0; i + 2 < points.length; i += 3) {
    const x = points[i]!;
    const y = points[i + 1]!;
    const z = points[i + 2]!;
    if (!Number.isFinite(x) || !Number.isFinite(y) || !Number.isFinite(z)) continue;
    if (!project(x, y, z, pc, px) || !(pc[2]! > minDepth)) continue;
    const u = Math.round(px[0]!);
    const v = Math.round(px[1]!);
    if (u < 1 || v < 1 || u >= depth.width - 1 || v >= depth.height - 1) continue;
    const d = depth.at(u, v);
    if (!(d > 0)) continue;
    let smooth = true;
    for (let dv = -1; dv <= 1 && smooth; dv++) {
      for (let du = -1; du <= 1; du++) {
        const n = depth.at(u + du, v + dv);
        if (!(n > 0) || Math.abs(n - d) > edgeTol + 0.01 * d) {
          smooth = false;
          break;
        }
      }
    }
    if (smooth) out.push(pc[2]! - d);
  }
  return out;
}

export interface DepthAgreement {
  count: number;
  /** Median of z_point − depth (a bias: the camera sits nearer or farther than calibrated). */
  medianSignedM: number;
  /** Median |z_point − depth|. */
  medianAbsM: number;
  p90AbsM: number;
  /** Fraction of points within `tolerance` metres (+1% of depth is not included here). */
  withinFraction: number;
}

export function depthAgreement(residuals: readonly number[], tolerance = 0.01): DepthAgreement {
  const signed = [...residuals].sort((a, b) => a - b);
  const abs = residuals.map(Math.abs).sort((a, b) => a - b);
  return {
    count: residuals.length,
    medianSignedM: quantile(signed, 0.5),
    medianAbsM: quantile(abs, 0.5),
    p90AbsM: quantile(abs, 0.9),
    withinFraction: residuals.length ? abs.filter((a) => a <= tolerance).length / residuals.length : NaN,
  };
}

/**
 * Points for a truth comparison when no LiDAR is recorded: a grid of pixels of the reference
 * camera back-projected (ignoring distortion) at the given depths, in that camera's optical frame.
 */
export function pixelGridPoints(camera: Pick<CameraModel, "K" | "width" | "height">, depths: readonly number[] = [0.5, 1, 2], step = 8): number[] {
  const K = camera.K;
  const out: number[] = [];
  for (let i = 1; i < step; i++) {
    for (let j = 1; j < step; j++) {
      const u = (camera.width * i) / step;
      const v = (camera.height * j) / step;
      const y = (v - K[5]!) / K[4]!;
      const x = (u - K[2]! - K[1]! * y) / K[0]!;
      for (const z of depths) out.push(x * z, y * z, z);
    }
  }
  return out;
}
