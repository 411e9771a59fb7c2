import { describe, expect, it } from "vitest";
import { HandEyeError, solveHandEye, type HandEyeSetup } from "../../calibration/solvers/hand-eye.ts";
import { rotationDifference, translationDifference } from "../../calibration/math/rigid.ts";
import { synthesizeHandEye } from "./support/hand-eye-scene.ts";

const DEG = 180 / Math.PI;
// RMS magnitudes of the pose noise (see SceneNoise).
const NOISE = { robotDeg: 0.05, robotMm: 0.5, targetDeg: 0.1, targetMm: 1 };

describe.each<HandEyeSetup>(["eye_in_hand", "eye_to_hand"])("solveHandEye (%s)", (setup) => {
  it("is exact without noise", () => {
    const scene = synthesizeHandEye(setup, 8, 3, { robotDeg: 0, robotMm: 0, targetDeg: 0, targetMm: 0 });
    const res = solveHandEye({ setup, robotPoses: scene.robotPoses, targetPoses: scene.targetPoses });
    expect(rotationDifference(res.closedForm.X, scene.X)).toBeLessThan(1e-9);
    expect(translationDifference(res.closedForm.X, scene.X)).toBeLessThan(1e-9);
    expect(translationDifference(res.Y, scene.Y)).toBeLessThan(1e-9);
    expect(res.warnings).toEqual([]);
  });

  it("recovers X within 0.1° and 1 mm from 20 noisy stations", () => {
    const scene = synthesizeHandEye(setup, 20, 1, NOISE);
    const res = solveHandEye({ setup, robotPoses: scene.robotPoses, targetPoses: scene.targetPoses });
    const rotDeg = rotationDifference(res.X, scene.X) * DEG;
    const transMm = translationDifference(res.X, scene.X) * 1000;
    const closedRot = rotationDifference(res.closedForm.X, scene.X) * DEG;
    const closedMm = translationDifference(res.closedForm.X, scene.X) * 1000;
    console.info(
      `hand-eye ${setup}: X error ${rotDeg.toFixed(4)}° ${transMm.toFixed(3)} mm (closed form ${closedRot.toFixed(4)}° ${closedMm.toFixed(3)} mm); ` +
        `Y error ${(translationDifference(res.Y, scene.Y) * 1000).toFixed(3)} mm; station RMS ${res.residuals.stationRmsRotationDeg.toFixed(3)}° ` +
        `${res.residuals.stationRmsTranslationMm.toFixed(3)} mm; motion RMS ${res.residuals.motionRmsRotationDeg.toFixed(3)}° ${res.residuals.motionRmsTranslationMm.toFixed(3)} mm`,
    );
    expect(rotDeg).toBeLessThan(0.1);
    expect(transMm).toBeLessThan(1);
    expect(res.warnings).toEqual([]);
    expect(res.residuals.stations).toHaveLength(20);
    expect(res.residuals.motions).toHaveLength(190);
    // Residuals reflect the injected noise, not a solver failure.
    expect(res.residuals.stationRmsRotationDeg).toBeLessThan(0.3);
    expect(res.residuals.stationRmsTranslationMm).toBeLessThan(3);
    expect(res.diversity.rotationSpreadDeg).toBeGreaterThan(30);
  });

  it("warns when every motion rotates about one axis", () => {
    const scene = synthesizeHandEye(setup, 20, 2, NOISE, true);
    const res = solveHandEye({ setup, robotPoses: scene.robotPoses, targetPoses: scene.targetPoses });
    expect(res.warnings.map((w) => w.code)).toContain("parallel_rotation_axes");
    expect(res.diversity.axisSpreadRatio).toBeLessThan(0.01);
  });
});

describe("solveHandEye input checks", () => {
  it("warns about small rotation spread and mis-paired poses", () => {
    const scene = synthesizeHandEye("eye_in_hand", 12, 4, { robotDeg: 0, robotMm: 0, targetDeg: 0, targetMm: 0 }, false, 3, 3);
    const small = solveHandEye({ setup: "eye_in_hand", robotPoses: scene.robotPoses, targetPoses: scene.targetPoses });
    expect(small.warnings.map((w) => w.code)).toContain("rotation_spread_small");
    const full = synthesizeHandEye("eye_in_hand", 12, 4, NOISE);
    const shuffled = [...full.targetPoses.slice(1), full.targetPoses[0]!];
    const bad = solveHandEye({ setup: "eye_in_hand", robotPoses: full.robotPoses, targetPoses: shuffled });
    expect(bad.warnings.map((w) => w.code)).toContain("inconsistent_motion_pairs");
  });

  it("rejects mismatched or too few stations", () => {
    const scene = synthesizeHandEye("eye_in_hand", 4, 1, NOISE);
    expect(() => solveHandEye({ setup: "eye_in_hand", robotPoses: scene.robotPoses, targetPoses: scene.targetPoses.slice(1) })).toThrow(HandEyeError);
    expect(() => solveHandEye({ setup: "eye_in_hand", robotPoses: scene.robotPoses.slice(2), targetPoses: scene.targetPoses.slice(2) })).toThrow(/at least 3/);
  });
});
