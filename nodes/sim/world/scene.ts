// Geometry for the camera and LiDAR renderers: a static set (table, floor, back wall, tray) built
// once, and the moving set (arm links as capsules, gripper boxes, the object) per instant.
import type { Material, Pose, Primitive, SceneGeometry, SidePrefix, Vec3 } from "../types.ts";
import type { ArmFrames } from "./kinematics.ts";
import { TRAY } from "./plan.ts";
import { GRIPPER, SIDES } from "./robot.ts";
import { type Mat4, asQuat, mat4FromXyzRpy, poseOf, quatFromRpy, transformPoint } from "./rigid.ts";
import { mat4 } from "gl-matrix";
import type { Scenario } from "./scenario.ts";

/** Table top: z = 0 plane, 0.8 m deep (x) × 1.2 m wide (y), centred in front of the robot. */
export const TABLE = { center: [0.35, 0, 0] as Vec3, halfExtents: [0.4, 0.6] as [number, number], height: 0.75 };
export const BACK_WALL_X = 1.4;

const ARM_MATERIAL: Material = { color: [225, 225, 230], intensity: 170 };
const JOINT_MATERIAL: Material = { color: [70, 72, 78], intensity: 120 };
const GRIPPER_MATERIAL: Material = { color: [45, 45, 50], intensity: 90 };
const PAD_MATERIAL: Material = { color: [20, 20, 20], intensity: 40 };
const TRAY_MATERIAL: Material = { color: [60, 110, 150], intensity: 140 };

/** Capsule radii per arm segment: shoulder column, upper arm, elbow, forearm, wrist, flange. */
const LINK_RADII = [0.06, 0.055, 0.05, 0.045, 0.042, 0.038];

const identity = (position: Vec3, yaw = 0): Pose => ({ position, orientation: asQuat(quatFromRpy(0, 0, yaw)) });

export function staticScene(s: Scenario): Primitive[] {
  const out: Primitive[] = [
    {
      kind: "plane",
      id: "table",
      point: TABLE.center,
      normal: [0, 0, 1],
      halfExtents: TABLE.halfExtents,
      pose: identity(TABLE.center),
      material: { color: [196, 170, 130], intensity: 150, checker: { color: [150, 120, 85], size: 0.05 } },
    },
    {
      kind: "plane",
      id: "floor",
      point: [0, 0, -TABLE.height],
      normal: [0, 0, 1],
      pose: identity([0, 0, -TABLE.height]),
      material: { color: [110, 110, 115], intensity: 60 },
    },
    {
      kind: "plane",
      id: "back_wall",
      point: [BACK_WALL_X, 0, 0],
      normal: [-1, 0, 0],
      // local z = normal: rotate −90° about y
      pose: { position: [BACK_WALL_X, 0, 0], orientation: asQuat(quatFromRpy(0, -Math.PI / 2, 0)) },
      material: { color: [220, 218, 210], intensity: 110 },
    },
    // table slab under the top, so the LiDAR and depth camera see an edge, not a floating sheet
    {
      kind: "box",
      id: "table_slab",
      pose: identity([TABLE.center[0], TABLE.center[1], -0.021]),
      halfExtents: [TABLE.halfExtents[0], TABLE.halfExtents[1], 0.02],
      material: { color: [160, 135, 100], intensity: 140 },
    },
  ];
  // tray: floor plate and four walls, in the tray's yawed frame
  const t = s.tray;
  const tf = mat4FromXyzRpy([t.x, t.y, 0], [0, 0, t.yaw]);
  const part = (id: string, local: Vec3, half: Vec3): Primitive => ({
    kind: "box",
    id,
    pose: { position: transformPoint(tf, local), orientation: asQuat(quatFromRpy(0, 0, t.yaw)) },
    halfExtents: half,
    material: TRAY_MATERIAL,
  });
  const outer = TRAY.innerHalf + TRAY.wall;
  out.push(part("tray_floor", [0, 0, TRAY.floorTop / 2], [outer, outer, TRAY.floorTop / 2]));
  const wz = TRAY.wallHeight / 2, hw = TRAY.wall / 2, mid = TRAY.innerHalf + hw;
  out.push(part("tray_wall_px", [mid, 0, wz], [hw, outer, wz]));
  out.push(part("tray_wall_nx", [-mid, 0, wz], [hw, outer, wz]));
  out.push(part("tray_wall_py", [0, mid, wz], [TRAY.innerHalf, hw, wz]));
  out.push(part("tray_wall_ny", [0, -mid, wz], [TRAY.innerHalf, hw, wz]));
  return out;
}

const scratch = new Float64Array(16);
const pt = (m: Mat4, local: Vec3 = [0, 0, 0]): Vec3 => transformPoint(m, local);

/** Moving primitives of one arm; `base` is world_T_arm_base_link, `opening` the finger opening. */
export function armPrimitives(side: SidePrefix, base: Mat4, f: ArmFrames, opening: number, out: Primitive[]): void {
  const L = f.links;
  // joint origins that bound the visible segments (the 0.08 m elbow offsets become short capsules)
  const p0 = pt(base), p1 = pt(L[0]!), p3 = pt(L[2]!), p4 = pt(L[3]!), p5 = pt(L[4]!), p7 = pt(L[6]!), pf = pt(f.flange);
  const segs: [Vec3, Vec3][] = [[p0, p1], [p1, p3], [p3, p4], [p4, p5], [p5, p7], [p7, pf]];
  segs.forEach(([a, b], i) =>
    out.push({ kind: "capsule", id: `${side}_link${i + 1}`, a, b, radius: LINK_RADII[i]!, material: i === 2 || i === 5 ? JOINT_MATERIAL : ARM_MATERIAL }),
  );
  const box = (id: string, center: Vec3, half: Vec3, material: Material) => {
    const m = mat4.translate(scratch, f.flange, center) as Mat4;
    out.push({ kind: "box", id, pose: poseOf(m), halfExtents: half, material });
  };
  const [z0, z1] = GRIPPER.handZ;
  box(`${side}_gripper_hand`, [0, 0, (z0 + z1) / 2], [...GRIPPER.handHalfExtents] as Vec3, GRIPPER_MATERIAL);
  const [f0, f1] = GRIPPER.fingerZ;
  const fz = (f0 + f1) / 2, fh = (f1 - f0) / 2, th = GRIPPER.fingerThickness / 2;
  box(`${side}_gripper_left_finger`, [0, opening / 2 + th, fz], [GRIPPER.fingerHalfWidth, th, fh], PAD_MATERIAL);
  box(`${side}_gripper_right_finger`, [0, -opening / 2 - th, fz], [GRIPPER.fingerHalfWidth, th, fh], PAD_MATERIAL);
}

export function dynamicScene(
  bases: Record<SidePrefix, Mat4>,
  frames: Record<SidePrefix, ArmFrames>,
  openings: Record<SidePrefix, number>,
  object: Pose,
  s: Scenario,
): Primitive[] {
  const out: Primitive[] = [];
  for (const side of SIDES) armPrimitives(side, bases[side], frames[side], openings[side], out);
  out.push({ kind: "box", id: "object", pose: object, halfExtents: [...s.object.halfExtents], material: { color: s.object.color, intensity: 200 } });
  return out;
}

export type { SceneGeometry };
