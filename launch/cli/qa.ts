// `teledemo qa`: per episode pass / warn / fail with reasons (recorder/qa), for episodes or whole
// libraries; results cached as <episode>/qa.json. Exit code 1 when any episode fails.
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { EPISODE_FILE, EPISODE_SIDECAR } from "../../recorder/episode/layout.ts";
import { DEFAULT_QA_THRESHOLDS, runQa, type QaReport, type QaThresholds } from "../../recorder/qa/index.ts";
import { numberOption, parseCommandArgs } from "./args.ts";
import { type Command, UsageError } from "./command.ts";
import { renderTable } from "./table.ts";

const THRESHOLD_NAMES = Object.keys(DEFAULT_QA_THRESHOLDS) as Array<keyof QaThresholds>;

const USAGE = `usage: teledemo qa <episode|file.mcap|library>... [--json] [--max-calibration-age D]
                  [--threshold NAME=VALUE]... [--no-cache] [--force]

Checks every episode: under-rate streams (vs the rig profile's rate, else the stream's median
rate), gaps, clock jumps, idle stretches and hesitations of the arms, jerk outliers in the joint
positions, sync skew at the pivot camera's frames, stale calibration and the recorder's own
flags. Each episode gets pass, warn or fail with its reasons. Reports are cached as
<episode>/qa.json and reused while the episode's files and the thresholds are unchanged.

  --json                  one JSON object: {episodes: [report...], summary}
  --max-calibration-age D calibration older than D days when recorded is stale  [${DEFAULT_QA_THRESHOLDS.maxCalibrationAgeDays}]
  --threshold NAME=VALUE  override a threshold (repeatable); names: ${THRESHOLD_NAMES.join(", ")}
  --no-cache              neither read nor write qa.json
  --force                 recompute even when qa.json is current (and rewrite it)

Exit code: 0 when no episode fails (warnings allowed), 1 when any fails, 2 on bad input.
`;

/** Episode folders (or recordings) named by the arguments; a library expands to its episodes. */
export function qaTargets(paths: readonly string[]): string[] {
  const out: string[] = [];
  for (const p of paths) {
    const full = resolve(p);
    if (!existsSync(full)) throw new UsageError(`${p}: no such file or directory`);
    if (!statSync(full).isDirectory()) {
      out.push(full);
      continue;
    }
    const isRecording =
      existsSync(join(full, EPISODE_FILE)) || existsSync(join(full, EPISODE_SIDECAR)) || existsSync(join(full, "metadata.yaml")) || readdirSync(full).some((f) => f.endsWith(".mcap"));
    if (isRecording) {
      out.push(full);
      continue;
    }
    const episodes = readdirSync(full, { withFileTypes: true })
      .filter((e) => e.isDirectory() && (existsSync(join(full, e.name, EPISODE_FILE)) || existsSync(join(full, e.name, EPISODE_SIDECAR))))
      .map((e) => join(full, e.name))
      .sort();
    if (episodes.length === 0) throw new UsageError(`${p}: not an episode, a recording or an episode library (no ${EPISODE_FILE} in it or in its folders)`);
    out.push(...episodes);
  }
  return out;
}

function parseThresholds(values: string[] | undefined, maxAge: string | undefined): Partial<QaThresholds> {
  const out: Partial<QaThresholds> = {};
  for (const v of values ?? []) {
    const m = /^([A-Za-z]+)=(.+)$/.exec(v);
    if (!m) throw new UsageError(`--threshold expects NAME=VALUE, got "${v}"`);
    const name = m[1] as keyof QaThresholds;
    if (!THRESHOLD_NAMES.includes(name)) throw new UsageError(`--threshold: unknown threshold "${m[1]}"; known: ${THRESHOLD_NAMES.join(", ")}`);
    out[name] = numberOption(`threshold ${name}`, m[2], 0, (n) => Number.isFinite(n) && n >= 0);
  }
  if (maxAge !== undefined) out.maxCalibrationAgeDays = numberOption("max-calibration-age", maxAge, DEFAULT_QA_THRESHOLDS.maxCalibrationAgeDays, (n) => n > 0);
  return out;
}

export const qaCommand: Command = {
  name: "qa",
  summary: "quality checks per episode (rates, gaps, clock jumps, idle, jerk, sync skew, calibration): pass / warn / fail",
  usage: USAGE,
  async run(argv, ctx) {
    const { values, positionals } = parseCommandArgs(
      argv,
      {
        json: { type: "boolean", default: false },
        "max-calibration-age": { type: "string" },
        threshold: { type: "string", multiple: true },
        "no-cache": { type: "boolean", default: false },
        force: { type: "boolean", default: false },
      },
      true,
    );
    if (positionals.length === 0) throw new UsageError("give at least one episode folder, recording or library");
    const thresholds = parseThresholds(values.threshold, values["max-calibration-age"]);
    const targets = qaTargets(positionals);
    const reports: QaReport[] = [];
    for (const [i, target] of targets.entries()) {
      if (!values.json && targets.length > 1 && ctx.isTty) ctx.stderr(`\rqa ${i + 1}/${targets.length} ${target}`);
      reports.push(await runQa(target, { thresholds, cache: !values["no-cache"], force: values.force }));
    }
    if (!values.json && targets.length > 1 && ctx.isTty) ctx.stderr("\n");
    const summary = {
      episodes: reports.length,
      pass: reports.filter((r) => r.status === "pass").length,
      warn: reports.filter((r) => r.status === "warn").length,
      fail: reports.filter((r) => r.status === "fail").length,
    };
    if (values.json) {
      ctx.stdout(`${JSON.stringify({ episodes: reports, summary })}\n`);
    } else {
      ctx.stdout(
        renderTable(reports, [
          { title: "episode", value: (r) => r.id ?? r.path },
          { title: "status", value: (r) => r.status.toUpperCase() },
          { title: "duration s", value: (r) => r.durationS.toFixed(1), align: "right" },
          { title: "findings", value: (r) => String(r.findings.length), align: "right" },
          { title: "cached", value: (r) => (r.cached ? "yes" : "no") },
        ]),
      );
      for (const r of reports) {
        if (r.findings.length === 0) continue;
        ctx.stdout(`\n${r.id ?? r.path} (${r.status}):\n`);
        for (const f of r.findings) ctx.stdout(`  ${f.severity.padEnd(4)} ${f.check.padEnd(17)} ${f.message}\n`);
      }
      ctx.stdout(`\n${summary.episodes} episode${summary.episodes === 1 ? "" : "s"}: ${summary.pass} pass, ${summary.warn} warn, ${summary.fail} fail\n`);
    }
    return summary.fail > 0 ? 1 : 0;
  },
};
