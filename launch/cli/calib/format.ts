// Text and JSON renderings for `teledemo calib show` and `teledemo calib check`.
import { transformToXyzRpy, TransformTree, type CalibrationFinding, type RigCalibration } from "../../../calibration/index.ts";
import { fixed, renderTable } from "../table.ts";
import type { CheckReport } from "./check.ts";

const DAY_MS = 86_400_000;

export function ageDays(cal: RigCalibration, now = new Date()): number | undefined {
  const t = Date.parse(cal.provenance.created);
  return Number.isNaN(t) ? undefined : (now.getTime() - t) / DAY_MS;
}

function num(n: number, digits = 4): string {
  return Number.isFinite(n) ? String(Number(n.toFixed(digits))) : String(n);
}

function frameTreeLines(cal: RigCalibration): string[] {
  let tree: TransformTree;
  try {
    tree = new TransformTree(cal.extrinsics);
  } catch (err) {
    return [`  (invalid: ${(err as Error).message})`];
  }
  const children = new Map<string, string[]>();
  for (const e of cal.extrinsics) children.set(e.parent, [...(children.get(e.parent) ?? []), e.child]);
  const byChild = new Map(cal.extrinsics.map((e) => [e.child, e]));
  const lines: string[] = [];
  const walk = (frame: string, depth: number) => {
    const e = byChild.get(frame);
    let text = `${"  ".repeat(depth + 1)}${frame}`;
    if (e) {
      const { xyz, rpy } = transformToXyzRpy(e);
      text += `  xyz [${xyz.map((v) => num(v, 4)).join(", ")}] m  rpy [${rpy.map((v) => num((v * 180) / Math.PI, 3)).join(", ")}]°`;
    }
    lines.push(text);
    for (const c of (children.get(frame) ?? []).sort()) walk(c, depth + 1);
  };
  const roots = tree.roots.sort((a, b) => (a === cal.rootFrame ? -1 : b === cal.rootFrame ? 1 : a.localeCompare(b)));
  for (const r of roots) {
    if (r !== cal.rootFrame) lines.push(`  (not connected to ${cal.rootFrame}; a moving joint must provide ${r})`);
    walk(r, 0);
  }
  return lines.length ? lines : ["  (none)"];
}

export function showText(cal: RigCalibration, where: string, source: string, now = new Date()): string {
  const age = ageDays(cal, now);
  const p = cal.provenance;
  const out: string[] = [];
  out.push(`calibration ${p.id}  (${where}${source ? `, from ${source}` : ""})`);
  out.push(`created     ${p.created}${age === undefined ? "" : `  (${age < 1 ? `${(age * 24).toFixed(1)} hours` : `${age.toFixed(1)} days`} ago)`}`);
  out.push(`method      ${p.method || "-"}${p.who ? `  by ${p.who}` : ""}`);
  if (Object.keys(p.residuals).length) out.push(`residuals   ${Object.entries(p.residuals).map(([k, v]) => `${k} ${num(v, 4)}`).join(", ")}`);
  if (p.sourceFiles.length) out.push(`sources     ${p.sourceFiles.join(", ")}`);
  out.push(`root frame  ${cal.rootFrame}`);
  out.push("");
  if (cal.cameras.length) {
    out.push(`cameras (${cal.cameras.length})`);
    out.push(
      renderTable(cal.cameras, [
        { title: "name", value: (c) => c.name },
        { title: "frame", value: (c) => c.frame },
        { title: "size", value: (c) => `${c.width}×${c.height}` },
        { title: "fx", value: (c) => fixed(c.K[0]!, 2), align: "right" },
        { title: "fy", value: (c) => fixed(c.K[4]!, 2), align: "right" },
        { title: "cx", value: (c) => fixed(c.K[2]!, 2), align: "right" },
        { title: "cy", value: (c) => fixed(c.K[5]!, 2), align: "right" },
        { title: "model", value: (c) => c.distortionModel },
        { title: "D", value: (c) => `[${c.D.map((d) => num(d, 6)).join(", ")}]` },
      ]).trimEnd(),
    );
  } else out.push("cameras     none");
  out.push("");
  out.push(`frame tree (${cal.extrinsics.length} transforms, parent_T_child)`);
  out.push(...frameTreeLines(cal));
  out.push("");
  const offsets = Object.entries(cal.timeOffsetsNs);
  out.push(offsets.length ? `time offsets (sensor − host)\n${offsets.map(([k, v]) => `  ${k.padEnd(24)} ${(Number(v) / 1e6).toFixed(3)} ms`).join("\n")}` : "time offsets none");
  return `${out.join("\n")}\n`;
}

const SEVERITY = { error: "ERROR  ", warning: "warning", info: "info   " } as const;

function findingLines(findings: readonly CalibrationFinding[]): string[] {
  const order = { error: 0, warning: 1, info: 2 } as const;
  return [...findings].sort((a, b) => order[a.severity] - order[b.severity]).map((f) => `  ${SEVERITY[f.severity]}  ${f.message}`);
}

export function checkText(r: CheckReport): string {
  const out: string[] = [];
  out.push(`calib check ${r.target}  (${r.kind})`);
  if (r.missing.length) out.push(`missing      ${r.missing.join(", ")}`);
  if (r.calibration) out.push(`calibration  ${r.calibration.id}  (${r.calibration.method}, created ${r.calibration.created}; from ${r.calibration.source})`);
  if (r.age) out.push(`age          ${r.age.days.toFixed(1)} days ${r.age.at === "recording" ? "when recorded" : "now"} (limit ${r.age.limitDays})`);
  if (r.frames) {
    const bad = r.frames.sensorTopics.filter((s) => !s.reachable);
    const frames = new Set(r.frames.sensorTopics.map((s) => s.frame));
    if (frames.size === 0) out.push(`frames       none: no message names a sensor frame`);
    else out.push(
      `frames       ${frames.size} sensor frame(s) on ${r.frames.sensorTopics.length} topic(s); ${bad.length ? `${new Set(bad.map((b) => b.frame)).size} NOT reachable` : "all reachable"} from ${r.frames.root} (/tf_static ${r.frames.tfStatic}, /tf ${r.frames.tfEdges} edges${r.frames.urdf.length ? `, URDF ${r.frames.urdf.join(", ")}` : ""})`,
    );
  }
  if (r.cameraInfo && r.cameraInfo.length) {
    out.push(`camera_info  ${r.cameraInfo.map((c) => `${c.topic} → ${c.camera ?? "no camera"}`).join(", ")}`);
  }
  if (r.truth) {
    if ("skipped" in r.truth) out.push(`truth        skipped: ${r.truth.skipped}`);
    else {
      out.push(`truth        reprojection vs the simulator's truth (rig profile ${r.truth.profile}, limit ${r.truth.limitPx} px RMS)`);
      for (const c of r.truth.cameras) {
        out.push(`  ${c.pass ? "ok  " : "FAIL"} ${c.camera.padEnd(22)} rms ${fixed(c.stats.rms, 3)} px  median ${fixed(c.stats.median, 3)}  p95 ${fixed(c.stats.p95, 3)}  max ${fixed(c.stats.max, 3)} px  (${c.stats.count} ${c.method === "lidar" ? "LiDAR points" : "grid points"})`);
      }
    }
  }
  if (r.depth) {
    if ("skipped" in r.depth) out.push(`depth        skipped: ${r.depth.skipped}`);
    else {
      out.push("depth        LiDAR points projected into depth cameras vs the depth image at that pixel");
      for (const d of r.depth) {
        out.push(
          `  ${d.pass ? "ok  " : "FAIL"} ${d.camera.padEnd(22)} median |Δ| ${fixed(d.medianAbsMm, 1)} mm (signed ${fixed(d.medianSignedMm, 1)}), p90 ${fixed(d.p90AbsMm, 1)} mm, ${fixed(d.within1cm * 100, 0)}% within 1 cm  (${d.points} points, ${d.sweeps} sweeps of ${d.lidarTopic})`,
        );
      }
    }
  }
  if (r.reference) {
    const c = r.reference.comparison;
    const worst = [...c.extrinsics].sort((a, b) => b.translationMm - a.translationMm)[0];
    out.push(`reference    ${r.reference.path}: ${c.withinTolerance ? "within tolerance" : "DIFFERS"}${worst ? ` (largest extrinsic change ${worst.child}: ${worst.translationMm.toFixed(2)} mm, ${worst.rotationDeg.toFixed(3)}°)` : ""}`);
  }
  const shown = r.findings.filter((f) => f.severity !== "info" || r.findings.length < 30);
  if (shown.length) {
    out.push("findings");
    out.push(...findingLines(shown));
  }
  const errors = r.findings.filter((f) => f.severity === "error").length;
  const warnings = r.findings.filter((f) => f.severity === "warning").length;
  out.push(`result       ${r.ok ? "PASS" : "FAIL"}${errors ? ` — ${errors} error(s)` : ""}${warnings ? `${errors ? "," : " —"} ${warnings} warning(s)` : ""}`);
  return `${out.join("\n")}\n`;
}

/** JSON with bigint as strings and NaN/Infinity as null. */
export function toJson(value: unknown): string {
  return `${JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : typeof v === "number" && !Number.isFinite(v) ? null : v instanceof Map ? Object.fromEntries(v) : v), 2)}\n`;
}
