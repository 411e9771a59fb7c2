// Wrist force-torque in `${side}_ft_sensor`: the load of everything beyond the sensor (gripper weight
// and inertia, the carried object), a small squeeze imbalance, stick-slip vibration, bias and noise.
// Sign: the force the tool side exerts on the sensor, so a hanging gripper pulls along the tool axis
// (+z of the sensor when the sensor z points down) — untared, as a raw sensor reports.
import type { SidePrefix, Wrench } from "../../types.ts";
import { GRAVITY, type GraspModel } from "../grasp.ts";
import type { KinCache } from "../kin-cache.ts";
import { ACCEL_STEP, type LoadModel } from "../load.ts";
import { GRIPPER } from "../robot.ts";
import { type Mat4, cross, newMat4, rotateIntoFrame, transformPoint } from "../rigid.ts";
import { NoiseStream, Prng, sampleKey } from "../rng.ts";
import { mat4 } from "gl-matrix";

const FORCE_NOISE = 0.06; // N
const TORQUE_NOISE = 0.003; // N·m
/** Fraction of the grip force that does not cancel between the fingers (finger asymmetry). */
const SQUEEZE_IMBALANCE = 0.025;
const VIBRATION_HZ = 118;

export class WrenchSensor {
  private readonly bias: Record<SidePrefix, number[]>;
  private readonly noise: Record<SidePrefix, NoiseStream>;
  private readonly sensor = newMat4();

  constructor(
    seed: number,
    biasSeed: number,
    private readonly activeSide: SidePrefix,
    /** flange_T_ft_sensor per side, from the profile. */
    private readonly mount: Record<SidePrefix, Mat4>,
    private readonly cache: KinCache,
    private readonly grasp: GraspModel,
    private readonly load: LoadModel,
    private readonly noiseOn: boolean,
  ) {
    const r = new Prng(biasSeed ^ 0xf7);
    const draw = () =>
      !noiseOn ? [0, 0, 0, 0, 0, 0] : [r.uniform(-2, 2), r.uniform(-2, 2), r.uniform(-3, 3), r.uniform(-0.08, 0.08), r.uniform(-0.08, 0.08), r.uniform(-0.05, 0.05)];
    this.bias = { left: draw(), right: draw() };
    this.noise = { left: new NoiseStream(seed, "left_ft"), right: new NoiseStream(seed, "right_ft") };
  }

  at(side: SidePrefix, t: number): Wrench {
    const h = ACCEL_STEP;
    const flangeA = this.cache.at(t - h).frames(side).flange;
    const pa = [flangeA[12]!, flangeA[13]!, flangeA[14]!];
    const flangeC = this.cache.at(t + h).frames(side).flange;
    const pc = [flangeC[12]!, flangeC[13]!, flangeC[14]!];
    const flange = this.cache.at(t).frames(side).flange;
    mat4.multiply(this.sensor, flange, this.mount[side]);
    const ps = [this.sensor[12]!, this.sensor[13]!, this.sensor[14]!];

    // gripper: load on the sensor = m (g − a) at its centre of mass
    const mg = GRIPPER.mass;
    const com = transformPoint(flange, GRIPPER.com);
    const F = [0, 0, 0];
    for (let k = 0; k < 3; k++) F[k] = -mg * ((pc[k]! - 2 * flange[12 + k]! + pa[k]!) / (h * h));
    F[2] = F[2]! - mg * GRAVITY;
    const T = cross([com[0] - ps[0]!, com[1] - ps[1]!, com[2] - ps[2]!], F);

    if (side === this.activeSide) {
      const L = this.load.load(t);
      const r = [L.point[0]! - ps[0]!, L.point[1]! - ps[1]!, L.point[2]! - ps[2]!];
      const tl = cross(r, L.force);
      for (let k = 0; k < 3; k++) {
        F[k] = F[k]! + L.force[k]!;
        T[k] = T[k]! + tl[k]!;
      }
    }
    const f = rotateIntoFrame(this.sensor, F);
    const tq = rotateIntoFrame(this.sensor, T);
    if (side === this.activeSide) {
      // squeeze is internal, but finger asymmetry leaks a little of it along the closing axis (y)
      f[1] += SQUEEZE_IMBALANCE * this.grasp.gripForce(t);
      const v = this.grasp.slideRate(t);
      if (v > 0) {
        const ts = this.grasp.times.slip ?? t;
        const a = Math.min(1.5, 12 * v) * Math.sin(2 * Math.PI * VIBRATION_HZ * (t - ts));
        f[2] += a;
        f[0] += 0.4 * a;
      }
    }
    const b = this.bias[side];
    const out: Wrench = { force: [f[0] + b[0]!, f[1] + b[1]!, f[2] + b[2]!], torque: [tq[0] + b[3]!, tq[1] + b[4]!, tq[2] + b[5]!] };
    if (this.noiseOn) {
      const n = this.noise[side];
      const key = sampleKey(t);
      for (let k = 0; k < 3; k++) {
        out.force[k] = out.force[k]! + FORCE_NOISE * n.gauss(key, k);
        out.torque[k] = out.torque[k]! + TORQUE_NOISE * n.gauss(key, k + 3);
      }
    }
    return out;
  }
}
