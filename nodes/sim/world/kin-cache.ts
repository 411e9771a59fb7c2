// Per-instant follower kinematics (joints + forward kinematics of both arms), memoised for the few
// most recent instants: one stateAt, and the finite differences around it, reuse the same FK.
import type { SidePrefix } from "../types.ts";
import { ARM_DOF, armOffset, gripperIndex } from "./robot.ts";
import { ArmFrames, type ArmKinematics } from "./kinematics.ts";
import type { ArmTrajectories } from "./joints.ts";
import type { GraspModel } from "./grasp.ts";
import type { Mat4 } from "./rigid.ts";
import { mat4 } from "gl-matrix";
import { TCP_LOCAL } from "./kinematics.ts";

export const JOINT_COUNT = 2 * ARM_DOF + 2;

export class KinSample {
  t = Number.NaN;
  readonly q = new Float64Array(JOINT_COUNT);
  readonly qd = new Float64Array(JOINT_COUNT);
  readonly left = new ArmFrames();
  readonly right = new ArmFrames();
  frames(side: SidePrefix): ArmFrames {
    return side === "left" ? this.left : this.right;
  }
}

const SLOTS = 6;

export class KinCache {
  private readonly slots = Array.from({ length: SLOTS }, () => new KinSample());
  private next = 0;
  constructor(
    private readonly kin: Record<SidePrefix, ArmKinematics>,
    private readonly arms: ArmTrajectories,
    private readonly idleOpening: number,
    private grasp: GraspModel | undefined,
  ) {}

  setGrasp(g: GraspModel): void {
    this.grasp = g;
    for (const s of this.slots) s.t = Number.NaN;
  }

  at(t: number): KinSample {
    for (let i = 0; i < SLOTS; i++) if (this.slots[i]!.t === t) return this.slots[i]!;
    const s = this.slots[this.next]!;
    this.next = (this.next + 1) % SLOTS;
    this.arms.follower(t, s.q, s.qd);
    const active = this.arms.activeSide;
    const idle: SidePrefix = active === "right" ? "left" : "right";
    s.q[gripperIndex(idle)] = this.idleOpening;
    s.qd[gripperIndex(idle)] = 0;
    if (this.grasp) {
      const [g, gd] = this.grasp.opening(t);
      s.q[gripperIndex(active)] = g;
      s.qd[gripperIndex(active)] = gd;
    }
    this.kin.left.fk(s.q, s.left, armOffset("left"));
    this.kin.right.fk(s.q, s.right, armOffset("right"));
    s.t = t;
    return s;
  }

  /** Tool centre point of a side's follower arm at t. */
  tcp(side: SidePrefix, t: number, out: Mat4): Mat4 {
    return mat4.multiply(out, this.at(t).frames(side).flange, TCP_LOCAL) as Mat4;
  }
}
