// The moving part of the frame tree for /tf: each arm's chain from its base to the pads, and the
// object. Local transforms come straight from joint values (origin · Rz(q)) without full FK.
import type { FrameTransform, Pose, SidePrefix } from "../types.ts";
import { ARM_DOF, ARM_JOINTS, FLANGE_ORIGIN, GRIPPER, PAD_AXES, SIDES, armBaseFrame, armOffset, flangeFrame, gripperIndex, linkNames, padIdsOf } from "./robot.ts";
import { asQuat, mat4FromXyzRpy, poseOf, quatFromRpy, rotationOf } from "./rigid.ts";
import { mat4 } from "gl-matrix";

const ORIGIN_QUATS = ARM_JOINTS.map((j) => quatFromRpy(j.origin.rpy[0], j.origin.rpy[1], j.origin.rpy[2]));
const FLANGE_POSE: Pose = poseOf(mat4FromXyzRpy(FLANGE_ORIGIN.xyz, FLANGE_ORIGIN.rpy));

/** Pad orientation in the flange frame, from its axes. */
function padQuat(finger: "left" | "right"): [number, number, number, number] {
  const a = PAD_AXES[finger];
  const m = mat4.fromValues(a.x[0]!, a.x[1]!, a.x[2]!, 0, a.y[0]!, a.y[1]!, a.y[2]!, 0, a.z[0]!, a.z[1]!, a.z[2]!, 0, 0, 0, 0, 1);
  return asQuat(rotationOf(Float64Array.from(m)));
}
export const PAD_QUATS = { left: padQuat("left"), right: padQuat("right") };

/** Names of the /tf children in the order `dynamicTransforms` lists them. */
export function dynamicFrameNames(): string[] {
  const out: string[] = [];
  for (const side of SIDES) out.push(...linkNames(side), flangeFrame(side), ...padIdsOf(side));
  out.push("object");
  return out;
}

export function dynamicTransforms(q: ArrayLike<number>, object: Pose, root: string): FrameTransform[] {
  const out: FrameTransform[] = [];
  for (const side of SIDES) appendArm(out, side, q);
  out.push({ parent: root, child: "object", transform: object });
  return out;
}

const NAMES = {
  left: { links: linkNames("left"), base: armBaseFrame("left"), flange: flangeFrame("left"), pads: padIdsOf("left") },
  right: { links: linkNames("right"), base: armBaseFrame("right"), flange: flangeFrame("right"), pads: padIdsOf("right") },
};

function appendArm(out: FrameTransform[], side: SidePrefix, q: ArrayLike<number>): void {
  const names = NAMES[side];
  const links = names.links;
  const off = armOffset(side);
  let parent = names.base;
  for (let i = 0; i < ARM_DOF; i++) {
    const o = ORIGIN_QUATS[i]!;
    const half = 0.5 * q[off + i]!;
    const s = Math.sin(half), c = Math.cos(half);
    // origin ⊗ (0, 0, s, c)
    const x = o[0]! * c + o[1]! * s, y = o[1]! * c - o[0]! * s, z = o[2]! * c + o[3]! * s, w = o[3]! * c - o[2]! * s;
    const xyz = ARM_JOINTS[i]!.origin.xyz;
    out.push({ parent, child: links[i]!, transform: { position: [xyz[0], xyz[1], xyz[2]], orientation: [x, y, z, w] } });
    parent = links[i]!;
  }
  const flange = names.flange;
  out.push({ parent, child: flange, transform: { position: [...FLANGE_POSE.position], orientation: [...FLANGE_POSE.orientation] } });
  const g = q[gripperIndex(side)]!;
  const [lp, rp] = names.pads;
  out.push({ parent: flange, child: lp, transform: { position: [0, g / 2, GRIPPER.padZ], orientation: [...PAD_QUATS.left] } });
  out.push({ parent: flange, child: rp, transform: { position: [0, -g / 2, GRIPPER.padZ], orientation: [...PAD_QUATS.right] } });
}
