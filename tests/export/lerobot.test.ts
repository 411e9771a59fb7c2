// LeRobot v3.0 writer on real simulated, labelled episodes: resampled by the export core
// (export/resample over the aligned reader), written concurrently, and verified by reading the
// dataset back with independent readers — hyparquet for parquet, ffprobe for mp4 — and the
// aligned reader for the values.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from "hyparquet";
import { simLibrary } from "../support/sim-episode.ts";
import { openAlignedEpisode } from "../../recorder/aligned/reader.ts";
import { saveLabels } from "../../recorder/labels/store.ts";
import { emptyLabelsContent } from "../../recorder/labels/schema.ts";
import { builtinMappingFor } from "../../export/mapping.ts";
import { resampleEpisode, episodeIdOf, type ResampledCore } from "../../export/resample/resample.ts";
import { toResampledEpisode } from "../../export/resample/videos.ts";
import { convertImage } from "../../export/resample/images.ts";
import { LeRobotWriter, selfCheckLeRobot } from "../../export/lerobot/index.ts";
import type { ResampledEpisode } from "../../export/model.ts";

const FPS = 15;
const VIDEO = { codec: "auto" as const, crf: 30, gop: 2 };

type Row = Record<string, unknown>;

async function rows(path: string): Promise<Row[]> {
  return (await parquetReadObjects({ file: await asyncBufferFromFile(path) })) as Row[];
}

function n(v: unknown): number {
  return typeof v === "bigint" ? Number(v) : (v as number);
}

function firstAtOrAfter(grid: readonly bigint[], t: bigint): number {
  const i = grid.findIndex((g) => g >= t);
  return i < 0 ? grid.length : i;
}

let work: string;
let episodes: string[];
let cores: ResampledCore[];
let out: string;
let selfCheck: string[];
/** Label times written to each episode's sidecar (corrected ns). */
const labelTimes = new Map<string, { phases: Array<{ type: string; startNs: bigint; endNs: bigint }>; event: { tNs: bigint; target: string } }>();

beforeAll(async () => {
  const lib = await simLibrary({ profile: "small", episodes: 2 });
  work = mkdtempSync(join(tmpdir(), "teledemo-lerobot-"));
  episodes = lib.episodes.map((e, i) => {
    const dst = join(work, `ep${i}`);
    cpSync(e, dst, { recursive: true });
    return dst;
  });
  // Real label sidecars, saved through the labels store: two phases and a contact onset.
  for (const dir of episodes) {
    const a = await openAlignedEpisode(dir);
    const id = episodeIdOf(a.path, a.facts);
    const span = a.endNs - a.startNs;
    const at = (f: number) => a.startNs + (span * BigInt(Math.round(f * 1000))) / 1000n;
    await a.close();
    const phases = [
      { type: "reach", startNs: at(0.2), endNs: at(0.45) },
      { type: "grasp", startNs: at(0.45) + 1n, endNs: at(0.8) },
    ];
    const event = { tNs: at(0.5), target: "left_gripper_left_pad" };
    labelTimes.set(id, { phases, event });
    const content = emptyLabelsContent("pick up the cube and place it in the bin");
    content.phases = phases.map((p, i) => ({ id: `p${i}`, type: p.type, startNs: p.startNs.toString(), endNs: p.endNs.toString(), source: "manual" as const }));
    content.events = [{ id: "e0", type: "onset", target: event.target, tNs: event.tNs.toString(), source: "manual" }];
    content.episode.graspOutcome = "success";
    content.episode.quality = { decision: "accept", reason: "clean" };
    const saved = await saveLabels(dir, { episodeId: id, annotator: "alice", baseRevision: 0, content });
    expect(saved.ok).toBe(true);
  }
  const mapping = builtinMappingFor("small")!.mapping;
  cores = await Promise.all(episodes.map((path) => resampleEpisode({ path, mapping, fps: FPS, onStale: "flag", annotator: undefined })));
  out = join(work, "dataset");
  const writer = new LeRobotWriter();
  await writer.open(out, { fps: FPS, resume: false, video: VIDEO });
  // Both episodes at once, as --jobs 2 does: encodes overlap, appends are serialized.
  await Promise.all(
    cores.map(async (c) => {
      const ep = toResampledEpisode(c);
      try {
        await writer.writeEpisode(ep);
      } finally {
        await ep.release();
      }
    }),
  );
  ({ selfCheck } = await writer.close());
}, 300_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("LeRobot v3.0 writer", () => {
  it("writes meta/info.json as upstream: version, totals, templates, features with video info", () => {
    const info = JSON.parse(readFileSync(join(out, "meta/info.json"), "utf8"));
    const total = cores.reduce((s, c) => s + c.gridNs.length, 0);
    expect(info).toMatchObject({
      codebase_version: "v3.0",
      fps: FPS,
      total_episodes: 2,
      total_frames: total,
      total_tasks: 1,
      chunks_size: 1000,
      data_files_size_in_mb: 100,
      video_files_size_in_mb: 200,
      data_path: "data/chunk-{chunk_index:03d}/file-{file_index:03d}.parquet",
      video_path: "videos/{video_key}/chunk-{chunk_index:03d}/file-{file_index:03d}.mp4",
      splits: { train: "0:2" },
    });
    expect(info.features["observation.state"]).toMatchObject({ dtype: "float32", shape: [16] });
    expect(info.features["observation.state"].names).toHaveLength(16);
    expect(info.features["observation.tactile.left_gripper_left_pad"]).toMatchObject({ dtype: "float32", shape: [8, 8] });
    expect(info.features["observation.force_torque.left_wrist"]).toMatchObject({ shape: [6], names: ["fx", "fy", "fz", "tx", "ty", "tz"] });
    for (const k of ["timestamp", "frame_index", "episode_index", "index", "task_index"]) expect(info.features[k].shape).toEqual([1]);
    expect(info.features.language_persistent).toEqual({ dtype: "language", shape: [1], names: null });
    const head = info.features["observation.images.head_camera"];
    expect(head).toMatchObject({ dtype: "video", shape: [120, 160, 3], names: ["height", "width", "channels"] });
    expect(head.info).toMatchObject({ "video.height": 120, "video.width": 160, "video.codec": "av1", "video.pix_fmt": "yuv420p", "video.fps": FPS, "video.channels": 3, has_audio: false, is_depth_map: false, "video.g": 2, "video.crf": 30 });
    const depth = info.features["observation.images.head_camera_depth"];
    expect(depth).toMatchObject({ dtype: "video", shape: [120, 160, 1] });
    expect(depth.info).toMatchObject({ "video.codec": "hevc", "video.pix_fmt": "gray12le", is_depth_map: true, depth_unit: "mm", "video.use_log": true });
  });

  it("writes data parquet with explicit types, HF feature metadata and the aligned reader's values", async () => {
    const path = join(out, "data/chunk-000/file-000.parquet");
    const meta = await parquetMetadataAsync(await asyncBufferFromFile(path));
    const byName = new Map(meta.schema.map((s) => [s.name, s]));
    expect(byName.get("observation.state")?.converted_type).toBe("LIST");
    expect(byName.get("timestamp")?.type).toBe("FLOAT");
    for (const k of ["frame_index", "episode_index", "index", "task_index"]) expect(byName.get(k)?.type).toBe("INT64");
    const leafTypes = meta.schema.filter((s) => s.name === "element" && s.type).map((s) => s.type);
    expect(leafTypes).toContain("FLOAT");
    const hf = JSON.parse(meta.key_value_metadata!.find((kv) => kv.key === "huggingface")!.value!);
    expect(hf.info.features["observation.state"]).toEqual({ feature: { dtype: "float32", _type: "Value" }, length: 16, _type: "List" });
    expect(hf.info.features["observation.tactile.left_gripper_left_pad"]).toEqual({ shape: [8, 8], dtype: "float32", _type: "Array2D" });
    expect(hf.info.features["observation.images.head_camera"]).toBeUndefined();

    const data = await rows(path);
    const eps = await rows(join(out, "meta/episodes/chunk-000/file-000.parquet"));
    expect(data).toHaveLength(cores.reduce((s, c) => s + c.gridNs.length, 0));
    const info = JSON.parse(readFileSync(join(out, "meta/info.json"), "utf8"));
    const jointNames: string[] = info.features["observation.state"].names;
    for (const ep of eps) {
      const source = String(ep["teledemo/source"]);
      const core = cores.find((c) => c.source === source)!;
      const e = n(ep.episode_index);
      const mine = data.filter((r) => n(r.episode_index) === e);
      expect(mine).toHaveLength(core.gridNs.length);
      mine.forEach((r, i) => {
        expect(n(r.frame_index)).toBe(i);
        expect(n(r.index)).toBe(n(ep.dataset_from_index) + i);
        expect(Math.abs(n(r.timestamp) - i / FPS)).toBeLessThan(1e-6);
      });
      // Values equal the aligned reader's state at the grid times (checked independently of the export core).
      const a = await openAlignedEpisode(source);
      try {
        for (const i of [0, Math.floor(mine.length / 2), mine.length - 1]) {
          const st = (await a.stateAt(core.gridNs[i]!, { topics: ["/joint_states"] })).get("/joint_states")!;
          const v = st.value!;
          const pos = v.data[v.fields.indexOf("position")]!;
          const expected = jointNames.map((j) => Math.fround(pos[v.names.indexOf(j)]!));
          expect(mine[i]!["observation.state"]).toEqual(expected);
        }
      } finally {
        await a.close();
      }
      const pad = mine[0]!["observation.tactile.left_gripper_left_pad"] as number[][];
      expect(pad).toHaveLength(8);
      expect(pad[0]).toHaveLength(8);
    }
  });

  it("writes every pointer column in meta/episodes and videos whose frames match the rows per span", async () => {
    const eps = await rows(join(out, "meta/episodes/chunk-000/file-000.parquet"));
    expect(eps.map((e) => n(e.episode_index))).toEqual([0, 1]);
    const cols = Object.keys(eps[0]!);
    for (const c of ["episode_index", "tasks", "length", "data/chunk_index", "data/file_index", "dataset_from_index", "dataset_to_index", "meta/episodes/chunk_index", "meta/episodes/file_index", "stats/observation.state/mean", "stats/observation.state/q99", "stats/observation.images.head_camera/std", "stats/timestamp/count"])
      expect(cols).toContain(c);
    const keys = ["observation.images.head_camera", "observation.images.head_camera_depth", "observation.images.left_wrist_camera", "observation.images.right_wrist_camera"];
    for (const k of keys) for (const s of ["chunk_index", "file_index", "from_timestamp", "to_timestamp"]) expect(cols).toContain(`videos/${k}/${s}`);
    expect(n(eps[0]!.dataset_from_index)).toBe(0);
    expect(n(eps[1]!.dataset_from_index)).toBe(n(eps[0]!.dataset_to_index));
    expect(eps[0]!.tasks).toEqual(["pick up the cube and place it in the bin"]);
    for (const k of keys) {
      const file = join(out, `videos/${k}/chunk-000/file-000.mp4`);
      expect(existsSync(file)).toBe(true);
      // Episodes are concatenated in one file: the second starts where the first ends.
      expect(n(eps[0]![`videos/${k}/from_timestamp`])).toBe(0);
      expect(n(eps[1]![`videos/${k}/from_timestamp`])).toBeCloseTo(n(eps[0]![`videos/${k}/to_timestamp`]), 9);
      const probe = JSON.parse(execFileSync("ffprobe", ["-v", "error", "-count_frames", "-select_streams", "v:0", "-show_entries", "stream=nb_read_frames,codec_name,pix_fmt,width,height", "-of", "json", file], { encoding: "utf8" }));
      const s = probe.streams[0];
      expect(Number(s.nb_read_frames)).toBe(n(eps[0]!.length) + n(eps[1]!.length));
      expect([s.width, s.height]).toEqual([160, 120]);
      expect(s.codec_name).toBe(k.endsWith("depth") ? "hevc" : "av1");
    }
    // Image stats per channel, [3,1,1] and normalized to [0, 1], as upstream.
    const stats = JSON.parse(readFileSync(join(out, "meta/stats.json"), "utf8"));
    expect(stats["observation.images.head_camera"].mean).toHaveLength(3);
    expect(stats["observation.images.head_camera"].mean[0]).toHaveLength(1);
    expect(stats["observation.images.head_camera"].max[0][0][0]).toBeLessThanOrEqual(1);
    expect(stats["observation.state"].q50).toHaveLength(16);
    expect(stats["observation.tactile.left_gripper_left_pad"].mean).toHaveLength(8);
    expect(stats.index.count).toEqual([cores.reduce((s, c) => s + c.gridNs.length, 0)]);
    expect(selfCheck.join("\n")).toMatch(/ffprobe frame counts per episode span equal parquet rows/);
  });

  it("a frame decoded at from_timestamp + timestamp is the aligned reader's image at that grid time", async () => {
    const eps = await rows(join(out, "meta/episodes/chunk-000/file-000.parquet"));
    const key = "observation.images.head_camera";
    const topic = "/head_camera/color/image_raw";
    // The second episode of the file: its frames sit after the first's in the same mp4.
    const ep = eps[1]!;
    const core = cores.find((c) => c.source === String(ep["teledemo/source"]))!;
    const file = join(out, `videos/${key}/chunk-000/file-000.mp4`);
    const a = await openAlignedEpisode(core.source);
    try {
      const psnrOf = (x: Uint8Array, y: Uint8Array) => {
        let se = 0;
        for (let i = 0; i < x.length; i++) se += (x[i]! - y[i]!) ** 2;
        return 10 * Math.log10((255 * 255) / (se / x.length));
      };
      const k = 9;
      const t = n(ep[`videos/${key}/from_timestamp`]) + k / FPS;
      const decoded = new Uint8Array(execFileSync("ffmpeg", ["-v", "error", "-i", file, "-ss", t.toFixed(6), "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1"], { maxBuffer: 1 << 24 }));
      const image = async (i: number) => {
        const st = (await a.stateAt(core.gridNs[i]!, { topics: [topic] })).get(topic)!;
        return convertImage(st.message!.decode(), "rgb", { width: 160, height: 120, encoding: "" }, topic);
      };
      const same = psnrOf(decoded, await image(k));
      const other = psnrOf(decoded, await image(k + 6));
      console.log(`decoded frame vs frame ${k}: ${same.toFixed(1)} dB, vs frame ${k + 6}: ${other.toFixed(1)} dB`);
      expect(same).toBeGreaterThan(28);
      // And it is that frame, not a neighbour: clearly closer to frame k than to frame k + 6.
      expect(same).toBeGreaterThan(other + 1);
    } finally {
      await a.close();
    }
  });

  it("puts phases in language_persistent as subtask rows on exact frame timestamps, contacts and outcome in meta/episodes", async () => {
    const data = await rows(join(out, "data/chunk-000/file-000.parquet"));
    const eps = await rows(join(out, "meta/episodes/chunk-000/file-000.parquet"));
    for (const ep of eps) {
      const core = cores.find((c) => c.source === String(ep["teledemo/source"]))!;
      const truth = labelTimes.get(String(ep["teledemo/episode_id"]))!;
      const e = n(ep.episode_index);
      const mine = data.filter((r) => n(r.episode_index) === e);
      const expected = truth.phases.map((p) => ({ content: p.type, frame: firstAtOrAfter(core.gridNs, p.startNs) }));
      for (const r of [mine[0]!, mine[mine.length - 1]!]) {
        const lp = r.language_persistent as Row[];
        expect(lp.map((x) => x.content)).toEqual(expected.map((x) => x.content));
        lp.forEach((x, i) => {
          expect(x.style).toBe("subtask");
          expect(x.role).toBe("assistant");
          // The row's timestamp is the phase's first frame's own timestamp value.
          expect(x.timestamp).toBe(mine[expected[i]!.frame]!.timestamp);
        });
        expect(r.language_events).toEqual([]);
      }
      expect(ep["teledemo/grasp_outcome"]).toBe("success");
      expect(ep["teledemo/quality_decision"]).toBe("accept");
      const contacts = ep["teledemo/contact_events"] as Row[];
      expect(contacts).toHaveLength(1);
      const t = truth.event.tNs;
      const nearest = core.gridNs.reduce((best, g, i) => ((g > t ? g - t : t - g) < (core.gridNs[best]! > t ? core.gridNs[best]! - t : t - core.gridNs[best]!) ? i : best), 0);
      expect(contacts[0]).toMatchObject({ type: "onset", target: truth.event.target });
      expect(n(contacts[0]!.frame_index)).toBe(nearest);
      const phases = ep["teledemo/phases"] as Row[];
      expect(phases.map((p) => n(p.from_frame))).toEqual(expected.map((x) => x.frame));
    }
    const tasks = await rows(join(out, "meta/tasks.parquet"));
    expect(tasks).toEqual([{ task_index: 0n, task: "pick up the cube and place it in the bin" }]);
  });

  it("resumes: skips exported episodes, appends into new files with consistent indices", async () => {
    const copy = join(work, "resumed");
    cpSync(out, copy, { recursive: true });
    const writer = new LeRobotWriter();
    await writer.open(copy, { fps: FPS, resume: true, video: VIDEO });
    const done = await writer.exportedEpisodes();
    expect([...done].sort()).toEqual(cores.map((c) => c.episodeId).sort());
    // A third episode (the first one's data under another id), appended after the two.
    const again = toResampledEpisode(cores[0]!);
    const third: ResampledEpisode = { ...again, episodeId: `${cores[0]!.episodeId}-again` };
    await writer.writeEpisode(third);
    await again.release();
    const { selfCheck: lines } = await writer.close();
    expect(lines.length).toBeGreaterThan(0);
    const info = JSON.parse(readFileSync(join(copy, "meta/info.json"), "utf8"));
    expect(info.total_episodes).toBe(3);
    expect(info.splits).toEqual({ train: "0:3" });
    const eps = await rows(join(copy, "meta/episodes/chunk-000/file-001.parquet"));
    expect(eps).toHaveLength(1);
    expect(n(eps[0]!.episode_index)).toBe(2);
    expect(n(eps[0]!.dataset_from_index)).toBe(cores[0]!.gridNs.length + cores[1]!.gridNs.length);
    expect(n(eps[0]!["data/file_index"])).toBe(1);
    expect(n(eps[0]!["videos/observation.images.head_camera/file_index"])).toBe(1);
    expect(n(eps[0]!["videos/observation.images.head_camera/from_timestamp"])).toBe(0);
    const data = await rows(join(copy, "data/chunk-000/file-001.parquet"));
    expect(n(data[0]!.index)).toBe(n(eps[0]!.dataset_from_index));
  }, 120_000);

  it("refuses an output folder that holds something else, or a dataset without resume, naming it", async () => {
    const other = join(work, "not-a-dataset");
    mkdirSync(other, { recursive: true });
    writeFileSync(join(other, "notes.txt"), "mine");
    await expect(new LeRobotWriter().open(other, { fps: FPS, resume: false, video: VIDEO })).rejects.toThrow(`${other} exists and is not a LeRobot dataset`);
    expect(readFileSync(join(other, "notes.txt"), "utf8")).toBe("mine");
    await expect(new LeRobotWriter().open(out, { fps: FPS, resume: false, video: VIDEO })).rejects.toThrow(/already holds a LeRobot dataset/);
    await expect(new LeRobotWriter().open(out, { fps: FPS + 1, resume: true, video: VIDEO })).rejects.toThrow(/at 15 fps, this export asks for 16 fps/);
    await expect(new LeRobotWriter().open(join(work, "x"), { fps: 12.5, resume: false, video: VIDEO })).rejects.toThrow(/integer fps/);
  });

  it("the self-check fails loudly on a dataset that does not add up", async () => {
    const bad = join(work, "bad");
    cpSync(out, bad, { recursive: true });
    await expect(selfCheckLeRobot(bad)).resolves.toBeDefined();
    // Stats that do not match the data.
    const statsPath = join(bad, "meta/stats.json");
    const stats = JSON.parse(readFileSync(statsPath, "utf8"));
    stats["observation.state"].mean[3] += 0.25;
    writeFileSync(statsPath, JSON.stringify(stats));
    await expect(selfCheckLeRobot(bad)).rejects.toThrow(/meta\/stats.json observation.state differs .*mean\[3\]/);
    // A video that lost its second episode's frames.
    cpSync(join(out, "meta/stats.json"), statsPath);
    const video = join(bad, "videos/observation.images.left_wrist_camera/chunk-000/file-000.mp4");
    execFileSync("ffmpeg", ["-v", "error", "-y", "-i", video, "-frames:v", String(cores[0]!.gridNs.length - 3), "-c", "copy", `${video}.cut.mp4`]);
    cpSync(`${video}.cut.mp4`, video);
    await expect(selfCheckLeRobot(bad)).rejects.toThrow(/observation.images.left_wrist_camera has \d+ video frames in .* parquet rows/);
    // Totals in info.json that do not add up.
    const infoPath = join(bad, "meta/info.json");
    const info = JSON.parse(readFileSync(infoPath, "utf8"));
    info.total_frames += 1;
    writeFileSync(infoPath, JSON.stringify(info));
    await expect(selfCheckLeRobot(bad)).rejects.toThrow(/total_frames/);
  });
});
