// An episode on disk: one folder per demonstration in the library,
//   <library>/<episode-id>/episode.mcap   the recording (never modified after it is closed)
//   <library>/<episode-id>/episode.json   a small summary sidecar, written atomically
// and the names of the metadata records the recorder writes into the MCAP.
import { randomBytes } from "node:crypto";
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";

export const EPISODE_FILE = "episode.mcap";
export const EPISODE_SIDECAR = "episode.json";
/** MCAP metadata record with the episode's facts (id, task, operator, robot, outcome, ...). */
export const EPISODE_METADATA = "teledemo.episode";
export const SIDECAR_SCHEMA = "teledemo/episode-summary";
export const SIDECAR_VERSION = 1;

export const OUTCOMES = ["unknown", "success", "failure", "in_progress"] as const;
export type Outcome = (typeof OUTCOMES)[number];

const sidecarSchema = z.object({
  schema: z.literal(SIDECAR_SCHEMA),
  version: z.literal(SIDECAR_VERSION),
  id: z.string(),
  task: z.string(),
  operator: z.string(),
  source: z.string(),
  profile: z.string(),
  robot: z.object({ model: z.string(), hardware_revision: z.string(), firmware: z.record(z.string(), z.string()) }).optional(),
  start_ns: z.string(),
  end_ns: z.string(),
  duration_s: z.number(),
  outcome: z.enum(OUTCOMES),
  flags: z.array(z.string()),
  files: z.array(z.string()),
  message_count: z.number(),
  bytes: z.number(),
  topics: z.array(z.object({ topic: z.string(), type: z.string(), messages: z.number() })),
  write_error: z.string().optional(),
});

export type EpisodeSidecar = z.infer<typeof sidecarSchema>;

export function readSidecar(dir: string): EpisodeSidecar {
  const path = join(dir, EPISODE_SIDECAR);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw new Error(`${path}: not readable JSON: ${(err as Error).message}`);
  }
  const parsed = sidecarSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`${path}: not an episode summary: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  return parsed.data;
}

/** Writes the sidecar atomically (temp file + rename), so readers never see half a file. */
export function writeSidecar(dir: string, sidecar: EpisodeSidecar): void {
  const path = join(dir, EPISODE_SIDECAR);
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, `${JSON.stringify(sidecar, null, 2)}\n`);
  renameSync(tmp, path);
}

/** e.g. 20261122T063800Z-3f9a: sortable by start time, unique within a library. */
export function newEpisodeId(startMs: number = Date.now()): string {
  const iso = new Date(startMs).toISOString(); // 2026-11-22T06:38:00.123Z
  const stamp = iso.slice(0, 19).replace(/[-:]/g, "") + "Z";
  return `${stamp}-${randomBytes(2).toString("hex")}`;
}
