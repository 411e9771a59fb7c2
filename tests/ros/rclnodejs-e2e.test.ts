// `teledemo record --runtime ros` end to end on the rclnodejs adapter, with the fake rclnodejs
// (written from rclnodejs 2.2.0's type definitions) loaded exactly where the real module would
// be: TELEDEMO_RCLNODEJS points nodes/runtime/rclnodejs/load.ts at it. The simulated rig, the sync
// node (--live-port) and the recorder all run as rclnodejs nodes; the test reaches the recorder
// as another ROS node would: a service client, the parameter API, a /clock subscription.
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { resolveProfile } from "../../launch/cli/profile-arg.ts";
import { recordCommand } from "../../launch/cli/record.ts";
import { scanMcap, type ScannedChannel } from "../../recorder/mcap/scan.ts";
import type { FakeSubscription } from "../runtime/fake-rclnodejs/node.ts";
import { Parameter, ParameterType } from "../runtime/fake-rclnodejs/values.ts";
import { decodedTypes } from "../runtime/fake-rclnodejs/module.ts";
import { type FakeRosCommand, onlyEpisode, recorderReady, startOnFakeRos } from "./fake-ros.ts";
import { FIXTURES_DIR } from "../support/fixtures.ts";
import { waitFor } from "../runtime/support/wait.ts";

const RECORDER = "teledemo_recorder";

interface Run {
  exit: number;
  stdout: string;
  stderr: string;
  episodeDir: string;
  channels: ScannedChannel[];
  messages: Array<{ topic: string; logTime: bigint }>;
  clockNs: Set<bigint>;
  recorderSubscriptions: Array<{ topic: string; isRaw: boolean }>;
  syncSubscriptions: number;
  frames: number;
  serviceReplies: Record<string, { success: boolean; message: string } | "ended">;
  parameters: Record<string, { value: unknown; readOnly: boolean | undefined; description: string | undefined }>;
  setReadOnly: { successful: boolean; reason: string };
  setWritable: { successful: boolean; reason: string };
}

let run: Run;
let harness: FakeRosCommand | undefined;

beforeAll(async () => {
  const h = startOnFakeRos(recordCommand, (dir) => [
    ...["--runtime", "ros", "--source", "sim", "--profile", "small", "--speed", "4", "--seed", "3", "--episodes", "1", "--episode-time", "0"],
    ...["--live-port", "0", "--out", join(dir, "library"), "--task", "pick the cube", "--operator", "tester"],
  ]);
  harness = h;
  const ctx = h.rcl.fakeContext;
  await recorderReady(h);
  const tester = new h.rcl.Node("e2e_tester");
  const clockNs = new Set<bigint>();
  tester.createSubscription("rosgraph_msgs/msg/Clock", "/clock", {}, ((m: { clock: { sec: number; nanosec: number } }) => {
    clockNs.add(BigInt(m.clock.sec) * 1_000_000_000n + BigInt(m.clock.nanosec));
  }) as never);
  let frames = 0;
  tester.createSubscription("teledemo_msgs/msg/AlignedFrame", "/teledemo/sync/frames", {}, (() => void frames++) as never);
  tester.spin();
  const serviceReplies: Run["serviceReplies"] = {};
  serviceReplies.start = await h.trigger(tester, `/${RECORDER}/start`);
  // About 1.5 s of sim time, with aligned frames from the sync node.
  const span = () => [...clockNs].reduce((a, b) => (b > a ? b : a), 0n) - [...clockNs].reduce((a, b) => (b < a ? b : a), 1n << 62n);
  await h.race(waitFor(() => clockNs.size > 0 && frames > 3 && span() > 1_500_000_000n, 60_000, "1.5 s of sim time"));

  const recorderNode = h.node(RECORDER);
  const parameters: Run["parameters"] = {};
  for (const name of ["library_dir", "rig_profile", "source", "compression", "episode_time_s", "episodes", "task", "operator", "use_sim_time"]) {
    const descriptor = recorderNode.describeParameter(name);
    parameters[name] = { value: recorderNode.getParameter(name).value, readOnly: descriptor?.readOnly, description: descriptor?.description };
  }
  const setReadOnly = recorderNode.setParameter(new Parameter("library_dir", ParameterType.PARAMETER_STRING, "/elsewhere"));
  const setWritable = recorderNode.setParameter(new Parameter("use_sim_time", ParameterType.PARAMETER_BOOL, true));
  const subscriptions = [...ctx.subscriptions] as FakeSubscription[];
  const recorderSubscriptions = subscriptions.filter((s) => s.node === recorderNode).map((s) => ({ topic: s.topic, isRaw: s.isRaw }));
  const syncSubscriptions = subscriptions.filter((s) => s.node.name() === "teledemo_live_sync").length;

  serviceReplies.mark_success = await h.trigger(tester, `/${RECORDER}/mark_success`);
  serviceReplies.stop = await h.triggerLast(tester, `/${RECORDER}/stop`);
  const exit = await h.done;
  tester.destroy();
  const episode = await onlyEpisode(join(h.dir, "library"));
  const { stdout, stderr } = h.output();
  run = { exit, stdout, stderr, episodeDir: episode.dir, channels: episode.channels, messages: episode.messages, clockNs, recorderSubscriptions, syncSubscriptions, frames, serviceReplies, parameters, setReadOnly, setWritable };
}, 180_000);

afterAll(() => harness?.restore());

describe("teledemo record --runtime ros on the rclnodejs adapter (fake rclnodejs)", () => {
  it("records one episode through the CLI's own ROS path and exits 0", () => {
    expect(run.exit, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/episode 1 of 1 saved/);
    expect(run.stderr).not.toMatch(/in-process runtime/);
  });

  it("subscribes raw: every recorder subscription but its time source's /clock is raw, and no image is ever deserialized", () => {
    const recorded = run.recorderSubscriptions.filter((s) => s.topic !== "/clock");
    expect(recorded.map((s) => s.topic).sort()).toEqual(resolveProfile("small").streams.map((s) => s.topic).sort());
    expect(recorded.every((s) => s.isRaw)).toBe(true);
    // Only the sync node decodes (it needs header stamps, not pixels); images and clouds stay bytes.
    expect(run.syncSubscriptions).toBeGreaterThan(0);
    for (const type of ["sensor_msgs/msg/Image", "sensor_msgs/msg/PointCloud2"]) expect(decodedTypes.get(type) ?? 0).toBe(0);
  });

  it("writes the publishers' offered QoS as rosbag2 does (offered_qos_profiles, same YAML keys as a real rosbag2 MCAP)", async () => {
    const rosbag = await rosbag2QosYaml();
    const channel = (topic: string) => run.channels.find((c) => c.topic === topic);
    const imuYaml = channel("/imu/data")?.metadata.get("offered_qos_profiles") ?? "";
    // Line for line the layout rosbag2 (metadata version 8, numeric rmw enums) writes; only values differ.
    const form = (yaml: string) => yaml.replace(/-?\d+/g, "N").replace(/: (true|false)$/gm, ": B");
    expect(form(imuYaml)).toBe(form(rosbag));
    const imu = parseYaml(imuYaml) as Array<Record<string, unknown>>;
    expect(imu).toHaveLength(1);
    // The small profile offers /imu/data best effort, depth 100; /joint_states reliable.
    expect(imu[0]).toMatchObject({ history: 1, depth: 100, reliability: 2, durability: 2 });
    const joints = parseYaml(channel("/joint_states")?.metadata.get("offered_qos_profiles") ?? "") as Array<Record<string, unknown>>;
    expect(joints[0]).toMatchObject({ reliability: 1, durability: 2 });
    const tfStatic = run.channels.find((c) => c.topic === "/tf_static");
    if (tfStatic !== undefined) expect((parseYaml(tfStatic.metadata.get("offered_qos_profiles") ?? "") as Array<Record<string, unknown>>)[0]).toMatchObject({ durability: 1 });
  });

  it("answers its start / mark_success / stop services called through an rclnodejs client", () => {
    expect(run.serviceReplies.start).toEqual({ success: true, message: "state recording, episode 1" });
    expect(run.serviceReplies.mark_success).toMatchObject({ success: true });
    // The stop that ends the session (--episodes 1) may shut the node down before its reply goes out.
    if (run.serviceReplies.stop !== "ended") expect(run.serviceReplies.stop).toMatchObject({ success: true });
    expect(run.stdout).toMatch(/outcome success/);
  });

  it("declares its parameters with descriptors; read-only ones are refused, use_sim_time is settable", () => {
    const p = run.parameters;
    expect(p.library_dir).toMatchObject({ value: join(run.episodeDir, ".."), readOnly: true });
    expect(p.library_dir?.description).toMatch(/episode library/);
    expect(p.rig_profile?.value).toBe("small");
    expect(p.source?.value).toBe("sim");
    expect(p.episodes?.value).toBe(1n);
    expect(p.episode_time_s?.value).toBe(0);
    expect(p.task?.value).toBe("pick the cube");
    expect(p.operator?.value).toBe("tester");
    expect(p.use_sim_time).toMatchObject({ value: true, readOnly: false });
    expect(run.setReadOnly).toEqual({ successful: false, reason: "Parameter library_dir is readonly" });
    expect(run.setWritable.successful).toBe(true);
  });

  it("honours use_sim_time: every log time is a /clock instant the simulator published", () => {
    const sensorMessages = run.messages.filter((m) => !m.topic.startsWith("/teledemo/"));
    expect(sensorMessages.length).toBeGreaterThan(100);
    const offClock = sensorMessages.filter((m) => !run.clockNs.has(m.logTime));
    // The first messages may be stamped before the tester's /clock subscription matched.
    const firstClock = [...run.clockNs].reduce((a, b) => (b < a ? b : a));
    expect(offClock.filter((m) => m.logTime >= firstClock)).toEqual([]);
  });
});

/** One topic's offered_qos_profiles (one publisher) in a real rosbag2 recording. */
async function rosbag2QosYaml(): Promise<string> {
  let yamlText = "";
  await scanMcap(join(FIXTURES_DIR, "rosbag2", "array_msgs_0.mcap"), {
    channel: (c) => {
      if (yamlText === "") yamlText = c.metadata.get("offered_qos_profiles") ?? "";
    },
  });
  expect((parseYaml(yamlText) as unknown[]).length).toBe(1);
  return yamlText;
}
