// `teledemo align`: offline alignment of a recorded episode — two-pass clock fits plus
// cross-modal latency corrections — written to <episode>/alignment.json (the MCAP is untouched).
import { statSync } from "node:fs";
import { computeAlignment, writeAlignmentFile } from "../../recorder/aligned/align.ts";
import { recordingFiles } from "../../recorder/aligned/source.ts";
import { parseCommandArgs } from "./args.ts";
import { type Command, UsageError } from "./command.ts";
import { fixed, renderTable } from "./table.ts";

const USAGE = `usage: teledemo align <episode> [--json] [--dry-run]

Recomputes the episode's clock models offline from the whole recording (two passes; clock jumps
become separate segments) and the cross-modal latency corrections (wrist force vs fingertip
tactile pressure and gripper effort, IMU angular rate vs the joint velocities of its link through
the rig's kinematics; joint states are the reference), and writes them to <episode>/alignment.json
(atomically). The MCAP files are never modified. The aligned reader, the viewer and the export
prefer alignment.json over the models recorded live.

  --json      the result as JSON (the alignment file plus per-stream rows)
  --dry-run   compute and print, do not write alignment.json
`;

export const alignCommand: Command = {
  name: "align",
  summary: "offline clock models + cross-modal latency corrections of an episode → <episode>/alignment.json",
  usage: USAGE,
  async run(argv, ctx) {
    const { values, positionals } = parseCommandArgs(argv, { json: { type: "boolean", default: false }, "dry-run": { type: "boolean", default: false } }, true);
    if (positionals.length !== 1) throw new UsageError("give one episode folder");
    const path = positionals[0]!;
    try {
      recordingFiles(path);
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    if (!values["dry-run"] && !statSync(path).isDirectory()) throw new UsageError(`${path}: alignment.json is written beside an episode; give its folder (or --dry-run)`);
    const result = await computeAlignment(path);
    const written = values["dry-run"] ? undefined : writeAlignmentFile(path, result.alignment);
    if (values.json) {
      ctx.stdout(`${JSON.stringify({ episode: path, written: written ?? null, streams: result.rows, crossModalSkipped: result.crossModalSkipped ?? null, alignment: result.alignment })}\n`);
      return 0;
    }
    const hasTruth = result.rows.some((r) => r.truth);
    ctx.stdout(
      renderTable(result.rows, [
        { title: "topic", value: (r) => r.topic },
        { title: "msgs", value: (r) => String(r.messages), align: "right" },
        { title: "offset ms", value: (r) => (r.offsetMs === undefined ? "-" : fixed(r.offsetMs, 3)), align: "right" },
        { title: "drift ppm", value: (r) => (r.driftPpm === undefined ? "-" : fixed(r.driftPpm, 2)), align: "right" },
        { title: "segments", value: (r) => String(r.segments), align: "right" },
        { title: "cross-modal ms", value: (r) => fixed(r.crossModalOffsetMs, 3), align: "right" },
        ...(hasTruth
          ? [
              { title: "offset err ms", value: (r: (typeof result.rows)[number]) => (r.truth ? fixed(r.truth.offsetErrorMs, 3) : "-"), align: "right" as const },
              { title: "drift err ppm", value: (r: (typeof result.rows)[number]) => (r.truth ? fixed(r.truth.driftErrorPpm, 2) : "-"), align: "right" as const },
              { title: "x-modal err ms", value: (r: (typeof result.rows)[number]) => (r.truth?.crossModalErrorMs === undefined ? "-" : fixed(r.truth.crossModalErrorMs, 3)), align: "right" as const },
            ]
          : []),
      ]),
    );
    if (result.crossModalSkipped) ctx.stdout(`cross-modal estimation skipped: ${result.crossModalSkipped}\n`);
    else ctx.stdout(`cross-modal corrections are relative to ${result.crossModal?.referenceTopic ?? "the reference"} (added to the clock-model time)\n`);
    ctx.stdout(written ? `wrote ${written}\n` : "dry run: nothing written\n");
    return 0;
  },
};
