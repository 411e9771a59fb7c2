// `teledemo record --source bridge` end to end: a real Foxglove WebSocket server (FoxgloveServer
// from @foxglove/ws-protocol over a ws server) publishes the simulated rig's messages, the CLI
// records them as a real child process, the connection is dropped mid-episode, and the MCAP is
// checked against what the rig published: schema texts, bytes, QoS metadata, counts, the gap.
import { once } from "node:events";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import wsProtocol, { type IWebSocket } from "@foxglove/ws-protocol";
import { WebSocketServer } from "ws";
import { createCodec, createDefaultRegistry } from "../../nodes/messages/index.ts";
import { foxgloveProtobufSchema } from "../../recorder/side/protobuf-schemas.ts";
import { offeredQosYaml } from "../../recorder/storage/rosbag2-yaml.ts";
import { runCli, spawnCli } from "../support/cli-child.ts";
import { tempDir, withIndexedReader } from "../recorder/support.ts";
import { JsonLines, runMain, sha1, startFakeRobot, type FakeRobot } from "./support.ts";

interface Recorded {
  topic: string;
  schemaName: string;
  schemaEncoding: string;
  schemaText: string;
  messageEncoding: string;
  offeredQos: string | undefined;
  logTime: bigint;
  data: Uint8Array;
}

async function readEpisode(path: string): Promise<{ messages: Recorded[]; metadata: Map<string, Map<string, string>> }> {
  return withIndexedReader(path, async (reader) => {
    const messages: Recorded[] = [];
    for await (const m of reader.readMessages()) {
      const channel = reader.channelsById.get(m.channelId)!;
      const schema = reader.schemasById.get(channel.schemaId);
      messages.push({
        topic: channel.topic,
        schemaName: schema?.name ?? "",
        schemaEncoding: schema?.encoding ?? "",
        schemaText: schema ? new TextDecoder().decode(schema.data) : "",
        messageEncoding: channel.messageEncoding,
        offeredQos: channel.metadata.get("offered_qos_profiles"),
        logTime: m.logTime,
        data: m.data,
      });
    }
    const metadata = new Map<string, Map<string, string>>();
    for await (const md of reader.readMetadata()) metadata.set(md.name, md.metadata);
    return { messages, metadata };
  });
}

describe("teledemo record --source bridge", () => {
  let robot: FakeRobot;
  beforeAll(async () => {
    robot = await startFakeRobot();
  });
  afterAll(async () => {
    await robot?.stop();
  });

  it("records the bridge's topics byte for byte, survives a dropped connection and a restarted bridge, and marks the gaps", async () => {
    const { dir, cleanup } = tempDir("teledemo-bridge-");
    try {
      const child = spawnCli([
        "record", "--source", "bridge", "--url", robot.server.url, "--profile", "small",
        "--episodes", "1", "--episode-time", "8", "--reset-time", "0", "--out", dir, "--json", "--flush-interval", "100",
      ]);
      const out = new JsonLines(child.stdout!);
      let stderr = "";
      child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
      const exited = once(child, "close");
      await out.waitFor((o) => o.kind === "episode_started");
      // Let part of the episode arrive, then cut every connection the server has.
      await out.waitFor((o) => o.kind === "progress" && Object.values((o.stored ?? {}) as Record<string, number>).reduce((a, b) => a + b, 0) > 200);
      robot.server.dropClients();
      await out.waitFor((o) => o.kind === "bridge_disconnected");
      const reconnected = await out.waitFor((o) => o.kind === "bridge_reconnected");
      expect(reconnected.gapS).toBeGreaterThan(0);
      // Then the bridge process dies and comes back 1.5 s later: refused connections, backoff,
      // new channel ids, resubscription.
      await robot.restart(1500);
      await out.waitFor((o) => o.kind === "bridge_reconnected" && o !== reconnected);
      const [code] = await exited;
      expect(code, stderr).toBe(0);
      const summary = out.lines.find((o) => o.kind === "summary") as { episodes: Array<{ path: string; flags: string[]; source: string }> };
      const episode = summary.episodes[0]!;
      expect(episode.source).toBe("bridge");
      expect(episode.flags).toContain("bridge_gap");

      const { messages, metadata } = await readEpisode(episode.path);
      // The gaps: one metadata record each with its span, two log messages each (lost, reconnected).
      const gaps = [1, 2].map((n) => metadata.get(`teledemo.bridge_gap.${n}`));
      for (const gap of gaps) {
        expect(gap).toBeDefined();
        expect(BigInt(gap!.get("end_ns")!)).toBeGreaterThan(BigInt(gap!.get("start_ns")!));
      }
      // the restart kept the robot away for at least its 1.5 s
      expect(Number(gaps[1]!.get("duration_s"))).toBeGreaterThanOrEqual(1.5);
      const gapEnd = BigInt(gaps[1]!.get("end_ns")!);
      const logs = messages.filter((m) => m.topic === "/teledemo/bridge");
      expect(logs.map((m) => m.schemaName)).toEqual(["foxglove.Log", "foxglove.Log", "foxglove.Log", "foxglove.Log"]);
      const decoded = logs.map((m) => foxgloveProtobufSchema("Log").decode(m.data));
      expect(decoded.map((l) => l.level)).toEqual([3, 2, 3, 2]);
      expect(String(decoded[0]!.message)).toMatch(/lost/);
      // the way back after the restart took more than one attempt (backoff over refused connections)
      expect(String(decoded[3]!.message)).toMatch(/after \d+\.\d+ s \(([2-9]|\d\d+) attempts\)/);

      // `teledemo info` and `teledemo qa` show the gaps.
      const info = await runMain(["info", episode.path, "--json"]);
      expect(info.code, info.stderr).toBe(0);
      expect(info.stdout).toMatch(/bridge_gap/);
      expect(info.stdout).toMatch(/teledemo\.bridge_gap\.2/);
      const qa = await runMain(["qa", episode.path, "--json"]);
      expect(qa.stderr).not.toMatch(/\n\s+at /);
      expect(qa.stdout).toMatch(/recorder flag bridge_gap: the foxglove_bridge connection dropped/);

      for (const stream of robot.profile.streams) {
        const recorded = messages.filter((m) => m.topic === stream.topic);
        expect(recorded.length, stream.topic).toBeGreaterThan(0);
        // Recorded exactly as `ros2 bag record` on the robot: same schema text, cdr, QoS.
        for (const m of recorded) {
          expect(m.schemaName).toBe(stream.type);
          expect(m.schemaEncoding).toBe("ros2msg");
          expect(m.messageEncoding).toBe("cdr");
        }
        expect(recorded[0]!.schemaText).toBe(robot.schemaText(stream.type));
        expect(recorded[0]!.offeredQos).toBe(offeredQosYaml(robot.offeredQos(stream.topic)));
        // Byte for byte what the rig published, in order, nothing twice, and nothing missing
        // except across the one gap.
        const published = robot.published.index.get(stream.topic)!;
        const indices = recorded.map((m) => published.get(sha1(m.data)));
        expect(indices.every((i) => i !== undefined), `${stream.topic}: a recorded message the rig never published`).toBe(true);
        let holes = 0;
        for (let k = 1; k < indices.length; k++) {
          const step = indices[k]! - indices[k - 1]!;
          expect(step, `${stream.topic} out of order`).toBeGreaterThan(0);
          if (step > 1) holes++;
        }
        if (stream.rate_hz > 0) expect(holes, stream.topic).toBeLessThanOrEqual(2);
        if (stream.rate_hz >= 50) expect(recorded.some((m) => m.logTime > gapEnd), `${stream.topic} continues after the gap`).toBe(true);
      }
    } finally {
      cleanup();
    }
  }, 180_000);

  it("explains an unreachable bridge and a server that does not speak the Foxglove protocol", async () => {
    const unreachable = await runCli(["record", "--source", "bridge", "--url", "ws://127.0.0.1:9", "--out", "/tmp/teledemo-never"]);
    expect(unreachable.code).toBe(2);
    expect(unreachable.stderr).toMatch(/cannot connect to ws:\/\/127\.0\.0\.1:9/);
    expect(unreachable.stderr).not.toMatch(/\n\s+at /);

    // The rest in-process through the CLI's main() (what the binary runs), to spare child start-ups.
    const wss = new WebSocketServer({ port: 0, handleProtocols: () => false });
    await once(wss, "listening");
    try {
      const port = (wss.address() as { port: number }).port;
      const wrong = await runMain(["record", "--source", "bridge", "--url", `ws://127.0.0.1:${port}`, "--out", "/tmp/teledemo-never"]);
      expect(wrong.code).toBe(2);
      expect(wrong.stderr).toMatch(/subprotocol/);
    } finally {
      wss.close();
    }

    const noUrl = await runMain(["record", "--source", "bridge"]);
    expect(noUrl.code).toBe(2);
    expect(noUrl.stderr).toMatch(/--source bridge needs --url/);
    const badUrl = await runMain(["record", "--source", "bridge", "--url", "http://robot:8765"]);
    expect(badUrl.code).toBe(2);
    expect(badUrl.stderr).toMatch(/must use ws:\/\/ or wss:\/\//);
  }, 120_000);

  it("records the cdr channels of a bridge that also advertises ones it cannot record, and names those", async () => {
    // A bare FoxgloveServer, as a robot's foxglove_bridge with a JSON topic and an IDL-only type.
    const registry = createDefaultRegistry();
    const codec = createCodec(registry);
    const server = new wsProtocol.FoxgloveServer({ name: "robot", capabilities: [], supportedEncodings: ["cdr", "json"] });
    const wss = new WebSocketServer({ port: 0, handleProtocols: (p) => server.handleProtocols(p) });
    wss.on("connection", (conn, req) => server.handleConnection(conn as unknown as IWebSocket, `${req.socket.remotePort}`));
    await once(wss, "listening");
    server.addChannel({ topic: "/joint_states", encoding: "json", schemaName: "sensor_msgs/msg/JointState", schema: "{}", schemaEncoding: "jsonschema" });
    server.addChannel({ topic: "/left_wrist/ft", encoding: "cdr", schemaName: "geometry_msgs/msg/WrenchStamped", schema: "module geometry_msgs { };", schemaEncoding: "ros2idl" });
    const imu = server.addChannel({ topic: "/imu/data", encoding: "cdr", schemaName: "sensor_msgs/msg/Imu", schema: registry.schemaText("sensor_msgs/msg/Imu"), schemaEncoding: "ros2msg" });
    const subscribed = new Set<number>();
    server.on("subscribe", (id) => subscribed.add(id));
    server.on("unsubscribe", (id) => subscribed.delete(id));
    const sent: string[] = [];
    let seq = 0;
    const timer = setInterval(() => {
      if (!subscribed.has(imu)) return;
      const now = BigInt(Date.now()) * 1_000_000n;
      const data = codec.encode("sensor_msgs/msg/Imu", { header: { stamp: { sec: Number(now / 1_000_000_000n), nanosec: Number(now % 1_000_000_000n) }, frame_id: `imu ${seq++}` } });
      sent.push(sha1(data));
      server.sendMessage(imu, now, data as Uint8Array<ArrayBuffer>);
    }, 20);
    const { dir, cleanup } = tempDir("teledemo-bridge-enc-");
    try {
      const port = (wss.address() as { port: number }).port;
      const run = await runCli(["record", "--source", "bridge", "--url", `ws://127.0.0.1:${port}`, "--profile", "small", "--episodes", "1", "--episode-time", "2", "--reset-time", "0", "--out", dir, "--json"], 150_000);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).toMatch(/not recording \/joint_states: message encoding "json"/);
      expect(run.stderr).toMatch(/not recording \/left_wrist\/ft: schema encoding "ros2idl"/);
      expect(run.stderr).not.toMatch(/\n\s+at /);
      const summary = run.stdout.split("\n").filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>).find((o) => o.kind === "summary") as { episodes: Array<{ path: string }> };
      const { messages } = await readEpisode(summary.episodes[0]!.path);
      const topics = new Set(messages.map((m) => m.topic));
      expect(topics.has("/joint_states")).toBe(false);
      expect(topics.has("/left_wrist/ft")).toBe(false);
      const recorded = messages.filter((m) => m.topic === "/imu/data");
      expect(recorded.length).toBeGreaterThan(10);
      // every recorded IMU message is one the server sent, in order
      const at = recorded.map((m) => sent.indexOf(sha1(m.data)));
      expect(at.every((i) => i >= 0)).toBe(true);
      for (let k = 1; k < at.length; k++) expect(at[k]! - at[k - 1]!).toBe(1);
    } finally {
      clearInterval(timer);
      for (const c of wss.clients) c.terminate();
      wss.close();
      cleanup();
    }
  }, 180_000);
});
