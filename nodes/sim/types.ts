// Shared vocabulary of the simulated rig: what the world model produces at an instant, and the
// geometry the renderers draw. Positions in metres, orientations as unit quaternions [x, y, z, w],
// all expressed in `base_link` (REP 103: x forward, y left, z up) unless a field says otherwise.

export type Vec3 = [number, number, number];
export type Quat = [number, number, number, number];

export interface Pose {
  position: Vec3;
  orientation: Quat;
}

/** A transform edge of the frame tree, parent_T_child. */
export interface FrameTransform {
  parent: string;
  child: string;
  transform: Pose;
}

export type SidePrefix = "left" | "right";

/** The four fingertip pads: `${side}_gripper_${finger}_pad`. */
export type PadId = "left_gripper_left_pad" | "left_gripper_right_pad" | "right_gripper_left_pad" | "right_gripper_right_pad";
export const PAD_IDS: readonly PadId[] = ["left_gripper_left_pad", "left_gripper_right_pad", "right_gripper_left_pad", "right_gripper_right_pad"];

export type PhaseName = "approach" | "grasp" | "lift" | "transport" | "place" | "release" | "retreat";
export const PHASES: readonly PhaseName[] = ["approach", "grasp", "lift", "transport", "place", "release", "retreat"];

export interface Wrench {
  force: Vec3;
  torque: Vec3;
}

export interface TactileFrame {
  rows: number;
  cols: number;
  /** Row-major normal pressure per taxel, kPa. */
  pressure: Float32Array;
  /** Row-major shear per taxel, kPa (pad frame x / y). */
  shearX: Float32Array;
  shearY: Float32Array;
}

export interface JointSnapshot {
  names: string[];
  position: Float64Array;
  velocity: Float64Array;
  effort: Float64Array;
}

export interface ImuSample {
  /** rad/s in imu_link. */
  angularVelocity: Vec3;
  /** m/s² in imu_link, gravity included (as a real accelerometer reports). */
  linearAcceleration: Vec3;
  /** orientation of imu_link in base_link. */
  orientation: Quat;
}

/** The true state of the world at one instant of true (host) time. */
export interface WorldState {
  /** Seconds since the start of the demonstration, true time. */
  t: number;
  phase: PhaseName;
  /** Follower arms and grippers: left_joint1..7, right_joint1..7, left_gripper, right_gripper. */
  joints: JointSnapshot;
  /** The teleoperator's leader-arm joint targets, same names as `joints`. */
  leaderCommand: { names: string[]; position: Float64Array };
  /** Moving frames (arm links, grippers, object) for /tf. */
  dynamicTransforms: FrameTransform[];
  objectPose: Pose;
  /** Wrist force-torque in each `${side}_ft_sensor` frame. */
  wrench: Record<SidePrefix, Wrench>;
  tactile: Record<PadId, TactileFrame>;
  imu: ImuSample;
}

/** Kinds of contact ground truth the simulator knows exactly. */
export type ContactEventKind = "onset" | "release" | "slip";

export interface ContactEvent {
  kind: ContactEventKind;
  pad: PadId;
  /** Seconds since the start of the demonstration, true time. */
  t: number;
}

export interface PhaseInterval {
  phase: PhaseName;
  start: number;
  end: number;
}

/** What the scripted demonstration knows for certain; written into episodes for measuring accuracy. */
export interface DemoGroundTruth {
  seed: number;
  duration: number;
  phases: PhaseInterval[];
  contacts: ContactEvent[];
  outcome: "success" | "failure";
  /** Free-form notes on injected variation: hesitations, slips, a failed grasp. */
  variations: string[];
}

// ---- geometry for the renderers ----

export type Rgb = [number, number, number];

export interface Material {
  /** Base colour, 0..255. */
  color: Rgb;
  /** LiDAR reflectivity 0..255. */
  intensity: number;
  /** Optional checker texture: second colour and square size in metres. */
  checker?: { color: Rgb; size: number };
}

export type Primitive =
  | { kind: "plane"; id: string; point: Vec3; normal: Vec3; material: Material; /** half extents along the plane's local axes; infinite when absent */ halfExtents?: [number, number]; pose?: Pose }
  | { kind: "box"; id: string; pose: Pose; halfExtents: Vec3; material: Material }
  | { kind: "capsule"; id: string; a: Vec3; b: Vec3; radius: number; material: Material }
  | { kind: "sphere"; id: string; center: Vec3; radius: number; material: Material };

export interface SceneGeometry {
  /** Primitives that never move during an episode (table, walls, bins): renderers may cache them. */
  static: Primitive[];
  /** Primitives that move (arm links, grippers, object). */
  dynamic: Primitive[];
}
