import { describe, expect, it } from "vitest";
import {
  matrixToQuat,
  matrixToRotvec,
  nearestRotation,
  quatToMatrix,
  quatToRpy,
  rotvecToMatrix,
  rotvecToQuat,
  rpyToQuat,
  mat3Mul,
  mat3Transpose,
} from "../../../calibration/math/so3.ts";
import { composeTransforms, invertTransform, makeTransform, transformPoint, rotationDifference, transformToMat4 } from "../../../calibration/math/rigid.ts";
import { seededRandom } from "../../support/random.ts";

const H = Math.PI / 2;

function expectMatClose(a: readonly number[], b: readonly number[], digits = 12): void {
  a.forEach((v, i) => expect(v).toBeCloseTo(b[i]!, digits));
}

describe("rotations", () => {
  it("rpy follows URDF's fixed-axis X, Y, Z convention", () => {
    // yaw 90°: x → y.
    expectMatClose(quatToMatrix(rpyToQuat(0, 0, H)), [0, -1, 0, 1, 0, 0, 0, 0, 1]);
    // The REP 103 → REP 104 optical rotation rpy (−π/2, 0, −π/2): optical z = link x, optical x = −link y.
    expectMatClose(quatToMatrix(rpyToQuat(-H, 0, -H)), [0, 0, 1, -1, 0, 0, 0, -1, 0]);
    // Rz(yaw)·Ry(pitch)·Rx(roll) composition.
    const [r, p, y] = [0.3, -0.4, 1.1];
    const rx = quatToMatrix(rpyToQuat(r, 0, 0));
    const ry = quatToMatrix(rpyToQuat(0, p, 0));
    const rz = quatToMatrix(rpyToQuat(0, 0, y));
    expectMatClose(quatToMatrix(rpyToQuat(r, p, y)), mat3Mul(rz, mat3Mul(ry, rx)));
  });

  it("round-trips rpy, rotation vectors and matrices for random rotations", () => {
    const rand = seededRandom(11);
    for (let i = 0; i < 200; i++) {
      const rpy: [number, number, number] = [(rand() * 2 - 1) * Math.PI, (rand() * 2 - 1) * (H - 0.01), (rand() * 2 - 1) * Math.PI];
      const q = rpyToQuat(...rpy);
      const back = quatToRpy(q);
      expect(rotationDifference(makeTransform([0, 0, 0], rpyToQuat(...back)), makeTransform([0, 0, 0], q))).toBeLessThan(1e-12);
      const w = matrixToRotvec(quatToMatrix(q));
      expectMatClose(rotvecToMatrix(w), quatToMatrix(q));
      expectMatClose(quatToMatrix(matrixToQuat(quatToMatrix(q))), quatToMatrix(q));
    }
  });

  it("handles gimbal lock and π rotations", () => {
    const q = rpyToQuat(0.2, H, 0.5);
    expectMatClose(quatToMatrix(rpyToQuat(...quatToRpy(q))), quatToMatrix(q), 9);
    const w: [number, number, number] = [0, Math.PI, 0];
    expectMatClose(rotvecToMatrix(matrixToRotvec(rotvecToMatrix(w))), rotvecToMatrix(w));
    expect(Math.hypot(...matrixToRotvec(rotvecToMatrix(w)))).toBeCloseTo(Math.PI, 12);
    expectMatClose(quatToMatrix(rotvecToQuat([1e-10, 0, 0])), rotvecToMatrix([1e-10, 0, 0]), 15);
  });

  it("projects a perturbed matrix onto the nearest rotation", () => {
    const r = rotvecToMatrix([0.3, -0.2, 0.9]);
    const noisy = r.map((v, i) => v + (i % 2 ? 1e-3 : -1e-3));
    const fixed = nearestRotation(noisy);
    expectMatClose(mat3Mul(mat3Transpose(fixed), fixed), [1, 0, 0, 0, 1, 0, 0, 0, 1]);
    expectMatClose(fixed, r, 2);
  });
});

describe("rigid transforms", () => {
  it("compose, invert and map points like 4×4 matrices", () => {
    const a = makeTransform([1, 0, 0], rpyToQuat(0, 0, H));
    const b = makeTransform([0, 2, 0], [0, 0, 0, 1]);
    const ab = composeTransforms(a, b);
    expectMatClose(Array.from(ab.translation), [-1, 0, 0]);
    expectMatClose(transformPoint(ab, [1, 0, 0]), [-1, 1, 0]);
    const inv = invertTransform(ab);
    expectMatClose(transformPoint(inv, transformPoint(ab, [0.3, -0.7, 2])), [0.3, -0.7, 2]);
    const m = transformToMat4(ab);
    expect(m[12]).toBeCloseTo(-1, 14);
    expect(m[1]).toBeCloseTo(1, 14); // column-major: first column is the image of x = +y
  });
});
