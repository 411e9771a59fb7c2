// Dataset features from the export model: info.json feature entries, the data parquet's column
// schema and HF `datasets` feature types, and the per-frame column values of one episode.
import type { NumericFeature, ResampledEpisode, VideoFeature } from "../model.ts";
import type { FeatureInfo } from "./layout.ts";
import { hfValue, type ColumnSpec, type HfFeature, type LeafType } from "./parquet.ts";

/** Upstream DEFAULT_FEATURES, appended after the episode's own features. */
export const DEFAULT_FEATURES: Record<string, FeatureInfo> = {
  timestamp: { dtype: "float32", shape: [1], names: null },
  frame_index: { dtype: "int64", shape: [1], names: null },
  episode_index: { dtype: "int64", shape: [1], names: null },
  index: { dtype: "int64", shape: [1], names: null },
  task_index: { dtype: "int64", shape: [1], names: null },
};

export const LANGUAGE_PERSISTENT = "language_persistent";
export const LANGUAGE_EVENTS = "language_events";
/** Upstream language_feature_info(). */
export const LANGUAGE_FEATURES: Record<string, FeatureInfo> = {
  [LANGUAGE_PERSISTENT]: { dtype: "language", shape: [1], names: null },
  [LANGUAGE_EVENTS]: { dtype: "language", shape: [1], names: null },
};

export function numericFeatureInfo(f: NumericFeature): FeatureInfo {
  return { dtype: f.dtype, shape: f.shape.slice(), names: f.names ? f.names.slice() : null };
}

/** Video feature entry before the first file exists; `info` is completed from ffprobe later. */
export function videoFeatureInfo(v: VideoFeature): FeatureInfo {
  return { dtype: "video", shape: [v.height, v.width, v.pixel === "rgb" ? 3 : 1], names: ["height", "width", "channels"], info: {} };
}

export function isVideo(f: FeatureInfo): boolean {
  return f.dtype === "video";
}

export function isDepth(f: FeatureInfo): boolean {
  return f.info?.is_depth_map === true || f.info?.["video.is_depth_map"] === true;
}

function leafType(dtype: string): LeafType {
  switch (dtype) {
    case "float32":
      return "FLOAT";
    case "float64":
      return "DOUBLE";
    case "int64":
      return "INT64";
    case "bool":
      return "BOOLEAN";
    case "string":
      return "STRING";
    default:
      throw new Error(`no parquet type for dtype ${dtype}`);
  }
}

const languageRowFields = (withTimestamp: boolean) =>
  [
    { name: "role", type: "STRING" as const, nullable: false },
    { name: "content", type: "STRING" as const, nullable: true },
    { name: "style", type: "STRING" as const, nullable: true },
    ...(withTimestamp ? [{ name: "timestamp", type: "FLOAT" as const, nullable: false }] : []),
    { name: "camera", type: "STRING" as const, nullable: true },
    { name: "tool_calls", type: "STRING-LIST" as const, nullable: true as const },
  ] satisfies Array<{ name: string; type: LeafType | "STRING-LIST"; nullable: boolean }>;

function languageHf(withTimestamp: boolean): HfFeature {
  const row: Record<string, HfFeature> = { role: hfValue("string"), content: hfValue("string"), style: hfValue("string") };
  if (withTimestamp) row.timestamp = hfValue("float32");
  row.camera = hfValue("string");
  row.tool_calls = { feature: hfValue("string"), _type: "List" };
  return { feature: row, _type: "List" };
}

/** Column spec + HF type of one non-video feature (upstream get_hf_features_from_features). */
export function columnFor(key: string, f: FeatureInfo): { spec: ColumnSpec; hf: HfFeature } {
  if (key === LANGUAGE_PERSISTENT || key === LANGUAGE_EVENTS) {
    const ts = key === LANGUAGE_PERSISTENT;
    return { spec: { name: key, kind: "struct-list", fields: languageRowFields(ts) }, hf: languageHf(ts) };
  }
  const type = leafType(f.dtype);
  const shape = f.shape;
  if (shape.length === 1 && shape[0] === 1) return { spec: { name: key, kind: "scalar", type }, hf: hfValue(f.dtype) };
  if (shape.length === 1) return { spec: { name: key, kind: "list", type, depth: 1 }, hf: { feature: hfValue(f.dtype), length: shape[0], _type: "List" } };
  if (shape.length === 2 || shape.length === 3)
    return { spec: { name: key, kind: "list", type, depth: shape.length }, hf: { shape: shape.slice(), dtype: f.dtype, _type: `Array${shape.length}D` } };
  throw new Error(`feature ${key}: shape [${shape.join(", ")}] is not supported (1 to 3 dimensions)`);
}

/** Rounds to what the parquet column stores, so stats and self-check see the same numbers. */
export function storedValues(f: NumericFeature): Float64Array {
  if (f.dtype === "float32") return Float64Array.from(f.data, Math.fround);
  if (f.dtype === "int64") return Float64Array.from(f.data, Math.round);
  if (f.dtype === "bool") return Float64Array.from(f.data, (v) => (v ? 1 : 0));
  return f.data;
}

/** Per-frame JS values of one numeric feature, nested to its shape (hyparquet-writer's list input). */
export function frameValues(f: NumericFeature, stored: Float64Array, frames: number): unknown[] {
  const per = f.shape.reduce((a, b) => a * b, 1);
  const conv = f.dtype === "int64" ? (v: number) => BigInt(v) : f.dtype === "bool" ? (v: number) => v !== 0 : (v: number) => v;
  const out = new Array<unknown>(frames);
  for (let i = 0; i < frames; i++) {
    const o = i * per;
    if (per === 1 && f.shape.length === 1) out[i] = conv(stored[o]!);
    else out[i] = nest(stored, o, f.shape, conv);
  }
  return out;
}

function nest(values: Float64Array, offset: number, shape: readonly number[], conv: (v: number) => unknown): unknown[] {
  const [n, ...rest] = shape;
  const out: unknown[] = [];
  if (rest.length === 0) {
    for (let i = 0; i < n!; i++) out.push(conv(values[offset + i]!));
    return out;
  }
  const stride = rest.reduce((a, b) => a * b, 1);
  for (let i = 0; i < n!; i++) out.push(nest(values, offset + i * stride, rest, conv));
  return out;
}

/** Flattens what hyparquet reads back (numbers, bigints, booleans, nested arrays) into numbers. */
export function flattenRead(value: unknown, out: number[]): void {
  if (Array.isArray(value)) for (const v of value) flattenRead(v, out);
  else if (typeof value === "bigint") out.push(Number(value));
  else if (typeof value === "boolean") out.push(value ? 1 : 0);
  else if (typeof value === "number") out.push(value);
  else throw new Error(`unexpected value ${String(value)} in a numeric column`);
}

/** The episode's features in dataset order (numeric, then videos), as info.json entries. */
export function episodeFeatures(ep: ResampledEpisode): Record<string, FeatureInfo> {
  const out: Record<string, FeatureInfo> = {};
  for (const f of ep.numeric) out[f.key] = numericFeatureInfo(f);
  for (const v of ep.videos) out[v.key] = videoFeatureInfo(v);
  return out;
}
