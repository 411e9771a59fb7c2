// `teledemo calib`: import, show and check rig calibrations (files, episodes, rosbag2 bags), and
// run the hand-eye and intrinsics solvers on pose / corner files. Glue only: the model, I/O,
// solvers and checks live in calibration/; recordings are read with the recorder's scanner.
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { EPISODE_FILE, EPISODE_SIDECAR } from "../../recorder/episode/layout.ts";
import { renderTable } from "./table.ts";
import { parse as parseYaml } from "yaml";
import {
  calibrateIntrinsics,
  calibrationFromRigData,
  HandEyeError,
  IntrinsicsCalibrationError,
  makeTransform,
  rpyToQuat,
  serializeCalibrationJson,
  serializeCalibrationYaml,
  solveHandEye,
  transformToXyzRpy,
  writeOstYaml,
  type PlanarView,
  type Point2,
  type RigCalibration,
  type RigidTransform,
} from "../../calibration/index.ts";
import { quatCanonical } from "../../calibration/math/so3.ts";
import { integerOption, numberOption, parseCommandArgs } from "./args.ts";
import { UsageError, type Command, type CommandContext } from "./command.ts";
import { checkCalibrationFile, checkRecording, type CheckOptions } from "./calib/check.ts";
import { checkText, showText, toJson } from "./calib/format.ts";
import { loadInput, mergeCalibrations, type LoadedInput } from "./calib/load.ts";
import { PROFILES_DIR } from "./profile-arg.ts";
import { loadRigProfile } from "../../nodes/rig/profile.ts";
import { existsSync } from "node:fs";
import { urdfEdges } from "./calib/recording.ts";

const USAGE = `usage: teledemo calib <subcommand> [options]

Rig calibration: cameras (K, D, R, P), extrinsics as a frame tree (REP 103/105, optical frames
REP 104), time offsets and provenance, as a versioned teledemo calibration document (YAML).

subcommands:
  import <input...> [--out FILE] [--json] [--frame F] [--root F] [--from-topics]
      Build a calibration document from a teledemo calibration, a ROS camera_calibration YAML
      (ost.yaml), a URDF (fixed joints), a rig profile, or a recording: an episode folder, a
      rosbag2 bag or an .mcap file (the calibration our episodes carry; else /tf_static +
      camera_info). Several inputs merge (later cameras and frames win). Prints YAML unless --out.
  show <file|episode> [--json]
      Cameras (size, fx fy cx cy, model, D), frame tree, time offsets, provenance and age.
  check <episode|library|bag|mcap|calibration> [options]
      Every sensor frame reachable from base_link (calibration + /tf_static + /tf + URDF);
      camera_info consistent with the calibration; /tf_static consistent with it; LiDAR points
      projected into each camera vs the simulator's truth (simulated episodes, px) and into depth
      cameras vs the measured depth (any robot); calibration age.
      On an episode library: every episode, one line each.
      Exit 0: passes; 1: findings that fail it; 2: bad input.
        --calibration FILE     check the recording against this calibration instead of its own
        --reference FILE       compare with another calibration (file or recording)
        --max-age-days N       calibration age limit (at recording time for recordings)   [90]
        --max-reprojection-px N  RMS limit vs the simulator's truth                        [1]
        --max-depth-mm N       median |LiDAR − depth| limit (raise to a real sensor's noise) [5]
        --max-depth-p90-mm N   90th percentile |LiDAR − depth| limit                       [15]
        --urdf FILE            robot URDF: its joints connect frames (moving ones too)
        --root FRAME           root frame                                     [calibration's]
        --json
  handeye --poses FILE [--setup eye_in_hand|eye_to_hand] [--parent F --child F] [--out FILE] [--json]
      AX = XB (Park–Martin + refinement) from JSON pairs of robot (base_T_gripper) and target
      (camera_T_target) poses: [{"robot": POSE, "target": POSE}, …] or {"pairs": […]}, a POSE
      being {"translation": [x,y,z], "rotation": [x,y,z,w]} or {"xyz": […], "rpy": […]}.
      --out writes a calibration document with the solved extrinsic.
  intrinsics --corners FILE --width W --height H [--name N] [--frame F] [--model plumb_bob|rational_polynomial]
             [--fix-k3] [--out FILE] [--format ost|calibration] [--json]
      Zhang's method with distortion from corner sets: {"views": [{"object_points": [[x,y],…],
      "image_points": [[u,v],…]}, …]} (or a "board": {"rows", "cols", "square"} and image_points
      only, row-major). --out writes ROS camera_calibration YAML (default) or a calibration document.
`;

const SUBCOMMANDS = ["import", "show", "check", "handeye", "intrinsics"] as const;

/** The episode folders of a library (a folder of episode folders); undefined if `path` is not one. */
function libraryEpisodes(path: string): string[] | undefined {
  if (!existsSync(path) || !statSync(path).isDirectory()) return undefined;
  if (existsSync(join(path, EPISODE_FILE)) || existsSync(join(path, EPISODE_SIDECAR)) || existsSync(join(path, "metadata.yaml"))) return undefined;
  const entries = readdirSync(path, { withFileTypes: true });
  if (entries.some((e) => e.isFile() && e.name.endsWith(".mcap"))) return undefined;
  return entries
    .filter((e) => e.isDirectory() && (existsSync(join(path, e.name, EPISODE_FILE)) || existsSync(join(path, e.name, EPISODE_SIDECAR))))
    .map((e) => join(path, e.name))
    .sort();
}

function write(path: string, text: string): void {
  try {
    mkdirSync(dirname(resolve(path)), { recursive: true });
    writeFileSync(path, text);
  } catch (err) {
    throw new UsageError(`${path}: cannot write: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

function serialize(cal: RigCalibration, path: string | undefined): string {
  return path?.endsWith(".json") ? serializeCalibrationJson(cal) : serializeCalibrationYaml(cal);
}

function truthOfProfile(name: string): RigCalibration | undefined {
  const path = name.includes("/") ? resolve(name) : resolve(PROFILES_DIR, `${name}.yaml`);
  if (!existsSync(path)) return undefined;
  try {
    return calibrationFromRigData(loadRigProfile(path), { created: new Date().toISOString(), id: `${name}-truth` });
  } catch {
    return undefined;
  }
}

async function runImport(argv: string[], ctx: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    argv,
    { out: { type: "string" }, json: { type: "boolean" }, frame: { type: "string" }, root: { type: "string" }, "from-topics": { type: "boolean" }, id: { type: "string" }, who: { type: "string" } },
    true,
  );
  if (positionals.length === 0) throw new UsageError("import needs at least one input (ost.yaml, URDF, rig profile, calibration, episode, bag or .mcap)");
  const inputs: LoadedInput[] = [];
  for (const p of positionals) inputs.push(await loadInput(p, { ...(values.frame ? { frame: values.frame } : {}), ...(values.root ? { rootFrame: values.root } : {}), fromTopics: Boolean(values["from-topics"]) }));
  const cal = mergeCalibrations(inputs, values.root);
  if (values.id) cal.provenance.id = values.id;
  if (values.who) cal.provenance.who = values.who;
  for (const i of inputs) for (const w of i.warnings) ctx.stderr(`teledemo calib import: ${w}\n`);
  if (values.out) {
    write(values.out, serialize(cal, values.out));
    const summary = { out: values.out, cameras: cal.cameras.length, extrinsics: cal.extrinsics.length, sources: inputs.map((i) => ({ path: i.path, kind: i.kind, source: i.source })) };
    ctx.stdout(values.json ? toJson(summary) : `wrote ${values.out}: ${cal.cameras.length} camera(s), ${cal.extrinsics.length} extrinsic(s) from ${inputs.map((i) => `${i.path} (${i.kind}${i.kind === "recording" ? `: ${i.source}` : ""})`).join(", ")}\n`);
  } else {
    ctx.stdout(values.json ? serializeCalibrationJson(cal) : serializeCalibrationYaml(cal));
  }
  return 0;
}

async function runShow(argv: string[], ctx: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { json: { type: "boolean" }, frame: { type: "string" }, "from-topics": { type: "boolean" } }, true);
  if (positionals.length !== 1) throw new UsageError("show needs exactly one calibration file or recording");
  const input = await loadInput(positionals[0]!, { ...(values.frame ? { frame: values.frame } : {}), fromTopics: Boolean(values["from-topics"]) });
  for (const w of input.warnings) ctx.stderr(`teledemo calib show: ${w}\n`);
  if (values.json) {
    const created = Date.parse(input.calibration.provenance.created);
    ctx.stdout(
      toJson({
        path: input.path,
        kind: input.kind,
        source: input.source,
        age_days: Number.isNaN(created) ? null : (Date.now() - created) / 86_400_000,
        calibration: JSON.parse(serializeCalibrationJson(input.calibration)),
      }),
    );
  } else {
    ctx.stdout(showText(input.calibration, `${input.kind} ${input.path}`, input.kind === "recording" ? input.source : ""));
  }
  return 0;
}

async function runCheck(argv: string[], ctx: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    argv,
    {
      json: { type: "boolean" },
      calibration: { type: "string" },
      reference: { type: "string" },
      "max-age-days": { type: "string" },
      "max-reprojection-px": { type: "string" },
      "max-depth-mm": { type: "string" },
      "max-depth-p90-mm": { type: "string" },
      urdf: { type: "string" },
      root: { type: "string" },
      frame: { type: "string" },
    },
    true,
  );
  if (positionals.length !== 1) throw new UsageError("check needs exactly one episode, bag, .mcap or calibration file");
  const positive = (n: number) => Number.isFinite(n) && n > 0;
  const options: CheckOptions = {
    maxAgeDays: numberOption("max-age-days", values["max-age-days"], 90, positive),
    maxReprojectionPx: numberOption("max-reprojection-px", values["max-reprojection-px"], 1, positive),
    maxDepthMedianM: numberOption("max-depth-mm", values["max-depth-mm"], 5, positive) / 1000,
    maxDepthP90M: numberOption("max-depth-p90-mm", values["max-depth-p90-mm"], 15, positive) / 1000,
    truthOfProfile,
    ...(values.root ? { rootFrame: values.root } : {}),
  };
  if (values.reference) {
    const ref = await loadInput(values.reference);
    options.reference = { path: values.reference, calibration: ref.calibration };
  }
  if (values.urdf) {
    const u = await loadInput(values.urdf);
    if (u.kind !== "urdf") throw new UsageError(`--urdf ${values.urdf}: not a URDF`);
    options.extraEdges = urdfEdges(u.urdfJoints ?? []);
  }
  const episodes = libraryEpisodes(positionals[0]!);
  if (episodes) {
    if (episodes.length === 0) throw new UsageError(`${positionals[0]}: no episodes, no MCAP files and no rosbag2 metadata.yaml in this folder`);
    const override = values.calibration ? await loadInput(values.calibration) : undefined;
    const reports = [];
    for (const dir of episodes) {
      const input = await loadInput(dir, { allowEmpty: true });
      reports.push(checkRecording({ data: input.recording!, ...(override ? { override: { path: values.calibration!, calibration: override.calibration } } : {}) }, options));
    }
    const ok = reports.every((r) => r.ok);
    if (values.json) ctx.stdout(toJson({ kind: "library", path: positionals[0], ok, episodes: reports }));
    else {
      const rows = reports.map((r) => {
        const errors = r.findings.filter((f) => f.severity === "error");
        return { episode: basename(r.target), result: r.ok ? "PASS" : "FAIL", errors: String(errors.length), first: errors[0]?.message ?? (r.missing.length ? `missing ${r.missing.join(", ")}` : "") };
      });
      ctx.stdout(
        renderTable(rows, [
          { title: "episode", value: (r) => r.episode },
          { title: "result", value: (r) => r.result },
          { title: "errors", value: (r) => r.errors, align: "right" },
          { title: "first error", value: (r) => (r.first.length > 110 ? `${r.first.slice(0, 107)}...` : r.first) },
        ]) + `${reports.filter((r) => !r.ok).length} of ${reports.length} episode(s) fail; 'teledemo calib check <episode>' for details\n`,
      );
    }
    return ok ? 0 : 1;
  }
  const target = await loadInput(positionals[0]!, { allowEmpty: true, ...(values.frame ? { frame: values.frame } : {}) });
  let report;
  if (target.kind === "recording" && target.recording) {
    const override = values.calibration ? await loadInput(values.calibration) : undefined;
    report = checkRecording({ data: target.recording, ...(override ? { override: { path: values.calibration!, calibration: override.calibration } } : {}) }, options);
  } else {
    if (values.calibration) throw new UsageError("--calibration applies to recordings; to compare two calibrations use --reference");
    if (target.kind === "urdf") options.extraEdges = [...(options.extraEdges ?? []), ...urdfEdges(target.urdfJoints ?? [])];
    report = checkCalibrationFile(target.path, target.calibration, options);
  }
  ctx.stdout(values.json ? toJson(report) : checkText(report));
  return report.ok ? 0 : 1;
}

// ---- solvers -------------------------------------------------------------------------------

function readJson(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new UsageError(`${path}: cannot read ${what}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  try {
    return parseYaml(text);
  } catch (err) {
    throw new UsageError(`${path}: not valid JSON: ${(err as Error).message.split("\n")[0]}`);
  }
}

function numbers(v: unknown, n: number, where: string): number[] {
  if (!Array.isArray(v) || v.length !== n || v.some((x) => typeof x !== "number" || !Number.isFinite(x))) throw new UsageError(`${where}: expected ${n} numbers`);
  return v as number[];
}

function poseOf(v: unknown, where: string): RigidTransform {
  if (typeof v !== "object" || v === null) throw new UsageError(`${where}: expected a pose object`);
  const o = v as Record<string, unknown>;
  if ("translation" in o && "rotation" in o) {
    const q = numbers(o.rotation, 4, `${where}.rotation`);
    if (Math.hypot(...q) < 1e-9) throw new UsageError(`${where}.rotation: zero quaternion`);
    return makeTransform(numbers(o.translation, 3, `${where}.translation`), q);
  }
  if ("xyz" in o && "rpy" in o) {
    const [r, p, y] = numbers(o.rpy, 3, `${where}.rpy`) as [number, number, number];
    return makeTransform(numbers(o.xyz, 3, `${where}.xyz`), rpyToQuat(r, p, y));
  }
  if ("position" in o && "orientation" in o) {
    const p = o.position as Record<string, number>;
    const q = o.orientation as Record<string, number>;
    return makeTransform(numbers([p?.x, p?.y, p?.z], 3, `${where}.position`), numbers([q?.x, q?.y, q?.z, q?.w], 4, `${where}.orientation`));
  }
  throw new UsageError(`${where}: a pose needs translation + rotation [x,y,z,w], xyz + rpy, or position + orientation`);
}

function fmtPose(t: RigidTransform): string {
  const { xyz, rpy } = transformToXyzRpy(t);
  const q = quatCanonical(t.rotation);
  return `xyz [${xyz.map((v) => v.toFixed(5)).join(", ")}] m  rpy [${rpy.map((v) => ((v * 180) / Math.PI).toFixed(4)).join(", ")}]°  q [${q.map((v) => v.toFixed(6)).join(", ")}]`;
}

async function runHandEye(argv: string[], ctx: CommandContext): Promise<number> {
  const { values } = parseCommandArgs(argv, {
    poses: { type: "string" },
    setup: { type: "string" },
    parent: { type: "string" },
    child: { type: "string" },
    out: { type: "string" },
    json: { type: "boolean" },
    "no-refine": { type: "boolean" },
  });
  if (!values.poses) throw new UsageError("handeye needs --poses FILE");
  const raw = readJson(values.poses, "poses");
  const doc = raw as Record<string, unknown>;
  const pairs = Array.isArray(raw) ? raw : Array.isArray(doc?.pairs) ? (doc.pairs as unknown[]) : undefined;
  if (!pairs) throw new UsageError(`${values.poses}: expected a list of {robot, target} pairs or {"pairs": [...]}`);
  const setup = values.setup ?? (typeof doc?.setup === "string" ? doc.setup : "eye_in_hand");
  if (setup !== "eye_in_hand" && setup !== "eye_to_hand") throw new UsageError(`--setup must be eye_in_hand or eye_to_hand, got "${setup}"`);
  const robotPoses = pairs.map((p, i) => poseOf((p as Record<string, unknown>)?.robot, `${values.poses}: pairs[${i}].robot`));
  const targetPoses = pairs.map((p, i) => poseOf((p as Record<string, unknown>)?.target, `${values.poses}: pairs[${i}].target`));
  let result;
  try {
    result = solveHandEye({ setup, robotPoses, targetPoses, refine: !values["no-refine"] });
  } catch (err) {
    if (err instanceof HandEyeError) throw new UsageError(`${values.poses}: ${err.message}`);
    throw err;
  }
  const parent = values.parent ?? (setup === "eye_in_hand" ? "tool0" : "base_link");
  const child = values.child ?? "camera_optical_frame";
  const r = result.residuals;
  if (values.out) {
    const created = new Date().toISOString();
    const cal: RigCalibration = {
      rootFrame: setup === "eye_to_hand" ? parent : "base_link",
      cameras: [],
      extrinsics: [{ parent, child, ...result.X }],
      timeOffsetsNs: {},
      provenance: {
        id: `handeye-${created}`,
        created,
        method: result.refined ? "park-martin+lm" : "park-martin",
        residuals: { station_rms_deg: r.stationRmsRotationDeg, station_rms_mm: r.stationRmsTranslationMm, motion_rms_deg: r.motionRmsRotationDeg, motion_rms_mm: r.motionRmsTranslationMm },
        who: "teledemo calib handeye",
        sourceFiles: [resolve(values.poses)],
      },
    };
    write(values.out, serialize(cal, values.out));
  }
  if (values.json) {
    ctx.stdout(
      toJson({
        setup,
        parent,
        child,
        X: { translation: Array.from(result.X.translation), rotation: quatCanonical(result.X.rotation) },
        Y: { translation: Array.from(result.Y.translation), rotation: quatCanonical(result.Y.rotation) },
        refined: result.refined,
        residuals: { stationRmsRotationDeg: r.stationRmsRotationDeg, stationRmsTranslationMm: r.stationRmsTranslationMm, motionRmsRotationDeg: r.motionRmsRotationDeg, motionRmsTranslationMm: r.motionRmsTranslationMm, stations: r.stations },
        diversity: result.diversity,
        warnings: result.warnings,
        ...(values.out ? { out: values.out } : {}),
      }),
    );
  } else {
    const lines = [
      `hand-eye (${setup}, ${pairs.length} stations, ${result.refined ? "Park–Martin + refinement" : "Park–Martin"})`,
      `X = ${parent}_T_${child}   ${fmtPose(result.X)}`,
      `Y = ${setup === "eye_in_hand" ? "base_T_target" : "gripper_T_target"}   ${fmtPose(result.Y)}`,
      `residuals  per station ${r.stationRmsRotationDeg.toFixed(4)}° / ${r.stationRmsTranslationMm.toFixed(3)} mm RMS; per motion ${r.motionRmsRotationDeg.toFixed(4)}° / ${r.motionRmsTranslationMm.toFixed(3)} mm RMS`,
      `motion     largest relative rotation ${result.diversity.rotationSpreadDeg.toFixed(1)}°, axis spread ${result.diversity.axisSpreadRatio.toFixed(3)}`,
      ...(result.warnings.length ? result.warnings.map((w) => `warning    ${w.message}`) : ["warnings   none"]),
      ...(values.out ? [`wrote ${values.out}`] : []),
    ];
    ctx.stdout(`${lines.join("\n")}\n`);
  }
  return 0;
}

function point2(v: unknown, where: string): Point2 {
  const a = numbers(v, 2, where);
  return [a[0]!, a[1]!];
}

async function runIntrinsics(argv: string[], ctx: CommandContext): Promise<number> {
  const { values } = parseCommandArgs(argv, {
    corners: { type: "string" },
    width: { type: "string" },
    height: { type: "string" },
    name: { type: "string" },
    frame: { type: "string" },
    model: { type: "string" },
    "fix-k3": { type: "boolean" },
    out: { type: "string" },
    format: { type: "string" },
    json: { type: "boolean" },
  });
  if (!values.corners) throw new UsageError("intrinsics needs --corners FILE");
  if (values.width === undefined || values.height === undefined) throw new UsageError("intrinsics needs --width and --height (image size in pixels)");
  const width = integerOption("width", values.width, 0, 1);
  const height = integerOption("height", values.height, 0, 1);
  const model = values.model ?? "plumb_bob";
  if (model !== "plumb_bob" && model !== "rational_polynomial") throw new UsageError(`--model must be plumb_bob or rational_polynomial, got "${model}"`);
  const format = values.format ?? "ost";
  if (format !== "ost" && format !== "calibration") throw new UsageError(`--format must be ost or calibration, got "${format}"`);
  const raw = readJson(values.corners, "corners") as Record<string, unknown> | unknown[];
  const doc = (Array.isArray(raw) ? { views: raw } : raw) as Record<string, unknown>;
  if (!doc || !Array.isArray(doc.views)) throw new UsageError(`${values.corners}: expected {"views": [{"object_points": [...], "image_points": [...]}, ...]}`);
  const board = doc.board as { rows?: number; cols?: number; square?: number } | undefined;
  const boardPoints: Point2[] | undefined =
    board && Number.isInteger(board.rows) && Number.isInteger(board.cols) && typeof board.square === "number"
      ? Array.from({ length: board.rows! * board.cols! }, (_, i) => [(i % board.cols!) * board.square!, Math.floor(i / board.cols!) * board.square!] as Point2)
      : undefined;
  const views: PlanarView[] = (doc.views as unknown[]).map((v, i) => {
    const o = (v ?? {}) as Record<string, unknown>;
    const where = `${values.corners}: views[${i}]`;
    const img = (o.image_points ?? o.imagePoints) as unknown;
    const obj = (o.object_points ?? o.objectPoints) as unknown;
    if (!Array.isArray(img)) throw new UsageError(`${where}: image_points must be a list of [u, v]`);
    const imagePoints = img.map((p, k) => point2(p, `${where}.image_points[${k}]`));
    const objectPoints = Array.isArray(obj) ? obj.map((p, k) => point2(p, `${where}.object_points[${k}]`)) : boardPoints;
    if (!objectPoints) throw new UsageError(`${where}: no object_points and no "board" {rows, cols, square} to generate them`);
    return { objectPoints, imagePoints };
  });
  let result;
  try {
    result = calibrateIntrinsics(views, { width, height, distortionModel: model, fixK3: Boolean(values["fix-k3"]), ...(values.name ? { name: values.name } : {}), ...(values.frame ? { frame: values.frame } : {}) });
  } catch (err) {
    if (err instanceof IntrinsicsCalibrationError) throw new UsageError(`${values.corners}: ${err.message}`);
    throw err;
  }
  const name = values.name ?? "camera";
  const camera = { ...result.camera, name, frame: values.frame ?? result.camera.frame ?? `${name}_optical_frame` };
  const warnings: string[] = [];
  if (views.length < 10) warnings.push(`only ${views.length} views: 10–20 views at varied tilts give stable focal lengths and distortion`);
  if (result.rms > 1) warnings.push(`reprojection RMS ${result.rms.toFixed(3)} px is high: check corner detection and board size`);
  if (!result.converged) warnings.push("the refinement did not converge");
  const [sfx, sfy, scx, scy] = result.standardDeviations;
  if ((sfx ?? 0) > 0.01 * result.K[0]! || (sfy ?? 0) > 0.01 * result.K[4]!) warnings.push(`focal lengths are uncertain (σ fx ${sfx?.toFixed(2)}, fy ${sfy?.toFixed(2)} px): add tilted views`);
  if (Math.abs(result.K[2]! - width / 2) > 0.1 * width || Math.abs(result.K[5]! - height / 2) > 0.1 * height) warnings.push(`principal point (${result.K[2]!.toFixed(1)}, ${result.K[5]!.toFixed(1)}) is far from the image centre`);
  const worst = [...result.views.map((v, i) => ({ i, rms: v.rms }))].sort((a, b) => b.rms - a.rms)[0];
  if (worst && worst.rms > 3 * result.rms && worst.rms > 0.5) warnings.push(`view ${worst.i} fits worst (${worst.rms.toFixed(3)} px RMS): a misdetected board?`);
  if (values.out) {
    if (format === "ost") write(values.out, writeOstYaml(camera));
    else {
      const created = new Date().toISOString();
      write(
        values.out,
        serialize(
          {
            rootFrame: "base_link",
            cameras: [camera],
            extrinsics: [],
            timeOffsetsNs: {},
            provenance: { id: `${name}-intrinsics-${created}`, created, method: "zhang+lm", residuals: { reprojection_rms_px: result.rms }, who: "teledemo calib intrinsics", sourceFiles: [resolve(values.corners)] },
          },
          values.out,
        ),
      );
    }
  }
  if (values.json) {
    ctx.stdout(
      toJson({
        camera,
        rms_px: result.rms,
        standard_deviations: { fx: sfx, fy: sfy, cx: scx, cy: scy, D: result.standardDeviations.slice(4) },
        views: result.views.map((v) => ({ rms_px: v.rms, max_px: v.maxError })),
        iterations: result.iterations,
        converged: result.converged,
        warnings,
        ...(values.out ? { out: values.out } : {}),
      }),
    );
  } else {
    const K = result.K;
    const lines = [
      `intrinsics (${views.length} views, ${views.reduce((n, v) => n + v.imagePoints.length, 0)} corners, ${width}×${height}, ${model})`,
      `fx ${K[0]!.toFixed(3)} ± ${sfx?.toFixed(3)}  fy ${K[4]!.toFixed(3)} ± ${sfy?.toFixed(3)}  cx ${K[2]!.toFixed(3)} ± ${scx?.toFixed(3)}  cy ${K[5]!.toFixed(3)} ± ${scy?.toFixed(3)} px`,
      `D [${result.D.map((d) => d.toFixed(6)).join(", ")}]`,
      `reprojection RMS ${result.rms.toFixed(4)} px; per view ${result.views.map((v) => v.rms.toFixed(3)).join(" ")}`,
      ...(warnings.length ? warnings.map((w) => `warning  ${w}`) : ["warnings none"]),
      ...(values.out ? [`wrote ${values.out} (${format === "ost" ? "ROS camera_calibration YAML" : "teledemo calibration"})`] : []),
    ];
    ctx.stdout(`${lines.join("\n")}\n`);
  }
  return 0;
}

export const calibCommand: Command = {
  name: "calib",
  summary: "import, show and check rig calibrations; hand-eye and intrinsics solvers",
  usage: USAGE,
  async run(argv, ctx) {
    const [sub, ...rest] = argv;
    if (sub === undefined) throw new UsageError(`a subcommand is needed: ${SUBCOMMANDS.join(", ")}`);
    switch (sub) {
      case "import":
        return runImport(rest, ctx);
      case "show":
        return runShow(rest, ctx);
      case "check":
        return runCheck(rest, ctx);
      case "handeye":
        return runHandEye(rest, ctx);
      case "intrinsics":
        return runIntrinsics(rest, ctx);
      default:
        throw new UsageError(`unknown subcommand "${sub}"; one of ${SUBCOMMANDS.join(", ")}`);
    }
  },
};

