// Synthetic hand-eye stations with known X and Y.
import { composeTransforms, invertTransform, makeTransform, type RigidTransform } from "../../../calibration/math/rigid.ts";
import { rotvecToQuat, rpyToQuat } from "../../../calibration/math/so3.ts";
import type { HandEyeSetup } from "../../../calibration/solvers/hand-eye.ts";
import { gaussian, seededRandom, uniform } from "../../support/random.ts";
import { perturb } from "./synthetic.ts";

export interface HandEyeScene {
  X: RigidTransform;
  Y: RigidTransform;
  robotPoses: RigidTransform[];
  targetPoses: RigidTransform[];
}

/**
 * Pose noise as RMS magnitudes: the perturbation's rotation angle has RMS `…Deg`, its
 * displacement RMS `…Mm` (each axis gets σ/√3).
 */
export interface SceneNoise {
  robotDeg: number;
  robotMm: number;
  targetDeg: number;
  targetMm: number;
}

/**
 * `count` stations. For eye-in-hand, the gripper moves over a board on the table and tilts
 * around it; for eye-to-hand the gripper presents a board to a fixed camera. `singleAxis` makes
 * every station differ only by a rotation about the gripper's z axis (a degenerate data set).
 */
export function synthesizeHandEye(setup: HandEyeSetup, count: number, seed: number, noise: SceneNoise, singleAxis = false, maxTiltDeg = 45, maxSpinDeg = 90): HandEyeScene {
  const rand = seededRandom(seed);
  const normal = gaussian(rand);
  const deg = Math.PI / 180;
  let X: RigidTransform;
  let Y: RigidTransform;
  // Nominal station: where the gripper roughly sits.
  let nominal: RigidTransform;
  if (setup === "eye_in_hand") {
    X = makeTransform([0.07, 0.0, 0.03], rpyToQuat(-Math.PI / 2 + 0.05, 0.02, -Math.PI / 2 - 0.1)); // gripper_T_camera
    Y = makeTransform([0.55, 0.05, 0.0], rpyToQuat(0.02, -0.01, 0.3)); // base_T_target on the table
    nominal = makeTransform([0.5, 0.05, 0.45], rpyToQuat(Math.PI, 0, 0)); // pointing down
  } else {
    X = makeTransform([1.2, 0.1, 0.6], rpyToQuat(-Math.PI / 2 - 0.4, 0.03, Math.PI / 2 + 0.05)); // base_T_camera looking back
    Y = makeTransform([0.0, 0.02, 0.1], rpyToQuat(0.1, -0.05, 0.2)); // gripper_T_target
    nominal = makeTransform([0.6, 0.05, 0.5], rpyToQuat(0, Math.PI / 2, 0));
  }
  const robotPoses: RigidTransform[] = [];
  const targetPoses: RigidTransform[] = [];
  for (let i = 0; i < count; i++) {
    const rot = singleAxis ? rotvecToQuat([0, 0, uniform(rand, -40, 40) * deg]) : rotvecToQuat([uniform(rand, -maxTiltDeg, maxTiltDeg) * deg, uniform(rand, -maxTiltDeg, maxTiltDeg) * deg, uniform(rand, -maxSpinDeg, maxSpinDeg) * deg]);
    const offset = makeTransform([uniform(rand, -0.1, 0.1), uniform(rand, -0.1, 0.1), uniform(rand, -0.08, 0.08)], rot);
    const G = composeTransforms(nominal, offset); // base_T_gripper
    // Truth: Y = M X C  ⇒  C = X⁻¹ M⁻¹ Y with M = G (eye-in-hand) or G⁻¹ (eye-to-hand).
    const M = setup === "eye_in_hand" ? G : invertTransform(G);
    const C = composeTransforms(composeTransforms(invertTransform(X), invertTransform(M)), Y);
    const perAxis = 1 / Math.sqrt(3);
    robotPoses.push(perturb(G, noise.robotDeg * deg * perAxis, (noise.robotMm / 1000) * perAxis, normal));
    targetPoses.push(perturb(C, noise.targetDeg * deg * perAxis, (noise.targetMm / 1000) * perAxis, normal));
  }
  return { X, Y, robotPoses, targetPoses };
}
