// Safe readers for decoded message values. Messages arrive as plain objects (CDR via
// rosmsg2-serialization: numeric arrays as typed arrays; protobuf: plain arrays), so panels read
// them through these instead of trusting a shape: a field that is missing or of another type reads
// as undefined and the panel skips that message rather than crashing.

export type Obj = Record<string, unknown>;

export function obj(v: unknown): Obj | undefined {
  return v !== null && typeof v === "object" && !Array.isArray(v) && !ArrayBuffer.isView(v) ? (v as Obj) : undefined;
}

export function num(v: unknown): number | undefined {
  if (typeof v === "number") return v;
  if (typeof v === "bigint") return Number(v);
  return undefined;
}

export function str(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}

/** Numeric array from a typed array or a plain array of numbers. */
export function nums(v: unknown): ArrayLike<number> | undefined {
  if (ArrayBuffer.isView(v) && !(v instanceof DataView) && !(v instanceof BigInt64Array) && !(v instanceof BigUint64Array)) return v as unknown as ArrayLike<number>;
  if (Array.isArray(v) && v.every((x) => typeof x === "number")) return v as number[];
  return undefined;
}

export function bytes(v: unknown): Uint8Array | undefined {
  if (v instanceof Uint8Array) return v;
  if (Array.isArray(v) && v.every((x) => typeof x === "number")) return Uint8Array.from(v as number[]);
  return undefined;
}

export function arr(v: unknown): readonly unknown[] | undefined {
  return Array.isArray(v) ? v : undefined;
}

export function strings(v: unknown): string[] | undefined {
  return Array.isArray(v) && v.every((x) => typeof x === "string") ? (v as string[]) : undefined;
}

/** geometry_msgs Vector3/Point or foxglove Vector3 → [x, y, z]. */
export function xyz(v: unknown): [number, number, number] | undefined {
  const o = obj(v);
  if (!o) return undefined;
  const x = num(o["x"]) ?? 0;
  const y = num(o["y"]) ?? 0;
  const z = num(o["z"]) ?? 0;
  return [x, y, z];
}

/** Quaternion {x,y,z,w} → [x, y, z, w]; a missing w means identity (protobuf omits defaults). */
export function xyzw(v: unknown): [number, number, number, number] | undefined {
  const o = obj(v);
  if (!o) return undefined;
  return [num(o["x"]) ?? 0, num(o["y"]) ?? 0, num(o["z"]) ?? 0, num(o["w"]) ?? (o["x"] === undefined && o["y"] === undefined && o["z"] === undefined ? 1 : 0)];
}

/** header.frame_id of a ROS message, or frame_id of a foxglove one. */
export function frameIdOf(value: Obj): string | undefined {
  return str(obj(value["header"])?.["frame_id"]) ?? str(value["frame_id"]);
}

/** Value at a dotted path ("wrench.force.x"). */
export function at(value: unknown, path: readonly string[]): unknown {
  let v: unknown = value;
  for (const k of path) {
    const o = obj(v);
    if (!o) return undefined;
    v = o[k];
  }
  return v;
}
