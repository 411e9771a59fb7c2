// `teledemo sync-report`: per stream of a recording, the sensor clock recovered offline from
// (header stamp, receive time) pairs — offset, drift, jitter, drops, clock-jump segments — and,
// where the episode carries the simulator's truth, the error of each estimate.
import { open, readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { McapIndexedReader } from "@mcap/core";
import { FileHandleReadable } from "@mcap/nodejs";
import { loadDecompressHandlers } from "@mcap/support";
import { fitClockModelOffline, type ClockPair } from "../../nodes/sync/clock/index.ts";
import { readHeaderStamp } from "../../nodes/sync/synchronizer/stamp.ts";
import { crossModalOf } from "../../recorder/aligned/align.ts";
import { CLOCK_MODEL_TOPIC } from "../../recorder/health/clock-models.ts";
import { openAlignedEpisode } from "../../recorder/aligned/reader.ts";
import { parseCommandArgs } from "./args.ts";
import { type Command, UsageError } from "./command.ts";
import { resolveProfile } from "./profile-arg.ts";
import { fixed, renderTable } from "./table.ts";

const USAGE = `usage: teledemo sync-report <episode|file.mcap> [--json]

For every stream with a header stamp: the sensor-to-host clock model fitted offline from the whole
recording (lower envelope of receive − stamp, two passes, clock jumps as separate segments):
offset and drift, receive-time jitter percentiles, drops, segments. Simulated episodes carry the
simulator's truth; the report then gives the error of each estimate.
`;

interface StreamReport {
  topic: string;
  type: string;
  messages: number;
  segments: number;
  offsetMs: number;
  driftPpm: number;
  jitterP50Ms: number;
  jitterP99Ms: number;
  drops: number;
  truth?: { sensor: string; offsetErrorMs: number; driftErrorPpm: number; crossModalErrorMs?: number };
  /** Cross-modal latency correction vs the reference (/joint_states), ms (subtracted from the model time). */
  crossModalMs?: number;
}

interface ClockTruth {
  offsetNs: number;
  driftPpm: number;
  latencyMs: number;
}

export const syncReportCommand: Command = {
  name: "sync-report",
  summary: "per-stream clock offset, drift, jitter, drops and jumps of a recording (with errors vs the simulator's truth)",
  usage: USAGE,
  async run(argv, ctx) {
    const { values, positionals } = parseCommandArgs(argv, { json: { type: "boolean", default: false } }, true);
    if (positionals.length !== 1) throw new UsageError("give one episode folder or .mcap file");
    const files = await recordingFiles(positionals[0]!);
    const pairs = new Map<string, { type: string; pairs: ClockPair[] }>();
    const episode: Record<string, string> = {};
    for (const file of files) await collect(file, pairs, episode);
    const truth = simTruth(episode);
    const reports: StreamReport[] = [];
    for (const [topic, { type, pairs: list }] of [...pairs].sort(([a], [b]) => a.localeCompare(b))) {
      if (list.length < 8) continue;
      list.sort((a, b) => (a.receiveNs < b.receiveNs ? -1 : a.receiveNs > b.receiveNs ? 1 : 0));
      const fit = fitClockModelOffline(list, { expectedPeriodNs: medianPeriodNs(list) });
      const main = fit.segments.reduce((a, b) => (b.count > a.count ? b : a));
      const model = main.segment.model;
      const mid = list[Math.floor(list.length / 2)]!.stampNs;
      // host = stamp + offset: the model's offset is receive-side (includes the minimum latency)
      const offsetNs = Number(model.offsetAt(mid));
      const report: StreamReport = {
        topic,
        type,
        messages: list.length,
        segments: fit.segments.length,
        offsetMs: offsetNs / 1e6,
        driftPpm: model.driftPpm,
        jitterP50Ms: main.residuals.p50Ns / 1e6,
        jitterP99Ms: main.residuals.p99Ns / 1e6,
        drops: fit.segments.reduce((a, s) => a + s.drops, 0),
      };
      const t = truth?.forTopic(topic);
      if (t && truth) {
        // Truth: stamp = host + offset + drift·(host − epoch); receive ≥ host capture + fixed latency.
        const stampRel = Number(mid - truth.epochNs);
        const hostRel = (stampRel - t.clock.offsetNs) / (1 + t.clock.driftPpm * 1e-6);
        const trueOffsetNs = hostRel + t.clock.latencyMs * 1e6 - stampRel;
        const trueDriftPpm = (1 / (1 + t.clock.driftPpm * 1e-6) - 1) * 1e6;
        report.truth = { sensor: t.sensor, offsetErrorMs: (offsetNs - trueOffsetNs) / 1e6, driftErrorPpm: report.driftPpm - trueDriftPpm };
      }
      reports.push(report);
    }
    if (reports.length === 0) throw new Error(`${positionals[0]}: no stream with header stamps to analyse`);
    // Cross-modal corrections (the constant latency one-way timing cannot see), with their truth.
    const ep = await openAlignedEpisode(positionals[0]!, { alignment: "computed" });
    let xm;
    try {
      xm = await crossModalOf(ep);
    } finally {
      await ep.close();
    }
    const reference = xm.result?.referenceTopic;
    for (const r of reports) {
      const c = xm.result?.correctionsNs[r.topic];
      if (c === undefined || !Number.isFinite(c) || reference === undefined) continue;
      r.crossModalMs = c / 1e6;
      const a = truth?.forTopic(r.topic);
      const b = truth?.forTopic(reference);
      if (r.truth && a && b) r.truth.crossModalErrorMs = c / 1e6 - (a.clock.latencyMs - b.clock.latencyMs);
    }
    if (values.json) {
      ctx.stdout(`${JSON.stringify({ recording: positionals[0], streams: reports, crossModalReference: reference ?? null, crossModalSkipped: xm.skipped ?? null })}\n`);
      return 0;
    }
    ctx.stdout(
      renderTable(reports, [
        { title: "topic", value: (r) => r.topic },
        { title: "msgs", value: (r) => String(r.messages), align: "right" },
        { title: "offset ms", value: (r) => fixed(r.offsetMs, 3), align: "right" },
        { title: "drift ppm", value: (r) => fixed(r.driftPpm, 2), align: "right" },
        { title: "jitter p50/p99 ms", value: (r) => `${fixed(r.jitterP50Ms, 2)}/${fixed(r.jitterP99Ms, 2)}`, align: "right" },
        { title: "drops", value: (r) => String(r.drops), align: "right" },
        { title: "segments", value: (r) => String(r.segments), align: "right" },
        { title: "offset err ms", value: (r) => (r.truth ? fixed(r.truth.offsetErrorMs, 3) : "-"), align: "right" },
        { title: "drift err ppm", value: (r) => (r.truth ? fixed(r.truth.driftErrorPpm, 2) : "-"), align: "right" },
        { title: "x-modal ms", value: (r) => (r.crossModalMs === undefined ? "-" : fixed(r.crossModalMs, 3)), align: "right" },
        { title: "x-modal err ms", value: (r) => (r.truth?.crossModalErrorMs === undefined ? "-" : fixed(r.truth.crossModalErrorMs, 3)), align: "right" },
      ]) +
        (truth
          ? "errors are against the simulator's truth (offset includes the sensor's fixed transport latency, which one-way timing cannot separate)\n"
          : "no simulator truth in this recording: estimates only\n"),
    );
    return 0;
  },
};

async function recordingFiles(path: string): Promise<string[]> {
  let info;
  try {
    info = await stat(path);
  } catch (err) {
    throw new UsageError(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  if (!info.isDirectory()) return [path];
  const files = (await readdir(path)).filter((f) => f.endsWith(".mcap")).sort();
  if (files.length === 0) throw new UsageError(`${path}: no .mcap file in this folder`);
  return files.map((f) => join(path, f));
}

async function collect(file: string, out: Map<string, { type: string; pairs: ClockPair[] }>, episode: Record<string, string>): Promise<void> {
  const handle = await open(file, "r");
  try {
    let reader: McapIndexedReader;
    try {
      reader = await McapIndexedReader.Initialize({ readable: new FileHandleReadable(handle), decompressHandlers: await loadDecompressHandlers() });
    } catch (err) {
      throw new Error(`${file}: not a readable indexed MCAP file (${(err as Error).message}); 'teledemo recover' rebuilds the index of an interrupted recording`);
    }
    for await (const m of reader.readMetadata({ name: "teledemo.episode" })) Object.assign(episode, Object.fromEntries(m.metadata));
    for await (const m of reader.readMessages()) {
      const channel = reader.channelsById.get(m.channelId);
      // the recorder's own clock-model messages are stamped by the host: not a sensor stream
      if (!channel || channel.messageEncoding !== "cdr" || channel.topic === CLOCK_MODEL_TOPIC) continue;
      const type = reader.schemasById.get(channel.schemaId)?.name ?? "";
      const stampNs = readHeaderStamp(type, m.data);
      if (stampNs === undefined || stampNs === 0n) continue;
      let entry = out.get(channel.topic);
      if (!entry) out.set(channel.topic, (entry = { type, pairs: [] }));
      entry.pairs.push({ stampNs, receiveNs: m.logTime });
    }
  } finally {
    await handle.close();
  }
}

function medianPeriodNs(pairs: readonly ClockPair[]): number {
  const stamps = pairs.map((p) => p.stampNs).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const gaps: number[] = [];
  for (let i = 1; i < stamps.length; i++) {
    const d = Number(stamps[i]! - stamps[i - 1]!);
    if (d > 0) gaps.push(d);
  }
  gaps.sort((a, b) => a - b);
  return gaps[Math.floor(gaps.length / 2)] ?? 0;
}

/** The simulator's clock truth of a simulated episode, with the topic → sensor map of its rig profile. */
function simTruth(episode: Record<string, string>) {
  const raw = episode.sim_ground_truth;
  if (!raw || !episode.rig_profile) return undefined;
  const truth = JSON.parse(raw) as { epochNs: string; clocks: Record<string, ClockTruth> };
  let sensors: Map<string, string>;
  try {
    sensors = new Map(resolveProfile(episode.rig_profile).streams.map((s) => [s.topic, s.sensor]));
  } catch {
    return undefined;
  }
  return {
    epochNs: BigInt(truth.epochNs),
    forTopic(topic: string): { sensor: string; clock: ClockTruth } | undefined {
      const sensor = sensors.get(topic);
      const clock = sensor === undefined ? undefined : truth.clocks[sensor];
      return sensor !== undefined && clock ? { sensor, clock } : undefined;
    },
  };
}
