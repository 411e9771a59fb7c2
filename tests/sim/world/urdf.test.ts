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
