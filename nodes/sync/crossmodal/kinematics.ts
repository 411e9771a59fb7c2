// What cross-modal estimation needs from a robot model: the orientation and angular velocity of
// a named frame on the arms, from a joint state. The simulated rig's kinematics implement it
// here; a URDF-based provider can replace it for another robot.
import { mat4 } from "gl-matrix";
import type { RigProfile } from "../../rig/profile.ts";
import { ARM_DOF, ArmFrames, ArmKinematics, angularVelocity } from "../../sim/world/index.ts";
import { mat4FromXyzRpy } from "../../sim/world/rigid.ts";

export interface JointSample {
  readonly names: readonly string[];
  readonly position: ArrayLike<number>;
  /** May be empty (then the angular velocity is unknown). */
  readonly velocity: ArrayLike<number>;
}

export interface FrameState {
  /** Frame → root rotation, 3×3 row-major: column k is the frame's k axis in the root frame. */
  rotation: Float64Array;
  /** Angular velocity of the frame in the root frame, rad/s (NaN when joint velocities are absent). */
  angularVelocityRoot: [number, number, number];
  /** Origin of the frame in the root frame, m. */
  position: [number, number, number];
}

export interface KinematicsProvider {
  /** Does this provider know the frame (a link of an arm, or a frame rigidly attached to one)? */
  knows(frame: string): boolean;
  /** The frame's state for one joint sample; undefined when a needed joint is absent. */
  frameState(frame: string, joints: JointSample): FrameState | undefined;
}

/** Express a root-frame vector in the frame: Rᵀ v. */
export function intoFrame(state: FrameState, v: readonly number[]): [number, number, number] {
  const r = state.rotation;
  return [
    r[0]! * v[0]! + r[3]! * v[1]! + r[6]! * v[2]!,
    r[1]! * v[0]! + r[4]! * v[1]! + r[7]! * v[2]!,
    r[2]! * v[0]! + r[5]! * v[1]! + r[8]! * v[2]!,
  ];
}

type Mat4 = ReturnType<typeof mat4.create>;

interface Mount {
  side: "left" | "right";
  /** flange_T_frame. */
  flangeToFrame: Mat4;
}

/**
 * Kinematics of the simulated `teledemo-bimanual-7dof` rig: two 7-DoF arms whose bases and
 * flange-mounted frames (imu_link, *_ft_sensor, wrist cameras) come from the profile's static
 * frames. Joint names `${side}_joint1..7`.
 */
export class SimArmKinematics implements KinematicsProvider {
  private readonly arms = new Map<"left" | "right", ArmKinematics>();
  private readonly mounts = new Map<string, Mount>();
  private readonly frames = new ArmFrames();
  private readonly tmp = mat4.create();
  private readonly q = new Float64Array(ARM_DOF);
  private readonly qd = new Float64Array(ARM_DOF);
  private indexCache: { names: readonly string[]; index: Map<string, number> } | undefined;

  constructor(profile: Pick<RigProfile, "static_frames" | "root_frame">) {
    const byChild = new Map(profile.static_frames.map((f) => [f.child, f] as const));
    for (const side of ["left", "right"] as const) {
      const base = byChild.get(`${side}_arm_base_link`);
      const m = base !== undefined ? mat4FromXyzRpy(base.xyz, base.rpy) : mat4.create();
      this.arms.set(side, new ArmKinematics(m as never));
    }
    // Frames rigidly attached to a flange, through chains of static frames.
    for (const f of profile.static_frames) {
      let chain = mat4.create();
      let cur: string | undefined = f.child;
      let side: "left" | "right" | undefined;
      for (let depth = 0; cur !== undefined && depth < 16; depth++) {
        const sf = byChild.get(cur);
        if (sf === undefined) break;
        chain = mat4.multiply(mat4.create(), mat4FromXyzRpy(sf.xyz, sf.rpy) as Mat4, chain);
        if (sf.parent === "left_flange" || sf.parent === "right_flange") {
          side = sf.parent.startsWith("left") ? "left" : "right";
          break;
        }
        cur = sf.parent;
      }
      if (side !== undefined) this.mounts.set(f.child, { side, flangeToFrame: chain });
    }
    for (const side of ["left", "right"] as const) this.mounts.set(`${side}_flange`, { side, flangeToFrame: mat4.create() });
  }

  knows(frame: string): boolean {
    return this.mounts.has(frame);
  }

  frameState(frame: string, joints: JointSample): FrameState | undefined {
    const mount = this.mounts.get(frame);
    if (mount === undefined) return undefined;
    const index = this.jointIndex(joints.names);
    const hasVelocity = joints.velocity.length === joints.position.length;
    for (let i = 0; i < ARM_DOF; i++) {
      const k = index.get(`${mount.side}_joint${i + 1}`);
      if (k === undefined) return undefined;
      this.q[i] = joints.position[k]!;
      this.qd[i] = hasVelocity ? joints.velocity[k]! : Number.NaN;
    }
    const arm = this.arms.get(mount.side)!;
    arm.fk(this.q, this.frames);
    const w = angularVelocity(this.frames, this.qd);
    const m = mat4.multiply(this.tmp, this.frames.flange as Mat4, mount.flangeToFrame);
    // gl-matrix is column-major: column k = m[4k..4k+2]; row-major R[r][c] = m[4c + r].
    const rotation = new Float64Array(9);
    for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) rotation[3 * r + c] = m[4 * c + r]!;
    return { rotation, angularVelocityRoot: w, position: [m[12]!, m[13]!, m[14]!] };
  }

  private jointIndex(names: readonly string[]): Map<string, number> {
    if (this.indexCache?.names === names) return this.indexCache.index;
    const index = new Map(names.map((n, i) => [n, i] as const));
    this.indexCache = { names, index };
    return index;
  }
}
