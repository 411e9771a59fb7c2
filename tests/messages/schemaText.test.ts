// Our schema texts against the ones rosbag2 wrote into the fixtures.
//
// Our bundled .msg files carry no upstream comments, so whole-text equality with a fixture is
// impossible for them. Two tests together still pin the result down:
// 1. the concatenation procedure is exact: a fixture schema split into its per-type texts and
//    rebuilt by our buildSchemaText() (via a registry holding just those texts) is
//    byte-identical to what rosbag2 wrote — order, delimiters, newlines, MSG names;
// 2. our bundled definitions equal the fixtures' type by type after normalizeMsgText()
//    (comments, blank lines and spacing removed), with the same types in the same order.
import { describe, expect, it } from "vitest";
import {
  createDefaultRegistry,
  MessageRegistry,
  normalizeMsgText,
  splitSchemaText,
} from "../../nodes/messages/index.ts";
import { readIndexedSchemas, schemaText, type McapSchema } from "../support/fixtures.ts";

const FILES = [
  "rosbag2/array_msgs_0.mcap",
  "rosbag2/base_msgs_0.mcap",
  "rosbag2/cdr_test/cdr_test_0.mcap",
  "rosbag2/only_topics.mcap",
  "rosbag2/wbag/wbag_0.mcap",
];

async function allSchemas(): Promise<McapSchema[]> {
  const byName = new Map<string, McapSchema>();
  for (const file of FILES) for (const schema of await readIndexedSchemas(file)) byName.set(schema.name, schema);
  return [...byName.values()];
}

describe("schema text concatenation", () => {
  it("rebuilds every fixture schema byte for byte from its per-type pieces", async () => {
    const schemas = await allSchemas();
    expect(schemas.map((schema) => schema.name)).toEqual(
      expect.arrayContaining(["sensor_msgs/msg/Imu", "rcl_interfaces/msg/ParameterEvent", "test_msgs/msg/Arrays"]),
    );
    for (const schema of schemas) {
      const original = schemaText(schema);
      const registry = new MessageRegistry();
      for (const piece of splitSchemaText(schema.name, original)) registry.addDefinition(piece.type, piece.text, "fixture");
      expect(registry.schemaText(schema.name), schema.name).toBe(original);
    }
  });

  it("orders dependencies as rosbag2 does: sorted per type, depth-first, each once", async () => {
    const imu = (await allSchemas()).find((schema) => schema.name === "sensor_msgs/msg/Imu")!;
    const order = splitSchemaText(imu.name, schemaText(imu)).map((piece) => piece.type);
    // Not field order (header comes first in Imu.msg): std::set order, then Header's own Time.
    expect(order).toEqual([
      "sensor_msgs/msg/Imu",
      "geometry_msgs/Quaternion",
      "geometry_msgs/Vector3",
      "std_msgs/Header",
      "builtin_interfaces/Time",
    ]);
    const ours = createDefaultRegistry().schemaText("sensor_msgs/Imu");
    expect(splitSchemaText("sensor_msgs/msg/Imu", ours).map((piece) => piece.type)).toEqual(order);
  });

  it("resolves bare field types against the file's package (Twist's `Vector3  linear`)", () => {
    const registry = createDefaultRegistry();
    expect(registry.schemaText("geometry_msgs/msg/Twist")).toBe(
      `${registry.definitionText("geometry_msgs/msg/Twist")}\n${"=".repeat(80)}\nMSG: geometry_msgs/Vector3\n` +
        registry.definitionText("geometry_msgs/msg/Vector3"),
    );
  });

  it("emits nothing after a type without dependencies", () => {
    const registry = createDefaultRegistry();
    expect(registry.schemaText("std_msgs/msg/String")).toBe("string data\n");
  });
});

describe("bundled definitions against the fixtures", () => {
  it("match every fixture schema we ship, type by type, after normalization", async () => {
    const registry = createDefaultRegistry();
    let compared = 0;
    for (const schema of await allSchemas()) {
      if (!registry.has(schema.name)) continue;
      const normalized = (text: string) =>
        splitSchemaText(schema.name, text).map((piece) => ({ type: piece.type, text: normalizeMsgText(piece.text) }));
      expect(normalized(registry.schemaText(schema.name)), schema.name).toEqual(normalized(schemaText(schema)));
      compared++;
    }
    // Imu, JointState, Twist, Vector3, String.
    expect(compared).toBe(5);
  });

  it("normalization only drops comments, blank lines and spacing", () => {
    expect(normalizeMsgText("# c\n\nVector3  linear # m/s\nuint8 A  =  1\nstring S=\"a # b\"\n")).toBe(
      'Vector3 linear\nuint8 A=1\nstring S="a # b"',
    );
  });
});
