// `teledemo live` as a real child process, watched by a real Foxglove WebSocket client
// (FoxgloveClient from @foxglove/ws-protocol over ws): it must advertise the sync node's aligned
// frames and stream health as cdr channels whose ros2msg schemas decode the messages it sends —
// decoded here with @foxglove/rosmsg + @foxglove/rosmsg2-serialization, not with teledemo's codec.
import { once } from "node:events";
import { parse as parseMsg } from "@foxglove/rosmsg";
import { MessageReader } from "@foxglove/rosmsg2-serialization";
import wsProtocol, { type Channel, type IWebSocket } from "@foxglove/ws-protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { loadRigProfile } from "../../nodes/rig/profile.ts";
import { JsonLines, runMain, sha1, startFakeRobot } from "../bridge/support.ts";
import { spawnCli } from "../support/cli-child.ts";
import { REPO_ROOT } from "../support/fixtures.ts";

const { FoxgloveClient } = wsProtocol;

interface Decoded {
  topic: string;
  message: Record<string, unknown>;
}

const FRAMES = "/teledemo/sync/frames";
const HEALTH = "/teledemo/sync/health";


interface Watched {
  serverName: string;
  channels: Channel[];
  decoded: Array<Decoded & { data: Uint8Array }>;
}

/** A FoxgloveClient on `url` that subscribes to `topics`, decodes every message against the
 * channel's advertised schema, and returns once `enough` says so. */
async function watch(url: string, topics: Set<string>, enough: (decoded: Decoded[]) => boolean): Promise<Watched> {
  const ws = new WebSocket(url, [FoxgloveClient.SUPPORTED_SUBPROTOCOL]);
  const client = new FoxgloveClient({ ws: ws as unknown as IWebSocket });
  const channels = new Map<number, Channel>();
  const readers = new Map<number, MessageReader>();
  const bySubscription = new Map<number, number>();
  const watched: Watched = { serverName: "", channels: [], decoded: [] };
  try {
    await new Promise<void>((resolve, reject) => {
      client.on("serverInfo", (info) => (watched.serverName = info.name));
      client.on("error", (err) => reject(err));
      client.on("advertise", (advertised) => {
        for (const c of advertised) {
          channels.set(c.id, c);
          if (!topics.has(c.topic)) continue;
          readers.set(c.id, new MessageReader(parseMsg(c.schema, { ros2: true })));
          bySubscription.set(client.subscribe(c.id), c.id);
        }
      });
      client.on("message", ({ subscriptionId, data }) => {
        const channelId = bySubscription.get(subscriptionId);
        if (channelId === undefined) return;
        const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
        watched.decoded.push({ topic: channels.get(channelId)!.topic, message: readers.get(channelId)!.readMessage<Record<string, unknown>>(bytes), data: bytes });
        if (enough(watched.decoded)) resolve();
      });
    });
  } finally {
    client.close();
  }
  watched.channels = [...channels.values()];
  return watched;
}

describe("teledemo live", () => {
  const profile = loadRigProfile(`${REPO_ROOT}/launch/profiles/small.yaml`);
  let child: ReturnType<typeof spawnCli>;
  let out: JsonLines;
  let stderr = "";
  let url: string;

  beforeAll(async () => {
    child = spawnCli(["live", "--profile", "small", "--port", "0", "--json", "--duration", "60"]);
    out = new JsonLines(child.stdout!);
    child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
    const line = await out.waitFor((o) => o.kind === "live", 120_000);
    url = String(line.url);
  }, 130_000);

  afterAll(async () => {
    if (child.exitCode === null) {
      const closed = once(child, "close");
      child.kill("SIGINT");
      await closed;
    }
  });

  it("serves aligned frames and health that decode against the advertised schemas", async () => {
    const streamsWithRate = profile.streams.filter((s) => s.rate_hz > 0).length;
    const { serverName, channels, decoded } = await watch(url, new Set([FRAMES, HEALTH]), (d) =>
      d.filter((x) => x.topic === FRAMES).length >= 20 && d.filter((x) => x.topic === HEALTH).length >= streamsWithRate * 2,
    );
    expect(serverName).toMatch(/teledemo/);
    for (const topic of [FRAMES, HEALTH]) {
      const c = channels.find((x) => x.topic === topic);
      expect(c, `${topic} advertised`).toBeDefined();
      expect(c!.encoding).toBe("cdr");
      expect(c!.schemaEncoding).toBe("ros2msg");
    }
    expect(channels.find((c) => c.topic === FRAMES)!.schemaName).toBe("teledemo_msgs/msg/AlignedFrame");
    expect(channels.find((c) => c.topic === HEALTH)!.schemaName).toBe("teledemo_msgs/msg/StreamHealth");
    // The raw sensor topics are served beside the sync output.
    for (const s of profile.streams) expect(channels.some((c) => c.topic === s.topic), `${s.topic} advertised`).toBe(true);

    // Aligned frames: pivoted on the profile's pivot, in order, each carrying the aligned streams.
    const frames = decoded.filter((d) => d.topic === FRAMES).map((d) => d.message);
    const aligned = new Set(profile.streams.filter((s) => s.rate_hz > 0 && s.kind !== "tf_static").map((s) => s.topic));
    for (const f of frames) {
      expect(f.pivot_topic).toBe(profile.pivot_topic);
      const streams = f.streams as Array<{ topic: string }>;
      expect(streams.length).toBeGreaterThan(0);
      for (const s of streams) expect(aligned.has(s.topic), s.topic).toBe(true);
    }
    const indices = frames.map((f) => BigInt(f.pivot_index as bigint | number));
    for (let k = 1; k < indices.length; k++) expect(indices[k]! > indices[k - 1]!).toBe(true);

    // Health: one message per stream per period, naming the profile's streams, with rates.
    const health = decoded.filter((d) => d.topic === HEALTH).map((d) => d.message);
    const named = new Set(health.map((h) => String(h.topic)));
    for (const topic of aligned) expect(named.has(topic), `${topic} health`).toBe(true);
    for (const h of health) {
      expect(Number(h.expected_rate_hz)).toBeGreaterThan(0);
      expect([0, 1, 2, 3]).toContain(h.level);
    }
    // Once running, the measured rate of the fastest stream is on the order of its rate.
    const fastest = profile.streams.reduce((a, b) => (b.rate_hz > a.rate_hz ? b : a));
    const last = health.filter((h) => h.topic === fastest.topic).at(-1)!;
    expect(Number(last.measured_rate_hz)).toBeGreaterThan(fastest.rate_hz / 4);
    expect(stderr).not.toMatch(/\n\s+at /);
  }, 90_000);

  it("explains a port that is taken", async () => {
    const port = new URL(url).port;
    const second = await runMain(["live", "--profile", "small", "--port", port]);
    expect(second.code).toBe(2);
    expect(second.stderr).toMatch(new RegExp(`port ${port} is already in use`));
    const wrongSource = await runMain(["live", "--source", "bridge"]);
    expect(wrongSource.code).toBe(2);
    expect(wrongSource.stderr).toMatch(/--source bridge needs --url/);
  }, 60_000);
});

describe("teledemo live --source bridge", () => {
  it("relays a robot's foxglove_bridge through the sync node: raw topics byte for byte, aligned frames", async () => {
    const robot = await startFakeRobot(7);
    const child = spawnCli(["live", "--source", "bridge", "--url", robot.server.url, "--profile", "small", "--port", "0", "--json", "--duration", "60"]);
    let stderr = "";
    child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
    const closed = once(child, "close");
    try {
      const out = new JsonLines(child.stdout!);
      const url = String((await out.waitFor((o) => o.kind === "live", 120_000)).url);
      const raw = "/joint_states";
      const { channels, decoded } = await watch(url, new Set([FRAMES, raw]), (d) => d.filter((x) => x.topic === FRAMES).length >= 10 && d.filter((x) => x.topic === raw).length >= 20);
      // The robot's schema text is passed on as advertised.
      expect(channels.find((c) => c.topic === raw)?.schema).toBe(robot.schemaText("sensor_msgs/msg/JointState"));
      const published = robot.published.index.get(raw)!;
      const at = decoded.filter((d) => d.topic === raw).map((d) => published.get(sha1(d.data)));
      expect(at.every((i) => i !== undefined), "a relayed message the robot never published").toBe(true);
      for (let k = 1; k < at.length; k++) expect(at[k]! - at[k - 1]!).toBe(1);
      for (const f of decoded.filter((d) => d.topic === FRAMES)) expect(f.message.pivot_topic).toBe("/head_camera/color/image_raw");
    } finally {
      if (child.exitCode === null) child.kill("SIGINT");
      await closed;
      await robot.stop();
    }
    expect(stderr).not.toMatch(/\n\s+at /);
  }, 150_000);
});
