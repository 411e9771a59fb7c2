// A camera must show each world point where K and the plumb_bob model project it, and report
// the true depth along its optical axis.
import { mat4 } from "gl-matrix";
import { describe, expect, it } from "vitest";
import { createCameraRenderer, distort, plumbBobFromD, undistort, type CameraRenderSpec } from "../../../nodes/sim/render/index.ts";
import type { Pose, SceneGeometry, Vec3 } from "../../../nodes/sim/types.ts";
import { HEAD_CAMERA_POSE, rotate, staticPrimitives } from "./scene-fixtures.ts";

const IDENTITY: Pose = { position: [0, 0, 0], orientation: [0, 0, 0, 1] };

const HEAD: CameraRenderSpec = { width: 320, height: 240, fx: 302.1, fy: 301.9, cx: 159.3, cy: 120.65, distortion_model: "plumb_bob", D: [0.082, -0.154, 0.0004, -0.0003, 0.051] };
/** A wide lens with strong barrel distortion, tangential terms included. */
const STRONG: CameraRenderSpec = { width: 320, height: 240, fx: 180, fy: 182, cx: 161.5, cy: 118.2, distortion_model: "plumb_bob", D: [-0.32, 0.12, 0.0015, -0.001, -0.02] };

function project(spec: CameraRenderSpec, p: Vec3): [number, number] {
  const out = new Float64Array(2);
  distort(plumbBobFromD(spec.D), p[0] / p[2], p[1] / p[2], out);
  return [spec.fx * out[0]! + spec.cx, spec.fy * out[1]! + spec.cy];
}

/** Centroid of the pixels with a depth return. */
function centroid(depth: Uint16Array, width: number): [number, number, number] {
  let su = 0, sv = 0, n = 0;
  for (let i = 0; i < depth.length; i++) {
    if (depth[i] === 0) continue;
    su += i % width;
    sv += Math.floor(i / width);
    n++;
  }
  return [su / n, sv / n, n];
}

describe("plumb_bob", () => {
  it("undistort inverts distort to 1e-9 across the image", () => {
    for (const spec of [HEAD, STRONG]) {
      const d = plumbBobFromD(spec.D);
      const xy = new Float64Array(2), back = new Float64Array(2);
      for (const [u, v] of [[0, 0], [spec.width - 1, 0], [17, 203], [spec.cx, spec.cy], [spec.width - 1, spec.height - 1]] as const) {
        const xd = (u - spec.cx) / spec.fx, yd = (v - spec.cy) / spec.fy;
        expect(undistort(d, xd, yd, xy)).toBe(true);
        distort(d, xy[0]!, xy[1]!, back);
        expect(Math.abs(back[0]! - xd)).toBeLessThan(1e-9);
        expect(Math.abs(back[1]! - yd)).toBeLessThan(1e-9);
      }
    }
  });
});

describe("camera projection", () => {
  for (const [name, spec] of [["mild distortion", HEAD], ["strong distortion", STRONG]] as const) {
    it(`a small sphere appears where K and plumb_bob put it (${name})`, () => {
      const cam = createCameraRenderer(spec);
      const depth = new Uint16Array(spec.width * spec.height);
      // Points across the field of view, the far corners included, in the optical frame.
      const targets: Vec3[] = [[0, 0, 1], [0.35, -0.2, 1.2], [-0.5, 0.3, 1.1], [-0.42, -0.33, 0.9], [0.7, 0.45, 1.4]];
      let checked = 0;
      for (const c of targets) {
        const [eu, ev] = project(spec, c);
        if (eu < 4 || ev < 4 || eu > spec.width - 5 || ev > spec.height - 5) continue;
        const scene: SceneGeometry = { static: [], dynamic: [{ kind: "sphere", id: "probe", center: c, radius: 0.006, material: { color: [255, 255, 255], intensity: 100 } }] };
        cam.render(scene, IDENTITY, { depth });
        const [u, v, n] = centroid(depth, spec.width);
        expect(n).toBeGreaterThan(0);
        expect(Math.hypot(u - eu, v - ev)).toBeLessThan(1);
        checked++;
      }
      expect(checked).toBeGreaterThanOrEqual(4);
    });
  }

  it("a sphere moved with the camera pose lands on the same pixel (pose is base_link_T_optical)", () => {
    const cam = createCameraRenderer(HEAD);
    const depth = new Uint16Array(HEAD.width * HEAD.height);
    const local: Vec3 = [0.12, -0.05, 0.8];
    const r = rotate(HEAD_CAMERA_POSE.orientation, local);
    const p = HEAD_CAMERA_POSE.position;
    const world: Vec3 = [p[0] + r[0], p[1] + r[1], p[2] + r[2]];
    cam.render({ static: [], dynamic: [{ kind: "sphere", id: "s", center: world, radius: 0.005, material: { color: [255, 255, 255], intensity: 1 } }] }, HEAD_CAMERA_POSE, { depth });
    const [u, v] = centroid(depth, HEAD.width);
    const [eu, ev] = project(HEAD, local);
    expect(Math.hypot(u - eu, v - ev)).toBeLessThan(1);
  });

  it("depth of the table equals the analytic ray-plane distance along the optical axis (±1 mm)", () => {
    for (const spec of [HEAD, STRONG]) {
      const cam = createCameraRenderer({ ...spec, depth_scale: 0.001 });
      const depth = new Uint16Array(spec.width * spec.height);
      const table = staticPrimitives().filter((p) => p.id === "table");
      cam.render({ static: table, dynamic: [] }, HEAD_CAMERA_POSE, { depth });
      const d = plumbBobFromD(spec.D);
      const xy = new Float64Array(2);
      let checked = 0;
      for (let v = 0; v < spec.height; v += 7) {
        for (let u = 0; u < spec.width; u += 11) {
          if (!undistort(d, (u - spec.cx) / spec.fx, (v - spec.cy) / spec.fy, xy)) continue;
          // Ray (x, y, 1) in the optical frame, into base_link; the table is z = 0 within ±0.6 × ±0.9 around (0.45, 0).
          const dir = rotate(HEAD_CAMERA_POSE.orientation, [xy[0]!, xy[1]!, 1]);
          const o = HEAD_CAMERA_POSE.position;
          const s = -o[2] / dir[2];
          const hx = o[0] + s * dir[0], hy = o[1] + s * dir[1];
          const inside = s > 0 && Math.abs(hx - 0.45) < 0.6 - 1e-3 && Math.abs(hy) < 0.9 - 1e-3;
          const got = depth[v * spec.width + u]!;
          if (!inside) continue;
          // With ray (x, y, 1) the parameter s is the depth along the optical axis itself.
          expect(Math.abs(got - s * 1000)).toBeLessThanOrEqual(1);
          checked++;
        }
      }
      expect(checked).toBeGreaterThan(300);
    }
  });

  it("takes the pose as a gl-matrix mat4 as well as a Pose", () => {
    const q = HEAD_CAMERA_POSE.orientation, t = HEAD_CAMERA_POSE.position;
    const m = mat4.fromRotationTranslation(mat4.create(), q, t);
    const cam = createCameraRenderer(HEAD);
    const a = new Uint16Array(HEAD.width * HEAD.height), b = new Uint16Array(a.length);
    const scene = { static: staticPrimitives(), dynamic: [] };
    cam.render(scene, HEAD_CAMERA_POSE, { depth: a });
    cam.render(scene, m, { depth: b });
    let off = 0;
    for (let i = 0; i < a.length; i++) off = Math.max(off, Math.abs(a[i]! - b[i]!));
    // mat4 is float32: its rounding may move a depth by a millimetre, no more.
    expect(off).toBeLessThanOrEqual(1);
  });

  it("pixels with no return have depth 0 and the background colour", () => {
    const cam = createCameraRenderer(HEAD, { background: [1, 2, 3] });
    const rgb = new Uint8Array(HEAD.width * HEAD.height * 3);
    const depth = new Uint16Array(HEAD.width * HEAD.height).fill(7);
    cam.render({ static: [], dynamic: [] }, IDENTITY, { rgb, depth });
    expect(depth.every((x) => x === 0)).toBe(true);
    expect([rgb[0], rgb[1], rgb[2]]).toEqual([1, 2, 3]);
  });
});
