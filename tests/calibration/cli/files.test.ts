// `teledemo calib import|show|handeye|intrinsics` on files: ost.yaml, URDF, rig profiles and
// calibration documents round-trip; the solvers run from JSON pose/corner files; bad input exits
// 2 with a message that names the file.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  makeTransform,
  parseCalibration,
  pinholeCamera,
  quatToRpy,
  readOstYaml,
  rotationDifference,
  serializeCalibrationYaml,
  translationDifference,
  writeOstYaml,
  writeUrdf,
} from "../../../calibration/index.ts";
import { synthesizeHandEye } from "../support/hand-eye-scene.ts";
import { sampleCalibration } from "../support/sample.ts";
import { synthesizeBoardViews } from "../support/synthetic.ts";
import { runCli, runInProcess, STACK_TRACE, tempDir } from "./support.ts";

const tmp = tempDir("teledemo-calib-files-");
afterAll(() => tmp.cleanup());
const file = (name: string, text: string): string => {
  const path = join(tmp.dir, name);
  writeFileSync(path, text);
  return path;
};
const DEG = 180 / Math.PI;

describe("teledemo calib import / show", () => {
  it("ost.yaml → calibration → show; the camera survives exactly", async () => {
    const cam = sampleCalibration().cameras[0]!;
    const ost = file("wrist.yaml", writeOstYaml(cam, "wrist_cam"));
    const out = join(tmp.dir, "from-ost.yaml");
    const r = await runInProcess(["calib", "import", ost, "--frame", "wrist_optical", "--out", out]);
    expect(r.code, r.stderr).toBe(0);
    const cal = parseCalibration(readFileSync(out, "utf8"));
    expect(cal.cameras).toEqual([{ ...cam, name: "wrist_cam" }]);
    expect(cal.provenance.method).toBe("ost.yaml");
    const show = await runInProcess(["calib", "show", out]);
    expect(show.stdout).toMatch(/wrist_cam\s+wrist_optical\s+640×480\s+388\.50\s+388\.10\s+321\.20\s+238\.70\s+plumb_bob\s+\[-0\.046, 0\.032, 0\.0002, 0\.0001, -0\.006\]/);
    // Without --frame the frame is derived and the user is told.
    const noFrame = await runInProcess(["calib", "import", ost]);
    expect(noFrame.stderr).toMatch(/ost\.yaml names no frame; using wrist_cam_optical_frame/);
  });

  it("URDF + ost.yaml merge into one calibration; a teledemo document re-imports byte-identically", async () => {
    const sample = sampleCalibration();
    const urdf = file("rig.urdf", writeUrdf("rig", sample.extrinsics));
    const ost = file("head.yaml", writeOstYaml(sample.cameras[1]!));
    const out = join(tmp.dir, "merged.yaml");
    const r = await runInProcess(["calib", "import", urdf, ost, "--frame", "head_optical", "--out", out, "--json"]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ cameras: 1, extrinsics: 3 });
    const cal = parseCalibration(readFileSync(out, "utf8"));
    for (const e of sample.extrinsics) {
      const got = cal.extrinsics.find((x) => x.child === e.child)!;
      expect(translationDifference(got, e)).toBeLessThan(1e-12);
      expect(rotationDifference(got, e)).toBeLessThan(1e-9);
    }
    expect(cal.cameras[0]!.K).toEqual(sample.cameras[1]!.K);
    const again = join(tmp.dir, "merged-again.yaml");
    expect((await runInProcess(["calib", "import", out, "--out", again])).code).toBe(0);
    expect(readFileSync(again, "utf8")).toBe(readFileSync(out, "utf8"));
    // And JSON output parses back to the same calibration.
    const json = await runInProcess(["calib", "import", out, "--json"]);
    expect(serializeCalibrationYaml(parseCalibration(json.stdout))).toBe(readFileSync(out, "utf8"));
  });

  it("a rig profile imports as its nominal calibration", async () => {
    const r = await runInProcess(["calib", "import", "launch/profiles/small.yaml", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const cal = parseCalibration(r.stdout);
    expect(cal.cameras.map((c) => c.name).sort()).toEqual(["head_camera_color", "head_camera_depth", "left_wrist_camera", "right_wrist_camera"]);
    expect(cal.extrinsics).toHaveLength(13);
    const head = cal.extrinsics.find((e) => e.child === "head_camera_link")!;
    expect(quatToRpy(head.rotation)[1]).toBeCloseTo(0.9, 12);
  });

  it("checks a standalone calibration's age against --max-age-days", async () => {
    const old = sampleCalibration(); // created 2025-03-04
    const path = file("old.yaml", serializeCalibrationYaml(old));
    const r = await runInProcess(["calib", "check", path, "--max-age-days", "30"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/ERROR\s+calibration cal-001 is \d+\.\d days old \(limit 30\)/);
    const fresh = sampleCalibration();
    fresh.provenance.created = new Date().toISOString();
    expect((await runInProcess(["calib", "check", file("fresh.yaml", serializeCalibrationYaml(fresh))])).code).toBe(0);
  });
});

describe("bad input: exit 2, the file named, no stack trace", () => {
  it("missing file, corrupt YAML, a non-calibration document, wrong options", async () => {
    const corrupt = file("corrupt.yaml", "schema: teledemo/calibration\ncameras: [1, 2\n");
    const invalid = file("invalid.yaml", "schema: teledemo/calibration\nschema_version: 1\nprovenance: {id: x, created: yesterday, method: m}\n");
    const other = file("other.yaml", "hello: world\n");
    const missing = join(tmp.dir, "nope.yaml");
    // Two as real child processes (what a user sees), the rest in-process through the same main().
    const runs = await Promise.all([
      runCli(["calib", "check", missing]),
      runCli(["calib", "show", corrupt]),
      runInProcess(["calib", "import", invalid]),
      runInProcess(["calib", "check", other]),
      runInProcess(["calib", "check", missing, "--max-age-days", "soon"]),
      runInProcess(["calib", "frobnicate"]),
    ]);
    const [m, c, inv, o, opt, sub] = runs;
    for (const r of runs) {
      expect(r.code).toBe(2);
      expect(r.stdout + r.stderr).not.toMatch(STACK_TRACE);
    }
    expect(m!.stderr).toContain(`${missing}: no such file or directory`);
    expect(c!.stderr).toContain(`${corrupt}: not valid YAML/JSON`);
    expect(inv!.stderr).toContain(`${invalid}: provenance.created: an ISO-8601 time`);
    expect(o!.stderr).toContain(`${other}: not a calibration`);
    expect(opt!.stderr).toMatch(/--max-age-days must be a valid number/);
    expect(sub!.stderr).toMatch(/unknown subcommand "frobnicate"/);
  });

  it("a corrupt MCAP, a bad --reference, a bad pose file", async () => {
    const notMcap = file("broken.mcap", "this is not an mcap file at all");
    const r1 = await runInProcess(["calib", "check", notMcap]);
    expect(r1.code).toBe(2);
    expect(r1.stderr).toContain(`${notMcap} is not an MCAP file`);
    const ok = file("ok.yaml", serializeCalibrationYaml({ ...sampleCalibration(), provenance: { ...sampleCalibration().provenance, created: new Date().toISOString() } }));
    const r2 = await runInProcess(["calib", "check", ok, "--reference", join(tmp.dir, "missing-ref.yaml")]);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toContain("missing-ref.yaml: no such file or directory");
    const poses = file("poses.json", JSON.stringify([{ robot: { translation: [0, 0, 0] }, target: {} }]));
    const r3 = await runInProcess(["calib", "handeye", "--poses", poses]);
    expect(r3.code).toBe(2);
    expect(r3.stderr).toContain(`${poses}: pairs[0].robot: a pose needs translation + rotation`);
  });
});

describe("teledemo calib handeye", () => {
  const pose = (t: { translation: ArrayLike<number>; rotation: ArrayLike<number> }) => ({ translation: Array.from(t.translation), rotation: Array.from(t.rotation) });

  it("recovers X from 20 noisy stations (eye-in-hand), prints residuals, writes a calibration", async () => {
    const scene = synthesizeHandEye("eye_in_hand", 20, 1, { robotDeg: 0.05, robotMm: 0.5, targetDeg: 0.1, targetMm: 1 });
    const poses = file("he.json", JSON.stringify({ pairs: scene.robotPoses.map((r, i) => ({ robot: pose(r), target: pose(scene.targetPoses[i]!) })) }));
    const out = join(tmp.dir, "he-cal.yaml");
    const r = await runInProcess(["calib", "handeye", "--poses", poses, "--parent", "right_flange", "--child", "right_wrist_camera_optical_frame", "--out", out, "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const res = JSON.parse(r.stdout) as { X: { translation: number[]; rotation: number[] }; warnings: unknown[]; residuals: { stationRmsTranslationMm: number } };
    const X = makeTransform(res.X.translation, res.X.rotation);
    expect(rotationDifference(X, scene.X) * DEG).toBeLessThan(0.1);
    expect(translationDifference(X, scene.X) * 1000).toBeLessThan(1);
    expect(res.warnings).toEqual([]);
    expect(res.residuals.stationRmsTranslationMm).toBeGreaterThan(0);
    const cal = parseCalibration(readFileSync(out, "utf8"));
    expect(cal.extrinsics.map((e) => [e.parent, e.child])).toEqual([["right_flange", "right_wrist_camera_optical_frame"]]);
    expect(cal.provenance.method).toBe("park-martin+lm");
    expect(cal.provenance.residuals.station_rms_mm).toBeGreaterThan(0);
    const text = await runInProcess(["calib", "handeye", "--poses", poses]);
    expect(text.stdout).toMatch(/X = tool0_T_camera_optical_frame\s+xyz \[0\.07\d*, /);
    expect(text.stdout).toMatch(/residuals\s+per station/);
  });

  it("warns when the motions rotate about one axis only (eye-to-hand)", async () => {
    const scene = synthesizeHandEye("eye_to_hand", 12, 2, { robotDeg: 0.05, robotMm: 0.5, targetDeg: 0.1, targetMm: 1 }, true);
    const poses = file("he-degenerate.json", JSON.stringify(scene.robotPoses.map((r, i) => ({ robot: pose(r), target: pose(scene.targetPoses[i]!) }))));
    const r = await runInProcess(["calib", "handeye", "--poses", poses, "--setup", "eye_to_hand"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/warning\s+/);
    expect(r.stdout).not.toMatch(/warnings\s+none/);
  });
});

describe("teledemo calib intrinsics", () => {
  const TRUTH = pinholeCamera({ name: "wrist", frame: "wrist_optical", width: 640, height: 480, fx: 600, fy: 605, cx: 322, cy: 237, D: [-0.12, 0.08, 0.0008, -0.0005, -0.02] });

  it("Zhang from corner sets: within 0.5% of the truth, RMS ≈ the noise, writes ost.yaml", async () => {
    const scene = synthesizeBoardViews(TRUTH, 15, 7, 0.2);
    const corners = file("corners.json", JSON.stringify({ views: scene.views.map((v) => ({ object_points: v.objectPoints, image_points: v.imagePoints })) }));
    const out = join(tmp.dir, "wrist-ost.yaml");
    const r = await runInProcess(["calib", "intrinsics", "--corners", corners, "--width", "640", "--height", "480", "--name", "wrist", "--out", out, "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const res = JSON.parse(r.stdout) as { camera: { K: number[] }; rms_px: number; warnings: string[] };
    expect(res.rms_px).toBeLessThan(0.3);
    const [fx, , cx, , fy, cy] = res.camera.K as [number, number, number, number, number, number];
    expect(Math.abs(fx / 600 - 1)).toBeLessThan(0.005);
    expect(Math.abs(fy / 605 - 1)).toBeLessThan(0.005);
    expect(Math.abs(cx / 322 - 1)).toBeLessThan(0.005);
    expect(Math.abs(cy / 237 - 1)).toBeLessThan(0.005);
    expect(res.warnings).toEqual([]);
    const ost = readOstYaml(readFileSync(out, "utf8"), { source: out });
    expect(ost.cameraName).toBe("wrist");
    expect(ost.camera.K).toEqual(res.camera.K);
    // A board spec instead of object points, and a calibration document as output.
    const board = file("board.json", JSON.stringify({ board: { rows: 6, cols: 9, square: 0.03 }, views: scene.views.map((v) => ({ image_points: v.imagePoints })) }));
    const docOut = join(tmp.dir, "wrist-cal.yaml");
    const r2 = await runInProcess(["calib", "intrinsics", "--corners", board, "--width", "640", "--height", "480", "--format", "calibration", "--out", docOut]);
    expect(r2.code, r2.stderr).toBe(0);
    expect(r2.stdout).toMatch(/reprojection RMS 0\.\d+ px/);
    const cal = parseCalibration(readFileSync(docOut, "utf8"));
    expect(cal.provenance.method).toBe("zhang+lm");
    expect(cal.provenance.residuals.reprojection_rms_px).toBeLessThan(0.3);
  });

  it("warns about too few views and refuses too few corners", async () => {
    const scene = synthesizeBoardViews(TRUTH, 4, 3, 0.2);
    const corners = file("few.json", JSON.stringify({ views: scene.views.map((v) => ({ object_points: v.objectPoints, image_points: v.imagePoints })) }));
    const r = await runInProcess(["calib", "intrinsics", "--corners", corners, "--width", "640", "--height", "480"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/warning\s+only 4 views/);
    const two = file("two.json", JSON.stringify({ views: scene.views.slice(0, 2).map((v) => ({ object_points: v.objectPoints, image_points: v.imagePoints })) }));
    const bad = await runInProcess(["calib", "intrinsics", "--corners", two, "--width", "640", "--height", "480"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(`${two}: need at least 3 views`);
  });
});
