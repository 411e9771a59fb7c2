import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parse as parseYaml } from "yaml";
import { describe, expect, it } from "vitest";
import { makeTransform, transformPoint } from "../../calibration/math/rigid.ts";
import { rpyToQuat } from "../../calibration/math/so3.ts";
import { calibrationFromRigData, type RigData } from "../../calibration/model/from-rig.ts";
import { FrameLookupError, FrameTreeError, TransformTree } from "../../calibration/model/transform-tree.ts";
import type { StaticTransform } from "../../calibration/model/types.ts";
import { REPO_ROOT } from "../support/fixtures.ts";

const H = Math.PI / 2;

function edge(parent: string, child: string, xyz: [number, number, number], rpy: [number, number, number]): StaticTransform {
  return { parent, child, ...makeTransform(xyz, rpyToQuat(...rpy)) };
}

function expectVec(a: ArrayLike<number>, b: readonly number[], digits = 12): void {
  b.forEach((v, i) => expect(a[i]).toBeCloseTo(v, digits));
}

describe("TransformTree", () => {
  // base → a: 1 m along x, yawed 90°; a → b: 2 m along a's y; base → c: 0.5 m up.
  const tree = new TransformTree([
    edge("base", "a", [1, 0, 0], [0, 0, H]),
    edge("a", "b", [0, 2, 0], [0, 0, 0]),
    edge("base", "c", [0, 0, 0.5], [H, 0, 0]),
    edge("flange", "tool", [0, 0, 0.1], [0, 0, 0]),
  ]);

  it("composes down a chain (hand-computed)", () => {
    // b's origin: base_T_a · (0, 2, 0) = Rz(90°)(0, 2, 0) + (1, 0, 0) = (−1, 0, 0).
    const baseTb = tree.lookup("base", "b");
    expectVec(baseTb.translation, [-1, 0, 0]);
    expectVec(transformPoint(baseTb, [1, 0, 0]), [-1, 1, 0]);
  });

  it("inverts (target above source)", () => {
    // base's origin seen from b: the vector (1, 0, 0)_base is −y in b.
    const bTbase = tree.lookup("b", "base");
    expectVec(bTbase.translation, [0, -1, 0]);
  });

  it("goes up and down across branches", () => {
    // c is rolled 90° about x at (0, 0, 0.5): c's y axis is base's z.
    const cTb = tree.lookup("c", "b");
    // b's origin (−1, 0, 0) in base → relative to c: (−1, 0, −0.5) → rolled back by −90° about x: (−1, −0.5, 0).
    expectVec(cTb.translation, [-1, -0.5, 0]);
    expectVec(transformPoint(tree.lookup("base", "c"), transformPoint(cTb, [0.2, 0.3, 0.4])), transformPoint(tree.lookup("base", "b"), [0.2, 0.3, 0.4]));
  });

  it("lists frames not reachable from the root and explains failed lookups", () => {
    expect(tree.unreachableFrom("base")).toEqual(["flange", "tool"]);
    expect(tree.roots).toEqual(["base", "flange"]);
    expect(tree.canTransform("base", "tool")).toBe(false);
    expect(() => tree.lookup("base", "tool")).toThrow(FrameLookupError);
    expect(() => tree.lookup("base", "tool")).toThrow(/tool hangs from flange.*base hangs from base|base hangs from base and tool from flange/);
    expect(() => tree.lookup("base", "nowhere")).toThrow(/unknown frame "nowhere"/);
    expect(tree.lookup("x", "x").translation[0]).toBe(0);
  });

  it("rejects two parents, cycles and self-links", () => {
    expect(() => new TransformTree([edge("a", "b", [0, 0, 0], [0, 0, 0]), edge("c", "b", [0, 0, 0], [0, 0, 0])])).toThrow(/two parents/);
    expect(() => new TransformTree([edge("a", "b", [0, 0, 0], [0, 0, 0]), edge("b", "a", [0, 0, 0], [0, 0, 0])])).toThrow(FrameTreeError);
    expect(() => new TransformTree([edge("a", "a", [0, 0, 0], [0, 0, 0])])).toThrow(/itself/);
  });
});

describe("calibrationFromRigData", () => {
  const profile = parseYaml(readFileSync(resolve(REPO_ROOT, "launch/profiles/reference.yaml"), "utf8")) as RigData;
  const cal = calibrationFromRigData(profile, { created: "2025-01-01T00:00:00Z" });

  it("takes cameras and static frames from the reference rig profile", () => {
    expect(cal.cameras.map((c) => c.name)).toContain("head_camera_color");
    const head = cal.cameras.find((c) => c.name === "head_camera_color")!;
    expect(head.K).toEqual([604.2, 0, 318.6, 0, 603.8, 241.3, 0, 0, 1]);
    expect(head.P).toEqual([604.2, 0, 318.6, 0, 0, 603.8, 241.3, 0, 0, 0, 1, 0]);
    expect(head.frame).toBe("head_camera_color_optical_frame");
    expect(cal.provenance.method).toBe("rig-profile");
  });

  it("puts the optical frame where REP 103/104 say it is", () => {
    const tree = new TransformTree(cal.extrinsics);
    // Optical z looks along the camera link's x axis.
    const linkTopt = tree.lookup("head_camera_link", "head_camera_color_optical_frame");
    expectVec(transformPoint(linkTopt, [0, 0, 1]), [1, 0, 0]);
    expectVec(transformPoint(linkTopt, [1, 0, 0]), [0, -1, 0]);
    expectVec(transformPoint(linkTopt, [0, 1, 0]), [0, 0, -1]);
    // Head camera pitched 0.9 rad down at (−0.15, 0, 0.75): a point 1 m ahead of the lens.
    const p = transformPoint(tree.lookup("base_link", "head_camera_color_optical_frame"), [0, 0, 1]);
    expectVec(p, [-0.15 + Math.cos(0.9), 0, 0.75 - Math.sin(0.9)]);
    // Wrist cameras hang from the flanges, which only /tf connects to base_link.
    expect(tree.unreachableFrom("base_link")).toContain("left_wrist_camera_optical_frame");
  });
});
