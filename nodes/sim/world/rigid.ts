// Rigid-transform helpers on gl-matrix, stored in Float64Array: the Jacobian and IMU checks
// differentiate poses numerically, which float32 cannot support.
import { mat4, quat, vec3 } from "gl-matrix";
import type { Pose, Quat, Vec3 } from "../types.ts";

export type Mat4 = Float64Array;
export type Quat64 = Float64Array;
export type Vec64 = Float64Array;

export const newMat4 = (): Mat4 => {
  const m = new Float64Array(16);
  m[0] = m[5] = m[10] = m[15] = 1;
  return m;
};
export const newQuat = (): Quat64 => {
  const q = new Float64Array(4);
  q[3] = 1;
  return q;
};
export const newVec3 = (x = 0, y = 0, z = 0): Vec64 => Float64Array.of(x, y, z);

/** Quaternion of URDF/tf2 roll-pitch-yaw (fixed axes X, then Y, then Z): q = qz * qy * qx. */
export function quatFromRpy(roll: number, pitch: number, yaw: number, out: Quat64 = newQuat()): Quat64 {
  const cr = Math.cos(roll / 2), sr = Math.sin(roll / 2);
  const cp = Math.cos(pitch / 2), sp = Math.sin(pitch / 2);
  const cy = Math.cos(yaw / 2), sy = Math.sin(yaw / 2);
  out[0] = sr * cp * cy - cr * sp * sy;
  out[1] = cr * sp * cy + sr * cp * sy;
  out[2] = cr * cp * sy - sr * sp * cy;
  out[3] = cr * cp * cy + sr * sp * sy;
  return out;
}

/** Inverse of quatFromRpy, for URDF export; at pitch ±90° (gimbal lock) yaw is set to 0. */
export function rpyFromQuat(q: ArrayLike<number>): Vec3 {
  const x = q[0]!, y = q[1]!, z = q[2]!, w = q[3]!;
  const r00 = 1 - 2 * (y * y + z * z), r10 = 2 * (x * y + z * w), r20 = 2 * (x * z - y * w);
  const r21 = 2 * (y * z + x * w), r22 = 1 - 2 * (x * x + y * y);
  const r11 = 1 - 2 * (x * x + z * z), r12 = 2 * (y * z - x * w);
  if (Math.abs(r20) > 1 - 1e-12) {
    return [Math.atan2(-r12, r11), r20 > 0 ? -Math.PI / 2 : Math.PI / 2, 0];
  }
  return [Math.atan2(r21, r22), Math.asin(-r20), Math.atan2(r10, r00)];
}

export function mat4FromXyzRpy(xyz: readonly number[], rpy: readonly number[], out: Mat4 = newMat4()): Mat4 {
  const q = quatFromRpy(rpy[0]!, rpy[1]!, rpy[2]!);
  return mat4.fromRotationTranslation(out, q, xyz as unknown as vec3) as Mat4;
}

export function mat4FromPose(p: Pose, out: Mat4 = newMat4()): Mat4 {
  return mat4.fromRotationTranslation(out, p.orientation, p.position) as Mat4;
}

/** Rotation quaternion of a rigid mat4, normalised, w kept ≥ 0 so published poses do not flip sign. */
export function rotationOf(m: Mat4, out: Quat64 = newQuat()): Quat64 {
  mat4.getRotation(out, m);
  quat.normalize(out, out);
  if (out[3]! < 0) {
    out[0] = -out[0]!; out[1] = -out[1]!; out[2] = -out[2]!; out[3] = -out[3]!;
  }
  return out;
}

const scratchQuat = newQuat();

export function poseOf(m: Mat4): Pose {
  const q = rotationOf(m, scratchQuat);
  return { position: [m[12]!, m[13]!, m[14]!], orientation: [q[0]!, q[1]!, q[2]!, q[3]!] };
}

export const positionOf = (m: Mat4): Vec3 => [m[12]!, m[13]!, m[14]!];

/** Column `axis` (0 = x, 1 = y, 2 = z) of the rotation part: that local axis expressed in the parent. */
export const axisOf = (m: Mat4, axis: 0 | 1 | 2): Vec3 => [m[axis * 4]!, m[axis * 4 + 1]!, m[axis * 4 + 2]!];

/** v expressed in the frame m (v in parent coordinates): R^T v. */
export function rotateIntoFrame(m: Mat4, v: ArrayLike<number>): Vec3 {
  const x = v[0]!, y = v[1]!, z = v[2]!;
  return [
    m[0]! * x + m[1]! * y + m[2]! * z,
    m[4]! * x + m[5]! * y + m[6]! * z,
    m[8]! * x + m[9]! * y + m[10]! * z,
  ];
}

/** R v: a local vector expressed in the parent frame. */
export function rotateOutOfFrame(m: Mat4, v: ArrayLike<number>): Vec3 {
  const x = v[0]!, y = v[1]!, z = v[2]!;
  return [
    m[0]! * x + m[4]! * y + m[8]! * z,
    m[1]! * x + m[5]! * y + m[9]! * z,
    m[2]! * x + m[6]! * y + m[10]! * z,
  ];
}

/** m · p for a point p in the frame m. */
export function transformPoint(m: Mat4, p: ArrayLike<number>): Vec3 {
  const r = rotateOutOfFrame(m, p);
  return [r[0] + m[12]!, r[1] + m[13]!, r[2] + m[14]!];
}

export const cross = (a: ArrayLike<number>, b: ArrayLike<number>): Vec3 => [
  a[1]! * b[2]! - a[2]! * b[1]!,
  a[2]! * b[0]! - a[0]! * b[2]!,
  a[0]! * b[1]! - a[1]! * b[0]!,
];

/**
 * Rotation-vector error log(Ra · Rb^T)... expressed in the parent frame: the angular displacement that
 * takes orientation b to orientation a. Small-angle safe.
 */
export function orientationError(a: Mat4, b: Mat4): Vec3 {
  // R = Ra Rb^T
  const r = new Float64Array(9);
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) {
      let s = 0;
      for (let k = 0; k < 3; k++) s += a[k * 4 + i]! * b[k * 4 + j]!;
      r[i * 3 + j] = s; // row i, col j
    }
  }
  const vx = r[7]! - r[5]!, vy = r[2]! - r[6]!, vz = r[3]! - r[1]!;
  const tr = r[0]! + r[4]! + r[8]!;
  const c = Math.max(-1, Math.min(1, (tr - 1) / 2));
  const s = 0.5 * Math.hypot(vx, vy, vz);
  const angle = Math.atan2(s, c);
  const k = s < 1e-9 ? 0.5 : angle / (2 * s);
  return [vx * k, vy * k, vz * k];
}

export const asVec3 = (v: ArrayLike<number>): Vec3 => [v[0]!, v[1]!, v[2]!];
export const asQuat = (q: ArrayLike<number>): Quat => [q[0]!, q[1]!, q[2]!, q[3]!];

// Typed-array allocation costs microseconds in Node (each gets its own ArrayBuffer); per-sample outputs
// are carved as views from shared slabs instead. Views never overlap, so callers may keep them.
const SLAB_BYTES = 1 << 16;
let slab = new ArrayBuffer(SLAB_BYTES);
let slabUsed = 0;

function carve(bytes: number): [ArrayBuffer, number] {
  const aligned = (bytes + 7) & ~7;
  if (aligned > SLAB_BYTES / 4) return [new ArrayBuffer(aligned), 0];
  if (slabUsed + aligned > SLAB_BYTES) {
    slab = new ArrayBuffer(SLAB_BYTES);
    slabUsed = 0;
  }
  const off = slabUsed;
  slabUsed += aligned;
  return [slab, off];
}

/** A fresh zeroed Float64Array of length n (a view into a shared slab). */
export function takeF64(n: number): Float64Array {
  const [buf, off] = carve(8 * n);
  return new Float64Array(buf, off, n);
}

/** A fresh zeroed Float32Array of length n (a view into a shared slab). */
export function takeF32(n: number): Float32Array {
  const [buf, off] = carve(4 * n);
  return new Float32Array(buf, off, n);
}
