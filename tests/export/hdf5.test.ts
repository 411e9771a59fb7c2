// `teledemo export --format hdf5|robomimic` end to end on labelled simulated episodes, read back
// with h5dump (Debian hdf5-tools: an HDF5 reader independent of the h5wasm writer) and compared
// with the aligned episode reader's state on the same grid.
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openAlignedEpisode } from "../../recorder/aligned/index.ts";
import { LABELS_DIR, LABELS_SCHEMA, LABELS_VERSION, emptyLabelsContent, type LabelsFile } from "../../recorder/labels/schema.ts";
import { runCli } from "../support/cli-child.ts";
import { simLibrary } from "../support/sim-episode.ts";
import { tempDir } from "../recorder/support.ts";
import { h5numbers, h5shape, h5strings } from "./support.ts";


describe("teledemo export to HDF5", () => {
  const tmp = tempDir("teledemo-h5-");
  let library = "";
  let episodes: string[] = [];
  const start = { phase: 0n };

  beforeAll(async () => {
    const lib = await simLibrary({ episodes: 2 });
    library = join(tmp.dir, "lib");
    cpSync(lib.library, library, { recursive: true });
    episodes = lib.episodes.map((e) => join(library, e.slice(lib.library.length + 1)));
    const ep = await openAlignedEpisode(episodes[0]!);
    const t0 = ep.startNs;
    await ep.close();
    start.phase = t0 + 1_000_000_000n;
    const content = emptyLabelsContent("pick up the cube");
    content.phases.push({ id: "p1", type: "approach", startNs: String(t0 + 1_000_000_000n), endNs: String(t0 + 1_500_000_000n), source: "manual" });
    content.phases.push({ id: "p2", type: "grasp", startNs: String(t0 + 1_510_000_000n), endNs: String(t0 + 2_200_000_000n), source: "manual" });
    content.events.push({ id: "e1", type: "onset", target: "left_gripper/left_pad", tNs: String(t0 + 1_700_000_000n), source: "manual" });
    content.episode.graspOutcome = "success";
    const file: LabelsFile = { schema: LABELS_SCHEMA, version: LABELS_VERSION, episodeId: "x", annotator: "alice", revision: 1, updated: new Date().toISOString(), content, history: [] };
    mkdirSync(join(episodes[0]!, LABELS_DIR), { recursive: true });
    writeFileSync(join(episodes[0]!, LABELS_DIR, "alice.json"), JSON.stringify(file));
  }, 600_000);
  afterAll(() => tmp.cleanup());

  it("writes ACT/ALOHA files whose values are the aligned reader's on the grid, with labels at the right frames, and resumes", async () => {
    const out = join(tmp.dir, "aloha");
    const r = await runCli(["export", "--format", "hdf5", "--fps", "15", "--out", out, library], 300_000);
    expect(r.code, r.stderr).toBe(0);
    const file = join(out, "episode_0.hdf5");
    const grid = h5numbers(file, "/grid_ns");
    const [frames, dof] = h5shape(file, "/observations/qpos");
    expect(frames).toBe(grid.length);
    expect(h5shape(file, "/action")).toEqual([frames, dof]);
    expect(h5shape(file, "/observations/images/head_camera")).toEqual([frames, 120, 160, 3]);
    const names = h5strings(file, "/observations/qpos/names");
    expect(names).toHaveLength(dof!);
    const qpos = h5numbers(file, "/observations/qpos");
    const ep = await openAlignedEpisode(episodes[0]!);
    try {
      for (const i of [0, Math.floor(frames! / 2), frames! - 1]) {
        // grid_ns went through float64 in h5dump: take the aligned grid time from the timestamps instead
        const tNs = BigInt(Math.round(grid[0]!)) + BigInt(Math.round((i * 1e9) / 15));
        const state = (await ep.stateAt(tNs, { topics: ["/joint_states"] })).get("/joint_states")!;
        expect(state.status).toBe("ok");
        const value = state.value!;
        const pos = value.data[value.fields.indexOf("position")]!;
        for (let j = 0; j < dof!; j++) {
          const k = value.names.indexOf(names[j]!);
          expect(Math.abs(qpos[i * dof! + j]! - pos[k]!), `${names[j]} frame ${i}`).toBeLessThan(1e-6);
        }
      }
    } finally {
      await ep.close();
    }
    // labels: phases start at the first frame at/after their start, events at the nearest frame
    const starts = h5numbers(file, "/labels/phase_start_frame");
    const expectedStart = grid.findIndex((g) => g >= Number(start.phase));
    expect(starts[0]).toBeGreaterThanOrEqual(expectedStart - 1);
    expect(starts[0]).toBeLessThanOrEqual(expectedStart);
    expect(h5numbers(file, "/labels/event_frame")).toHaveLength(1);
    const again = await runCli(["export", "--format", "hdf5", "--fps", "15", "--out", out, library], 300_000);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/0 exported, 2 already there/);
  }, 600_000);

  it("writes a robomimic dataset with demos, actions and train/valid masks", async () => {
    const out = join(tmp.dir, "robomimic");
    const r = await runCli(["export", "--format", "robomimic", "--fps", "10", "--jobs", "2", "--out", out, library], 300_000);
    expect(r.code, r.stderr).toBe(0);
    const file = join(out, "dataset.hdf5");
    const listing = execFileSync("h5dump", ["-n", file], { encoding: "utf8" });
    expect(listing).toMatch(/\/data\/demo_0\/actions/);
    expect(listing).toMatch(/\/data\/demo_1\/obs/);
    expect(listing).toMatch(/\/mask\/train/);
    const [n0] = h5shape(file, "/data/demo_0/actions");
    expect(n0).toBeGreaterThan(20);
    expect(h5shape(file, "/data/demo_0/rewards")).toEqual([n0]);
  }, 600_000);

  it("refuses bad arguments with a message and a non-zero exit", async () => {
    const bad = await runCli(["export", "--format", "bogus", "--fps", "15", "--out", join(tmp.dir, "x"), library]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/format/);
    const fps = await runCli(["export", "--format", "hdf5", "--fps", "0", "--out", join(tmp.dir, "y"), library]);
    expect(fps.code).not.toBe(0);
    expect(fps.stderr).toMatch(/fps/);
  }, 120_000);
});
