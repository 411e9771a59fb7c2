// Rigid transforms a_T_b (maps points expressed in frame b into frame a) stored as a gl-matrix
// translation and unit quaternion, both Float64Array-backed: gl-matrix defaults to Float32Array,
// whose 7 significant digits would lose sub-millimetre detail in a metre-scale rig.
import { quat, vec3 } from "gl-matrix";
import { quatCanonical, quatToMatrix, matrixToQuat, rpyToQuat, quatToRpy, type Mat3, type Vec3 } from "./so3.ts";

export interface RigidTransform {
  translation: vec3;
  /** Unit quaternion [x, y, z, w]. */
  rotation: quat;
}

export function newVec3(x = 0, y = 0, z = 0): vec3 {
  return Float64Array.of(x, y, z);
}

export function newQuat(x = 0, y = 0, z = 0, w = 1): quat {
  return Float64Array.of(x, y, z, w);
}

export function identityTransform(): RigidTransform {
  return { translation: newVec3(), rotation: newQuat() };
}

/** Copies the inputs into a new transform and normalises the quaternion. */
export function makeTransform(translation: ArrayLike<number>, rotation: ArrayLike<number>): RigidTransform {
  const q = quatCanonical(rotation);
  return { translation: newVec3(translation[0]!, translation[1]!, translation[2]!), rotation: newQuat(...q) };
}

/** From URDF-style xyz + rpy (fixed axes X, Y, Z). */
export function transformFromXyzRpy(xyz: ArrayLike<number>, rpy: ArrayLike<number>): RigidTransform {
  return makeTransform(xyz, rpyToQuat(rpy[0]!, rpy[1]!, rpy[2]!));
}

export function transformToXyzRpy(t: RigidTransform): { xyz: Vec3; rpy: Vec3 } {
  return { xyz: [t.translation[0]!, t.translation[1]!, t.translation[2]!], rpy: quatToRpy(t.rotation) };
}

/** From a row-major rotation matrix and a translation. */
export function transformFromMatrix(rotation: readonly number[], translation: ArrayLike<number>): RigidTransform {
  return makeTransform(translation, matrixToQuat(rotation));
}

export function rotationMatrixOf(t: RigidTransform): Mat3 {
  return quatToMatrix(t.rotation);
}

/** a_T_c = a_T_b ∘ b_T_c. */
export function composeTransforms(aTb: RigidTransform, bTc: RigidTransform): RigidTransform {
  const rotation = newQuat();
  quat.multiply(rotation, aTb.rotation, bTc.rotation);
  quat.normalize(rotation, rotation);
  const translation = newVec3();
  vec3.transformQuat(translation, bTc.translation, aTb.rotation);
  vec3.add(translation, translation, aTb.translation);
  return { translation, rotation };
}

/** b_T_a from a_T_b. */
export function invertTransform(aTb: RigidTransform): RigidTransform {
  const rotation = newQuat();
  quat.conjugate(rotation, aTb.rotation);
  quat.normalize(rotation, rotation);
  const translation = newVec3();
  vec3.transformQuat(translation, aTb.translation, rotation);
  vec3.negate(translation, translation);
  return { translation, rotation };
}

/** p_a = a_T_b · p_b. */
export function transformPoint(aTb: RigidTransform, p: ArrayLike<number>): Vec3 {
  const out = newVec3();
  vec3.transformQuat(out, newVec3(p[0]!, p[1]!, p[2]!), aTb.rotation);
  return [out[0]! + aTb.translation[0]!, out[1]! + aTb.translation[1]!, out[2]! + aTb.translation[2]!];
}

/** 4×4 column-major (gl-matrix mat4 layout). */
export function transformToMat4(t: RigidTransform): Float64Array {
  const r = quatToMatrix(t.rotation);
  const m = new Float64Array(16);
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) m[j * 4 + i] = r[i * 3 + j]!;
  m[12] = t.translation[0]!;
  m[13] = t.translation[1]!;
  m[14] = t.translation[2]!;
  m[15] = 1;
  return m;
}

/** Angle of the relative rotation between two transforms, radians in [0, π]. */
export function rotationDifference(a: RigidTransform, b: RigidTransform): number {
  const rel = composeTransforms(invertTransform(a), b).rotation;
  const s = Math.hypot(rel[0]!, rel[1]!, rel[2]!);
  // atan2 keeps precision for tiny angles where acos(|q·q|) would not.
  return 2 * Math.atan2(s, Math.abs(rel[3]!));
}

export function translationDifference(a: RigidTransform, b: RigidTransform): number {
  return Math.hypot(a.translation[0]! - b.translation[0]!, a.translation[1]! - b.translation[1]!, a.translation[2]! - b.translation[2]!);
}
