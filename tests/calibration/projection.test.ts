import { describe, expect, it } from "vitest";
import { distortNormalized, projectPoint, rectifyPixel, undistortNormalized, undistortPixel } from "../../calibration/projection.ts";
import { pinholeCamera } from "../../calibration/model/camera.ts";
import type { DistortionModel } from "../../calibration/model/types.ts";
import { seededRandom } from "../support/random.ts";

const CASES: [DistortionModel, number[]][] = [
  ["plumb_bob", [-0.28, 0.09, 0.001, -0.0007, -0.012]],
  ["rational_polynomial", [0.4, -0.1, 0.0005, 0.0003, 0.01, 0.7, -0.05, 0.02]],
  ["equidistant", [-0.013, 0.02, -0.01, 0.002]],
];

describe("projection", () => {
  it("matches hand-computed plumb_bob values", () => {
    // x = 0.1, y = −0.2: r² = 0.05, radial = 1 + 0.1·0.05 + 0.01·0.0025 = 1.005025,
    // x'' = 0.1·1.005025 + 2·0.001·(−0.02) + 0.002·(0.05 + 0.02) = 0.1006025
    // y'' = −0.2·1.005025 + 0.001·(0.05 + 0.08) + 2·0.002·(−0.02) = −0.2009550
    const [xd, yd] = distortNormalized("plumb_bob", [0.1, 0.01, 0.001, 0.002, 0], 0.1, -0.2);
    expect(xd).toBeCloseTo(0.1006025, 12);
    expect(yd).toBeCloseTo(-0.200955, 12);
    const cam = pinholeCamera({ name: "c", frame: "c", width: 640, height: 480, fx: 500, fy: 400, cx: 320, cy: 240 });
    expect(projectPoint(cam, [0.2, -0.4, 2])).toEqual([370, 160]);
    expect(projectPoint(cam, [0, 0, -1])).toBeUndefined();
  });

  it("equidistant follows θd = θ(1 + k1θ² + …)", () => {
    const k = [0.1, 0, 0, 0];
    const [xd] = distortNormalized("equidistant", k, 1, 0); // θ = π/4
    const theta = Math.PI / 4;
    expect(xd).toBeCloseTo(theta * (1 + 0.1 * theta * theta), 12);
  });

  it.each(CASES)("undistorts what it distorts (%s)", (model, D) => {
    const rand = seededRandom(5);
    for (let i = 0; i < 500; i++) {
      const x = (rand() * 2 - 1) * 0.6;
      const y = (rand() * 2 - 1) * 0.45;
      const [xd, yd] = distortNormalized(model, D, x, y);
      const [ux, uy] = undistortNormalized(model, D, xd, yd);
      expect(Math.hypot(ux - x, uy - y)).toBeLessThan(1e-10);
    }
    const cam = pinholeCamera({ name: "c", frame: "c", width: 640, height: 480, fx: 450, fy: 452, cx: 321, cy: 239, distortionModel: model, D });
    const px = projectPoint(cam, [0.3, -0.2, 1.1])!;
    const [nx, ny] = undistortPixel(cam, px);
    expect(nx).toBeCloseTo(0.3 / 1.1, 10);
    expect(ny).toBeCloseTo(-0.2 / 1.1, 10);
  });

  it("rectifies through R and P", () => {
    const cam = pinholeCamera({ name: "c", frame: "c", width: 640, height: 480, fx: 450, fy: 452, cx: 321, cy: 239, D: [-0.2, 0.05, 0, 0, 0] });
    const ideal = pinholeCamera({ name: "c", frame: "c", width: 640, height: 480, fx: 450, fy: 452, cx: 321, cy: 239 });
    const raw = projectPoint(cam, [0.25, 0.1, 1])!;
    const rect = rectifyPixel(cam, raw);
    const expected = projectPoint(ideal, [0.25, 0.1, 1])!;
    expect(rect[0]).toBeCloseTo(expected[0], 8);
    expect(rect[1]).toBeCloseTo(expected[1], 8);
  });
});
