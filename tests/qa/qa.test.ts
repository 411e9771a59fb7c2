// QA on real simulated episodes: a clean one passes; one recorded with a profile stream
// excluded fails with missing-stream; the report is cached as qa.json and reused.
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { QA_FILE, runQa } from "../../recorder/qa/index.ts";
import { runCli } from "../support/cli-child.ts";
import { simEpisode } from "../support/sim-episode.ts";

const root = mkdtempSync(join(tmpdir(), "qa-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("teledemo qa", () => {
  it("passes a clean episode and caches the report", async () => {
    const dir = join(root, "clean");
    cpSync(await simEpisode({ profile: "small", seconds: 4, seed: 7 }), dir, { recursive: true });
    rmSync(join(dir, QA_FILE), { force: true });
    const r = await runQa(dir);
    expect(r.findings).toEqual([]);
    expect(r.status).toBe("pass");
    expect(existsSync(join(dir, QA_FILE))).toBe(true);
    const again = await runQa(dir);
    expect(again.cached).toBe(true);
    expect(again.status).toBe("pass");
  }, 600_000);

  it("fails an episode recorded without the IMU stream (exit 1, reason named)", async () => {
    const lib = join(root, "lib");
    const rec = await runCli(["record", "--source", "sim", "--profile", "small", "--seed", "7", "--speed", "max", "--out", lib, "--episodes", "1", "--episode-time", "3", "--reset-time", "0.5", "--min-free", "100MB", "--exclude", "^/imu/data$", "--json"], 600_000);
    expect(rec.code, rec.stderr).toBe(0);
    const r = await runCli(["qa", lib, "--json", "--no-cache"], 300_000);
    expect(r.code, r.stderr).toBe(1);
    const out = JSON.parse(r.stdout) as { episodes: Array<{ status: string; findings: Array<{ check: string; topic?: string }> }>; summary: { fail: number } };
    expect(out.summary.fail).toBe(1);
    expect(out.episodes[0]!.findings.some((f) => f.check === "missing-stream" && f.topic === "/imu/data")).toBe(true);
    expect(readdirSync(lib).length).toBe(1);
  }, 900_000);
});
