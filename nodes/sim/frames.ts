// Resolves any frame of the simulated rig in base_link: the profile's static frames (xyz + rpy,
// URDF convention) joined with the world's moving frames at an instant.
import { mat4, quat } from "gl-matrix";
import type { StaticFrameSpec } from "../rig/profile.ts";
import type { FrameTransform, Pose, Quat } from "./types.ts";

/** URDF/tf2 rpy: fixed-axis roll about X, then pitch about Y, then yaw about Z. */
export function quatFromRpy(roll: number, pitch: number, yaw: number): Quat {
  const q = quat.create();
  quat.fromEuler(q, (roll * 180) / Math.PI, (pitch * 180) / Math.PI, (yaw * 180) / Math.PI, "zyx");
  return [q[0], q[1], q[2], q[3]];
}

export function staticFramePose(spec: StaticFrameSpec): Pose {
  return { position: [spec.xyz[0], spec.xyz[1], spec.xyz[2]], orientation: quatFromRpy(spec.rpy[0], spec.rpy[1], spec.rpy[2]) };
}

export function poseToMat4(pose: Pose, out: mat4 = mat4.create()): mat4 {
  const [x, y, z, w] = pose.orientation;
  return mat4.fromRotationTranslation(out, [x, y, z, w], pose.position);
}

export function mat4ToPose(m: mat4): Pose {
  const q = quat.create();
  mat4.getRotation(q, m);
  quat.normalize(q, q);
  return { position: [m[12], m[13], m[14]], orientation: [q[0], q[1], q[2], q[3]] };
}

interface Edge {
  parent: string;
  parentTchild: mat4;
}

export class FrameResolver {
  private readonly staticEdges = new Map<string, Edge>();

  constructor(
    readonly rootFrame: string,
    staticFrames: readonly StaticFrameSpec[],
  ) {
    for (const f of staticFrames) this.staticEdges.set(f.child, { parent: f.parent, parentTchild: poseToMat4(staticFramePose(f)) });
  }

  /** rootFrame_T_frame given the moving frames at one instant; throws naming the broken link. */
  resolve(frame: string, dynamic: readonly FrameTransform[]): mat4 {
    const dynamicEdges = new Map<string, Edge>();
    for (const d of dynamic) dynamicEdges.set(d.child, { parent: d.parent, parentTchild: poseToMat4(d.transform) });
    const out = mat4.create();
    let current = frame;
    const seen = new Set<string>();
    while (current !== this.rootFrame) {
      if (seen.has(current)) throw new Error(`frame tree has a cycle through ${current}`);
      seen.add(current);
      const edge = dynamicEdges.get(current) ?? this.staticEdges.get(current);
      if (!edge) throw new Error(`frame ${frame} is not connected to ${this.rootFrame} (no parent for ${current})`);
      mat4.multiply(out, edge.parentTchild, out);
      current = edge.parent;
    }
    return out;
  }

  /** True when resolving the frame needs no moving frame, so its pose can be cached. */
  isStatic(frame: string): boolean {
    let current = frame;
    for (let i = 0; i < 1000 && current !== this.rootFrame; i++) {
      const edge = this.staticEdges.get(current);
      if (!edge) return false;
      current = edge.parent;
    }
    return current === this.rootFrame;
  }
}
