// The synchronizer and the cross-modal offsets on simulated reference-rig episodes, scored
// against the simulator's truth (true capture instants from the sensor clocks).
import { describe, expect, it } from "vitest";
import { createCodec, createDefaultRegistry } from "../../nodes/messages/index.ts";
import { loadRigProfile } from "../../nodes/rig/profile.ts";
import { LocalRuntime } from "../../nodes/runtime/local/index.ts";
import { createSimRig } from "../../nodes/sim/index.ts";
import { estimateCrossModalOffsets, SimArmKinematics, type CrossModalStream } from "../../nodes/sync/crossmodal/index.ts";
import { replay, SynchronizerCore, SynchronizerNode, type AlignedFrame } from "../../nodes/sync/synchronizer/index.ts";
import { EPISODE_EPOCH_NS, pivotInfoTopic, runSimEpisode, syncStreams, trueCaptureRelNs } from "./sim-episode.ts";
import { percentile } from "./synthetic.ts";

const noImages = (t: string): boolean => !/image_raw$|\/points$/.test(t);

describe("synchronizer on a simulated reference-rig episode", () => {
  it("frames match ground-truth alignment; one frame per pivot; latency below a pivot period", async () => {
    const ep = await runSimEpisode({ profile: "reference", seed: 5, durationS: 6, topics: noImages });
    const pivot = pivotInfoTopic(ep.profile);
    const streams = syncStreams(ep.profile, noImages);
    // Constant latencies from the truth here (cross-modal estimation is tested below): this
    // checks the synchronizer itself.
    const ref = ep.truth.clocks["arm_controller"]!.latencyMs;
    const corrections = Object.fromEntries(streams.map((s) => [s.topic, (ep.truth.clocks[ep.sensorOf.get(s.topic)!]!.latencyMs - ref) * 1e6]));
    const core = new SynchronizerCore({ streams, pivotTopic: pivot, decode: (type, bytes) => ep.codec.decode(type, bytes), latencyCorrectionsNs: corrections });
    const frames: AlignedFrame[] = [...replay(core, ep.events)];
    const cap = (topic: string, stamp: bigint): number => trueCaptureRelNs(ep, topic, stamp);
    const cont: number[] = [];
    const nearest: number[] = [];
    const latency: number[] = [];
    let flagged = 0;
    const flaggedBy = new Map<string, number>();
    const warm = EPISODE_EPOCH_NS + 1_000_000_000n;
    for (const f of frames) {
      latency.push(Number(f.emitNs - f.pivot.receiveNs) / 1e6);
      if (f.pivot.receiveNs < warm) continue;
      const cp = cap(pivot, f.pivot.stampNs);
      for (const s of f.streams) {
        if (s.status !== "ok") {
          flagged++;
          flaggedBy.set(`${s.topic} ${s.status}`, (flaggedBy.get(`${s.topic} ${s.status}`) ?? 0) + 1);
          continue;
        }
        let c = cap(s.topic, s.before!.stampNs);
        if (s.mode === "interpolated") {
          c += s.weight! * (cap(s.topic, s.after!.stampNs) - c);
          cont.push(Math.abs(c - cp) / 1e6);
          // the value is there, and is the interpolation of the bracketing samples
          expect(s.value).toBeDefined();
        } else {
          nearest.push(Math.abs(c - cp) / 1e6);
          // reported skew agrees with the truth within the clock error
          expect(Math.abs(s.skewNs! / 1e6 - (c - cp) / 1e6)).toBeLessThan(0.5);
        }
      }
    }
    console.info(
      `sim episode: ${frames.length} frames; continuous |err| p50 ${percentile(cont, 50).toFixed(3)} p99 ${percentile(cont, 99).toFixed(3)} ms; ` +
        `nearest p99 ${percentile(nearest, 99).toFixed(2)} ms; flagged ${flagged} (${[...flaggedBy].map(([k, n]) => `${k}: ${n}`).join(", ")}); latency p50 ${percentile(latency, 50).toFixed(1)} p99 ${percentile(latency, 99).toFixed(1)} ms`,
    );
    expect(frames.length).toBe(core.stats().pivots);
    expect(frames.length).toBeGreaterThan(150);
    expect(percentile(cont, 99)).toBeLessThan(0.5);
    // nearest of 30 Hz camera frames: at most half a period (+ clock error)
    expect(Math.max(...nearest)).toBeLessThan(1000 / 30 / 2 + 0.5);
    expect(flagged).toBeLessThan(0.05 * cont.length);
    expect(percentile(latency, 99)).toBeLessThan(33);
  }, 60_000);

  it("cross-modal offsets: IMU, wrist forces and tactile pads within 1 ms of the truth (vs the joint states)", async () => {
    const topics = (t: string): boolean => /^\/joint_states$|^\/imu\/data$|_wrist\/ft$|^\/tactile\//.test(t);
    const ep = await runSimEpisode({ profile: "reference", seed: 2, durationS: 30, topics });
    const core = new SynchronizerCore({ streams: syncStreams(ep.profile, topics), pivotTopic: "/joint_states" });
    for (const e of ep.events) core.pushStamped(e.topic, e.stampNs, e.receiveNs);
    const streams = new Map<string, CrossModalStream & { samples: { timeNs: bigint; message: Record<string, unknown> }[] }>();
    for (const e of ep.events) {
      const spec = ep.profile.streams.find((s) => s.topic === e.topic)!;
      let s = streams.get(e.topic);
      if (s === undefined) {
        s = { topic: e.topic, kind: spec.kind, frameId: spec.frame_id, source: spec.source, samples: [] };
        streams.set(e.topic, s);
      }
      s.samples.push({ timeNs: core.clockEstimator(e.topic)!.toHost(e.stampNs, e.receiveNs), message: ep.codec.decode(e.type, e.bytes) });
    }
    const result = estimateCrossModalOffsets([...streams.values()], new SimArmKinematics(ep.profile));
    const lat = (topic: string): number => ep.truth.clocks[ep.sensorOf.get(topic)!]!.latencyMs;
    const lines: string[] = [];
    for (const p of result.pairs) {
      if (!p.usable) {
        lines.push(`${p.topic} vs ${p.against}: unusable (${p.reason ?? p.estimates.map((e) => e.reason).join("; ")})`);
        continue;
      }
      if (!ep.sensorOf.has(p.against)) {
        lines.push(`${p.topic} via ${p.against}: ${(p.lagS * 1e3).toFixed(3)} ms`);
        continue;
      }
      // The pair's own lag against what it was correlated with.
      const truth = lat(p.topic) - lat(p.against);
      const err = p.lagS * 1e3 - truth;
      lines.push(`${p.topic} vs ${p.against}: lag ${(p.lagS * 1e3).toFixed(3)} ms, truth ${truth.toFixed(3)} ms, error ${err.toFixed(3)} ms (${p.signal})`);
      // The pairs the issue names; a wrist force's routes are each checked through its final
      // correction below (their median).
      if (!p.topic.endsWith("/ft")) expect(Math.abs(err)).toBeLessThanOrEqual(1);
    }
    const finals: string[] = [];
    for (const [topic, ns] of Object.entries(result.correctionsNs)) {
      const err = ns / 1e6 - (lat(topic) - lat("/joint_states"));
      finals.push(`${topic} ${(ns / 1e6).toFixed(3)} ms (error ${err.toFixed(3)})`);
      expect(Math.abs(err)).toBeLessThanOrEqual(1);
    }
    console.info(`cross-modal (30 s):\n  ${lines.join("\n  ")}\n corrections vs /joint_states:\n  ${finals.join("\n  ")}`);
    // every stream of the four kinds got a correction: IMU, both wrists, all four pads
    expect(Object.keys(result.correctionsNs).length).toBe(8);
    // the wrist force ↔ tactile pairs were measured (the physically related pair of the issue)
    expect(result.pairs.filter((p) => p.topic.startsWith("/tactile/") && p.against.endsWith("/ft") && p.usable).length).toBeGreaterThanOrEqual(2);
    // the reference maps to itself
    expect(result.correctionsNs["/joint_states"]).toBe(0);
  }, 90_000);
});

describe("SynchronizerNode on the in-process runtime", () => {
  it("subscribes to the rig's streams and publishes aligned frames, clock models and stream health", async () => {
    const profile = loadRigProfile("launch/profiles/small.yaml");
    const codec = createCodec(createDefaultRegistry());
    const runtime = new LocalRuntime({ codec, log: () => {} });
    const rig = createSimRig(runtime, { profile, seed: 3, speed: "max", encoder: codec, durationS: 3, epochNs: EPISODE_EPOCH_NS, topicFilter: noImages });
    const pivot = pivotInfoTopic(profile);
    const sync = new SynchronizerNode(runtime, {
      profile,
      decode: (type, bytes) => codec.decode(type, bytes),
      topics: noImages,
      pivotTopic: pivot,
      parameterOverrides: { use_sim_time: true },
      reportPeriodNs: 500_000_000n,
    });
    const listener = runtime.createNode("listener", "", { parameterOverrides: { use_sim_time: true } });
    const frames: Record<string, unknown>[] = [];
    const models: Record<string, unknown>[] = [];
    const health: Record<string, unknown>[] = [];
    listener.createSubscription("teledemo_msgs/msg/AlignedFrame", "/teledemo/sync/frames", { qos: { depth: 1000 } }, (m) => frames.push(m));
    listener.createSubscription("teledemo_msgs/msg/ClockModel", "/teledemo/sync/clock_models", { qos: { depth: 1000 } }, (m) => models.push(m));
    listener.createSubscription("teledemo_msgs/msg/StreamHealth", "/teledemo/sync/health", { qos: { depth: 1000 } }, (m) => health.push(m));
    runtime.spin();
    await rig.run();
    await new Promise((r) => setTimeout(r, 50));
    const stats = sync.core.stats();
    sync.destroy();
    await runtime.shutdown();

    expect(stats.pivots).toBeGreaterThan(30);
    expect(frames.length).toBeGreaterThan(0.8 * stats.pivots);
    const f = frames[frames.length - 1]! as { pivot_topic: string; streams: Array<{ topic: string; status: number; fields: string[]; values: Float64Array }> };
    expect(f.pivot_topic).toBe(pivot);
    const joints = f.streams.find((s) => s.topic === "/joint_states")!;
    expect(joints.fields).toEqual(["position", "velocity", "effort"]);
    expect(joints.values.length).toBe(3 * 16);
    expect(new Set(models.map((m) => m.topic)).size).toBe(sync.core.topics().length);
    expect(health.some((h) => h.topic === "/joint_states" && h.level === 0)).toBe(true);
  }, 60_000);
});
