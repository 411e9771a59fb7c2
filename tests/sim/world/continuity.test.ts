// Back-to-back demonstrations are continuous: each starts where the previous one left the arms
// and grippers (leader and follower), blends into its own motion over START_BLEND_S, and is
// unchanged after that. Checked on the rig's own timeline (DemoTimeline) across a side switch.
import { describe, expect, it } from "vitest";
import { loadRigProfile } from "../../../nodes/rig/profile.ts";
import { DemoTimeline } from "../../../nodes/sim/rig/demo-timeline.ts";
import type { SimDemo } from "../../../nodes/sim/rig/ports.ts";
import { createDemo, type Demo } from "../../../nodes/sim/world/index.ts";
import { START_BLEND_S } from "../../../nodes/sim/world/joints.ts";

const profile = loadRigProfile("launch/profiles/reference.yaml");
const S = 1_000_000_000n;

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe("back-to-back demonstrations", () => {
  it("start where the previous one ended and match their own motion after the blend", () => {
    const plain = (seed: number) => createDemo({ seed, profile, noise: false });
    // seed 2 picks with the right arm, seed 3 with the left
    const d0 = plain(2);
    const d1 = createDemo({ seed: 3, profile, noise: false, startFrom: d0.endJoints() });
    const alone = plain(3);
    expect(d0.activeArm).not.toBe(d1.activeArm);
    const end = d0.endJoints();
    // position continuity at the seam, leader and follower, arms and grippers
    expect(maxDiff(d1.jointsAt(0).position, end.follower)).toBeLessThan(1e-9);
    expect(maxDiff(d1.leaderAt(0).position, end.leader)).toBeLessThan(1e-9);
    // without the blend the seam would jump
    expect(maxDiff(alone.jointsAt(0).position, end.follower)).toBeGreaterThan(0.1);
    // after the blend: the demonstration's own motion, exactly
    for (const t of [START_BLEND_S + 0.01, 3, d1.duration - 0.5]) {
      expect(maxDiff(d1.jointsAt(t).position, alone.jointsAt(t).position)).toBe(0);
      expect(maxDiff(d1.leaderAt(t).position, alone.leaderAt(t).position)).toBe(0);
    }
    // the blend adds no violent motion: joint speed stays within what the demonstrations reach
    let fastestOwn = 0;
    for (let t = 0; t < d1.duration; t += 0.05) fastestOwn = Math.max(fastestOwn, maxAbs(alone.jointsAt(t).velocity));
    for (let t = 0; t < START_BLEND_S; t += 0.01) expect(maxAbs(d1.jointsAt(t).velocity)).toBeLessThan(Math.max(1.5 * fastestOwn, 0.5));
  });

  it("the rig's timeline is continuous across demonstrations, including a change of active arm", () => {
    const created: Demo[] = [];
    const factory = (seed: number, p: typeof profile, previous?: SimDemo): SimDemo => {
      const d = createDemo({ seed, profile: p, noise: false, ...(previous ? { startFrom: previous.endJoints() } : {}) });
      created.push(d);
      return d;
    };
    const gapNs = S / 2n;
    const timeline = new DemoTimeline(factory, profile, 1, 0n, gapNs);
    // sample the follower joints at 500 Hz over the first three demonstrations and their gaps
    let prev: Float64Array | undefined;
    let worstStep = 0;
    let seams = 0;
    let lastIndex = 0;
    const stepNs = 2_000_000n;
    for (let ns = 0n; created.length < 4; ns += stepNs) {
      const { demo, t } = timeline.demoAt(ns);
      if (demo.index !== lastIndex) {
        seams++;
        lastIndex = demo.index;
      }
      if (demo.index >= 3) break;
      const q = Float64Array.from(demo.demo.jointsAt(t).position);
      if (prev !== undefined) worstStep = Math.max(worstStep, maxDiff(q, prev));
      prev = q;
    }
    expect(seams).toBeGreaterThanOrEqual(3);
    expect(new Set(created.slice(0, 3).map((d) => d.activeArm)).size).toBe(2);
    // 2 ms apart: a joint moves a few mrad at most (no jump of centiradians at a seam)
    expect(worstStep).toBeLessThan(0.01);
  });
});

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!));
  return m;
}
