// Reprojection of points under two calibrations and LiDAR-vs-depth residuals, on synthetic
// scenes with known answers.
import { describe, expect, it } from "vitest";
import {
  composeTransforms,
  depthAgreement,
  depthResiduals,
  errorStats,
  identityTransform,
  makeTransform,
  pinholeCamera,
  pixelGridPoints,
  projectPoint,
  reprojectionErrors,
  rotvecToQuat,
  transformPoint,
} from "../../calibration/index.ts";

const CAM = pinholeCamera({ name: "c", frame: "c_optical", width: 320, height: 240, fx: 300, fy: 300, cx: 160, cy: 120, D: [0.05, -0.1, 0.001, -0.001, 0.02] });

function wallPoints(depth: number): number[] {
  const pts: number[] = [];
  for (let x = -0.5; x <= 0.5; x += 0.05) for (let y = -0.35; y <= 0.35; y += 0.05) pts.push(x, y, depth);
  return pts;
}

describe("reprojectionErrors", () => {
  it("is zero for identical calibrations and matches projectPoint for a known offset", () => {
    const pts = wallPoints(1.5);
    const T = makeTransform([0.02, -0.01, 0.1], rotvecToQuat([0.01, -0.02, 0.03]));
    expect(errorStats(reprojectionErrors(pts, CAM, T, CAM, T)).max).toBeLessThan(1e-9);
    const moved = composeTransforms(makeTransform([0.01, 0, 0], [0, 0, 0, 1]), T);
    const errs = reprojectionErrors(pts, CAM, moved, CAM, T);
    // Compare one point against the reference implementation.
    const p = [pts[0]!, pts[1]!, pts[2]!];
    const a = projectPoint(CAM, transformPoint(moved, p))!;
    const b = projectPoint(CAM, transformPoint(T, p))!;
    expect(errs[0]).toBeCloseTo(Math.hypot(a[0] - b[0], a[1] - b[1]), 9);
    // 1 cm sideways at ~1.6 m with fx 300 ≈ 1.9 px.
    const s = errorStats(errs);
    expect(s.median).toBeGreaterThan(1.5);
    expect(s.median).toBeLessThan(2.3);
  });

  it("skips NaN points and points behind or outside the reference camera", () => {
    const pts = [NaN, 0, 1, 0, 0, -1, 50, 0, 1, 0, 0, 2];
    expect(reprojectionErrors(pts, CAM, identityTransform(), CAM, identityTransform())).toEqual([0]);
  });
});

describe("depthResiduals", () => {
  const depthOf = (d: number) => ({ width: CAM.width, height: CAM.height, at: () => d });

  it("is the depth difference on a flat wall; ≈ 0 when the extrinsic is right", () => {
    const pts = wallPoints(2);
    const ok = depthAgreement(depthResiduals(pts, CAM, identityTransform(), depthOf(2)));
    expect(ok.count).toBeGreaterThan(100);
    expect(ok.medianAbsM).toBeLessThan(1e-12);
    expect(ok.withinFraction).toBe(1);
    // The camera believed 1 cm farther back: every point looks 1 cm deeper than measured.
    const off = depthAgreement(depthResiduals(pts, CAM, makeTransform([0, 0, 0.01], [0, 0, 0, 1]), depthOf(2)));
    expect(off.medianSignedM).toBeCloseTo(0.01, 9);
    expect(off.withinFraction).toBe(1);
    expect(depthAgreement(depthResiduals(pts, CAM, makeTransform([0, 0, 0.03], [0, 0, 0, 1]), depthOf(2))).withinFraction).toBe(0);
  });

  it("ignores pixels without a return and pixels on depth edges", () => {
    const pts = wallPoints(2);
    const none = depthResiduals(pts, CAM, identityTransform(), { width: CAM.width, height: CAM.height, at: () => NaN });
    expect(none).toEqual([]);
    // A step edge at u = 160: points whose 3×3 neighbourhood straddles it are dropped.
    const step = { width: CAM.width, height: CAM.height, at: (u: number) => (u < 160 ? 2 : 3) };
    const res = depthResiduals(pts, CAM, identityTransform(), step);
    expect(res.length).toBeGreaterThan(50);
    expect(res.every((r) => Math.abs(r) < 1e-12 || Math.abs(r + 1) < 1e-12)).toBe(true);
  });
});

describe("pixelGridPoints", () => {
  it("back-projects a pixel grid at the given depths", () => {
    const pts = pixelGridPoints(CAM, [1], 4);
    expect(pts.length).toBe(9 * 3);
    const [x, y, z] = [pts[0]!, pts[1]!, pts[2]!];
    expect(z).toBe(1);
    expect(300 * x + 160).toBeCloseTo(80, 9);
    expect(300 * y + 120).toBeCloseTo(60, 9);
  });
});
