// `teledemo info <episode|file|bag|library>`: what a recording holds and whether it is healthy.
import { inspectPath, InfoError, type LibraryReport, type RecordingReport } from "../../recorder/info/inspect.ts";
import { parseCommandArgs } from "./args.ts";
import { type Command, UsageError } from "./command.ts";
import { fixed, renderTable } from "./table.ts";

const USAGE = `usage: teledemo info <episode-dir | file.mcap | bag-dir | library-dir> [--verify] [--json]

Shows duration, per-topic type / message count / rate, metadata (task, operator, robot, outcome,
flags), whether calibration is recorded, and the file's health. Reads indexed files through their
summary; files without one (after a crash, or cut short) are scanned record by record, and the
report says so. A rosbag2 bag folder (metadata.yaml) is read as one recording even when it is
split over several files. A library folder lists its episodes.

options:
  --verify  also read every record of indexed files (chunk CRCs, counts vs statistics)
  --json    one JSON object instead of text
`;

export const infoCommand: Command = {
  name: "info",
  summary: "describe an episode, MCAP file, rosbag2 bag or episode library",
  usage: USAGE,
  async run(argv, ctx) {
    const { values, positionals } = parseCommandArgs(argv, { json: { type: "boolean", default: false }, verify: { type: "boolean", default: false } }, true);
    if (positionals.length !== 1) throw new UsageError(`expected one path (an episode folder, an .mcap file, a bag folder or a library), got ${positionals.length}`);
    let report: RecordingReport | LibraryReport;
    try {
      report = await inspectPath(positionals[0] as string, { verify: values.verify });
    } catch (err) {
      if (err instanceof InfoError) throw new Error(err.message);
      throw new Error(`${positionals[0]}: ${(err as Error).message}`);
    }
    if (values.json) {
      ctx.stdout(`${JSON.stringify(report, null, 2)}\n`);
      return 0;
    }
    ctx.stdout(report.kind === "library" ? renderLibrary(report) : renderRecording(report));
    return 0;
  },
};

function isoOf(ns: string | undefined): string {
  if (ns === undefined) return "-";
  const ms = Number(BigInt(ns) / 1_000_000n);
  return ms > 0 && ms < 8.64e15 ? new Date(ms).toISOString() : `${ns} ns`;
}

function bytes(n: number): string {
  return n >= 1e9 ? `${fixed(n / 1e9, 2)} GB` : n >= 1e6 ? `${fixed(n / 1e6, 1)} MB` : n >= 1e3 ? `${fixed(n / 1e3, 1)} kB` : `${n} B`;
}

export function renderRecording(r: RecordingReport): string {
  const out: string[] = [];
  const totalBytes = r.files.reduce((n, f) => n + f.bytes, 0);
  out.push(`${r.kind} ${r.path}`);
  if (r.files.length > 1) out.push(`files       ${r.files.length} (read as one recording): ${r.files.map((f) => f.path.split("/").pop()).join(", ")}`);
  const f0 = r.files[0];
  if (f0 !== undefined) out.push(`format      MCAP profile "${f0.profile}", written by ${f0.library || "?"}; chunks: ${[...new Set(r.files.flatMap((f) => f.compression))].join(", ") || "none"}`);
  out.push(`size        ${bytes(totalBytes)}`);
  out.push(`time        ${isoOf(r.startNs)} → ${isoOf(r.endNs)}  (${fixed(r.durationS, 3)} s)`);
  out.push(`messages    ${r.messageCount} on ${r.topics.length} topics`);
  const ep = r.episode;
  if (ep !== undefined) {
    const robot = ep.robot as { model?: string; hardware_revision?: string } | undefined;
    out.push(`episode     ${String(ep.id ?? "?")}  outcome: ${String(ep.outcome ?? "?")}`);
    out.push(`task        ${String(ep.task ?? "") || "-"}`);
    out.push(`operator    ${String(ep.operator ?? "") || "-"}`);
    if (robot !== undefined) out.push(`robot       ${robot.model ?? "?"} ${robot.hardware_revision ?? ""}  (rig profile ${String(ep.rig_profile ?? "?")})`);
    if (ep.teledemo_version !== undefined) out.push(`recorded by teledemo ${String(ep.teledemo_version)}${ep.teledemo_commit ? ` (${String(ep.teledemo_commit)})` : ""}, source ${String(ep.source ?? "?")}`);
    if (ep.sim_ground_truth !== undefined) out.push(`simulator   ground truth recorded`);
  }
  out.push(`flags       ${r.flags.length > 0 ? r.flags.join(", ") : "none"}`);
  const calChannels = new Set(r.files.flatMap((f) => f.calibration.channels));
  const calFiles = new Set(r.files.flatMap((f) => f.calibration.attachments));
  out.push(`calibration ${r.calibrationPresent ? `present: ${calChannels.size} channel${calChannels.size === 1 ? "" : "s"} (foxglove.CameraCalibration/FrameTransforms), ${calFiles.size} file${calFiles.size === 1 ? "" : "s"}` : "not recorded"}`);
  const health = r.health === "ok" ? "ok (indexed)" : r.health;
  out.push(`health      ${health}`);
  for (const f of r.files) {
    const verified = f.healthDetail.filter((l) => l.startsWith("verified"));
    if (f.health === "ok") {
      for (const line of verified) out.push(`  ${f.path.split("/").pop()}: ${line}`);
      continue;
    }
    out.push(`  ${f.path.split("/").pop()}: ${f.health}`);
    for (const line of f.healthDetail) out.push(`    ${line}`);
  }
  const metaNames = [...new Set(r.files.flatMap((f) => Object.keys(f.metadata)))];
  out.push(`metadata    ${metaNames.length > 0 ? metaNames.join(", ") : "none"}`);
  const atts = r.files.flatMap((f) => f.attachments);
  if (atts.length > 0) out.push(`attachments ${atts.map((a) => `${a.name} (${bytes(a.bytes)})`).join("\n            ")}`);
  out.push("");
  out.push(
    renderTable(r.topics, [
      { title: "topic", value: (t) => t.topic },
      { title: "type", value: (t) => t.type },
      { title: "encoding", value: (t) => `${t.messageEncoding}/${t.schemaEncoding || "-"}` },
      { title: "messages", value: (t) => String(t.messageCount), align: "right" },
      { title: "Hz", value: (t) => (t.rateHz > 0 ? fixed(t.rateHz, 1) : "-"), align: "right" },
    ]).trimEnd(),
  );
  return `${out.join("\n")}\n`;
}

function renderLibrary(l: LibraryReport): string {
  const lines = [`library ${l.path}: ${l.episodes.length} episode${l.episodes.length === 1 ? "" : "s"}`, ""];
  if (l.episodes.length > 0) {
    lines.push(
      renderTable(l.episodes, [
        { title: "episode", value: (e) => String(e.episode?.id ?? e.path.split("/").pop()) },
        { title: "task", value: (e) => String(e.episode?.task ?? e.sidecar?.task ?? "") },
        { title: "outcome", value: (e) => String(e.episode?.outcome ?? e.sidecar?.outcome ?? "?") },
        { title: "duration s", value: (e) => fixed(e.durationS, 1), align: "right" },
        { title: "messages", value: (e) => String(e.messageCount), align: "right" },
        { title: "flags", value: (e) => (e.flags.length > 0 ? e.flags.join(",") : "-") },
        { title: "health", value: (e) => e.health },
      ]).trimEnd(),
    );
  }
  for (const p of l.problems) lines.push(`problem: ${p.path}: ${p.error}`);
  return `${lines.join("\n")}\n`;
}
