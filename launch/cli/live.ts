// `teledemo live` and `teledemo record --live-port`: the sync node's aligned frames, clock
// models and stream health, plus the raw topics, served over the Foxglove WebSocket protocol so
// Foxglove / Lichtblick connect to teledemo as they would to a robot's foxglove_bridge.
import type { MessageCodec, MessageRegistry } from "../../nodes/messages/index.ts";
import type { RigProfile } from "../../nodes/rig/profile.ts";
import type { Runtime } from "../../nodes/runtime/api.ts";
import { createSimRig, type SimRig } from "../../nodes/sim/index.ts";
import { parseSpeed, type Speed } from "../../nodes/sim/rig/pacer.ts";
import { SynchronizerNode } from "../../nodes/sync/synchronizer/node.ts";
import { LiveServer } from "../../nodes/bridge/live-server.ts";
import type { BridgeSource } from "../../nodes/bridge/source.ts";
import { integerOption, numberOption, parseCommandArgs } from "./args.ts";
import { type Command, UsageError } from "./command.ts";
import { resolveProfile } from "./profile-arg.ts";
import { openRuntime } from "./runtime-arg.ts";
import { sourceOption, startBridgeSource } from "./bridge-source.ts";

export const SYNC_TOPIC_PREFIX = "/teledemo/sync/";

export interface LiveView {
  server: LiveServer;
  sync: SynchronizerNode | undefined;
  close(): Promise<void>;
}

export interface StartLiveOptions {
  runtime: Runtime;
  registry: MessageRegistry;
  codec: MessageCodec;
  /** With a profile the sync node runs and its output is served too. */
  profile: RigProfile | undefined;
  port: number;
  host?: string;
  useSimTime: boolean;
  /** Extra schema source (a bridge's advertised schemas) tried before the registry. */
  schemaText?: (type: string) => string | undefined;
  log: (line: string) => void;
}

export async function startLiveView(options: StartLiveOptions): Promise<LiveView> {
  const { runtime, registry, codec, profile } = options;
  const sync = profile
    ? new SynchronizerNode(runtime, {
        profile,
        decode: (type, bytes) => codec.decode(type, bytes),
        parameterOverrides: { use_sim_time: options.useSimTime },
        nodeName: "teledemo_live_sync",
      })
    : undefined;
  const node = runtime.createNode("teledemo_live", "", { parameterOverrides: { use_sim_time: options.useSimTime } });
  let server: LiveServer;
  try {
    server = await LiveServer.start({
      node,
      schemaText: (type) => options.schemaText?.(type) ?? (registry.has(type) ? registry.schemaText(type) : undefined),
      port: options.port,
      ...(options.host ? { host: options.host } : {}),
      name: `teledemo${profile ? ` (${profile.name})` : ""}`,
      log: options.log,
    });
  } catch (err) {
    throw new UsageError(`live view: ${(err as Error).message}`);
  }
  return {
    server,
    sync,
    async close() {
      await server.close();
      node.destroy();
      sync?.node.destroy();
    },
  };
}

const USAGE = `usage: teledemo live [options]

Serves a live view over the Foxglove WebSocket protocol (what foxglove_bridge speaks): open
Foxglove or Lichtblick → "Foxglove WebSocket" → ws://<host>:<port>. With a rig profile the sync
node runs and its output is served beside the raw topics:
  /teledemo/sync/frames        teledemo_msgs/msg/AlignedFrame   aligned frames
  /teledemo/sync/health        teledemo_msgs/msg/StreamHealth   per-stream health, 1 Hz
  /teledemo/sync/clock_models  teledemo_msgs/msg/ClockModel     per-stream clock models, 1 Hz

options:
  --source sim|ros|bridge sim: the simulated rig in this process; ros: the ROS graph;
                          bridge: a robot's foxglove_bridge (--url)                  [sim]
  --url ws://HOST:PORT    the robot's foxglove_bridge (--source bridge)
  --profile NAME|FILE     rig profile (the sync node needs one)      [sim: reference, else none]
  --seed N                simulated rig seed                                         [1]
  --speed N|max           simulated rig speed; not 1 runs on sim time (/clock)       [1]
  --runtime auto|ros|local                                                           [auto]
  --use-sim-time          the sync node follows the graph's /clock (use_sim_time)
  --port PORT             WebSocket port (0: any free port)                          [8765]
  --host ADDR             listen address; 0.0.0.0 serves other machines             [127.0.0.1]
  --duration S            stop after S seconds (default: until Ctrl-C)
  --json                  JSON lines: the URL, then status every second
`;

export const liveCommand: Command = {
  name: "live",
  summary: "serve aligned frames, health and raw topics over the Foxglove WebSocket protocol",
  usage: USAGE,
  async run(argv, ctx) {
    const { values } = parseCommandArgs(argv, {
      source: { type: "string", default: "sim" },
      url: { type: "string" },
      profile: { type: "string" },
      seed: { type: "string" },
      speed: { type: "string", default: "1" },
      runtime: { type: "string", default: "auto" },
      port: { type: "string" },
      host: { type: "string" },
      duration: { type: "string" },
      "use-sim-time": { type: "boolean", default: false },
      json: { type: "boolean", default: false },
    });
    const source = sourceOption(values.source, values.url);
    let speed: Speed;
    try {
      speed = parseSpeed(values.speed);
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    if (source !== "sim" && values.speed !== "1") throw new UsageError("--speed applies to --source sim only");
    const profile = values.profile !== undefined || source === "sim" ? resolveProfile(values.profile ?? "reference") : undefined;
    const seed = integerOption("seed", values.seed, 1);
    const port = integerOption("port", values.port, 8765, 0);
    const durationS = values.duration === undefined ? undefined : numberOption("duration", values.duration, 0, (n) => n > 0);
    const log = (line: string) => ctx.stderr(`${line}\n`);
    // The bridge source republishes into the in-process runtime: the laptop needs no ROS.
    const { runtime, registry, codec } = await openRuntime(source === "bridge" ? "local" : values.runtime, ctx);
    const useSimTime = (source === "sim" && speed !== 1) || values["use-sim-time"];
    let rig: SimRig | undefined;
    let bridge: BridgeSource | undefined;
    let live: LiveView | undefined;
    try {
      if (source === "sim" && profile) rig = createSimRig(runtime, { profile, seed, speed, encoder: codec });
      if (source === "bridge" && values.url !== undefined) {
        bridge = await startBridgeSource({ runtime, url: values.url, registry, profile, wants: () => true, log });
      }
      live = await startLiveView({ runtime, registry, codec, profile, port, ...(values.host ? { host: values.host } : {}), useSimTime, ...(bridge ? { schemaText: (t: string) => bridge?.schemaText(t) } : {}), log });
    } catch (err) {
      bridge?.stop();
      await runtime.shutdown();
      if (err instanceof Error && !(err instanceof UsageError) && source === "bridge") throw new UsageError(err.message);
      throw err;
    }
    const view = live;
    if (values.json) ctx.stdout(`${JSON.stringify({ kind: "live", url: view.server.url, source, profile: profile?.name ?? null })}\n`);
    else ctx.stdout(`live view: ${view.server.url}  (Foxglove / Lichtblick: open connection → Foxglove WebSocket)${profile ? "" : "  — no --profile: raw topics only, no sync node"}\n`);
    runtime.spin();
    const rigRun = rig?.run();
    const status = setInterval(() => {
      view.server.discover();
      const line = { kind: "status", topics: view.server.topics().length, sent: view.server.sent, dropped: view.server.dropped, frames: view.sync?.framesPublished ?? 0 };
      if (values.json) ctx.stdout(`${JSON.stringify(line)}\n`);
      else if (ctx.isTty) ctx.stdout(`\r\x1b[K${line.topics} topics · ${line.frames} aligned frames · ${line.sent} messages sent${line.dropped ? ` · ${line.dropped} dropped (slow client)` : ""}`);
    }, 1000);
    // Whichever comes first; the others are removed so they neither keep the process alive nor
    // fire later.
    await new Promise<void>((resolve) => {
      const timer = durationS === undefined ? undefined : setTimeout(stop, durationS * 1000);
      function stop(): void {
        clearTimeout(timer);
        process.off("SIGINT", stop);
        process.off("SIGTERM", stop);
        resolve();
      }
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
    });
    clearInterval(status);
    rig?.stop();
    await rigRun;
    bridge?.stop();
    await view.close();
    await runtime.shutdown();
    if (!values.json && ctx.isTty) ctx.stdout("\n");
    return 0;
  },
};
