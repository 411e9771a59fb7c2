// Registry behaviour: name spellings, schemas from files, conflicts, installed (ament) packages.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createCodec, createDefaultRegistry, MessageRegistry } from "../../nodes/messages/index.ts";
import { readIndexedSchemas, readStreamedFixture, schemaText } from "../support/fixtures.ts";

const tempDirs: string[] = [];
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

describe("MessageRegistry", () => {
  const registry = createDefaultRegistry();

  it("accepts pkg/msg/Type and pkg/Type", () => {
    expect(registry.has("sensor_msgs/msg/Image")).toBe(true);
    expect(registry.has("sensor_msgs/Image")).toBe(true);
    expect(registry.schemaText("sensor_msgs/Image")).toBe(registry.schemaText("sensor_msgs/msg/Image"));
    expect(registry.has("sensor_msgs/msg/NoSuchType")).toBe(false);
    expect(registry.has("not a type")).toBe(false);
    expect(() => registry.schemaText("sensor_msgs/msg/NoSuchType")).toThrow(/unknown message type sensor_msgs\/msg\/NoSuchType/);
  });

  it("knows services and their request/response messages", () => {
    expect(registry.hasService("std_srvs/srv/Trigger")).toBe(true);
    expect(registry.has("std_srvs/srv/Trigger")).toBe(false);
    expect(registry.has("std_srvs/srv/Trigger_Response")).toBe(true);
    expect(registry.definitionText("std_srvs/srv/SetBool_Request")).toBe("bool data\n");
    expect(registry.hasService("teledemo_msgs/srv/StartEpisode")).toBe(true);
  });

  it("lists bundled and teledemo_msgs types", () => {
    expect(registry.types()).toEqual(
      expect.arrayContaining(["builtin_interfaces/msg/Time", "tf2_msgs/msg/TFMessage", "teledemo_msgs/msg/TactileArray", "std_srvs/srv/Trigger_Request"]),
    );
  });

  it("adds types from a file's schema so files with unknown types decode", async () => {
    const [arrays] = (await readIndexedSchemas("rosbag2/cdr_test/cdr_test_0.mcap")).filter((schema) => schema.name === "test_msgs/msg/Arrays");
    const fresh = createDefaultRegistry();
    const result = fresh.addSchema(arrays!.name, schemaText(arrays!));
    expect(result.added).toEqual(["test_msgs/msg/Arrays", "test_msgs/msg/BasicTypes", "test_msgs/msg/Constants", "test_msgs/msg/Defaults"]);
    expect(result.conflicting).toEqual([]);
    expect(fresh.schemaText(arrays!.name)).toBe(schemaText(arrays!));
  });

  it("keeps known types that only differ in comments, reports real conflicts", async () => {
    const fresh = createDefaultRegistry();
    const [imu] = await readIndexedSchemas("rosbag2/array_msgs_0.mcap");
    expect(fresh.addSchema(imu!.name, schemaText(imu!))).toEqual({ added: [], conflicting: [] });
    const changed = "float64 x\nfloat64 y\n";
    expect(fresh.addSchema("geometry_msgs/msg/Vector3", changed).conflicting).toEqual(["geometry_msgs/msg/Vector3"]);
    expect(fresh.definitionText("geometry_msgs/msg/Vector3")).toBe("float64 x\nfloat64 y\nfloat64 z\n");
    const codec = createCodec(fresh);
    expect(codec.encode("geometry_msgs/msg/Vector3", {}).length).toBe(28);
    fresh.addSchema("geometry_msgs/msg/Vector3", changed, { replace: true });
    expect(codec.encode("geometry_msgs/msg/Vector3", {}).length).toBe(20); // caches follow the replacement
  });

  it("reads schemas written by other tools (mcap-ros2-support) from a streamed file", async () => {
    const streamed = await readStreamedFixture("truncated/test_sample.mcap");
    expect(streamed.complete).toBe(true);
    const fresh = new MessageRegistry();
    for (const schema of streamed.schemas.values()) {
      if (schema.encoding === "ros2msg" && !fresh.has(schema.name)) fresh.addSchema(schema.name, schemaText(schema));
    }
    const codec = createCodec(fresh);
    let decoded = 0;
    for (const { message, schema } of streamed.messages) {
      if (schema?.encoding !== "ros2msg") continue;
      expect(() => codec.decode(schema.name, message.data)).not.toThrow();
      decoded++;
    }
    expect(decoded).toBeGreaterThan(0);
  });

  it("prefers installed definitions from AMENT_PREFIX_PATH, earlier prefixes first", () => {
    const makePrefix = (text: string): string => {
      const prefix = mkdtempSync(join(tmpdir(), "teledemo-ament-"));
      tempDirs.push(prefix);
      mkdirSync(join(prefix, "share", "std_msgs", "msg"), { recursive: true });
      writeFileSync(join(prefix, "share", "std_msgs", "msg", "String.msg"), text);
      return prefix;
    };
    const overlay = makePrefix("# overlay comment\nstring data\n");
    const underlay = makePrefix("# underlay comment\nstring data\n");
    const onRobot = createDefaultRegistry({ amentPrefixPath: [overlay, underlay].join(":") });
    expect(onRobot.schemaText("std_msgs/msg/String")).toBe("# overlay comment\nstring data\n");
    expect(onRobot.origin("std_msgs/msg/String")).toMatch(/^ament:/);
    // Types the robot lacks still come from the bundled definitions.
    expect(onRobot.origin("sensor_msgs/msg/Image")).toBe("bundled");
  });
});
