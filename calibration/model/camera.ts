// Constructors and accessors for CameraModel that keep K, R and P consistent.
import { DISTORTION_COEFFICIENT_COUNT, type CameraModel, type DistortionModel } from "./types.ts";

export interface PinholeSpec {
  name: string;
  frame: string;
  width: number;
  height: number;
  fx: number;
  fy: number;
  cx: number;
  cy: number;
  skew?: number;
  distortionModel?: DistortionModel;
  D?: readonly number[];
}

/** A monocular camera: R = I and P = [K | 0], as camera_calibration writes for one camera. */
export function pinholeCamera(spec: PinholeSpec): CameraModel {
  const model = spec.distortionModel ?? "plumb_bob";
  const K = [spec.fx, spec.skew ?? 0, spec.cx, 0, spec.fy, spec.cy, 0, 0, 1];
  const D = spec.D ? [...spec.D] : new Array<number>(DISTORTION_COEFFICIENT_COUNT[model]).fill(0);
  return {
    name: spec.name,
    frame: spec.frame,
    width: spec.width,
    height: spec.height,
    distortionModel: model,
    K,
    D,
    R: [1, 0, 0, 0, 1, 0, 0, 0, 1],
    P: projectionFromK(K),
  };
}

export function projectionFromK(K: readonly number[]): number[] {
  return [K[0]!, K[1]!, K[2]!, 0, K[3]!, K[4]!, K[5]!, 0, K[6]!, K[7]!, K[8]!, 0];
}

export interface Intrinsics {
  fx: number;
  fy: number;
  cx: number;
  cy: number;
  skew: number;
}

export function intrinsicsOf(camera: Pick<CameraModel, "K">): Intrinsics {
  const K = camera.K;
  return { fx: K[0]!, fy: K[4]!, cx: K[2]!, cy: K[5]!, skew: K[1]! };
}

/** D padded with zeros (or truncated) to the count the model uses. */
export function distortionCoefficients(camera: Pick<CameraModel, "D" | "distortionModel">): number[] {
  const n = DISTORTION_COEFFICIENT_COUNT[camera.distortionModel];
  return Array.from({ length: n }, (_, i) => camera.D[i] ?? 0);
}

export function cloneCamera(c: CameraModel): CameraModel {
  return { ...c, K: [...c.K], D: [...c.D], R: [...c.R], P: [...c.P] };
}
