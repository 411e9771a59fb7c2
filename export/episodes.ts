// What the export's positional arguments name: episode folders, a library (a folder of episode
// folders), rosbag2 bag folders, or .mcap files — expanded to episodes in a stable order, with
// the facts filters and the mapping choice need (from episode.json when there is one, else
// from the recording's metadata through the aligned reader).
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { EPISODE_FILE, EPISODE_SIDECAR, readSidecar } from "../recorder/episode/layout.ts";
import { openEpisode } from "./resample/open.ts";
import { episodeIdOf } from "./resample/resample.ts";

export class InputError extends Error {}

export interface EpisodeRef {
  path: string;
  id: string;
  task: string;
  operator: string;
  profile: string;
  source: string;
  outcome: string;
  flags: string[];
  durationS: number;
}

function isEpisodeDir(dir: string): boolean {
  return existsSync(join(dir, EPISODE_FILE)) || existsSync(join(dir, EPISODE_SIDECAR));
}

function isRecordingDir(dir: string): boolean {
  return existsSync(join(dir, "metadata.yaml")) || readdirSync(dir).some((f) => f.endsWith(".mcap"));
}

/** Expands inputs to recording paths (deduplicated, library members sorted by name). */
export function expandInputs(inputs: readonly string[]): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const add = (p: string) => {
    if (!seen.has(p)) {
      seen.add(p);
      out.push(p);
    }
  };
  for (const input of inputs) {
    const path = resolve(input);
    let st;
    try {
      st = statSync(path);
    } catch (err) {
      throw new InputError(`cannot read ${input}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    if (st.isFile()) {
      if (!path.endsWith(".mcap")) throw new InputError(`${input}: not an episode folder, library, rosbag2 folder or .mcap file`);
      add(path);
      continue;
    }
    if (isEpisodeDir(path)) {
      add(path);
      continue;
    }
    const members = readdirSync(path, { withFileTypes: true })
      .filter((d) => d.isDirectory() && isEpisodeDir(join(path, d.name)))
      .map((d) => join(path, d.name))
      .sort();
    if (members.length > 0) {
      members.forEach(add);
      continue;
    }
    if (isRecordingDir(path)) {
      add(path);
      continue;
    }
    throw new InputError(`${input}: no episodes here (expected an episode folder with ${EPISODE_FILE}, a library of them, a rosbag2 folder or .mcap files)`);
  }
  return out;
}

export async function describeEpisode(path: string): Promise<EpisodeRef> {
  if (statSync(path).isDirectory() && existsSync(join(path, EPISODE_SIDECAR))) {
    const s = readSidecar(path);
    return { path, id: s.id, task: s.task, operator: s.operator, profile: s.profile, source: s.source, outcome: s.outcome, flags: s.flags, durationS: s.duration_s };
  }
  const episode = await openEpisode(path);
  try {
    const f = episode.facts;
    let flags: string[] = [];
    try {
      flags = f.flags ? (JSON.parse(f.flags) as string[]) : [];
    } catch {
      flags = [];
    }
    return {
      path,
      id: episodeIdOf(path, f),
      task: f.task ?? "",
      operator: f.operator ?? "",
      profile: f.rig_profile ?? "",
      source: f.source ?? "",
      outcome: f.outcome ?? "unknown",
      flags,
      durationS: Number(episode.endNs - episode.startNs) / 1e9,
    };
  } finally {
    await episode.close();
  }
}
