// Behaviour specific to the in-process runtime (beyond the shared contract).
import { afterEach, describe, expect, it } from "vitest";
import { LocalRuntime } from "../../nodes/runtime/local/index.ts";
import { createJsonCodec } from "./support/json-codec.ts";
import { settle, waitFor } from "./support/wait.ts";

const STRING = "std_msgs/msg/String";

describe("in-process runtime", () => {
  let runtime: LocalRuntime | undefined;
  const logs: string[] = [];
  const open = (codec = createJsonCodec()): LocalRuntime => {
    runtime = new LocalRuntime({ codec, log: (line) => logs.push(line) });
    return runtime;
  };
  afterEach(async () => {
    await runtime?.shutdown();
    runtime = undefined;
    logs.length = 0;
  });

  it("rejects a second type on a topic, naming both types", () => {
    const node = open().createNode("typed");
    node.createPublisher(STRING, "/t");
    expect(() => node.createSubscription("std_msgs/msg/Int32", "/t", {}, () => {})).toThrow(
      /type mismatch on topic \/t: .*std_msgs\/msg\/Int32.*already carries std_msgs\/msg\/String/,
    );
  });

  it("never decodes when every subscriber is raw and the publisher passes bytes; raw delivery shares the bytes", async () => {
    const codec = createJsonCodec();
    const rt = open(codec);
    const node = rt.createNode("lazy");
    const pub = node.createPublisher("sensor_msgs/msg/Image", "/image");
    const received: Uint8Array[] = [];
    node.createSubscription("sensor_msgs/msg/Image", "/image", { isRaw: true }, (bytes) => received.push(bytes));
    node.createSubscription("sensor_msgs/msg/Image", "/image", { isRaw: true }, (bytes) => received.push(bytes));
    rt.spin();
    const payload = new Uint8Array(1_000_000);
    pub.publish(payload);
    await waitFor(() => received.length === 2);
    expect(received[0]).toBe(payload);
    expect(received[1]).toBe(payload);
    expect(codec.decodes).toBe(0);
    expect(codec.encodes).toBe(0);
  });

  it("publishing to nobody does not serialize", () => {
    const codec = createJsonCodec();
    const node = open(codec).createNode("quiet");
    node.createPublisher(STRING, "/nobody").publish({ data: "x" });
    expect(codec.encodes).toBe(0);
  });

  it("counts dropped messages per subscription", async () => {
    const rt = open();
    const node = rt.createNode("diag");
    const pub = node.createPublisher(STRING, "/burst");
    node.createSubscription(STRING, "/burst", { qos: { depth: 3 } }, () => {});
    for (let i = 0; i < 10; i++) pub.publish({ data: String(i) });
    rt.spin();
    await waitFor(() => rt.diagnostics().some((d) => d.topic === "/burst" && d.delivered === 3));
    expect(rt.diagnostics().find((d) => d.topic === "/burst")).toMatchObject({ dropped: 7, delivered: 3, queued: 0 });
  });

  it("warns once, naming the topic, when QoS keeps a subscription from matching", () => {
    const node = open().createNode("warn");
    node.createPublisher(STRING, "/lossy", { qos: { reliability: "best_effort" } });
    node.createSubscription(STRING, "/lossy", { qos: { reliability: "reliable" } }, () => {});
    node.createSubscription(STRING, "/lossy", { qos: { reliability: "reliable" } }, () => {});
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatch(/incompatible QoS on \/lossy: RELIABILITY/);
  });

  it("stamps MessageInfo with the publisher's and the subscriber's node clocks", async () => {
    let host = 5_000n;
    runtime = new LocalRuntime({ codec: createJsonCodec(), hostClock: () => host });
    const pubNode = runtime.createNode("p");
    const subNode = runtime.createNode("s", "", { parameterOverrides: { use_sim_time: true } });
    const clock = pubNode.createPublisher("rosgraph_msgs/msg/Clock", "/clock");
    const pub = pubNode.createPublisher(STRING, "/stamped");
    const infos: Array<{ sourceTimestamp: bigint; receivedTimestamp: bigint }> = [];
    subNode.createSubscription(STRING, "/stamped", {}, (_m, info) => infos.push(info));
    runtime.spin();
    clock.publish({ clock: { sec: 7, nanosec: 0 } });
    pub.publish({ data: "a" });
    host = 6_000n;
    await waitFor(() => infos.length === 1);
    expect(infos[0]).toEqual({ sourceTimestamp: 5_000n, receivedTimestamp: 7_000_000_000n });
  });

  it("reports a throwing callback and keeps delivering", async () => {
    const errors: string[] = [];
    runtime = new LocalRuntime({ codec: createJsonCodec(), onCallbackError: (_e, where) => errors.push(where) });
    const node = runtime.createNode("thrower");
    const pub = node.createPublisher(STRING, "/boom");
    let after = 0;
    node.createSubscription(STRING, "/boom", {}, () => {
      throw new Error("boom");
    });
    node.createSubscription(STRING, "/boom", {}, () => after++);
    runtime.spin();
    pub.publish({ data: "x" });
    await waitFor(() => after === 1);
    expect(errors).toEqual(["subscription /boom on node /thrower"]);
  });

  it("expands relative and private names and rejects invalid ones", () => {
    const node = open().createNode("arm", "/left");
    expect(node.createPublisher(STRING, "joint_states").topic).toBe("/left/joint_states");
    expect(node.createPublisher(STRING, "~/status").topic).toBe("/left/arm/status");
    expect(() => node.createPublisher(STRING, "bad name")).toThrow(/invalid topic name 'bad name'/);
    expect(() => open().createNode("9lives")).toThrow(/invalid node name '9lives'/);
  });

  it("a burst of 2000 camera frames goes through without copying payloads", async () => {
    const rt = open();
    const node = rt.createNode("bench");
    const pub = node.createPublisher("sensor_msgs/msg/Image", "/cam", { qos: { history: "keep_all" } });
    const frame = new Uint8Array(640 * 480 * 3);
    let delivered = 0;
    let sharedBuffer = 0;
    node.createSubscription("sensor_msgs/msg/Image", "/cam", { isRaw: true, qos: { history: "keep_all" } }, (m) => {
      delivered++;
      if (m.buffer === frame.buffer) sharedBuffer++;
    });
    rt.spin();
    for (let i = 0; i < 2000; i++) pub.publish(frame);
    await waitFor(() => delivered === 2000, 5000);
    expect(sharedBuffer).toBe(2000);
    await settle(1);
  });
});
