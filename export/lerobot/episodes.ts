// meta/episodes and meta/tasks parquet files: the per-episode row (every pointer column upstream
// writes, flattened stats/<feature>/<stat>, and teledemo's own label columns), their schemas and
// reading them back for resume and the self-check.
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { asyncBufferFromFile, parquetReadObjects } from "hyparquet";
import type { ResampledEpisode } from "../model.ts";
import type { DatasetInfo, FeatureInfo } from "./layout.ts";
import { hfMetadata, hfValue, writeParquetFileAtomic, type ColumnSpec, type HfFeature } from "./parquet.ts";
import { STAT_KEYS, statValueForDisk, type FeatureStats } from "./stats.ts";
import { isVideo } from "./features.ts";

/** One meta/episodes row before it is written (values keyed by column name). */
export type EpisodeRow = Record<string, unknown>;

/**
 * teledemo's label columns in meta/episodes (upstream ignores unknown columns):
 * phases with exact frame ranges, contact events at exact frames, grasp outcome, QA decision,
 * failure modes, policy flags, the recorded episode id (resume) and the alignment report.
 */
export const TELEDEMO_COLUMNS: ColumnSpec[] = [
  { name: "teledemo/episode_id", kind: "scalar", type: "STRING" },
  { name: "teledemo/source", kind: "scalar", type: "STRING" },
  { name: "teledemo/instruction", kind: "scalar", type: "STRING" },
  { name: "teledemo/annotator", kind: "scalar", type: "STRING", nullable: true },
  { name: "teledemo/grasp_outcome", kind: "scalar", type: "STRING", nullable: true },
  { name: "teledemo/quality_decision", kind: "scalar", type: "STRING", nullable: true },
  { name: "teledemo/quality_reason", kind: "scalar", type: "STRING" },
  { name: "teledemo/failure_modes", kind: "list", type: "STRING", depth: 1 },
  { name: "teledemo/flags", kind: "list", type: "STRING", depth: 1 },
  {
    name: "teledemo/phases",
    kind: "struct-list",
    fields: [
      { name: "type", type: "STRING", nullable: false },
      { name: "from_frame", type: "INT64", nullable: false },
      { name: "to_frame", type: "INT64", nullable: false },
      { name: "from_timestamp", type: "FLOAT", nullable: false },
      { name: "to_timestamp", type: "FLOAT", nullable: false },
    ],
  },
  {
    name: "teledemo/contact_events",
    kind: "struct-list",
    fields: [
      { name: "type", type: "STRING", nullable: false },
      { name: "target", type: "STRING", nullable: false },
      { name: "frame_index", type: "INT64", nullable: false },
      { name: "timestamp", type: "FLOAT", nullable: false },
    ],
  },
  { name: "teledemo/alignment_report", kind: "scalar", type: "STRING" },
];

function hfFor(spec: ColumnSpec): HfFeature {
  const t = (type: string) => hfValue(type === "INT64" ? "int64" : type === "FLOAT" ? "float32" : type === "DOUBLE" ? "float64" : type === "BOOLEAN" ? "bool" : "string");
  if (spec.kind === "scalar") return t(spec.type);
  if (spec.kind === "list") {
    let f: HfFeature = t(spec.type);
    for (let d = 0; d < spec.depth; d++) f = { feature: f, _type: "List" };
    return f;
  }
  const row: Record<string, HfFeature> = {};
  for (const field of spec.fields) row[field.name] = field.type === "STRING-LIST" ? { feature: hfValue("string"), _type: "List" } : t(field.type);
  return { feature: row, _type: "List" };
}

/** The meta/episodes columns for a dataset's features, in upstream's order. */
export function episodeColumns(features: Record<string, FeatureInfo>, statFeatures: readonly string[]): ColumnSpec[] {
  const cols: ColumnSpec[] = [
    { name: "episode_index", kind: "scalar", type: "INT64" },
    { name: "tasks", kind: "list", type: "STRING", depth: 1 },
    { name: "length", kind: "scalar", type: "INT64" },
    { name: "data/chunk_index", kind: "scalar", type: "INT64" },
    { name: "data/file_index", kind: "scalar", type: "INT64" },
    { name: "dataset_from_index", kind: "scalar", type: "INT64" },
    { name: "dataset_to_index", kind: "scalar", type: "INT64" },
  ];
  for (const [key, f] of Object.entries(features)) {
    if (!isVideo(f)) continue;
    cols.push(
      { name: `videos/${key}/chunk_index`, kind: "scalar", type: "INT64" },
      { name: `videos/${key}/file_index`, kind: "scalar", type: "INT64" },
      { name: `videos/${key}/from_timestamp`, kind: "scalar", type: "DOUBLE" },
      { name: `videos/${key}/to_timestamp`, kind: "scalar", type: "DOUBLE" },
    );
  }
  for (const key of statFeatures) {
    const image = isVideo(features[key]!);
    for (const stat of STAT_KEYS) {
      cols.push(stat === "count" ? { name: `stats/${key}/count`, kind: "list", type: "INT64", depth: 1 } : { name: `stats/${key}/${stat}`, kind: "list", type: "DOUBLE", depth: image ? 3 : 1 });
    }
  }
  cols.push({ name: "meta/episodes/chunk_index", kind: "scalar", type: "INT64" }, { name: "meta/episodes/file_index", kind: "scalar", type: "INT64" });
  cols.push(...TELEDEMO_COLUMNS);
  return cols;
}

export function statColumns(key: string, stats: FeatureStats, image: boolean): EpisodeRow {
  const row: EpisodeRow = {};
  for (const stat of STAT_KEYS) row[`stats/${key}/${stat}`] = stat === "count" ? stats.count.map((c) => BigInt(c)) : statValueForDisk(stats[stat], image, stat);
  return row;
}

/** teledemo's label columns of one episode. */
export function teledemoColumns(ep: ResampledEpisode): EpisodeRow {
  const ts = (frame: number) => Math.fround(ep.timestamps[frame] ?? frame / ep.fps);
  return {
    "teledemo/episode_id": ep.episodeId,
    "teledemo/source": ep.source,
    "teledemo/instruction": ep.labels.instruction,
    "teledemo/annotator": ep.labels.annotator,
    "teledemo/grasp_outcome": ep.labels.graspOutcome,
    "teledemo/quality_decision": ep.labels.quality.decision,
    "teledemo/quality_reason": ep.labels.quality.reason,
    "teledemo/failure_modes": ep.labels.failureModes.slice(),
    "teledemo/flags": ep.flags.slice(),
    "teledemo/phases": ep.labels.phases.map((p) => ({ type: p.type, from_frame: BigInt(p.startFrame), to_frame: BigInt(p.endFrame), from_timestamp: ts(p.startFrame), to_timestamp: ts(p.endFrame) })),
    "teledemo/contact_events": ep.labels.events.map((e) => ({ type: e.type, target: e.target, frame_index: BigInt(e.frame), timestamp: ts(e.frame) })),
    "teledemo/alignment_report": JSON.stringify(ep.report),
  };
}

export function writeEpisodesFile(path: string, columns: readonly ColumnSpec[], rows: readonly EpisodeRow[]): void {
  const hf: Record<string, HfFeature> = {};
  for (const c of columns) hf[c.name] = hfFor(c);
  const data = columns.map((c) => ({ name: c.name, data: rows.map((r) => (r[c.name] === undefined ? null : r[c.name])) }));
  writeParquetFileAtomic(path, columns, data, [hfMetadata(hf)]);
}

/** meta/tasks.parquet as pandas writes a DataFrame indexed by task: task_index column + "task" index column. */
export function writeTasksFile(path: string, tasks: ReadonlyMap<string, number>): void {
  const entries = [...tasks.entries()].sort((a, b) => a[1] - b[1]);
  const columns: ColumnSpec[] = [
    { name: "task_index", kind: "scalar", type: "INT64" },
    { name: "task", kind: "scalar", type: "STRING" },
  ];
  const pandas = {
    index_columns: ["task"],
    column_indexes: [{ name: null, field_name: null, pandas_type: "unicode", numpy_type: "object", metadata: { encoding: "UTF-8" } }],
    columns: [
      { name: "task_index", field_name: "task_index", pandas_type: "int64", numpy_type: "int64", metadata: null },
      { name: "task", field_name: "task", pandas_type: "unicode", numpy_type: "object", metadata: null },
    ],
    creator: { library: "teledemo", version: "0.1.0" },
    pandas_version: "2.2.3",
  };
  writeParquetFileAtomic(
    path,
    columns,
    [
      { name: "task_index", data: entries.map(([, i]) => BigInt(i)) },
      { name: "task", data: entries.map(([t]) => t) },
    ],
    [{ key: "pandas", value: JSON.stringify(pandas) }],
  );
}

/** Reads a whole parquet file as row objects (hyparquet: the independent reader). */
export async function readParquetRows(path: string): Promise<Array<Record<string, unknown>>> {
  const file = await asyncBufferFromFile(path);
  return (await parquetReadObjects({ file })) as Array<Record<string, unknown>>;
}

export function num(v: unknown, what: string): number {
  if (typeof v === "bigint") return Number(v);
  if (typeof v === "number") return v;
  throw new Error(`${what}: expected a number, found ${JSON.stringify(v)}`);
}

export function statsToJson(stats: Record<string, FeatureStats>, info: DatasetInfo): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const [key, s] of Object.entries(stats)) {
    const image = info.features[key] ? isVideo(info.features[key]) : false;
    out[key] = {};
    for (const k of STAT_KEYS) out[key][k] = statValueForDisk(s[k], image, k);
  }
  return out;
}

export function statsFromJson(json: Record<string, Record<string, unknown>>): Record<string, FeatureStats> {
  const out: Record<string, FeatureStats> = {};
  for (const [key, s] of Object.entries(json)) {
    const f = {} as FeatureStats;
    for (const k of STAT_KEYS) {
      const flat: number[] = [];
      const walk = (v: unknown) => (Array.isArray(v) ? v.forEach(walk) : flat.push(Number(v)));
      walk(s[k]);
      f[k] = flat;
    }
    out[key] = f;
  }
  return out;
}

/** Every meta/episodes row of a dataset, in episode order. */
export async function readAllEpisodeRows(root: string): Promise<Array<Record<string, unknown>>> {
  const dir = join(root, "meta", "episodes");
  if (!existsSync(dir)) return [];
  const files: string[] = [];
  for (const chunk of readdirSync(dir).filter((n) => /^chunk-\d+$/.test(n)).sort())
    for (const f of readdirSync(join(dir, chunk)).filter((n) => /^file-\d+\.parquet$/.test(n)).sort()) files.push(join(dir, chunk, f));
  const rows: Array<Record<string, unknown>> = [];
  for (const f of files) rows.push(...(await readParquetRows(f)));
  rows.sort((a, b) => num(a.episode_index, "episode_index") - num(b.episode_index, "episode_index"));
  return rows;
}
