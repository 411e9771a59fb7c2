// `teledemo demo` (what `npm start` runs): the quick look at teledemo on a machine without a
// robot — the simulated reference rig in real time with its live per-stream table.
import { simCommand } from "./sim.ts";
import type { Command } from "./command.ts";

const USAGE = `usage: teledemo demo [--duration S] [--profile NAME] [--seed N]

Runs the simulated reference rig in real time for 15 s (or --duration) and shows every stream
live: topic, type, expected and measured rate, bandwidth. Ctrl-C stops early.
`;

export const demoCommand: Command = {
  name: "demo",
  summary: "the quick start: run the simulated reference rig with its live table",
  usage: USAGE,
  async run(argv, ctx) {
    const withDefaults = [...argv];
    if (!argv.some((a) => a.startsWith("--duration"))) withDefaults.push("--duration", "15");
    if (!argv.some((a) => a.startsWith("--profile"))) withDefaults.push("--profile", "reference");
    return simCommand.run(withDefaults, ctx);
  },
};
