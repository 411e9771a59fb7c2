// `teledemo calib check`: a calibration on its own, or a recording against the calibration it
// carries (or one given with --calibration). Every problem becomes a structured finding; errors
// fail the check.
import {
  compareCalibrations,
  compareWithTfStatic,
  depthAgreement,
  depthResiduals,
  errorStats,
  pixelGridPoints,
  reprojectionErrors,
  transformPoint,
  TransformTree,
  validateCalibration,
  type CalibrationComparison,
  type CalibrationFinding,
  type CameraModel,
  type ErrorStats,
  type RigCalibration,
  type StaticTransform,
} from "../../../calibration/index.ts";
import { calibrationFromTopics, isoOfNs, urdfEdges, type RecordingData } from "./recording.ts";

export interface CheckOptions {
  maxAgeDays: number;
  /** RMS reprojection error vs the simulator's truth above which a camera fails, px. */
  maxReprojectionPx: number;
  /** Median |LiDAR depth − depth image| above which the data check fails, m. */
  maxDepthMedianM: number;
  /** 90th percentile of |LiDAR depth − depth image| above which it fails, m. */
  maxDepthP90M: number;
  reference?: { path: string; calibration: RigCalibration };
  /** Extra connectivity (e.g. a robot URDF's joints) for the reachability check. */
  extraEdges?: Array<{ parent: string; child: string }>;
  rootFrame?: string;
  now?: Date;
  /** Resolves a rig profile name to its nominal calibration (the simulator's truth). */
  truthOfProfile?: (name: string) => RigCalibration | undefined;
}

export interface TruthCameraResult {
  camera: string;
  method: "lidar" | "pixel-grid";
  stats: ErrorStats;
  pass: boolean;
}

export interface DepthCheckResult {
  camera: string;
  lidarTopic: string;
  depthTopic: string;
  sweeps: number;
  points: number;
  medianSignedMm: number;
  medianAbsMm: number;
  p90AbsMm: number;
  within1cm: number;
  pass: boolean;
}

export interface CheckReport {
  target: string;
  kind: "calibration" | RecordingData["kind"];
  ok: boolean;
  /** What the recording lacks, in words ("/tf_static", "camera_info", …). */
  missing: string[];
  calibration?: { source: string; id: string; created: string; method: string };
  age?: { days: number; at: "now" | "recording"; limitDays: number };
  frames?: { root: string; sensorTopics: Array<{ topic: string; frame: string; reachable: boolean }>; tfStatic: number; tfEdges: number; urdf: string[] };
  cameraInfo?: Array<{ topic: string; frame: string; messages: number; variants: number; camera: string | undefined }>;
  truth?: { profile: string; cameras: TruthCameraResult[]; limitPx: number; timeOffsets: Array<{ sensor: string; calibrationMs: number | null; truthMs: number }> } | { skipped: string };
  depth?: DepthCheckResult[] | { skipped: string };
  reference?: { path: string; comparison: CalibrationComparison };
  recording?: { health: string; detail: string[]; problems: string[] };
  findings: CalibrationFinding[];
}

const finding = (severity: CalibrationFinding["severity"], code: CalibrationFinding["code"], subject: string, message: string): CalibrationFinding => ({ severity, code, subject, message });

/** Validation shared by calibration files and recordings (age is judged at `now`). */
function validateInto(report: CheckReport, cal: RigCalibration, options: CheckOptions, now: Date, at: "now" | "recording", dropReachability: boolean): void {
  const v = validateCalibration(cal, { maxAgeDays: options.maxAgeDays, now });
  for (const f of v.findings) {
    if (dropReachability && (f.code === "unreachable_frame" || f.code === "camera_frame_unreachable")) continue;
    // A stale calibration fails the check: that is what the age limit is for.
    report.findings.push(f.code === "stale" ? { ...f, severity: "error", message: at === "recording" ? `${f.message} when this recording was made` : f.message } : f);
  }
  if (v.ageDays !== undefined) report.age = { days: v.ageDays, at, limitDays: options.maxAgeDays };
}

function referenceInto(report: CheckReport, cal: RigCalibration, options: CheckOptions): void {
  if (!options.reference) return;
  const comparison = compareCalibrations(cal, options.reference.calibration);
  report.reference = { path: options.reference.path, comparison };
  for (const f of comparison.findings) {
    const severe = f.code === "extrinsic_changed" || f.code === "camera_changed" || f.code === "time_offset_changed";
    report.findings.push({ ...f, severity: severe ? "error" : f.severity, message: `vs reference ${options.reference.path}: ${f.message}` });
  }
}

function finish(report: CheckReport): CheckReport {
  report.ok = !report.findings.some((f) => f.severity === "error");
  return report;
}

export function checkCalibrationFile(path: string, cal: RigCalibration, options: CheckOptions): CheckReport {
  const report: CheckReport = { target: path, kind: "calibration", ok: false, missing: [], findings: [] };
  report.calibration = { source: path, id: cal.provenance.id, created: cal.provenance.created, method: cal.provenance.method };
  const now = options.now ?? new Date();
  const extra = options.extraEdges ?? [];
  validateInto(report, cal, options, now, "now", extra.length > 0);
  if (extra.length > 0) {
    const root = options.rootFrame ?? cal.rootFrame;
    const reach = reachableFrom(root, [...cal.extrinsics, ...extra]);
    for (const c of cal.cameras) {
      if (!reach.has(c.frame)) report.findings.push(finding("error", "sensor_frame_unreachable", c.name, `camera ${c.name}: optical frame ${c.frame} is not connected to ${root} by the calibration or the given URDF`));
    }
  }
  referenceInto(report, cal, options);
  return finish(report);
}

/** Frames connected to `root` when edges are taken as undirected links. */
function reachableFrom(root: string, edges: ReadonlyArray<{ parent: string; child: string }>): Set<string> {
  const adj = new Map<string, string[]>();
  const link = (a: string, b: string) => adj.set(a, [...(adj.get(a) ?? []), b]);
  for (const e of edges) {
    link(e.parent, e.child);
    link(e.child, e.parent);
  }
  const seen = new Set<string>([root]);
  const queue = [root];
  while (queue.length) {
    for (const n of adj.get(queue.pop()!) ?? []) {
      if (!seen.has(n)) {
        seen.add(n);
        queue.push(n);
      }
    }
  }
  return seen;
}

/** The calibration's static edges plus the moving ones of /tf at one instant (static edges win). */
function treeAt(cal: RigCalibration, tf: ReadonlyMap<string, StaticTransform>): TransformTree | undefined {
  const byChild = new Map<string, StaticTransform>();
  for (const [child, t] of tf) byChild.set(child, t);
  for (const e of cal.extrinsics) byChild.set(e.child, e);
  try {
    return new TransformTree([...byChild.values()]);
  } catch {
    return undefined;
  }
}

function recordingStartDate(data: RecordingData): Date | undefined {
  const iso = data.episode?.start_time;
  if (typeof iso === "string" && !Number.isNaN(Date.parse(iso))) return new Date(iso);
  return data.startNs !== undefined && data.startNs > 0n ? new Date(isoOfNs(data.startNs)) : undefined;
}

export interface RecordingCheckInput {
  data: RecordingData;
  /** --calibration FILE: check the recording against this instead of what it carries. */
  override?: { path: string; calibration: RigCalibration };
}

export function checkRecording(input: RecordingCheckInput, options: CheckOptions): CheckReport {
  const { data } = input;
  const report: CheckReport = { target: data.path, kind: data.kind, ok: false, missing: [], findings: [] };
  const push = (f: CalibrationFinding) => report.findings.push(f);
  report.recording = { health: data.health, detail: data.healthDetail, problems: data.problems };
  if (data.health !== "ok") push(finding("warning", "recording_problem", data.path, `the recording is ${data.health}: only its complete records were read`));
  for (const p of data.problems) push(finding("warning", "recording_problem", data.path, p));

  // Which calibration the recording carries.
  const embedded = data.embeddedYaml ?? data.embeddedChannels;
  if (!embedded) {
    report.missing.push("calibration");
    push(
      finding(
        input.override ? "warning" : "error",
        "calibration_missing",
        data.path,
        "no calibration recorded: no calibration/calibration.yaml attachment and no foxglove.CameraCalibration / foxglove.FrameTransforms channels",
      ),
    );
  }
  if (data.embeddedYaml && data.embeddedChannels) {
    const tight = { translationMm: 1e-3, rotationDeg: 1e-4, focalPercent: 1e-6, principalPointPx: 1e-6, distortion: 1e-9, timeOffsetMs: 1e9 };
    const c = compareCalibrations(data.embeddedYaml, { ...data.embeddedChannels, timeOffsetsNs: data.embeddedYaml.timeOffsetsNs }, tight);
    if (!c.withinTolerance) {
      push(finding("error", "calibration_sources_disagree", data.path, `the calibration YAML attachment and the /calibration channels disagree: ${c.findings.filter((f) => f.severity !== "info").map((f) => f.message).join("; ")}`));
    }
  }
  if (!data.tfStaticTopicPresent) {
    report.missing.push("/tf_static");
    push(finding("error", "tf_static_missing", data.path, "no /tf_static: the recording does not say where its sensors are mounted"));
  }
  if (data.cameraInfos.length === 0) {
    report.missing.push("camera_info");
    push(finding("error", "camera_info_missing", data.path, "no sensor_msgs/CameraInfo topic: the recording does not say how its cameras project"));
  }
  const sensorTopics = [...data.sensorFrames].filter(([, frame]) => frame !== "");
  if (sensorTopics.length === 0) {
    report.missing.push("sensor frames");
    push(finding("error", "no_sensor_frames", data.path, "no message carries a header.frame_id: there are no sensor frames to check"));
  }

  const fromTopics = data.tfStaticTopicPresent || data.cameraInfos.length > 0 ? calibrationFromTopics(data) : undefined;
  const cal = input.override?.calibration ?? embedded ?? fromTopics;
  if (cal) {
    const source = input.override
      ? `--calibration ${input.override.path}`
      : data.embeddedYaml
        ? "the calibration/calibration.yaml attachment"
        : data.embeddedChannels
          ? "the /calibration channels"
          : "/tf_static and camera_info (no calibration recorded)";
    report.calibration = { source, id: cal.provenance.id, created: cal.provenance.created, method: cal.provenance.method };
  }
  const root = options.rootFrame ?? cal?.rootFrame ?? "base_link";
  const recordedAt = recordingStartDate(data);

  if (cal && (embedded || input.override)) validateInto(report, cal, options, recordedAt ?? options.now ?? new Date(), recordedAt ? "recording" : "now", true);

  // Every sensor frame reachable from the root through calibration + /tf_static + /tf (+ URDF).
  const edges = [...(cal?.extrinsics ?? []), ...data.tfStatic, ...data.tfEdges, ...urdfEdges(data.urdfJoints), ...(options.extraEdges ?? [])];
  const reach = reachableFrom(root, edges);
  report.frames = {
    root,
    sensorTopics: sensorTopics.map(([topic, frame]) => ({ topic, frame, reachable: reach.has(frame) })).sort((a, b) => a.topic.localeCompare(b.topic)),
    tfStatic: data.tfStatic.length,
    tfEdges: data.tfEdges.length,
    urdf: data.urdfNames,
  };
  const unreachable = new Map<string, string[]>();
  for (const s of report.frames.sensorTopics) if (!s.reachable) unreachable.set(s.frame, [...(unreachable.get(s.frame) ?? []), s.topic]);
  for (const [frame, topics] of unreachable) {
    push(finding("error", "sensor_frame_unreachable", frame, `sensor frame ${frame} (${topics.join(", ")}) is not connected to ${root} by /tf_static, /tf${data.urdfNames.length ? ", the URDF" : ""} or the calibration`));
  }
  for (const c of cal?.cameras ?? []) {
    if (!reach.has(c.frame)) push(finding("error", "sensor_frame_unreachable", c.name, `camera ${c.name}: optical frame ${c.frame} is not connected to ${root}`));
  }

  // /tf_static as published vs the calibration in force.
  if (cal && (embedded || input.override)) for (const f of compareWithTfStatic(cal, data.tfStatic)) push(f);

  // camera_info in the recording vs the calibration's cameras.
  if (cal) {
    report.cameraInfo = data.cameraInfos.map((i) => {
      const frame = i.distinct[0]?.message.header.frame_id ?? "";
      return { topic: i.topic, frame, messages: i.count, variants: i.distinct.length, camera: cal.cameras.find((c) => c.frame === frame)?.name };
    });
    for (const i of data.cameraInfos) {
      if (i.distinct.length > 1) push(finding("warning", "camera_info_mismatch", i.topic, `${i.topic}: camera_info changed during the recording (${i.distinct.length} different messages)`));
    }
    if (embedded || input.override) {
      const v = validateCalibration(cal, { cameraInfos: data.cameraInfos.flatMap((i) => i.distinct.map((d) => d.message)) });
      for (const f of v.findings) if (f.code === "camera_info_mismatch" || f.code === "camera_info_unmatched") push(f);
      if (data.cameraInfos.length > 0) {
        for (const c of cal.cameras) {
          if (!report.cameraInfo.some((i) => i.frame === c.frame)) push(finding("warning", "camera_info_absent", c.name, `camera ${c.name}: no camera_info for ${c.frame} in the recording`));
        }
      }
    }
  }

  // Geometry: LiDAR points in each camera — against the simulator's truth, and against depth.
  if (cal) {
    report.truth = truthCheck(data, cal, options, push);
    report.depth = depthCheck(data, cal, options, push);
  }
  referenceInto(report, cal ?? emptyCalibration(), options);
  return finish(report);
}

function emptyCalibration(): RigCalibration {
  return { rootFrame: "base_link", cameras: [], extrinsics: [], timeOffsetsNs: {}, provenance: { id: "none", created: new Date(0).toISOString(), method: "none", residuals: {}, who: "", sourceFiles: [] } };
}

function simProfileOf(data: RecordingData): string | undefined {
  const truth = data.episode?.sim_ground_truth as { profile?: unknown } | undefined;
  if (!truth || typeof truth !== "object") return undefined;
  if (typeof truth.profile === "string" && truth.profile) return truth.profile;
  const rig = data.episode?.rig_profile;
  return typeof rig === "string" && rig ? rig : undefined;
}

function truthCheck(data: RecordingData, cal: RigCalibration, options: CheckOptions, push: (f: CalibrationFinding) => void): CheckReport["truth"] {
  const profile = simProfileOf(data);
  if (!profile) return { skipped: "not a simulated recording (no simulator truth in teledemo.episode)" };
  const truth = options.truthOfProfile?.(profile);
  if (!truth) {
    push(finding("warning", "truth_check_skipped", profile, `simulated with rig profile ${profile}, which is not available here: no ground-truth reprojection check`));
    return { skipped: `rig profile ${profile} not found` };
  }
  const cameras: TruthCameraResult[] = [];
  for (const cam of cal.cameras) {
    const trueCam = truth.cameras.find((c) => c.name === cam.name) ?? truth.cameras.find((c) => c.frame === cam.frame);
    if (!trueCam) {
      push(finding("info", "truth_check_skipped", cam.name, `camera ${cam.name} is not in rig profile ${profile}: no truth to compare`));
      continue;
    }
    const errors: number[] = [];
    let method: TruthCameraResult["method"] = "lidar";
    for (const sweep of data.lidar) {
      const a = treeAt(cal, sweep.tf);
      const b = treeAt(truth, sweep.tf);
      if (!a?.canTransform(cam.frame, sweep.frame) || !b?.canTransform(trueCam.frame, sweep.frame)) continue;
      for (const e of reprojectionErrors(sweep.points, cam, a.lookup(cam.frame, sweep.frame), trueCam, b.lookup(trueCam.frame, sweep.frame))) errors.push(e);
    }
    if (errors.length < 20) {
      // No LiDAR (or none in view): points on a grid of the true image at 0.5–2 m, expressed in
      // the root frame through the truth at the first /tf, reprojected through the calibration.
      const tf = data.lidar[0]?.tf ?? data.tfLast;
      const a = treeAt(cal, tf);
      const b = treeAt(truth, tf);
      const rootFrame = cal.rootFrame;
      if (a?.canTransform(cam.frame, rootFrame) && b?.canTransform(trueCam.frame, rootFrame)) {
        method = "pixel-grid";
        const rootTtrue = b.lookup(rootFrame, trueCam.frame);
        const camPts = pixelGridPoints(trueCam);
        const rootPts: number[] = [];
        for (let i = 0; i < camPts.length; i += 3) rootPts.push(...transformPoint(rootTtrue, [camPts[i]!, camPts[i + 1]!, camPts[i + 2]!]));
        errors.length = 0;
        errors.push(...reprojectionErrors(rootPts, cam, a.lookup(cam.frame, rootFrame), trueCam, b.lookup(trueCam.frame, rootFrame)));
      }
    }
    if (errors.length === 0) {
      push(finding("info", "truth_check_skipped", cam.name, `camera ${cam.name}: no point could be projected (frame ${cam.frame} not connected at any LiDAR sweep)`));
      continue;
    }
    const stats = errorStats(errors);
    const pass = stats.rms <= options.maxReprojectionPx;
    cameras.push({ camera: cam.name, method, stats, pass });
    if (!pass) {
      push(
        finding(
          "error",
          "reprojection_error",
          cam.name,
          `camera ${cam.name}: ${method === "lidar" ? "LiDAR points" : "points"} land ${stats.rms.toFixed(2)} px RMS (median ${stats.median.toFixed(2)}, max ${stats.max.toFixed(2)} px, ${stats.count} points) from where the simulator's truth puts them (limit ${options.maxReprojectionPx} px)`,
        ),
      );
    }
  }
  // Time offsets: the simulator knows each sensor clock's true offset.
  const clocks = (data.episode?.sim_ground_truth as { clocks?: Record<string, { offsetNs?: unknown }> } | undefined)?.clocks ?? {};
  const timeOffsets: Array<{ sensor: string; calibrationMs: number | null; truthMs: number }> = [];
  for (const [sensor, clock] of Object.entries(clocks)) {
    if (typeof clock?.offsetNs !== "number") continue;
    const stated = cal.timeOffsetsNs[sensor];
    const truthMs = clock.offsetNs / 1e6;
    timeOffsets.push({ sensor, calibrationMs: stated === undefined ? null : Number(stated) / 1e6, truthMs });
    if (stated !== undefined && Math.abs(Number(stated) / 1e6 - truthMs) > 1) {
      push(finding("error", "time_offset_changed", sensor, `time offset of ${sensor}: the calibration says ${(Number(stated) / 1e6).toFixed(2)} ms, the simulator's clock is offset by ${truthMs.toFixed(2)} ms`));
    }
  }
  const unstated = timeOffsets.filter((t) => t.calibrationMs === null && t.truthMs !== 0);
  if (unstated.length > 0) {
    push(finding("info", "time_offset_missing", "time_offsets", `the calibration states no time offset for ${unstated.map((t) => `${t.sensor} (truth ${t.truthMs.toFixed(1)} ms)`).join(", ")}; alignment relies on the recorded clock models`));
  }
  return { profile, cameras, limitPx: options.maxReprojectionPx, timeOffsets };
}

function depthCheck(data: RecordingData, cal: RigCalibration, options: CheckOptions, push: (f: CalibrationFinding) => void): CheckReport["depth"] {
  if (data.lidar.length === 0) return { skipped: "no LiDAR (sensor_msgs/PointCloud2) in the recording" };
  if (data.depthTopics.length === 0) return { skipped: "no depth image (16UC1 / 32FC1) in the recording" };
  const results: DepthCheckResult[] = [];
  for (const depthTopic of data.depthTopics) {
    const firstFrame = data.lidar.find((s) => s.depth.has(depthTopic))?.depth.get(depthTopic)?.frame;
    const cam: CameraModel | undefined = cal.cameras.find((c) => c.frame === firstFrame);
    if (!cam) {
      push(finding("warning", "data_check_skipped", depthTopic, `${depthTopic}: its frame ${firstFrame ?? "?"} is no camera of the calibration, so LiDAR cannot be compared with it`));
      continue;
    }
    const residuals: number[] = [];
    let sweeps = 0;
    let lidarTopic = "";
    for (const sweep of data.lidar) {
      const img = sweep.depth.get(depthTopic);
      if (!img) continue;
      // Only pairs close in time: the scene may move between the two.
      const dt = Number(img.logTimeNs - sweep.logTimeNs) / 1e9;
      if (Math.abs(dt) > 0.05) continue;
      const tree = treeAt(cal, sweep.tf);
      if (!tree?.canTransform(cam.frame, sweep.frame)) continue;
      lidarTopic = sweep.topic;
      sweeps++;
      const w = img.width;
      const metres = img.metres;
      for (const r of depthResiduals(sweep.points, cam, tree.lookup(cam.frame, sweep.frame), { width: img.width, height: img.height, at: (u, v) => metres[v * w + u]! })) residuals.push(r);
    }
    if (residuals.length < 30) {
      push(finding("warning", "data_check_skipped", cam.name, `LiDAR vs ${depthTopic}: only ${residuals.length} LiDAR points fall on smooth depth in ${sweeps} sweep(s) — too few to judge the extrinsics`));
      continue;
    }
    const a = depthAgreement(residuals, 0.01);
    const result: DepthCheckResult = {
      camera: cam.name,
      lidarTopic,
      depthTopic,
      sweeps,
      points: a.count,
      medianSignedMm: a.medianSignedM * 1000,
      medianAbsMm: a.medianAbsM * 1000,
      p90AbsMm: a.p90AbsM * 1000,
      within1cm: a.withinFraction,
      pass: a.medianAbsM <= options.maxDepthMedianM && a.p90AbsM <= options.maxDepthP90M,
    };
    results.push(result);
    if (!result.pass) {
      push(
        finding(
          "error",
          "depth_disagreement",
          cam.name,
          `LiDAR points projected into ${cam.name} disagree with its depth image: median |Δ| ${result.medianAbsMm.toFixed(1)} mm (signed ${result.medianSignedMm.toFixed(1)} mm), ${(result.within1cm * 100).toFixed(0)}% within 1 cm over ${result.points} points, p90 ${result.p90AbsMm.toFixed(1)} mm (limits: median ${(options.maxDepthMedianM * 1000).toFixed(1)} mm, p90 ${(options.maxDepthP90M * 1000).toFixed(1)} mm): the LiDAR↔camera extrinsic is off`,
        ),
      );
    }
  }
  return results;
}
