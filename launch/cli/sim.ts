// `teledemo sim`: runs the simulated rig and shows what arrives on each topic, live.
import type { RigProfile } from "../../nodes/rig/profile.ts";
import { StreamMonitor, type TopicRate } from "../../nodes/monitor/stream-monitor.ts";
import { createSimRig } from "../../nodes/sim/index.ts";
import { parseSpeed, type Speed } from "../../nodes/sim/rig/pacer.ts";
import type { SimRunSummary } from "../../nodes/sim/rig/sim-rig.ts";
import { integerOption, numberOption, parseCommandArgs } from "./args.ts";
import { type Command, type CommandContext, UsageError } from "./command.ts";
import { resolveProfile } from "./profile-arg.ts";
import { openRuntime } from "./runtime-arg.ts";
import { fixed, renderTable } from "./table.ts";

const USAGE = `usage: teledemo sim [options]

Runs the built-in simulated teleoperation rig: every stream of the rig profile is published as
ROS 2 messages (real CDR) with per-sensor clocks, transport latency and losses. Shows a live
per-stream table (topic, type, expected rate, measured rate, MB/s).

options:
  --profile NAME|FILE   rig profile: a built-in name (reference, small) or a YAML file  [reference]
  --seed N              seed of the scripted demonstrations and of all noise             [1]
  --speed N|max         1 = real time on the system clock; N or max run on sim time (/clock) [1]
  --duration S          stop after S seconds of rig time (default: until Ctrl-C)
  --runtime auto|ros|local   ROS 2 via rclnodejs, or the in-process runtime              [auto]
  --json                print one JSON object per refresh and a JSON summary
`;

export const simCommand: Command = {
  name: "sim",
  summary: "run the simulated rig and show a live per-stream table",
  usage: USAGE,
  async run(argv, ctx) {
    const { values } = parseCommandArgs(argv, {
      profile: { type: "string", default: "reference" },
      seed: { type: "string" },
      speed: { type: "string", default: "1" },
      duration: { type: "string" },
      runtime: { type: "string", default: "auto" },
      json: { type: "boolean", default: false },
    });
    const profile = resolveProfile(values.profile);
    const seed = integerOption("seed", values.seed, 1);
    let speed: Speed;
    try {
      speed = parseSpeed(values.speed);
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    const durationS = values.duration === undefined ? undefined : numberOption("duration", values.duration, 0, (n) => n > 0);
    const { runtime, codec } = await openRuntime(values.runtime, ctx);
    const rig = createSimRig(runtime, { profile, seed, speed, encoder: codec, durationS });
    const monitorNode = runtime.createNode("teledemo_sim_monitor", "", { parameterOverrides: { use_sim_time: speed !== 1 } });
    const monitor = new StreamMonitor(monitorNode, monitoredTopics(profile));
    runtime.spin();
    const onSigint = () => rig.stop();
    process.once("SIGINT", onSigint);
    const refresh = setInterval(() => show(ctx, values.json, monitor.rates(), rig.realtimeFactor(), false), ctx.isTty ? 1000 : 2000);
    let summary: SimRunSummary;
    try {
      summary = await rig.run();
      // let the last messages reach the monitor before the final table
      await new Promise((r) => setTimeout(r, 50));
    } finally {
      clearInterval(refresh);
      process.off("SIGINT", onSigint);
    }
    const totals = monitor.rates();
    await runtime.shutdown();
    showSummary(ctx, values.json, summary, totals);
    return 0;
  },
};

function monitoredTopics(profile: RigProfile) {
  return profile.streams.map((s) => ({ topic: s.topic, type: s.type, expectedHz: s.rate_hz, qos: { durability: s.qos.durability } }));
}

let linesShown = 0;

function show(ctx: CommandContext, json: boolean, rates: TopicRate[], factor: number, final: boolean): void {
  if (json) {
    ctx.stdout(`${JSON.stringify({ kind: "rates", realtimeFactor: factor, streams: rates })}\n`);
    return;
  }
  const total = rates.reduce((a, r) => a + r.mbPerS, 0);
  const text =
    renderTable(rates, [
      { title: "topic", value: (r) => r.topic },
      { title: "type", value: (r) => r.type },
      { title: "expected Hz", value: (r) => (r.expectedHz > 0 ? fixed(r.expectedHz, 1) : "latched"), align: "right" },
      { title: "measured Hz", value: (r) => (r.expectedHz > 0 ? fixed(r.measuredHz, 1) : `${r.totalMessages} msg`), align: "right" },
      { title: "MB/s", value: (r) => fixed(r.mbPerS, 2), align: "right" },
    ]) + `total ${fixed(total, 1)} MB/s · ${fixed(factor, 2)}× real time${final ? "" : " · Ctrl-C stops"}\n`;
  if (ctx.isTty && linesShown > 0) ctx.stdout(`\x1b[${linesShown}A\x1b[J`);
  ctx.stdout(text);
  linesShown = ctx.isTty ? text.split("\n").length - 1 : 0;
}

function showSummary(ctx: CommandContext, json: boolean, summary: SimRunSummary, rates: TopicRate[]): void {
  if (json) {
    ctx.stdout(`${JSON.stringify({ kind: "summary", ...summary, received: rates })}\n`);
    return;
  }
  linesShown = 0;
  const byTopic = new Map(summary.streams.map((s) => [s.topic, s]));
  const sim = summary.simulatedS;
  ctx.stdout(
    `\nsimulated ${fixed(sim, 2)} s in ${fixed(summary.wallS, 2)} s wall (${fixed(summary.realtimeFactor, 2)}× real time)\n` +
      renderTable(rates, [
        { title: "topic", value: (r) => r.topic },
        { title: "expected Hz", value: (r) => (r.expectedHz > 0 ? fixed(r.expectedHz, 1) : "latched"), align: "right" },
        { title: "received Hz", value: (r) => (r.expectedHz > 0 && sim > 0 ? fixed(r.totalMessages / sim, 1) : "-"), align: "right" },
        { title: "MB/s", value: (r) => (sim > 0 ? fixed(r.totalBytes / sim / 1e6, 2) : "-"), align: "right" },
        { title: "received", value: (r) => String(r.totalMessages), align: "right" },
        { title: "lost in transport", value: (r) => String(byTopic.get(r.topic)?.dropped ?? 0), align: "right" },
      ]),
  );
}
