// Checks of one calibration on its own and against CameraInfo messages seen in an episode.
import type { CameraInfoMessage } from "./io/camera-info.ts";
import { DISTORTION_COEFFICIENT_COUNT, type CameraModel, type RigCalibration } from "./model/types.ts";
import { FrameTreeError, TransformTree } from "./model/transform-tree.ts";
import { hasErrors, type CalibrationFinding } from "./findings.ts";
import { mat3Mul, mat3Transpose } from "./math/so3.ts";

export interface ValidateOptions {
  /** Older calibrations get a "stale" warning. */
  maxAgeDays?: number;
  /** Reference time for the age check (default: now). */
  now?: Date;
  /** CameraInfo messages to compare, matched to cameras by header.frame_id. */
  cameraInfos?: readonly Pick<CameraInfoMessage, "header" | "width" | "height" | "distortion_model" | "d" | "k" | "r" | "p">[];
  /** Absolute tolerance for K and P entries (pixels) in the CameraInfo comparison. */
  cameraInfoPixelTolerance?: number;
  /** Absolute tolerance for D and R entries. */
  cameraInfoCoefficientTolerance?: number;
}

export interface ValidationReport {
  ok: boolean;
  findings: CalibrationFinding[];
  /** Frames that cannot be expressed in the root frame. */
  unreachableFrames: string[];
  ageDays?: number;
}

const DAY_MS = 86_400_000;

function maxAbsDiff(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

function checkCamera(c: CameraModel, findings: CalibrationFinding[]): void {
  const push = (code: CalibrationFinding["code"], severity: CalibrationFinding["severity"], message: string): void => {
    findings.push({ severity, code, subject: c.name, message: `camera ${c.name}: ${message}` });
  };
  const K = c.K;
  if (K.length !== 9 || !(K[0]! > 0) || !(K[4]! > 0) || K[3] !== 0 || K[6] !== 0 || K[7] !== 0 || K[8] !== 1) {
    push("invalid_intrinsics", "error", `K must be upper triangular with fx, fy > 0 and K[2][2] = 1, got [${K.join(", ")}]`);
  } else if (c.width > 0 && c.height > 0 && (K[2]! < 0 || K[2]! > c.width || K[5]! < 0 || K[5]! > c.height)) {
    push("invalid_intrinsics", "warning", `principal point (${K[2]}, ${K[5]}) lies outside the ${c.width}×${c.height} image`);
  }
  if (c.width <= 0 || c.height <= 0) push("invalid_intrinsics", "error", `image size ${c.width}×${c.height} is not positive`);
  const expected = DISTORTION_COEFFICIENT_COUNT[c.distortionModel];
  if (c.D.length !== expected && !(c.distortionModel === "plumb_bob" && c.D.length === 4)) {
    push("distortion_coefficient_count", c.D.length < expected ? "error" : "warning", `${c.distortionModel} uses ${expected} coefficients, D has ${c.D.length}`);
  }
  const rtr = mat3Mul(mat3Transpose(c.R), c.R);
  if (c.R.length !== 9 || maxAbsDiff(rtr, [1, 0, 0, 0, 1, 0, 0, 0, 1]) > 1e-6) push("rectification_not_rotation", "error", "R is not a rotation matrix");
  // A monocular camera's P is [K' | 0]; a P whose focal lengths differ wildly from K is suspect.
  const P = c.P;
  if (P.length === 12 && K.length === 9 && K[0]! > 0 && K[4]! > 0) {
    const rel = Math.max(Math.abs(P[0]! / K[0]! - 1), Math.abs(P[5]! / K[4]! - 1));
    if (rel > 0.2) push("projection_mismatch", "warning", `P's focal lengths (${P[0]}, ${P[5]}) differ from K's (${K[0]}, ${K[4]}) by more than 20%`);
  }
}

export function validateCalibration(cal: RigCalibration, options: ValidateOptions = {}): ValidationReport {
  const findings: CalibrationFinding[] = [];
  let tree: TransformTree | undefined;
  try {
    tree = new TransformTree(cal.extrinsics);
  } catch (err) {
    if (!(err instanceof FrameTreeError)) throw err;
    findings.push({ severity: "error", code: "frame_tree_invalid", subject: cal.rootFrame, message: err.message });
  }
  let unreachableFrames: string[] = [];
  if (tree) {
    if (!tree.has(cal.rootFrame) && cal.extrinsics.length > 0) {
      findings.push({ severity: "error", code: "root_frame_missing", subject: cal.rootFrame, message: `root frame ${cal.rootFrame} appears in no transform` });
    }
    unreachableFrames = tree.unreachableFrom(cal.rootFrame);
    // Group by the tree each frame hangs from: one finding per disconnected tree reads better.
    const byRoot = new Map<string, string[]>();
    for (const f of unreachableFrames) {
      const r = tree.rootOf(f);
      byRoot.set(r, [...(byRoot.get(r) ?? []), f]);
    }
    for (const [root, frames] of byRoot) {
      findings.push({
        severity: "warning",
        code: "unreachable_frame",
        subject: root,
        message: `${frames.length} frame(s) hang from ${root}, which no static transform connects to ${cal.rootFrame}: ${frames.join(", ")} (fine only if a joint in /tf provides ${root})`,
      });
    }
    for (const c of cal.cameras) {
      if (!tree.has(c.frame)) {
        findings.push({ severity: "warning", code: "camera_frame_missing", subject: c.name, message: `camera ${c.name}: optical frame ${c.frame} has no extrinsic` });
      } else if (unreachableFrames.includes(c.frame)) {
        findings.push({ severity: "info", code: "camera_frame_unreachable", subject: c.name, message: `camera ${c.name}: optical frame ${c.frame} reaches ${cal.rootFrame} only through a moving joint (tree root ${tree.rootOf(c.frame)})` });
      }
    }
  }
  for (const c of cal.cameras) checkCamera(c, findings);

  let ageDays: number | undefined;
  const created = Date.parse(cal.provenance.created);
  if (Number.isNaN(created)) {
    findings.push({ severity: "error", code: "invalid_created_time", subject: cal.provenance.id, message: `provenance.created "${cal.provenance.created}" is not an ISO-8601 time` });
  } else {
    const now = (options.now ?? new Date()).getTime();
    ageDays = (now - created) / DAY_MS;
    if (ageDays < -1 / 24) {
      findings.push({ severity: "warning", code: "created_in_future", subject: cal.provenance.id, message: `calibration ${cal.provenance.id} is dated ${cal.provenance.created}, in the future` });
    } else if (options.maxAgeDays !== undefined && ageDays > options.maxAgeDays) {
      findings.push({
        severity: "warning",
        code: "stale",
        subject: cal.provenance.id,
        message: `calibration ${cal.provenance.id} is ${ageDays.toFixed(1)} days old (limit ${options.maxAgeDays})`,
      });
    }
  }

  const pxTol = options.cameraInfoPixelTolerance ?? 1e-3;
  const coefTol = options.cameraInfoCoefficientTolerance ?? 1e-6;
  for (const info of options.cameraInfos ?? []) {
    const frame = info.header.frame_id;
    const cam = cal.cameras.find((c) => c.frame === frame);
    if (!cam) {
      findings.push({ severity: "warning", code: "camera_info_unmatched", subject: frame, message: `CameraInfo for frame ${frame} matches no camera of the calibration` });
      continue;
    }
    const problems: string[] = [];
    if (info.width !== cam.width || info.height !== cam.height) problems.push(`size ${info.width}×${info.height} vs ${cam.width}×${cam.height}`);
    if ((info.distortion_model || "plumb_bob") !== cam.distortionModel) problems.push(`distortion model ${info.distortion_model} vs ${cam.distortionModel}`);
    const dK = maxAbsDiff(Array.from(info.k), cam.K);
    if (dK > pxTol) problems.push(`K differs by up to ${dK.toPrecision(3)}`);
    const dP = maxAbsDiff(Array.from(info.p), cam.P);
    if (dP > pxTol) problems.push(`P differs by up to ${dP.toPrecision(3)}`);
    const dR = maxAbsDiff(Array.from(info.r), cam.R);
    if (dR > coefTol) problems.push(`R differs by up to ${dR.toPrecision(3)}`);
    // Drivers may pad D with zeros (e.g. 8 for plumb_bob); compare up to the longer length.
    const d = Array.from(info.d);
    const n = Math.max(d.length, cam.D.length);
    const dD = maxAbsDiff(Array.from({ length: n }, (_, i) => d[i] ?? 0), Array.from({ length: n }, (_, i) => cam.D[i] ?? 0));
    if (dD > coefTol) problems.push(`D differs by up to ${dD.toPrecision(3)}`);
    if (problems.length) {
      findings.push({ severity: "error", code: "camera_info_mismatch", subject: cam.name, message: `camera ${cam.name}: recorded CameraInfo disagrees with the calibration: ${problems.join("; ")}` });
    }
  }
  const report: ValidationReport = { ok: !hasErrors(findings), findings, unreachableFrames };
  if (ageDays !== undefined) report.ageDays = ageDays;
  return report;
}
