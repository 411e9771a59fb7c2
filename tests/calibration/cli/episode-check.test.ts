// `teledemo calib` on a real simulated episode: recorded with `teledemo record` (small profile,
// max speed), it carries its calibration and `calib check` passes; the same episode checked
// against a calibration whose head camera is shifted by 1 cm and 0.5° fails, both through
// --reference and through --calibration (truth reprojection and LiDAR-vs-depth).
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  calibrationFromRigData,
  composeTransforms,
  makeTransform,
  parseCalibration,
  rotvecToQuat,
  serializeCalibrationYaml,
  type RigCalibration,
} from "../../../calibration/index.ts";
import { loadRigProfile } from "../../../nodes/rig/profile.ts";
import { robotUrdf } from "../../../nodes/sim/world/index.ts";
import { checkRecording, type CheckReport } from "../../../launch/cli/calib/check.ts";
import { readRecording } from "../../../launch/cli/calib/recording.ts";
import { recordSmallEpisode, runCli, runInProcess, STACK_TRACE, tempDir } from "./support.ts";

const tmp = tempDir("teledemo-calib-episode-");
let episode = "";
/** Recorded with `record --calibration` naming a calibration whose head camera is 1 cm / 0.5° off. */
let miscalibrated = "";
let imported: RigCalibration;

beforeAll(async () => {
  const nominal = calibrationFromRigData(loadRigProfile("launch/profiles/small.yaml"), { created: new Date().toISOString() });
  const wrong = writeCal("recorded-wrong.yaml", shifted(nominal, "head_camera_link", [0, 0.01, 0], [0, 0, 1], 0.5));
  [episode, miscalibrated] = await Promise.all([
    recordSmallEpisode(join(tmp.dir, "lib")),
    recordSmallEpisode(join(tmp.dir, "lib-wrong"), 1.5, ["--calibration", wrong]),
  ]);
  const r = await runInProcess(["calib", "import", episode, "--out", join(tmp.dir, "episode-cal.yaml")]);
  expect(r.code, r.stderr).toBe(0);
  imported = parseCalibration(readFileSync(join(tmp.dir, "episode-cal.yaml"), "utf8"));
}, 60_000);
afterAll(() => tmp.cleanup());

/** The calibration with `child`'s extrinsic moved by `offset` (m, in its own frame) and `deg` about `axis`. */
function shifted(cal: RigCalibration, child: string, offset: [number, number, number], axis: [number, number, number], deg: number): RigCalibration {
  const copy = parseCalibration(serializeCalibrationYaml(cal));
  const e = copy.extrinsics.find((x) => x.child === child)!;
  const n = Math.hypot(...axis);
  const delta = makeTransform(offset, rotvecToQuat(axis.map((a) => (a / n) * ((deg * Math.PI) / 180))));
  const moved = composeTransforms(e, delta);
  e.translation = moved.translation;
  e.rotation = moved.rotation;
  copy.provenance.id = `${child}-shifted`;
  return copy;
}

function writeCal(name: string, cal: RigCalibration): string {
  const path = join(tmp.dir, name);
  writeFileSync(path, serializeCalibrationYaml(cal));
  return path;
}

describe("teledemo calib check on a simulated episode", () => {
  it("passes: calibration carried, frames reachable, camera_info consistent, LiDAR lands where the truth puts it", async () => {
    const r = await runCli(["calib", "check", episode, "--json"]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as CheckReport;
    expect(report.ok).toBe(true);
    expect(report.missing).toEqual([]);
    expect(report.calibration?.source).toMatch(/calibration\.yaml attachment/);
    expect(report.findings.filter((f) => f.severity === "error")).toEqual([]);
    expect(report.findings.map((f) => f.code)).not.toContain("calibration_sources_disagree");
    // Every sensor frame, the wrist cameras and imu on the moving flanges included.
    const frames = report.frames!.sensorTopics;
    expect(frames.length).toBeGreaterThanOrEqual(14);
    expect(frames.every((f) => f.reachable)).toBe(true);
    expect(frames.map((f) => f.frame)).toEqual(expect.arrayContaining(["left_wrist_camera_optical_frame", "imu_link", "lidar_link"]));
    expect(report.cameraInfo!.map((c) => c.camera).sort()).toEqual(["head_camera_color", "head_camera_depth", "left_wrist_camera", "right_wrist_camera"]);
    // Ground truth: the episode's calibration is the simulator's, so LiDAR points land exactly.
    const truth = report.truth as Exclude<CheckReport["truth"], { skipped: string } | undefined>;
    expect(truth.profile).toBe("small");
    expect(truth.cameras.map((c) => c.camera).sort()).toEqual(["head_camera_color", "head_camera_depth", "left_wrist_camera", "right_wrist_camera"]);
    for (const c of truth.cameras) {
      expect(c.method).toBe("lidar");
      expect(c.stats.count, c.camera).toBeGreaterThan(50);
      expect(c.stats.rms, c.camera).toBeLessThan(0.01);
    }
    // Data-driven: LiDAR depth vs the depth image at the same pixels.
    const depth = report.depth as Exclude<CheckReport["depth"], { skipped: string } | undefined>;
    expect(depth).toHaveLength(1);
    expect(depth[0]!.camera).toBe("head_camera_depth");
    expect(depth[0]!.points).toBeGreaterThan(300);
    expect(depth[0]!.medianAbsMm).toBeLessThan(3);
    expect(depth[0]!.pass).toBe(true);
    expect(report.age!.days).toBeLessThan(0.01);

    const text = await runInProcess(["calib", "check", episode]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/result\s+PASS/);
    expect(text.stdout).toMatch(/head_camera_color\s+rms 0\.000 px/);
  });

  it("catches a head camera shifted by 1 cm and 0.5° given as --reference", async () => {
    const path = writeCal("shifted-ref.yaml", shifted(imported, "head_camera_link", [0.01, 0, 0], [0, 1, 0], 0.5));
    const r = await runInProcess(["calib", "check", episode, "--reference", path, "--json"]);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as CheckReport;
    const errors = report.findings.filter((f) => f.severity === "error");
    expect(errors.map((f) => f.code)).toEqual(["extrinsic_changed"]);
    expect(errors[0]!.subject).toBe("head_camera_link");
    const diff = report.reference!.comparison.extrinsics.find((e) => e.child === "head_camera_link")!;
    expect(diff.translationMm).toBeCloseTo(10, 1);
    expect(diff.rotationDeg).toBeCloseTo(0.5, 3);
    const text = await runInProcess(["calib", "check", episode, "--reference", path]);
    expect(text.stdout).toMatch(/head_camera_link moved by 10\.00 mm and 0\.500°/);
    expect(text.stdout).toMatch(/result\s+FAIL/);
  });

  it("catches it as the calibration to check the episode against: truth reprojection and LiDAR vs depth", async () => {
    // Shift along the camera's viewing direction (head_camera_link x) and tilt it.
    const path = writeCal("shifted.yaml", shifted(imported, "head_camera_link", [0.01, 0, 0], [0, 1, 0], 0.5));
    const r = await runInProcess(["calib", "check", episode, "--calibration", path, "--json"]);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as CheckReport;
    const truth = report.truth as Exclude<CheckReport["truth"], { skipped: string } | undefined>;
    const byCam = new Map(truth.cameras.map((c) => [c.camera, c]));
    expect(byCam.get("head_camera_color")!.pass).toBe(false);
    expect(byCam.get("head_camera_color")!.stats.rms).toBeGreaterThan(1);
    expect(byCam.get("head_camera_depth")!.pass).toBe(false);
    // The wrist cameras' extrinsics were not touched.
    expect(byCam.get("left_wrist_camera")!.stats.rms).toBeLessThan(0.01);
    const depth = report.depth as Exclude<CheckReport["depth"], { skipped: string } | undefined>;
    expect(depth[0]!.pass).toBe(false);
    expect(depth[0]!.medianAbsMm).toBeGreaterThan(5);
    const codes = report.findings.filter((f) => f.severity === "error").map((f) => f.code);
    expect(codes).toEqual(expect.arrayContaining(["reprojection_error", "depth_disagreement", "tf_static_mismatch"]));
    expect(r.stderr).toBe("");
  });

  it("catches shifts in other directions through the truth reprojection (and mostly through depth)", async () => {
    const cases: Array<[[number, number, number], [number, number, number]]> = [
      [[0, 0.01, 0], [0, 0, 1]],
      [[0, 0, 0.01], [1, 0, 0]],
      [[0.00577, 0.00577, 0.00577], [1, 1, 1]],
    ];
    for (const [i, [offset, axis]] of cases.entries()) {
      const path = writeCal(`shifted-${i}.yaml`, shifted(imported, "head_camera_link", offset, axis, 0.5));
      const r = await runInProcess(["calib", "check", episode, "--calibration", path, "--json"]);
      expect(r.code, `case ${i}`).toBe(1);
      const report = JSON.parse(r.stdout) as CheckReport;
      const truth = report.truth as Exclude<CheckReport["truth"], { skipped: string } | undefined>;
      expect(truth.cameras.find((c) => c.camera === "head_camera_color")!.stats.rms, `case ${i}`).toBeGreaterThan(1.2);
    }
  });

  it("an episode recorded with a wrong calibration in force fails; checked against the right one it passes", async () => {
    const r = await runInProcess(["calib", "check", miscalibrated, "--json"]);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as CheckReport;
    expect(report.calibration!.id).toBe("head_camera_link-shifted");
    const errors = report.findings.filter((f) => f.severity === "error");
    expect(errors.find((f) => f.code === "tf_static_mismatch")?.subject).toBe("head_camera_link");
    expect(errors.filter((f) => f.code === "reprojection_error").map((f) => f.subject).sort()).toEqual(["head_camera_color", "head_camera_depth"]);
    const fixed = await runInProcess(["calib", "check", miscalibrated, "--calibration", join(tmp.dir, "episode-cal.yaml")]);
    expect(fixed.code, fixed.stdout).toBe(0);
  });

  it("without LiDAR the truth check projects a pixel grid instead, wrist cameras included", async () => {
    const data = await readRecording(episode);
    data.lidar = [];
    const options = { maxAgeDays: 90, maxReprojectionPx: 1, maxDepthMedianM: 0.005, maxDepthP90M: 0.015, truthOfProfile: () => calibrationFromRigData(loadRigProfile("launch/profiles/small.yaml")) };
    const good = checkRecording({ data }, options);
    expect(good.ok).toBe(true);
    expect(good.depth).toEqual({ skipped: "no LiDAR (sensor_msgs/PointCloud2) in the recording" });
    const truth = good.truth as Exclude<CheckReport["truth"], { skipped: string } | undefined>;
    expect(truth.cameras.map((c) => [c.camera, c.method])).toEqual([
      ["head_camera_color", "pixel-grid"],
      ["head_camera_depth", "pixel-grid"],
      ["left_wrist_camera", "pixel-grid"],
      ["right_wrist_camera", "pixel-grid"],
    ]);
    const bad = checkRecording({ data, override: { path: "shifted", calibration: shifted(imported, "left_wrist_camera_link", [0.02, 0, 0], [1, 0, 0], 1) } }, options);
    expect(bad.ok).toBe(false);
    const badTruth = bad.truth as Exclude<CheckReport["truth"], { skipped: string } | undefined>;
    expect(badTruth.cameras.find((c) => c.camera === "left_wrist_camera")!.stats.rms).toBeGreaterThan(1);
    expect(badTruth.cameras.find((c) => c.camera === "head_camera_color")!.stats.rms).toBeLessThan(1e-6);
  });

  it("checks a whole library, one line per episode", async () => {
    const good = await runInProcess(["calib", "check", join(tmp.dir, "lib")]);
    expect(good.code, good.stdout).toBe(0);
    expect(good.stdout).toMatch(/PASS\s+0/);
    const bad = await runInProcess(["calib", "check", join(tmp.dir, "lib-wrong"), "--json"]);
    expect(bad.code).toBe(1);
    const report = JSON.parse(bad.stdout) as { kind: string; ok: boolean; episodes: CheckReport[] };
    expect(report.kind).toBe("library");
    expect(report.episodes).toHaveLength(1);
    expect(report.episodes[0]!.ok).toBe(false);
  });

  it("time offsets stated by a calibration are checked against the simulator's clocks", async () => {
    const good = parseCalibration(serializeCalibrationYaml(imported));
    good.timeOffsetsNs = { head_camera: 23_500_000n, lidar: -8_400_000n };
    expect((await runInProcess(["calib", "check", episode, "--calibration", writeCal("offsets-good.yaml", good)])).code).toBe(0);
    const bad = parseCalibration(serializeCalibrationYaml(good));
    bad.timeOffsetsNs.head_camera = 30_000_000n;
    const r = await runInProcess(["calib", "check", episode, "--calibration", writeCal("offsets-bad.yaml", bad)]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/time offset of head_camera: the calibration says 30\.00 ms, the simulator's clock is offset by 23\.50 ms/);
  });

  it("flags a calibration too old when the episode was recorded, and one whose camera_info disagrees", async () => {
    const old = parseCalibration(serializeCalibrationYaml(imported));
    old.provenance.created = new Date(Date.now() - 200 * 86_400_000).toISOString();
    const oldPath = writeCal("old.yaml", old);
    const stale = await runInProcess(["calib", "check", episode, "--calibration", oldPath, "--max-age-days", "30", "--json"]);
    expect(stale.code).toBe(1);
    const staleReport = JSON.parse(stale.stdout) as CheckReport;
    expect(staleReport.findings.filter((f) => f.severity === "error").map((f) => f.code)).toEqual(["stale"]);
    expect(staleReport.age!.at).toBe("recording");
    expect(staleReport.age!.days).toBeGreaterThan(199);

    const wrongK = parseCalibration(serializeCalibrationYaml(imported));
    wrongK.cameras.find((c) => c.name === "left_wrist_camera")!.K[0]! += 3;
    const kPath = writeCal("wrong-k.yaml", wrongK);
    const k = await runInProcess(["calib", "check", episode, "--calibration", kPath]);
    expect(k.code).toBe(1);
    expect(k.stdout).toMatch(/camera left_wrist_camera: recorded CameraInfo disagrees with the calibration: K differs by up to 3\.00/);
  });

  it("a calibration file alone: wrist frames need the robot's joints, which --urdf provides", async () => {
    const cal = join(tmp.dir, "episode-cal.yaml");
    const alone = await runInProcess(["calib", "check", cal, "--json"]);
    expect(alone.code).toBe(0);
    expect((JSON.parse(alone.stdout) as CheckReport).findings.map((f) => f.code)).toContain("unreachable_frame");
    const profile = loadRigProfile("launch/profiles/small.yaml");
    const urdf = join(tmp.dir, "robot.urdf");
    writeFileSync(urdf, robotUrdf({ staticFrames: profile.static_frames }));
    const withUrdf = await runInProcess(["calib", "check", cal, "--urdf", urdf, "--json"]);
    expect(withUrdf.code).toBe(0);
    const report = JSON.parse(withUrdf.stdout) as CheckReport;
    expect(report.findings.filter((f) => f.severity !== "info")).toEqual([]);
  });
});

describe("teledemo calib import / show on an episode", () => {
  it("round-trips: episode → YAML → YAML is byte-identical; the channels and the YAML attachment agree", async () => {
    const a = join(tmp.dir, "episode-cal.yaml");
    const b = join(tmp.dir, "again.yaml");
    const r = await runInProcess(["calib", "import", a, "--out", b]);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(b, "utf8")).toBe(readFileSync(a, "utf8"));
    expect(imported.cameras).toHaveLength(4);
    expect(imported.extrinsics).toHaveLength(13);
    // What /tf_static + camera_info say equals what the recorder embedded.
    const topics = await runInProcess(["calib", "import", episode, "--from-topics", "--json"]);
    expect(topics.code).toBe(0);
    const fromTopics = parseCalibration(topics.stdout);
    for (const cam of imported.cameras) {
      const t = fromTopics.cameras.find((c) => c.frame === cam.frame)!;
      expect(t.K).toEqual(cam.K);
      expect(t.D).toEqual(cam.D);
    }
    for (const e of imported.extrinsics) {
      const t = fromTopics.extrinsics.find((x) => x.child === e.child)!;
      for (let i = 0; i < 3; i++) expect(t.translation[i]).toBeCloseTo(e.translation[i]!, 9);
    }
  });

  it("shows cameras, frame tree, provenance and age, as text and JSON", async () => {
    const text = await runInProcess(["calib", "show", episode]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/head_camera_color\s+head_camera_color_optical_frame\s+160×120\s+151\.05\s+150\.95\s+79\.28\s+59\.95\s+plumb_bob/);
    expect(text.stdout).toMatch(/frame tree \(13 transforms/);
    expect(text.stdout).toMatch(/not connected to base_link; a moving joint must provide left_flange/);
    expect(text.stdout).toMatch(/method\s+rig-profile/);
    expect(text.stdout).not.toMatch(STACK_TRACE);
    const json = await runInProcess(["calib", "show", episode, "--json"]);
    const doc = JSON.parse(json.stdout) as { kind: string; source: string; age_days: number; calibration: { cameras: unknown[] } };
    expect(doc.kind).toBe("recording");
    expect(doc.source).toMatch(/attachment/);
    expect(doc.age_days).toBeLessThan(0.1);
    expect(doc.calibration.cameras).toHaveLength(4);
  });
});
