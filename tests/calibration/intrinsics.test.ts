import { describe, expect, it } from "vitest";
import { applyHomography, estimateHomography } from "../../calibration/solvers/homography.ts";
import { calibrateIntrinsics, IntrinsicsCalibrationError } from "../../calibration/solvers/intrinsics.ts";
import { pinholeCamera } from "../../calibration/model/camera.ts";
import { rotationDifference, translationDifference } from "../../calibration/math/rigid.ts";
import { synthesizeBoardViews } from "./support/synthetic.ts";

const TRUTH = pinholeCamera({
  name: "wrist",
  frame: "wrist_optical",
  width: 640,
  height: 480,
  fx: 600,
  fy: 605,
  cx: 322,
  cy: 237,
  D: [-0.12, 0.08, 0.0008, -0.0005, -0.02],
});

describe("homography", () => {
  it("recovers an exact homography from 4+ points", () => {
    const H = [1.2, 0.1, 30, -0.05, 0.9, 40, 1e-4, -2e-4, 1];
    const src: [number, number][] = [
      [0, 0],
      [100, 0],
      [100, 80],
      [0, 80],
      [50, 40],
    ];
    const dst = src.map((p) => applyHomography(H, p));
    const est = estimateHomography(src, dst);
    est.forEach((v, i) => expect(v).toBeCloseTo(H[i]!, 9));
    expect(() => estimateHomography(src.slice(0, 3), dst.slice(0, 3))).toThrow(/at least 4/);
  });
});

describe("calibrateIntrinsics (Zhang + LM)", () => {
  it("recovers K and D exactly from noise-free views", () => {
    const { views, truePoses } = synthesizeBoardViews(TRUTH, 8, 3, 0);
    const res = calibrateIntrinsics(views, { width: 640, height: 480 });
    res.K.forEach((v, i) => expect(v).toBeCloseTo(TRUTH.K[i]!, 6));
    res.D.forEach((v, i) => expect(v).toBeCloseTo(TRUTH.D[i]!, 6));
    expect(res.rms).toBeLessThan(1e-6);
    res.views.forEach((v, i) => {
      expect(translationDifference(v.cameraTtarget, truePoses[i]!)).toBeLessThan(1e-8);
      expect(rotationDifference(v.cameraTtarget, truePoses[i]!)).toBeLessThan(1e-8);
    });
  });

  it("reaches ≤ 0.3 px RMS and 0.5% intrinsics from 15 noisy views of a 9×6 board", () => {
    const { views } = synthesizeBoardViews(TRUTH, 15, 42, 0.2);
    const res = calibrateIntrinsics(views, { width: 640, height: 480, name: "wrist", frame: "wrist_optical" });
    const rel = (i: number): number => Math.abs(res.K[i]! / TRUTH.K[i]! - 1);
    console.info(
      `intrinsics: rms ${res.rms.toFixed(4)} px; fx ${(rel(0) * 100).toFixed(3)}%, fy ${(rel(4) * 100).toFixed(3)}%, ` +
        `cx ${(rel(2) * 100).toFixed(3)}%, cy ${(rel(5) * 100).toFixed(3)}%; D ${res.D.map((d) => d.toFixed(4)).join(" ")}; ` +
        `σ(fx, fy, cx, cy) ${res.standardDeviations.slice(0, 4).map((s) => s.toFixed(2)).join(" ")} px; ${res.iterations} iterations`,
    );
    expect(res.converged).toBe(true);
    expect(res.rms).toBeLessThanOrEqual(0.3);
    for (const i of [0, 4, 2, 5]) expect(rel(i)).toBeLessThan(0.005);
    // Distortion roughly: k1, k2, k3 trade off against each other, so compare the radial
    // displacement they produce (in pixels) out to 80% of the corner radius, where the board was seen.
    expect(Math.abs(res.D[0]! - TRUTH.D[0]!)).toBeLessThan(0.02);
    expect(Math.abs(res.D[2]! - TRUTH.D[2]!)).toBeLessThan(0.002);
    expect(Math.abs(res.D[3]! - TRUTH.D[3]!)).toBeLessThan(0.002);
    const rMax = 0.8 * Math.hypot(320 / 600, 240 / 605);
    const shift = (d: number[], r: number): number => 600 * r * (d[0]! * r ** 2 + d[1]! * r ** 4 + d[4]! * r ** 6);
    let worst = 0;
    for (let k = 1; k <= 20; k++) worst = Math.max(worst, Math.abs(shift(res.D, (rMax * k) / 20) - shift(TRUTH.D, (rMax * k) / 20)));
    console.info(`intrinsics: worst radial-distortion difference within 80% of the corner radius ${worst.toFixed(3)} px`);
    expect(worst).toBeLessThan(0.5);
    expect(res.views).toHaveLength(15);
    res.views.forEach((v) => expect(v.rms).toBeLessThan(0.45));
    expect(res.camera.P).toEqual([res.K[0], 0, res.K[2], 0, 0, res.K[4], res.K[5], 0, 0, 0, 1, 0]);
  });

  it("can hold k3 and tangential terms fixed", () => {
    const truth = { ...TRUTH, D: [-0.1, 0.03, 0, 0, 0] };
    const { views } = synthesizeBoardViews(truth, 10, 9, 0.1);
    const res = calibrateIntrinsics(views, { width: 640, height: 480, fixK3: true, fixTangential: true });
    expect(res.D[2]).toBe(0);
    expect(res.D[3]).toBe(0);
    expect(res.D[4]).toBe(0);
    expect(res.standardDeviations[8]).toBe(0);
    expect(Math.abs(res.K[0]! / 600 - 1)).toBeLessThan(0.005);
  });

  it("refuses too few views", () => {
    const { views } = synthesizeBoardViews(TRUTH, 2, 1, 0);
    expect(() => calibrateIntrinsics(views, { width: 640, height: 480 })).toThrow(IntrinsicsCalibrationError);
  });
});
