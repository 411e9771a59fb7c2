// The recorder flags, at recording time, an episode recorded without a calibration, with a stale
// one, or with one that disagrees with the mounting the rig publishes on /tf_static.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../support/cli-child.ts";
import { tempDir } from "./support.ts";

const tmp = tempDir("teledemo-calqa-");
afterAll(() => tmp.cleanup());

async function recordWith(calibrationYaml: string, name: string): Promise<{ flags: string[]; stderr: string }> {
  const cal = join(tmp.dir, `${name}.yaml`);
  writeFileSync(cal, calibrationYaml);
  const out = join(tmp.dir, name);
  const r = await runCli(["record", "--source", "sim", "--profile", "small", "--speed", "max", "--episode-time", "0.5", "--out", out, "--calibration", cal, "--min-free", "1MB"], 120_000);
  expect(r.code, r.stderr).toBe(0);
  const [episode] = readdirSync(out);
  const sidecar = JSON.parse(readFileSync(join(out, episode!, "episode.json"), "utf8")) as { flags: string[] };
  return { flags: sidecar.flags, stderr: r.stderr };
}

describe("calibration QA while recording", () => {
  const imported = join(tmp.dir, "nominal.yaml");

  it("a current calibration that matches the rig raises no calibration flag", async () => {
    const r = await runCli(["calib", "import", "launch/profiles/small.yaml", "--out", imported]);
    expect(r.code, r.stderr).toBe(0);
    const { flags } = await recordWith(readFileSync(imported, "utf8"), "nominal");
    expect(flags.filter((f) => f.startsWith("calibration"))).toEqual([]);
  }, 180_000);

  it("a stale calibration is flagged", async () => {
    const text = readFileSync(imported, "utf8").replace(/created: \S+/, "created: 2020-01-01T00:00:00.000Z");
    const { flags, stderr } = await recordWith(text, "stale");
    expect(flags).toContain("calibration_stale");
    expect(stderr).toMatch(/calibration/);
  }, 180_000);

  it("a calibration whose head camera is 1 cm off the published mounting is flagged inconsistent", async () => {
    const text = readFileSync(imported, "utf8").replace("translation: [ -0.15, 0, 0.75 ]", "translation: [ -0.14, 0, 0.75 ]");
    expect(text).not.toBe(readFileSync(imported, "utf8"));
    const { flags } = await recordWith(text, "shifted");
    expect(flags).toContain("calibration_inconsistent");
  }, 180_000);
});
