// An episode recorded from the simulated small rig at max speed, read back with @mcap/core:
// ros2 profile, rosbag2 schema texts and encodings, QoS metadata, the rosbag2 and
// teledemo.episode records, statistics, and every message byte-identical to what was published.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { createCodec, createDefaultRegistry } from "../../nodes/messages/index.ts";
import { loadRigProfile } from "../../nodes/rig/profile.ts";
import { LocalRuntime } from "../../nodes/runtime/local/index.ts";
import { createSimRig } from "../../nodes/sim/index.ts";
import { EpisodeController, type SessionResult } from "../../recorder/episode/controller.ts";
import { EPISODE_SIDECAR, readSidecar } from "../../recorder/episode/layout.ts";
import { inspectPath, type RecordingReport } from "../../recorder/info/inspect.ts";
import { RecorderNode } from "../../recorder/node/recorder-node.ts";
import { calibrationOfProfile, writeCalibration } from "../../recorder/side/calibration.ts";
import { protobufFromBinaryDescriptor } from "@mcap/support";
import { EPOCH_NS } from "../sim/rig-harness.ts";
import { tempDir, withIndexedReader } from "./support.ts";

const tmp = tempDir();
afterAll(() => tmp.cleanup());

interface Captured {
  bytes: Uint8Array;
  receivedNs: bigint;
}

const registry = createDefaultRegistry();
const codec = createCodec(registry);
const profile = loadRigProfile("launch/profiles/small.yaml");
let result: SessionResult;
const published = new Map<string, Captured[]>();
let groundTruthSeed = -1;

beforeAll(async () => {
  const runtime = new LocalRuntime({ codec, log: () => {} });
  const rig = createSimRig(runtime, { profile, seed: 7, speed: "max", encoder: codec, durationS: 3, epochNs: EPOCH_NS });
  // What the rig published, as an independent subscriber received it.
  const capture = runtime.createNode("capture", "", { parameterOverrides: { use_sim_time: true } });
  for (const s of profile.streams) {
    const list: Captured[] = [];
    published.set(s.topic, list);
    capture.createSubscription(s.type, s.topic, { isRaw: true, qos: { depth: 10_000, durability: s.qos.durability, reliability: "best_effort" } }, (bytes, info) =>
      list.push({ bytes: bytes.slice(), receivedNs: info.receivedTimestamp }),
    );
  }
  const recorder = new RecorderNode({
    runtime,
    schemaText: (type) => (registry.has(type) ? registry.schemaText(type) : undefined),
    selection: { topics: profile.streams.map((s) => ({ topic: s.topic, type: s.type, qos: s.qos })) },
    useSimTime: true,
    log: () => {},
  });
  recorder.discover();
  const controller = new EpisodeController({
    recorder,
    libraryDir: tmp.dir,
    task: "put the cube in the bowl",
    operator: "tester",
    source: "sim",
    rigProfile: profile.name,
    robot: profile.robot,
    build: { version: "0.0.0-test", commit: "abc123" },
    episodes: 1,
    episodeTimeS: undefined,
    resetTimeS: 0,
    compression: "zstd",
    chunkSize: 1 << 20,
    flushIntervalMs: 200,
    minFreeBytes: 0,
    groundTruth: () => rig.groundTruth(),
    onEpisodeOpened: (episode, startNs) => writeCalibration(episode.sideStorage, calibrationOfProfile(profile), startNs, profile.robot.model),
    log: () => {},
  });
  recorder.onMessage = () => controller.tick();
  runtime.spin();
  await rig.run();
  await new Promise((r) => setTimeout(r, 50));
  result = await controller.shutdown();
  groundTruthSeed = rig.groundTruth().seed;
  recorder.destroy();
  await runtime.shutdown();
});

describe("an episode recorded from the simulated small rig", () => {
  it("lands in its own folder with a sidecar summary", () => {
    expect(result.error).toBeUndefined();
    expect(result.episodes).toHaveLength(1);
    const episode = result.episodes[0]!;
    expect(episode.path).toBe(join(tmp.dir, episode.sidecar.id, "episode.mcap"));
    const sidecar = readSidecar(episode.dir);
    expect(sidecar.task).toBe("put the cube in the bowl");
    expect(sidecar.profile).toBe("small");
    expect(sidecar.message_count).toBe(episode.result.messageCount);
    expect(JSON.parse(readFileSync(join(episode.dir, EPISODE_SIDECAR), "utf8")).schema).toBe("teledemo/episode-summary");
  });

  it("reads back with McapIndexedReader exactly as rosbag2 would write it", async () => {
    const episode = result.episodes[0]!;
    const startNs = BigInt(episode.sidecar.start_ns);
    await withIndexedReader(episode.path, async (reader) => {
      expect(reader.header.profile).toBe("ros2");
      const all = [...reader.channelsById.values()];
      const channels = all.filter((c) => c.messageEncoding === "cdr");
      expect(new Set(channels.map((c) => c.topic))).toEqual(new Set(profile.streams.map((s) => s.topic)));
      // calibration: protobuf side channels that @mcap/support's descriptor reader decodes
      const side = all.filter((c) => c.messageEncoding === "protobuf");
      expect(side.map((c) => c.topic).sort()).toEqual([...profile.cameras.map((c) => `/calibration/cameras/${c.name}`), "/calibration/transforms"].sort());
      for await (const m of reader.readMessages({ topics: side.map((c) => c.topic) })) {
        const schema = reader.schemasById.get(reader.channelsById.get(m.channelId)!.schemaId)!;
        expect(schema.encoding).toBe("protobuf");
        const type = protobufFromBinaryDescriptor(schema.data).lookupType(schema.name);
        const msg = type.toObject(type.decode(m.data)) as Record<string, unknown>;
        if (schema.name === "foxglove.CameraCalibration") {
          const cam = profile.cameras.find((c) => `/calibration/cameras/${c.name}` === reader.channelsById.get(m.channelId)!.topic)!;
          expect((msg.K as number[])[0]).toBeCloseTo(cam.fx);
          expect(msg.width).toBe(cam.width);
        } else {
          expect((msg.transforms as unknown[]).length).toBe(profile.static_frames.length);
        }
      }
      const attachments = reader.attachmentIndexes.map((a) => a.name);
      expect(attachments).toContain("calibration/calibration.yaml");
      expect(attachments).toContain("calibration/rig.urdf");
      for (const c of channels) {
        const schema = reader.schemasById.get(c.schemaId)!;
        const spec = profile.streams.find((s) => s.topic === c.topic)!;
        expect(schema.name).toBe(spec.type);
        expect(schema.encoding).toBe("ros2msg");
        expect(new TextDecoder().decode(schema.data)).toBe(registry.schemaText(spec.type));
        expect(c.messageEncoding).toBe("cdr");
        const qos = parseYaml(c.metadata.get("offered_qos_profiles")!) as Array<Record<string, unknown>>;
        expect(qos).toHaveLength(1);
        expect(qos[0]!.reliability).toBe(spec.qos.reliability === "reliable" ? 1 : 2);
        expect(qos[0]!.durability).toBe(spec.qos.durability === "transient_local" ? 1 : 2);
        expect(qos[0]!.depth).toBe(spec.qos.depth);
      }
      // statistics = what was received (everything the capture got from the episode start on)
      const expected = new Map([...published].map(([topic, list]) => [topic, list.filter((m) => m.receivedNs >= startNs)]));
      const total = [...expected.values()].reduce((n, l) => n + l.length, 0);
      expect(total).toBeGreaterThan(1000);
      expect(reader.statistics!.messageCount).toBe(BigInt(total + side.length));
      for (const c of channels) expect(reader.statistics!.channelMessageCounts.get(c.id)).toBe(BigInt(expected.get(c.topic)!.length));
      expect(reader.chunkIndexes.length).toBeGreaterThan(1);
      expect(reader.chunkIndexes.every((c) => c.compression === "zstd")).toBe(true);

      // every message byte-for-byte, in receive order per topic, log time = receive time
      const got = new Map<string, Array<{ data: Uint8Array; logTime: bigint; publishTime: bigint }>>();
      for await (const m of reader.readMessages()) {
        const topic = reader.channelsById.get(m.channelId)!.topic;
        if (!got.has(topic)) got.set(topic, []);
        got.get(topic)!.push(m);
      }
      for (const [topic, list] of expected) {
        const mine = got.get(topic) ?? [];
        expect(mine.length, topic).toBe(list.length);
        list.forEach((m, i) => {
          expect(Buffer.compare(Buffer.from(mine[i]!.data), Buffer.from(m.bytes)), `${topic} #${i}`).toBe(0);
          expect(mine[i]!.logTime).toBe(m.receivedNs);
        });
      }
      // every message decodes
      for (const [topic, list] of got) {
        if (topic.startsWith("/calibration/")) continue;
        const type = profile.streams.find((s) => s.topic === topic)!.type;
        for (const m of list.slice(0, 5)) expect(() => codec.decode(type, m.data)).not.toThrow();
      }

      const records = new Map<string, Map<string, string>>();
      for await (const m of reader.readMetadata()) records.set(m.name, m.metadata);
      const bag = parseYaml(records.get("rosbag2")!.get("serialized_metadata")!) as Record<string, unknown>;
      expect(bag.version).toBe(8);
      expect(bag.storage_identifier).toBe("mcap");
      expect(bag.message_count).toBe(total);
      expect(bag.relative_file_paths).toEqual(["episode.mcap"]);
      const topics = bag.topics_with_message_count as Array<{ topic_metadata: { name: string; type: string; serialization_format: string; offered_qos_profiles: string }; message_count: number }>;
      expect(topics).toHaveLength(profile.streams.length);
      for (const t of topics) {
        expect(t.topic_metadata.serialization_format).toBe("cdr");
        expect(t.message_count).toBe(expected.get(t.topic_metadata.name)!.length);
        expect(Array.isArray(parseYaml(t.topic_metadata.offered_qos_profiles))).toBe(true);
      }
      const ep = records.get("teledemo.episode")!;
      expect(ep.get("id")).toBe(episode.sidecar.id);
      expect(ep.get("operator")).toBe("tester");
      expect(ep.get("outcome")).toBe("unknown");
      expect(ep.get("teledemo_commit")).toBe("abc123");
      expect(JSON.parse(ep.get("robot")!)).toEqual(profile.robot);
      expect(JSON.parse(ep.get("sim_ground_truth")!).seed).toBe(groundTruthSeed);
    });
  });

  it("is described by teledemo info", async () => {
    const report = (await inspectPath(result.episodes[0]!.dir)) as RecordingReport;
    expect(report.kind).toBe("episode");
    expect(report.health).toBe("ok");
    expect(report.episode?.task).toBe("put the cube in the bowl");
    expect(report.topics).toHaveLength(profile.streams.length + profile.cameras.length + 1);
    expect(report.calibrationPresent).toBe(true);
    const imu = report.topics.find((t) => t.topic === "/imu/data")!;
    expect(imu.rateHz).toBeGreaterThan(90);
    expect(imu.rateHz).toBeLessThan(110);
    const library = await inspectPath(tmp.dir);
    expect(library.kind).toBe("library");
  });
});
