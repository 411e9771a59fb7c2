// `teledemo view <episode|library>`: serves the viewer and labeling app on a library of episodes
// (or one episode, bag or .mcap file) until Ctrl-C.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { parseCommandArgs, integerOption } from "./args.ts";
import { type Command, type CommandContext, UsageError } from "./command.ts";
import { resolveProfile } from "./profile-arg.ts";
import { REPO_ROOT } from "./version.ts";
import { ConfigError, loadViewerConfig } from "../../viewer/server/config.ts";
import { LibraryError } from "../../viewer/server/library.ts";
import { DEFAULT_PORT, startViewerServer, type ViewerServer } from "../../viewer/server/server.ts";
import { isLoopbackHost } from "../../viewer/server/security.ts";

export const DEFAULT_LABELING_CONFIG = resolve(REPO_ROOT, "launch/labeling.yaml");

const USAGE = `usage: teledemo view <episode|library|bag|file.mcap> [--port N] [--host H] [--annotator NAME] [--config FILE] [--open] [--json]

Serves the viewer: browse the library's episodes, play them back on the corrected timeline and
label phases, contact events and episode outcomes. Labels are saved beside each episode in
labels/<annotator>.json.

  --port N          port (default ${DEFAULT_PORT}; 0 picks a free one)
  --host H          address to bind (default 127.0.0.1). Any other host requires a token,
                    printed with the URL, on every API and file request
  --annotator NAME  default annotator name (default: the config's, else the OS user)
  --config FILE     labeling taxonomy (phase types, events, failure modes, hotkeys); overrides
                    launch/labeling.yaml and <library>/teledemo.yaml
  --open            open the URL in a browser (xdg-open or chromium) when one is installed
  --json            print one JSON line {url, openUrl, port, host, token} instead of text
`;

export interface ViewOptions {
  path: string;
  port?: number;
  host?: string;
  annotator?: string;
  config?: string;
}

/** Starts the viewer server (used by `view` and by `demo`). Bad input → UsageError. */
export async function startView(o: ViewOptions): Promise<ViewerServer> {
  const path = resolve(o.path);
  if (!existsSync(path)) throw new UsageError(`${o.path}: no such file or directory`);
  if (o.config !== undefined && !existsSync(o.config)) throw new UsageError(`--config ${o.config}: no such file`);
  let config;
  try {
    config = loadViewerConfig({
      defaultFile: DEFAULT_LABELING_CONFIG,
      library: path,
      ...(o.config !== undefined ? { file: resolve(o.config) } : {}),
      ...(o.annotator !== undefined ? { annotator: o.annotator } : {}),
      resolveProfile,
    });
  } catch (err) {
    if (err instanceof ConfigError) throw new UsageError(err.message);
    throw err;
  }
  try {
    return await startViewerServer({ path, config, host: o.host ?? "127.0.0.1", port: o.port ?? DEFAULT_PORT });
  } catch (err) {
    if (err instanceof LibraryError) throw new UsageError(err.message);
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE") throw new UsageError(`port ${o.port ?? DEFAULT_PORT} is in use (--port 0 picks a free one)`);
    if (code === "EADDRNOTAVAIL" || code === "ENOTFOUND") throw new UsageError(`--host ${o.host}: cannot bind that address`);
    if (code === "EACCES") throw new UsageError(`port ${o.port}: permission denied`);
    throw err;
  }
}

/** Opens a URL in the desktop's browser when one is installed (best effort, never fails the command). */
export function openBrowser(url: string): string | undefined {
  for (const cmd of ["xdg-open", "chromium", "chromium-browser", "google-chrome"]) {
    const found = (process.env.PATH ?? "").split(":").some((d) => d && existsSync(resolve(d, cmd)));
    if (!found) continue;
    const child = spawn(cmd, [url], { detached: true, stdio: "ignore" });
    child.on("error", () => undefined);
    child.unref();
    return cmd;
  }
  return undefined;
}

/** Resolves when the process gets SIGINT/SIGTERM. */
export function untilInterrupted(): Promise<void> {
  return new Promise((resolveStop) => {
    const stop = () => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      resolveStop();
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
}

export function describeServer(server: ViewerServer, ctx: CommandContext): void {
  const n = server.library.list().length;
  ctx.stdout(`teledemo view: ${n} episode${n === 1 ? "" : "s"} in ${server.library.root}\n`);
  if (server.appProblem) ctx.stdout(`note: ${server.appProblem}\n`);
  if (server.token) ctx.stdout(`listening on ${server.host} (not loopback): every request needs the token in the URL below\n`);
  ctx.stdout(`open ${server.openUrl}\n`);
  ctx.stdout("Ctrl-C stops the viewer\n");
}

export const viewCommand: Command = {
  name: "view",
  summary: "serve the web viewer and labeling app on an episode or a library",
  usage: USAGE,
  async run(argv, ctx) {
    const { values, positionals } = parseCommandArgs(
      argv,
      {
        port: { type: "string" },
        host: { type: "string" },
        annotator: { type: "string" },
        config: { type: "string" },
        open: { type: "boolean", default: false },
        json: { type: "boolean", default: false },
      },
      true,
    );
    if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? "give an episode, library, bag or .mcap file to view" : `expected one path, got ${positionals.length}`);
    const port = integerOption("port", values.port, DEFAULT_PORT, 0);
    if (port > 65535) throw new UsageError(`--port must be ≤ 65535, got ${port}`);
    const host = values.host ?? "127.0.0.1";
    const server = await startView({
      path: positionals[0]!,
      port,
      host,
      ...(values.annotator !== undefined ? { annotator: values.annotator } : {}),
      ...(values.config !== undefined ? { config: values.config } : {}),
    });
    if (values.json) ctx.stdout(`${JSON.stringify({ url: server.url, openUrl: server.openUrl, host: server.host, port: server.port, token: server.token ?? null, loopback: isLoopbackHost(host), episodes: server.library.list().length })}\n`);
    else describeServer(server, ctx);
    if (values.open) {
      const used = openBrowser(server.openUrl);
      if (!values.json) ctx.stdout(used ? `opened with ${used}\n` : "no browser found to open (xdg-open, chromium); open the URL yourself\n");
    }
    await untilInterrupted();
    await server.close();
    return 0;
  },
};
