// The renderers on the world model's own scene, with sensors where the reference profile mounts
// them: the fast paths still agree with the reference cast, and the LiDAR still finds the table.
import { describe, expect, it } from "vitest";
import { loadRigProfile } from "../../../nodes/rig/profile.ts";
import { createDemo } from "../../../nodes/sim/world/index.ts";
import { createCameraRenderer, createLidar } from "../../../nodes/sim/render/index.ts";
import { rotate } from "./scene-fixtures.ts";

const profile = loadRigProfile(new URL("../../../launch/profiles/small.yaml", import.meta.url).pathname);
const demo = createDemo({ seed: 3, profile, noise: false });
const camera = (name: string) => profile.cameras.find((c) => c.name === name)!;

describe("renderers on the world model's scene", () => {
  it("cached head and culled wrist renders equal the reference through a demonstration", () => {
    const head = camera("head_camera_color"), wrist = camera("left_wrist_camera");
    const cached = createCameraRenderer(head, { cacheStatic: true });
    const headRef = createCameraRenderer(head, { disableCulling: true });
    const moving = createCameraRenderer(wrist);
    const wristRef = createCameraRenderer(wrist, { disableCulling: true });
    const a = new Uint8Array(head.width * head.height * 3), b = new Uint8Array(a.length);
    const c = new Uint8Array(wrist.width * wrist.height * 3), d = new Uint8Array(c.length);
    for (let f = 0; f <= 8; f++) {
      const t = (f / 8) * demo.duration;
      const scene = demo.sceneAt(t);
      cached.render(scene, demo.framePoseAt(head.optical_frame, t), { rgb: a });
      headRef.render(scene, demo.framePoseAt(head.optical_frame, t), { rgb: b });
      expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
      moving.render(scene, demo.framePoseAt(wrist.optical_frame, t), { rgb: c });
      wristRef.render(scene, demo.framePoseAt(wrist.optical_frame, t), { rgb: d });
      expect(Buffer.from(c).equals(Buffer.from(d))).toBe(true);
    }
  });

  it("LiDAR returns from the table top lie at z = 0 in base_link", () => {
    const lidar = createLidar(profile.lidar!);
    const scan = lidar.createScan();
    const pose = demo.framePoseAt(profile.lidar!.frame, 0);
    lidar.scan(demo.sceneAt(0), pose, 0.2, scan);
    let onTable = 0;
    for (let i = 0; i < scan.x.length; i++) {
      if (Number.isNaN(scan.x[i]!)) continue;
      const r = rotate(pose.orientation, [scan.x[i]!, scan.y[i]!, scan.z[i]!]);
      const z = r[2] + pose.position[2];
      if (Math.abs(z) < 0.01) {
        expect(Math.abs(z)).toBeLessThan(0.001);
        onTable++;
      }
    }
    expect(onTable).toBeGreaterThan(50);
  });
});
