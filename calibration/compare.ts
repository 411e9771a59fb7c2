// Differences between two calibrations of the same rig (e.g. the one in an episode vs the
// current one), with tolerances that say when a difference matters.
import { makeTransform, rotationDifference, translationDifference, type RigidTransform } from "./math/rigid.ts";
import { FrameTreeError, TransformTree } from "./model/transform-tree.ts";
import type { CameraModel, RigCalibration } from "./model/types.ts";
import type { CalibrationFinding } from "./findings.ts";

export interface CompareTolerances {
  translationMm: number;
  rotationDeg: number;
  /** Relative focal-length change, percent. */
  focalPercent: number;
  principalPointPx: number;
  /** Largest absolute change of any distortion coefficient. */
  distortion: number;
  timeOffsetMs: number;
}

export const DEFAULT_COMPARE_TOLERANCES: Readonly<CompareTolerances> = {
  translationMm: 2,
  rotationDeg: 0.2,
  focalPercent: 0.5,
  principalPointPx: 2,
  distortion: 0.01,
  timeOffsetMs: 1,
};

export interface ExtrinsicDifference {
  parent: string;
  child: string;
  translationMm: number;
  rotationDeg: number;
  exceeds: boolean;
}

export interface CameraDifference {
  name: string;
  fxPercent: number;
  fyPercent: number;
  cxPx: number;
  cyPx: number;
  maxDistortionChange: number;
  sizeChanged: boolean;
  modelChanged: boolean;
  frameChanged: boolean;
  exceeds: boolean;
}

export interface TimeOffsetDifference {
  sensor: string;
  /** b − a. */
  deltaNs: bigint;
  exceeds: boolean;
}

export interface CalibrationComparison {
  extrinsics: ExtrinsicDifference[];
  cameras: CameraDifference[];
  timeOffsets: TimeOffsetDifference[];
  findings: CalibrationFinding[];
  /** No difference exceeds its tolerance and nothing is missing on either side. */
  withinTolerance: boolean;
}

function safeTree(cal: RigCalibration): TransformTree | undefined {
  try {
    return new TransformTree(cal.extrinsics);
  } catch (err) {
    if (err instanceof FrameTreeError) return undefined;
    throw err;
  }
}

function compareCamera(a: CameraModel, b: CameraModel, tol: CompareTolerances): CameraDifference {
  const n = Math.max(a.D.length, b.D.length);
  let dD = 0;
  for (let i = 0; i < n; i++) dD = Math.max(dD, Math.abs((a.D[i] ?? 0) - (b.D[i] ?? 0)));
  const diff: CameraDifference = {
    name: a.name,
    fxPercent: (b.K[0]! / a.K[0]! - 1) * 100,
    fyPercent: (b.K[4]! / a.K[4]! - 1) * 100,
    cxPx: b.K[2]! - a.K[2]!,
    cyPx: b.K[5]! - a.K[5]!,
    maxDistortionChange: dD,
    sizeChanged: a.width !== b.width || a.height !== b.height,
    modelChanged: a.distortionModel !== b.distortionModel,
    frameChanged: a.frame !== b.frame,
    exceeds: false,
  };
  diff.exceeds =
    diff.sizeChanged ||
    diff.modelChanged ||
    diff.frameChanged ||
    Math.abs(diff.fxPercent) > tol.focalPercent ||
    Math.abs(diff.fyPercent) > tol.focalPercent ||
    Math.abs(diff.cxPx) > tol.principalPointPx ||
    Math.abs(diff.cyPx) > tol.principalPointPx ||
    dD > tol.distortion;
  return diff;
}

export function compareCalibrations(a: RigCalibration, b: RigCalibration, tolerances: Partial<CompareTolerances> = {}): CalibrationComparison {
  const tol: CompareTolerances = { ...DEFAULT_COMPARE_TOLERANCES, ...tolerances };
  const findings: CalibrationFinding[] = [];
  const extrinsics: ExtrinsicDifference[] = [];
  const treeB = safeTree(b);
  const bByChild = new Map(b.extrinsics.map((e) => [e.child, e]));
  for (const ea of a.extrinsics) {
    const eb = bByChild.get(ea.child);
    let tb: RigidTransform | undefined;
    if (eb && eb.parent === ea.parent) {
      tb = makeTransform(eb.translation, eb.rotation);
    } else if (treeB?.canTransform(ea.parent, ea.child)) {
      // B reaches the same pair of frames through a different chain: compare the composed pose.
      tb = treeB.lookup(ea.parent, ea.child);
      findings.push({ severity: "info", code: "extrinsic_restructured", subject: ea.child, message: `${ea.child}: parent ${ea.parent} in A, ${eb?.parent ?? "none"} in B; compared through B's tree` });
    }
    if (!tb) {
      findings.push({ severity: "warning", code: "extrinsic_missing", subject: ea.child, message: `${ea.parent} → ${ea.child} is in A but B cannot express ${ea.child} in ${ea.parent}` });
      continue;
    }
    const translationMm = translationDifference(ea, tb) * 1000;
    const rotationDeg = (rotationDifference(ea, tb) * 180) / Math.PI;
    const exceeds = translationMm > tol.translationMm || rotationDeg > tol.rotationDeg;
    extrinsics.push({ parent: ea.parent, child: ea.child, translationMm, rotationDeg, exceeds });
    if (exceeds) {
      findings.push({
        severity: "warning",
        code: "extrinsic_changed",
        subject: ea.child,
        message: `${ea.parent} → ${ea.child} moved by ${translationMm.toFixed(2)} mm and ${rotationDeg.toFixed(3)}° (tolerance ${tol.translationMm} mm, ${tol.rotationDeg}°)`,
      });
    }
  }
  const aChildren = new Set(a.extrinsics.map((e) => e.child));
  for (const eb of b.extrinsics) {
    if (!aChildren.has(eb.child)) findings.push({ severity: "warning", code: "extrinsic_missing", subject: eb.child, message: `${eb.parent} → ${eb.child} is in B only` });
  }

  const cameras: CameraDifference[] = [];
  const bCams = new Map(b.cameras.map((c) => [c.name, c]));
  for (const ca of a.cameras) {
    const cb = bCams.get(ca.name);
    if (!cb) {
      findings.push({ severity: "warning", code: "camera_missing", subject: ca.name, message: `camera ${ca.name} is in A only` });
      continue;
    }
    const d = compareCamera(ca, cb, tol);
    cameras.push(d);
    if (d.exceeds) {
      const parts = [
        `fx ${d.fxPercent.toFixed(3)}%`,
        `fy ${d.fyPercent.toFixed(3)}%`,
        `cx ${d.cxPx.toFixed(2)} px`,
        `cy ${d.cyPx.toFixed(2)} px`,
        `D up to ${d.maxDistortionChange.toPrecision(3)}`,
      ];
      if (d.sizeChanged) parts.push(`size ${ca.width}×${ca.height} → ${cb.width}×${cb.height}`);
      if (d.modelChanged) parts.push(`model ${ca.distortionModel} → ${cb.distortionModel}`);
      if (d.frameChanged) parts.push(`frame ${ca.frame} → ${cb.frame}`);
      findings.push({ severity: "warning", code: "camera_changed", subject: ca.name, message: `camera ${ca.name} changed: ${parts.join(", ")}` });
    }
  }
  const aCamNames = new Set(a.cameras.map((c) => c.name));
  for (const cb of b.cameras) {
    if (!aCamNames.has(cb.name)) findings.push({ severity: "warning", code: "camera_missing", subject: cb.name, message: `camera ${cb.name} is in B only` });
  }

  const timeOffsets: TimeOffsetDifference[] = [];
  const tolNs = BigInt(Math.round(tol.timeOffsetMs * 1e6));
  for (const sensor of new Set([...Object.keys(a.timeOffsetsNs), ...Object.keys(b.timeOffsetsNs)])) {
    const oa = a.timeOffsetsNs[sensor];
    const ob = b.timeOffsetsNs[sensor];
    if (oa === undefined || ob === undefined) {
      findings.push({ severity: "warning", code: "time_offset_missing", subject: sensor, message: `time offset of ${sensor} is in ${oa === undefined ? "B" : "A"} only` });
      continue;
    }
    const deltaNs = ob - oa;
    const exceeds = (deltaNs < 0n ? -deltaNs : deltaNs) > tolNs;
    timeOffsets.push({ sensor, deltaNs, exceeds });
    if (exceeds) findings.push({ severity: "warning", code: "time_offset_changed", subject: sensor, message: `time offset of ${sensor} changed by ${Number(deltaNs) / 1e6} ms` });
  }
  const withinTolerance = findings.every((f) => f.severity === "info");
  return { extrinsics, cameras, timeOffsets, findings, withinTolerance };
}

