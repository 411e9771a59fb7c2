// A camera's intrinsics from sensor_msgs/CameraInfo (k, d, p, lower case in ROS 2) or
// foxglove.CameraCalibration (K, D, P), and LiDAR→image projection through them with
// calibration/projection.ts (K + distortion: raw images are distorted, so points are too).
import { distortNormalized, normalizedToPixel } from "../../../../calibration/projection.ts";
import { DISTORTION_MODELS, type DistortionModel } from "../../../../calibration/model/types.ts";
import { transformToMat4, type RigidTransform } from "../../../../calibration/math/rigid.ts";
import { frameIdOf, num, nums, str, type Obj } from "./values.ts";

export interface CameraIntrinsics {
  frameId: string;
  width: number;
  height: number;
  K: number[];
  D: number[];
  distortionModel: DistortionModel;
}

export function intrinsicsOf(value: Obj): CameraIntrinsics | undefined {
  const K = nums(value["k"]) ?? nums(value["K"]);
  if (!K || K.length < 9 || !(K[0]! > 0) || !(K[4]! > 0)) return undefined;
  const D = nums(value["d"]) ?? nums(value["D"]) ?? [];
  const model = str(value["distortion_model"]) ?? "plumb_bob";
  const distortionModel: DistortionModel = (DISTORTION_MODELS as readonly string[]).includes(model) ? (model as DistortionModel) : "plumb_bob";
  return {
    frameId: frameIdOf(value) ?? "",
    width: num(value["width"]) ?? 0,
    height: num(value["height"]) ?? 0,
    K: Array.from(K),
    D: Array.from(D),
    distortionModel,
  };
}

export interface ProjectedPoints {
  /** u, v per projected point */
  uv: Float32Array;
  /** depth (z in the camera frame, metres) per projected point */
  depth: Float32Array;
  count: number;
}

/**
 * Projects points (x,y,z in the source frame) through camera_T_source and the intrinsics; keeps
 * points in front of the camera that land inside the image.
 */
export function projectCloud(positions: Float32Array, cameraTsource: RigidTransform, cam: CameraIntrinsics, width: number, height: number): ProjectedPoints {
  const m = transformToMat4(cameraTsource);
  const n = positions.length / 3;
  const uv = new Float32Array(n * 2);
  const depth = new Float32Array(n);
  let k = 0;
  for (let i = 0; i < n; i++) {
    const x = positions[i * 3]!;
    const y = positions[i * 3 + 1]!;
    const z = positions[i * 3 + 2]!;
    const cx = m[0]! * x + m[4]! * y + m[8]! * z + m[12]!;
    const cy = m[1]! * x + m[5]! * y + m[9]! * z + m[13]!;
    const cz = m[2]! * x + m[6]! * y + m[10]! * z + m[14]!;
    if (!(cz > 0.05)) continue;
    const xn = cx / cz;
    const yn = cy / cz;
    // far outside the field of view distortion polynomials fold back into the image: skip early
    if (Math.abs(xn) > 3 || Math.abs(yn) > 3) continue;
    const [xd, yd] = distortNormalized(cam.distortionModel, cam.D, xn, yn);
    const [u, v] = normalizedToPixel(cam.K, xd, yd);
    if (!(u >= 0 && v >= 0 && u < width && v < height)) continue;
    uv[k * 2] = u;
    uv[k * 2 + 1] = v;
    depth[k] = cz;
    k++;
  }
  return { uv: uv.subarray(0, k * 2), depth: depth.subarray(0, k), count: k };
}
