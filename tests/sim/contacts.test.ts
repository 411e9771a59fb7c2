import { describe, expect, it } from "vitest";
import { captureRig, EPOCH_NS, type RigCapture, stampNs } from "./rig-harness.ts";

/** Host time (ns since the epoch) at which a sensor captured a message, from the clock truth. */
function captureRelNs(cap: RigCapture, sensor: string, stamp: bigint): number {
  const c = cap.truth.clocks[sensor]!;
  return (Number(stamp - EPOCH_NS) - c.offsetNs) / (1 + c.driftPpm * 1e-6);
}

interface Series {
  t: number[];
  v: number[];
}

function mean(s: Series, from: number, to: number): number {
  let sum = 0;
  let n = 0;
  for (let i = 0; i < s.t.length; i++) {
    if (s.t[i]! >= from && s.t[i]! < to) {
      sum += s.v[i]!;
      n++;
    }
  }
  if (n === 0) throw new Error(`no samples in [${from}, ${to})`);
  return sum / n;
}

describe("contact ground truth agrees with the published force and tactile signals", () => {
  for (const seed of [1, 2, 5]) {
    it(`seed ${seed}`, async () => {
      const cap = await captureRig({ profile: "reference", seed, durationS: 22, topics: (t) => t.startsWith("/tactile/") || t.endsWith("/ft") || t === "/joint_states" });
      const demo = cap.truth.demos[0]!;
      const demoStart = Number(BigInt(demo.startNs) - EPOCH_NS) / 1e9;
      const streams = new Map(cap.profile.streams.map((s) => [s.topic, s]));
      const pressure = new Map<string, Series>();
      for (const [topic, list] of cap.messages) {
        const spec = streams.get(topic)!;
        if (spec.kind !== "tactile") continue;
        const s: Series = { t: [], v: [] };
        for (const m of list) {
          const msg = cap.codec.decode(spec.type, m.bytes);
          s.t.push(captureRelNs(cap, spec.sensor, stampNs(msg)) / 1e9 - demoStart);
          s.v.push((msg.pressure as Float32Array).reduce((a, b) => a + b, 0));
        }
        pressure.set(spec.source!, s);
      }
      // grip force as the gripper drive reports it (JointState effort of <side>_gripper)
      const grip = new Map<string, Series>();
      for (const m of cap.messages.get("/joint_states")!) {
        const msg = cap.codec.decode("sensor_msgs/msg/JointState", m.bytes);
        const t = captureRelNs(cap, "arm_controller", stampNs(msg)) / 1e9 - demoStart;
        (msg.name as string[]).forEach((name, i) => {
          if (!name.endsWith("_gripper")) return;
          const s = grip.get(name) ?? { t: [], v: [] };
          s.t.push(t);
          s.v.push((msg.effort as Float64Array)[i]!);
          grip.set(name, s);
        });
      }
      const contacts = demo.truth.contacts;
      expect(contacts.length).toBeGreaterThanOrEqual(4);
      for (const c of contacts) {
        const p = pressure.get(c.pad)!;
        const side = c.pad.startsWith("left") ? "left" : "right";
        const g = grip.get(`${side}_gripper`)!;
        const before = mean(p, c.t - 0.06, c.t - 0.01);
        const after = mean(p, c.t + 0.03, c.t + 0.08);
        if (c.kind === "onset") {
          expect(before, `${c.pad} pressure before onset at ${c.t.toFixed(3)} s`).toBeLessThan(20);
          expect(after, `${c.pad} pressure after onset`).toBeGreaterThan(before + 50);
          expect(mean(g, c.t + 0.03, c.t + 0.08)).toBeGreaterThan(mean(g, c.t - 0.06, c.t - 0.01) + 1);
        } else if (c.kind === "release") {
          expect(after, `${c.pad} pressure after release at ${c.t.toFixed(3)} s`).toBeLessThan(before);
          expect(mean(p, c.t + 0.2, c.t + 0.3)).toBeLessThan(20);
        }
      }
      // the wrist force-torque sensor of the grasping arm carries the object's weight while it is held
      const side = contacts[0]!.pad.startsWith("left") ? "left" : "right";
      const ft = cap.profile.streams.find((s) => s.topic === `/${side}_wrist/ft`)!;
      const forceNorm: Series = { t: [], v: [] };
      for (const m of cap.messages.get(ft.topic)!) {
        const msg = cap.codec.decode(ft.type, m.bytes) as { wrench: { force: { x: number; y: number; z: number } } };
        const f = msg.wrench.force;
        forceNorm.t.push(captureRelNs(cap, ft.sensor, stampNs(msg as unknown as Record<string, unknown>)) / 1e9 - demoStart);
        forceNorm.v.push(Math.hypot(f.x, f.y, f.z));
      }
      const phase = (name: string) => demo.truth.phases.find((p) => p.phase === name);
      const approach = phase("approach")!;
      const holding = phase("transport") ?? phase("lift")!;
      const massKg = Number(/of (\d+) g/.exec(demo.truth.variations.join(" "))?.[1] ?? "0") / 1000;
      expect(massKg).toBeGreaterThan(0);
      const gain = mean(forceNorm, holding.start + 0.1, holding.end - 0.1) - mean(forceNorm, approach.start + 0.1, approach.end - 0.1);
      expect(Math.abs(gain - massKg * 9.81), `wrist force gain ${gain.toFixed(2)} N vs weight ${(massKg * 9.81).toFixed(2)} N`).toBeLessThan(0.5 * massKg * 9.81);
      // outside any contact interval the pads read only noise
      const firstOnset = Math.min(...contacts.filter((c) => c.kind === "onset").map((c) => c.t));
      for (const [pad, p] of pressure) expect(mean(p, 0.05, firstOnset - 0.1), pad).toBeLessThan(20);
    }, 300_000);
  }
});
