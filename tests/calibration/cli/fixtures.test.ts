// `teledemo calib check` on every file in ../shared/fixtures/ (bags written by real ROS 2
// tools, none of which carries a calibration): a non-zero exit with a clear statement of what is
// missing, never a stack trace.
import { readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import type { CheckReport } from "../../../launch/cli/calib/check.ts";
import { FIXTURES, runCli, runInProcess, STACK_TRACE } from "./support.ts";

function filesUnder(dir: string): string[] {
  return readdirSync(dir)
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? filesUnder(path) : [path];
    })
    .sort();
}

const files = filesUnder(FIXTURES);
const recordings = files.filter((f) => f.endsWith(".mcap") || f.endsWith("metadata.yaml"));

describe("teledemo calib check on ../shared/fixtures", () => {
  it("finds the fixtures", () => {
    expect(recordings.length).toBeGreaterThanOrEqual(12);
  });

  it.each(recordings.map((f) => [relative(FIXTURES, f), f]))("%s: exits 1 and says what is missing", async (_name, file) => {
    const r = await runInProcess(["calib", "check", file]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/^missing\s+calibration, \/tf_static, camera_info/m);
    expect(r.stdout).toMatch(/no calibration recorded/);
    expect(r.stdout).toMatch(/no \/tf_static/);
    expect(r.stdout).toMatch(/result\s+FAIL/);
    expect(r.stdout + r.stderr).not.toMatch(STACK_TRACE);
    const json = await runInProcess(["calib", "check", file, "--json"]);
    expect(json.code).toBe(1);
    const report = JSON.parse(json.stdout) as CheckReport;
    expect(report.ok).toBe(false);
    expect(report.missing).toEqual(expect.arrayContaining(["calibration", "/tf_static", "camera_info"]));
  });

  it("a split bag folder and the README as child processes; a truncated file; an IMU-only bag", async () => {
    const [bag, readme, truncated, imu] = await Promise.all([
      runCli(["calib", "check", join(FIXTURES, "rosbag2/wbag")]),
      runCli(["calib", "check", join(FIXTURES, "README.md")]),
      runInProcess(["calib", "check", join(FIXTURES, "truncated/test_sample_truncated.mcap")]),
      runInProcess(["calib", "check", join(FIXTURES, "rosbag2/array_msgs_0.mcap"), "--json"]),
    ]);
    expect(bag.code).toBe(1);
    expect(bag.stdout).toMatch(/\(bag\)/);
    expect(bag.stdout).toMatch(/missing\s+calibration, \/tf_static, camera_info, sensor frames/);
    expect(truncated.code).toBe(1);
    expect(truncated.stdout).toMatch(/the recording is truncated: only its complete records were read/);
    expect(imu.code).toBe(1);
    const report = JSON.parse(imu.stdout) as CheckReport;
    // The IMU's frame is named but nothing connects it to base_link.
    expect(report.frames!.sensorTopics).toEqual([{ topic: "/one_shot/imu", frame: "imu_link", reachable: false }]);
    expect(report.findings.map((f) => f.code)).toContain("sensor_frame_unreachable");
    expect(readme.code).toBe(2);
    expect(readme.stderr).toMatch(/README\.md: not a calibration/);
    for (const r of [bag, truncated, imu, readme]) expect(r.stdout + r.stderr).not.toMatch(STACK_TRACE);
  });

  it("import and show refuse a bag without calibration (exit 2, naming the file)", async () => {
    const file = join(FIXTURES, "rosbag2/base_msgs_0.mcap");
    for (const sub of ["import", "show"]) {
      const r = await runInProcess(["calib", sub, file]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`${file}: no calibration in it`);
    }
  });
});
