// Our colcon interface package: every interface parses, is listed in the build files, uses
// names rosidl accepts, and round-trips through CDR.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createCodec, createDefaultRegistry, TELEDEMO_MSGS_DIR } from "../../nodes/messages/index.ts";

const registry = createDefaultRegistry();
const codec = createCodec(registry);

function interfaceFiles(folder: "msg" | "srv"): string[] {
  return readdirSync(join(TELEDEMO_MSGS_DIR, folder)).filter((file) => file.endsWith(`.${folder}`)).sort();
}
const MSG_FILES = interfaceFiles("msg");
const SRV_FILES = interfaceFiles("srv");
const MESSAGE_TYPES = [
  ...MSG_FILES.map((file) => `teledemo_msgs/msg/${file.replace(/\.msg$/, "")}`),
  ...SRV_FILES.flatMap((file) => ["Request", "Response"].map((part) => `teledemo_msgs/srv/${file.replace(/\.srv$/, "")}_${part}`)),
];

// rosidl_adapter's rules, plus words that collide in a generated language.
const FIELD_NAME = /^(?!.*__)(?!.*_$)[a-z][a-z0-9_]*$/;
const CONSTANT_NAME = /^[A-Z](?:[A-Z0-9_]*[A-Z0-9])?$/;
const TYPE_NAME = /^[A-Z][A-Za-z0-9]*$/;
const RESERVED = new Set([
  "and", "as", "assert", "break", "class", "continue", "def", "del", "elif", "else", "except", "false", "finally",
  "for", "from", "global", "if", "import", "in", "is", "lambda", "none", "nonlocal", "not", "or", "pass", "raise",
  "return", "true", "try", "while", "with", "yield", "auto", "bool", "case", "char", "const", "default", "delete",
  "do", "double", "enum", "explicit", "export", "extern", "float", "friend", "goto", "inline", "int", "long",
  "mutable", "namespace", "new", "operator", "private", "protected", "public", "register", "short", "signed",
  "sizeof", "static", "struct", "switch", "template", "this", "throw", "typedef", "typeid", "typename", "union",
  "unsigned", "using", "virtual", "void", "volatile", "function", "var", "let", "type", "string",
]);

describe("teledemo_msgs package", () => {
  it("has the interfaces the stack publishes", () => {
    expect(MSG_FILES).toEqual(expect.arrayContaining(["TactileArray.msg", "ClockModel.msg", "StreamHealth.msg"]));
    expect(SRV_FILES).toEqual(expect.arrayContaining(["StartEpisode.srv", "StopEpisode.srv"]));
  });

  it("lists every interface file in CMakeLists.txt and declares its dependencies", () => {
    const cmake = readFileSync(join(TELEDEMO_MSGS_DIR, "CMakeLists.txt"), "utf8");
    const listed = [...cmake.matchAll(/"((?:msg|srv)\/[A-Za-z0-9]+\.(?:msg|srv))"/g)].map((match) => match[1]).sort();
    expect(listed).toEqual([...MSG_FILES.map((file) => `msg/${file}`), ...SRV_FILES.map((file) => `srv/${file}`)].sort());
    expect(cmake).toMatch(/rosidl_generate_interfaces\(\$\{PROJECT_NAME\}/);
    expect(cmake).toMatch(/DEPENDENCIES builtin_interfaces std_msgs/);
    expect(cmake).toMatch(/find_package\(rosidl_default_generators REQUIRED\)/);
    expect(cmake).toMatch(/ament_export_dependencies\(rosidl_default_runtime\)/);
  });

  it("has a format 3 package.xml for a rosidl interface package", () => {
    const xml = readFileSync(join(TELEDEMO_MSGS_DIR, "package.xml"), "utf8");
    expect(xml).toMatch(/<package format="3">/);
    expect(xml).toMatch(/<name>teledemo_msgs<\/name>/);
    expect(xml).toMatch(/<buildtool_depend>rosidl_default_generators<\/buildtool_depend>/);
    expect(xml).toMatch(/<exec_depend>rosidl_default_runtime<\/exec_depend>/);
    expect(xml).toMatch(/<member_of_group>rosidl_interface_packages<\/member_of_group>/);
    expect(xml).toMatch(/<depend>std_msgs<\/depend>/);
    expect(xml).toMatch(/<depend>builtin_interfaces<\/depend>/);
    expect(xml).toMatch(/<build_type>ament_cmake<\/build_type>/);
  });

  it.each(MESSAGE_TYPES)("%s uses valid, unreserved names", (type) => {
    expect(type.split("/")[2]!.replace(/_(Request|Response)$/, "")).toMatch(TYPE_NAME);
    const [root] = registry.messageDefinitions(type);
    expect(root!.definitions.length).toBeGreaterThan(0);
    for (const field of root!.definitions) {
      expect(field.name).toMatch(field.isConstant === true ? CONSTANT_NAME : FIELD_NAME);
      expect(RESERVED.has(field.name.toLowerCase()), `${type}.${field.name} is a reserved word`).toBe(false);
      // nested types must be ones a ROS install has (std_msgs, builtin_interfaces) or our own
      if (field.isComplex === true) {
        expect(field.type, `${type}.${field.name}`).toMatch(/^(std_msgs|builtin_interfaces|teledemo_msgs)\//);
        expect(registry.has(field.type), `${type}.${field.name}: ${field.type} is defined`).toBe(true);
      }
    }
  });

  it.each(MESSAGE_TYPES)("%s round-trips through CDR", (type) => {
    const empty = codec.encode(type, {});
    expect(codec.encode(type, codec.decode(type, empty))).toEqual(empty);
  });

  it("round-trips a tactile reading with its float32 arrays", () => {
    const pressure = new Float32Array([0, 1.5, 2.25, 3, 4, 5]);
    const reading = {
      header: { stamp: { sec: 12, nanosec: 34 }, frame_id: "left_finger_pad" },
      sensor_name: "left_finger",
      rows: 2,
      cols: 3,
      pressure,
      shear_x: [],
      shear_y: [],
    };
    const decoded = codec.decode("teledemo_msgs/msg/TactileArray", codec.encode("teledemo_msgs/msg/TactileArray", reading));
    expect(decoded.header).toEqual(reading.header);
    expect(decoded.sensor_name).toBe("left_finger");
    expect([decoded.rows, decoded.cols]).toEqual([2, 3]);
    expect(Array.from(decoded.pressure as Float32Array)).toEqual(Array.from(pressure));
    expect((decoded.shear_x as Float32Array).length).toBe(0);
  });

  it("round-trips a clock model and carries the schema rosbag2 would write", () => {
    const model = {
      header: { stamp: { sec: 100, nanosec: 0 }, frame_id: "" },
      topic: "/wrist_camera/image_raw",
      segment_index: 1,
      valid_from: { sec: 99, nanosec: 500 },
      offset_ns: -1_234_567n,
      drift_ppm: 12.5,
      sample_count: 900,
      residual_mean_ns: 800_000,
      residual_rms_ns: 1_000_000,
      residual_max_abs_ns: 4_000_000,
    };
    expect(codec.decode("teledemo_msgs/msg/ClockModel", codec.encode("teledemo_msgs/msg/ClockModel", model))).toEqual(model);
    const schema = registry.schemaText("teledemo_msgs/msg/ClockModel");
    expect(schema.startsWith(readFileSync(join(TELEDEMO_MSGS_DIR, "msg/ClockModel.msg"), "utf8"))).toBe(true);
    expect([...schema.matchAll(/^MSG: (.+)$/gm)].map((match) => match[1])).toEqual(["builtin_interfaces/Time", "std_msgs/Header"]);
  });
});
