// What the carried object does to the gripper: its pose, and the force it loads the fingers with
// (weight, inertia, support reaction while pressed onto the tray). Shared by the wrench, the joint
// efforts and the tactile shear so that the three agree.
import { GRAVITY, type GraspModel } from "./grasp.ts";
import { type Mat4, newMat4 } from "./rigid.ts";

/** Finite-difference step for accelerations, seconds. */
export const ACCEL_STEP = 0.002;

export interface ObjectLoad {
  t: number;
  /** Force the object exerts on the active gripper, base_link, N. */
  force: Float64Array;
  /** Where it acts: the object's centre, base_link. */
  point: Float64Array;
  /** Upward support force from the table/tray on the object, N. */
  support: number;
}

export class LoadModel {
  private readonly cached: ObjectLoad = { t: Number.NaN, force: new Float64Array(3), point: new Float64Array(3), support: 0 };
  private readonly a = newMat4();
  private readonly b = newMat4();
  private readonly c = newMat4();

  constructor(
    private readonly grasp: GraspModel,
    private readonly mass: number,
  ) {}

  objectPose(t: number, out: Mat4): number {
    return this.grasp.objectPose(t, out);
  }

  load(t: number): ObjectLoad {
    const L = this.cached;
    if (L.t === t) return L;
    L.t = t;
    const g = this.grasp;
    if (!g.carried(t)) {
      L.force.fill(0);
      L.support = 0;
      this.grasp.objectPose(t, this.b);
      L.point[0] = this.b[12]!; L.point[1] = this.b[13]!; L.point[2] = this.b[14]!;
      return L;
    }
    const h = ACCEL_STEP;
    const spring = g.objectPose(t, this.b);
    g.objectPose(t - h, this.a);
    g.objectPose(t + h, this.c);
    const m = this.mass;
    const share = g.liftShare(t);
    // forces on the object: G + m g + S ẑ = m a  →  load on the gripper = −G = m(g − a) + S ẑ
    const support = (1 - share) * m * GRAVITY + spring;
    for (let k = 0; k < 3; k++) {
      const acc = (this.c[12 + k]! - 2 * this.b[12 + k]! + this.a[12 + k]!) / (h * h);
      L.force[k] = -m * acc * share;
    }
    L.force[2] = L.force[2]! - m * GRAVITY + support;
    L.support = support;
    L.point[0] = this.b[12]!; L.point[1] = this.b[13]!; L.point[2] = this.b[14]!;
    return L;
  }
}
