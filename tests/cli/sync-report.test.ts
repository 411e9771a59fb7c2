import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../support/cli-child.ts";

describe("teledemo sync-report on a simulated episode", () => {
  const dir = mkdtempSync(join(tmpdir(), "teledemo-syncreport-"));
  let episode = "";
  beforeAll(async () => {
    const r = await runCli(
      ["record", "--source", "sim", "--profile", "reference", "--speed", "max", "--episode-time", "8", "--out", dir, "--min-free", "1MB", "--include", "^/(imu|joint_states|left_wrist/ft|right_wrist/ft|tactile)"],
      180_000,
    );
    expect(r.code, r.stderr).toBe(0);
    episode = join(dir, readdirSync(dir)[0]!);
  }, 200_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("recovers each sensor's clock within 0.5 ms and 5 ppm of the simulator's truth", async () => {
    const r = await runCli(["sync-report", episode, "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as { streams: Array<{ topic: string; segments: number; truth?: { offsetErrorMs: number; driftErrorPpm: number } }> };
    const topics = report.streams.map((s) => s.topic);
    expect(topics).toEqual(expect.arrayContaining(["/imu/data", "/joint_states", "/left_wrist/ft", "/right_wrist/ft", "/tactile/left_gripper/left_pad"]));
    for (const s of report.streams) {
      expect(s.truth, s.topic).toBeDefined();
      expect(s.segments, s.topic).toBe(1);
      expect(Math.abs(s.truth!.offsetErrorMs), `${s.topic} offset error`).toBeLessThan(0.5);
      expect(Math.abs(s.truth!.driftErrorPpm), `${s.topic} drift error`).toBeLessThan(5);
    }
  }, 120_000);

  it("prints a readable table and says what the errors mean", async () => {
    const r = await runCli(["sync-report", episode]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/topic\s+msgs\s+offset ms\s+drift ppm/);
    expect(r.stdout).toMatch(/against the simulator's truth/);
  }, 120_000);

  it("rejects a missing recording and a file that is not MCAP with a clear message", async () => {
    const missing = await runCli(["sync-report", join(dir, "nope")]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot read .*nope: ENOENT/);
    const notMcap = await runCli(["sync-report", "package.json"]);
    expect(notMcap.code).toBe(1);
    expect(notMcap.stderr).toMatch(/package\.json: not a readable indexed MCAP file/);
    expect(notMcap.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);
});
