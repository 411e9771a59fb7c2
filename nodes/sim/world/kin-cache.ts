// Per-instant follower kinematics (joints, and forward kinematics of each arm on demand), memoised for
// the few most recent instants: one query and the finite differences around it share the work.
import { mat4 } from "gl-matrix";
import type { SidePrefix } from "../types.ts";
import { ARM_DOF, armOffset, gripperIndex } from "./robot.ts";
import { ArmFrames, type ArmKinematics, TCP_LOCAL } from "./kinematics.ts";
import { startBlendRate, startBlendWeight, type ArmTrajectories } from "./joints.ts";
import type { GraspModel } from "./grasp.ts";
import type { Mat4 } from "./rigid.ts";

export const JOINT_COUNT = 2 * ARM_DOF + 2;

export class KinSample {
  t = Number.NaN;
  readonly q = new Float64Array(JOINT_COUNT);
  readonly qd = new Float64Array(JOINT_COUNT);
  private readonly left = new ArmFrames();
  private readonly right = new ArmFrames();
  /** Whether each arm's FK is current for `t`. */
  fkLeft = false;
  fkRight = false;
  constructor(private readonly kin: Record<SidePrefix, ArmKinematics>) {}

  frames(side: SidePrefix): ArmFrames {
    if (side === "left") {
      if (!this.fkLeft) {
        this.kin.left.fk(this.q, this.left, armOffset("left"));
        this.fkLeft = true;
      }
      return this.left;
    }
    if (!this.fkRight) {
      this.kin.right.fk(this.q, this.right, armOffset("right"));
      this.fkRight = true;
    }
    return this.right;
  }
}

const SLOTS = 8;

export class KinCache {
  private readonly slots: KinSample[];
  private next = 0;
  constructor(
    kin: Record<SidePrefix, ArmKinematics>,
    private readonly arms: ArmTrajectories,
    private readonly idleOpening: number,
    private grasp: GraspModel | undefined,
  ) {
    this.slots = Array.from({ length: SLOTS }, () => new KinSample(kin));
  }

  /** Per gripper (left, right), the offset that blends in from the previous demonstration's end. */
  private gripperStart: [number, number] | undefined;

  setGripperStart(offsets: [number, number]): void {
    this.gripperStart = offsets;
    for (const s of this.slots) s.t = Number.NaN;
  }

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
    const start = this.gripperStart;
    if (start !== undefined) {
      const w = startBlendWeight(t), wd = startBlendRate(t);
      if (w !== 0) {
        const gl = gripperIndex("left"), gr = gripperIndex("right");
        s.q[gl] = s.q[gl]! + w * start[0];
        s.q[gr] = s.q[gr]! + w * start[1];
        s.qd[gl] = s.qd[gl]! + wd * start[0];
        s.qd[gr] = s.qd[gr]! + wd * start[1];
      }
    }
    s.fkLeft = s.fkRight = false;
    s.t = t;
    return s;
  }

  /** Tool centre point of a side's follower arm at t. */
  tcp(side: SidePrefix, t: number, out: Mat4): Mat4 {
    return mat4.multiply(out, this.at(t).frames(side).flange, TCP_LOCAL) as Mat4;
  }
}
