// Joint efforts: the torque each joint must give to hold its arm against gravity and the carried
// object (quasi-static — inertia of the links is small at teleop speeds), plus viscous friction.
import type { SidePrefix } from "../../types.ts";
import { GRAVITY } from "../grasp.ts";
import type { KinSample } from "../kin-cache.ts";
import { ARM_DOF, ARM_JOINTS, FLANGE_ORIGIN, GRIPPER, LINK_MASSES, armOffset } from "../robot.ts";
import { transformPoint } from "../rigid.ts";

const VISCOUS = 0.6; // N·m·s/rad
/** Each link's centre of mass in its own frame: halfway to the next joint. */
const LINK_COMS: readonly (readonly number[])[] = Array.from({ length: ARM_DOF }, (_, i) => {
  const next = i + 1 < ARM_DOF ? ARM_JOINTS[i + 1]!.origin.xyz : FLANGE_ORIGIN.xyz;
  return [next[0] / 2, next[1] / 2, next[2] / 2];
});

/**
 * Writes the 7 efforts of one arm. `extra` is an external force on the arm (the object's load on the
 * gripper) applied at `extraPoint`, both base_link.
 */
export function armEfforts(
  side: SidePrefix,
  s: KinSample,
  out: Float64Array,
  extra?: ArrayLike<number>,
  extraPoint?: ArrayLike<number>,
): void {
  const frames = s.frames(side);
  // accumulate, from the tip inwards, total force F and moment about the origin M = Σ c × W
  // (no closure for the accumulation: this runs for every joint_states sample, and a closure
  // per call costs an allocation plus, under tsx, a keepNames call)
  let Fx = 0, Fy = 0, Fz = 0, Mx = 0, My = 0, Mz = 0;
  // a weight (0, 0, −w) at c adds F = (0, 0, −w) and M = c × F = (−c_y·w, c_x·w, 0)
  let c = transformPoint(frames.flange, GRIPPER.com);
  let w = GRIPPER.mass * GRAVITY;
  Fz -= w;
  Mx -= c[1]! * w;
  My += c[0]! * w;
  if (extra && extraPoint) {
    const wx = extra[0]!, wy = extra[1]!, wz = extra[2]!;
    Fx += wx; Fy += wy; Fz += wz;
    Mx += extraPoint[1]! * wz - extraPoint[2]! * wy;
    My += extraPoint[2]! * wx - extraPoint[0]! * wz;
    Mz += extraPoint[0]! * wy - extraPoint[1]! * wx;
  }
  const off = armOffset(side);
  for (let i = ARM_DOF - 1; i >= 0; i--) {
    const m = frames.links[i]!;
    c = transformPoint(m, LINK_COMS[i]!);
    w = LINK_MASSES[i]! * GRAVITY;
    Fz -= w;
    Mx -= c[1]! * w;
    My += c[0]! * w;
    // torque of the loads about joint i's axis: z · (M − p × F); the motor holds against it
    const px = m[12]!, py = m[13]!, pz = m[14]!;
    const tx = Mx - (py * Fz - pz * Fy);
    const ty = My - (pz * Fx - px * Fz);
    const tz = Mz - (px * Fy - py * Fx);
    out[off + i] = -(m[8]! * tx + m[9]! * ty + m[10]! * tz) + VISCOUS * s.qd[off + i]!;
  }
}

