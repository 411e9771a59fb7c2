// The signals contact and phase detection read, pulled out of an aligned episode in one pass:
// per tactile pad the total normal pressure and total shear, per wrist the force, and the joint
// states. Times are seconds since the episode's corrected start (float math is plenty at the
// µs level over minutes), taken from the aligned reader's corrected time.
import type { AlignedEpisode, AlignedMessage } from "../aligned/api.ts";

export const TACTILE_TYPE = "teledemo_msgs/msg/TactileArray";
export const WRENCH_TYPE = "geometry_msgs/msg/WrenchStamped";
export const JOINT_STATE_TYPE = "sensor_msgs/msg/JointState";

export type Side = "left" | "right";

export interface TactileSeries {
  target: string;
  side: Side | undefined;
  t: Float64Array;
  /** Σ pressure over the pad's taxels (kPa·taxel). */
  pressure: Float64Array;
  shearX: Float64Array;
  shearY: Float64Array;
}

export interface WrenchSeries {
  target: string;
  side: Side | undefined;
  t: Float64Array;
  fx: Float64Array;
  fy: Float64Array;
  fz: Float64Array;
}

export interface JointSeries {
  topic: string;
  t: Float64Array;
  names: string[];
  /** position[k][i]: joint k at sample i (NaN when a message lacks it). */
  position: Float64Array[];
  velocity: Float64Array[];
}

export interface DetectionSeries {
  /** Corrected start of the episode: t = 0 (ns). */
  t0Ns: bigint;
  tactile: TactileSeries[];
  wrench: WrenchSeries[];
  joints: JointSeries | undefined;
}

/** `/tactile/left_gripper/left_pad` → left_gripper_left_pad (when the header has no frame). */
export function padOfTopic(topic: string): string {
  const parts = topic.split("/").filter((p) => p.length > 0 && p !== "tactile");
  return parts.join("_") || topic;
}

/** `/left_wrist/ft` → left_wrist. */
export function wristOfWrenchTopic(topic: string): string {
  const parts = topic.split("/").filter((p) => p.length > 0);
  return parts.find((p) => p.endsWith("_wrist")) ?? parts.filter((p) => p !== "ft" && p !== "wrench").join("_") ?? topic;
}

export function sideOf(name: string): Side | undefined {
  if (/^left[_/]/.test(name) || name === "left") return "left";
  if (/^right[_/]/.test(name) || name === "right") return "right";
  return undefined;
}

/** A growable Float64 column. */
class Column {
  data = new Float64Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  done(): Float64Array {
    return this.data.slice(0, this.length);
  }
}

function num(v: unknown): number {
  return typeof v === "number" ? v : typeof v === "bigint" ? Number(v) : NaN;
}

function sum(v: unknown): number {
  if (!v || typeof v !== "object" || !("length" in v)) return 0;
  const a = v as ArrayLike<number>;
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]!;
  return s;
}

function at(v: unknown, i: number): number {
  if (!v || typeof v !== "object" || !("length" in v)) return NaN;
  const a = v as ArrayLike<number>;
  return i < a.length ? a[i]! : NaN;
}

/** Reads the detection signals of an episode (all tactile, wrench and the first joint-state topic). */
export async function collectSeries(episode: AlignedEpisode): Promise<DetectionSeries> {
  const tactileTopics = episode.streams.filter((s) => s.type === TACTILE_TYPE).map((s) => s.topic);
  const wrenchTopics = episode.streams.filter((s) => s.type === WRENCH_TYPE).map((s) => s.topic);
  // Follower joints, not the teleoperator's leader arm: prefer /joint_states.
  const jointCandidates = episode.streams.filter((s) => s.type === JOINT_STATE_TYPE).map((s) => s.topic);
  const jointTopic = jointCandidates.find((t) => t === "/joint_states") ?? jointCandidates.find((t) => !/leader|teleop/.test(t));
  const topics = [...tactileTopics, ...wrenchTopics, ...(jointTopic ? [jointTopic] : [])];
  const t0 = episode.startNs;
  const sec = (m: AlignedMessage) => Number(m.correctedNs - t0) / 1e9;

  type TCols = { target: string; t: Column; p: Column; sx: Column; sy: Column };
  type WCols = { t: Column; x: Column; y: Column; z: Column };
  const tactile = new Map<string, TCols>();
  const wrench = new Map<string, WCols>();
  const jt = new Column();
  let names: string[] | undefined;
  const jpos: Column[] = [];
  const jvel: Column[] = [];

  if (topics.length > 0) {
    for await (const m of episode.messages({ topics })) {
      const msg = m.decode() as Record<string, unknown>;
      if (m.type === TACTILE_TYPE) {
        let c = tactile.get(m.topic);
        if (!c) {
          const header = msg.header as { frame_id?: unknown } | undefined;
          const frame = typeof header?.frame_id === "string" && header.frame_id.length > 0 ? header.frame_id : undefined;
          c = { target: frame ?? padOfTopic(m.topic), t: new Column(), p: new Column(), sx: new Column(), sy: new Column() };
          tactile.set(m.topic, c);
        }
        c.t.push(sec(m));
        c.p.push(sum(msg.pressure));
        c.sx.push(sum(msg.shear_x));
        c.sy.push(sum(msg.shear_y));
      } else if (m.type === WRENCH_TYPE) {
        let c = wrench.get(m.topic);
        if (!c) wrench.set(m.topic, (c = { t: new Column(), x: new Column(), y: new Column(), z: new Column() }));
        const f = ((msg.wrench as Record<string, unknown> | undefined)?.force ?? {}) as Record<string, unknown>;
        c.t.push(sec(m));
        c.x.push(num(f.x));
        c.y.push(num(f.y));
        c.z.push(num(f.z));
      } else if (m.topic === jointTopic) {
        const n = msg.name as unknown;
        if (!Array.isArray(n)) continue;
        if (!names) {
          names = n.map(String);
          for (let k = 0; k < names.length; k++) {
            jpos.push(new Column());
            jvel.push(new Column());
          }
        }
        jt.push(sec(m));
        const sameOrder = n.length === names.length && n.every((x, i) => x === names![i]);
        for (let k = 0; k < names.length; k++) {
          const idx = sameOrder ? k : n.indexOf(names[k]);
          jpos[k]!.push(idx < 0 ? NaN : at(msg.position, idx));
          jvel[k]!.push(idx < 0 ? NaN : at(msg.velocity, idx));
        }
      }
    }
  }
  return {
    t0Ns: t0,
    tactile: [...tactile.values()].map((c) => ({ target: c.target, side: sideOf(c.target), t: c.t.done(), pressure: c.p.done(), shearX: c.sx.done(), shearY: c.sy.done() })),
    wrench: [...wrench.entries()].map(([topic, c]) => {
      const target = wristOfWrenchTopic(topic);
      return { target, side: sideOf(target), t: c.t.done(), fx: c.x.done(), fy: c.y.done(), fz: c.z.done() };
    }),
    joints: names && jointTopic ? { topic: jointTopic, t: jt.done(), names, position: jpos.map((c) => c.done()), velocity: jvel.map((c) => c.done()) } : undefined,
  };
}
