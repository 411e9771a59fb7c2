// Clock models recorded into episodes (/teledemo/clock_model, teledemo_msgs/msg/ClockModel) and the
// live per-stream health: unit checks on synthetic clocks with a known answer, then a real
// simulated episode recorded by the CLI, whose models are compared with the simulator's truth.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createCodec, createDefaultRegistry, rosTimeToNanos, type RosTime } from "../../nodes/messages/index.ts";
import { CLOCK_MODEL_TOPIC, CLOCK_MODEL_TYPE, EpisodeClockModels, type ClockModelMessage } from "../../recorder/health/clock-models.ts";
import { EpisodeHealth } from "../../recorder/health/stream-health.ts";
import { resolveProfile } from "../../launch/cli/profile-arg.ts";
import { runCli } from "../support/cli-child.ts";
import { seededRandom } from "../support/random.ts";
import { tempDir, withIndexedReader } from "./support.ts";

const S = 1_000_000_000n;

describe("EpisodeClockModels", () => {
  it("recovers offset and drift, splits at a clock step, and reports residuals of its samples", () => {
    const rand = seededRandom(3);
    const clocks = new EpisodeClockModels(S);
    const offsetNs = 37_000_000; // host − sensor
    const driftPpm = 80; // host runs 80 ppm faster than the sensor's stamps advance
    const host0 = 1_000_000n * S;
    const periodic: ClockModelMessage[] = [];
    const residualsSeg0: number[] = [];
    let stepped = false;
    for (let i = 0; i < 4000; i++) {
      const stampRel = i * 2_500_000; // 400 Hz for 10 s
      // a sensor reset at 6 s: its stamps jump back by 0.5 s
      const step = i >= 2400 ? -500_000_000 : 0;
      stepped ||= step !== 0;
      const stamp = 500n * S + BigInt(stampRel + step);
      const hostTrue = host0 + BigInt(Math.round(stampRel * (1 + driftPpm * 1e-6))) + BigInt(offsetNs);
      const latency = 200_000 + Math.round(-Math.log(1 - rand()) * 300_000); // ≥ 0.2 ms, heavy tail
      const m = clocks.add("/imu", stamp, hostTrue + BigInt(latency));
      if (m) periodic.push(m);
      if (!stepped) residualsSeg0.push(latency);
    }
    // one model per second of receive time, each for the stream's current segment
    expect(periodic.length).toBeGreaterThanOrEqual(9);
    expect(periodic.length).toBeLessThanOrEqual(10);
    const final = clocks.final(host0 + 11n * S);
    expect(final.map((m) => m.segment_index)).toEqual([0, 1]);
    const [seg0, seg1] = final as [ClockModelMessage, ClockModelMessage];
    expect(seg0.topic).toBe("/imu");
    expect(rosTimeToNanos(seg0.valid_from)).toBe(500n * S);
    // offset at valid_from = true offset + the minimum latency (one-way timing cannot separate them)
    expect(Math.abs(Number(seg0.offset_ns - (host0 - 500n * S)) - (offsetNs + 200_000))).toBeLessThan(50_000);
    expect(Math.abs(seg0.drift_ppm - driftPpm)).toBeLessThan(2);
    expect(seg0.sample_count).toBeGreaterThan(2390);
    expect(seg0.sample_count).toBeLessThanOrEqual(2400);
    // residuals = latency minus the minimum: mean and max of the exponential part
    const excess = residualsSeg0.map((l) => l - 200_000);
    const mean = excess.reduce((a, b) => a + b, 0) / excess.length;
    expect(Math.abs(seg0.residual_mean_ns - mean)).toBeLessThan(0.05 * mean);
    expect(Math.abs(seg0.residual_max_abs_ns - Math.max(...excess))).toBeLessThan(0.05 * Math.max(...excess));
    expect(seg0.residual_rms_ns).toBeGreaterThan(seg0.residual_mean_ns);
    // the new segment: stamps 0.5 s back, so host − sensor is 0.5 s larger
    expect(rosTimeToNanos(seg1.valid_from)).toBeLessThan(rosTimeToNanos(seg0.valid_from) + 6n * S);
    expect(Math.abs(Number(seg1.offset_ns - seg0.offset_ns) - 500_000_000)).toBeLessThan(1_000_000);
    expect(periodic.at(-1)?.segment_index).toBe(1);
  });
});

describe("EpisodeHealth.live", () => {
  it("measures the rate over the last window, gaps and latency percentiles, and flags an under-rate stream", () => {
    const health = new EpisodeHealth(new Map([["/a", 100], ["/b", 100], ["/silent", 50]]), () => true);
    const start = 100n * S;
    const msg = (stampNs: bigint) => {
      const b = new Uint8Array(16);
      b[1] = 1; // CDR little endian
      const v = new DataView(b.buffer);
      v.setInt32(4, Number(stampNs / S), true);
      v.setUint32(8, Number(stampNs % S), true);
      return b;
    };
    for (let i = 0; i < 500; i++) {
      const t = start + BigInt(i) * 10_000_000n; // 100 Hz for 5 s
      expect(health.add("/a", "x", msg(t - 3_000_000n), t)).toBe(t - 3_000_000n); // 3 ms latency
      // /b at 100 Hz for 3 s, then at 50 Hz (every other message lost: gaps of 2 periods are not gaps)
      if (i < 300 || i % 2 === 0) health.add("/b", "x", msg(t - 1_000_000n), t);
    }
    const now = start + 5n * S;
    const live = new Map(health.live(start, now).map((h) => [h.topic, h]));
    const a = live.get("/a")!;
    expect(a.rateHz).toBeCloseTo(100, 0);
    expect(a.status).toBe("ok");
    expect(a.latencyMs?.p50).toBeCloseTo(3, 3);
    expect(a.gaps).toBe(0);
    const b = live.get("/b")!;
    expect(b.rateHz).toBeCloseTo(50, 0);
    expect(b.status).toBe("under_rate");
    expect(b.messages).toBe(400);
    expect(live.get("/silent")?.status).toBe("silent");
    // a 3-period hole counts as a gap
    health.add("/a", "x", msg(now + 30_000_000n), now + 40_000_000n);
    expect(health.live(start, now + 50_000_000n).find((h) => h.topic === "/a")?.gaps).toBe(1);
  });
});

describe("recorded clock models", () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());

  it("a simulated episode carries /teledemo/clock_model for every stamped stream, close to the simulator's truth", async () => {
    const run = await runCli(["record", "--profile", "small", "--speed", "max", "--episode-time", "6", "--out", tmp.dir, "--min-free", "1MB", "--json"], 120_000);
    expect(run.code, run.stderr).toBe(0);
    const [id] = readdirSync(tmp.dir);
    const path = join(tmp.dir, id!, "episode.mcap");
    const registry = createDefaultRegistry();
    const codec = createCodec(registry);
    const profile = resolveProfile("small");
    const models: ClockModelMessage[] = [];
    const counts = new Map<string, number>();
    let truth: { epochNs: string; clocks: Record<string, { offsetNs: number; driftPpm: number; latencyMs: number }> } | undefined;
    let schemaText = "";
    await withIndexedReader(path, async (reader) => {
      for (const ch of reader.channelsById.values()) if (ch.topic === CLOCK_MODEL_TOPIC) schemaText = new TextDecoder().decode(reader.schemasById.get(ch.schemaId)?.data);
      const channelTopic = new Map([...reader.channelsById.values()].map((c) => [c.id, c.topic]));
      for await (const m of reader.readMessages()) {
        const topic = channelTopic.get(m.channelId)!;
        counts.set(topic, (counts.get(topic) ?? 0) + 1);
        if (topic === CLOCK_MODEL_TOPIC) models.push(codec.decode(CLOCK_MODEL_TYPE, m.data) as unknown as ClockModelMessage);
      }
      for await (const meta of reader.readMetadata({ name: "teledemo.episode" })) {
        const raw = meta.metadata.get("sim_ground_truth");
        if (raw) truth = JSON.parse(raw) as typeof truth;
      }
    });
    expect(schemaText).toBe(registry.schemaText(CLOCK_MODEL_TYPE));
    expect(truth).toBeDefined();
    const stamped = profile.streams.filter((s) => s.rate_hz > 0 && registry.messageDefinitions(s.type)[0]?.definitions[0]?.type === "std_msgs/Header");
    expect(stamped.length).toBeGreaterThan(5);
    for (const s of stamped) {
      const mine = models.filter((m) => m.topic === s.topic);
      // about one a second while recording, then the final one(s)
      expect(mine.length, s.topic).toBeGreaterThanOrEqual(5);
      const last = mine.at(-1)!;
      expect(last.sample_count, s.topic).toBeGreaterThan(0.9 * (counts.get(s.topic) ?? 0));
      expect(last.sample_count, s.topic).toBeLessThanOrEqual(counts.get(s.topic) ?? 0);
      expect(last.residual_mean_ns).toBeGreaterThanOrEqual(0);
      expect(last.residual_rms_ns).toBeGreaterThanOrEqual(last.residual_mean_ns);
      expect(last.residual_max_abs_ns).toBeGreaterThanOrEqual(last.residual_rms_ns);
      // Truth: stamp = host + offset + drift·(host − epoch); the model's host time includes the
      // sensor's fixed latency. Compare host − stamp at valid_from.
      const clock = truth!.clocks[s.sensor];
      expect(clock, s.sensor).toBeDefined();
      const stampRel = Number(rosTimeToNanos(last.valid_from as RosTime) - BigInt(truth!.epochNs));
      const hostRel = (stampRel - clock!.offsetNs) / (1 + clock!.driftPpm * 1e-6);
      const trueOffsetNs = hostRel + clock!.latencyMs * 1e6 - stampRel;
      expect(Math.abs(Number(last.offset_ns) - trueOffsetNs) / 1e6, `${s.topic} offset error ms`).toBeLessThan(2);
    }
  }, 150_000);
});
