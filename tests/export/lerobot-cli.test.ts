// `teledemo export --format lerobot` end to end, as a user runs it (a real child process): a
// labelled simulated library with --jobs 2, the dataset read back with hyparquet, and a second
// run that resumes (skips both).
import { cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { asyncBufferFromFile, parquetReadObjects } from "hyparquet";
import { simLibrary } from "../support/sim-episode.ts";
import { runCli } from "../support/cli-child.ts";
import { openAlignedEpisode } from "../../recorder/aligned/reader.ts";
import { saveLabels } from "../../recorder/labels/store.ts";
import { emptyLabelsContent } from "../../recorder/labels/schema.ts";

type Row = Record<string, unknown>;
const rows = async (path: string) => (await parquetReadObjects({ file: await asyncBufferFromFile(path) })) as Row[];

// The export command is written in parallel (launch/cli/export.ts); until it is registered in
// this checkout there is nothing to run end to end (tests/export/lerobot.test.ts covers the writer).

let work: string;
let library: string;

beforeAll(async () => {
  const lib = await simLibrary({ profile: "small", episodes: 2 });
  work = mkdtempSync(join(tmpdir(), "teledemo-lerobot-cli-"));
  library = join(work, "library");
  cpSync(lib.library, library, { recursive: true });
  // Label the first episode only: the second exports with no subtask rows.
  const dir = lib.episodes.map((e) => join(library, e.slice(lib.library.length + 1)))[0]!;
  const a = await openAlignedEpisode(dir);
  const mid = a.startNs + (a.endNs - a.startNs) / 2n;
  const id = a.facts.id ?? "";
  await a.close();
  const content = emptyLabelsContent("put the cube in the bin");
  content.phases = [
    { id: "p0", type: "approach", startNs: a.startNs.toString(), endNs: mid.toString(), source: "manual" },
    { id: "p1", type: "grasp", startNs: (mid + 1n).toString(), endNs: a.endNs.toString(), source: "manual" },
  ];
  content.episode.graspOutcome = "failure";
  content.episode.failureModes = ["slip"];
  expect((await saveLabels(dir, { episodeId: id, annotator: "bob", baseRevision: 0, content })).ok).toBe(true);
}, 300_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("teledemo export --format lerobot", () => {
  it("exports a labelled library with --jobs 2, self-checks, and resumes", async () => {
    const out = join(work, "ds");
    const r = await runCli(["export", "--format", "lerobot", "--fps", "10", "--jobs", "2", "--on-stale", "flag", "--out", out, "--json", library], 600_000);
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout.trim().split("\n").at(-1)!);
    expect(summary.kind).toBe("summary");
    expect(summary.counts.exported).toBe(2);
    expect(summary.selfCheck.join("\n")).toMatch(/ffprobe frame counts per episode span equal parquet rows/);

    const info = JSON.parse(readFileSync(join(out, "meta/info.json"), "utf8"));
    expect(info).toMatchObject({ codebase_version: "v3.0", fps: 10, total_episodes: 2, total_tasks: 2 });
    const eps = await rows(join(out, "meta/episodes/chunk-000/file-000.parquet"));
    const labelled = eps.find((e) => e["teledemo/grasp_outcome"] === "failure")!;
    expect(labelled["teledemo/failure_modes"]).toEqual(["slip"]);
    expect(labelled.tasks).toEqual(["put the cube in the bin"]);
    const data = await rows(join(out, "data/chunk-000/file-000.parquet"));
    const frames = data.filter((d) => d.episode_index === labelled.episode_index);
    const lp = frames[0]!.language_persistent as Row[];
    expect(lp.map((x) => [x.content, x.style])).toEqual([
      ["approach", "subtask"],
      ["grasp", "subtask"],
    ]);
    const other = data.find((d) => d.episode_index !== labelled.episode_index)!;
    expect(other.language_persistent).toEqual([]);

    const again = await runCli(["export", "--format", "lerobot", "--fps", "10", "--out", out, "--json", library], 600_000);
    expect(again.code, again.stderr).toBe(0);
    const s2 = JSON.parse(again.stdout.trim().split("\n").at(-1)!);
    expect(s2.counts.exported).toBe(0);
    expect(s2.counts["already-exported"]).toBe(2);
    expect(JSON.parse(readFileSync(join(out, "meta/info.json"), "utf8")).total_episodes).toBe(2);
  }, 900_000);
});
