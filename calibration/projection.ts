// Projection through K + D and its inverse, with the distortion models of sensor_msgs/CameraInfo:
//   plumb_bob            D = [k1 k2 p1 p2 k3]           (Brown–Conrady radial + tangential)
//   rational_polynomial  D = [k1 k2 p1 p2 k3 k4 k5 k6]  (radial numerator / denominator)
//   equidistant          D = [k1 k2 k3 k4]              (fisheye: θd = θ(1 + k1θ² + … + k4θ⁸))
import { distortionCoefficients } from "./model/camera.ts";
import type { CameraModel, DistortionModel } from "./model/types.ts";

export type Pixel = [number, number];
type CameraLike = Pick<CameraModel, "K" | "D" | "distortionModel">;

/** Distorts an ideal normalised image point (x = X/Z, y = Y/Z). */
export function distortNormalized(model: DistortionModel, D: readonly number[], x: number, y: number): [number, number] {
  // Plain indexed reads (no per-call closure): this runs once per projected point.
  const d0 = D[0] ?? 0;
  const d1 = D[1] ?? 0;
  const d2 = D[2] ?? 0;
  const d3 = D[3] ?? 0;
  if (model === "equidistant") {
    const r = Math.hypot(x, y);
    if (r < 1e-15) return [x, y];
    const theta = Math.atan(r);
    const t2 = theta * theta;
    const thetaD = theta * (1 + t2 * (d0 + t2 * (d1 + t2 * (d2 + t2 * d3))));
    const s = thetaD / r;
    return [x * s, y * s];
  }
  const k1 = d0;
  const k2 = d1;
  const p1 = d2;
  const p2 = d3;
  const k3 = D[4] ?? 0;
  const r2 = x * x + y * y;
  let radial = 1 + r2 * (k1 + r2 * (k2 + r2 * k3));
  if (model === "rational_polynomial") radial /= 1 + r2 * ((D[5] ?? 0) + r2 * ((D[6] ?? 0) + r2 * (D[7] ?? 0)));
  const xy = x * y;
  return [x * radial + 2 * p1 * xy + p2 * (r2 + 2 * x * x), y * radial + p1 * (r2 + 2 * y * y) + 2 * p2 * xy];
}

/** Pixel of a distorted normalised point through K (skew included). */
export function normalizedToPixel(K: readonly number[], x: number, y: number): Pixel {
  return [K[0]! * x + K[1]! * y + K[2]!, K[4]! * y + K[5]!];
}

export function pixelToNormalized(K: readonly number[], u: number, v: number): [number, number] {
  const y = (v - K[5]!) / K[4]!;
  return [(u - K[2]! - K[1]! * y) / K[0]!, y];
}

/** Pixel of a point in the camera's optical frame; undefined behind the camera (z ≤ 0). */
export function projectPoint(camera: CameraLike, p: ArrayLike<number>): Pixel | undefined {
  const z = p[2]!;
  if (!(z > 0)) return undefined;
  const [xd, yd] = distortNormalized(camera.distortionModel, distortionCoefficients(camera), p[0]! / z, p[1]! / z);
  return normalizedToPixel(camera.K, xd, yd);
}

export interface UndistortOptions {
  maxIterations?: number;
  /** Convergence threshold on the normalised-coordinate residual. */
  tolerance?: number;
}

/**
 * The ideal normalised point whose distortion is (xd, yd), by Newton's method. Fixed-point
 * iteration (OpenCV's approach) can stall for strong distortion; Newton with the exact
 * Jacobian (by central differences) converges quadratically wherever the model is invertible.
 */
export function undistortNormalized(model: DistortionModel, D: readonly number[], xd: number, yd: number, options: UndistortOptions = {}): [number, number] {
  const maxIterations = options.maxIterations ?? 50;
  const tolerance = options.tolerance ?? 1e-14;
  if (model === "equidistant") {
    const d = (i: number): number => D[i] ?? 0;
    const thetaD = Math.hypot(xd, yd);
    if (thetaD < 1e-15) return [xd, yd];
    let theta = thetaD;
    for (let i = 0; i < maxIterations; i++) {
      const t2 = theta * theta;
      const f = theta * (1 + t2 * (d(0) + t2 * (d(1) + t2 * (d(2) + t2 * d(3))))) - thetaD;
      const df = 1 + t2 * (3 * d(0) + t2 * (5 * d(1) + t2 * (7 * d(2) + t2 * 9 * d(3))));
      const step = f / df;
      theta -= step;
      if (Math.abs(step) < tolerance) break;
    }
    const s = Math.tan(theta) / thetaD;
    return [xd * s, yd * s];
  }
  let x = xd;
  let y = yd;
  const h = 1e-7;
  for (let i = 0; i < maxIterations; i++) {
    const [fx, fy] = distortNormalized(model, D, x, y);
    const ex = fx - xd;
    const ey = fy - yd;
    if (Math.hypot(ex, ey) < tolerance) break;
    const [ax1, ay1] = distortNormalized(model, D, x + h, y);
    const [ax0, ay0] = distortNormalized(model, D, x - h, y);
    const [bx1, by1] = distortNormalized(model, D, x, y + h);
    const [bx0, by0] = distortNormalized(model, D, x, y - h);
    const j00 = (ax1 - ax0) / (2 * h);
    const j10 = (ay1 - ay0) / (2 * h);
    const j01 = (bx1 - bx0) / (2 * h);
    const j11 = (by1 - by0) / (2 * h);
    const det = j00 * j11 - j01 * j10;
    if (Math.abs(det) < 1e-300) break;
    x -= (j11 * ex - j01 * ey) / det;
    y -= (-j10 * ex + j00 * ey) / det;
  }
  return [x, y];
}

/** Normalised ideal coordinates (x = X/Z, y = Y/Z) of a raw pixel. */
export function undistortPixel(camera: CameraLike, pixel: readonly number[], options?: UndistortOptions): [number, number] {
  const [xd, yd] = pixelToNormalized(camera.K, pixel[0]!, pixel[1]!);
  return undistortNormalized(camera.distortionModel, distortionCoefficients(camera), xd, yd, options);
}

/** The pixel in the rectified image (through R and P) of a raw pixel, as image_geometry's rectifyPoint. */
export function rectifyPixel(camera: CameraLike & Pick<CameraModel, "R" | "P">, pixel: readonly number[], options?: UndistortOptions): Pixel {
  const [x, y] = undistortPixel(camera, pixel, options);
  const R = camera.R;
  const X = R[0]! * x + R[1]! * y + R[2]!;
  const Y = R[3]! * x + R[4]! * y + R[5]!;
  const W = R[6]! * x + R[7]! * y + R[8]!;
  const P = camera.P;
  const xr = X / W;
  const yr = Y / W;
  return [P[0]! * xr + P[1]! * yr + P[2]!, P[5]! * yr + P[6]!];
}
