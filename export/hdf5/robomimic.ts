// The robomimic layout: one <out>/dataset.hdf5 with
//   data                      attrs: total (Σ num_samples), env_args (JSON: env_name "teledemo",
//                              type 4 = not a robomimic simulator — real-robot data, no rollouts)
//   data/demo_<i>/obs/<key>    per observation feature: observation.X.Y → X_Y (state, velocity,
//                              force_torque_left_wrist, tactile_left_gripper_left_pad, …);
//                              images observation.images.<cam> → <cam>_image (T×H×W×3 uint8),
//                              depth → <cam>_depth (T×H×W uint16 mm)
//   data/demo_<i>/actions      T×D ← action
//   data/demo_<i>/rewards      T float64: 1 at the last frame when the outcome is success, else 0
//   data/demo_<i>/dones        T uint8: 1 at the last frame
//   data/demo_<i>/timestamp, grid_ns, labels/…   (as in the ACT layout)
//   data/demo_<i> attrs        num_samples, episode_id, task, fps, flags, facts, alignment_report
//   mask/train, mask/valid     fixed-length byte strings of demo names (split: --valid-ratio)
// HDF5 files are not crash-safe while open, so each episode is first written (and re-read) as
// its own file in <out>/.parts/; close() assembles dataset.hdf5 under a temporary name from the
// previous dataset.hdf5 (resume) plus the parts, re-reads it, renames it into place and only
// then removes the parts. An interrupted export leaves complete parts, which resume keeps.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { Dataset, Group } from "h5wasm/node";
import type { DatasetWriter, ResampledEpisode, VideoOptions } from "../model.ts";
import { dtypeOf, type Expectation, h5, type H5File, partialName, verify, writeLabels, writeNumeric, writeVideo } from "./h5.ts";
import { writeEpisodeAttrs, writeTime, type Hdf5Options } from "./aloha.ts";

export const ROBOMIMIC_FILE = "dataset.hdf5";
const PARTS = ".parts";
/** robomimic's EnvType has 1 robosuite, 2 gym, 3 iGibson; 4 marks data with no simulator to roll out in. */
const ENV_TYPE_REAL = 4;

export function robomimicObsKey(key: string, pixel?: "rgb" | "depth"): string {
  if (key.startsWith("observation.images.")) return `${key.slice("observation.images.".length)}_${pixel === "depth" ? "depth" : "image"}`;
  return key.replace(/^observation\./, "").split(".").join("_");
}

export interface RobomimicOptions extends Hdf5Options {
  /** Fraction of demos in mask/valid (deterministic: by hash of episode id). */
  validRatio: number;
}

interface Part {
  file: string;
  episodeId: string;
}

function copyDataset(src: Dataset, dst: Group, name: string): void {
  const shape = src.shape ?? [];
  const dtype = src.dtype;
  const frameLike = shape.length >= 3;
  if (!frameLike) {
    const value = src.value;
    const ds = dst.create_dataset({ name, data: value as never, shape, dtype });
    copyAttrs(src, ds);
    return;
  }
  // image datasets: one frame at a time (never a whole episode of frames in memory)
  const frame = shape.slice(1);
  const filters = src.filters;
  const gzip = filters.find((f) => f.name === "deflate");
  const ds = dst.create_dataset({
    name,
    data: new Uint8Array(0),
    shape: [0, ...frame],
    maxshape: shape,
    dtype,
    chunks: [1, ...frame],
    ...(gzip ? { compression: "gzip" as const, compression_opts: Number(gzip.cd_values[0] ?? 4) } : {}),
  });
  ds.resize(shape);
  for (let i = 0; i < (shape[0] ?? 0); i++) ds.write_slice([[i, i + 1]], src.slice([[i, i + 1]]));
  copyAttrs(src, ds);
}

function copyAttrs(src: Group | Dataset, dst: Group | Dataset): void {
  for (const name of Object.keys(src.attrs)) {
    const a = src.attrs[name]!;
    const value = a.value;
    if (typeof value === "string" || typeof value === "number") dst.create_attribute(name, value);
    else if (Array.isArray(value) && value.every((x) => typeof x === "string")) dst.create_attribute(name, value as string[]);
    else dst.create_attribute(name, value as never, a.shape, a.dtype);
  }
}

function copyGroup(src: Group, dst: Group): void {
  copyAttrs(src, dst);
  for (const name of src.keys()) {
    const child = src.get(name);
    if (child && "keys" in child && typeof (child as Group).keys === "function" && !("shape" in child)) copyGroup(child as Group, dst.create_group(name));
    else if (child && "shape" in child) copyDataset(child as Dataset, dst, name);
  }
}

/** Which demos go to mask/valid: the round(ratio·N) lowest hashes of episode id (stable under resume). */
export function validSplit(ids: readonly string[], ratio: number): Set<string> {
  const n = Math.round(ids.length * ratio);
  const ranked = [...ids].sort((a, b) => {
    const ha = createHash("sha1").update(a).digest("hex");
    const hb = createHash("sha1").update(b).digest("hex");
    return ha < hb ? -1 : ha > hb ? 1 : 0;
  });
  return new Set(ranked.slice(0, n));
}

export class RobomimicWriter implements DatasetWriter {
  readonly format = "robomimic" as const;
  #out = "";
  #previous: string[] = [];
  #parts: Part[] = [];
  #checks: string[] = [];
  #partIndex = 0;
  constructor(private readonly options: RobomimicOptions = { gzipLevel: 4, validRatio: 0.1 }) {}

  async open(outDir: string, _options: { fps: number; resume: boolean; video: VideoOptions }): Promise<void> {
    this.#out = outDir;
    mkdirSync(join(outDir, PARTS), { recursive: true });
    const h = await h5();
    for (const name of readdirSync(outDir)) if (name.startsWith(`${ROBOMIMIC_FILE}.partial-`)) rmSync(join(outDir, name), { force: true });
    const dataset = join(outDir, ROBOMIMIC_FILE);
    if (existsSync(dataset)) {
      const f = new h.File(dataset, "r");
      try {
        const data = f.get("data") as Group | null;
        if (!data) throw new Error(`${dataset}: no /data group; not a robomimic dataset (choose another --out)`);
        for (const demo of demoNames(data)) {
          const g = data.get(demo) as Group;
          this.#previous.push(String(g.get_attribute("episode_id", true)));
        }
      } finally {
        f.close();
      }
    }
    // complete parts of an interrupted run (incomplete ones are still under a .partial- name)
    const parts = readdirSync(join(outDir, PARTS)).sort();
    for (const name of parts) {
      const path = join(outDir, PARTS, name);
      if (name.includes(".partial-")) {
        rmSync(path, { force: true });
        continue;
      }
      const m = /^(\d+)\.hdf5$/.exec(name);
      if (!m) continue;
      const f = new h.File(path, "r");
      try {
        this.#parts.push({ file: path, episodeId: String(f.get_attribute("episode_id", true)) });
      } finally {
        f.close();
      }
      this.#partIndex = Math.max(this.#partIndex, Number(m[1]) + 1);
    }
  }

  async exportedEpisodes(): Promise<Set<string>> {
    return new Set([...this.#previous, ...this.#parts.map((p) => p.episodeId)]);
  }

  async writeEpisode(ep: ResampledEpisode): Promise<void> {
    const h = await h5();
    const action = ep.numeric.find((f) => f.key === "action");
    if (!action) throw new Error(`${ep.episodeId}: the robomimic layout needs an action feature`);
    const index = this.#partIndex++;
    const path = join(this.#out, PARTS, `${String(index).padStart(6, "0")}.hdf5`);
    const tmp = partialName(path);
    const frames = ep.gridNs.length;
    const expect: Expectation[] = [];
    const f = new h.File(tmp, "w");
    try {
      writeEpisodeAttrs(f, ep);
      f.create_attribute("num_samples", frames);
      for (const feature of ep.numeric) {
        if (feature.key === "action") expect.push(writeNumeric(f, "actions", feature, frames, dtypeOf(feature, true)));
        else expect.push(writeNumeric(f, `obs/${robomimicObsKey(feature.key)}`, feature, frames, dtypeOf(feature)));
      }
      for (const v of ep.videos) expect.push(await writeVideo(f, `obs/${robomimicObsKey(v.key, v.pixel)}`, v, frames, this.options.gzipLevel));
      const success = (ep.labels.graspOutcome ?? ep.facts.outcome) === "success";
      const rewards = new Float64Array(frames);
      const dones = new Uint8Array(frames);
      if (frames > 0) {
        rewards[frames - 1] = success ? 1 : 0;
        dones[frames - 1] = 1;
      }
      f.create_dataset({ name: "rewards", data: rewards, shape: [frames], dtype: "<d" });
      f.create_dataset({ name: "dones", data: dones, shape: [frames], dtype: "|B" });
      expect.push({ path: "rewards", shape: [frames], dtype: "<d", values: rewards }, { path: "dones", shape: [frames], dtype: "|B", values: dones });
      expect.push(...writeTime(f, "", ep));
      expect.push(...writeLabels(f, "labels", ep.labels, frames));
    } catch (err) {
      f.close();
      rmSync(tmp, { force: true });
      throw err;
    }
    f.close();
    const r = new h.File(tmp, "r");
    let problems: string[];
    try {
      problems = verify(r, expect, `${ep.episodeId} part`);
    } finally {
      r.close();
    }
    if (problems.length > 0) {
      rmSync(tmp, { force: true });
      throw new Error(`self-check failed: ${problems.join("; ")}`);
    }
    renameSync(tmp, path);
    this.#parts.push({ file: path, episodeId: ep.episodeId });
  }

  async close(): Promise<{ selfCheck: string[] }> {
    const h = await h5();
    const dataset = join(this.#out, ROBOMIMIC_FILE);
    if (this.#parts.length === 0 && existsSync(dataset)) {
      rmSync(join(this.#out, PARTS), { recursive: true, force: true });
      return { selfCheck: [`${ROBOMIMIC_FILE}: unchanged (${this.#previous.length} demos)`] };
    }
    const tmp = partialName(dataset);
    const out = new h.File(tmp, "w");
    const ids: string[] = [];
    const names: string[] = [];
    let total = 0;
    const sources: Array<{ demo: string; file: string }> = [];
    try {
      const data = out.create_group("data");
      let next = 0;
      if (existsSync(dataset)) {
        const old = new h.File(dataset, "r");
        try {
          const oldData = old.get("data") as Group;
          for (const demo of demoNames(oldData)) {
            const name = `demo_${next++}`;
            const src = oldData.get(demo) as Group;
            copyGroup(src, data.create_group(name));
            ids.push(String(src.get_attribute("episode_id", true)));
            names.push(name);
            total += Number(src.get_attribute("num_samples", true));
          }
        } finally {
          old.close();
        }
      }
      for (const part of this.#parts) {
        const name = `demo_${next++}`;
        const src = new h.File(part.file, "r");
        try {
          copyGroup(src, data.create_group(name));
          total += Number(src.get_attribute("num_samples", true));
        } finally {
          src.close();
        }
        ids.push(part.episodeId);
        names.push(name);
        sources.push({ demo: name, file: part.file });
      }
      data.create_attribute("total", total);
      data.create_attribute("env_args", JSON.stringify({ env_name: "teledemo", type: ENV_TYPE_REAL, env_kwargs: { fps: this.#fps(out, names) } }));
      const valid = validSplit(ids, this.options.validRatio);
      const width = Math.max(1, ...names.map((n) => n.length));
      const train = names.filter((_, i) => !valid.has(ids[i]!));
      const validNames = names.filter((_, i) => valid.has(ids[i]!));
      const mask = out.create_group("mask");
      mask.create_dataset({ name: "train", data: train, shape: [train.length], dtype: `A${width}` });
      mask.create_dataset({ name: "valid", data: validNames, shape: [validNames.length], dtype: `A${width}` });
    } catch (err) {
      out.close();
      rmSync(tmp, { force: true });
      throw err;
    }
    out.close();
    const checks = this.#selfCheck(h, tmp, sources, names, total);
    if (checks.problems.length > 0) {
      rmSync(tmp, { force: true });
      throw new Error(`self-check of ${ROBOMIMIC_FILE} failed: ${checks.problems.join("; ")}`);
    }
    renameSync(tmp, dataset);
    rmSync(join(this.#out, PARTS), { recursive: true, force: true });
    return { selfCheck: [...this.#checks, ...checks.ok] };
  }

  #fps(out: H5File, names: string[]): number | null {
    const first = names[0];
    if (!first) return null;
    const g = out.get(`data/${first}`) as Group;
    return Number(g.get_attribute("fps", true));
  }

  /** Re-reads the assembled file: totals, masks, and every new demo against its re-read part. */
  #selfCheck(h: Awaited<ReturnType<typeof h5>>, file: string, sources: Array<{ demo: string; file: string }>, names: string[], total: number): { problems: string[]; ok: string[] } {
    const problems: string[] = [];
    const f = new h.File(file, "r");
    try {
      const data = f.get("data") as Group;
      const demos = demoNames(data);
      if (demos.join(",") !== names.join(",")) problems.push(`demos ${demos.join(",")}, expected ${names.join(",")}`);
      const sum = demos.reduce((a, d) => a + Number((data.get(d) as Group).get_attribute("num_samples", true)), 0);
      if (sum !== total || Number(data.get_attribute("total", true)) !== total) problems.push(`data.total ${String(data.get_attribute("total", true))}, Σ num_samples ${sum}, expected ${total}`);
      const masked = [...((f.get("mask/train") as Dataset).value as string[]), ...((f.get("mask/valid") as Dataset).value as string[])].sort();
      if (masked.join(",") !== [...names].sort().join(",")) problems.push(`mask/train ∪ mask/valid = ${masked.join(",")}, expected every demo once`);
      for (const s of sources) {
        const part = new h.File(s.file, "r");
        try {
          problems.push(...compareGroups(part, f.get(`data/${s.demo}`) as Group, s.demo));
        } finally {
          part.close();
        }
      }
    } finally {
      f.close();
    }
    return { problems, ok: problems.length ? [] : [`${ROBOMIMIC_FILE}: ${names.length} demos, ${total} samples; masks cover every demo; ${sources.length} new demo(s) re-read equal to their written parts`] };
  }
}

function demoNames(data: Group): string[] {
  return data
    .keys()
    .filter((k) => /^demo_\d+$/.test(k))
    .sort((a, b) => Number(a.slice(5)) - Number(b.slice(5)));
}

/** Every dataset of `a` exists in `b` with the same shape, dtype and bytes. */
function compareGroups(a: Group, b: Group, label: string, prefix = ""): string[] {
  const problems: string[] = [];
  for (const name of a.keys()) {
    const x = a.get(name);
    const y = b.get(name);
    const path = `${prefix}${name}`;
    if (!y) {
      problems.push(`${label}/${path} missing`);
      continue;
    }
    if (x && "shape" in x) {
      const dx = x as Dataset;
      const dy = y as Dataset;
      const shape = dx.shape ?? [];
      if ((dy.shape ?? []).join(",") !== shape.join(",") || String(dy.dtype) !== String(dx.dtype)) {
        problems.push(`${label}/${path}: shape/dtype differ`);
        continue;
      }
      const rows = shape.length >= 3 ? (shape[0] ?? 0) : 1;
      for (let i = 0; i < rows; i++) {
        const vx = shape.length >= 3 ? dx.slice([[i, i + 1]]) : dx.value;
        const vy = shape.length >= 3 ? dy.slice([[i, i + 1]]) : dy.value;
        if (!sameValue(vx, vy)) {
          problems.push(`${label}/${path}${shape.length >= 3 ? ` frame ${i}` : ""} differs from its part`);
          break;
        }
      }
    } else if (x) problems.push(...compareGroups(x as Group, y as Group, label, `${path}/`));
  }
  return problems;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (ArrayBuffer.isView(a) && ArrayBuffer.isView(b)) {
    const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    return x.length === y.length && Buffer.compare(x, y) === 0;
  }
  return JSON.stringify(a, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v)) === JSON.stringify(b, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
}
