import { describe, expect, it } from "vitest";
import { mat4 } from "gl-matrix";
import { ArmFrames, ArmKinematics, angularVelocity, solveIk, TCP_LOCAL } from "../../../nodes/sim/world/kinematics.ts";
import { ARM_DOF, ARM_JOINTS, REST_POSTURE } from "../../../nodes/sim/world/robot.ts";
import { newMat4, orientationError } from "../../../nodes/sim/world/rigid.ts";
import { Prng } from "../../../nodes/sim/world/rng.ts";

const base = newMat4();
base[13] = -0.3;
const kin = new ArmKinematics(base);

function randomPosture(r: Prng, spread: number): number[] {
  return REST_POSTURE.map((q, i) => {
    const j = ARM_JOINTS[i]!;
    return Math.min(j.upper - 0.05, Math.max(j.lower + 0.05, q + r.uniform(-spread, spread)));
  });
}

describe("forward kinematics", () => {
  it("points the tool down in the rest posture with ~0.8 m reach", () => {
    const f = kin.fk(REST_POSTURE);
    expect(f.flange[10]).toBeLessThan(-0.99); // flange z · base z
    // reach: the farthest the flange gets from the shoulder over random postures
    const r = new Prng(3);
    let reach = 0;
    for (let k = 0; k < 3000; k++) {
      const f = kin.fk(ARM_JOINTS.map((j) => r.uniform(j.lower, j.upper)));
      reach = Math.max(reach, Math.hypot(f.flange[12]!, f.flange[13]! + 0.3, f.flange[14]! - 0.33));
    }
    expect(reach).toBeGreaterThan(0.75);
    expect(reach).toBeLessThan(0.9);
  });
});

describe("inverse kinematics", () => {
  it("reaches FK-generated targets within 1 mm and 0.5°", () => {
    const r = new Prng(42);
    const target = newMat4();
    const tool = newMat4();
    for (let k = 0; k < 40; k++) {
      const qTrue = randomPosture(r, 0.5);
      mat4.multiply(target, kin.fk(qTrue).flange, TCP_LOCAL);
      const res = solveIk(kin, target, REST_POSTURE);
      mat4.multiply(tool, kin.fk(res.q).flange, TCP_LOCAL);
      const dp = Math.hypot(tool[12]! - target[12]!, tool[13]! - target[13]!, tool[14]! - target[14]!);
      const dr = Math.hypot(...orientationError(target, tool));
      expect(dp).toBeLessThan(1e-3);
      expect(dr).toBeLessThan((0.5 * Math.PI) / 180);
      for (let i = 0; i < ARM_DOF; i++) {
        expect(res.q[i]).toBeGreaterThanOrEqual(ARM_JOINTS[i]!.lower);
        expect(res.q[i]).toBeLessThanOrEqual(ARM_JOINTS[i]!.upper);
      }
    }
  });
});

describe("geometric Jacobian", () => {
  it("angular rows match finite differences of orientation, linear rows of position", () => {
    const r = new Prng(7);
    const h = 1e-6;
    for (let k = 0; k < 20; k++) {
      const q = randomPosture(r, 0.8);
      const qd = q.map(() => r.uniform(-1, 1));
      const f0 = kin.fk(q);
      const f1 = kin.fk(q.map((v, i) => v + h * qd[i]!), new ArmFrames());
      const w = angularVelocity(f0, qd);
      const wFd = orientationError(f1.flange, f0.flange).map((x) => x / h);
      for (let i = 0; i < 3; i++) expect(w[i]).toBeCloseTo(wFd[i]!, 4);
      const p = [f0.flange[12]!, f0.flange[13]!, f0.flange[14]!];
      const J = kin.jacobian(f0, p);
      for (let row = 0; row < 3; row++) {
        let v = 0;
        for (let i = 0; i < ARM_DOF; i++) v += J[row * ARM_DOF + i]! * qd[i]!;
        expect(v).toBeCloseTo((f1.flange[12 + row]! - p[row]!) / h, 4);
        let wr = 0;
        for (let i = 0; i < ARM_DOF; i++) wr += J[(row + 3) * ARM_DOF + i]! * qd[i]!;
        expect(wr).toBeCloseTo(w[row]!, 12);
      }
    }
  });
});
