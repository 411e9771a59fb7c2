import { describe, expect, it } from "vitest";
import { mat4, quat } from "gl-matrix";
import { loadRigProfile } from "../../../nodes/rig/profile.ts";
import { PHASES, type PadId, type Pose } from "../../../nodes/sim/types.ts";
import { createDemo, type Demo } from "../../../nodes/sim/world/index.ts";
import { StaticFrames } from "../../../nodes/sim/world/static-frames.ts";
import { mat4FromPose } from "../../../nodes/sim/world/rigid.ts";

const profile = loadRigProfile("launch/profiles/reference.yaml");
const small = loadRigProfile("launch/profiles/small.yaml");

const demos = new Map<string, Demo>();
function demo(seed: number, noise = true): Demo {
  const key = `${seed}:${noise}`;
  let d = demos.get(key);
  if (!d) demos.set(key, (d = createDemo({ seed, profile, noise })));
  return d;
}

const SEEDS = Array.from({ length: 24 }, (_, i) => i + 1);
const failedSeeds = SEEDS.filter((s) => demo(s, false).groundTruth.outcome === "failure");
const sum = (a: Float32Array) => a.reduce((x, y) => x + y, 0);
const maxAbs = (a: Float32Array) => a.reduce((x, y) => Math.max(x, Math.abs(y)), 0);

describe("createDemo: episode structure", () => {
  it("phases cover [0, duration] contiguously and in task order; duration 8–20 s", () => {
    for (const seed of SEEDS) {
      const gt = demo(seed, false).groundTruth;
      expect(gt.duration).toBeGreaterThan(8);
      expect(gt.duration).toBeLessThan(20);
      expect(gt.phases[0]!.start).toBe(0);
      expect(gt.phases.at(-1)!.end).toBeCloseTo(gt.duration, 12);
      for (let i = 0; i < gt.phases.length; i++) {
        const p = gt.phases[i]!;
        expect(p.end).toBeGreaterThan(p.start);
        if (i > 0) {
          expect(p.start).toBe(gt.phases[i - 1]!.end);
          expect(PHASES.indexOf(p.phase)).toBeGreaterThan(PHASES.indexOf(gt.phases[i - 1]!.phase));
        }
      }
      const d = demo(seed, false);
      for (const p of gt.phases) expect(d.phaseAt((p.start + p.end) / 2)).toBe(p.phase);
      // contact instants fall in the phases they belong to
      const phaseOf = (t: number) => gt.phases.find((p) => t >= p.start && t < p.end)!.phase;
      for (const c of gt.contacts) {
        if (c.kind === "onset") expect(phaseOf(c.t)).toBe("grasp");
        if (c.kind === "release") expect(phaseOf(c.t)).toBe(gt.outcome === "success" ? "release" : "lift");
        if (c.kind === "slip") expect(["lift", "transport"]).toContain(phaseOf(c.t));
      }
      if (gt.outcome === "success") expect(gt.phases.map((p) => p.phase)).toEqual([...PHASES]);
    }
  });

  it("varies with the seed: arm, failures and slips all occur", () => {
    const gts = SEEDS.map((s) => demo(s, false));
    expect(new Set(gts.map((d) => d.activeArm)).size).toBe(2);
    expect(failedSeeds.length).toBeGreaterThan(0);
    expect(gts.some((d) => d.groundTruth.outcome === "success" && d.groundTruth.contacts.some((c) => c.kind === "slip"))).toBe(true);
    const starts = gts.map((d) => d.objectPoseAt(0).position.join(","));
    expect(new Set(starts).size).toBe(starts.length);
  });

  it("failed grasps have outcome failure, a slip, and the object back on the table", () => {
    for (const seed of failedSeeds) {
      const d = demo(seed, false);
      const c = d.groundTruth.contacts;
      const slip = c.filter((e) => e.kind === "slip");
      expect(slip.length).toBe(2);
      const release = c.find((e) => e.kind === "release")!;
      expect(release.t).toBeGreaterThan(slip[0]!.t);
      expect(d.groundTruth.phases.map((p) => p.phase)).not.toContain("place");
      const end = d.objectPoseAt(d.duration).position;
      expect(end[2]).toBeCloseTo(d.scenario.object.halfExtents[2], 4);
    }
  });

  it("successful episodes leave the object resting in the tray", () => {
    for (const seed of SEEDS.filter((s) => !failedSeeds.includes(s)).slice(0, 8)) {
      const d = demo(seed, false);
      const p = d.objectPoseAt(d.duration).position;
      expect(Math.hypot(p[0] - d.scenario.tray.x, p[1] - d.scenario.tray.y)).toBeLessThan(0.02);
      expect(p[2]).toBeCloseTo(0.006 + d.scenario.object.halfExtents[2], 4);
    }
  });
});

describe("determinism", () => {
  it("same seed gives identical states (noise included); different seeds differ", () => {
    const a = createDemo({ seed: 11, profile });
    const b = createDemo({ seed: 11, profile });
    // query b in a different order: noise must not depend on call history
    const times = [0.5, 2.1234, 3.3, 4.0001, 6.5, 9.0].filter((t) => t < a.duration);
    const sb = [...times].reverse().map((t) => b.stateAt(t)).reverse();
    times.forEach((t, i) => expect(a.stateAt(t)).toEqual(sb[i]));
    const c = createDemo({ seed: 12, profile });
    expect(c.objectPoseAt(0)).not.toEqual(a.objectPoseAt(0));
  });
});

describe("state parts", () => {
  it("stateAt(t, parts) returns just those parts, equal to the full state", () => {
    const d = demo(3);
    const full = d.stateAt(4.2);
    const part = d.stateAt(4.2, ["wrench", "imu"]);
    expect(Object.keys(part).sort()).toEqual(["imu", "phase", "t", "wrench"]);
    expect(part.wrench).toEqual(full.wrench);
    expect(part.imu).toEqual(full.imu);
    expect(full.joints.names).toHaveLength(16);
    expect(full.joints.names.slice(0, 2)).toEqual(["left_joint1", "left_joint2"]);
    expect(full.joints.names.slice(14)).toEqual(["left_gripper", "right_gripper"]);
  });

  it("takes tactile shapes from the profile", () => {
    const d = createDemo({ seed: 1, profile: small });
    const f = d.tactileAt("right_gripper_left_pad", 1);
    expect([f.rows, f.cols, f.pressure.length]).toEqual([8, 8, 64]);
    expect(demo(1).tactileAt("right_gripper_left_pad", 1).pressure.length).toBe(256);
  });
});

describe("teleop lag", () => {
  it("the follower tracks the leader command ~30–60 ms late", () => {
    for (const seed of [1, 2, 3]) {
      const d = demo(seed, false);
      const lag = d.scenario.lag;
      expect(lag).toBeGreaterThanOrEqual(0.03);
      expect(lag).toBeLessThanOrEqual(0.06);
      let lead = 0;
      for (let t = 0.5; t < d.duration - 0.5; t += 0.05) {
        const follower = d.jointsAt(t).position;
        const delayed = d.leaderAt(t - lag).position;
        const now = d.leaderAt(t).position;
        for (let j = 0; j < 14; j++) {
          expect(Math.abs(follower[j]! - delayed[j]!)).toBeLessThan(1e-3);
          lead = Math.max(lead, Math.abs(now[j]! - follower[j]!));
        }
      }
      expect(lead).toBeGreaterThan(0.01);
    }
  });
});

describe("contact ground truth agrees with the signals", () => {
  it("tactile pressure is zero before onset and after release, well above noise between", () => {
    for (const seed of SEEDS.slice(0, 10)) {
      const noisy = demo(seed);
      const truth = demo(seed, false);
      const gt = truth.groundTruth;
      const pads = [...new Set(gt.contacts.map((c) => c.pad))] as PadId[];
      expect(pads).toHaveLength(2);
      for (const pad of pads) {
        const on = gt.contacts.find((c) => c.pad === pad && c.kind === "onset")!.t;
        const off = gt.contacts.find((c) => c.pad === pad && c.kind === "release")!.t;
        // noiseless: exactly zero outside contact, rising from zero at onset
        expect(maxAbs(truth.tactileAt(pad, on - 1e-6).pressure)).toBe(0);
        expect(maxAbs(truth.tactileAt(pad, off + 1e-6).pressure)).toBe(0);
        const p1 = sum(truth.tactileAt(pad, on + 0.005).pressure);
        const p2 = sum(truth.tactileAt(pad, on + 0.05).pressure);
        expect(p1).toBeGreaterThan(0);
        expect(p2).toBeGreaterThan(p1);
        // with noise: before onset / after release only noise (< 1 kPa per taxel); mid-contact far above
        for (const t of [on - 0.2, on - 0.01, off + 0.01, off + 0.2]) expect(maxAbs(noisy.tactileAt(pad, t).pressure)).toBeLessThan(1);
        const mid = gt.outcome === "success" ? (on + off) / 2 : on + 0.4 * (off - on);
        const midFrame = noisy.tactileAt(pad, mid);
        expect(sum(midFrame.pressure) / midFrame.pressure.length).toBeGreaterThan(5);
      }
      // the other gripper never touches anything
      const other = (["left_gripper_left_pad", "right_gripper_left_pad"] as PadId[]).find((p) => !pads.includes(p))!;
      expect(maxAbs(truth.tactileAt(other, (gt.phases[2]!.start + gt.phases[2]!.end) / 2).pressure)).toBe(0);
    }
  });

  it("the wrist force rises when the gripper closes and carries the object's weight in the lift", () => {
    for (const seed of SEEDS.slice(0, 10).filter((s) => !failedSeeds.includes(s))) {
      const d = demo(seed, false);
      const side = d.activeArm;
      const gt = d.groundTruth;
      const on = gt.contacts.find((c) => c.kind === "onset")!.t;
      const before = d.wrenchAt(side, on - 0.01).force;
      const squeezed = d.wrenchAt(side, on + 0.25).force;
      expect(Math.abs(squeezed[1] - before[1])).toBeGreaterThan(0.3);
      // mid-transport the extra pull along the tool axis is the object's weight (tool points down)
      const tr = gt.phases.find((p) => p.phase === "transport")!;
      const held = d.wrenchAt(side, (tr.start + tr.end) / 2).force;
      const w = d.scenario.object.mass * 9.81;
      expect(Math.hypot(...held) - Math.hypot(...before)).toBeGreaterThan(0.6 * w);
    }
  });

  it("slip events come with pad shear vibration", () => {
    const seed = SEEDS.find((s) => demo(s, false).groundTruth.contacts.some((c) => c.kind === "slip"))!;
    const d = demo(seed, false);
    const slip = d.groundTruth.contacts.find((c) => c.kind === "slip")!;
    const shearSpread = (t0: number) => {
      const v = [0, 1, 2, 3, 4, 5, 6, 7].map((k) => sum(d.tactileAt(slip.pad, t0 + k * 0.001).shearX));
      return Math.max(...v) - Math.min(...v);
    };
    expect(shearSpread(slip.t + 0.01)).toBeGreaterThan(5 * shearSpread(slip.t - 0.05) + 1);
  });
});

describe("IMU", () => {
  const imuPose = (d: Demo, t: number) => d.framePoseAt("imu_link", t);

  it("reads +g along base_link up when the arm is still", () => {
    for (const [seed, noise] of [[1, false], [2, true], [7, true]] as const) {
      const d = demo(seed, noise);
      const t = 0.05;
      const a = d.imuAt(t).linearAcceleration;
      const q = imuPose(d, t).orientation;
      const inv = quat.invert(quat.create(), q);
      const up = [0, 0, 0] as unknown as [number, number, number];
      const g = new Float32Array(3);
      // R^T (0, 0, 9.81)
      const r = quat.create();
      quat.copy(r, inv);
      const v = [0, 0, 9.81];
      const m = mat4.fromQuat(mat4.create(), r);
      for (let i = 0; i < 3; i++) g[i] = m[i]! * v[0]! + m[4 + i]! * v[1]! + m[8 + i]! * v[2]!;
      void up;
      const tol = noise ? 0.15 : 0.01;
      for (let i = 0; i < 3; i++) expect(Math.abs(a[i]! - g[i]!)).toBeLessThan(tol);
      expect(d.imuAt(t).orientation.map((x, i) => Math.abs(x - q[i]!)).every((e) => e < 1e-9)).toBe(true);
    }
  });

  it("angular velocity equals the finite difference of imu_link orientation (J_ω q̇)", () => {
    const d = demo(2, false);
    const h = 1e-5;
    let moving = 0;
    for (let t = 0.3; t < d.duration - 0.3; t += 0.137) {
      const w = d.imuAt(t).angularVelocity;
      const R0 = mat4FromPose(imuPose(d, t));
      const R1 = mat4FromPose(imuPose(d, t + h));
      // body-frame rate: log(R0ᵀ R1) / h
      const rel = mat4.multiply(new Float64Array(16), mat4.transpose(new Float64Array(16), R0), R1);
      const wb = [(rel[6]! - rel[9]!) / (2 * h), (rel[8]! - rel[2]!) / (2 * h), (rel[1]! - rel[4]!) / (2 * h)];
      for (let i = 0; i < 3; i++) expect(Math.abs(w[i]! - wb[i]!)).toBeLessThan(2e-3);
      moving = Math.max(moving, Math.hypot(...w));
    }
    expect(moving).toBeGreaterThan(0.05);
  });
});

describe("frames and scene", () => {
  it("the /tf chain composes to the same flange pose as FK", () => {
    const d = demo(4, false);
    const t = 5.3;
    const tfs = d.transformsAt(t);
    const statics = new StaticFrames("base_link", profile.static_frames);
    for (const side of ["left", "right"] as const) {
      let m = statics.world(`${side}_arm_base_link`);
      let frame = `${side}_arm_base_link`;
      while (frame !== `${side}_flange`) {
        const e = tfs.find((x) => x.parent === frame && !x.child.includes("pad"))!;
        m = mat4.multiply(new Float64Array(16), m, mat4FromPose(e.transform)) as Float64Array;
        frame = e.child;
      }
      const fk = d.framePoseAt(`${side}_flange`, t);
      for (let i = 0; i < 3; i++) expect(m[12 + i]).toBeCloseTo(fk.position[i]!, 9);
    }
    expect(tfs.find((x) => x.child === "object")?.parent).toBe("base_link");
    expect(tfs.filter((x) => x.child.endsWith("_pad"))).toHaveLength(4);
    expect(tfs).toHaveLength(2 * (7 + 1 + 2) + 1);
  });

  it("scene: static table/floor/wall/tray, dynamic arms and object; static set is stable", () => {
    const d = demo(5, false);
    const a = d.sceneAt(1);
    const b = d.sceneAt(6);
    expect(a.static).toBe(b.static);
    const table = a.static.find((p) => p.id === "table");
    expect(table?.kind).toBe("plane");
    expect(table?.material.checker).toBeDefined();
    expect(a.static.some((p) => p.id === "floor")).toBe(true);
    expect(a.static.some((p) => p.id.startsWith("tray"))).toBe(true);
    expect(a.dynamic.filter((p) => p.kind === "capsule").length).toBeGreaterThanOrEqual(12);
    const obj = (s: typeof a) => s.dynamic.find((p) => p.id === "object") as { pose: Pose };
    expect(obj(a).pose.position).not.toEqual(obj(b).pose.position);
  });
});
