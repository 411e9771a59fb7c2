// Values of continuous streams, and their interpolation: linear per component, spherical
// (slerp) for orientations, joint vectors matched by joint name.
import type { RosMessage } from "../../runtime/api.ts";

/** A continuous sample's numbers, grouped in named fields. */
export interface ContinuousValue {
  /** Joint names (JointState) or child frames (TFMessage); empty for fixed-layout messages. */
  readonly names: readonly string[];
  readonly fields: readonly string[];
  /** One array per field; quaternion fields hold 4 numbers (x, y, z, w) per element. */
  readonly data: readonly Float64Array[];
  /** Which fields are quaternions (slerped instead of lerped). */
  readonly quaternion: readonly boolean[];
}

export type ValueExtractor = (message: RosMessage) => ContinuousValue;

type Vec = { x: number; y: number; z: number };
type Q = Vec & { w: number };

const vec3 = (v: Vec): number[] => [v.x, v.y, v.z];
const quat = (q: Q): number[] => [q.x, q.y, q.z, q.w];

function numbers(a: unknown): Float64Array {
  if (a instanceof Float64Array) return Float64Array.from(a);
  if (ArrayBuffer.isView(a)) return Float64Array.from(a as unknown as ArrayLike<number>);
  if (Array.isArray(a)) return Float64Array.from(a as number[]);
  return new Float64Array(0);
}

function imu(m: RosMessage): ContinuousValue {
  return {
    names: [],
    fields: ["orientation", "angular_velocity", "linear_acceleration"],
    data: [Float64Array.from(quat(m.orientation as Q)), Float64Array.from(vec3(m.angular_velocity as Vec)), Float64Array.from(vec3(m.linear_acceleration as Vec))],
    quaternion: [true, false, false],
  };
}

function jointState(m: RosMessage): ContinuousValue {
  return {
    names: [...(m.name as string[])],
    fields: ["position", "velocity", "effort"],
    data: [numbers(m.position), numbers(m.velocity), numbers(m.effort)],
    quaternion: [false, false, false],
  };
}

function wrench(m: RosMessage): ContinuousValue {
  const w = m.wrench as { force: Vec; torque: Vec };
  return { names: [], fields: ["force", "torque"], data: [Float64Array.from(vec3(w.force)), Float64Array.from(vec3(w.torque))], quaternion: [false, false] };
}

function tactile(m: RosMessage): ContinuousValue {
  return {
    names: [],
    fields: ["pressure", "shear_x", "shear_y"],
    data: [numbers(m.pressure), numbers(m.shear_x), numbers(m.shear_y)],
    quaternion: [false, false, false],
  };
}

function tf(m: RosMessage): ContinuousValue {
  const list = [...(m.transforms as Array<{ child_frame_id: string; transform: { translation: Vec; rotation: Q } }>)].sort((a, b) =>
    a.child_frame_id < b.child_frame_id ? -1 : a.child_frame_id > b.child_frame_id ? 1 : 0,
  );
  const t = new Float64Array(3 * list.length);
  const r = new Float64Array(4 * list.length);
  list.forEach((x, i) => {
    t.set(vec3(x.transform.translation), 3 * i);
    r.set(quat(x.transform.rotation), 4 * i);
  });
  return { names: list.map((x) => x.child_frame_id), fields: ["translation", "rotation"], data: [t, r], quaternion: [false, true] };
}

/** Extractors by rig-profile stream kind; kinds without one are aligned by nearest sample. */
export const VALUE_EXTRACTORS: Partial<Record<string, ValueExtractor>> = {
  imu,
  joint_states: jointState,
  leader_command: jointState,
  wrench,
  tactile,
  tf,
};

/** Spherical interpolation of unit quaternions a → b (shortest arc), into out[o..o+4). */
export function slerpInto(a: ArrayLike<number>, ao: number, b: ArrayLike<number>, bo: number, w: number, out: Float64Array, o: number): void {
  let bx = b[bo]!, by = b[bo + 1]!, bz = b[bo + 2]!, bw = b[bo + 3]!;
  const ax = a[ao]!, ay = a[ao + 1]!, az = a[ao + 2]!, aw = a[ao + 3]!;
  let dot = ax * bx + ay * by + az * bz + aw * bw;
  if (dot < 0) {
    dot = -dot;
    bx = -bx; by = -by; bz = -bz; bw = -bw;
  }
  let ka: number;
  let kb: number;
  if (dot > 0.9995) {
    ka = 1 - w;
    kb = w;
  } else {
    const theta = Math.acos(Math.min(1, dot));
    const s = Math.sin(theta);
    ka = Math.sin((1 - w) * theta) / s;
    kb = Math.sin(w * theta) / s;
  }
  let x = ka * ax + kb * bx, y = ka * ay + kb * by, z = ka * az + kb * bz, q = ka * aw + kb * bw;
  const n = Math.hypot(x, y, z, q) || 1;
  x /= n; y /= n; z /= n; q /= n;
  out[o] = x; out[o + 1] = y; out[o + 2] = z; out[o + 3] = q;
}

function sameNames(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** b's data reordered to a's names (joint vectors per joint); undefined when a name is absent. */
function reorder(a: ContinuousValue, b: ContinuousValue): ContinuousValue | undefined {
  const index = new Map(b.names.map((n, i) => [n, i] as const));
  const perm = a.names.map((n) => index.get(n));
  if (perm.some((i) => i === undefined)) return undefined;
  const data = b.data.map((d, f) => {
    const width = b.names.length > 0 ? d.length / b.names.length : 0;
    const out = new Float64Array(a.data[f]!.length);
    if (width === 0 || d.length === 0) return out;
    perm.forEach((j, i) => out.set(d.subarray(j! * width, (j! + 1) * width), i * width));
    return out;
  });
  return { ...b, names: a.names, data };
}

/**
 * The value at weight w ∈ [0, 1] between a (w = 0) and b (w = 1). Fields whose layouts differ
 * (a joint missing from one message, arrays of different length) fall back to the nearer sample.
 */
export function interpolateValue(a: ContinuousValue, b: ContinuousValue, w: number): ContinuousValue {
  if (w <= 0) return a;
  if (w >= 1) return b;
  let bb: ContinuousValue | undefined = b;
  if (!sameNames(a.names, b.names)) bb = reorder(a, b);
  if (bb === undefined) return w < 0.5 ? a : b;
  const data = a.data.map((da, f) => {
    const db = bb.data[f];
    if (db === undefined || db.length !== da.length) return w < 0.5 ? da : db ?? da;
    const out = new Float64Array(da.length);
    if (a.quaternion[f]) {
      for (let o = 0; o + 3 < da.length; o += 4) slerpInto(da, o, db, o, w, out, o);
    } else {
      for (let i = 0; i < da.length; i++) out[i] = da[i]! + (db[i]! - da[i]!) * w;
    }
    return out;
  });
  return { names: a.names, fields: a.fields, data, quaternion: a.quaternion };
}

/** A named field of a value (e.g. "force"), or undefined. */
export function field(v: ContinuousValue, name: string): Float64Array | undefined {
  const i = v.fields.indexOf(name);
  return i < 0 ? undefined : v.data[i];
}
