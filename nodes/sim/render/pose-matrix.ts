// Sensor poses arrive either as the shared `Pose` vocabulary or as a gl-matrix mat4; renderers
// work in the sensor's own frame, so both are reduced to one rigid transform here.
import type { mat4 } from "gl-matrix";
import type { Pose } from "../types.ts";

/** parent_T_sensor: a `Pose`, or a column-major 4×4 rigid transform (gl-matrix mat4 layout). */
export type SensorPose = Pose | mat4 | ArrayLike<number>;

function isPose(p: SensorPose): p is Pose {
  return typeof p === "object" && p !== null && "position" in p && "orientation" in p;
}

/** The pose as a column-major 4×4 in float64, so long chains of frames keep their precision. */
export function poseToMatrix(pose: SensorPose, out: Float64Array = new Float64Array(16)): Float64Array {
  if (isPose(pose)) {
    const [qx, qy, qz, qw] = pose.orientation;
    const n = Math.hypot(qx, qy, qz, qw) || 1;
    const x = qx / n, y = qy / n, z = qz / n, w = qw / n;
    out[0] = 1 - 2 * (y * y + z * z); out[1] = 2 * (x * y + z * w); out[2] = 2 * (x * z - y * w); out[3] = 0;
    out[4] = 2 * (x * y - z * w); out[5] = 1 - 2 * (x * x + z * z); out[6] = 2 * (y * z + x * w); out[7] = 0;
    out[8] = 2 * (x * z + y * w); out[9] = 2 * (y * z - x * w); out[10] = 1 - 2 * (x * x + y * y); out[11] = 0;
    out[12] = pose.position[0]; out[13] = pose.position[1]; out[14] = pose.position[2]; out[15] = 1;
    return out;
  }
  if (pose.length !== 16) throw new Error(`sensor pose matrix must have 16 elements, got ${pose.length}`);
  for (let i = 0; i < 16; i++) out[i] = pose[i] as number;
  return out;
}

/**
 * The inverse of a rigid transform, sensor_T_parent, which is what the renderers need: scene
 * geometry is moved into the sensor frame once per frame so every ray starts at the origin.
 */
export function invertRigid(m: Float64Array, out: Float64Array = new Float64Array(16)): Float64Array {
  const r00 = m[0]!, r10 = m[1]!, r20 = m[2]!;
  const r01 = m[4]!, r11 = m[5]!, r21 = m[6]!;
  const r02 = m[8]!, r12 = m[9]!, r22 = m[10]!;
  const tx = m[12]!, ty = m[13]!, tz = m[14]!;
  out[0] = r00; out[1] = r01; out[2] = r02; out[3] = 0;
  out[4] = r10; out[5] = r11; out[6] = r12; out[7] = 0;
  out[8] = r20; out[9] = r21; out[10] = r22; out[11] = 0;
  out[12] = -(r00 * tx + r10 * ty + r20 * tz);
  out[13] = -(r01 * tx + r11 * ty + r21 * tz);
  out[14] = -(r02 * tx + r12 * ty + r22 * tz);
  out[15] = 1;
  return out;
}

/** Whether two transforms are the same to the last bit (cache validity). */
export function sameMatrix(a: Float64Array, b: Float64Array): boolean {
  for (let i = 0; i < 16; i++) if (a[i] !== b[i]) return false;
  return true;
}
