// The CDR codec beyond what the fixtures exercise: strings outside ASCII, empty sequences,
// defaults, validation, services, and the cost of encoding a camera frame.
import { MessageReader } from "@foxglove/rosmsg2-serialization";
import { describe, expect, it } from "vitest";
import { createCodec, createDefaultRegistry, nanosToRosTime, rosTimeToNanos } from "../../nodes/messages/index.ts";

const registry = createDefaultRegistry();
const codec = createCodec(registry);

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("hex");
}

describe("encode", () => {
  it("writes UTF-8 strings with their byte length (MessageWriter 3.1.0 truncates them)", () => {
    const text = "pick up the café cup 🍵";
    const bytes = codec.encode("std_msgs/msg/String", { data: text });
    const length = new DataView(bytes.buffer).getUint32(4, true);
    expect(length).toBe(Buffer.byteLength(text) + 1);
    expect(codec.decode("std_msgs/msg/String", bytes).data).toBe(text);
  });

  it("does not align empty primitive sequences, like Fast CDR", () => {
    const message = { header: { stamp: { sec: 1, nanosec: 2 }, frame_id: "" }, name: ["a"], position: [1], velocity: [], effort: [3] };
    const bytes = codec.encode("sensor_msgs/msg/JointState", message);
    // header: stamp 8 + frame_id (4 + 1) → rel 13; name: pad 3, len 4, "a\0" (4 + 2) → rel 26;
    // position: pad 2, len 4 → 32, data 8 → 40; velocity len → 44 (no padding, no data);
    // effort len → 48, data 8 → 56; + 4-byte header = 60.
    expect(bytes.length).toBe(60);
    const decoded = codec.decode("sensor_msgs/msg/JointState", bytes);
    expect(Array.from(decoded.effort as Float64Array)).toEqual([3]);
    expect(Array.from(decoded.velocity as Float64Array)).toEqual([]);
  });

  it("fills missing fields with declared defaults or zero", () => {
    const decoded = codec.decode("geometry_msgs/msg/Pose", codec.encode("geometry_msgs/msg/Pose", {}));
    expect(decoded).toEqual({ position: { x: 0, y: 0, z: 0 }, orientation: { x: 0, y: 0, z: 0, w: 1 } });
    const info = codec.decode("sensor_msgs/msg/CameraInfo", codec.encode("sensor_msgs/CameraInfo", {}));
    expect(Array.from(info.k as Float64Array)).toEqual(new Array(9).fill(0));
  });

  it("rejects wrong types and wrong fixed lengths with the field path", () => {
    expect(() => codec.encode("sensor_msgs/msg/Imu", { header: { frame_id: 3 } })).toThrow(/Imu\.header\.frame_id: expected string/);
    expect(() => codec.encode("sensor_msgs/msg/Imu", { orientation_covariance: [1, 2] })).toThrow(/expected 9 items/);
  });

  it("accepts int64 as number or bigint and decodes bigint", () => {
    const health = codec.encode("teledemo_msgs/msg/StreamHealth", { latency_p50_ns: 1500, latency_p99_ns: 9_000_000_000n });
    const decoded = codec.decode("teledemo_msgs/msg/StreamHealth", health);
    expect(decoded.latency_p50_ns).toBe(1500n);
    expect(decoded.latency_p99_ns).toBe(9_000_000_000n);
  });

  it("encodes empty messages and service halves as rosidl defines them", () => {
    expect(hex(codec.encode("std_msgs/msg/Empty", {}))).toBe("0001000000000000");
    expect(hex(codec.encode("std_srvs/srv/Empty_Request", {}))).toBe("0001000000000000");
    const response = codec.encode("std_srvs/srv/Trigger_Response", { success: true, message: "ok" });
    expect(codec.decode("std_srvs/srv/Trigger_Response", response)).toEqual({ success: true, message: "ok" });
    expect(codec.decode("std_srvs/srv/SetBool_Request", codec.encode("std_srvs/srv/SetBool_Request", { data: true }))).toEqual({ data: true });
  });

  it("round-trips nested arrays of structs (tf2_msgs/TFMessage)", () => {
    const transform = {
      header: { stamp: { sec: 10, nanosec: 5 }, frame_id: "world" },
      child_frame_id: "wrist_camera_optical",
      transform: { translation: { x: 0.1, y: 0.2, z: 0.3 }, rotation: { x: 0, y: 0, z: 0.7071067811865476, w: 0.7071067811865476 } },
    };
    const message = { transforms: [transform, { ...transform, child_frame_id: "base" }] };
    expect(codec.decode("tf2_msgs/msg/TFMessage", codec.encode("tf2_msgs/msg/TFMessage", message))).toEqual(message);
  });

  it("matches MessageReader's layout for every bundled type filled with sample values", () => {
    // Decoding what we encode with the independent reader catches any alignment slip.
    const cloud = {
      header: { stamp: { sec: 1, nanosec: 2 }, frame_id: "lidar" },
      height: 1, width: 2,
      fields: [{ name: "x", offset: 0, datatype: 7, count: 1 }],
      is_bigendian: false, point_step: 4, row_step: 8,
      data: new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]), is_dense: true,
    };
    const decoded = codec.decode("sensor_msgs/msg/PointCloud2", codec.encode("sensor_msgs/msg/PointCloud2", cloud));
    expect({ ...decoded, data: Array.from(decoded.data as Uint8Array) }).toEqual({ ...cloud, data: [1, 2, 3, 4, 5, 6, 7, 8] });
    const array = { layout: { dim: [{ label: "joints", size: 3, stride: 3 }], data_offset: 0 }, data: [1.5, -2, 3] };
    const multi = codec.decode("std_msgs/msg/Float64MultiArray", codec.encode("std_msgs/msg/Float64MultiArray", array));
    expect({ ...multi, data: Array.from(multi.data as Float64Array) }).toEqual(array);
  });

  it("produces what MessageReader built from the schema text alone decodes (what a file reader does)", async () => {
    const { parse } = await import("@foxglove/rosmsg");
    const reader = new MessageReader(parse(registry.schemaText("sensor_msgs/msg/CameraInfo"), { ros2: true }));
    const info = { header: { stamp: { sec: 3, nanosec: 4 }, frame_id: "cam" }, height: 480, width: 640, distortion_model: "plumb_bob", d: [0.1, 0, 0, 0, 0] };
    const decoded = reader.readMessage<Record<string, unknown>>(codec.encode("sensor_msgs/msg/CameraInfo", info));
    expect(decoded.distortion_model).toBe("plumb_bob");
    expect(Array.from(decoded.d as Float64Array)).toEqual([0.1, 0, 0, 0, 0]);
    expect(decoded.roi).toEqual({ x_offset: 0, y_offset: 0, height: 0, width: 0, do_rectify: false });
  });
});

describe("image encoding", () => {
  it("encodes a 640x480 rgb8 Image with its pixels intact (speed: npm run bench:codec)", () => {
    const data = new Uint8Array(640 * 480 * 3).map((_, index) => index & 0xff);
    const image = { header: { stamp: { sec: 1, nanosec: 0 }, frame_id: "wrist_camera_optical" }, height: 480, width: 640, encoding: "rgb8", is_bigendian: 0, step: 1920, data };
    const encoded = codec.encode("sensor_msgs/msg/Image", image);
    const decoded = codec.decode("sensor_msgs/msg/Image", encoded);
    expect((decoded.data as Uint8Array).length).toBe(data.length);
    expect(Buffer.compare(Buffer.from(decoded.data as Uint8Array), Buffer.from(data))).toBe(0);
  });
});

describe("time helpers", () => {
  it("converts { sec, nanosec } ↔ bigint nanoseconds like rclcpp", () => {
    expect(rosTimeToNanos({ sec: 1, nanosec: 500_000_000 })).toBe(1_500_000_000n);
    expect(nanosToRosTime(1_500_000_000n)).toEqual({ sec: 1, nanosec: 500_000_000 });
    expect(nanosToRosTime(-1_500_000_000n)).toEqual({ sec: -2, nanosec: 500_000_000 });
    expect(rosTimeToNanos(nanosToRosTime(-1n))).toBe(-1n);
    expect(rosTimeToNanos({ sec: 2, nsec: 7 })).toBe(2_000_000_007n);
    expect(() => nanosToRosTime(2n ** 63n - 1n)).toThrow(RangeError);
  });
});
