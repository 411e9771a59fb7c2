// A ROS 2 bag that teledemo did not write (an MCAP written with @mcap/core directly, as rosbag2
// would: profile ros2, ros2msg schemas, CDR), with /tf_static, camera_info, a camera and a
// sensor of a type we do not ship (decoded from the schema text inside the file): calib import
// rebuilds the calibration from the topics; calib check says the calibration itself is missing
// and which sensor frame nothing connects to base_link.
import { open } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { McapWriter } from "@mcap/core";
import { FileHandleWritable } from "@mcap/nodejs";
import { cameraInfoFromModel, parseCalibration, pinholeCamera, rpyToQuat } from "../../../calibration/index.ts";
import { createCodec, createDefaultRegistry } from "../../../nodes/messages/index.ts";
import type { CheckReport } from "../../../launch/cli/calib/check.ts";
import { runInProcess, tempDir } from "./support.ts";

const tmp = tempDir("teledemo-calib-foreign-");
afterAll(() => tmp.cleanup());
const bag = join(tmp.dir, "robot_0.mcap");

const SEP = "=".repeat(80);
const GADGET_SCHEMA = ["std_msgs/Header header", "float64 reading", SEP, "MSG: std_msgs/Header", "builtin_interfaces/Time stamp", "string frame_id", SEP, "MSG: builtin_interfaces/Time", "int32 sec", "uint32 nanosec", ""].join("\n");
const CAMERA = pinholeCamera({ name: "front", frame: "front_camera_optical_frame", width: 640, height: 480, fx: 610.2, fy: 609.8, cx: 318.4, cy: 242.1, D: [0.1, -0.2, 0.001, 0, 0.05] });

beforeAll(async () => {
  const registry = createDefaultRegistry();
  registry.addSchema("acme_msgs/msg/Gadget", GADGET_SCHEMA);
  const codec = createCodec(registry);
  const handle = await open(bag, "w");
  const writer = new McapWriter({ writable: new FileHandleWritable(handle) });
  await writer.start({ profile: "ros2", library: "rosbag2 (test)" });
  const enc = new TextEncoder();
  const channel = async (topic: string, type: string, schemaText: string) => {
    const schemaId = await writer.registerSchema({ name: type, encoding: "ros2msg", data: enc.encode(schemaText) });
    return writer.registerChannel({ topic, schemaId, messageEncoding: "cdr", metadata: new Map() });
  };
  const tfStatic = await channel("/tf_static", "tf2_msgs/msg/TFMessage", registry.schemaText("tf2_msgs/msg/TFMessage"));
  const info = await channel("/front_camera/camera_info", "sensor_msgs/msg/CameraInfo", registry.schemaText("sensor_msgs/msg/CameraInfo"));
  const gadget = await channel("/gadget", "acme_msgs/msg/Gadget", GADGET_SCHEMA);
  const t0 = 1_700_000_000_000_000_000n;
  const stamp = { sec: 1_700_000_000, nanosec: 0 };
  const tf = (parent: string, child: string, xyz: number[], q: number[]) => ({
    header: { stamp, frame_id: parent },
    child_frame_id: child,
    transform: { translation: { x: xyz[0], y: xyz[1], z: xyz[2] }, rotation: { x: q[0], y: q[1], z: q[2], w: q[3] } },
  });
  await writer.addMessage({
    channelId: tfStatic,
    sequence: 0,
    logTime: t0,
    publishTime: t0,
    data: codec.encode("tf2_msgs/msg/TFMessage", {
      transforms: [tf("base_link", "front_camera_link", [0.2, 0, 0.5], rpyToQuat(0, 0.3, 0)), tf("front_camera_link", "front_camera_optical_frame", [0, 0, 0], rpyToQuat(-Math.PI / 2, 0, -Math.PI / 2))],
    }),
  });
  for (let i = 0; i < 5; i++) {
    const t = t0 + BigInt(i) * 100_000_000n;
    await writer.addMessage({ channelId: info, sequence: i, logTime: t, publishTime: t, data: codec.encode("sensor_msgs/msg/CameraInfo", { ...cameraInfoFromModel(CAMERA, t) }) });
    await writer.addMessage({ channelId: gadget, sequence: i, logTime: t, publishTime: t, data: codec.encode("acme_msgs/msg/Gadget", { header: { stamp, frame_id: "gadget_link" }, reading: i }) });
  }
  await writer.end();
  await handle.close();
});

describe("teledemo calib on a ROS 2 bag written by another tool", () => {
  it("import reads the calibration from /tf_static and camera_info", async () => {
    const r = await runInProcess(["calib", "import", bag, "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const cal = parseCalibration(r.stdout);
    expect(cal.provenance.method).toBe("tf_static+camera_info");
    expect(cal.cameras).toEqual([{ ...CAMERA, name: "front_camera" }]);
    expect(cal.extrinsics.map((e) => e.child).sort()).toEqual(["front_camera_link", "front_camera_optical_frame"]);
    expect(cal.extrinsics.find((e) => e.child === "front_camera_link")!.translation[0]).toBeCloseTo(0.2, 12);
  });

  it("check: no calibration recorded, the camera reachable, the unknown-type sensor's frame not", async () => {
    const r = await runInProcess(["calib", "check", bag, "--json"]);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as CheckReport;
    expect(report.missing).toEqual(["calibration"]);
    expect(report.calibration!.source).toMatch(/no calibration recorded/);
    expect(report.frames!.sensorTopics).toEqual([
      { topic: "/front_camera/camera_info", frame: "front_camera_optical_frame", reachable: true },
      { topic: "/gadget", frame: "gadget_link", reachable: false },
    ]);
    expect(report.findings.filter((f) => f.severity === "error").map((f) => f.code).sort()).toEqual(["calibration_missing", "sensor_frame_unreachable"]);
    expect(report.recording!.problems).toEqual([]);
    // Checked against the calibration imported from it, only the gadget remains.
    const calPath = join(tmp.dir, "from-bag.yaml");
    expect((await runInProcess(["calib", "import", bag, "--out", calPath])).code).toBe(0);
    const again = await runInProcess(["calib", "check", bag, "--calibration", calPath]);
    expect(again.code).toBe(1);
    expect(again.stdout).toMatch(/sensor frame gadget_link \(\/gadget\) is not connected to base_link/);
    expect(again.stdout).not.toMatch(/camera_info_mismatch|disagrees/);
  });
});
