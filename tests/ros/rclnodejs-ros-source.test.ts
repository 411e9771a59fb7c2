// `teledemo record --source ros --runtime ros --use-sim-time`: recording the ROS graph — other
// nodes' publishers, as a robot's drivers — on the rclnodejs adapter with the fake rclnodejs.
// No rig profile: QoS, types and topics all come from the graph. A test node plays the robot:
// it publishes /clock at 1000 s (far from wall time), an IMU stream (best effort, depth 50) and a
// latched /tf_static, then stops the episode through the recorder's service.
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { recordCommand } from "../../launch/cli/record.ts";
import type { FakeSubscription } from "../runtime/fake-rclnodejs/node.ts";
import { QoS } from "../runtime/fake-rclnodejs/values.ts";
import { decodedTypes } from "../runtime/fake-rclnodejs/module.ts";
import { waitFor } from "../runtime/support/wait.ts";
import { type FakeRosCommand, onlyEpisode, recorderReady, type RecordedEpisode, startOnFakeRos } from "./fake-ros.ts";

const T0 = 1000n * 1_000_000_000n;
const STEP = 10_000_000n;
const STEPS = 200;

let harness: FakeRosCommand | undefined;
let exit: number;
let episode: RecordedEpisode;
const clockNs = new Set<bigint>();
let recorderSubscriptions: Array<{ topic: string; isRaw: boolean }> = [];
let parameters: Record<string, unknown> = {};

beforeAll(async () => {
  const h = startOnFakeRos(recordCommand, (dir) => [
    ...["--source", "ros", "--runtime", "ros", "--use-sim-time", "--include", "^/(imu/data|tf_static)$"],
    ...["--episodes", "1", "--episode-time", "0", "--out", join(dir, "library")],
  ]);
  harness = h;
  await recorderReady(h);
  const robot = new h.rcl.Node("robot_drivers");
  const clock = robot.createPublisher("rosgraph_msgs/msg/Clock", "/clock", { qos: new QoS(1, 10, 1, 2) });
  const imu = robot.createPublisher("sensor_msgs/msg/Imu", "/imu/data", { qos: new QoS(1, 50, 2, 2) });
  const tfStatic = robot.createPublisher("tf2_msgs/msg/TFMessage", "/tf_static", { qos: new QoS(1, 1, 1, 1) });
  tfStatic.publish({ transforms: [{ header: { frame_id: "base_link" }, child_frame_id: "imu_link", transform: { rotation: { w: 1 } } }] });
  const recorder = h.node("teledemo_recorder");
  const subscribed = () => [...h.rcl.fakeContext.subscriptions].filter((s) => (s as FakeSubscription).node === recorder).map((s) => s.topic);
  // The recorder discovers new topics every 50 ms.
  await h.race(waitFor(() => subscribed().includes("/imu/data") && subscribed().includes("/tf_static"), 30_000, "the recorder's subscriptions"));
  for (let k = 0; k < STEPS; k++) {
    const t = T0 + BigInt(k) * STEP;
    clockNs.add(t);
    clock.publish({ clock: { sec: Number(t / 1_000_000_000n), nanosec: Number(t % 1_000_000_000n) } });
    imu.publish({ header: { stamp: { sec: Number(t / 1_000_000_000n), nanosec: Number(t % 1_000_000_000n) }, frame_id: "imu_link" }, orientation: { w: 1 } });
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  recorderSubscriptions = [...h.rcl.fakeContext.subscriptions]
    .filter((s) => (s as FakeSubscription).node === recorder)
    .map((s) => ({ topic: s.topic, isRaw: (s as FakeSubscription).isRaw }));
  parameters = Object.fromEntries(["source", "rig_profile", "use_sim_time"].map((n) => [n, recorder.getParameter(n).value]));
  const tester = new h.rcl.Node("operator_panel");
  tester.spin();
  const stopped = await h.triggerLast(tester, "/teledemo_recorder/stop");
  if (stopped !== "ended") expect(stopped.success).toBe(true);
  exit = await h.done;
  episode = await onlyEpisode(join(h.dir, "library"));
}, 120_000);

afterAll(() => harness?.restore());

describe("teledemo record --source ros --runtime ros --use-sim-time (fake rclnodejs)", () => {
  it("records the graph's topics raw and exits 0", () => {
    expect(exit, harness?.output().stderr).toBe(0);
    expect(recorderSubscriptions.filter((s) => s.topic !== "/clock")).toEqual(
      expect.arrayContaining([
        { topic: "/imu/data", isRaw: true },
        { topic: "/tf_static", isRaw: true },
      ]),
    );
    expect(recorderSubscriptions.filter((s) => s.topic !== "/clock").every((s) => s.isRaw)).toBe(true);
    expect(decodedTypes.get("sensor_msgs/msg/Imu") ?? 0).toBe(0);
    expect(parameters).toEqual({ source: "ros", rig_profile: "", use_sim_time: true });
  });

  it("stamps with /clock (--use-sim-time): every IMU log time is a published clock instant near 1000 s", () => {
    const imu = episode.messages.filter((m) => m.topic === "/imu/data");
    expect(imu.length).toBeGreaterThan(STEPS / 2);
    expect(imu.filter((m) => !clockNs.has(m.logTime))).toEqual([]);
  });

  it("records the QoS each publisher offered, with no profile to fall back on", () => {
    const qos = (topic: string) => parseYaml(episode.channels.find((c) => c.topic === topic)?.metadata.get("offered_qos_profiles") ?? "") as Array<Record<string, unknown>>;
    expect(qos("/imu/data")).toEqual([expect.objectContaining({ history: 1, depth: 50, reliability: 2, durability: 2 })]);
    expect(qos("/tf_static")).toEqual([expect.objectContaining({ history: 1, depth: 1, reliability: 1, durability: 1 })]);
    // The latched transform published before the episode is in it.
    expect(episode.messages.filter((m) => m.topic === "/tf_static")).toHaveLength(1);
  });
});
