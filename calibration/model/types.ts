// The in-memory rig calibration: what every other calibration module reads and writes.
// Matrices are flat row-major arrays exactly as in sensor_msgs/CameraInfo, transforms are
// gl-matrix (Float64Array-backed), times are int64 nanoseconds as bigint.
import type { RigidTransform } from "../math/rigid.ts";

export const DISTORTION_MODELS = ["plumb_bob", "rational_polynomial", "equidistant"] as const;
export type DistortionModel = (typeof DISTORTION_MODELS)[number];

/** Number of D coefficients each model uses (ROS order). */
export const DISTORTION_COEFFICIENT_COUNT: Readonly<Record<DistortionModel, number>> = {
  plumb_bob: 5, // k1 k2 p1 p2 k3
  rational_polynomial: 8, // k1 k2 p1 p2 k3 k4 k5 k6
  equidistant: 4, // k1 k2 k3 k4 (fisheye θ-polynomial)
};

/** One camera, with CameraInfo semantics (REP 104 optical frame: z forward, x right, y down). */
export interface CameraModel {
  name: string;
  /** The optical frame the image is expressed in. */
  frame: string;
  width: number;
  height: number;
  distortionModel: DistortionModel;
  /** 3×3 intrinsic matrix, row-major. */
  K: number[];
  /** Distortion coefficients for `distortionModel`. */
  D: number[];
  /** 3×3 rectification rotation, row-major (identity for a monocular camera). */
  R: number[];
  /** 3×4 projection matrix of the rectified image, row-major. */
  P: number[];
}

/** parent_T_child: maps points in `child` into `parent`. */
export interface StaticTransform extends RigidTransform {
  parent: string;
  child: string;
}

export interface Provenance {
  id: string;
  /** ISO-8601 time the calibration was computed. */
  created: string;
  /** e.g. "zhang+lm", "park-martin+lm", "rig-profile", "urdf", "ost.yaml". */
  method: string;
  /** Named summary residuals, e.g. { reprojection_rms_px: 0.21 }. */
  residuals: Record<string, number>;
  /** Person or tool that produced it. */
  who: string;
  sourceFiles: string[];
}

export interface RigCalibration {
  /** The frame everything should hang from (REP 105 base_link). */
  rootFrame: string;
  cameras: CameraModel[];
  extrinsics: StaticTransform[];
  /**
   * Per-sensor clock offset in ns: sensor clock minus host clock, so that
   * host_time = sensor_stamp − offset.
   */
  timeOffsetsNs: Record<string, bigint>;
  provenance: Provenance;
}
