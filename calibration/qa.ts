// Episode QA for the calibration in force: what a recorder (or a library scan) needs to flag an
// episode whose calibration is stale or disagrees with what the robot published — without reading
// any file. Callers pass what they saw on /tf_static and camera_info.
import { rotationDifference, translationDifference } from "./math/rigid.ts";
import { FrameTreeError, TransformTree } from "./model/transform-tree.ts";
import type { RigCalibration, StaticTransform } from "./model/types.ts";
import type { CalibrationFinding } from "./findings.ts";
import { validateCalibration, type ValidateOptions } from "./validate.ts";

export interface TfStaticTolerances {
  translationMm: number;
  rotationDeg: number;
}

export const DEFAULT_TF_STATIC_TOLERANCES: Readonly<TfStaticTolerances> = { translationMm: 1, rotationDeg: 0.05 };

/**
 * /tf_static as published vs the calibration: one error per published transform whose pose the
 * calibration also determines (directly or through a chain) and which differs beyond tolerance.
 */
export function compareWithTfStatic(cal: RigCalibration, tfStatic: readonly StaticTransform[], tolerances: Partial<TfStaticTolerances> = {}): CalibrationFinding[] {
  const tol = { ...DEFAULT_TF_STATIC_TOLERANCES, ...tolerances };
  let tree: TransformTree;
  try {
    tree = new TransformTree(cal.extrinsics);
  } catch (err) {
    if (err instanceof FrameTreeError) return [];
    throw err;
  }
  const findings: CalibrationFinding[] = [];
  for (const t of tfStatic) {
    if (!tree.canTransform(t.parent, t.child) || t.parent === t.child) continue;
    const c = tree.lookup(t.parent, t.child);
    const mm = translationDifference(t, c) * 1000;
    const deg = (rotationDifference(t, c) * 180) / Math.PI;
    if (mm > tol.translationMm || deg > tol.rotationDeg) {
      findings.push({
        severity: "error",
        code: "tf_static_mismatch",
        subject: t.child,
        message: `/tf_static ${t.parent} → ${t.child} differs from the calibration by ${mm.toFixed(2)} mm and ${deg.toFixed(3)}°: the robot published one mounting and the episode records another`,
      });
    }
  }
  return findings;
}

export interface CalibrationQaInput {
  calibration: RigCalibration | undefined;
  /** When the episode was recorded (age is judged then). */
  recordedAt: Date;
  maxAgeDays: number;
  tfStatic?: readonly StaticTransform[];
  cameraInfos?: ValidateOptions["cameraInfos"];
}

export const CALIBRATION_QA_FLAGS = ["calibration_missing", "calibration_stale", "calibration_inconsistent"] as const;
export type CalibrationQaFlag = (typeof CALIBRATION_QA_FLAGS)[number];

export interface CalibrationQaResult {
  flags: CalibrationQaFlag[];
  findings: CalibrationFinding[];
}

/** Flags for an episode: no calibration, stale at recording time, or inconsistent with /tf_static or camera_info. */
export function calibrationQa(input: CalibrationQaInput): CalibrationQaResult {
  const cal = input.calibration;
  if (!cal) {
    return {
      flags: ["calibration_missing"],
      findings: [{ severity: "error", code: "calibration_missing", subject: "episode", message: "no calibration was in force when the episode was recorded" }],
    };
  }
  const flags = new Set<CalibrationQaFlag>();
  const v = validateCalibration(cal, { maxAgeDays: input.maxAgeDays, now: input.recordedAt, ...(input.cameraInfos ? { cameraInfos: input.cameraInfos } : {}) });
  const findings = v.findings.filter((f) => f.code !== "unreachable_frame" && f.code !== "camera_frame_unreachable");
  if (findings.some((f) => f.code === "stale")) flags.add("calibration_stale");
  if (findings.some((f) => f.code === "camera_info_mismatch")) flags.add("calibration_inconsistent");
  const tf = compareWithTfStatic(cal, input.tfStatic ?? []);
  if (tf.length) flags.add("calibration_inconsistent");
  return { flags: [...flags], findings: [...findings, ...tf] };
}
