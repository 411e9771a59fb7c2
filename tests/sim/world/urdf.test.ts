import { describe, expect, it } from "vitest";
import { loadRigProfile } from "../../../nodes/rig/profile.ts";
import { robotUrdf } from "../../../nodes/sim/world/urdf.ts";
import { JOINT_NAMES } from "../../../nodes/sim/world/robot.ts";

describe("robotUrdf", () => {
  const profile = loadRigProfile("launch/profiles/reference.yaml");
  const urdf = robotUrdf({ rootFrame: profile.root_frame, staticFrames: profile.static_frames });
  const links = [...urdf.matchAll(/<link name="([^"]+)"\/>/g)].map((m) => m[1]!);
  const joints = [...urdf.matchAll(/<joint name="([^"]+)" type="([^"]+)">\s*<parent link="([^"]+)"\/>\s*<child link="([^"]+)"\/>/g)].map((m) => ({
    name: m[1]!,
    type: m[2]!,
    parent: m[3]!,
    child: m[4]!,
  }));

  it("is a single tree rooted at base_link", () => {
    expect(new Set(links).size).toBe(links.length);
    expect(joints.length).toBe(links.length - 1);
    const children = new Set(joints.map((j) => j.child));
    expect(children.size).toBe(joints.length);
    const roots = links.filter((l) => !children.has(l));
    expect(roots).toEqual(["base_link"]);
    for (const j of joints) expect(links).toContain(j.parent);
    expect(urdf.split("<joint ").length - 1).toBe(joints.length);
  });

  it("has every JointState joint and every static frame as a fixed joint", () => {
    const names = new Set(joints.map((j) => j.name));
    for (const n of JOINT_NAMES) expect(names.has(n)).toBe(true);
    for (const f of profile.static_frames) {
      const j = joints.find((x) => x.child === f.child);
      expect(j?.type).toBe("fixed");
      expect(j?.parent).toBe(f.parent);
    }
    expect(joints.filter((j) => j.type === "revolute")).toHaveLength(14);
    expect(urdf).toContain('<mimic joint="right_gripper" multiplier="0.5"');
  });
});

describe("robotUrdf agrees with the world model's /tf", () => {
  it("arm joint origins and the mimicking pad joints reproduce dynamicTransforms", async () => {
    const { createDemo } = await import("../../../nodes/sim/world/index.ts");
    const { mat4FromXyzRpy, poseOf } = await import("../../../nodes/sim/world/rigid.ts");
    const { mat4 } = await import("gl-matrix");
    const profile = loadRigProfile("launch/profiles/reference.yaml");
    const urdf = robotUrdf({ staticFrames: profile.static_frames });
    const d = createDemo({ seed: 9, profile, noise: false });
    const t = 4.7;
    const joints = d.jointsAt(t);
    const value = (name: string) => joints.position[joints.names.indexOf(name)]!;
    const block = (name: string) => {
      const m = new RegExp(`<joint name="${name}" type="[^"]+">([\\s\\S]*?)</joint>`).exec(urdf);
      if (!m) throw new Error(`no joint ${name}`);
      const nums = (attr: string) => new RegExp(`${attr}="([^"]+)"`).exec(m[1]!)![1]!.split(" ").map(Number);
      return { child: /<child link="([^"]+)"/.exec(m[1]!)![1]!, xyz: nums("xyz"), rpy: nums("rpy"), axis: nums("axis xyz"), mimic: /multiplier="([^"]+)"/.exec(m[1]!)?.[1] };
    };
    const tfs = d.transformsAt(t);
    const names = ["right_joint1", "right_joint4", "left_joint7", "right_gripper_left_pad_joint", "right_gripper_right_pad_joint"];
    for (const name of names) {
      const j = block(name);
      const q = j.mimic ? Number(j.mimic) * value("right_gripper") : value(name);
      const m = mat4FromXyzRpy(j.xyz, j.rpy);
      if (j.mimic) mat4.translate(m, m, j.axis.map((a: number) => a * q) as [number, number, number]);
      else mat4.rotate(m, m, q, j.axis as [number, number, number]);
      const urdfPose = poseOf(m);
      const tf = tfs.find((x) => x.child === j.child)!.transform;
      for (let i = 0; i < 3; i++) expect(urdfPose.position[i], `${name} position`).toBeCloseTo(tf.position[i]!, 9);
      const dot = urdfPose.orientation.reduce((s, v, i) => s + v * tf.orientation[i]!, 0);
      expect(Math.abs(dot)).toBeCloseTo(1, 9);
    }
  });
});
