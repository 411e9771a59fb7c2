// Shared HDF5 writing through h5wasm (the HDF5 C library compiled to wasm; its node build reads
// and writes the real filesystem): datasets for numeric features, frame-by-frame image datasets
// (chunked one frame per chunk, gzip), the labels group, and the expectations the self-check
// compares a re-opened file against.
import { createHash } from "node:crypto";
import h5wasm from "h5wasm/node";
import type { Dataset, Group } from "h5wasm/node";
import type { EpisodeLabelsForExport, NumericFeature, VideoFeature } from "../model.ts";

export type H5File = InstanceType<typeof h5wasm.File>;

let ready: Promise<unknown> | undefined;
export async function h5(): Promise<typeof h5wasm> {
  ready ??= h5wasm.ready;
  await ready;
  return h5wasm;
}

export type H5Dtype = "<d" | "<f" | "<q" | "|B" | "<H";

/** What a dataset must hold when re-read: exact numbers, or one sha1 per image frame. */
export interface Expectation {
  path: string;
  shape: number[];
  dtype: H5Dtype;
  values?: ArrayLike<number> | BigInt64Array;
  frameHashes?: string[];
}

export function ensureGroup(root: Group, path: string): Group {
  let g = root;
  for (const part of path.split("/").filter((p) => p !== "")) {
    const child = g.get(part);
    g = child instanceof h5wasm.Group ? child : g.create_group(part);
  }
  return g;
}

function split(path: string): [string, string] {
  const i = path.lastIndexOf("/");
  return i < 0 ? ["", path] : [path.slice(0, i), path.slice(i + 1)];
}

export function dtypeOf(feature: NumericFeature, force64 = false): H5Dtype {
  return force64 || feature.dtype === "float64" ? "<d" : feature.dtype === "int64" ? "<q" : feature.dtype === "bool" ? "|B" : "<f";
}

function typed(data: Float64Array, dtype: H5Dtype): Float64Array | Float32Array | BigInt64Array | Uint8Array {
  if (dtype === "<d") return data;
  if (dtype === "<f") return Float32Array.from(data);
  if (dtype === "<q") return BigInt64Array.from(data, (x) => BigInt(Math.round(x)));
  return Uint8Array.from(data);
}

export function writeNumeric(root: Group, path: string, f: NumericFeature, frames: number, dtype: H5Dtype): Expectation {
  const [dir, name] = split(path);
  const shape = [frames, ...f.shape];
  const data = typed(f.data, dtype);
  const ds = ensureGroup(root, dir).create_dataset({ name, data, shape, dtype });
  if (f.names) ds.create_attribute("names", f.names);
  ds.create_attribute("sources", f.sources);
  return { path, shape, dtype, values: data };
}

export function frameHash(frame: Uint8Array): string {
  return createHash("sha1").update(frame).digest("hex");
}

/** Writes frames as they stream (one chunk per frame), returning their hashes for the self-check. */
export async function writeVideo(root: Group, path: string, v: VideoFeature, frames: number, gzipLevel: number): Promise<Expectation> {
  const [dir, name] = split(path);
  const frameShape = v.pixel === "rgb" ? [v.height, v.width, 3] : [v.height, v.width];
  const dtype: H5Dtype = v.pixel === "rgb" ? "|B" : "<H";
  const shape = [frames, ...frameShape];
  // h5wasm creates a dataset from data: start empty (extendible up to the frame count), then size it
  const ds = ensureGroup(root, dir).create_dataset({
    name,
    data: dtype === "|B" ? new Uint8Array(0) : new Uint16Array(0),
    shape: [0, ...frameShape],
    maxshape: shape,
    dtype,
    chunks: [1, ...frameShape],
    ...(gzipLevel > 0 ? { compression: "gzip" as const, compression_opts: gzipLevel } : {}),
  });
  ds.resize(shape);
  ds.create_attribute("sources", v.sources);
  ds.create_attribute("pixel", v.pixel === "rgb" ? "rgb24" : "depth_uint16_mm");
  const hashes: string[] = [];
  let i = 0;
  for await (const frame of v.frames()) {
    if (i >= frames) throw new Error(`${v.key}: more frames than grid points (${frames})`);
    hashes.push(frameHash(frame));
    const data = dtype === "|B" ? frame : new Uint16Array(frame.buffer, frame.byteOffset, frame.byteLength / 2);
    ds.write_slice([[i, i + 1]], data);
    i++;
  }
  if (i !== frames) throw new Error(`${v.key}: ${i} frames for ${frames} grid points`);
  return { path, shape, dtype, frameHashes: hashes };
}

/** Labels as datasets (phases, events, per-frame subtask index) and attributes (episode-level). */
export function writeLabels(root: Group, path: string, labels: EpisodeLabelsForExport, frames: number): Expectation[] {
  const g = ensureGroup(root, path);
  g.create_attribute("annotator", labels.annotator ?? "");
  g.create_attribute("instruction", labels.instruction);
  g.create_attribute("grasp_outcome", labels.graspOutcome ?? "");
  g.create_attribute("failure_modes", JSON.stringify(labels.failureModes));
  g.create_attribute("quality_decision", labels.quality.decision ?? "");
  g.create_attribute("quality_reason", labels.quality.reason);
  const strings = (name: string, values: string[]) => g.create_dataset({ name, data: values, shape: [values.length], dtype: "S" });
  const ints = (name: string, values: number[]): Expectation => {
    const data = BigInt64Array.from(values, (x) => BigInt(x));
    g.create_dataset({ name, data, shape: [values.length], dtype: "<q" });
    return { path: `${path}/${name}`, shape: [values.length], dtype: "<q", values: data };
  };
  const floats = (name: string, values: number[]): Expectation => {
    const data = Float64Array.from(values);
    g.create_dataset({ name, data, shape: [values.length], dtype: "<d" });
    return { path: `${path}/${name}`, shape: [values.length], dtype: "<d", values: data };
  };
  strings("phase_type", labels.phases.map((p) => p.type));
  strings("event_type", labels.events.map((e) => e.type));
  strings("event_target", labels.events.map((e) => e.target));
  const subtask = new Array<number>(frames).fill(-1);
  labels.phases.forEach((p, i) => {
    for (let f = p.startFrame; f <= p.endFrame; f++) subtask[f] = i;
  });
  return [
    ints("phase_start_frame", labels.phases.map((p) => p.startFrame)),
    ints("phase_end_frame", labels.phases.map((p) => p.endFrame)),
    floats("phase_start_s", labels.phases.map((p) => p.startS)),
    floats("phase_end_s", labels.phases.map((p) => p.endS)),
    ints("event_frame", labels.events.map((e) => e.frame)),
    floats("event_s", labels.events.map((e) => e.tS)),
    ints("subtask_index", subtask),
  ];
}

const DTYPE_NAMES: Record<H5Dtype, string> = { "<d": "<d", "<f": "<f", "<q": "<q", "|B": "<B", "<H": "<H" };

/** Re-reads every expectation from an open file; returns problems (empty when all match). */
export function verify(file: Group, expectations: readonly Expectation[], label: string): string[] {
  const problems: string[] = [];
  for (const e of expectations) {
    const ds = file.get(e.path);
    if (!(ds instanceof h5wasm.Dataset)) {
      problems.push(`${label}: ${e.path} missing`);
      continue;
    }
    const d = ds as Dataset;
    const shape = d.shape ?? [];
    if (shape.join(",") !== e.shape.join(",")) problems.push(`${label}: ${e.path} shape [${shape.join(", ")}], expected [${e.shape.join(", ")}]`);
    if (String(d.dtype) !== DTYPE_NAMES[e.dtype]) problems.push(`${label}: ${e.path} dtype ${String(d.dtype)}, expected ${DTYPE_NAMES[e.dtype]}`);
    if (e.values) {
      const got = d.value as ArrayLike<number | bigint> | null;
      const n = e.values.length;
      if (!got || got.length !== n) {
        problems.push(`${label}: ${e.path} has ${got?.length ?? 0} values, expected ${n}`);
        continue;
      }
      for (let i = 0; i < n; i++) {
        const a = got[i];
        const b = e.values[i];
        if (!(a === b || (typeof a === "number" && typeof b === "number" && Number.isNaN(a) && Number.isNaN(b)))) {
          problems.push(`${label}: ${e.path}[${i}] = ${String(a)}, expected ${String(b)}`);
          break;
        }
      }
    }
    if (e.frameHashes) {
      for (let i = 0; i < e.frameHashes.length; i++) {
        const slice = d.slice([[i, i + 1]]) as Uint8Array | Uint16Array;
        const bytes = new Uint8Array(slice.buffer, slice.byteOffset, slice.byteLength);
        if (frameHash(bytes) !== e.frameHashes[i]) {
          problems.push(`${label}: ${e.path} frame ${i} differs from what was written`);
          break;
        }
      }
    }
  }
  return problems;
}

/** Writes a file under a temporary name and renames it into place, so a crash never leaves a half file under the real name. */
export function partialName(path: string): string {
  return `${path}.partial-${process.pid}`;
}
