// npm run bench:record — the recorder's MCAP writer against the same pre-serialized messages
// written by a bare @mcap/core writer and by a plain sequential file write (the disk's limit),
// measured in the same run; and drops while recording the live simulated reference rig at 1×.
//
// Messages come from the simulated reference rig (generated once, before timing). Every run ends
// with an fsync, so all three are measured to the disk, not to the page cache.
import { mkdtempSync, rmSync } from "node:fs";
import { open } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { McapWriter } from "@mcap/core";
import { FileHandleWritable } from "@mcap/nodejs";
import { McapStorage } from "../../recorder/storage/mcap-storage.ts";
import { captureRig } from "../sim/rig-harness.ts";

const RIG_SECONDS = Number(process.env.BENCH_RIG_SECONDS ?? 2);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 4); // the message set is written this many times per run
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

interface Msg {
  topic: string;
  type: string;
  bytes: Uint8Array;
  t: bigint;
}

const dir = mkdtempSync(join(process.env.BENCH_DIR ?? tmpdir(), "teledemo-bench-record-"));
process.on("exit", () => rmSync(dir, { recursive: true, force: true }));

console.log(`generating ${RIG_SECONDS} s of the reference rig's messages ...`);
const cap = await captureRig({ profile: "reference", seed: 1, durationS: RIG_SECONDS });
const messages: Msg[] = [];
for (const [topic, list] of cap.messages) {
  const type = cap.profile.streams.find((s) => s.topic === topic)!.type;
  for (const m of list) messages.push({ topic, type, bytes: m.bytes, t: m.receivedNs });
}
messages.sort((a, b) => (a.t < b.t ? -1 : a.t > b.t ? 1 : 0));
const topics = [...new Set(messages.map((m) => m.topic))].map((topic) => ({ topic, type: messages.find((m) => m.topic === topic)!.type }));
const setBytes = messages.reduce((n, m) => n + m.bytes.byteLength, 0);
const span = messages.at(-1)!.t - messages[0]!.t + 1_000_000n;
const totalBytes = setBytes * REPEAT;
const totalMsgs = messages.length * REPEAT;
console.log(`${messages.length} messages, ${(setBytes / 1e6).toFixed(1)} MB per set; ${REPEAT} sets per run = ${(totalBytes / 1e6).toFixed(0)} MB, ${totalMsgs} messages`);

async function ours(path: string, chunkCrc = true): Promise<void> {
  const storage = await McapStorage.open(path, { compression: "none", library: "teledemo bench", chunkCrc });
  for (const { topic, type } of topics) storage.createTopic({ name: topic, type, schemaText: "", offeredQos: [] });
  const flush = setInterval(() => void storage.flush(), 500);
  for (let r = 0; r < REPEAT; r++) {
    const offset = span * BigInt(r);
    for (const m of messages) {
      storage.write(m.topic, m.bytes, m.t + offset, m.t + offset);
      if (storage.needsDrain) await storage.drain();
    }
  }
  clearInterval(flush);
  await storage.close();
}

async function bare(path: string): Promise<void> {
  const handle = await open(path, "w");
  const writer = new McapWriter({ writable: new FileHandleWritable(handle), chunkSize: 4 << 20 });
  await writer.start({ profile: "ros2", library: "bare @mcap/core" });
  const ids = new Map<string, number>();
  for (const { topic, type } of topics) {
    const schemaId = await writer.registerSchema({ name: type, encoding: "ros2msg", data: new Uint8Array(0) });
    ids.set(topic, await writer.registerChannel({ schemaId, topic, messageEncoding: "cdr", metadata: new Map() }));
  }
  let seq = 0;
  for (let r = 0; r < REPEAT; r++) {
    const offset = span * BigInt(r);
    for (const m of messages) {
      await writer.addMessage({ channelId: ids.get(m.topic)!, sequence: seq++, logTime: m.t + offset, publishTime: m.t + offset, data: m.bytes });
    }
  }
  await writer.end();
  await handle.sync();
  await handle.close();
}

async function plain(path: string): Promise<void> {
  const handle = await open(path, "w");
  const block = Buffer.allocUnsafe(4 << 20);
  let used = 0;
  let pos = 0;
  for (let r = 0; r < REPEAT; r++) {
    for (const m of messages) {
      if (used + m.bytes.byteLength > block.length) {
        await handle.write(block, 0, used, pos);
        pos += used;
        used = 0;
      }
      if (m.bytes.byteLength > block.length) {
        await handle.write(m.bytes, 0, m.bytes.byteLength, pos);
        pos += m.bytes.byteLength;
        continue;
      }
      block.set(m.bytes, used);
      used += m.bytes.byteLength;
    }
  }
  if (used > 0) await handle.write(block, 0, used, pos);
  await handle.sync();
  await handle.close();
}

/** CPU seconds (all threads: main, CRC worker, libuv writers) of each run, by name. */
const cpuResults: Record<string, number[]> = { recorder: [], noCrc: [], bare: [], plain: [] };
const cpuKey: Record<string, string> = { recorder: "recorder", "recorder-nocrc": "noCrc", bare: "bare", plain: "plain" };

async function time(name: string, fn: (path: string) => Promise<void>, run: number): Promise<number> {
  const path = join(dir, `${name}-${run}.mcap`);
  const cpu0 = process.cpuUsage();
  const start = process.hrtime.bigint();
  await fn(path);
  const s = Number(process.hrtime.bigint() - start) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  cpuResults[cpuKey[name]!]!.push((cpu.user + cpu.system) / 1e6);
  rmSync(path, { force: true });
  return s;
}

const results: Record<string, number[]> = { recorder: [], noCrc: [], bare: [], plain: [] };
for (let run = 0; run < RUNS; run++) {
  // interleaved, so drifts in disk speed hit all three alike
  results.recorder!.push(await time("recorder", ours, run));
  results.noCrc!.push(await time("recorder-nocrc", (p) => ours(p, false), run));
  results.bare!.push(await time("bare", bare, run));
  results.plain!.push(await time("plain", plain, run));
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const rec = median(results.recorder!);
const bareS = median(results.bare!);
const plainS = median(results.plain!);
const noCrcS = median(results.noCrc!);
console.log(`\nmedian of ${RUNS} runs, each ${(totalBytes / 1e6).toFixed(0)} MB / ${totalMsgs} messages, ending with fsync:`);
console.log(`  recorder writer   ${(totalBytes / rec / 1e6).toFixed(0).padStart(6)} MB/s  ${(totalMsgs / rec).toFixed(0).padStart(8)} msg/s  (${rec.toFixed(2)} s)`);
console.log(`  … without chunk CRC ${(totalBytes / noCrcS / 1e6).toFixed(0).padStart(6)} MB/s  ${(totalMsgs / noCrcS).toFixed(0).padStart(8)} msg/s  (${noCrcS.toFixed(2)} s)`);
console.log(`  bare @mcap/core   ${(totalBytes / bareS / 1e6).toFixed(0).padStart(6)} MB/s  ${(totalMsgs / bareS).toFixed(0).padStart(8)} msg/s  (${bareS.toFixed(2)} s)`);
console.log(`  plain file write  ${(totalBytes / plainS / 1e6).toFixed(0).padStart(6)} MB/s  (${plainS.toFixed(2)} s)`);
console.log(`  recorder / bare @mcap/core time: ${(rec / bareS).toFixed(2)}×   (goal ≤ 1.15×)`);
console.log(`  recorder / plain write time:     ${(rec / plainS).toFixed(2)}×`);
const cpuOf = (k: string) => median(cpuResults[k]!);
console.log(`  CPU time (all threads; the machine may be shared, wall time then overstates the cost):`);
for (const [k, label] of [["recorder", "recorder writer"], ["noCrc", "… without chunk CRC"], ["bare", "bare @mcap/core"], ["plain", "plain file write"]] as const) {
  console.log(`    ${label.padEnd(20)} ${cpuOf(k).toFixed(2)} s CPU → ${(totalBytes / cpuOf(k) / 1e6).toFixed(0)} MB per CPU second`);
}
console.log(`  reference rig: ${(setBytes / Number(span) * 1e9 / 1e6).toFixed(0)} MB/s → recorder headroom ${((totalBytes / rec) / (setBytes / Number(span) * 1e9)).toFixed(1)}×  (goal ≥ 4×)`);

// --- drops while recording the live simulated reference rig at 1× real time -------------------
const LIVE_SECONDS = Number(process.env.BENCH_LIVE_SECONDS ?? 8);
if (LIVE_SECONDS > 0) {
  const { createCodec, createDefaultRegistry } = await import("../../nodes/messages/index.ts");
  const { LocalRuntime } = await import("../../nodes/runtime/local/index.ts");
  const { createSimRig } = await import("../../nodes/sim/index.ts");
  const { RecorderNode } = await import("../../recorder/node/recorder-node.ts");
  const { EpisodeController } = await import("../../recorder/episode/controller.ts");
  const registry = createDefaultRegistry();
  const codec = createCodec(registry);
  const runtime = new LocalRuntime({ codec, log: () => {} });
  const rig = createSimRig(runtime, { profile: cap.profile, seed: 2, speed: 1, encoder: codec, durationS: LIVE_SECONDS });
  const recorder = new RecorderNode({
    runtime,
    schemaText: (type) => (registry.has(type) ? registry.schemaText(type) : undefined),
    selection: { topics: cap.profile.streams.map((s) => ({ topic: s.topic, type: s.type, qos: s.qos })) },
    useSimTime: false,
    log: () => {},
  });
  recorder.discover();
  const controller = new EpisodeController({
    recorder, libraryDir: dir, task: "bench", operator: "bench", source: "sim", rigProfile: cap.profile.name, robot: cap.profile.robot,
    build: { version: "bench", commit: undefined }, episodes: 1, episodeTimeS: undefined, resetTimeS: 0, compression: "none",
    flushIntervalMs: 500, minFreeBytes: 0, log: (l) => console.log(l),
  });
  recorder.onMessage = () => controller.tick();
  runtime.spin();
  console.log(`\nrecording the live reference rig at 1× for ${LIVE_SECONDS} s ...`);
  const summary = await rig.run();
  await new Promise((r) => setTimeout(r, 100));
  const result = await controller.shutdown();
  recorder.destroy();
  await runtime.shutdown();
  const stored = new Map(result.episodes[0]!.sidecar.topics.map((t) => [t.topic, t.messages]));
  let published = 0;
  let kept = 0;
  const lossy: string[] = [];
  for (const s of summary.streams) {
    published += s.published;
    const n = stored.get(s.topic) ?? 0;
    kept += n;
    if (n < s.published) lossy.push(`${s.topic} ${s.published - n}`);
  }
  console.log(`  rig ran at ${summary.realtimeFactor.toFixed(3)}× real time while recorded; ${published} messages published, ${kept} stored`);
  console.log(`  drops (published but not in the episode): ${published - kept}${lossy.length ? ` — ${lossy.join(", ")}` : ""}   (goal 0)`);
}
