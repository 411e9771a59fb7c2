// Turns whatever the user points `teledemo calib` at into a RigCalibration: a teledemo
// calibration document, a ROS camera_calibration YAML (ost.yaml), a URDF, a rig profile, or a
// recording (episode folder, rosbag2 bag, MCAP file). Bad input becomes a UsageError naming the
// file, so the CLI exits 2 with one clear line.
import { existsSync, readFileSync, statSync } from "node:fs";
import { basename, extname, resolve } from "node:path";
import { parse as parseYaml } from "yaml";
import {
  CALIBRATION_SCHEMA,
  calibrationFromRigData,
  CalibrationFormatError,
  fixedTransformsFromUrdf,
  OstYamlError,
  parseCalibration,
  parseUrdf,
  readOstYaml,
  UrdfError,
  type RigCalibration,
  type UrdfJoint,
} from "../../../calibration/index.ts";
import { loadRigProfile, ProfileError } from "../../../nodes/rig/profile.ts";
import { UsageError } from "../command.ts";
import { calibrationFromTopics, readRecording, type RecordingData } from "./recording.ts";

export type InputKind = "calibration" | "ost.yaml" | "urdf" | "profile" | "recording";

export interface LoadedInput {
  path: string;
  kind: InputKind;
  calibration: RigCalibration;
  /** Where in a recording the calibration came from. */
  source: string;
  warnings: string[];
  /** URDF inputs: every joint (moving ones give frame connectivity). */
  urdfJoints?: UrdfJoint[];
  recording?: RecordingData;
}

export interface LoadOptions {
  /** Optical frame for a camera read from ost.yaml (default: `<camera_name>_optical_frame`). */
  frame?: string;
  rootFrame?: string;
  /** For recordings: ignore the embedded calibration and read /tf_static + camera_info. */
  fromTopics?: boolean;
  /** For recordings: return even when they carry no calibration at all (check reports it). */
  allowEmpty?: boolean;
}

function nowIso(): string {
  return new Date().toISOString();
}

function emptyCal(path: string, method: string, created: string, rootFrame: string): RigCalibration {
  return {
    rootFrame,
    cameras: [],
    extrinsics: [],
    timeOffsetsNs: {},
    provenance: { id: `${basename(path)}-${method}`, created, method, residuals: {}, who: "", sourceFiles: [resolve(path)] },
  };
}

export function isRecordingPath(path: string): boolean {
  if (!existsSync(path)) return false;
  if (statSync(path).isDirectory()) return true;
  if (extname(path).toLowerCase() === ".mcap") return true;
  return basename(path) === "metadata.yaml" || basename(path) === "episode.json";
}

export async function loadInput(path: string, options: LoadOptions = {}): Promise<LoadedInput> {
  if (!existsSync(path)) throw new UsageError(`${path}: no such file or directory`);
  const rootFrame = options.rootFrame ?? "base_link";
  if (isRecordingPath(path)) {
    const recording = await readRecording(path);
    const embedded = options.fromTopics ? undefined : (recording.embeddedYaml ?? recording.embeddedChannels);
    const source = embedded
      ? recording.embeddedYaml
        ? "calibration/calibration.yaml attachment"
        : "foxglove calibration channels"
      : "/tf_static and camera_info";
    const calibration = embedded ?? calibrationFromTopics(recording, rootFrame);
    const warnings = [...recording.problems];
    if (!options.allowEmpty && !embedded && calibration.cameras.length === 0 && calibration.extrinsics.length === 0) {
      throw new UsageError(`${path}: no calibration in it — no calibration attachment or /calibration channels, no /tf_static, no camera_info`);
    }
    return { path, kind: "recording", calibration, source, warnings, recording };
  }
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new UsageError(`${path}: cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const created = statSync(path).mtime.toISOString();
  if (/\.(urdf|xml|xacro)$/i.test(path) || text.trimStart().startsWith("<")) {
    try {
      const model = parseUrdf(text, path);
      const cal = emptyCal(path, "urdf", created, rootFrame);
      cal.extrinsics = fixedTransformsFromUrdf(model);
      cal.provenance.id = `${model.name || basename(path)}-urdf`;
      const moving = model.joints.filter((j) => j.type !== "fixed").length;
      return { path, kind: "urdf", calibration: cal, source: "fixed joints", warnings: moving ? [`${path}: ${moving} moving joint(s) are not extrinsics; they only connect frames`] : [], urdfJoints: model.joints };
    } catch (err) {
      if (err instanceof UrdfError) throw new UsageError(err.message);
      throw err;
    }
  }
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    throw new UsageError(`${path}: not valid YAML/JSON: ${(err as Error).message.split("\n")[0]}`);
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new UsageError(`${path}: not a calibration (expected a teledemo calibration, a ROS camera_calibration YAML, a URDF, a rig profile or a recording)`);
  }
  const doc = raw as Record<string, unknown>;
  try {
    if (doc.schema === CALIBRATION_SCHEMA) return { path, kind: "calibration", calibration: parseCalibration(text, path), source: "document", warnings: [] };
    if ("camera_matrix" in doc) {
      const r = readOstYaml(text, { source: path });
      const frame = options.frame ?? (r.cameraName === "unknown" ? "camera_optical_frame" : `${r.cameraName}_optical_frame`);
      const cal = emptyCal(path, "ost.yaml", created, rootFrame);
      cal.cameras = [{ ...r.camera, frame }];
      cal.provenance.id = `${r.cameraName}-ost`;
      return { path, kind: "ost.yaml", calibration: cal, source: "camera_calibration YAML", warnings: [...r.warnings, ...(options.frame ? [] : [`${path}: ost.yaml names no frame; using ${frame} (--frame to choose)`])] };
    }
    if ("static_frames" in doc || "streams" in doc || "cameras" in doc) {
      const profile = loadRigProfile(path);
      const cal = calibrationFromRigData(profile, { created: nowIso(), who: "rig profile", sourceFiles: [resolve(path)] });
      return { path, kind: "profile", calibration: cal, source: `rig profile ${profile.name}`, warnings: [] };
    }
  } catch (err) {
    if (err instanceof CalibrationFormatError || err instanceof OstYamlError || err instanceof ProfileError) throw new UsageError(err.message);
    throw err;
  }
  if (typeof doc.schema === "string") throw new UsageError(`${path}: schema "${doc.schema}" is not ${CALIBRATION_SCHEMA}`);
  throw new UsageError(`${path}: not a calibration (no teledemo schema, no camera_matrix, no static_frames); expected a teledemo calibration, a ROS camera_calibration YAML, a URDF, a rig profile or a recording`);
}

/** Several inputs into one calibration: later cameras (by name) and extrinsics (by child) win. */
export function mergeCalibrations(inputs: readonly LoadedInput[], rootFrame?: string): RigCalibration {
  if (inputs.length === 1) {
    const only = inputs[0]!.calibration;
    return rootFrame ? { ...only, rootFrame } : only;
  }
  const cameras = new Map<string, RigCalibration["cameras"][number]>();
  const extrinsics = new Map<string, RigCalibration["extrinsics"][number]>();
  const offsets: Record<string, bigint> = {};
  const residuals: Record<string, number> = {};
  for (const i of inputs) {
    for (const c of i.calibration.cameras) cameras.set(c.name, c);
    for (const e of i.calibration.extrinsics) extrinsics.set(e.child, e);
    Object.assign(offsets, i.calibration.timeOffsetsNs);
    Object.assign(residuals, i.calibration.provenance.residuals);
  }
  const created = inputs.map((i) => i.calibration.provenance.created).sort().pop() ?? nowIso();
  return {
    rootFrame: rootFrame ?? inputs.find((i) => i.kind === "calibration" || i.kind === "profile")?.calibration.rootFrame ?? "base_link",
    cameras: [...cameras.values()],
    extrinsics: [...extrinsics.values()],
    timeOffsetsNs: offsets,
    provenance: {
      id: `merged-${created}`,
      created,
      method: `merged(${inputs.map((i) => i.calibration.provenance.method).join("+")})`,
      residuals,
      who: inputs.map((i) => i.calibration.provenance.who).filter(Boolean)[0] ?? "",
      sourceFiles: inputs.flatMap((i) => i.calibration.provenance.sourceFiles.length ? i.calibration.provenance.sourceFiles : [resolve(i.path)]),
    },
  };
}
