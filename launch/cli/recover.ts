// `teledemo recover <file>`: rebuild a valid, indexed copy of an MCAP file that was cut short.
import { existsSync } from "node:fs";
import { McapFormatError } from "../../recorder/mcap/scan.ts";
import { parseCompression } from "../../recorder/mcap/compression.ts";
import { recoverMcap, RecoverError, type RecoverReport } from "../../recorder/mcap/recover.ts";
import { parseCommandArgs } from "./args.ts";
import { type Command, UsageError } from "./command.ts";

const USAGE = `usage: teledemo recover <file.mcap> [--out FILE] [--force] [--compression none|zstd] [--json]

Rebuilds a valid, indexed MCAP file from one whose recording was interrupted (SIGKILL, power
loss, a full disk): every complete record is kept, an incomplete tail and chunks that fail their
CRC are dropped, the summary and indexes are rebuilt, and a 'teledemo.recovery' metadata record
says what was lost. The original file is never modified.

options:
  --out FILE               where to write  [<name>.recovered.mcap beside the input]
  --force                  replace --out if it exists
  --compression none|zstd  chunk compression of the rebuilt file  [as the input]
  --json                   print the report as JSON
`;

export const recoverCommand: Command = {
  name: "recover",
  summary: "rebuild a valid, indexed copy of an interrupted MCAP recording",
  usage: USAGE,
  async run(argv, ctx) {
    const { values, positionals } = parseCommandArgs(
      argv,
      { out: { type: "string" }, force: { type: "boolean", default: false }, compression: { type: "string" }, json: { type: "boolean", default: false } },
      true,
    );
    if (positionals.length !== 1) throw new UsageError(`expected one .mcap file, got ${positionals.length}`);
    const input = positionals[0] as string;
    if (!existsSync(input)) throw new Error(`${input}: no such file`);
    let compression;
    if (values.compression !== undefined) {
      try {
        compression = parseCompression(values.compression);
      } catch (err) {
        throw new UsageError((err as Error).message);
      }
    }
    let report: RecoverReport;
    try {
      report = await recoverMcap(input, { out: values.out, overwrite: values.force, compression });
    } catch (err) {
      if (err instanceof McapFormatError || err instanceof RecoverError) throw new Error(err.message);
      throw err;
    }
    if (values.json) {
      ctx.stdout(`${JSON.stringify(report, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v), 2)}\n`);
      return 0;
    }
    const lost = report.droppedBytes > 0 || report.droppedChunks.length > 0;
    const lines = [
      `recovered ${report.input} → ${report.output}`,
      report.inputWasComplete
        ? `the input was already complete; the copy is equivalent`
        : report.droppedBytes > 0
          ? "the input was cut short"
          : report.inputHadFooter
            ? "the input was closed but some of its chunks are corrupt"
            : "the input was missing its summary",
      `kept      ${report.messages} messages on ${report.topics.length} topics, ${report.metadataRecords} metadata records, ${report.attachments} attachments`,
      `lost      ${lost ? `${report.droppedBytes} bytes of incomplete tail${report.droppedChunks.length > 0 ? `, ${report.droppedChunks.length} corrupt chunks` : ""}` : "nothing"}`,
      `last message kept at ${report.lastMessageNs === undefined ? "-" : new Date(Number(report.lastMessageNs / 1_000_000n)).toISOString()} (log time)${report.droppedBytes > 0 ? "; anything recorded after it is gone" : ""}`,
      ...report.problems.map((p) => `  ${p}`),
    ];
    ctx.stdout(`${lines.join("\n")}\n`);
    return 0;
  },
};
