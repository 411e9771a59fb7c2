// Small scenes and sensor poses for the renderer tests and the speed script: a table, walls, a
// box object, two 8-capsule arms and four finger boxes, laid out like the reference station.
import type { Material, Pose, Primitive, Quat, SceneGeometry, Vec3 } from "../../../nodes/sim/types.ts";

/** Quaternion [x, y, z, w] of fixed-axis roll, pitch, yaw (URDF / tf2 convention: Rz·Ry·Rx). */
export function quatFromRpy(roll: number, pitch: number, yaw: number): Quat {
  const cr = Math.cos(roll / 2), sr = Math.sin(roll / 2);
  const cp = Math.cos(pitch / 2), sp = Math.sin(pitch / 2);
  const cy = Math.cos(yaw / 2), sy = Math.sin(yaw / 2);
  return [sr * cp * cy - cr * sp * sy, cr * sp * cy + sr * cp * sy, cr * cp * sy - sr * sp * cy, cr * cp * cy + sr * sp * sy];
}

export function quatMultiply(a: Quat, b: Quat): Quat {
  const [ax, ay, az, aw] = a;
  const [bx, by, bz, bw] = b;
  return [aw * bx + ax * bw + ay * bz - az * by, aw * by - ax * bz + ay * bw + az * bx, aw * bz + ax * by - ay * bx + az * bw, aw * bw - ax * bx - ay * by - az * bz];
}

export function rotate(q: Quat, v: Vec3): Vec3 {
  const [x, y, z, w] = q;
  const tx = 2 * (y * v[2] - z * v[1]), ty = 2 * (z * v[0] - x * v[2]), tz = 2 * (x * v[1] - y * v[0]);
  return [v[0] + w * tx + (y * tz - z * ty), v[1] + w * ty + (z * tx - x * tz), v[2] + w * tz + (x * ty - y * tx)];
}

/** parent_T_child ∘ child_T_grandchild. */
export function compose(a: Pose, b: Pose): Pose {
  const p = rotate(a.orientation, b.position);
  return { position: [a.position[0] + p[0], a.position[1] + p[1], a.position[2] + p[2]], orientation: quatMultiply(a.orientation, b.orientation) };
}

/** The REP 104 optical frame under a camera link (x forward): rpy [−π/2, 0, −π/2]. */
export const LINK_T_OPTICAL: Pose = { position: [0, 0, 0], orientation: quatFromRpy(-Math.PI / 2, 0, -Math.PI / 2) };

/** The reference profile's head colour camera, base_link_T_optical. */
export const HEAD_CAMERA_POSE: Pose = compose({ position: [-0.15, 0, 0.75], orientation: quatFromRpy(0, 0.9, 0) }, LINK_T_OPTICAL);

/** A wrist camera 0.35 m above the table looking down and forward, as during an approach. */
export function wristCameraPose(side: 1 | -1, phase = 0): Pose {
  const link: Pose = { position: [0.3 + 0.02 * Math.sin(phase), 0.12 * side, 0.35], orientation: quatFromRpy(0, 1.1 + 0.05 * Math.cos(phase), -0.2 * side) };
  return compose(link, LINK_T_OPTICAL);
}

/** The reference profile's LiDAR, base_link_T_lidar_link. */
export const LIDAR_POSE: Pose = { position: [-0.15, 0, 0.85], orientation: quatFromRpy(0, 0.5, 0) };

const mat = (color: Vec3, intensity: number, checker?: Material["checker"]): Material => (checker ? { color, intensity, checker } : { color, intensity });

export const TABLE_HEIGHT = 0;

export function staticPrimitives(): Primitive[] {
  return [
    { kind: "plane", id: "table", point: [0.45, 0, TABLE_HEIGHT], normal: [0, 0, 1], halfExtents: [0.6, 0.9], material: mat([200, 190, 170], 120, { color: [90, 80, 70], size: 0.05 }) },
    { kind: "plane", id: "floor", point: [0, 0, -0.75], normal: [0, 0, 1], material: mat([110, 110, 115], 60) },
    { kind: "plane", id: "wall_front", point: [1.6, 0, 0.5], normal: [-1, 0, 0], halfExtents: [2, 1.5], material: mat([180, 200, 215], 90) },
    { kind: "plane", id: "wall_left", point: [0.5, 1.6, 0.5], normal: [0, -1, 0], halfExtents: [2, 1.5], material: mat([215, 200, 180], 90) },
    { kind: "plane", id: "wall_right", point: [0.5, -1.6, 0.5], normal: [0, 1, 0], halfExtents: [2, 1.5], material: mat([200, 215, 180], 90) },
  ];
}

/** An arm of 8 capsules from its base at (0, ±0.3, 0) up and over the table to a gripper. */
function arm(side: 1 | -1, phase: number): Primitive[] {
  const joints: Vec3[] = [];
  const reach = 0.42 + 0.05 * Math.sin(phase);
  for (let i = 0; i <= 8; i++) {
    const s = i / 8;
    joints.push([reach * s * s, side * (0.3 - 0.18 * s), 0.05 + 0.45 * Math.sin(Math.PI * s * 0.9) + 0.1 * s]);
  }
  const prims: Primitive[] = [];
  for (let i = 0; i < 8; i++) {
    prims.push({ kind: "capsule", id: `${side > 0 ? "left" : "right"}_link${i + 1}`, a: joints[i]!, b: joints[i + 1]!, radius: 0.045 - 0.003 * i, material: mat([60, 60, 70], 40) });
  }
  const tip = joints[8]!;
  for (const f of [-1, 1]) {
    prims.push({
      kind: "box",
      id: `${side > 0 ? "left" : "right"}_finger_${f > 0 ? "left" : "right"}`,
      pose: { position: [tip[0] + 0.03, tip[1] + f * 0.025, tip[2] - 0.04], orientation: quatFromRpy(0, 0.3, 0) },
      halfExtents: [0.01, 0.006, 0.035],
      material: mat([230, 230, 235], 200),
    });
  }
  return prims;
}

export function dynamicPrimitives(phase = 0): Primitive[] {
  return [
    { kind: "box", id: "object", pose: { position: [0.5, 0.02, 0.03], orientation: quatFromRpy(0, 0, 0.4 + 0.1 * phase) }, halfExtents: [0.03, 0.03, 0.03], material: mat([210, 40, 40], 180, { color: [240, 200, 40], size: 0.015 }) },
    ...arm(1, phase),
    ...arm(-1, phase + 0.7),
  ];
}

export function representativeScene(phase = 0): SceneGeometry {
  return { static: staticPrimitives(), dynamic: dynamicPrimitives(phase) };
}
