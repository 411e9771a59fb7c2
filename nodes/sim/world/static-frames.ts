// The profile's static frame tree, read as transforms. Mounting of the arms and of the wrist sensors
// comes from here, never from constants, so a re-calibrated profile moves the simulated robot too.
import { mat4 } from "gl-matrix";
import type { StaticFrameSpec } from "../../rig/profile.ts";
import { type Mat4, mat4FromXyzRpy, newMat4 } from "./rigid.ts";

export class StaticFrames {
  private readonly edges = new Map<string, { parent: string; local: Mat4 }>();

  constructor(readonly root: string, specs: readonly StaticFrameSpec[]) {
    for (const s of specs) this.edges.set(s.child, { parent: s.parent, local: mat4FromXyzRpy(s.xyz, s.rpy) });
  }

  has(child: string): boolean {
    return this.edges.has(child);
  }

  /** parent_T_child of a frame listed in the profile, with its parent's name. */
  edge(child: string): { parent: string; local: Mat4 } {
    const e = this.edges.get(child);
    if (!e) throw new Error(`rig profile has no static frame "${child}"`);
    return e;
  }

  /** ancestor_T_frame through static edges only; throws if the chain does not reach `ancestor`. */
  relative(ancestor: string, frame: string): Mat4 {
    const out = newMat4();
    let f = frame;
    const chain: Mat4[] = [];
    while (f !== ancestor) {
      const e = this.edges.get(f);
      if (!e) throw new Error(`rig profile: frame "${frame}" is not statically attached to "${ancestor}"`);
      chain.push(e.local);
      f = e.parent;
      if (chain.length > 64) throw new Error(`rig profile: static frame cycle at "${frame}"`);
    }
    for (let i = chain.length - 1; i >= 0; i--) mat4.multiply(out, out, chain[i]!);
    return out;
  }

  /** Pose in the root frame. */
  world(frame: string): Mat4 {
    return this.relative(this.root, frame);
  }
}
