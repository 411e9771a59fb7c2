// `teledemo record`: records episodes from the simulated rig (same process, same runtime) or
// from whatever the ROS graph carries, one folder per episode in a library.
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import type { RigProfile } from "../../nodes/rig/profile.ts";
import { createSimRig, type SimRig } from "../../nodes/sim/index.ts";
import { parseSpeed, type Speed } from "../../nodes/sim/rig/pacer.ts";
import { EpisodeController, formatBytes, type ControllerEvent, type SessionResult } from "../../recorder/episode/controller.ts";
import { parseCompression, type ChunkCompression } from "../../recorder/mcap/compression.ts";
import { RecorderNode, type TopicSelection } from "../../recorder/node/recorder-node.ts";
import { calibrationOfProfile, writeCalibration } from "../../recorder/side/calibration.ts";
import { advertiseControlServices } from "../../recorder/control/ros-services.ts";
import { declareRecorderParameters } from "../../recorder/node/parameters.ts";
import { bindKeyboard, KEY_HELP } from "../../recorder/control/keyboard.ts";
import { startWsControl, type WsControl } from "../../recorder/control/ws-control.ts";
import { announceRecorder } from "../../viewer/server/record-proxy.ts";
import { calibrationQa, parseCalibration, type RigCalibration } from "../../calibration/index.ts";
import { readFileSync } from "node:fs";
import { CLOCK_MODEL_TYPE } from "../../recorder/health/clock-models.ts";
import type { LiveStreamHealth } from "../../recorder/health/stream-health.ts";
import { fixed, renderTable } from "./table.ts";
import { integerOption, numberOption, parseCommandArgs } from "./args.ts";
import { type Command, type CommandContext, UsageError } from "./command.ts";
import { resolveProfile } from "./profile-arg.ts";
import { openRuntime } from "./runtime-arg.ts";
import type { BridgeSource } from "../../nodes/bridge/source.ts";
import { BridgeGapMarker, sourceOption, startBridgeSource } from "./bridge-source.ts";
import { startLiveView, SYNC_TOPIC_PREFIX, type LiveView } from "./live.ts";
import { teledemoBuild } from "./version.ts";

const USAGE = `usage: teledemo record [options]

Records demonstrations as MCAP episodes that ros2 bag, Foxglove and every MCAP reader open:
one folder per episode in the library (<out>/<episode-id>/episode.mcap + episode.json). Every
ROS message is stored byte-for-byte as received (CDR) with its receive time (log time) and send
time (publish time). Data is flushed and fsynced every --flush-interval, so a crash loses at most
about a second ('teledemo recover' rebuilds the index).

At a terminal: → or n ends the episode, ← or r discards it, s / f mark success / failure,
space pauses, Esc or q stops. The same actions are ROS 2 services (std_srvs/srv/Trigger) on the
recorder node: /teledemo_recorder/{start,stop,discard,mark_success,mark_failure,pause,resume,shutdown}.

options:
  --source sim|ros|bridge sim: run the simulated rig in this process; ros: record the ROS graph;
                          bridge: record a robot's foxglove_bridge over the network (--url)  [sim]
  --url ws://HOST:PORT    the robot's foxglove_bridge (--source bridge; no ROS needed here);
                          reconnects after a drop and marks the gap (flag bridge_gap)
  --profile NAME|FILE     rig profile (topics, robot, firmware)                      [reference]
  --seed N                simulated rig seed                                         [1]
  --speed N|max           simulated rig speed; not 1 runs on sim time (/clock)       [1]
  --runtime auto|ros|local                                                           [auto]
  --use-sim-time          stamp with the graph's /clock (use_sim_time), e.g. a Gazebo robot
  --out DIR               the episode library                                        [episodes]
  --task TEXT             the language instruction of the task                      [""]
  --operator NAME         who teleoperates                                           [$USER]
  --episodes N            episodes to record (0: until Ctrl-C)                       [1]
  --episode-time S        length of each episode, s (recorder clock; 0: until Ctrl-C) [10]
  --reset-time S          pause between episodes, s                                  [2]
  --topics profile|all    the profile's topics, or every topic in the graph  [sim: profile, ros: all]
  --include REGEX         only topics matching
  --exclude REGEX         no topics matching
  --calibration FILE      calibration in force (teledemo calibration YAML/JSON)  [the profile's nominal one]
  --max-calibration-age D flag episodes recorded with a calibration older than D days  [90]
  --compression none|zstd chunk compression                                          [none]
  --chunk-size BYTES      target chunk size                                          [4MB]
  --no-chunk-crc          skip the per-chunk CRC-32 (faster; recovery then cannot detect bit rot)
  --max-file-size SIZE    split an episode into files of about this size (like rosbag2)
  --max-file-duration S   split an episode into files spanning at most S seconds
  --flush-interval MS     write + fsync period                                       [500]
  --min-free SIZE         refuse to start below this free space, e.g. 2GB            [1GB]
  --control-port PORT     JSON control API over ws on 127.0.0.1:PORT (0: any free port)
  --live-port PORT        live view for Foxglove/Lichtblick: the raw topics and (with a profile)
                          the sync node's aligned frames and health, Foxglove WebSocket protocol
  --live-host ADDR        listen address of the live view; 0.0.0.0 serves other machines [127.0.0.1]
  --reject-under-rate     discard an episode in which a stream fell under 90% of its expected rate
  --json                  JSON lines: events, progress (every 200 ms), summary
`;

function parseSize(name: string, text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(B|kB|KB|K|MB|M|GB|G|TB|T)?$/i.exec(text.trim());
  if (!m) throw new UsageError(`--${name} must be a size such as 500MB or 2GB, got "${text}"`);
  const unit = (m[2] ?? "B").toUpperCase()[0] as string;
  const mult = unit === "K" ? 1e3 : unit === "M" ? 1e6 : unit === "G" ? 1e9 : unit === "T" ? 1e12 : 1;
  return Math.round(Number(m[1]) * mult);
}

function regexOption(name: string, text: string | undefined): RegExp | undefined {
  if (text === undefined) return undefined;
  try {
    return new RegExp(text);
  } catch (err) {
    throw new UsageError(`--${name} is not a valid regular expression: ${(err as Error).message}`);
  }
}

export const recordCommand: Command = {
  name: "record",
  summary: "record demonstrations as MCAP episodes (simulated rig or ROS graph)",
  usage: USAGE,
  async run(argv, ctx) {
    const { values } = parseCommandArgs(argv, {
      source: { type: "string", default: "sim" },
      url: { type: "string" },
      "live-port": { type: "string" },
      "live-host": { type: "string" },
      profile: { type: "string" },
      seed: { type: "string" },
      speed: { type: "string", default: "1" },
      runtime: { type: "string", default: "auto" },
      out: { type: "string", default: "episodes" },
      task: { type: "string", default: "" },
      operator: { type: "string" },
      episodes: { type: "string" },
      "episode-time": { type: "string" },
      "reset-time": { type: "string" },
      topics: { type: "string" },
      include: { type: "string" },
      exclude: { type: "string" },
      compression: { type: "string", default: "none" },
      calibration: { type: "string" },
      "max-calibration-age": { type: "string" },
      "reject-under-rate": { type: "boolean", default: false },
      "use-sim-time": { type: "boolean", default: false },
      "control-port": { type: "string" },
      "chunk-size": { type: "string" },
      "no-chunk-crc": { type: "boolean", default: false },
      "max-file-size": { type: "string" },
      "max-file-duration": { type: "string" },
      "flush-interval": { type: "string" },
      "min-free": { type: "string" },
      "fail-after-bytes": { type: "string" }, // test hook: simulate a full disk
      json: { type: "boolean", default: false },
    });
    const source = sourceOption(values.source, values.url);
    if (source === "bridge" && values.runtime !== "auto" && values.runtime !== "local") throw new UsageError("--source bridge records into the in-process runtime; --runtime must be auto or local");
    const livePort = values["live-port"] === undefined ? undefined : integerOption("live-port", values["live-port"], 0, 0);
    const profile: RigProfile | undefined = values.profile !== undefined || source === "sim" ? resolveProfile(values.profile ?? "reference") : undefined;
    const seed = integerOption("seed", values.seed, 1);
    let speed: Speed;
    try {
      speed = parseSpeed(values.speed);
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    if (source !== "sim" && values.speed !== "1") throw new UsageError("--speed applies to --source sim only");
    let compression: ChunkCompression;
    try {
      compression = parseCompression(values.compression);
    } catch (err) {
      throw new UsageError(`--compression: ${(err as Error).message}`);
    }
    const episodes = integerOption("episodes", values.episodes, 1, 0);
    const episodeTimeS = numberOption("episode-time", values["episode-time"], 10, (n) => n >= 0);
    const resetTimeS = numberOption("reset-time", values["reset-time"], 2, (n) => n >= 0);
    const flushIntervalMs = integerOption("flush-interval", values["flush-interval"], 500, 10);
    const chunkSize = values["chunk-size"] === undefined ? undefined : parseSize("chunk-size", values["chunk-size"]);
    const maxFileBytes = values["max-file-size"] === undefined ? undefined : parseSize("max-file-size", values["max-file-size"]);
    const maxFileDurationS = values["max-file-duration"] === undefined ? undefined : numberOption("max-file-duration", values["max-file-duration"], 0, (n) => n > 0);
    const minFreeBytes = values["min-free"] === undefined ? 1e9 : parseSize("min-free", values["min-free"]);
    const failAfterBytes = values["fail-after-bytes"] === undefined ? undefined : parseSize("fail-after-bytes", values["fail-after-bytes"]);
    const topicsMode = values.topics ?? (source === "sim" ? "profile" : "all");
    if (topicsMode !== "profile" && topicsMode !== "all") throw new UsageError(`--topics must be profile or all, got "${topicsMode}"`);
    if (topicsMode === "profile" && profile === undefined) throw new UsageError("--topics profile needs --profile");
    const include = regexOption("include", values.include);
    const userExclude = regexOption("exclude", values.exclude);
    // The live view's sync node output is served, not recorded (the recorder writes its own clock models).
    const exclude = livePort !== undefined && profile ? new RegExp(userExclude ? `${userExclude.source}|^${SYNC_TOPIC_PREFIX}` : `^${SYNC_TOPIC_PREFIX}`) : userExclude;
    const maxCalibrationAgeDays = numberOption("max-calibration-age", values["max-calibration-age"], 90, (n) => n > 0);
    let calibration: RigCalibration | undefined;
    if (values.calibration !== undefined) {
      let text: string;
      try {
        text = readFileSync(values.calibration, "utf8");
      } catch (err) {
        throw new UsageError(`--calibration: cannot read ${values.calibration}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      }
      try {
        calibration = parseCalibration(text, values.calibration);
      } catch (err) {
        throw new UsageError(`--calibration: ${(err as Error).message}`);
      }
    } else if (profile !== undefined) calibration = calibrationOfProfile(profile);
    const libraryDir = resolve(values.out);
    try {
      mkdirSync(libraryDir, { recursive: true });
    } catch (err) {
      throw new Error(`cannot create the library folder ${libraryDir}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }

    const { runtime, registry, codec } = await openRuntime(source === "bridge" ? "local" : values.runtime, ctx);
    let bridge: BridgeSource | undefined;
    // --use-sim-time: the ROS graph runs on /clock (a simulator or `ros2 bag play --clock`)
    const useSimTime = (source === "sim" && speed !== 1) || values["use-sim-time"];
    const selection: TopicSelection = {
      ...(topicsMode === "profile" && profile ? { topics: profile.streams.map((s) => ({ topic: s.topic, type: s.type, qos: s.qos })) } : {}),
      ...(include ? { include } : {}),
      ...(exclude ? { exclude } : {}),
    };
    const log = (line: string) => ctx.stderr(`${line}\n`);
    const recorder = new RecorderNode({
      runtime,
      // A bridge's advertised schema text is what rosbag2 on the robot writes: it wins.
      schemaText: (type) => bridge?.schemaText(type) ?? (registry.has(type) ? registry.schemaText(type) : undefined),
      selection,
      useSimTime,
      log,
    });
    let rig: SimRig | undefined;
    if (source === "sim" && profile) rig = createSimRig(runtime, { profile, seed, speed, encoder: codec });
    recorder.discover();

    const build = teledemoBuild();
    const controller = new EpisodeController({
      recorder,
      libraryDir,
      task: values.task,
      operator: values.operator ?? process.env.USER ?? "",
      source,
      rigProfile: profile?.name ?? "",
      robot: profile?.robot,
      build: { version: build.version, commit: build.commit },
      episodes: episodes === 0 ? undefined : episodes,
      episodeTimeS: episodeTimeS === 0 ? undefined : episodeTimeS,
      resetTimeS,
      compression,
      ...(chunkSize === undefined ? {} : { chunkSize }),
      chunkCrc: !values["no-chunk-crc"],
      ...(maxFileBytes === undefined ? {} : { maxFileBytes }),
      ...(maxFileDurationS === undefined ? {} : { maxFileDurationS }),
      flushIntervalMs,
      minFreeBytes,
      ...(failAfterBytes === undefined ? {} : { failAfterBytes }),
      ...(rig ? { groundTruth: () => rig.groundTruth() } : {}),
      ...(profile ? { expectedHz: new Map(profile.streams.map((s) => [s.topic, s.rate_hz])) } : {}),
      hasHeader: (type) => {
        try {
          return registry.messageDefinitions(type)[0]?.definitions[0]?.type === "std_msgs/Header";
        } catch {
          return false;
        }
      },
      rejectUnderRate: values["reject-under-rate"],
      ...(registry.has(CLOCK_MODEL_TYPE) ? { clockModels: { encode: (m) => codec.encode(CLOCK_MODEL_TYPE, { ...m }), schemaText: registry.schemaText(CLOCK_MODEL_TYPE) } } : {}),
      onEpisodeOpened: (episode, startNs) => {
        // Calibration QA at recording time: missing, stale, or disagreeing with the mounting the
        // rig publishes on /tf_static. (`teledemo calib check` runs the data-driven checks later.)
        const qa = calibrationQa({
          calibration,
          recordedAt: new Date(Number(startNs / 1_000_000n)),
          maxAgeDays: maxCalibrationAgeDays,
          ...(profile && source === "sim" ? { tfStatic: calibrationOfProfile(profile).extrinsics } : {}),
        });
        for (const flag of qa.flags) episode.addFlag(flag);
        for (const f of qa.findings) if (f.severity === "error" || f.code === "stale") log(`recorder: calibration: ${f.message}`);
        if (calibration === undefined) return;
        try {
          writeCalibration(episode.sideStorage, calibration, startNs, profile?.robot.model ?? "rig");
        } catch (err) {
          episode.addFlag("calibration_missing");
          log(`recorder: could not write the calibration into the episode: ${(err as Error).message}`);
        }
      },
      log,
    });
    const status = new StatusPrinter(ctx, values.json, controller, recorder, episodes === 0 ? undefined : episodes);
    controller.on((e) => status.event(e));
    recorder.onMessage = () => controller.tick();
    if (source === "bridge" && values.url !== undefined) {
      const gaps = new BridgeGapMarker(controller, recorder);
      controller.on((e) => e.kind === "episode_started" && gaps.episodeStarted());
      const wanted = selection.topics ? new Set(selection.topics.map((t) => t.topic)) : undefined;
      try {
        bridge = await startBridgeSource({
          runtime,
          url: values.url,
          registry,
          profile,
          wants: (topic) => (wanted === undefined || wanted.has(topic)) && !(include && !include.test(topic)) && !(exclude && exclude.test(topic)),
          log,
          onEvent: (event) => {
            gaps.event(event);
            if (event.kind === "channel") recorder.discover();
            else if (event.kind === "disconnected" || event.kind === "reconnected") {
              const text = event.kind === "disconnected" ? `bridge: connection lost (${event.reason}); reconnecting` : `bridge: reconnected after ${(Number(event.gapNs) / 1e9).toFixed(2)} s`;
              if (values.json) ctx.stdout(`${JSON.stringify({ kind: `bridge_${event.kind}`, wallMs: Date.now(), ...(event.kind === "disconnected" ? { reason: event.reason } : { gapS: Number(event.gapNs) / 1e9 }) })}\n`);
              else log(text);
            }
          },
        });
      } catch (err) {
        recorder.destroy();
        await runtime.shutdown();
        throw new UsageError((err as Error).message);
      }
    }
    let live: LiveView | undefined;
    if (livePort !== undefined) {
      live = await startLiveView({ runtime, registry, codec, profile, port: livePort, ...(values["live-host"] ? { host: values["live-host"] } : {}), useSimTime, ...(bridge ? { schemaText: (t: string) => bridge?.schemaText(t) } : {}), log });
      if (values.json) ctx.stdout(`${JSON.stringify({ kind: "live", url: live.server.url })}\n`);
      else ctx.stdout(`live view: ${live.server.url}\n`);
    }
    let warnedEmpty = false;
    const startedMs = Date.now();
    const ticker = setInterval(() => {
      if (source !== "sim") recorder.discover();
      if (!warnedEmpty && Date.now() - startedMs > 2000 && recorder.counters().every((t) => t.received === 0)) {
        warnedEmpty = true;
        log(
          source === "ros"
            ? `teledemo record: nothing received yet: the ROS graph has ${recorder.counters().length} matching topics (runtime ${runtime.kind}${runtime.kind === "local" ? ": the in-process runtime sees no robot — source ROS 2 or use --runtime ros" : ""})`
            : source === "bridge"
              ? `teledemo record: nothing received yet from the bridge (${bridge?.client.connected ? "connected; it advertised no matching cdr topics yet" : "not connected"})`
              : "teledemo record: nothing received yet from the simulated rig",
        );
      }
      controller.tick();
    }, 50);
    const progress = setInterval(() => status.progress(), values.json ? 200 : ctx.isTty ? 500 : 2000);
    advertiseControlServices(recorder.node, controller);
    declareRecorderParameters(recorder.node, {
      libraryDir,
      rigProfile: profile?.name ?? "",
      source,
      compression,
      episodeTimeS,
      episodes,
      task: values.task,
      operator: values.operator ?? process.env.USER ?? "",
    });
    let ws: WsControl | undefined;
    let unannounce: (() => void) | undefined;
    if (values["control-port"] !== undefined) {
      const port = integerOption("control-port", values["control-port"], 0, 0);
      try {
        ws = await startWsControl(controller, { port });
      } catch (err) {
        throw new UsageError(`--control-port ${port}: ${(err as Error).message}`);
      }
      // `teledemo view <library>` finds the running recorder here (its record page relays to it)
      unannounce = announceRecorder(libraryDir, ws.port);
      if (values.json) ctx.stdout(`${JSON.stringify({ kind: "control", url: `ws://127.0.0.1:${ws.port}` })}\n`);
      else ctx.stdout(`control API: ws://127.0.0.1:${ws.port}\n`);
    }
    const interactive = ctx.isTty && !values.json && Boolean(process.stdin.isTTY);
    const unbindKeys = interactive ? bindKeyboard(process.stdin, controller) : () => {};
    if (interactive) ctx.stdout(`${KEY_HELP}\n`);
    const onSignal = () => void controller.shutdown("interrupted");
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
    runtime.spin();
    const rigRun = rig?.run();
    controller.tick();
    let result: SessionResult;
    try {
      result = await controller.done;
    } finally {
      clearInterval(ticker);
      clearInterval(progress);
      unbindKeys();
      unannounce?.();
      await ws?.close();
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
      rig?.stop();
      await rigRun;
      bridge?.stop();
      await live?.close();
      recorder.destroy();
      await runtime.shutdown();
    }
    status.summary(result);
    return result.error !== undefined ? 1 : 0;
  },
};

class StatusPrinter {
  /** Lines of the live status block on the terminal (redrawn in place). */
  private linesShown = 0;
  constructor(
    private readonly ctx: CommandContext,
    private readonly json: boolean,
    private readonly controller: EpisodeController,
    private readonly recorder: RecorderNode,
    private readonly planned: number | undefined,
  ) {}

  event(e: ControllerEvent): void {
    if (this.json) {
      const payload =
        e.kind === "episode_closed"
          ? { kind: e.kind, index: e.index, id: e.episode.sidecar.id, path: e.episode.path, messages: e.episode.result.messageCount, bytes: e.episode.result.bytes, durationS: e.episode.sidecar.duration_s }
          : e;
      this.ctx.stdout(`${JSON.stringify({ ...payload, wallMs: Date.now() })}\n`);
      return;
    }
    this.clearLine();
    const of = this.planned === undefined ? "" : ` of ${this.planned}`;
    switch (e.kind) {
      case "episode_started":
        this.ctx.stdout(`● episode ${e.index}${of} recording → ${e.path}\n`);
        break;
      case "episode_closed": {
        const s = e.episode.sidecar;
        this.ctx.stdout(`■ episode ${e.index}${of} saved: ${s.duration_s.toFixed(1)} s, ${s.message_count} messages, ${formatBytes(s.bytes)}${s.files.length > 1 ? ` in ${s.files.length} files` : ""}, outcome ${s.outcome}${s.flags.length ? `, flags ${s.flags.join(",")}` : ""}\n`);
        break;
      }
      case "episode_discarded":
        this.ctx.stdout(`✗ episode ${e.index} discarded (${e.id}): ${e.reason}\n`);
        break;
      case "reset":
        this.ctx.stdout(`  reset: ${e.seconds} s before the next episode\n`);
        break;
      case "paused":
      case "resumed":
        this.ctx.stdout(`  episode ${e.index} ${e.kind}\n`);
        break;
      case "outcome":
        this.ctx.stdout(`  episode ${e.index} marked ${e.outcome}\n`);
        break;
      case "stopped":
        if (e.error) this.ctx.stderr(`teledemo record: ${e.error}\n`);
        break;
    }
  }

  progress(): void {
    const c = this.controller;
    const counters = this.recorder.counters();
    if (this.json) {
      this.ctx.stdout(
        `${JSON.stringify({
          kind: "progress",
          wallMs: Date.now(),
          state: c.state,
          episode: c.episodeIndex,
          elapsedS: c.phaseElapsedS(),
          stored: Object.fromEntries(c.stored),
          received: Object.fromEntries(counters.map((t) => [t.topic, t.received])),
          bytes: c.currentEpisode?.size ?? 0,
          health: c.liveHealth(),
        })}\n`,
      );
      return;
    }
    const of = this.planned === undefined ? "" : `/${this.planned}`;
    const stored = [...c.stored.values()].reduce((a, b) => a + b, 0);
    const silent = counters.filter((t) => t.received === 0).length;
    const health = c.liveHealth();
    const line = `${c.state} · episode ${c.episodeIndex}${of} · ${c.phaseElapsedS().toFixed(1)} s · ${stored} msgs · ${formatBytes(c.currentEpisode?.size ?? 0)} · ${counters.length} topics${silent ? ` (${silent} silent)` : ""} · ${healthSummary(health)}`;
    if (this.ctx.isTty) {
      // the status line and, while an episode records, the per-stream health table, redrawn in place
      const block = health.length > 0 ? `${line}\n${healthTable(health)}` : `${line}\n`;
      this.clearLine();
      this.ctx.stdout(block);
      this.linesShown = block.split("\n").length - 1;
    } else this.ctx.stdout(`${line}\n`);
  }

  summary(r: SessionResult): void {
    this.clearLine();
    if (this.json) {
      this.ctx.stdout(
        `${JSON.stringify({
          kind: "summary",
          reason: r.reason,
          ...(r.error ? { error: r.error } : {}),
          discarded: r.discarded,
          episodes: r.episodes.map((e) => ({ ...e.sidecar, path: e.path })),
        })}\n`,
      );
      return;
    }
    this.ctx.stdout(`${r.episodes.length} episode${r.episodes.length === 1 ? "" : "s"} recorded (${r.reason})${r.discarded ? `, ${r.discarded} discarded` : ""}\n`);
    for (const e of r.episodes) this.ctx.stdout(`  ${e.path}  ${e.sidecar.duration_s.toFixed(1)} s  ${e.sidecar.message_count} messages  ${e.sidecar.outcome}\n`);
    if (r.episodes.length > 0) this.ctx.stdout(`inspect with: teledemo info ${r.episodes[0]?.dir ?? ""}\n`);
  }

  private clearLine(): void {
    // back to the block's first line, then clear to the end of the screen
    if (this.linesShown > 0 && this.ctx.isTty) this.ctx.stdout(`\x1b[${this.linesShown}F\x1b[J`);
    this.linesShown = 0;
  }
}

/** "13 ok" or "12 ok, 1 under rate: /imu 310/400 Hz". */
export function healthSummary(health: readonly LiveStreamHealth[]): string {
  if (health.length === 0) return "no episode open";
  const bad = health.filter((h) => h.status !== "ok");
  const ok = `${health.length - bad.length} ok`;
  if (bad.length === 0) return `streams: ${ok}`;
  const detail = bad
    .slice(0, 3)
    .map((h) => `${h.topic} ${h.status === "silent" ? "silent" : `${fixed(h.rateHz, 0)}/${h.expectedHz ?? "?"} Hz`}`)
    .join(", ");
  return `streams: ${ok}, ${bad.length} unhealthy: ${detail}${bad.length > 3 ? ", …" : ""}`;
}

export function healthTable(health: readonly LiveStreamHealth[]): string {
  return renderTable(health, [
    { title: "topic", value: (h) => h.topic },
    { title: "expected Hz", value: (h) => (h.expectedHz === undefined ? "-" : fixed(h.expectedHz, 0)), align: "right" },
    { title: "rate Hz", value: (h) => fixed(h.rateHz, 1), align: "right" },
    { title: "msgs", value: (h) => String(h.messages), align: "right" },
    { title: "gaps", value: (h) => String(h.gaps), align: "right" },
    { title: "lat p50 ms", value: (h) => (h.latencyMs ? fixed(h.latencyMs.p50, 1) : "-"), align: "right" },
    { title: "p95", value: (h) => (h.latencyMs ? fixed(h.latencyMs.p95, 1) : "-"), align: "right" },
    { title: "p99", value: (h) => (h.latencyMs ? fixed(h.latencyMs.p99, 1) : "-"), align: "right" },
    { title: "status", value: (h) => h.status.replace("_", " ") },
  ]);
}
