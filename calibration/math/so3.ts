// Rotations as row-major 3×3 arrays, unit quaternions [x, y, z, w] (the gl-matrix and ROS
// order) and rotation vectors (axis × angle, the so(3) log map). Row-major matches CameraInfo's
// K and R, so solver code reads like the textbook formulas.
import { Matrix } from "./matrix.ts";
import { svd } from "./svd.ts";

/** Row-major 3×3. */
export type Mat3 = number[];
export type Vec3 = [number, number, number];
/** [x, y, z, w]. */
export type Quat = [number, number, number, number];

export function mat3Identity(): Mat3 {
  return [1, 0, 0, 0, 1, 0, 0, 0, 1];
}

export function mat3Mul(a: readonly number[], b: readonly number[]): Mat3 {
  const out: Mat3 = new Array<number>(9).fill(0);
  for (let i = 0; i < 3; i++)
    for (let j = 0; j < 3; j++) {
      let s = 0;
      for (let k = 0; k < 3; k++) s += a[i * 3 + k]! * b[k * 3 + j]!;
      out[i * 3 + j] = s;
    }
  return out;
}

export function mat3Transpose(a: readonly number[]): Mat3 {
  return [a[0]!, a[3]!, a[6]!, a[1]!, a[4]!, a[7]!, a[2]!, a[5]!, a[8]!];
}

export function mat3MulVec(a: readonly number[], v: ArrayLike<number>): Vec3 {
  return [
    a[0]! * v[0]! + a[1]! * v[1]! + a[2]! * v[2]!,
    a[3]! * v[0]! + a[4]! * v[1]! + a[5]! * v[2]!,
    a[6]! * v[0]! + a[7]! * v[1]! + a[8]! * v[2]!,
  ];
}

export function cross(a: ArrayLike<number>, b: ArrayLike<number>): Vec3 {
  return [a[1]! * b[2]! - a[2]! * b[1]!, a[2]! * b[0]! - a[0]! * b[2]!, a[0]! * b[1]! - a[1]! * b[0]!];
}

/** Rodrigues' formula: exp of the skew matrix of w. */
export function rotvecToMatrix(w: ArrayLike<number>): Mat3 {
  const theta = Math.hypot(w[0]!, w[1]!, w[2]!);
  const [x, y, z] = [w[0]!, w[1]!, w[2]!];
  // Taylor forms keep the small-angle case exact to machine precision.
  const a = theta < 1e-8 ? 1 - (theta * theta) / 6 : Math.sin(theta) / theta;
  const b = theta < 1e-8 ? 0.5 - (theta * theta) / 24 : (1 - Math.cos(theta)) / (theta * theta);
  return [
    1 - b * (y * y + z * z), -a * z + b * x * y, a * y + b * x * z,
    a * z + b * x * y, 1 - b * (x * x + z * z), -a * x + b * y * z,
    -a * y + b * x * z, a * x + b * y * z, 1 - b * (x * x + y * y),
  ];
}

/** Shepperd's method: picks the largest of w, x, y, z first so no branch divides by a small number. */
export function matrixToQuat(r: readonly number[]): Quat {
  const [m00, m01, m02, m10, m11, m12, m20, m21, m22] = r as [number, number, number, number, number, number, number, number, number];
  const tr = m00 + m11 + m22;
  let q: Quat;
  if (tr > m00 && tr > m11 && tr > m22) {
    const s = 2 * Math.sqrt(1 + tr);
    q = [(m21 - m12) / s, (m02 - m20) / s, (m10 - m01) / s, s / 4];
  } else if (m00 > m11 && m00 > m22) {
    const s = 2 * Math.sqrt(1 + m00 - m11 - m22);
    q = [s / 4, (m01 + m10) / s, (m02 + m20) / s, (m21 - m12) / s];
  } else if (m11 > m22) {
    const s = 2 * Math.sqrt(1 + m11 - m00 - m22);
    q = [(m01 + m10) / s, s / 4, (m12 + m21) / s, (m02 - m20) / s];
  } else {
    const s = 2 * Math.sqrt(1 + m22 - m00 - m11);
    q = [(m02 + m20) / s, (m12 + m21) / s, s / 4, (m10 - m01) / s];
  }
  return quatNormalize(q);
}

export function quatToMatrix(q: ArrayLike<number>): Mat3 {
  const [x, y, z, w] = quatNormalize([q[0]!, q[1]!, q[2]!, q[3]!]);
  return [
    1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w),
    2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w),
    2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y),
  ];
}

export function quatNormalize(q: ArrayLike<number>): Quat {
  const n = Math.hypot(q[0]!, q[1]!, q[2]!, q[3]!);
  if (!(n > 0) || !Number.isFinite(n)) throw new RangeError("quaternion has zero or non-finite norm");
  return [q[0]! / n, q[1]! / n, q[2]! / n, q[3]! / n];
}

/** Canonical sign (w ≥ 0) so equal rotations serialise identically. */
export function quatCanonical(q: ArrayLike<number>): Quat {
  const n = quatNormalize(q);
  const flip = n[3] < 0 || (n[3] === 0 && (n[0] < 0 || (n[0] === 0 && (n[1] < 0 || (n[1] === 0 && n[2] < 0)))));
  return flip ? [-n[0], -n[1], -n[2], -n[3]] : n;
}

export function quatToRotvec(q: ArrayLike<number>): Vec3 {
  const [x, y, z, w] = quatCanonical(q);
  const s = Math.hypot(x, y, z);
  if (s < 1e-12) return [2 * x, 2 * y, 2 * z];
  const angle = 2 * Math.atan2(s, w);
  return [(x / s) * angle, (y / s) * angle, (z / s) * angle];
}

export function rotvecToQuat(w: ArrayLike<number>): Quat {
  const theta = Math.hypot(w[0]!, w[1]!, w[2]!);
  const k = theta < 1e-8 ? 0.5 - (theta * theta) / 48 : Math.sin(theta / 2) / theta;
  return [w[0]! * k, w[1]! * k, w[2]! * k, Math.cos(theta / 2)];
}

/** so(3) log map; robust at 0 and π because it goes through the quaternion. */
export function matrixToRotvec(r: readonly number[]): Vec3 {
  return quatToRotvec(matrixToQuat(r));
}

export function rotationAngle(r: readonly number[]): number {
  const c = Math.min(1, Math.max(-1, (r[0]! + r[4]! + r[8]! - 1) / 2));
  // acos is ill-conditioned near 0; the rotvec norm is not.
  return c > 0.99 ? Math.hypot(...matrixToRotvec(r)) : Math.acos(c);
}

/**
 * URDF / tf2 roll-pitch-yaw: rotations about the fixed axes X, then Y, then Z,
 * i.e. R = Rz(yaw) · Ry(pitch) · Rx(roll).
 */
export function rpyToQuat(roll: number, pitch: number, yaw: number): Quat {
  const [cr, sr] = [Math.cos(roll / 2), Math.sin(roll / 2)];
  const [cp, sp] = [Math.cos(pitch / 2), Math.sin(pitch / 2)];
  const [cy, sy] = [Math.cos(yaw / 2), Math.sin(yaw / 2)];
  return [
    sr * cp * cy - cr * sp * sy,
    cr * sp * cy + sr * cp * sy,
    cr * cp * sy - sr * sp * cy,
    cr * cp * cy + sr * sp * sy,
  ];
}

/** Inverse of rpyToQuat; at pitch = ±π/2 roll is set to 0 and yaw absorbs the rest. */
export function quatToRpy(q: ArrayLike<number>): Vec3 {
  const r = quatToMatrix(q);
  const sp = -r[6]!;
  if (Math.abs(sp) >= 1 - 1e-12) {
    const pitch = Math.sign(sp) * (Math.PI / 2);
    const yaw = Math.atan2(-r[1]!, r[4]!);
    return [0, pitch, yaw];
  }
  const pitch = Math.asin(Math.max(-1, Math.min(1, sp)));
  const roll = Math.atan2(r[7]!, r[8]!);
  const yaw = Math.atan2(r[3]!, r[0]!);
  return [roll, pitch, yaw];
}

/** Nearest rotation matrix in the Frobenius sense (polar decomposition through the SVD). */
export function nearestRotation(m: readonly number[]): Mat3 {
  const { u, v } = svd(new Matrix(3, 3, m));
  let r = u.mul(v.transpose());
  const det =
    r.get(0, 0) * (r.get(1, 1) * r.get(2, 2) - r.get(1, 2) * r.get(2, 1)) -
    r.get(0, 1) * (r.get(1, 0) * r.get(2, 2) - r.get(1, 2) * r.get(2, 0)) +
    r.get(0, 2) * (r.get(1, 0) * r.get(2, 1) - r.get(1, 1) * r.get(2, 0));
  if (det < 0) {
    const uFixed = u.clone();
    for (let i = 0; i < 3; i++) uFixed.set(i, 2, -u.get(i, 2));
    r = uFixed.mul(v.transpose());
  }
  return Array.from(r.data);
}
