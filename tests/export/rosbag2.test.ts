// A rosbag2 recording teledemo did not write (../shared/fixtures/rosbag2/cdr_test, test_msgs types,
// `ros2 bag record -s mcap`) exported through export/mappings/rosbag2-test-msgs.yaml to LeRobot
// and to HDF5, read back with independent readers (hyparquet, h5dump) and compared with the bag's
// own messages decoded here from their schema text (@foxglove/rosmsg2-serialization): every frame
// holds the message nearest its grid time. The fixture folder is read-only and stays untouched.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { asyncBufferFromFile, parquetReadObjects } from "hyparquet";
import { parse } from "@foxglove/rosmsg";
import { MessageReader } from "@foxglove/rosmsg2-serialization";
import { runCli } from "../support/cli-child.ts";
import { fixturePath, readIndexedMessages, schemaText } from "../support/fixtures.ts";
import { tempDir } from "../recorder/support.ts";
import { MAPPINGS_DIR } from "../../export/mapping.ts";
import { h5numbers, h5shape, h5strings } from "./support.ts";

const BAG = fixturePath("rosbag2/cdr_test");
const MAPPING = join(MAPPINGS_DIR, "rosbag2-test-msgs.yaml");
const FPS = 20;

interface Sample {
  tNs: bigint;
  values: number[];
}

/** The bag's messages of one topic, decoded from the schema text in the file, as the mapping's fields concatenated. */
async function samples(topic: string, fields: string[]): Promise<Sample[]> {
  const out: Sample[] = [];
  for (const m of await readIndexedMessages("rosbag2/cdr_test/cdr_test_0.mcap")) {
    if (m.channel.topic !== topic) continue;
    const reader = new MessageReader(parse(schemaText(m.schema!), { ros2: true }));
    const decoded = reader.readMessage<Record<string, unknown>>(m.message.data);
    const values = fields.flatMap((f) => {
      const v = decoded[f];
      return typeof v === "number" ? [v] : Array.from(v as ArrayLike<number>, Number);
    });
    out.push({ tNs: m.message.logTime, values });
  }
  return out;
}

function nearest(list: readonly Sample[], tNs: number): Sample {
  return list.reduce((best, s) => (Math.abs(Number(s.tNs) - tNs) < Math.abs(Number(best.tNs) - tNs) ? s : best));
}

function snapshot(dir: string): string {
  return readdirSync(dir)
    .sort()
    .map((n) => `${n}:${statSync(join(dir, n)).size}:${statSync(join(dir, n)).mtimeMs}`)
    .join("|");
}

describe("teledemo export of a rosbag2 fixture through a mapping file", () => {
  const tmp = tempDir("teledemo-rosbag2-export-");
  let before = "";
  let state: Sample[] = [];
  let action: Sample[] = [];
  let grid: number[] = [];
  beforeAll(async () => {
    before = snapshot(BAG);
    state = await samples("/array_topic", ["float64_values", "int32_values"]);
    action = await samples("/test_topic", ["int32_value", "float64_value", "float32_value"]);
  });
  afterAll(() => tmp.cleanup());

  it("exports to HDF5 (ACT/ALOHA) with the nearest message's values on every grid frame", async () => {
    const out = join(tmp.dir, "h5");
    const r = await runCli(["export", "--format", "hdf5", "--fps", String(FPS), "--mapping", MAPPING, "--out", out, BAG], 120_000);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/1 exported/);
    const file = join(out, "episode_0.hdf5");
    grid = h5numbers(file, "/grid_ns");
    expect(grid.length).toBeGreaterThanOrEqual(3);
    for (let i = 1; i < grid.length; i++) expect(Math.abs(grid[i]! - grid[i - 1]! - 1e9 / FPS)).toBeLessThan(1e3);
    expect(h5shape(file, "/observations/qpos")).toEqual([grid.length, 6]);
    expect(h5shape(file, "/action")).toEqual([grid.length, 3]);
    expect(h5strings(file, "/observations/qpos/names")).toEqual(["f64_0", "f64_1", "f64_2", "i32_0", "i32_1", "i32_2"]);
    const qpos = h5numbers(file, "/observations/qpos");
    const act = h5numbers(file, "/action");
    grid.forEach((g, i) => {
      expect(qpos.slice(i * 6, i * 6 + 6), `state frame ${i}`).toEqual(nearest(state, g).values);
      const a = nearest(action, g).values;
      act.slice(i * 3, i * 3 + 3).forEach((x, k) => expect(x).toBeCloseTo(a[k]!, 5));
    });
    // every frame came from a message within the mapping's 60 ms tolerance
    for (const g of grid) expect(Math.abs(Number(nearest(state, g).tNs) - g)).toBeLessThanOrEqual(60e6);
  }, 180_000);

  it("exports to LeRobot v3.0 with the same frames, the mapping's task, and a passing self-check", async () => {
    const out = join(tmp.dir, "lerobot");
    const r = await runCli(["export", "--format", "lerobot", "--fps", String(FPS), "--mapping", MAPPING, "--out", out, "--json", BAG], 120_000);
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout.trim().split("\n").at(-1)!);
    expect(summary.counts.exported).toBe(1);
    expect(summary.selfCheck.join("\n")).toMatch(/stats of \d+ numeric features recomputed/);
    const info = JSON.parse(readFileSync(join(out, "meta/info.json"), "utf8"));
    expect(info).toMatchObject({ codebase_version: "v3.0", fps: FPS, total_episodes: 1, total_tasks: 1, video_path: null });
    expect(info.features["observation.state"]).toMatchObject({ dtype: "float64", shape: [6], names: ["f64_0", "f64_1", "f64_2", "i32_0", "i32_1", "i32_2"] });
    const tasks = (await parquetReadObjects({ file: await asyncBufferFromFile(join(out, "meta/tasks.parquet")) })) as Array<Record<string, unknown>>;
    expect(tasks.map((t) => t.task)).toEqual(["replay the rosbag2 test messages"]);
    const rows = (await parquetReadObjects({ file: await asyncBufferFromFile(join(out, "data/chunk-000/file-000.parquet")) })) as Array<Record<string, unknown>>;
    expect(grid.length).toBeGreaterThan(0);
    expect(rows).toHaveLength(grid.length);
    rows.forEach((row, i) => {
      expect(Number(row.frame_index)).toBe(i);
      expect(Math.abs((row.timestamp as number) - i / FPS)).toBeLessThan(1e-4);
      expect(row["observation.state"], `frame ${i}`).toEqual(nearest(state, grid[i]!).values);
    });
  }, 180_000);

  it("wrote nothing into the fixture folder", () => {
    expect(snapshot(BAG)).toBe(before);
  });
});
