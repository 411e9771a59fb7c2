// The wrist IMU on `imu_link`: angular velocity of the link it rides on (J_ω q̇, exact), specific force
// from the second difference of its position, both expressed in imu_link, plus bias and noise.
import { mat4 } from "gl-matrix";
import type { ImuSample, SidePrefix } from "../../types.ts";
import { GRAVITY } from "../grasp.ts";
import { angularVelocity } from "../kinematics.ts";
import type { KinCache } from "../kin-cache.ts";
import { type Mat4, asQuat, newMat4, newQuat, rotateIntoFrame, rotationOf } from "../rigid.ts";
import { NoiseStream, Prng, sampleKey } from "../rng.ts";
import { armOffset } from "../robot.ts";
import { ACCEL_STEP } from "../load.ts";

const GYRO_NOISE = 0.0015; // rad/s
const ACCEL_NOISE = 0.015; // m/s²
// finite-difference step: the wrench uses the same, so both share the cached kinematics
const STEP = ACCEL_STEP;

export class ImuSensor {
  private readonly gyroBias: number[];
  private readonly accelBias: number[];
  private readonly noise: NoiseStream;
  private readonly m = newMat4();
  private readonly ma = newMat4();
  private readonly mc = newMat4();
  private readonly q = newQuat();

  constructor(
    seed: number,
    biasSeed: number,
    /** The arm whose flange carries the IMU, and flange_T_imu_link from the profile. */
    private readonly side: SidePrefix,
    private readonly mount: Mat4,
    private readonly cache: KinCache,
    private readonly noiseOn: boolean,
  ) {
    const r = new Prng(biasSeed ^ 0x1a1);
    this.gyroBias = noiseOn ? [r.uniform(-0.003, 0.003), r.uniform(-0.003, 0.003), r.uniform(-0.003, 0.003)] : [0, 0, 0];
    this.accelBias = noiseOn ? [r.uniform(-0.04, 0.04), r.uniform(-0.04, 0.04), r.uniform(-0.04, 0.04)] : [0, 0, 0];
    this.noise = new NoiseStream(seed, "imu");
  }

  /** imu_link pose in base_link at t. */
  pose(t: number, out: Mat4): Mat4 {
    return mat4.multiply(out, this.cache.at(t).frames(this.side).flange, this.mount) as Mat4;
  }

  at(t: number): ImuSample {
    const s = this.cache.at(t);
    const w = angularVelocity(s.frames(this.side), s.qd, armOffset(this.side));
    this.pose(t, this.m);
    this.pose(t - STEP, this.ma);
    this.pose(t + STEP, this.mc);
    const acc = [0, 0, 0];
    for (let k = 0; k < 3; k++) acc[k] = (this.mc[12 + k]! - 2 * this.m[12 + k]! + this.ma[12 + k]!) / (STEP * STEP);
    acc[2] = acc[2]! + GRAVITY; // specific force: a − g, with g = −9.81 ẑ
    const wi = rotateIntoFrame(this.m, w);
    const fi = rotateIntoFrame(this.m, acc);
    const out: ImuSample = {
      angularVelocity: [wi[0] + this.gyroBias[0]!, wi[1] + this.gyroBias[1]!, wi[2] + this.gyroBias[2]!],
      linearAcceleration: [fi[0] + this.accelBias[0]!, fi[1] + this.accelBias[1]!, fi[2] + this.accelBias[2]!],
      orientation: asQuat(rotationOf(this.m, this.q)),
    };
    if (this.noiseOn) {
      const key = sampleKey(t);
      for (let k = 0; k < 3; k++) {
        out.angularVelocity[k] = out.angularVelocity[k]! + GYRO_NOISE * this.noise.gauss(key, k);
        out.linearAcceleration[k] = out.linearAcceleration[k]! + ACCEL_NOISE * this.noise.gauss(key, k + 3);
      }
    }
    return out;
  }
}
