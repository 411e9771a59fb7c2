// teledemo's command-line entry: dispatches to subcommands; turns every expected failure into a
// clear message and a non-zero exit instead of a stack trace.
import { type Command, type CommandContext, UsageError } from "./command.ts";
import { simCommand } from "./sim.ts";
import { demoCommand } from "./demo.ts";
import { infoCommand } from "./info.ts";
import { recoverCommand } from "./recover.ts";
import { recordCommand } from "./record.ts";
import { calibCommand } from "./calib.ts";
import { syncReportCommand } from "./sync-report.ts";
import { alignCommand } from "./align.ts";
import { qaCommand } from "./qa.ts";
import { exportCommand } from "./export.ts";
import { liveCommand } from "./live.ts";
import { viewCommand } from "./view.ts";
import { agreementCommand } from "./agreement.ts";
import { teledemoVersion } from "./version.ts";

const COMMANDS: Command[] = [demoCommand, simCommand, recordCommand, infoCommand, recoverCommand, calibCommand, syncReportCommand, alignCommand, qaCommand, exportCommand, viewCommand, agreementCommand, liveCommand];

function help(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    `teledemo ${teledemoVersion()} — record, align, label and export teleoperated robot demonstrations`,
    "",
    "usage: teledemo <command> [options]      teledemo <command> --help for a command's options",
    "",
    "commands:",
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    "",
  ].join("\n");
}

export async function main(argv: string[], ctx: CommandContext = defaultContext()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    ctx.stdout(help());
    return name === undefined ? 2 : 0;
  }
  if (name === "--version" || name === "-V") {
    ctx.stdout(`${teledemoVersion()}\n`);
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    ctx.stderr(`teledemo: unknown command "${name}"\n\n${help()}`);
    return 2;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    ctx.stdout(`${command.usage.trimEnd()}\n`);
    return 0;
  }
  try {
    return await command.run(rest, ctx);
  } catch (err) {
    if (err instanceof UsageError) {
      ctx.stderr(`teledemo ${command.name}: ${err.message}\n`);
      return 2;
    }
    const message = err instanceof Error ? err.message : String(err);
    ctx.stderr(`teledemo ${command.name}: ${message}\n`);
    if (process.env.TELEDEMO_DEBUG && err instanceof Error && err.stack) ctx.stderr(`${err.stack}\n`);
    return 1;
  }
}

function defaultContext(): CommandContext {
  return {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    isTty: Boolean(process.stdout.isTTY),
  };
}
