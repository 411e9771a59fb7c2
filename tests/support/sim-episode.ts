// Real simulated episodes for tests, recorded by the real CLI (`teledemo record --source sim`)
// and cached per (profile, seed, seconds, task) under tmp/test-episodes, so the many suites that
// need an episode (aligned reader, viewer, export, QA) pay for each recording once per checkout.
// The cache key includes the sources' git-independent inputs only; delete tmp/test-episodes after
// changing the recorder or simulator.
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { runCli } from "./cli-child.ts";
import { REPO_ROOT } from "./fixtures.ts";

export interface SimEpisodeOptions {
  profile?: "small" | "reference";
  seed?: number;
  /** Episode length in seconds of simulated time. */
  seconds?: number;
  task?: string;
  operator?: string;
  /** Episodes in the library (each seed+i). */
  episodes?: number;
}

export interface SimLibrary {
  /** The library folder. */
  library: string;
  /** Episode folders, in recording order. */
  episodes: string[];
}

const CACHE = resolve(REPO_ROOT, "tmp", "test-episodes");
const pending = new Map<string, Promise<SimLibrary>>();

/** Records (or reuses) a library of simulated episodes. Do not modify what it returns: copy first. */
export function simLibrary(options: SimEpisodeOptions = {}): Promise<SimLibrary> {
  const o: Required<SimEpisodeOptions> = { profile: "small", seed: 7, seconds: 4, task: "pick up the cube and place it in the bin", operator: "test", episodes: 1, ...options };
  const key = `${o.profile}-s${o.seed}-t${o.seconds}-n${o.episodes}-${Buffer.from(o.task + "|" + o.operator).toString("hex").slice(0, 24)}`;
  let p = pending.get(key);
  if (!p) {
    p = record(key, o);
    pending.set(key, p);
  }
  return p;
}

/** One simulated episode folder (the first of a one-episode library). */
export async function simEpisode(options: Omit<SimEpisodeOptions, "episodes"> = {}): Promise<string> {
  const lib = await simLibrary({ ...options, episodes: 1 });
  return lib.episodes[0]!;
}

async function record(key: string, o: Required<SimEpisodeOptions>): Promise<SimLibrary> {
  const library = join(CACHE, key);
  if (existsSync(join(library, ".complete"))) return { library, episodes: episodeDirs(library) };
  const staging = `${library}.staging-${process.pid}-${Date.now()}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  const args = ["record", "--source", "sim", "--profile", o.profile, "--seed", String(o.seed), "--speed", "max", "--out", staging, "--task", o.task, "--operator", o.operator, "--episodes", String(o.episodes), "--episode-time", String(o.seconds), "--reset-time", "0.5", "--min-free", "100MB", "--json"];
  const r = await runCli(args, 600_000);
  if (r.code !== 0) throw new Error(`recording a simulated episode failed (exit ${r.code}):\n${r.stderr}\n${r.stdout.slice(-2000)}`);
  const { writeFileSync } = await import("node:fs");
  writeFileSync(join(staging, ".complete"), "");
  try {
    renameSync(staging, library);
  } catch {
    // another process finished the same recording first: use theirs
    rmSync(staging, { recursive: true, force: true });
  }
  return { library, episodes: episodeDirs(library) };
}

function episodeDirs(library: string): string[] {
  return readdirSync(library, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(library, d.name, "episode.mcap")))
    .map((d) => join(library, d.name))
    .sort();
}
