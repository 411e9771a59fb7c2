// A stand-in for a robot running foxglove_bridge: the simulated rig (small profile) on an
// in-process runtime, served over a real Foxglove WebSocket server (FoxgloveServer from
// @foxglove/ws-protocol on a ws server, through teledemo's LiveServer), plus a tap that keeps
// every message the rig published, so tests can compare recordings byte for byte.
import { createHash } from "node:crypto";
import { createCodec, createDefaultRegistry } from "../../nodes/messages/index.ts";
import { LiveServer } from "../../nodes/bridge/live-server.ts";
import { loadRigProfile, type RigProfile } from "../../nodes/rig/profile.ts";
import type { QosProfile } from "../../nodes/runtime/api.ts";
import { LocalRuntime } from "../../nodes/runtime/local/runtime.ts";
import { createSimRig } from "../../nodes/sim/index.ts";
import { REPO_ROOT } from "../support/fixtures.ts";
import { main } from "../../launch/cli/main.ts";

/** The CLI's main() in this process, its output collected (for fast bad-input checks). */
export async function runMain(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), isTty: false });
  return { code, stdout, stderr };
}

export interface PublishedLog {
  /** Per topic: sha1 of each message's bytes → its publication index. */
  index: Map<string, Map<string, number>>;
  count: Map<string, number>;
}

export interface FakeRobot {
  profile: RigProfile;
  server: LiveServer;
  published: PublishedLog;
  schemaText: (type: string) => string;
  offeredQos: (topic: string) => QosProfile[];
  /** The bridge goes away (process killed: port closed) for `downMs`, then comes back on the same port. */
  restart(downMs: number): Promise<void>;
  stop(): Promise<void>;
}

export const sha1 = (bytes: Uint8Array): string => createHash("sha1").update(bytes).digest("hex");

export async function startFakeRobot(seed = 5): Promise<FakeRobot> {
  const profile = loadRigProfile(`${REPO_ROOT}/launch/profiles/small.yaml`);
  const registry = createDefaultRegistry();
  const codec = createCodec(registry);
  const runtime = new LocalRuntime({ codec, log: () => {} });
  const rig = createSimRig(runtime, { profile, seed, speed: 1, encoder: codec });
  const published: PublishedLog = { index: new Map(), count: new Map() };
  const tap = runtime.createNode("tap");
  for (const s of profile.streams) {
    published.index.set(s.topic, new Map());
    published.count.set(s.topic, 0);
    tap.createSubscription(s.type, s.topic, { isRaw: true, qos: { depth: 100_000, reliability: "best_effort", durability: s.qos.durability } }, (data) => {
      const n = published.count.get(s.topic) ?? 0;
      published.index.get(s.topic)?.set(sha1(data), n);
      published.count.set(s.topic, n + 1);
    });
  }
  const bridgeNode = runtime.createNode("foxglove_bridge");
  const serve = (port: number) =>
    LiveServer.start({ node: bridgeNode, schemaText: (t) => (registry.has(t) ? registry.schemaText(t) : undefined), port, log: () => {}, depth: 100_000, discoverMs: 100 });
  runtime.spin();
  const run = rig.run();
  const robot: FakeRobot = {
    profile,
    server: await serve(0),
    published,
    schemaText: (t) => registry.schemaText(t),
    offeredQos: (topic) => bridgeNode.getPublishersInfoByTopic(topic).map((p) => p.qos),
    async restart(downMs) {
      const port = robot.server.port;
      await robot.server.close();
      await new Promise((resolve) => setTimeout(resolve, downMs));
      robot.server = await serve(port);
    },
    async stop() {
      rig.stop();
      await run;
      await robot.server.close();
      await runtime.shutdown();
    },
  };
  return robot;
}

/** Collects a child's JSON-lines output for its whole life (the pipe never stalls) and lets a
 * test wait for a line. */
export class JsonLines {
  readonly lines: Array<Record<string, unknown>> = [];
  text = "";
  private buffer = "";
  private waiters: Array<{ pred: (o: Record<string, unknown>) => boolean; resolve: (o: Record<string, unknown>) => void }> = [];

  constructor(stream: NodeJS.ReadableStream) {
    stream.on("data", (chunk: Buffer) => {
      this.text += chunk.toString();
      this.buffer += chunk.toString();
      let nl: number;
      while ((nl = this.buffer.indexOf("\n")) >= 0) {
        const line = this.buffer.slice(0, nl);
        this.buffer = this.buffer.slice(nl + 1);
        try {
          const parsed = JSON.parse(line) as Record<string, unknown>;
          this.lines.push(parsed);
          this.waiters = this.waiters.filter((w) => (w.pred(parsed) ? (w.resolve(parsed), false) : true));
        } catch {
          /* a text line */
        }
      }
    });
  }

  waitFor(pred: (o: Record<string, unknown>) => boolean, timeoutMs = 90_000): Promise<Record<string, unknown>> {
    const seen = this.lines.find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching output line within ${timeoutMs} ms; output so far:\n${this.text.slice(-2000)}`)), timeoutMs);
      this.waiters.push({ pred, resolve: (o) => (clearTimeout(timer), resolve(o)) });
    });
  }
}
