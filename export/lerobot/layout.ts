// The LeRobot v3.0 on-disk layout (lerobot/datasets/utils.py): path templates, chunk/file index
// rollover, and meta/info.json (DatasetInfo) with a zod schema for reading one back (resume,
// self-check): the file is input we did not necessarily write in this process.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { z } from "zod";

export const CODEBASE_VERSION = "v3.0";
export const DEFAULT_CHUNK_SIZE = 1000;
export const DEFAULT_DATA_FILE_SIZE_IN_MB = 100;
export const DEFAULT_VIDEO_FILE_SIZE_IN_MB = 200;

export const INFO_PATH = "meta/info.json";
export const STATS_PATH = "meta/stats.json";
export const TASKS_PATH = "meta/tasks.parquet";
export const DATA_PATH = "data/chunk-{chunk_index:03d}/file-{file_index:03d}.parquet";
export const VIDEO_PATH = "videos/{video_key}/chunk-{chunk_index:03d}/file-{file_index:03d}.mp4";
export const EPISODES_PATH = "meta/episodes/chunk-{chunk_index:03d}/file-{file_index:03d}.parquet";

export interface ChunkFile {
  chunk: number;
  file: number;
}

/** Fills a `{chunk_index:03d}` style template (the only format specs upstream's templates use). */
export function formatPath(template: string, values: { chunk_index: number; file_index: number; video_key?: string }): string {
  return template.replace(/\{(\w+)(?::0(\d+)d)?\}/g, (_m, key: string, width: string | undefined) => {
    const v = (values as Record<string, number | string | undefined>)[key];
    if (v === undefined) throw new Error(`path template ${template}: no value for ${key}`);
    return width ? String(v).padStart(Number(width), "0") : String(v);
  });
}

/** upstream update_chunk_file_indices: next file, new chunk every chunks_size files. */
export function nextChunkFile(at: ChunkFile, chunksSize: number): ChunkFile {
  return at.file + 1 >= chunksSize ? { chunk: at.chunk + 1, file: 0 } : { chunk: at.chunk, file: at.file + 1 };
}

const featureSchema = z
  .object({
    dtype: z.string(),
    shape: z.array(z.number().int().nonnegative()),
    names: z.union([z.array(z.string()), z.record(z.string(), z.unknown()), z.null()]).optional(),
    info: z.record(z.string(), z.unknown()).optional(),
  })
  .passthrough();

export const infoSchema = z
  .object({
    codebase_version: z.string(),
    fps: z.number().int().positive(),
    features: z.record(z.string(), featureSchema),
    total_episodes: z.number().int().nonnegative(),
    total_frames: z.number().int().nonnegative(),
    total_tasks: z.number().int().nonnegative(),
    chunks_size: z.number().int().positive(),
    data_files_size_in_mb: z.number().positive(),
    video_files_size_in_mb: z.number().positive(),
    data_path: z.string(),
    video_path: z.string().nullable(),
    robot_type: z.string().nullable(),
    splits: z.record(z.string(), z.string()),
  })
  .passthrough();

export type DatasetInfo = z.infer<typeof infoSchema>;
export type FeatureInfo = DatasetInfo["features"][string];

export function readInfo(root: string): DatasetInfo {
  const path = join(root, INFO_PATH);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw new Error(`${path}: cannot read LeRobot info.json: ${err instanceof Error ? err.message : String(err)}`);
  }
  const parsed = infoSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`${path}: not a LeRobot info.json: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  if (parsed.data.codebase_version !== CODEBASE_VERSION) throw new Error(`${path}: codebase_version ${parsed.data.codebase_version}, this writer appends to ${CODEBASE_VERSION} only`);
  return parsed.data;
}

/** JSON written atomically (tmp + rename) with upstream's 4-space indent. */
export function writeJsonAtomic(path: string, value: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, JSON.stringify(value, null, 4) + "\n");
  renameSync(tmp, path);
}

export function isDataset(root: string): boolean {
  return existsSync(join(root, INFO_PATH));
}
