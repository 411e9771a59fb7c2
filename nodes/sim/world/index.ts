// Public surface of the simulated rig's world model.
export { createDemo, STATE_PARTS } from "./demo.ts";
export type { Demo, DemoOptions, PartialWorldState, StatePart, WorldProfile } from "./demo.ts";
export { robotUrdf } from "./urdf.ts";
export { ArmKinematics, ArmFrames, angularVelocity, robotKinematics, solveIk, TCP_LOCAL } from "./kinematics.ts";
export type { IkOptions, IkResult } from "./kinematics.ts";
export {
  ROBOT_MODEL,
  ARM_JOINTS,
  ARM_DOF,
  GRIPPER,
  JOINT_NAMES,
  REST_POSTURE,
  SIDES,
  armJointNames,
  gripperJointName,
  padIdsOf,
} from "./robot.ts";
export { StaticFrames } from "./static-frames.ts";
export { dynamicFrameNames } from "./tf-tree.ts";
export { makeTactileFrame } from "./signals/tactile.ts";
export { drawScenario } from "./scenario.ts";
export type { Scenario } from "./scenario.ts";
