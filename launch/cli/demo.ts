// `teledemo demo` (what `npm start` runs): the quick look at teledemo on a machine without a
// robot — records one demonstration from the simulated reference rig, shows what `teledemo info`
// says about the episode, then serves the viewer on the library until Ctrl-C (--no-view: stop
// after info, as before).
import { readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseCommandArgs } from "./args.ts";
import type { Command } from "./command.ts";
import { infoCommand } from "./info.ts";
import { recordCommand } from "./record.ts";
import { describeServer, startView, untilInterrupted } from "./view.ts";
import { integerOption } from "./args.ts";
import { UsageError } from "./command.ts";

const USAGE = `usage: teledemo demo [--out DIR] [--profile NAME] [--episode-time S] [--seed N] [--speed N|max] [--port N] [--no-view]

Records one 12 s demonstration episode from the simulated rig (reference profile) into the
library DIR (default ./demo-episodes), prints where it is and what 'teledemo info' says about
it, then serves the viewer on the library (like 'teledemo view DIR') and prints its URL; Ctrl-C
stops it. The rig runs on simulated time (/clock) as fast as the machine allows; --speed 1 runs
it in real time on the system clock instead.

  --port N     the viewer's port (default 8790; a free one when that is taken)
  --no-view    stop after 'teledemo info' instead of starting the viewer
`;

export const demoCommand: Command = {
  name: "demo",
  summary: "the quick start: record a demo episode from the simulated rig and describe it",
  usage: USAGE,
  async run(argv, ctx) {
    const { values } = parseCommandArgs(argv, {
      out: { type: "string", default: "demo-episodes" },
      profile: { type: "string", default: "reference" },
      "episode-time": { type: "string", default: "12" },
      seed: { type: "string", default: "1" },
      // Simulated time by default: the episode is the same as a real-time one (stamps, rates,
      // latencies are all on the rig's clock), and a machine that cannot render four 640×480
      // cameras in real time still records a complete episode.
      speed: { type: "string", default: "max" },
      port: { type: "string" },
      "no-view": { type: "boolean", default: false },
    });
    const port = integerOption("port", values.port, 8790, 0);
    if (port > 65535) throw new UsageError(`--port must be ≤ 65535, got ${port}`);
    const library = resolve(values.out);
    const before = new Set(episodeDirs(library));
    ctx.stdout(`teledemo demo: recording one ${values["episode-time"]} s episode from the simulated ${values.profile} rig into ${library}\n`);
    const recorded = await recordCommand.run(
      [
        "--source", "sim",
        "--profile", values.profile,
        "--seed", values.seed,
        "--speed", values.speed,
        "--out", library,
        "--episodes", "1",
        "--episode-time", values["episode-time"],
        "--task", "pick up the box and place it in the tray",
        "--operator", "demo",
      ],
      ctx,
    );
    if (recorded !== 0) return recorded;
    const created = episodeDirs(library).filter((d) => !before.has(d));
    const episode = created[created.length - 1];
    if (!episode) {
      ctx.stderr("teledemo demo: the recorder finished but wrote no episode\n");
      return 1;
    }
    ctx.stdout(`\nepisode written to ${episode}\n\n$ teledemo info ${episode}\n`);
    const info = await infoCommand.run([episode], ctx);
    if (info !== 0 || values["no-view"]) return info;
    ctx.stdout(`\n$ teledemo view ${library}\n`);
    let server;
    try {
      server = await startView({ path: library, port });
    } catch (err) {
      // the default port taken (another viewer running): any free port will do for a demo
      if (!(err instanceof UsageError) || values.port !== undefined || !/in use/.test(err.message)) throw err;
      server = await startView({ path: library, port: 0 });
    }
    describeServer(server, ctx);
    await untilInterrupted();
    await server.close();
    return 0;
  },
};

/** Episode folders of a library, oldest first. */
function episodeDirs(library: string): string[] {
  let names: string[];
  try {
    names = readdirSync(library);
  } catch {
    return [];
  }
  return names
    .map((n) => join(library, n))
    .filter((p) => statSync(p).isDirectory())
    .sort((a, b) => statSync(a).mtimeMs - statSync(b).mtimeMs);
}
