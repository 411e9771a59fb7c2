// The robot model `teledemo-bimanual-7dof`: two identical 7-DoF serial arms (Franka-like joint layout,
// our own dimensions) with a parallel gripper each. URDF-style description: every joint has a fixed
// origin (xyz, rpy) relative to its parent link and rotates about its own local z axis.
import type { PadId, SidePrefix } from "../types.ts";

export const ROBOT_MODEL = "teledemo-bimanual-7dof";
export const SIDES: readonly SidePrefix[] = ["left", "right"];

export interface JointOrigin {
  xyz: readonly [number, number, number];
  rpy: readonly [number, number, number];
}

export interface ArmJointSpec {
  origin: JointOrigin;
  lower: number;
  upper: number;
  /** rad/s, for the URDF. */
  velocity: number;
  /** N·m, for the URDF. */
  effort: number;
}

const H = Math.PI / 2;

/** Seven revolute joints, parent link → link_i. Shoulder 0.33 m up, upper arm 0.32, forearm 0.38. */
export const ARM_JOINTS: readonly ArmJointSpec[] = [
  { origin: { xyz: [0, 0, 0.33], rpy: [0, 0, 0] }, lower: -2.8, upper: 2.8, velocity: 2.2, effort: 87 },
  { origin: { xyz: [0, 0, 0], rpy: [-H, 0, 0] }, lower: -1.75, upper: 1.75, velocity: 2.2, effort: 87 },
  { origin: { xyz: [0, -0.32, 0], rpy: [H, 0, 0] }, lower: -2.8, upper: 2.8, velocity: 2.2, effort: 87 },
  { origin: { xyz: [0.08, 0, 0], rpy: [H, 0, 0] }, lower: -3.0, upper: -0.08, velocity: 2.2, effort: 87 },
  { origin: { xyz: [-0.08, 0.38, 0], rpy: [-H, 0, 0] }, lower: -2.8, upper: 2.8, velocity: 2.6, effort: 12 },
  { origin: { xyz: [0, 0, 0], rpy: [H, 0, 0] }, lower: -0.02, upper: 3.7, velocity: 2.6, effort: 12 },
  { origin: { xyz: [0.09, 0, 0], rpy: [H, 0, 0] }, lower: -2.8, upper: 2.8, velocity: 2.6, effort: 12 },
];
export const ARM_DOF = ARM_JOINTS.length;

/** link7 → flange: z out of the flange is the tool axis. */
export const FLANGE_ORIGIN: JointOrigin = { xyz: [0, 0, 0.1], rpy: [0, 0, 0] };

/** Link masses (kg) for the gravity-torque estimate; centre of mass halfway to the next joint. */
export const LINK_MASSES: readonly number[] = [3.5, 3.5, 3.0, 3.0, 2.5, 1.5, 0.6];

// ---- gripper (all lengths along the flange frame) ----
export const GRIPPER = {
  /** Finger opening range, metres between the pad surfaces. */
  minOpening: 0,
  maxOpening: 0.08,
  /** Hand body from the F/T sensor face to the finger roots. */
  handZ: [0.012, 0.075] as const,
  handHalfExtents: [0.03, 0.095, 0.0315] as const,
  /** Finger boxes: from the hand to the tip; thickness behind the pad surface. */
  fingerZ: [0.075, 0.125] as const,
  fingerHalfWidth: 0.011,
  fingerThickness: 0.009,
  /** Pad centre along the tool axis; the tool centre point (TCP) sits between the pads here. */
  padZ: 0.105,
  /** Sensing area of a pad: along the tool axis (pad x) × across the finger (pad y). */
  padLength: 0.02,
  padWidth: 0.02,
  /** Mass and centre of mass (flange frame) of everything beyond the F/T sensor. */
  mass: 0.95,
  com: [0, 0, 0.06] as const,
  velocity: 0.2,
  effort: 70,
} as const;

export const armJointNames = (side: SidePrefix): string[] =>
  Array.from({ length: ARM_DOF }, (_, i) => `${side}_joint${i + 1}`);
export const linkNames = (side: SidePrefix): string[] =>
  Array.from({ length: ARM_DOF }, (_, i) => `${side}_link${i + 1}`);
export const armBaseFrame = (side: SidePrefix): string => `${side}_arm_base_link`;
export const flangeFrame = (side: SidePrefix): string => `${side}_flange`;
export const gripperJointName = (side: SidePrefix): string => `${side}_gripper`;
export const padIdsOf = (side: SidePrefix): [PadId, PadId] => [`${side}_gripper_left_pad`, `${side}_gripper_right_pad`];

/** Joint order of JointSnapshot and leaderCommand (see types.ts). */
export const JOINT_NAMES: readonly string[] = [
  ...armJointNames("left"),
  ...armJointNames("right"),
  gripperJointName("left"),
  gripperJointName("right"),
];
/** Index of a side's first arm joint / its gripper in JOINT_NAMES. */
export const armOffset = (side: SidePrefix): number => (side === "left" ? 0 : ARM_DOF);
export const gripperIndex = (side: SidePrefix): number => 2 * ARM_DOF + (side === "left" ? 0 : 1);

/**
 * Pad frames in the flange frame. Origin on the finger's inner surface, z = contact normal pointing
 * at the other finger (into the grasped object), x = tool axis (towards the fingertip), y = z × x.
 * The "left" finger is on the flange's +y side.
 */
export const PAD_AXES: Record<"left" | "right", { x: readonly number[]; y: readonly number[]; z: readonly number[]; side: 1 | -1 }> = {
  left: { x: [0, 0, 1], y: [-1, 0, 0], z: [0, -1, 0], side: 1 },
  right: { x: [0, 0, 1], y: [1, 0, 0], z: [0, 1, 0], side: -1 },
};

/** A comfortable elbow-up posture with the tool pointing down: IK rest posture and start pose. */
export const REST_POSTURE: readonly number[] = [0, -0.35, 0, -2.25, 0, 1.95, Math.PI / 4];
