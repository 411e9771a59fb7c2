// Numbers of one mapped source at one grid time, from the aligned reader's state: the reader's
// interpolated value (interpolate mode) or a field path into the decoded sample (nearest mode).
import type { StreamStateAt } from "../../recorder/aligned/api.ts";
import type { RosMessage } from "../../nodes/runtime/api.ts";

export class ExtractError extends Error {}

export interface SourceSpec {
  topic: string;
  fields: string[];
  select: string[] | undefined;
  mode: "interpolate" | "nearest";
}

/** Appends numbers of a value (number, bigint, bool, typed/plain array, {x,y,z,w} object) to out. */
function flatten(v: unknown, out: number[], path: string): void {
  if (typeof v === "number") out.push(v);
  else if (typeof v === "bigint") out.push(Number(v));
  else if (typeof v === "boolean") out.push(v ? 1 : 0);
  else if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
    const a = v as unknown as ArrayLike<number | bigint>;
    for (let i = 0; i < a.length; i++) out.push(Number(a[i]));
  } else if (Array.isArray(v)) for (const x of v) flatten(x, out, path);
  else if (v !== null && typeof v === "object") for (const x of Object.values(v)) flatten(x, out, path);
  else throw new ExtractError(`field ${path} holds ${typeof v}, not numbers`);
}

function getPath(m: RosMessage, path: string, topic: string): unknown {
  let v: unknown = m;
  for (const part of path.split(".")) {
    if (v === null || typeof v !== "object" || !(part in (v as object))) throw new ExtractError(`${topic}: message has no field "${path}"`);
    v = (v as Record<string, unknown>)[part];
  }
  return v;
}

function indexesOf(select: readonly string[], names: readonly string[], topic: string): number[] {
  return select.map((n) => {
    const i = names.indexOf(n);
    if (i < 0) throw new ExtractError(`${topic}: no element named "${n}" (has: ${names.join(", ") || "no names"})`);
    return i;
  });
}

/** The source's numbers at one grid point. */
export function extract(state: StreamStateAt, spec: SourceSpec): number[] {
  const out: number[] = [];
  if (spec.mode === "interpolate") {
    const value = state.value;
    if (!value) throw new ExtractError(`${spec.topic}: the aligned reader does not interpolate this stream's type; use mode: nearest with field paths`);
    for (const field of spec.fields) {
      const fi = value.fields.indexOf(field);
      if (fi < 0) throw new ExtractError(`${spec.topic}: no interpolated field "${field}" (fields: ${value.fields.join(", ")})`);
      const data = value.data[fi]!;
      if (!spec.select) {
        for (const x of data) out.push(x);
        continue;
      }
      if (value.names.length === 0) throw new ExtractError(`${spec.topic}: select needs named elements, this stream has none`);
      const per = data.length / value.names.length;
      for (const i of indexesOf(spec.select, value.names, spec.topic)) for (let k = 0; k < per; k++) out.push(data[i * per + k]!);
    }
    return out;
  }
  const message = state.message;
  if (!message) throw new ExtractError(`${spec.topic}: no sample`);
  const m = message.decode();
  const idx = spec.select ? indexesOf(spec.select, (m.name as string[] | undefined) ?? [], spec.topic) : undefined;
  for (const field of spec.fields) {
    const values: number[] = [];
    flatten(getPath(m, field, spec.topic), values, field);
    if (!idx) out.push(...values);
    else for (const i of idx) {
      if (i >= values.length) throw new ExtractError(`${spec.topic}: field ${field} has ${values.length} elements, fewer than its names`);
      out.push(values[i]!);
    }
  }
  return out;
}
