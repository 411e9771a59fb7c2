// A small hand-made calibration used by several tests.
import { pinholeCamera } from "../../../calibration/model/camera.ts";
import { makeTransform } from "../../../calibration/math/rigid.ts";
import { rpyToQuat } from "../../../calibration/math/so3.ts";
import type { RigCalibration } from "../../../calibration/model/types.ts";

export function sampleCalibration(): RigCalibration {
  return {
    rootFrame: "base_link",
    cameras: [
      pinholeCamera({ name: "wrist", frame: "wrist_optical", width: 640, height: 480, fx: 388.5, fy: 388.1, cx: 321.2, cy: 238.7, D: [-0.046, 0.032, 0.0002, 0.0001, -0.006] }),
      pinholeCamera({ name: "head", frame: "head_optical", width: 1280, height: 720, fx: 910.1, fy: 909.7, cx: 640.3, cy: 361.9, distortionModel: "rational_polynomial", D: [0.1, -0.2, 0, 0, 0.05, 0.01, 0.02, 0.003] }),
    ],
    extrinsics: [
      { parent: "head_link", child: "head_optical", ...makeTransform([0, 0, 0], rpyToQuat(-Math.PI / 2, 0, -Math.PI / 2)) },
      { parent: "base_link", child: "head_link", ...makeTransform([-0.15, 0, 0.75], rpyToQuat(0, 0.9, 0)) },
      { parent: "flange", child: "wrist_optical", ...makeTransform([0.07, 0, 0.03], [0, 0, -0.7071067811865476, -0.7071067811865476]) },
    ],
    timeOffsetsNs: { head_camera: 23_500_000n, imu: -14_100_123n, big: 9_223_372_036_854_775_807n },
    provenance: { id: "cal-001", created: "2025-03-04T05:06:07.000Z", method: "park-martin+lm", residuals: { rms_mm: 0.4, rms_deg: 0.05 }, who: "tester", sourceFiles: ["a.mcap"] },
  };
}

