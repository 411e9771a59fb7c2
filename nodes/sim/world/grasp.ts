// The object and its contact with the active gripper: when the pads touch it, how hard they squeeze,
// where it is, what load it puts on the wrist. Event instants are solved exactly at construction, so
// the ground truth and the signals come from the same numbers.
import { mat4 } from "gl-matrix";
import type { ContactEvent, PadId } from "../types.ts";
import type { Plan } from "./plan.ts";
import { TRAY } from "./plan.ts";
import { GRIPPER, padIdsOf } from "./robot.ts";
import { type Mat4, newMat4, quatFromRpy } from "./rigid.ts";
import { minJerk, minJerkRate } from "./motion.ts";
import type { Scenario } from "./scenario.ts";

export const GRAVITY = 9.81;
/** Finger-servo stiffness: grip force per metre the command is inside the object, N/m. */
const GRIP_STIFFNESS = 8000;
/** Share of the command overshoot that shows as pad compression in the measured opening. */
const PAD_COMPLIANCE_SHARE = 0.25;
/** Support contact stiffness (table/tray under the pressed object), N/m. */
const SUPPORT_STIFFNESS = 2500;
/** Time for the object's weight to move from the table to the fingers at lift-off, s. */
const LIFT_OFF_TIME = 0.06;
/** Regrip slide duration and the relative acceleration of a dropping object, s and m/s². */
const SLIDE_TIME = 0.08;
const DROP_REL_ACCEL = 0.6 * GRAVITY;
/** Fingers snapping shut after the object is gone, s. */
const SNAP_TAU = 0.015;

export interface GraspTimes {
  onset: number;
  attach: number;
  slip?: number;
  /** Contact ends: the fingers open past the object, or the object slides off the pads. */
  release: number;
  /** Drop only: the object lands back on the table. */
  landed?: number;
}

export type TcpAt = (t: number, out: Mat4) => Mat4;

/** Support height under a point: the tray floor inside the tray, the table elsewhere. */
export function supportHeight(s: Scenario, x: number, y: number): number {
  const dx = x - s.tray.x, dy = y - s.tray.y;
  const c = Math.cos(s.tray.yaw), sn = Math.sin(s.tray.yaw);
  const u = c * dx + sn * dy, v = -sn * dx + c * dy;
  return Math.abs(u) < TRAY.innerHalf && Math.abs(v) < TRAY.innerHalf ? TRAY.floorTop : 0;
}

export class GraspModel {
  readonly width: number;
  readonly times: GraspTimes;
  readonly events: ContactEvent[] = [];
  /** Pad x (tool axis) of the object's top edge at the grasp, metres. */
  readonly topEdge0: number;
  private readonly rest: Mat4;
  private readonly rel: Mat4;
  private readonly lagG: number;
  private readonly drop: boolean;
  private readonly slideMax: number;
  private readonly snapDelta: number = 0;
  private readonly fallStart?: { p: [number, number, number]; v: number; rot: Mat4 };
  private readonly landedPose?: Mat4;
  private readonly slipTime: number | undefined;
  private releasedPose: Mat4 | undefined;
  private readonly tmp = newMat4();

  constructor(
    private readonly s: Scenario,
    private readonly plan: Plan,
    lag: number,
    private readonly tcpAt: TcpAt,
  ) {
    this.lagG = lag;
    this.width = 2 * s.object.halfExtents[1];
    this.drop = s.failure?.kind === "drop";
    this.slideMax = s.slip?.slide ?? 0;
    this.topEdge0 = -s.graspDepth;
    const e = plan.events;
    const h = s.object.halfExtents[2];
    this.rest = mat4.fromRotationTranslation(newMat4(), quatFromRpy(0, 0, s.object.yaw), [s.object.x, s.object.y, h]) as Mat4;

    const onset = plan.gripper.crossing(this.width, e.closeStart, e.closeEnd);
    if (onset === undefined) throw new Error("world model: the gripper command never closes on the object");
    const attach = e.liftStart + lag;
    // object in the TCP frame at lift-off; the follower's real TCP, so the object does not jump
    const inv = newMat4();
    mat4.invert(inv, tcpAt(attach, newMat4()));
    this.rel = mat4.multiply(newMat4(), inv, this.rest) as Mat4;

    const slip = e.slipStart !== undefined ? e.slipStart + lag : undefined;
    this.slipTime = slip;
    let release: number;
    let landed: number | undefined;
    if (this.drop && slip !== undefined) {
      const travel = GRIPPER.padLength / 2 - this.topEdge0;
      release = slip + Math.sqrt((2 * travel) / DROP_REL_ACCEL);
      // free fall from where the object leaves the pads
      const a = this.attachedPose(release - 1e-4, newMat4());
      const b = this.attachedPose(release, newMat4());
      const p: [number, number, number] = [b[12]!, b[13]!, b[14]!];
      const v = (b[14]! - a[14]!) / 1e-4;
      const rot = mat4.clone(b) as Mat4;
      this.fallStart = { p, v, rot };
      // z(t) = p + v τ − g τ²/2 = h  →  τ
      const dz = p[2] - h;
      const tau = (v + Math.sqrt(v * v + 2 * GRAVITY * Math.max(dz, 0))) / GRAVITY;
      landed = release + tau;
      const yaw = Math.atan2(b[1]!, b[0]!);
      this.landedPose = mat4.fromRotationTranslation(newMat4(), quatFromRpy(0, 0, yaw), [p[0], p[1], h]) as Mat4;
      this.snapDelta = (1 - PAD_COMPLIANCE_SHARE) * (this.width - this.freeOpening(release));
    } else {
      const r = plan.gripper.crossing(this.width, e.openStart ?? plan.end, e.openEnd ?? plan.end);
      if (r === undefined) throw new Error("world model: the gripper never opens past the object");
      release = r + lag;
    }
    this.times = { onset: onset + lag, attach, release, ...(slip !== undefined ? { slip } : {}), ...(landed !== undefined ? { landed } : {}) };

    const pads = padIdsOf(s.arm);
    const ev = (kind: ContactEvent["kind"], t: number) => pads.forEach((pad: PadId) => this.events.push({ kind, pad, t }));
    ev("onset", this.times.onset);
    if (slip !== undefined) ev("slip", slip);
    ev("release", release);
  }

  /** Commanded opening as the follower's finger servo sees it (leader command, delayed). */
  freeOpening(t: number): number {
    return this.plan.gripper.value(t - this.lagG);
  }

  inContact(t: number): boolean {
    return t >= this.times.onset && t < this.times.release;
  }

  /** Normal force of each pad on the object, N (before coverage loss while sliding off). */
  gripForce(t: number): number {
    if (!this.inContact(t)) return 0;
    return Math.max(0, GRIP_STIFFNESS * (this.width - this.freeOpening(t)));
  }

  /** Measured finger opening and its rate. */
  opening(t: number): [number, number] {
    const g = this.freeOpening(t);
    const gd = this.plan.gripper.rate(t - this.lagG);
    if (this.inContact(t)) return [this.width - PAD_COMPLIANCE_SHARE * (this.width - g), PAD_COMPLIANCE_SHARE * gd];
    if (this.drop && t >= this.times.release) {
      const k = Math.exp(-(t - this.times.release) / SNAP_TAU);
      return [g + this.snapDelta * k, gd - (this.snapDelta / SNAP_TAU) * k];
    }
    return [g, gd];
  }

  /** How far the object has slid down the pads (along the tool axis), metres. */
  slide(t: number): number {
    const ts = this.slipTime;
    if (ts === undefined || t <= ts) return 0;
    if (this.drop) return 0.5 * DROP_REL_ACCEL * (t - ts) ** 2;
    return this.slideMax * minJerk((t - ts) / SLIDE_TIME);
  }

  /** Sliding speed, m/s (for the stick-slip vibration). */
  slideRate(t: number): number {
    const ts = this.times.slip;
    if (ts === undefined || t <= ts) return 0;
    if (this.drop) return t < this.times.release ? DROP_REL_ACCEL * (t - ts) : 0;
    return (this.slideMax * minJerkRate((t - ts) / SLIDE_TIME)) / SLIDE_TIME;
  }

  /** True while the object hangs from (or is pressed by) the gripper. */
  carried(t: number): boolean {
    return t >= this.times.attach && t < this.times.release;
  }

  /** Fraction of the object's weight held by the fingers during lift-off (the rest by the table). */
  liftShare(t: number): number {
    return minJerk((t - this.times.attach) / LIFT_OFF_TIME);
  }

  /** Object pose while rigidly held: TCP · slide · (object in TCP at lift-off), no support clamp. */
  private attachedPose(t: number, out: Mat4): Mat4 {
    this.tcpAt(t, this.tmp);
    const d = this.slide(t);
    if (d !== 0) mat4.translate(this.tmp, this.tmp, [0, 0, d]);
    return mat4.multiply(out, this.tmp, this.rel) as Mat4;
  }

  /**
   * Object pose at t into `out`; returns the support's penetration-derived force (N, upward) so the
   * wrench can see the object being pressed onto the tray.
   */
  objectPose(t: number, out: Mat4): number {
    const h = this.s.object.halfExtents[2];
    if (t < this.times.attach) {
      out.set(this.rest);
      return 0;
    }
    if (t < this.times.release) {
      this.attachedPose(t, out);
      const floor = supportHeight(this.s, out[12]!, out[13]!);
      // bottom face height for an (almost) upright box: centre − h·|z axis · up|
      const pen = floor - (out[14]! - h * Math.abs(out[10]!));
      if (pen > 0) {
        out[14] = out[14]! + pen;
        return SUPPORT_STIFFNESS * pen;
      }
      return 0;
    }
    if (this.drop && this.fallStart && this.landedPose && this.times.landed !== undefined) {
      if (t >= this.times.landed) {
        out.set(this.landedPose);
        return 0;
      }
      const f = this.fallStart;
      const tau = t - this.times.release;
      out.set(f.rot);
      out[12] = f.p[0];
      out[13] = f.p[1];
      out[14] = f.p[2] + f.v * tau - 0.5 * GRAVITY * tau * tau;
      return 0;
    }
    // released in the tray: stays where it was let go
    if (!this.releasedPose) {
      const p = newMat4();
      this.objectPose(this.times.release - 1e-9, p);
      this.releasedPose = p;
    }
    out.set(this.releasedPose);
    return 0;
  }
}
