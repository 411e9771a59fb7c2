// The behaviour every Runtime must show, whichever implementation runs it. Run against the
// in-process runtime and against the rclnodejs adapter driven by the fake rclnodejs.
import { afterEach, describe, expect, it } from "vitest";
import { QOS_SENSOR_DATA, QOS_TF_STATIC } from "../../nodes/runtime/api.ts";
import type { MessageInfo, RosMessage, Runtime } from "../../nodes/runtime/api.ts";
import type { MessageCodec } from "../../nodes/runtime/codec.ts";
import { createJsonCodec } from "./support/json-codec.ts";
import { settle, waitFor } from "./support/wait.ts";

export interface RuntimeFactoryOptions {
  codec: MessageCodec;
  log: (line: string) => void;
  serviceCallTimeoutMs: number;
}

export interface ContractCapabilities {
  /** Callbacks of different topics run in global publish order (the in-process executor does;
   * rclnodejs takes one message per ready subscription per pass, in subscription order). */
  crossTopicPublishOrder: boolean;
}

const STRING = "std_msgs/msg/String";
const CLOCK = "rosgraph_msgs/msg/Clock";

export function runtimeContract(
  name: string,
  factory: (options: RuntimeFactoryOptions) => Promise<Runtime>,
  capabilities: ContractCapabilities,
): void {
  describe(`Runtime contract: ${name}`, () => {
    let runtime: Runtime | undefined;
    const codec = createJsonCodec();
    const logs: string[] = [];
    const open = async (serviceCallTimeoutMs = 2000): Promise<Runtime> => {
      runtime = await factory({ codec, log: (line) => logs.push(line), serviceCallTimeoutMs });
      return runtime;
    };
    afterEach(async () => {
      await runtime?.shutdown();
      runtime = undefined;
      logs.length = 0;
    });

    it("keep_last depth N drops the oldest queued messages; keep_all keeps every one", async () => {
      const rt = await open();
      const node = rt.createNode("qos_node");
      const pub = node.createPublisher(STRING, "/numbers", { qos: { depth: 50 } });
      const last: string[] = [];
      const all: string[] = [];
      node.createSubscription(STRING, "/numbers", { qos: { history: "keep_last", depth: 2 } }, (m) => last.push(m["data"] as string));
      node.createSubscription(STRING, "/numbers", { qos: { history: "keep_all" } }, (m) => all.push(m["data"] as string));
      for (let i = 0; i < 5; i++) pub.publish({ data: `m${i}` });
      rt.spin();
      await waitFor(() => all.length === 5, 2000, "keep_all delivery");
      await settle();
      expect(last).toEqual(["m3", "m4"]);
      expect(all).toEqual(["m0", "m1", "m2", "m3", "m4"]);
    });

    it("raw subscriptions get the exact bytes; non-raw ones get a decoded copy", async () => {
      const rt = await open();
      const node = rt.createNode("raw_node");
      const pub = node.createPublisher(STRING, "/raw");
      const raw: Uint8Array[] = [];
      const decoded: RosMessage[] = [];
      node.createSubscription(STRING, "/raw", { isRaw: true }, (bytes) => raw.push(bytes));
      node.createSubscription(STRING, "/raw", {}, (m) => decoded.push(m));
      rt.spin();
      const preSerialized = codec.encode(STRING, { data: "pre-serialized" });
      pub.publish(preSerialized);
      pub.publish({ data: "object" });
      await waitFor(() => raw.length === 2 && decoded.length === 2, 2000, "raw and decoded delivery");
      expect(raw[0]).toBeInstanceOf(Uint8Array);
      expect(Array.from(raw[0] as Uint8Array)).toEqual(Array.from(preSerialized));
      expect(Array.from(raw[1] as Uint8Array)).toEqual(Array.from(codec.encode(STRING, { data: "object" })));
      expect(decoded).toEqual([{ data: "pre-serialized" }, { data: "object" }]);
    });

    it("transient_local: a late transient_local subscription gets the latched messages, a volatile one does not", async () => {
      const rt = await open();
      const publisherNode = rt.createNode("static_tf");
      const pub = publisherNode.createPublisher(STRING, "/tf_static", { qos: { ...QOS_TF_STATIC, depth: 2 } });
      rt.spin();
      pub.publish({ data: "a" });
      pub.publish({ data: "b" });
      pub.publish({ data: "c" });
      await settle();
      const late = rt.createNode("late");
      const latched: string[] = [];
      const volatile: string[] = [];
      late.createSubscription(STRING, "/tf_static", { qos: QOS_TF_STATIC }, (m) => latched.push(m["data"] as string));
      late.createSubscription(STRING, "/tf_static", { qos: { durability: "volatile" } }, (m) => volatile.push(m["data"] as string));
      await waitFor(() => latched.length > 0, 2000, "latched delivery");
      await settle();
      // The subscription's own depth (1) keeps the newest of the two the publisher retained.
      expect(latched).toEqual(["c"]);
      expect(volatile).toEqual([]);
    });

    it("a reliable subscription does not receive from a best_effort publisher", async () => {
      const rt = await open();
      const node = rt.createNode("compat");
      const pub = node.createPublisher(STRING, "/lossy", { qos: QOS_SENSOR_DATA });
      const reliable: string[] = [];
      const bestEffort: string[] = [];
      node.createSubscription(STRING, "/lossy", { qos: { reliability: "reliable" } }, (m) => reliable.push(m["data"] as string));
      node.createSubscription(STRING, "/lossy", { qos: QOS_SENSOR_DATA }, (m) => bestEffort.push(m["data"] as string));
      rt.spin();
      expect(pub.subscriptionCount()).toBe(1);
      pub.publish({ data: "x" });
      await waitFor(() => bestEffort.length === 1, 2000, "best-effort delivery");
      await settle();
      expect(reliable).toEqual([]);
    });

    it("delivers each topic's messages in publish order, with MessageInfo stamps", async () => {
      const rt = await open();
      const node = rt.createNode("order");
      const pub = node.createPublisher(STRING, "/seq", { qos: { depth: 1000 } });
      const got: string[] = [];
      const infos: MessageInfo[] = [];
      node.createSubscription(STRING, "/seq", { qos: { depth: 1000 } }, (m, info) => {
        got.push(m["data"] as string);
        infos.push(info);
      });
      rt.spin();
      const before = node.now();
      for (let i = 0; i < 200; i++) pub.publish({ data: String(i) });
      await waitFor(() => got.length === 200, 2000, "200 messages");
      expect(got).toEqual(Array.from({ length: 200 }, (_, i) => String(i)));
      const info = infos[0] as MessageInfo;
      expect(info.sourceTimestamp).toBeGreaterThanOrEqual(before - 10_000_000n);
      expect(info.receivedTimestamp).toBeGreaterThanOrEqual(info.sourceTimestamp - 10_000_000n);
      expect(info.receivedTimestamp).toBeLessThan(node.now() + 10_000_000n);
    });

    it.runIf(capabilities.crossTopicPublishOrder)("runs callbacks of different topics in global publish order", async () => {
      const rt = await open();
      const node = rt.createNode("cross");
      const a = node.createPublisher(STRING, "/a");
      const b = node.createPublisher(STRING, "/b");
      const got: string[] = [];
      node.createSubscription(STRING, "/a", {}, (m) => got.push(`a${m["data"] as string}`));
      node.createSubscription(STRING, "/b", {}, (m) => got.push(`b${m["data"] as string}`));
      rt.spin();
      b.publish({ data: "1" });
      a.publish({ data: "2" });
      a.publish({ data: "3" });
      b.publish({ data: "4" });
      await waitFor(() => got.length === 4, 2000, "4 messages");
      expect(got).toEqual(["b1", "a2", "a3", "b4"]);
    });

    it("services: a round trip through an async handler, and a clear timeout without a server", async () => {
      const rt = await open(150);
      const server = rt.createNode("server");
      const client = rt.createNode("client");
      server.createService("std_srvs/srv/Trigger", "/trigger", async (request) => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        return { success: true, message: `handled ${JSON.stringify(request)}` };
      });
      rt.spin();
      const trigger = client.createClient("std_srvs/srv/Trigger", "/trigger");
      expect(await trigger.waitForService(1000)).toBe(true);
      expect(await trigger.call({})).toEqual({ success: true, message: "handled {}" });

      const missing = client.createClient("std_srvs/srv/Trigger", "/nobody_home");
      expect(await missing.waitForService(20)).toBe(false);
      await expect(missing.call({})).rejects.toThrow(/service \/nobody_home \(std_srvs\/srv\/Trigger\) is not available/);
    });

    it("services: a handler that never answers times out naming the service", async () => {
      const rt = await open(100);
      const node = rt.createNode("slow");
      node.createService("std_srvs/srv/Trigger", "/slow", () => new Promise<RosMessage>(() => {}));
      rt.spin();
      const client = node.createClient("std_srvs/srv/Trigger", "/slow");
      await expect(client.call({})).rejects.toThrow(/service call \/slow \(std_srvs\/srv\/Trigger\) timed out after 100 ms/);
    });

    it("parameters: declare, override, get, set, veto, read-only, undeclared", async () => {
      const rt = await open();
      const node = rt.createNode("params", "/robot", { parameterOverrides: { rate_hz: 60, camera: "wrist" } });
      expect(node.declareParameter("rate_hz", 30)).toBe(60);
      expect(node.declareParameter("camera", "head")).toBe("wrist");
      expect(node.declareParameter("count", 3n)).toBe(3n);
      expect(node.declareParameter("joints", ["a", "b"])).toEqual(["a", "b"]);
      expect(node.declareParameter("serial", "X1", { readOnly: true })).toBe("X1");
      expect(node.hasParameter("rate_hz")).toBe(true);
      expect(node.hasParameter("nope")).toBe(false);
      expect(() => node.declareParameter("rate_hz", 1)).toThrow(/rate_hz/);

      expect(node.setParameter("rate_hz", 90)).toEqual({ successful: true, reason: "" });
      expect(node.getParameter("rate_hz")).toBe(90);
      expect(node.setParameter("rate_hz", "fast").successful).toBe(false);
      expect(node.setParameter("count", 4n).successful).toBe(true);
      expect(node.getParameter("count")).toBe(4n);

      node.addOnSetParametersCallback((name, value) =>
        name === "rate_hz" && typeof value === "number" && value > 100
          ? { successful: false, reason: "rate_hz above 100 Hz" }
          : { successful: true, reason: "" },
      );
      expect(node.setParameter("rate_hz", 500)).toEqual({ successful: false, reason: "rate_hz above 100 Hz" });
      expect(node.getParameter("rate_hz")).toBe(90);
      expect(() => node.declareParameter("too_fast", 1.5)).not.toThrow();

      const readOnly = node.setParameter("serial", "X2");
      expect(readOnly.successful).toBe(false);
      expect(readOnly.reason).toMatch(/read-?only/i);
      expect(node.getParameter("serial")).toBe("X1");

      expect(() => node.getParameter("undeclared")).toThrow(/parameter 'undeclared' is not declared on node \/robot\/params/);
      expect(node.setParameter("undeclared", 1).successful).toBe(false);
      expect(node.getParameter("use_sim_time")).toBe(false);
    });

    it("timers fire periodically and stop when canceled", async () => {
      const rt = await open();
      const node = rt.createNode("timers");
      let ticks = 0;
      const timer = node.createTimer(5_000_000n, () => ticks++);
      expect(timer.periodNs).toBe(5_000_000n);
      rt.spin();
      await waitFor(() => ticks >= 3, 2000, "3 ticks");
      timer.cancel();
      expect(timer.isCanceled()).toBe(true);
      await settle(10);
      const atCancel = ticks;
      await settle(40);
      expect(ticks).toBe(atCancel);
    });

    it("use_sim_time: now() follows /clock and timers fire as sim time passes their deadlines", async () => {
      const rt = await open();
      const sim = rt.createNode("simulator");
      const clock = sim.createPublisher(CLOCK, "/clock");
      const follower = rt.createNode("follower", "", { parameterOverrides: { use_sim_time: true } });
      expect(follower.getParameter("use_sim_time")).toBe(true);
      const fired: bigint[] = [];
      rt.spin();
      expect(follower.now()).toBe(0n);
      follower.createTimer(1_000_000_000n, () => fired.push(follower.now()));
      clock.publish({ clock: { sec: 100, nanosec: 5 } });
      await waitFor(() => follower.now() === 100_000_000_005n, 2000, "sim time 100.000000005");
      await waitFor(() => fired.length === 1, 2000, "first sim timer tick");
      for (let s = 101; s <= 103; s++) {
        clock.publish({ clock: { sec: s, nanosec: 10 } });
        await waitFor(() => follower.now() === BigInt(s) * 1_000_000_000n + 10n, 2000, `sim time ${s}`);
      }
      await waitFor(() => fired.length === 4, 2000, "four sim timer ticks");
      expect(fired.at(-1)).toBe(103_000_000_010n);
      // The simulator itself is on host time.
      expect(sim.now()).toBeGreaterThan(1_600_000_000_000_000_000n);
    });

    it("graph queries: topics with types and the QoS each publisher offers", async () => {
      const rt = await open();
      const node = rt.createNode("cam", "/rig");
      node.createPublisher("sensor_msgs/msg/Image", "image_raw", { qos: QOS_SENSOR_DATA });
      node.createPublisher(STRING, "/tf_static_like", { qos: QOS_TF_STATIC });
      const topics = node.getTopicNamesAndTypes();
      expect(topics).toContainEqual({ name: "/rig/image_raw", types: ["sensor_msgs/msg/Image"] });
      expect(node.getPublishersInfoByTopic("/rig/image_raw")).toEqual([
        { nodeName: "cam", nodeNamespace: "/rig", topicType: "sensor_msgs/msg/Image", qos: QOS_SENSOR_DATA },
      ]);
      expect(node.getPublishersInfoByTopic("image_raw")).toHaveLength(1);
      expect(node.getPublishersInfoByTopic("/tf_static_like")[0]?.qos).toEqual(QOS_TF_STATIC);
    });

    it("destroySubscription stops that subscription's delivery", async () => {
      const rt = await open();
      const node = rt.createNode("destroyer");
      const pub = node.createPublisher(STRING, "/d");
      const got: string[] = [];
      const sub = node.createSubscription(STRING, "/d", {}, (m) => got.push(m["data"] as string));
      rt.spin();
      pub.publish({ data: "1" });
      await waitFor(() => got.length === 1, 2000, "first message");
      node.destroySubscription(sub);
      pub.publish({ data: "2" });
      await settle();
      expect(got).toEqual(["1"]);
    });

    it("shutdown stops delivery and timers; nothing runs afterwards", async () => {
      const rt = await open();
      const node = rt.createNode("stopper");
      const pub = node.createPublisher(STRING, "/late");
      let messages = 0;
      let ticks = 0;
      node.createSubscription(STRING, "/late", {}, () => messages++);
      node.createTimer(2_000_000n, () => ticks++);
      rt.spin();
      pub.publish({ data: "queued" });
      await rt.shutdown();
      const ticksAtShutdown = ticks;
      await settle(40);
      expect(messages).toBe(0);
      expect(ticks).toBe(ticksAtShutdown);
      expect(() => pub.publish({ data: "after" })).toThrow(/shut down/);
      runtime = undefined;
    });
  });
}
