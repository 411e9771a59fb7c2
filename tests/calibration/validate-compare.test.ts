import { describe, expect, it } from "vitest";
import { validateCalibration } from "../../calibration/validate.ts";
import { calibrationQa } from "../../calibration/qa.ts";
import { compareCalibrations } from "../../calibration/compare.ts";
import { cameraInfoFromModel } from "../../calibration/io/camera-info.ts";
import { composeTransforms, makeTransform } from "../../calibration/math/rigid.ts";
import { rotvecToQuat } from "../../calibration/math/so3.ts";
import { calibrationFromDocument, calibrationToDocument } from "../../calibration/model/document.ts";
import type { RigCalibration } from "../../calibration/model/types.ts";
import { sampleCalibration } from "./support/sample.ts";

function copy(cal: RigCalibration): RigCalibration {
  return calibrationFromDocument(JSON.parse(JSON.stringify(calibrationToDocument(cal))));
}

describe("validateCalibration", () => {
  const now = new Date("2025-03-20T00:00:00Z");

  it("reports frames not reachable from base_link, grouped by their tree", () => {
    const report = validateCalibration(sampleCalibration(), { now });
    expect(report.ok).toBe(true);
    expect(report.unreachableFrames).toEqual(["flange", "wrist_optical"]);
    const unreachable = report.findings.filter((f) => f.code === "unreachable_frame");
    expect(unreachable).toHaveLength(1);
    expect(unreachable[0]!.subject).toBe("flange");
    expect(report.findings.some((f) => f.code === "camera_frame_unreachable" && f.subject === "wrist")).toBe(true);
  });

  it("flags stale calibrations", () => {
    const report = validateCalibration(sampleCalibration(), { now, maxAgeDays: 7 });
    expect(report.ageDays).toBeCloseTo(15.79, 1);
    expect(report.findings.find((f) => f.code === "stale")?.severity).toBe("warning");
    expect(validateCalibration(sampleCalibration(), { now, maxAgeDays: 30 }).findings.some((f) => f.code === "stale")).toBe(false);
  });

  it("compares recorded CameraInfo with the calibration", () => {
    const cal = sampleCalibration();
    const good = cal.cameras.map((c) => cameraInfoFromModel(c));
    expect(validateCalibration(cal, { now, cameraInfos: good }).findings.some((f) => f.code === "camera_info_mismatch")).toBe(false);
    const bad = cameraInfoFromModel(cal.cameras[0]!);
    bad.k[2] = bad.k[2]! + 3;
    bad.width = 1280;
    const report = validateCalibration(cal, { now, cameraInfos: [bad, { ...good[1]!, header: { ...good[1]!.header, frame_id: "other" } }] });
    expect(report.ok).toBe(false);
    const mismatch = report.findings.find((f) => f.code === "camera_info_mismatch")!;
    expect(mismatch.subject).toBe("wrist");
    expect(mismatch.message).toMatch(/size 1280×480 vs 640×480.*K differs by up to 3/);
    expect(report.findings.some((f) => f.code === "camera_info_unmatched" && f.subject === "other")).toBe(true);
  });

  it("flags broken intrinsics and frame trees", () => {
    const cal = sampleCalibration();
    cal.cameras[0]!.K[0] = -1;
    cal.cameras[1]!.D = [0.1];
    cal.extrinsics.push({ parent: "x", child: "head_link", ...makeTransform([0, 0, 0], [0, 0, 0, 1]) });
    const report = validateCalibration(cal, { now });
    const codes = report.findings.map((f) => f.code);
    expect(codes).toContain("invalid_intrinsics");
    expect(codes).toContain("distortion_coefficient_count");
    expect(codes).toContain("frame_tree_invalid");
    expect(report.ok).toBe(false);
  });
});

describe("compareCalibrations", () => {
  it("finds nothing between identical calibrations", () => {
    const cmp = compareCalibrations(sampleCalibration(), copy(sampleCalibration()));
    expect(cmp.withinTolerance).toBe(true);
    expect(cmp.extrinsics.every((e) => e.translationMm < 1e-9 && e.rotationDeg < 1e-6)).toBe(true);
  });

  it("flags an extrinsic shifted by 1 cm and 0.5° with default tolerances", () => {
    const a = sampleCalibration();
    const b = copy(a);
    const head = b.extrinsics.find((e) => e.child === "head_link")!;
    const shifted = composeTransforms(head, makeTransform([0.006, -0.008, 0], rotvecToQuat([0, (0.5 * Math.PI) / 180, 0])));
    head.translation = shifted.translation;
    head.rotation = shifted.rotation;
    const cmp = compareCalibrations(a, b);
    expect(cmp.withinTolerance).toBe(false);
    const d = cmp.extrinsics.find((e) => e.child === "head_link")!;
    expect(d.translationMm).toBeCloseTo(10, 6);
    expect(d.rotationDeg).toBeCloseTo(0.5, 6);
    expect(d.exceeds).toBe(true);
    expect(cmp.findings.filter((f) => f.code === "extrinsic_changed").map((f) => f.subject)).toEqual(["head_link"]);
    // Downstream frames are compared edge by edge, so only the changed edge is flagged.
    expect(cmp.extrinsics.find((e) => e.child === "head_optical")!.exceeds).toBe(false);
  });

  it("reports intrinsic, time-offset and membership differences", () => {
    const a = sampleCalibration();
    const b = copy(a);
    const bWrist = b.cameras.find((c) => c.name === "wrist")!;
    bWrist.K[0] = bWrist.K[0]! * 1.01;
    bWrist.K[5] = bWrist.K[5]! + 0.5;
    b.cameras = b.cameras.filter((c) => c.name !== "head");
    b.timeOffsetsNs["imu"] = b.timeOffsetsNs["imu"]! + 5_000_000n;
    b.extrinsics.push({ parent: "base_link", child: "lidar", ...makeTransform([0, 0, 1], [0, 0, 0, 1]) });
    const cmp = compareCalibrations(a, b);
    const wrist = cmp.cameras.find((c) => c.name === "wrist")!;
    expect(wrist.fxPercent).toBeCloseTo(1, 9);
    expect(wrist.cyPx).toBeCloseTo(0.5, 9);
    expect(wrist.exceeds).toBe(true);
    expect(cmp.timeOffsets.find((t) => t.sensor === "imu")).toEqual({ sensor: "imu", deltaNs: 5_000_000n, exceeds: true });
    const codes = cmp.findings.map((f) => `${f.code}:${f.subject}`);
    expect(codes).toEqual(expect.arrayContaining(["camera_changed:wrist", "camera_missing:head", "time_offset_changed:imu", "extrinsic_missing:lidar"]));
  });

  it("compares through the other tree when the structure differs", () => {
    const a = sampleCalibration();
    const b = copy(a);
    // B states base_link → head_optical directly instead of through head_link.
    const tree = b.extrinsics;
    const headLink = tree.find((e) => e.child === "head_link")!;
    const optical = tree.find((e) => e.child === "head_optical")!;
    const direct = composeTransforms(headLink, optical);
    b.extrinsics = [...tree.filter((e) => e.child !== "head_optical"), { parent: "base_link", child: "head_optical", ...direct }];
    const cmp = compareCalibrations(b, a);
    const d = cmp.extrinsics.find((e) => e.child === "head_optical")!;
    expect(d.translationMm).toBeLessThan(1e-9);
    expect(cmp.findings.some((f) => f.code === "extrinsic_restructured")).toBe(true);
  });
});

describe("calibrationQa (episode flags)", () => {
  it("flags missing, stale and /tf_static-inconsistent calibrations", () => {
    expect(calibrationQa({ calibration: undefined, recordedAt: new Date(), maxAgeDays: 30 }).flags).toEqual(["calibration_missing"]);
    const cal = sampleCalibration(); // created 2025-03-04
    const head = cal.extrinsics.find((e) => e.child === "head_link")!;
    const ok = calibrationQa({ calibration: cal, recordedAt: new Date("2025-03-10T00:00:00Z"), maxAgeDays: 30, tfStatic: [head] });
    expect(ok.flags).toEqual([]);
    const stale = calibrationQa({ calibration: cal, recordedAt: new Date("2025-06-10T00:00:00Z"), maxAgeDays: 30 });
    expect(stale.flags).toEqual(["calibration_stale"]);
    const moved = { ...head, ...makeTransform([head.translation[0]! + 0.01, head.translation[1]!, head.translation[2]!], head.rotation) };
    const bad = calibrationQa({ calibration: cal, recordedAt: new Date("2025-03-10T00:00:00Z"), maxAgeDays: 30, tfStatic: [moved] });
    expect(bad.flags).toEqual(["calibration_inconsistent"]);
    expect(bad.findings.map((f) => f.code)).toEqual(["tf_static_mismatch"]);
    expect(bad.findings[0]!.message).toMatch(/base_link → head_link differs from the calibration by 10\.00 mm/);
  });
});
