// The ACT/ALOHA layout: one file per episode, <out>/episode_<i>.hdf5, as ACT's
// record_sim_episodes / ALOHA's record_episodes write it:
//   /observations/qpos      T×D float64  ← observation.state
//   /observations/qvel      T×D float64  ← observation.velocity (left out when not mapped: never zero-filled)
//   /observations/effort    T×D float64  ← observation.effort  (idem)
//   /observations/images/<cam>  T×H×W×3 uint8 (chunk = one frame, gzip) ← observation.images.<cam> (rgb)
//   /action                 T×D float64  ← action
//   root attrs: sim (uint8 0), compress (uint8 0: images are raw, not JPEG), fps, task, episode_id
// teledemo extras (ACT's loader ignores them):
//   /observations/depth/<cam>            T×H×W uint16 (mm) ← depth image features
//   /observations/force_torque/<wrist>   T×6  [fx fy fz tx ty tz]
//   /observations/tactile/<pad>          T×rows×cols
//   /observations/<rest>                 any other observation.<rest> feature (dots → groups)
//   /extras/<key>                        features outside observation.* / action
//   /timestamp (T float64 s from the first frame), /grid_ns (T int64 corrected host time)
//   /labels/…  phases, events, subtask_index (see export/hdf5/h5.ts writeLabels)
//   attrs: source, flags (JSON), facts (JSON teledemo.episode record), alignment_report (JSON), teledemo_format_version
// Every dataset has a `sources` attribute (recorded topics) and `names` where elements are named.
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { DatasetWriter, NumericFeature, ResampledEpisode, VideoOptions } from "../model.ts";
import { dtypeOf, type Expectation, h5, partialName, verify, writeLabels, writeNumeric, writeVideo } from "./h5.ts";
import type { Group } from "h5wasm/node";

export const ALOHA_FILE = /^episode_(\d+)\.hdf5$/;
export const HDF5_FORMAT_VERSION = 1;

const ACT_NAMES: Record<string, string> = {
  "observation.state": "observations/qpos",
  "observation.velocity": "observations/qvel",
  "observation.effort": "observations/effort",
  action: "action",
};

export function alohaNumericPath(key: string): string {
  const act = ACT_NAMES[key];
  if (act) return act;
  if (key.startsWith("observation.")) return `observations/${key.slice("observation.".length).split(".").join("/")}`;
  return `extras/${key}`;
}

export function alohaVideoPath(key: string, pixel: "rgb" | "depth"): string {
  const cam = key.slice("observation.images.".length);
  return pixel === "rgb" ? `observations/images/${cam}` : `observations/depth/${cam}`;
}

/** Everything but the per-frame data, shared by both HDF5 layouts. */
export function writeEpisodeAttrs(g: Group, ep: ResampledEpisode): void {
  g.create_attribute("task", ep.task);
  g.create_attribute("episode_id", ep.episodeId);
  g.create_attribute("source", ep.source);
  g.create_attribute("fps", ep.fps);
  g.create_attribute("flags", JSON.stringify(ep.flags));
  g.create_attribute("facts", JSON.stringify(ep.facts));
  g.create_attribute("alignment_report", JSON.stringify(ep.report));
  g.create_attribute("teledemo_format_version", HDF5_FORMAT_VERSION);
}

export function writeTime(g: Group, prefix: string, ep: ResampledEpisode): Expectation[] {
  const frames = ep.gridNs.length;
  const grid = BigInt64Array.from(ep.gridNs);
  g.create_dataset({ name: `${prefix}timestamp`, data: ep.timestamps, shape: [frames], dtype: "<d" });
  g.create_dataset({ name: `${prefix}grid_ns`, data: grid, shape: [frames], dtype: "<q" });
  return [
    { path: `${prefix}timestamp`, shape: [frames], dtype: "<d", values: ep.timestamps },
    { path: `${prefix}grid_ns`, shape: [frames], dtype: "<q", values: grid },
  ];
}

function featureOf(ep: ResampledEpisode, key: string): NumericFeature | undefined {
  return ep.numeric.find((f) => f.key === key);
}

export interface Hdf5Options {
  /** gzip level for image datasets (0: uncompressed). */
  gzipLevel: number;
}

export class AlohaWriter implements DatasetWriter {
  readonly format = "hdf5" as const;
  #out = "";
  #exported = new Map<string, number>();
  #next = 0;
  #checks: string[] = [];
  constructor(private readonly options: Hdf5Options = { gzipLevel: 4 }) {}

  async open(outDir: string, _options: { fps: number; resume: boolean; video: VideoOptions }): Promise<void> {
    this.#out = outDir;
    mkdirSync(outDir, { recursive: true });
    const h = await h5();
    for (const name of readdirSync(outDir)) {
      // a file still under its temporary name was interrupted: it never counted as exported
      if (name.includes(".hdf5.partial-")) rmSync(join(outDir, name), { force: true });
      const m = ALOHA_FILE.exec(name);
      if (!m) continue;
      const index = Number(m[1]);
      const f = new h.File(join(outDir, name), "r");
      try {
        const id = f.attrs.episode_id ? String(f.get_attribute("episode_id", true)) : undefined;
        if (id === undefined) throw new Error(`${join(outDir, name)}: an episode file without an episode_id attribute; not written by teledemo export (choose another --out)`);
        this.#exported.set(id, index);
      } finally {
        f.close();
      }
      this.#next = Math.max(this.#next, index + 1);
    }
  }

  async exportedEpisodes(): Promise<Set<string>> {
    return new Set(this.#exported.keys());
  }

  async writeEpisode(ep: ResampledEpisode): Promise<void> {
    const h = await h5();
    if (!featureOf(ep, "observation.state") || !featureOf(ep, "action")) throw new Error(`${ep.episodeId}: the ACT/ALOHA layout needs observation.state and action features`);
    const index = this.#next++;
    const path = join(this.#out, `episode_${index}.hdf5`);
    const tmp = partialName(path);
    const frames = ep.gridNs.length;
    const expect: Expectation[] = [];
    const f = new h.File(tmp, "w");
    try {
      f.create_attribute("sim", new Uint8Array([0]), [], "|B");
      f.create_attribute("compress", new Uint8Array([0]), [], "|B");
      writeEpisodeAttrs(f, ep);
      f.create_group("observations");
      for (const feature of ep.numeric) {
        const act = ACT_NAMES[feature.key] !== undefined;
        expect.push(writeNumeric(f, alohaNumericPath(feature.key), feature, frames, dtypeOf(feature, act)));
      }
      for (const v of ep.videos) expect.push(await writeVideo(f, alohaVideoPath(v.key, v.pixel), v, frames, this.options.gzipLevel));
      expect.push(...writeTime(f, "", ep));
      expect.push(...writeLabels(f, "labels", ep.labels, frames));
    } catch (err) {
      f.close();
      rmSync(tmp, { force: true });
      this.#next--;
      throw err;
    }
    f.close();
    // self-check before the file counts as exported
    const r = new h.File(tmp, "r");
    let problems: string[];
    try {
      problems = verify(r, expect, `episode_${index}.hdf5`);
    } finally {
      r.close();
    }
    if (problems.length > 0) {
      rmSync(tmp, { force: true });
      throw new Error(`self-check failed: ${problems.join("; ")}`);
    }
    renameSync(tmp, path);
    this.#exported.set(ep.episodeId, index);
    this.#checks.push(`episode_${index}.hdf5 (${ep.episodeId}): ${expect.length} datasets re-read, shapes, dtypes and values match`);
  }

  async close(): Promise<{ selfCheck: string[] }> {
    if (!existsSync(this.#out)) throw new Error(`${this.#out} vanished during export`);
    return { selfCheck: this.#checks };
  }
}
