// Every message rosbag2 recorded in the fixtures decodes and re-encodes to the identical CDR
// bytes (encapsulation header, alignment padding and trailing padding included). Types we do
// not ship (test_msgs, rcl_interfaces) come from the file's own schema via addSchema().
//
// Trailing padding depends on how the bytes reached rosbag2: messages recorded from a live DDS
// topic (Fast DDS) are zero-padded to a multiple of 4 (base_msgs: a 22-byte String stored as 24
// bytes), while the wbag messages were serialized in-process (rmw_serialize) and are not. The
// codec's padToFourBytes option selects the style; each file states which one it holds.
import { describe, expect, it } from "vitest";
import { createCodec, createDefaultRegistry } from "../../nodes/messages/index.ts";
import { readIndexedMessages, schemaText, type FixtureMessage } from "../support/fixtures.ts";

const FILES: Array<{ file: string; padToFourBytes: boolean }> = [
  { file: "rosbag2/array_msgs_0.mcap", padToFourBytes: true },
  { file: "rosbag2/base_msgs_0.mcap", padToFourBytes: true },
  { file: "rosbag2/cdr_test/cdr_test_0.mcap", padToFourBytes: true },
  { file: "rosbag2/only_topics.mcap", padToFourBytes: true },
  ...[0, 1, 2, 3, 4].map((index) => ({ file: `rosbag2/wbag/wbag_${index}.mcap`, padToFourBytes: false })),
];

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("hex");
}

describe.each(FILES)("$file", ({ file, padToFourBytes }) => {
  it("decodes and re-encodes every message byte-identically", async () => {
    const messages: FixtureMessage[] = await readIndexedMessages(file);
    expect(messages.length).toBeGreaterThan(0);
    const registry = createDefaultRegistry();
    for (const { schema } of messages) {
      if (schema && !registry.has(schema.name)) registry.addSchema(schema.name, schemaText(schema), { origin: file });
    }
    const codec = createCodec(registry, { padToFourBytes });
    let checked = 0;
    for (const { message, channel, schema } of messages) {
      expect(channel.messageEncoding).toBe("cdr");
      expect(schema?.encoding).toBe("ros2msg");
      const type = schema!.name;
      const decoded = codec.decode(type, message.data);
      const encoded = codec.encode(type, decoded);
      if (hex(encoded) !== hex(message.data)) {
        expect.fail(`${file} ${channel.topic} (${type}) seq ${message.sequence}:\n ours ${hex(encoded)}\n file ${hex(message.data)}`);
      }
      checked++;
    }
    expect(checked).toBe(messages.length);
  });
});

it("the padded fixtures really contain padded messages, the wbag ones unpadded", async () => {
  const lengths = async (file: string) => (await readIndexedMessages(file)).map((m) => m.message.data.length);
  expect(await lengths("rosbag2/base_msgs_0.mcap")).toContain(24); // "Hello, World!" = 22 bytes + 2
  expect((await lengths("rosbag2/wbag/wbag_0.mcap")).some((length) => length % 4 !== 0)).toBe(true);
});

describe("decoded values", () => {
  it("reads the Humble Imu and JointState as their publishers sent them", async () => {
    const codec = createCodec(createDefaultRegistry());
    const byTopic = new Map((await readIndexedMessages("rosbag2/array_msgs_0.mcap")).map((m) => [m.channel.topic, m]));
    const imu = codec.decode("sensor_msgs/msg/Imu", byTopic.get("/one_shot/imu")!.message.data);
    expect(imu.header).toEqual({ stamp: { sec: 0, nanosec: 0 }, frame_id: "imu_link" });
    expect((imu.orientation as { w: number }).w).toBe(1);
    const joints = codec.decode("sensor_msgs/JointState", byTopic.get("/one_shot/joint_state")!.message.data);
    expect(joints.name).toEqual(["joint1", "joint2", "joint3"]);
  });

  it("reads std_msgs/String from the split wbag", async () => {
    const codec = createCodec(createDefaultRegistry());
    const [first] = await readIndexedMessages("rosbag2/wbag/wbag_0.mcap");
    expect(codec.decode("std_msgs/msg/String", first!.message.data).data).toMatch(/^Hello, world! \d+ - \d+$/);
  });
});
