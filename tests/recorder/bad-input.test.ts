// Bad input on the graph (issue 3 item 7): a topic whose type has no definition, CDR payloads that
// do not decode (including where a header stamp should be), and a topic that changes type. Each
// is recorded raw, byte for byte, with a warning — never a crash — and the file stays valid.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createCodec, createDefaultRegistry } from "../../nodes/messages/index.ts";
import { LocalRuntime } from "../../nodes/runtime/local/index.ts";
import { EpisodeController } from "../../recorder/episode/controller.ts";
import { readSidecar } from "../../recorder/episode/layout.ts";
import { CLOCK_MODEL_TYPE } from "../../recorder/health/clock-models.ts";
import { inspectPath, type RecordingReport } from "../../recorder/info/inspect.ts";
import { RecorderNode } from "../../recorder/node/recorder-node.ts";
import { seededRandom } from "../support/random.ts";
import { tempDir, withIndexedReader } from "./support.ts";

const tmp = tempDir("teledemo-bad-input-");
afterAll(() => tmp.cleanup());

const tick = () => new Promise((r) => setTimeout(r, 5));

describe("recording bad input", () => {
  it("stores unknown types, undecodable CDR and a topic that changes type raw, with warnings", async () => {
    const registry = createDefaultRegistry();
    const codec = createCodec(registry);
    const runtime = new LocalRuntime({ codec, log: () => {} });
    const robot = runtime.createNode("flaky_driver");
    const mystery = robot.createPublisher("acme_msgs/msg/Gizmo", "/mystery");
    const badImu = robot.createPublisher("sensor_msgs/msg/Imu", "/imu_bad");
    const switching = robot.createPublisher("std_msgs/msg/String", "/switch");
    const logs: string[] = [];
    // The in-process runtime refuses a second type on a topic, as DDS never matches them; a graph
    // whose topic changed type (a driver restarted with another message, a bridge re-advertising)
    // is played by reporting the new type in the graph while the new type's bytes arrive.
    let switchedType: string | undefined;
    const graphView = new Proxy(runtime, {
      get(target, prop, receiver) {
        if (prop !== "createNode") return Reflect.get(target, prop, receiver) as unknown;
        return (...args: Parameters<typeof runtime.createNode>) => {
          const node = target.createNode(...args);
          const real = node.getTopicNamesAndTypes.bind(node);
          node.getTopicNamesAndTypes = () => real().map((t) => (t.name === "/switch" && switchedType ? { ...t, types: [switchedType] } : t));
          return node;
        };
      },
    });
    const recorder = new RecorderNode({
      runtime: graphView,
      schemaText: (type) => (registry.has(type) ? registry.schemaText(type) : undefined),
      selection: {},
      useSimTime: false,
      log: (l) => logs.push(l),
    });
    recorder.discover();
    const controller = new EpisodeController({
      recorder,
      libraryDir: tmp.dir,
      task: "t",
      operator: "o",
      source: "ros",
      rigProfile: "",
      robot: undefined,
      build: { version: "test", commit: undefined },
      episodes: 1,
      episodeTimeS: undefined,
      resetTimeS: 0,
      compression: "none",
      flushIntervalMs: 100,
      minFreeBytes: 0,
      hasHeader: (type) => {
        try {
          return registry.messageDefinitions(type)[0]?.definitions[0]?.type === "std_msgs/Header";
        } catch {
          return false;
        }
      },
      clockModels: { encode: (m) => codec.encode(CLOCK_MODEL_TYPE, { ...m }), schemaText: registry.schemaText(CLOCK_MODEL_TYPE) },
      log: (l) => logs.push(l),
    });
    runtime.spin();
    await controller.start();
    expect(controller.state).toBe("recording");

    const rand = seededRandom(11);
    const sent = new Map<string, Uint8Array[]>([["/mystery", []], ["/imu_bad", []], ["/switch", []]]);
    const publish = (topic: string, pub: { publish(m: Uint8Array): void }, bytes: Uint8Array) => {
      sent.get(topic)!.push(bytes);
      pub.publish(bytes);
    };
    const randomBytes = (n: number) => Uint8Array.from({ length: n }, () => Math.floor(rand() * 256));
    for (let i = 0; i < 40; i++) {
      publish("/mystery", mystery, randomBytes(8 + (i % 5)));
      // CDR that does not decode as an Imu: too short, truncated, or noise after a valid header
      const imu = i % 3 === 0 ? randomBytes(3) : i % 3 === 1 ? codec.encode("sensor_msgs/msg/Imu", {}).slice(0, 30) : randomBytes(64);
      if (i % 3 === 2) imu.set([0, 1, 0, 0], 0);
      publish("/imu_bad", badImu, imu);
      publish("/switch", switching, codec.encode("std_msgs/msg/String", { data: `hello ${i}` }));
      await tick();
    }
    for (const bytes of sent.get("/imu_bad")!.slice(0, 6)) expect(() => codec.decode("sensor_msgs/msg/Imu", bytes)).toThrow();
    // the topic changes type
    switchedType = "geometry_msgs/msg/Vector3";
    recorder.discover();
    for (let i = 0; i < 10; i++) {
      publish("/switch", switching, codec.encode("geometry_msgs/msg/Vector3", { x: i, y: 0, z: 1 }));
      await tick();
    }
    await controller.stop();
    const result = await controller.done;
    expect(result.error).toBeUndefined();
    expect(result.episodes).toHaveLength(1);

    expect(logs.some((l) => /no definition for acme_msgs\/msg\/Gizmo \(topic \/mystery\).*raw/.test(l)), logs.join("\n")).toBe(true);
    expect(logs.some((l) => /\/switch now carries geometry_msgs\/msg\/Vector3.*recorded as std_msgs\/msg\/String.*raw/.test(l)), logs.join("\n")).toBe(true);

    const [id] = readdirSync(tmp.dir);
    const file = join(tmp.dir, id!, "episode.mcap");
    expect(readSidecar(join(tmp.dir, id!)).flags).not.toContain("write_error");
    await withIndexedReader(file, async (reader) => {
      const byTopic = new Map([...reader.channelsById.values()].map((c) => [c.topic, c]));
      const mysterySchema = reader.schemasById.get(byTopic.get("/mystery")!.schemaId)!;
      expect(mysterySchema.name).toBe("acme_msgs/msg/Gizmo");
      expect(mysterySchema.data.byteLength).toBe(0);
      expect(reader.schemasById.get(byTopic.get("/switch")!.schemaId)!.name).toBe("std_msgs/msg/String");
      const got = new Map<string, Uint8Array[]>();
      for await (const m of reader.readMessages({ topics: ["/mystery", "/imu_bad", "/switch"] })) {
        const topic = reader.channelsById.get(m.channelId)!.topic;
        if (!got.has(topic)) got.set(topic, []);
        got.get(topic)!.push(m.data);
      }
      // every message byte for byte, in order
      for (const [topic, bytes] of sent) expect(got.get(topic)?.map((b) => Buffer.from(b).toString("hex")), topic).toEqual(bytes.map((b) => Buffer.from(b).toString("hex")));
    });
    // and `teledemo info` reads the file
    const report = (await inspectPath(file)) as RecordingReport;
    expect(JSON.stringify(report)).toContain("acme_msgs/msg/Gizmo");
    await runtime.shutdown();
  }, 30_000);
});
