// `teledemo export` behaviours as a user meets them (real CLI child processes, real simulated
// episodes): --filter on metadata, QA and labels picks exactly the right episodes; --jobs 2 writes
// the same data as --jobs 1; an export killed with SIGKILL mid-run resumes (finished episodes
// skipped, the interrupted one redone, self-check passes); a stream beyond its tolerance flags or
// drops the episode per --on-stale; and a corrupted dataset (a parquet row removed, a video cut
// short) makes the self-check fail loudly.
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, readFileSync, readdirSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openAlignedEpisode } from "../../recorder/aligned/index.ts";
import { saveLabels } from "../../recorder/labels/store.ts";
import { emptyLabelsContent } from "../../recorder/labels/schema.ts";
import { runCli, spawnCli } from "../support/cli-child.ts";
import { simLibrary } from "../support/sim-episode.ts";
import { tempDir } from "../recorder/support.ts";
import { columnFor, isVideo } from "../../export/lerobot/features.ts";
import { hfMetadata, writeParquetFileAtomic, type HfFeature } from "../../export/lerobot/parquet.ts";
import { readInfo } from "../../export/lerobot/layout.ts";
import { selfCheckLeRobot } from "../../export/lerobot/selfcheck.ts";
import { readAllEpisodeRows } from "../../export/lerobot/episodes.ts";
import { h5strings, parquetRows } from "./support.ts";

interface Summary {
  episodes: Array<{ id: string; path: string; status: string; message: string; flags?: string[] }>;
  counts: Record<string, number>;
  selfCheck: string[];
}

function summaryOf(stdout: string): Summary {
  const last = JSON.parse(stdout.trim().split("\n").at(-1)!) as Summary & { kind: string };
  expect(last.kind).toBe("summary");
  return last;
}

const byStatus = (s: Summary, status: string) =>
  s.episodes
    .filter((e) => e.status === status)
    .map((e) => e.id)
    .sort();

async function label(dir: string, decision: "accept" | "reject", outcome: "success" | "failure"): Promise<string> {
  const a = await openAlignedEpisode(dir);
  const id = a.facts.id ?? "";
  const mid = a.startNs + (a.endNs - a.startNs) / 2n;
  const content = emptyLabelsContent("pick up the cube and place it in the bin");
  content.phases = [{ id: "p0", type: outcome === "success" ? "grasp" : "regrasp", startNs: a.startNs.toString(), endNs: mid.toString(), source: "manual" }];
  await a.close();
  content.episode.graspOutcome = outcome;
  content.episode.quality = { decision, reason: decision === "reject" ? "operator hesitated" : "" };
  expect((await saveLabels(dir, { episodeId: id, annotator: "carol", baseRevision: 0, content })).ok).toBe(true);
  return id;
}

describe("teledemo export policies", () => {
  const tmp = tempDir("teledemo-export-policies-");
  let library = "";
  let accepted = ""; // A: labelled accept + success
  let rejected = ""; // B: labelled reject + failure
  let noImu = ""; // C: unlabelled, another task, recorded without /imu/data (QA fails)
  const ids = { a: "", b: "", c: "" };

  beforeAll(async () => {
    const lib = await simLibrary({ episodes: 2 });
    library = join(tmp.dir, "lib");
    cpSync(lib.library, library, { recursive: true });
    [accepted, rejected] = lib.episodes.map((e) => join(library, e.slice(lib.library.length + 1))) as [string, string];
    ids.a = await label(accepted, "accept", "success");
    ids.b = await label(rejected, "reject", "failure");
    const before = new Set(readdirSync(library));
    const rec = await runCli(
      ["record", "--source", "sim", "--profile", "small", "--seed", "9", "--speed", "max", "--out", library, "--task", "stack the blocks", "--episodes", "1", "--episode-time", "3", "--reset-time", "0.5", "--min-free", "100MB", "--exclude", "^/imu/data$", "--json"],
      600_000,
    );
    expect(rec.code, rec.stderr).toBe(0);
    const added = readdirSync(library).filter((n) => !before.has(n) && existsSync(join(library, n, "episode.mcap")));
    expect(added).toHaveLength(1);
    noImu = join(library, added[0]!);
    ids.c = added[0]!;
    const a = await openAlignedEpisode(noImu);
    ids.c = a.facts.id ?? ids.c;
    await a.close();
  }, 900_000);
  afterAll(() => tmp.cleanup());

  it("--filter on labels, QA and recorded metadata selects exactly the matching episodes", async () => {
    const run = async (name: string, filters: string[]) => {
      const r = await runCli(["export", "--format", "hdf5", "--fps", "5", "--on-stale", "flag", "--out", join(tmp.dir, `filter-${name}`), "--json", ...filters.flatMap((f) => ["--filter", f]), library], 600_000);
      expect(r.code, r.stderr).toBe(0);
      const s = summaryOf(r.stdout);
      expect(s.episodes).toHaveLength(3);
      return s;
    };
    const labels = await run("labels", ["quality=accept", "outcome=success", "phase=grasp"]);
    expect(byStatus(labels, "exported")).toEqual([ids.a]);
    expect(byStatus(labels, "filtered")).toEqual([ids.b, ids.c].sort());
    const qa = await run("qa", ["qa=fail"]);
    expect(byStatus(qa, "exported")).toEqual([ids.c]);
    expect(qa.episodes.find((e) => e.id === ids.a)!.message).toMatch(/qa=fail/);
    const meta = await run("meta", ["task!~stack", "quality!=accept"]);
    expect(byStatus(meta, "exported")).toEqual([ids.b]);
    const unlabelled = await run("unlabelled", ["labelled=no", "task~stack"]);
    expect(byStatus(unlabelled, "exported")).toEqual([ids.c]);
    expect(h5strings(join(tmp.dir, "filter-unlabelled", "episode_0.hdf5"), "/episode_id")).toEqual([ids.c]);
  }, 900_000);

  it("--jobs 2 writes the same HDF5 data as --jobs 1", async () => {
    const dump = (dir: string) =>
      readdirSync(dir)
        .filter((n) => n.endsWith(".hdf5"))
        .sort()
        .map((n) => execFileSync("h5dump", ["-m", "%.17g", "-w", "0", join(dir, n)], { encoding: "utf8", maxBuffer: 1 << 30 }).replace(/^HDF5 ".*"/m, ""));
    const outs: string[][] = [];
    for (const jobs of [1, 2]) {
      const out = join(tmp.dir, `jobs${jobs}`);
      const r = await runCli(["export", "--format", "hdf5", "--fps", "5", "--on-stale", "flag", "--jobs", String(jobs), "--hdf5-gzip", "0", "--out", out, library], 600_000);
      expect(r.code, r.stderr).toBe(0);
      outs.push(dump(out));
    }
    expect(outs[0]).toHaveLength(3);
    expect(outs[0]!.every((d) => /observations/.test(d))).toBe(true);
    outs[0]!.forEach((d, i) => expect(outs[1]![i] === d, `episode_${i}.hdf5 differs between --jobs 1 and --jobs 2`).toBe(true));
  }, 900_000);

  describe("LeRobot: SIGKILL mid-export, resume, and a corrupted dataset", () => {
    const out = () => join(tmp.dir, "resume");
    const args = () => ["export", "--format", "lerobot", "--fps", "5", "--vcodec", "h264", "--on-stale", "flag", "--out", out(), "--json", accepted, rejected];

    it("resumes after the export process is killed: finished episodes skipped, the interrupted one redone", async () => {
      const child = spawnCli(args());
      let buffered = "";
      let killedAfter = "";
      await new Promise<void>((resolve) => {
        child.stdout!.on("data", (d: Buffer) => {
          buffered += d.toString("utf8");
          for (const line of buffered.split("\n").slice(0, -1)) {
            const ev = JSON.parse(line) as { kind: string; status?: string; episode?: string };
            if (!killedAfter && ev.kind === "progress" && ev.status === "exported") {
              killedAfter = ev.episode ?? "";
              child.kill("SIGKILL");
            }
          }
          buffered = buffered.slice(buffered.lastIndexOf("\n") + 1);
        });
        child.on("exit", () => resolve());
      });
      expect(killedAfter).toBe(ids.a);
      expect(JSON.parse(readFileSync(join(out(), "meta/info.json"), "utf8")).total_episodes).toBe(1);

      const r = await runCli(args(), 600_000);
      expect(r.code, r.stderr).toBe(0);
      const s = summaryOf(r.stdout);
      expect(byStatus(s, "already-exported")).toEqual([ids.a]);
      expect(byStatus(s, "exported")).toEqual([ids.b]);
      expect(s.selfCheck.join("\n")).toMatch(/ffprobe frame counts per episode span equal parquet rows/);
      const info = readInfo(out());
      expect(info.total_episodes).toBe(2);
      // the resumed run appends its episode to new files after the existing ones (as upstream)
      const eps = await readAllEpisodeRows(out());
      expect(eps.map((e) => e["teledemo/episode_id"]).sort()).toEqual([ids.a, ids.b].sort());
      expect(existsSync(join(out(), ".teledemo-tmp"))).toBe(false);
    }, 900_000);

    it("self-check fails loudly when a data parquet row is removed", async () => {
      const copy = join(tmp.dir, "corrupt-parquet");
      cpSync(out(), copy, { recursive: true });
      const info = readInfo(copy);
      const dataFiles = readdirSync(join(copy, "data/chunk-000")).sort();
      const path = join(copy, "data/chunk-000", dataFiles.at(-1)!);
      const rows = await parquetRows(path);
      // rewrite the file with the same schema and one row (the last frame) fewer
      const columns = Object.entries(info.features).filter(([, f]) => !isVideo(f));
      const specs = columns.map(([k, f]) => columnFor(k, f));
      const hf: Record<string, HfFeature> = Object.fromEntries(columns.map(([k], i) => [k, specs[i]!.hf]));
      const kept = rows.slice(0, -1);
      writeParquetFileAtomic(path, specs.map((c) => c.spec), specs.map((c) => ({ name: c.spec.name, data: kept.map((r) => r[c.spec.name]) })), [hfMetadata(hf)]);
      expect(await parquetRows(path)).toHaveLength(rows.length - 1);
      await expect(selfCheckLeRobot(copy)).rejects.toThrow(/self-check failed/);
      // and through the CLI: a resume that adds nothing still re-checks and exits non-zero
      const r = await runCli(["export", "--format", "lerobot", "--fps", "5", "--out", copy, accepted, rejected], 300_000);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(/self-check failed/);
      expect(r.stderr).not.toMatch(/\n\s+at .*\.ts:\d+/);
    }, 600_000);

    it("self-check fails loudly when a video is cut short", async () => {
      const copy = join(tmp.dir, "corrupt-video");
      cpSync(out(), copy, { recursive: true });
      const info = readInfo(copy);
      const key = Object.keys(info.features).find((k) => isVideo(info.features[k]!))!;
      const dir = join(copy, "videos", key, "chunk-000");
      const file = join(dir, readdirSync(dir).sort()[0]!);
      const frames = Number(execFileSync("ffprobe", ["-v", "error", "-count_frames", "-select_streams", "v:0", "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", file], { encoding: "utf8" }).trim());
      expect(frames).toBeGreaterThan(3);
      const cut = join(dir, "cut.mp4");
      execFileSync("ffmpeg", ["-v", "error", "-y", "-i", file, "-frames:v", String(frames - 3), "-c", "copy", cut]);
      renameSync(cut, file);
      await expect(selfCheckLeRobot(copy)).rejects.toThrow(new RegExp(`self-check failed[\\s\\S]*${key.replace(/\./g, "\\.")}`));
    }, 600_000);
  });

  describe("--on-stale: a stream beyond its tolerance on grid frames", () => {
    // The small rig's tactile pads are read nearest-within-12 ms at 15 fps: some grid frames fall
    // further than that from any pad sample (the skews cycle), so the stream is stale there.
    const mapping = () => {
      const path = join(tmp.dir, "stale-mapping.yaml");
      writeFileSync(
        path,
        [
          "name: stale-test",
          "task: pick up the cube",
          "features:",
          "  observation.state:",
          "    sources: [{ topic: /joint_states, field: position }]",
          "  action:",
          "    sources: [{ topic: /teleop/leader/joint_states, field: position }]",
          "  observation.tactile.left:",
          "    mode: nearest",
          "    tolerance_ms: 12",
          "    shape: [8, 8]",
          "    sources: [{ topic: /tactile/left_gripper/left_pad, field: pressure }]",
          "",
        ].join("\n"),
      );
      return path;
    };

    it("flag keeps the episode with stale:<topic> flags and the frames counted; drop (the default) leaves it out", async () => {
      const m = mapping();
      const flagged = await runCli(["export", "--format", "hdf5", "--fps", "15", "--on-stale", "flag", "--mapping", m, "--out", join(tmp.dir, "stale-flag"), "--json", accepted], 300_000);
      expect(flagged.code, flagged.stderr).toBe(0);
      const s = summaryOf(flagged.stdout);
      expect(s.counts.exported).toBe(1);
      const ep = s.episodes[0]! as Summary["episodes"][number] & { report: Array<{ topic: string; framesBeyondTolerance: number; gaps: unknown[] }> };
      expect(ep.flags).toEqual(["stale:/tactile/left_gripper/left_pad"]);
      const tactile = ep.report.find((r) => r.topic === "/tactile/left_gripper/left_pad")!;
      expect(tactile.framesBeyondTolerance).toBeGreaterThan(0);
      expect(tactile.gaps.length).toBeGreaterThan(0);
      expect(ep.report.find((r) => r.topic === "/joint_states")!.framesBeyondTolerance).toBe(0);
      expect(execFileSync("h5dump", ["-a", "/flags", join(tmp.dir, "stale-flag", "episode_0.hdf5")], { encoding: "utf8" })).toMatch(/stale:\/tactile\/left_gripper\/left_pad/);

      const dropped = await runCli(["export", "--format", "hdf5", "--fps", "15", "--mapping", m, "--out", join(tmp.dir, "stale-drop"), "--json", accepted], 300_000);
      expect(dropped.code, dropped.stderr).toBe(0);
      const d = summaryOf(dropped.stdout);
      expect(d.counts.dropped).toBe(1);
      expect(d.counts.exported).toBe(0);
      expect(d.episodes[0]!.message).toMatch(/\/tactile\/left_gripper\/left_pad \d+ frame\(s\) beyond 12\.0 ms/);
      expect(readdirSync(join(tmp.dir, "stale-drop")).filter((n) => n.endsWith(".hdf5"))).toEqual([]);
    }, 600_000);
  });
});
