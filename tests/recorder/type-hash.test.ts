// REP-2011 RIHS01 type description hashes: against what rosbag2 Jazzy wrote into a real bag (the
// only_topics fixture: channel metadata topic_type_hash and the rosbag2 record), against values
// published by ROS 2 itself (`ros2 topic info -v`, rmw_zenoh key expressions), and in our files.
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { afterAll, describe, expect, it } from "vitest";
import { createDefaultRegistry } from "../../nodes/messages/index.ts";
import { McapStorage } from "../../recorder/storage/mcap-storage.ts";
import { typeDescriptionHash } from "../../recorder/storage/type-hash.ts";
import { schemaText, withIndexedFixture } from "../support/fixtures.ts";
import { tempDir, withIndexedReader } from "./support.ts";

describe("typeDescriptionHash", () => {
  it("equals the hashes rosbag2 Jazzy recorded for each topic of a real bag", async () => {
    let checked = 0;
    await withIndexedFixture("rosbag2/only_topics.mcap", async (reader) => {
      // rosbag2 writes the record at open and again at close; the last one lists the topics
      const bagYaml = (await collect(reader.readMetadata({ name: "rosbag2" }))).at(-1)?.metadata.get("serialized_metadata");
      const bag = parseYaml(bagYaml ?? "") as { topics_with_message_count: Array<{ topic_metadata: { name: string; type_description_hash: string } }> };
      for (const channel of reader.channelsById.values()) {
        const schema = reader.schemasById.get(channel.schemaId)!;
        const expected = channel.metadata.get("topic_type_hash");
        expect(expected).toMatch(/^RIHS01_[0-9a-f]{64}$/);
        expect(typeDescriptionHash(schema.name, schemaText(schema)), schema.name).toBe(expected);
        expect(bag.topics_with_message_count.find((t) => t.topic_metadata.name === channel.topic)?.topic_metadata.type_description_hash).toBe(expected);
        checked++;
      }
    });
    // rcl_interfaces Log and ParameterEvent (nested arrays, every primitive kind, byte[]), WriteSplitEvent
    expect(checked).toBe(3);
  });

  it("matches published hashes of standard types from our bundled definitions", () => {
    const registry = createDefaultRegistry();
    const known: Record<string, string> = {
      "std_msgs/msg/String": "RIHS01_df668c740482bbd48fb39d76a70dfd4bd59db1288021743503259e948f6b1a18",
      "std_msgs/msg/Header": "RIHS01_f49fb3ae2cf070f793645ff749683ac6b06203e41c891e17701b1cb597ce6a01",
      "builtin_interfaces/msg/Time": "RIHS01_b106235e25a4c5ed35098aa0a61a3ee9c9b18d197f398b0e4206cea9acf9c197",
      "sensor_msgs/msg/JointState": "RIHS01_a13ee3a330e346c9d87b5aa18d24e11690752bd33a0350f11c5882bc9179260e",
      "geometry_msgs/msg/Twist": "RIHS01_9c45bf16fe0983d80e3cfe750d6835843d265a9a6c46bd2e609fcddde6fb8d2a",
    };
    for (const [type, hash] of Object.entries(known)) expect(typeDescriptionHash(type, registry.schemaText(type)), type).toBe(hash);
  });

  it("depends on field types and names but not on comments, constants or defaults; byte differs from uint8", () => {
    const base = typeDescriptionHash("a_msgs/msg/T", "uint8 x\nstring<=5 s\nint32[<=3] b\nfloat64[4] f\n");
    expect(typeDescriptionHash("a_msgs/msg/T", "# c\nuint8 x 3 # default\nuint8 K=7\nstring<=5 s\nint32[<=3] b\nfloat64[4] f\n")).toBe(base);
    expect(typeDescriptionHash("a_msgs/msg/T", "byte x\nstring<=5 s\nint32[<=3] b\nfloat64[4] f\n")).not.toBe(base);
    expect(typeDescriptionHash("a_msgs/msg/T", "uint8 y\nstring<=5 s\nint32[<=3] b\nfloat64[4] f\n")).not.toBe(base);
    expect(typeDescriptionHash("a_msgs/msg/T", "uint8 x\nstring<=6 s\nint32[<=3] b\nfloat64[4] f\n")).not.toBe(base);
    expect(typeDescriptionHash("a_msgs/msg/T", "uint8 x\nstring<=5 s\nint32[] b\nfloat64[4] f\n")).not.toBe(base);
    expect(() => typeDescriptionHash("a_msgs/msg/T", "Missing m\n")).toThrow(/no definition of a_msgs\/msg\/Missing/);
  });
});

describe("recorded files carry the hashes", () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());

  it("channel metadata topic_type_hash and the rosbag2 record's type_description_hash; empty for an unknown type", async () => {
    const registry = createDefaultRegistry();
    const path = join(tmp.dir, "t.mcap");
    const storage = await McapStorage.open(path, { compression: "none", library: "test" });
    const qos = [{ history: "keep_last", depth: 10, reliability: "reliable", durability: "volatile" }] as const;
    storage.createTopic({ name: "/js", type: "sensor_msgs/msg/JointState", schemaText: registry.schemaText("sensor_msgs/msg/JointState"), offeredQos: [...qos] });
    storage.createTopic({ name: "/mystery", type: "acme_msgs/msg/Gizmo", schemaText: "", offeredQos: [...qos] });
    storage.write("/mystery", new Uint8Array([0, 1, 0, 0, 9]), 10n, 10n);
    await storage.close();
    await withIndexedReader(path, async (reader) => {
      const byTopic = new Map([...reader.channelsById.values()].map((c) => [c.topic, c]));
      expect(byTopic.get("/js")?.metadata.get("topic_type_hash")).toBe("RIHS01_a13ee3a330e346c9d87b5aa18d24e11690752bd33a0350f11c5882bc9179260e");
      expect(byTopic.get("/mystery")?.metadata.has("topic_type_hash")).toBe(false);
      const meta = (await collect(reader.readMetadata({ name: "rosbag2" })))[0]!;
      const bag = parseYaml(meta.metadata.get("serialized_metadata")!) as { topics_with_message_count: Array<{ topic_metadata: { name: string; type_description_hash: string } }> };
      const hashes = Object.fromEntries(bag.topics_with_message_count.map((t) => [t.topic_metadata.name, t.topic_metadata.type_description_hash]));
      expect(hashes).toEqual({ "/js": "RIHS01_a13ee3a330e346c9d87b5aa18d24e11690752bd33a0350f11c5882bc9179260e", "/mystery": "" });
    });
  });
});

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}
