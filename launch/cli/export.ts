// `teledemo export`: aligned, resampled, labelled episodes → LeRobot v3.0, ACT/ALOHA HDF5 or
// robomimic HDF5 (export/). Progress on stderr (a bar on a terminal) or JSON lines with --json.
import { FORMATS, type ExportFormat } from "../../export/formats.ts";
import { FilterError, FILTER_KEYS, parseFilter } from "../../export/filter.ts";
import { InputError } from "../../export/episodes.ts";
import { MappingError } from "../../export/mapping.ts";
import { runExport, type ExportProgress, type ExportSummary } from "../../export/run.ts";
import { integerOption, numberOption, parseCommandArgs } from "./args.ts";
import { type Command, UsageError } from "./command.ts";
import { fixed, renderTable } from "./table.ts";

const USAGE = `usage: teledemo export --format lerobot|hdf5|robomimic --fps N --out DIR [options] <episode|library|bag|file.mcap>...

Resamples every episode on a fixed-rate grid of the corrected timeline (the aligned episode
reader's clock models), maps streams to dataset features through a mapping file, and writes the
dataset. Episodes already in DIR are skipped (resume).

options:
  --format F          lerobot (v3.0), hdf5 (ACT/ALOHA: one episode_<i>.hdf5 per episode), robomimic (dataset.hdf5)
  --fps N             grid rate, integer 1..1000
  --out DIR           output folder (created; an existing export there is resumed)
  --filter EXPR       keep episodes matching KEY OP VALUE (repeatable, all must hold); OP: = != ~ !~ < <= > >=
                      keys: ${FILTER_KEYS.join(", ")}
                      e.g. --filter outcome=success --filter quality=accept --filter qa!=fail --filter task~cube
  --jobs N            episodes resampled in parallel worker threads (default 1)
  --mapping FILE      mapping file (default: export/mappings/<rig profile>.yaml)
  --annotator NAME    whose labels to export (default: the most recently updated sidecar)
  --on-stale P        drop (default): an episode with grid frames beyond a stream's tolerance is left out;
                      flag: keep it and record stale:<topic> flags
  --vcodec C          lerobot video codec: auto (AV1 when ffmpeg has it, else H.264), av1, h264
  --crf N --gop N     lerobot video quality / keyframe interval (default 30 / 2)
  --valid-ratio R     robomimic: fraction of demos in mask/valid (default 0.1)
  --hdf5-gzip N       gzip level of HDF5 image datasets, 0..9 (default 4; 0 = uncompressed)
  --json              JSON lines: progress events, then a summary
`;

function formatOf(value: string | undefined): ExportFormat {
  if (value === undefined) throw new UsageError(`--format is required (${FORMATS.join(", ")})`);
  if (!(FORMATS as readonly string[]).includes(value)) throw new UsageError(`unknown --format "${value}"; formats: ${FORMATS.join(", ")}`);
  return value as ExportFormat;
}

function progressLine(p: ExportProgress): string {
  const width = 24;
  const filled = Math.round((p.done / Math.max(1, p.total)) * width);
  return `\r[${"#".repeat(filled)}${".".repeat(width - filled)}] ${p.done}/${p.total} ${p.outcome.id.slice(0, 40)} ${p.outcome.status}\x1b[K`;
}

function summaryText(s: ExportSummary): string {
  const lines: string[] = [];
  for (const e of s.episodes) lines.push(`${e.status.padEnd(16)} ${e.id}: ${e.message}`);
  lines.push("");
  const exported = s.episodes.filter((e) => e.status === "exported" && e.report);
  if (exported.length > 0) {
    const rows = exported.flatMap((e) => e.report!.map((r) => ({ id: e.id, ...r })));
    // one row per stream (the worst episode), so a library export stays readable
    const worst = new Map<string, (typeof rows)[number]>();
    for (const r of rows) {
      const old = worst.get(`${r.feature}|${r.topic}`);
      if (!old || r.staleness.maxMs > old.staleness.maxMs) worst.set(`${r.feature}|${r.topic}`, r);
    }
    lines.push("alignment (worst episode per stream):");
    lines.push(
      renderTable([...worst.values()], [
        { title: "feature", value: (r) => r.feature },
        { title: "topic", value: (r) => r.topic },
        { title: "mode", value: (r) => r.mode },
        { title: "tol ms", value: (r) => fixed(r.toleranceMs, 1), align: "right" },
        { title: "skew p50/p99/max ms", value: (r) => `${fixed(r.staleness.p50Ms, 1)}/${fixed(r.staleness.p99Ms, 1)}/${fixed(r.staleness.maxMs, 1)}`, align: "right" },
        { title: "stale frames", value: (r) => String(r.framesBeyondTolerance), align: "right" },
        { title: "episode", value: (r) => r.id },
      ]).trimEnd(),
    );
    lines.push("");
  }
  const c = s.counts;
  lines.push(`${s.format} → ${s.out}: ${c.exported} exported, ${c["already-exported"]} already there, ${c.filtered} filtered out, ${c.dropped} dropped, ${c.failed} failed`);
  for (const line of s.selfCheck) lines.push(`self-check: ${line}`);
  return `${lines.join("\n")}\n`;
}

export const exportCommand: Command = {
  name: "export",
  summary: "aligned, labelled episodes → LeRobot v3.0, ACT/ALOHA HDF5 or robomimic (filters, --jobs, resume)",
  usage: USAGE,
  async run(argv, ctx) {
    const { values, positionals } = parseCommandArgs(
      argv,
      {
        format: { type: "string" },
        fps: { type: "string" },
        out: { type: "string" },
        filter: { type: "string", multiple: true },
        jobs: { type: "string" },
        mapping: { type: "string" },
        annotator: { type: "string" },
        "on-stale": { type: "string" },
        vcodec: { type: "string" },
        crf: { type: "string" },
        gop: { type: "string" },
        "valid-ratio": { type: "string" },
        "hdf5-gzip": { type: "string" },
        json: { type: "boolean", default: false },
      },
      true,
    );
    const format = formatOf(values.format);
    if (values.fps === undefined) throw new UsageError("--fps is required (an integer frame rate, e.g. --fps 30)");
    const fps = integerOption("fps", values.fps, 30, 1);
    if (fps > 1000) throw new UsageError(`--fps must be ≤ 1000, got ${fps}`);
    if (!values.out) throw new UsageError("--out DIR is required");
    if (positionals.length === 0) throw new UsageError("give at least one episode folder, library, rosbag2 folder or .mcap file");
    const onStale = values["on-stale"] ?? "drop";
    if (onStale !== "drop" && onStale !== "flag") throw new UsageError(`--on-stale must be drop or flag, got "${onStale}"`);
    const vcodec = values.vcodec ?? "auto";
    if (vcodec !== "auto" && vcodec !== "av1" && vcodec !== "h264") throw new UsageError(`--vcodec must be auto, av1 or h264, got "${vcodec}"`);
    const crf = integerOption("crf", values.crf, 30, 0);
    if (crf > 63) throw new UsageError(`--crf must be ≤ 63, got ${crf}`);
    const gop = integerOption("gop", values.gop, 2, 1);
    const jobs = integerOption("jobs", values.jobs, 1, 1);
    const validRatio = numberOption("valid-ratio", values["valid-ratio"], 0.1, (n) => Number.isFinite(n) && n >= 0 && n < 1);
    const gzipLevel = integerOption("hdf5-gzip", values["hdf5-gzip"], 4, 0);
    if (gzipLevel > 9) throw new UsageError(`--hdf5-gzip must be 0..9, got ${gzipLevel}`);
    let filters;
    try {
      filters = (values.filter ?? []).map(parseFilter);
    } catch (err) {
      if (err instanceof FilterError) throw new UsageError(err.message);
      throw err;
    }
    const tty = !values.json && Boolean(process.stderr.isTTY);
    let summary: ExportSummary;
    try {
      summary = await runExport(
        { inputs: positionals, format, fps, out: values.out, filters, jobs, mappingPath: values.mapping, annotator: values.annotator, onStale, video: { codec: vcodec, crf, gop }, gzipLevel, validRatio },
        (p) => {
          if (values.json) ctx.stdout(`${JSON.stringify({ kind: "progress", done: p.done, total: p.total, episode: p.outcome.id, status: p.outcome.status, message: p.outcome.message, frames: p.outcome.frames ?? null, flags: p.outcome.flags ?? [] })}\n`);
          else if (tty) ctx.stderr(progressLine(p));
          else ctx.stderr(`${p.outcome.status} ${p.outcome.id}: ${p.outcome.message}\n`);
        },
      );
    } catch (err) {
      if (err instanceof InputError || err instanceof MappingError) throw new UsageError(err.message);
      throw err;
    }
    if (tty) ctx.stderr("\n");
    if (values.json) ctx.stdout(`${JSON.stringify({ kind: "summary", ...summary })}\n`);
    else ctx.stdout(summaryText(summary));
    return summary.counts.failed > 0 ? 1 : 0;
  },
};
