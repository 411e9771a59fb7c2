// createDemo: one scripted pick-and-place demonstration of the simulated rig, as pure functions of
// (seed, t). Everything expensive (IK along the path, event instants, static scene) happens once
// here; per-instant queries only interpolate and run forward kinematics.
import type { RigProfile } from "../../rig/profile.ts";
import type {
  DemoGroundTruth,
  ImuSample,
  JointSnapshot,
  PadId,
  PhaseName,
  Pose,
  Primitive,
  SceneGeometry,
  SidePrefix,
  TactileFrame,
  WorldState,
  Wrench,
  FrameTransform,
} from "../types.ts";
import { PAD_IDS } from "../types.ts";
import { GraspModel } from "./grasp.ts";
import { ArmTrajectories, startBlendWeight, type StartJoints } from "./joints.ts";
import { ArmKinematics } from "./kinematics.ts";
import { JOINT_COUNT, KinCache } from "./kin-cache.ts";
import { LoadModel } from "./load.ts";
import { buildPlan } from "./plan.ts";
import { mat4 } from "gl-matrix";
import { type Mat4, mat4FromPose, newMat4, poseOf, takeF64 } from "./rigid.ts";
import { ARM_DOF, JOINT_NAMES, SIDES, armBaseFrame, flangeFrame, gripperIndex } from "./robot.ts";
import { NoiseStream, sampleKey } from "./rng.ts";
import { drawScenario, type Scenario } from "./scenario.ts";
import { dynamicScene, staticScene } from "./scene.ts";
import { armEfforts } from "./signals/effort.ts";
import { ImuSensor } from "./signals/imu.ts";
import { TactileSensor } from "./signals/tactile.ts";
import { WrenchSensor } from "./signals/wrench.ts";
import { StaticFrames } from "./static-frames.ts";
import { dynamicTransforms } from "./tf-tree.ts";

/** The parts of a WorldState a caller can ask for; `t` and `phase` always come along. */
export type StatePart = "joints" | "leaderCommand" | "dynamicTransforms" | "objectPose" | "wrench" | "tactile" | "imu";
export const STATE_PARTS: readonly StatePart[] = ["joints", "leaderCommand", "dynamicTransforms", "objectPose", "wrench", "tactile", "imu"];
export type PartialWorldState<K extends StatePart> = Pick<WorldState, "t" | "phase" | K>;

/** The slice of a rig profile the world model reads. */
export type WorldProfile = Pick<RigProfile, "static_frames" | "streams"> & Partial<Pick<RigProfile, "root_frame">>;

export interface DemoOptions {
  seed: number;
  profile: WorldProfile;
  /** Sensor noise and biases (default true). Off gives the noiseless truth, for tests and metrics. */
  noise?: boolean;
  /**
   * Where the previous demonstration left the arms (its endJoints()): the arms and grippers then
   * blend from there into this demonstration's motion over its first START_BLEND_S, so
   * back-to-back demonstrations are continuous. Without it the demonstration starts at its own home.
   */
  startFrom?: StartJoints;
}

export interface Demo {
  readonly seed: number;
  /** Seconds of true time the demonstration lasts; queries outside [0, duration] hold the ends. */
  readonly duration: number;
  readonly groundTruth: DemoGroundTruth;
  /** Which arm does the pick and place. */
  readonly activeArm: SidePrefix;
  /** The drawn episode parameters (object, tray, pace, ...), for inspection. */
  readonly scenario: Readonly<Scenario>;
  /** Everything at t. With `parts`, only those parts are computed (cheaper) and returned. */
  stateAt(t: number): WorldState;
  stateAt<K extends StatePart>(t: number, parts: readonly K[]): PartialWorldState<K>;
  phaseAt(t: number): PhaseName;
  /** Follower joints (16: arms then grippers), velocities and efforts, with encoder/effort noise. */
  jointsAt(t: number): JointSnapshot;
  /** The leader arms' joint targets (the teleop action), same names as jointsAt. */
  leaderAt(t: number): { names: string[]; position: Float64Array };
  wrenchAt(side: SidePrefix, t: number): Wrench;
  /** Tactile frame of a pad; pass `out` to reuse its arrays (no allocation). */
  tactileAt(pad: PadId, t: number, out?: TactileFrame): TactileFrame;
  imuAt(t: number): ImuSample;
  objectPoseAt(t: number): Pose;
  /** /tf edges of the moving frames (arm chains, pads, object). */
  transformsAt(t: number): FrameTransform[];
  /** Pose of any moving or profile-static frame in the root frame (e.g. a wrist camera's optical frame). */
  framePoseAt(frame: string, t: number): Pose;
  sceneAt(t: number): SceneGeometry;
  /** Noiseless leader and follower joint positions (JOINT_NAMES order) at the end: the next demonstration's startFrom. */
  endJoints(): StartJoints;
}

const POSITION_NOISE = 2e-6; // rad, encoder
const VELOCITY_NOISE = 0.002; // rad/s
const EFFORT_NOISE = 0.05; // N·m
const IDLE_OPENING = 0.02;

export function createDemo(opts: DemoOptions): Demo {
  return new ScriptedDemo(opts);
}

class ScriptedDemo implements Demo {
  readonly seed: number;
  readonly duration: number;
  readonly groundTruth: DemoGroundTruth;
  readonly activeArm: SidePrefix;
  readonly scenario: Scenario;
  private readonly root: string;
  private readonly statics: StaticFrames;
  private readonly bases: Record<SidePrefix, Mat4>;
  private readonly arms: ArmTrajectories;
  private readonly cache: KinCache;
  private readonly grasp: GraspModel;
  private readonly load: LoadModel;
  private readonly wrench: WrenchSensor;
  private readonly imu: ImuSensor;
  private readonly tactile: TactileSensor;
  private readonly staticPrims: Primitive[];
  private readonly phaseStarts: Float64Array;
  private readonly phaseNames: PhaseName[];
  private readonly jointNoise: NoiseStream;
  private readonly noiseOn: boolean;
  private readonly lag: number;
  private readonly tmp = newMat4();
  private leaderGripperStart: [number, number] | undefined;

  constructor(opts: DemoOptions) {
    this.seed = opts.seed;
    this.noiseOn = opts.noise ?? true;
    this.root = opts.profile.root_frame ?? "base_link";
    this.statics = new StaticFrames(this.root, opts.profile.static_frames);
    this.bases = { left: this.statics.world(armBaseFrame("left")), right: this.statics.world(armBaseFrame("right")) };
    const kin = { left: new ArmKinematics(this.bases.left), right: new ArmKinematics(this.bases.right) };

    const s = drawScenario(opts.seed);
    this.scenario = s;
    this.activeArm = s.arm;
    this.lag = s.lag;
    const plan = buildPlan(s, this.bases[s.arm][13]!);
    this.arms = new ArmTrajectories(s.arm, s.lag, plan, kin, opts.seed, opts.startFrom);
    this.cache = new KinCache(kin, this.arms, IDLE_OPENING, undefined);
    this.grasp = new GraspModel(s, plan, s.lag, (t, out) => this.cache.tcp(s.arm, t, out));
    this.cache.setGrasp(this.grasp);
    if (opts.startFrom !== undefined) {
      // grippers blend in too (arms do inside ArmTrajectories): offsets against this demo's own t = 0
      const own = this.cache.at(0).q;
      const start = opts.startFrom.follower;
      this.cache.setGripperStart([start[gripperIndex("left")]! - own[gripperIndex("left")]!, start[gripperIndex("right")]! - own[gripperIndex("right")]!]);
      const ownLeader = this.leaderAt(0).position;
      const lead = opts.startFrom.leader;
      this.leaderGripperStart = [lead[gripperIndex("left")]! - ownLeader[gripperIndex("left")]!, lead[gripperIndex("right")]! - ownLeader[gripperIndex("right")]!];
    }
    this.load = new LoadModel(this.grasp, s.object.mass);

    this.duration = plan.end + s.lag;
    this.phaseNames = plan.phases.map((p) => p.phase);
    this.phaseStarts = Float64Array.from(plan.phases, (p, i) => (i === 0 ? 0 : p.start + s.lag));
    const phases = this.phaseNames.map((phase, i) => ({
      phase,
      start: this.phaseStarts[i]!,
      end: i + 1 < this.phaseNames.length ? this.phaseStarts[i + 1]! : this.duration,
    }));
    const contacts = [...this.grasp.events].sort((a, b) => a.t - b.t);
    this.groundTruth = {
      seed: opts.seed,
      duration: this.duration,
      phases,
      contacts,
      outcome: s.failure ? "failure" : "success",
      variations: [
        `${s.arm} arm picks a ${(s.object.halfExtents[2] * 200).toFixed(1)} cm box of ${(s.object.mass * 1000).toFixed(0)} g`,
        `operator pace ×${s.pace.toFixed(2)}, follower lag ${(s.lag * 1000).toFixed(0)} ms`,
        ...plan.variations,
      ],
    };

    const flangeMount = (side: SidePrefix, child: string): Mat4 =>
      this.statics.has(child) ? this.statics.relative(flangeFrame(side), child) : newMat4();
    this.wrench = new WrenchSensor(
      opts.seed, s.biasSeed, s.arm,
      { left: flangeMount("left", "left_ft_sensor"), right: flangeMount("right", "right_ft_sensor") },
      this.cache, this.grasp, this.load, this.noiseOn,
    );
    const imuSide = imuArm(this.statics);
    this.imu = new ImuSensor(opts.seed, s.biasSeed, imuSide, flangeMount(imuSide, "imu_link"), this.cache, this.noiseOn);

    const shapes = {} as Record<PadId, [number, number]>;
    const offsets = {} as Record<PadId, [number, number]>;
    PAD_IDS.forEach((pad, i) => {
      const spec = opts.profile.streams.find((st) => st.kind === "tactile" && (st.source === pad || st.frame_id === pad));
      shapes[pad] = spec?.shape ? [spec.shape[0], spec.shape[1]] : [16, 16];
      offsets[pad] = s.padOffsets[i]!;
    });
    this.tactile = new TactileSensor(opts.seed, s.arm, shapes, offsets, this.cache, this.grasp, this.load, this.noiseOn);
    this.staticPrims = staticScene(s);
    this.jointNoise = new NoiseStream(opts.seed, "joint_states");
  }

  phaseAt(t: number): PhaseName {
    const st = this.phaseStarts;
    let i = st.length - 1;
    while (i > 0 && t < st[i]!) i--;
    return this.phaseNames[i]!;
  }

  jointsAt(t: number): JointSnapshot {
    const s = this.cache.at(t);
    const position = takeF64(JOINT_COUNT);
    const velocity = takeF64(JOINT_COUNT);
    const effort = takeF64(JOINT_COUNT);
    position.set(s.q);
    velocity.set(s.qd);
    const L = this.load.load(t);
    for (const side of SIDES) {
      if (side === this.activeArm) armEfforts(side, s, effort, L.force, L.point);
      else armEfforts(side, s, effort);
    }
    // gripper effort: the squeeze (N), plus a little servo friction
    const ga = gripperIndex(this.activeArm);
    effort[ga] = this.grasp.gripForce(t) + 2 * velocity[ga]!;
    if (this.noiseOn) {
      const n = this.jointNoise;
      const h = n.sample(sampleKey(t));
      for (let j = 0; j < JOINT_COUNT; j++) {
        position[j] = position[j]! + POSITION_NOISE * n.gaussAt(h, j);
        velocity[j] = velocity[j]! + VELOCITY_NOISE * n.gaussAt(h, j + 16);
        effort[j] = effort[j]! + EFFORT_NOISE * n.gaussAt(h, j + 32);
      }
    }
    return { names: [...JOINT_NAMES], position, velocity, effort };
  }

  leaderAt(t: number): { names: string[]; position: Float64Array } {
    const position = takeF64(JOINT_COUNT);
    this.arms.leader(t, position);
    const idle: SidePrefix = this.activeArm === "right" ? "left" : "right";
    position[gripperIndex(this.activeArm)] = this.grasp.freeOpening(t + this.lag);
    position[gripperIndex(idle)] = IDLE_OPENING;
    const start = this.leaderGripperStart;
    if (start !== undefined) {
      const w = startBlendWeight(t);
      position[gripperIndex("left")] = position[gripperIndex("left")]! + w * start[0];
      position[gripperIndex("right")] = position[gripperIndex("right")]! + w * start[1];
    }
    return { names: [...JOINT_NAMES], position };
  }

  endJoints(): StartJoints {
    return { leader: Float64Array.from(this.leaderAt(this.duration).position), follower: Float64Array.from(this.cache.at(this.duration).q) };
  }

  wrenchAt(side: SidePrefix, t: number): Wrench {
    return this.wrench.at(side, t);
  }

  tactileAt(pad: PadId, t: number, out?: TactileFrame): TactileFrame {
    return this.tactile.at(pad, t, out);
  }

  imuAt(t: number): ImuSample {
    return this.imu.at(t);
  }

  objectPoseAt(t: number): Pose {
    this.grasp.objectPose(t, this.tmp);
    return poseOf(this.tmp);
  }

  transformsAt(t: number): FrameTransform[] {
    return dynamicTransforms(this.cache.at(t).q, this.objectPoseAt(t), this.root);
  }

  framePoseAt(frame: string, t: number): Pose {
    const s = this.cache.at(t);
    for (const side of SIDES) {
      const f = s.frames(side);
      const links = f.links;
      for (let i = 0; i < ARM_DOF; i++) if (frame === `${side}_link${i + 1}`) return poseOf(links[i]!);
      if (frame === flangeFrame(side)) return poseOf(f.flange);
    }
    if (frame === "object") return this.objectPoseAt(t);
    if (frame === this.root) return poseOf(newMat4());
    // a static frame, possibly hanging from a moving one
    if (!this.statics.has(frame)) throw new Error(`world model: unknown frame "${frame}"`);
    let anchor = frame;
    while (this.statics.has(anchor)) anchor = this.statics.edge(anchor).parent;
    const rel = this.statics.relative(anchor, frame);
    if (anchor === this.root) return poseOf(rel);
    const am = mat4FromPose(this.framePoseAt(anchor, t), this.tmp);
    return poseOf(mat4.multiply(this.tmp, am, rel) as Mat4);
  }

  sceneAt(t: number): SceneGeometry {
    const s = this.cache.at(t);
    const openings = { left: s.q[gripperIndex("left")]!, right: s.q[gripperIndex("right")]! };
    const dyn = dynamicScene(this.bases, { left: s.frames("left"), right: s.frames("right") }, openings, this.objectPoseAt(t), this.scenario);
    return { static: this.staticPrims, dynamic: dyn };
  }

  stateAt(t: number): WorldState;
  stateAt<K extends StatePart>(t: number, parts: readonly K[]): PartialWorldState<K>;
  stateAt(t: number, parts: readonly StatePart[] = STATE_PARTS): Partial<WorldState> {
    const out: Partial<WorldState> = { t, phase: this.phaseAt(t) };
    for (const p of parts) {
      switch (p) {
        case "joints": out.joints = this.jointsAt(t); break;
        case "leaderCommand": out.leaderCommand = this.leaderAt(t); break;
        case "dynamicTransforms": out.dynamicTransforms = this.transformsAt(t); break;
        case "objectPose": out.objectPose = this.objectPoseAt(t); break;
        case "wrench": out.wrench = { left: this.wrenchAt("left", t), right: this.wrenchAt("right", t) }; break;
        case "tactile": {
          const tac = {} as Record<PadId, TactileFrame>;
          for (const pad of PAD_IDS) tac[pad] = this.tactileAt(pad, t);
          out.tactile = tac;
          break;
        }
        case "imu": out.imu = this.imuAt(t); break;
      }
    }
    return out;
  }
}

/** The arm whose flange the profile's imu_link hangs from (right when the profile has no IMU). */
function imuArm(statics: StaticFrames): SidePrefix {
  let f = "imu_link";
  while (statics.has(f)) {
    const p = statics.edge(f).parent;
    if (p === flangeFrame("left")) return "left";
    if (p === flangeFrame("right")) return "right";
    f = p;
  }
  return "right";
}

