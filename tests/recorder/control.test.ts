// The episode workflow's actions through the ROS 2 services on the recorder node and through the
// keyboard mapping: mark outcome, stop (keep), discard, pause, shutdown.
import { readdirSync } from "node:fs";
import { describe, expect, it, afterAll } from "vitest";
import { createCodec, createDefaultRegistry } from "../../nodes/messages/index.ts";
import { loadRigProfile } from "../../nodes/rig/profile.ts";
import { LocalRuntime } from "../../nodes/runtime/local/index.ts";
import { createSimRig } from "../../nodes/sim/index.ts";
import { EpisodeController, type ControllerEvent } from "../../recorder/episode/controller.ts";
import { readSidecar } from "../../recorder/episode/layout.ts";
import { handleKey } from "../../recorder/control/keyboard.ts";
import { advertiseControlServices } from "../../recorder/control/ros-services.ts";
import { RecorderNode } from "../../recorder/node/recorder-node.ts";
import { EPOCH_NS } from "../sim/rig-harness.ts";
import { tempDir } from "./support.ts";

const tmp = tempDir("teledemo-control-");
afterAll(() => tmp.cleanup());

async function waitFor(what: string, check: () => boolean, ms = 20_000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe("episode workflow controls", () => {
  it("services and keys start, mark, pause, keep, discard and stop episodes", async () => {
    const registry = createDefaultRegistry();
    const codec = createCodec(registry);
    const profile = loadRigProfile("launch/profiles/small.yaml");
    const runtime = new LocalRuntime({ codec, log: () => {} });
    // speed 4 on sim time: fast, but slow enough for service round trips between messages
    const rig = createSimRig(runtime, { profile, seed: 3, speed: 4, encoder: codec, epochNs: EPOCH_NS, topicFilter: (t) => !t.includes("camera") && !t.includes("lidar") });
    const recorder = new RecorderNode({
      runtime,
      schemaText: (type) => (registry.has(type) ? registry.schemaText(type) : undefined),
      selection: { topics: profile.streams.filter((s) => !s.topic.includes("camera") && !s.topic.includes("lidar")).map((s) => ({ topic: s.topic, type: s.type, qos: s.qos })) },
      useSimTime: true,
      log: () => {},
    });
    recorder.discover();
    const controller = new EpisodeController({
      recorder,
      libraryDir: tmp.dir,
      task: "t",
      operator: "o",
      source: "sim",
      rigProfile: "small",
      robot: profile.robot,
      build: { version: "test", commit: undefined },
      episodes: undefined,
      episodeTimeS: undefined,
      resetTimeS: 0.2,
      compression: "none",
      flushIntervalMs: 200,
      minFreeBytes: 0,
      log: () => {},
    });
    const events: ControllerEvent[] = [];
    controller.on((e) => events.push(e));
    recorder.onMessage = () => controller.tick();
    advertiseControlServices(recorder.node, controller);
    const client = runtime.createNode("operator_console");
    const call = async (name: string) => {
      const c = client.createClient("std_srvs/srv/Trigger", `/teledemo_recorder/${name}`);
      expect(await c.waitForService(1000)).toBe(true);
      return (await c.call({})) as { success: boolean; message: string };
    };
    runtime.spin();
    const running = rig.run();

    await waitFor("episode 1", () => controller.state === "recording" && controller.phaseElapsedS() > 0.3);
    expect((await call("mark_success")).success).toBe(true);
    expect((await call("pause")).message).toMatch(/paused/);
    await new Promise((r) => setTimeout(r, 50));
    expect((await call("resume")).message).toMatch(/recording/);
    expect((await call("stop")).success).toBe(true);
    await waitFor("episode 2", () => controller.state === "recording" && controller.episodeIndex === 2 && controller.phaseElapsedS() > 0.2);
    expect(handleKey("\x1b[D", controller)).toBe(true); // ← discards
    await waitFor("discard", () => events.some((e) => e.kind === "episode_discarded"));
    await waitFor("episode 2 again", () => controller.state === "recording" && controller.phaseElapsedS() > 0.2);
    handleKey("f", controller);
    handleKey("n", controller); // keep, marked failure
    await waitFor("episode 2 kept", () => events.filter((e) => e.kind === "episode_closed").length === 2);
    await waitFor("episode 3", () => controller.state === "recording" && controller.episodeIndex === 3 && controller.phaseElapsedS() > 0.2);
    handleKey("q", controller);
    const result = await controller.done;
    rig.stop();
    await running;
    recorder.destroy();
    await runtime.shutdown();

    expect(result.discarded).toBe(1);
    expect(result.episodes.map((e) => e.sidecar.outcome)).toEqual(["success", "failure", "unknown"]);
    expect(result.episodes[0]!.sidecar.flags).toContain("paused");
    expect(readdirSync(tmp.dir)).toHaveLength(3); // the discarded take left nothing behind
    for (const e of result.episodes) expect(readSidecar(e.dir).message_count).toBeGreaterThan(10);
  }, 60_000);
});
