// Harness for running a teledemo command on `--runtime ros` with the fake rclnodejs in place of
// the real module (TELEDEMO_RCLNODEJS), as on a robot with ROS 2 sourced, and reading what it recorded.
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Command } from "../../launch/cli/command.ts";
import { scanMcap, type ScannedChannel } from "../../recorder/mcap/scan.ts";
import { currentFakeRclnodejs, renewFakeRclnodejs } from "../runtime/fake-rclnodejs/module.ts";
import type { FakeRclnodejs } from "../runtime/fake-rclnodejs/index.ts";
import type { FakeNode } from "../runtime/fake-rclnodejs/node.ts";
import { tempDir } from "../recorder/support.ts";
import { waitFor } from "../runtime/support/wait.ts";

const FAKE_MODULE = fileURLToPath(new URL("../runtime/fake-rclnodejs/module.ts", import.meta.url));
const ENV_KEYS = ["ROS_DISTRO", "AMENT_PREFIX_PATH", "TELEDEMO_RCLNODEJS"] as const;

export interface FakeRosCommand {
  rcl: FakeRclnodejs;
  dir: string;
  /** Resolves with the exit code; rejects `race`d waits if the command ends first. */
  done: Promise<number>;
  race<T>(p: Promise<T>): Promise<T>;
  output(): { stdout: string; stderr: string };
  node(name: string): FakeNode;
  /** A Trigger service of the recorder, called through an rclnodejs client of `from`. */
  trigger(from: FakeNode, service: string): Promise<{ success: boolean; message: string }>;
  /** The same for a call that may end the command (the last stop): "ended" if it exits before replying. */
  triggerLast(from: FakeNode, service: string): Promise<{ success: boolean; message: string } | "ended">;
  restore(): void;
}

/** Starts `command` with `args` (in process) on a fresh fake rclnodejs; `args(dir)` gets a temp dir. */
export function startOnFakeRos(command: Command, args: (dir: string) => string[]): FakeRosCommand {
  const saved = Object.fromEntries(ENV_KEYS.map((k) => [k, process.env[k]]));
  const tmp = tempDir("teledemo-fake-ros-");
  // As on a robot with ROS 2 sourced; the ament prefix has no packages, so the bundled definitions serve.
  process.env.ROS_DISTRO = "jazzy";
  process.env.AMENT_PREFIX_PATH = join(tmp.dir, "ament");
  process.env.TELEDEMO_RCLNODEJS = FAKE_MODULE;
  const rcl = renewFakeRclnodejs();
  let stdout = "";
  let stderr = "";
  const done = command.run(args(tmp.dir), { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), isTty: false });
  const endedEarly = done.then((code) => {
    throw new Error(`teledemo ${command.name} ended (exit ${code}): ${stderr}`);
  });
  endedEarly.catch(() => {}); // only awaited through race()
  const race = <T>(p: Promise<T>): Promise<T> => Promise.race([p, endedEarly]);
  return {
    rcl,
    dir: tmp.dir,
    done,
    race,
    output: () => ({ stdout, stderr }),
    node(name) {
      const found = [...rcl.fakeContext.nodes].find((n) => n.name() === name);
      if (found === undefined) throw new Error(`no node ${name} in the fake graph`);
      return found;
    },
    async trigger(from, service) {
      const client = from.createClient("std_srvs/srv/Trigger", service);
      if (!(await race(client.waitForService(10_000)))) throw new Error(`service ${service} not available`);
      return (await race(client.sendRequestAsync({}, { timeout: 30_000 }))) as { success: boolean; message: string };
    },
    async triggerLast(from, service) {
      const client = from.createClient("std_srvs/srv/Trigger", service);
      if (!(await race(client.waitForService(10_000)))) throw new Error(`service ${service} not available`);
      const reply = client.sendRequestAsync({}, { timeout: 30_000 }) as Promise<{ success: boolean; message: string }>;
      reply.catch(() => {}); // the runtime may shut down before it answers
      return Promise.race([reply, done.then(() => "ended" as const)]);
    },
    restore() {
      for (const key of ENV_KEYS) {
        if (saved[key] === undefined) delete process.env[key];
        else process.env[key] = saved[key];
      }
      const current = currentFakeRclnodejs();
      if (current.fakeContext.initialized && !current.isShutdown()) current.shutdown();
      tmp.cleanup();
    },
  };
}

/** Waits until the recorder's services are up (its node exists and is wired). */
export function recorderReady(run: FakeRosCommand, recorder = "teledemo_recorder"): Promise<void> {
  return run.race(waitFor(() => run.rcl.fakeContext.services.has(`/${recorder}/stop`), 60_000, "the recorder's services"));
}

export interface RecordedEpisode {
  dir: string;
  channels: ScannedChannel[];
  messages: Array<{ topic: string; logTime: bigint }>;
}

/** The one episode in `library`, scanned. */
export async function onlyEpisode(library: string): Promise<RecordedEpisode> {
  const episodes = existsSync(library) ? readdirSync(library).filter((d) => existsSync(join(library, d, "episode.mcap"))) : [];
  if (episodes.length !== 1) throw new Error(`expected one episode in ${library}, found ${episodes.length}`);
  const dir = join(library, episodes[0] as string);
  const channels: ScannedChannel[] = [];
  const byId = new Map<number, string>();
  const messages: RecordedEpisode["messages"] = [];
  await scanMcap(join(dir, "episode.mcap"), {
    channel: (c) => {
      channels.push(c);
      byId.set(c.id, c.topic);
    },
    message: (m) => messages.push({ topic: byId.get(m.channelId) ?? "?", logTime: m.logTime }),
  });
  return { dir, channels, messages };
}
