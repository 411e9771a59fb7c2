// The fast paths must not change a single byte: the static-layer cache and the culled,
// nearest-first cast against the slow reference that casts every primitive at every pixel.
import { describe, expect, it } from "vitest";
import { createCameraRenderer, type CameraRenderSpec } from "../../../nodes/sim/render/index.ts";
import { HEAD_CAMERA_POSE, representativeScene, wristCameraPose } from "./scene-fixtures.ts";

const HEAD: CameraRenderSpec = { width: 320, height: 240, fx: 302.1, fy: 301.9, cx: 159.3, cy: 120.65, distortion_model: "plumb_bob", D: [0.082, -0.154, 0.0004, -0.0003, 0.051], depth_scale: 0.001 };
const WRIST: CameraRenderSpec = { width: 320, height: 240, fx: 194.25, fy: 194.05, cx: 160.6, cy: 119.35, distortion_model: "plumb_bob", D: [-0.046, 0.032, 0.0002, 0.0001, -0.006] };

function frame(spec: CameraRenderSpec): { rgb: Uint8Array; depth: Uint16Array } {
  return { rgb: new Uint8Array(spec.width * spec.height * 3), depth: new Uint16Array(spec.width * spec.height) };
}

function differingPixels(a: Uint8Array, b: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) n++;
  return n;
}

describe("camera fast paths", () => {
  it("the head-camera static cache is byte-identical to the uncached, unculled render, frame after frame", () => {
    const cached = createCameraRenderer(HEAD, { cacheStatic: true });
    const reference = createCameraRenderer(HEAD, { cacheStatic: false, disableCulling: true });
    const a = frame(HEAD), b = frame(HEAD);
    for (let i = 0; i < 6; i++) {
      const scene = representativeScene(i * 0.4);
      cached.render(scene, HEAD_CAMERA_POSE, a);
      reference.render(scene, HEAD_CAMERA_POSE, b);
      expect(differingPixels(a.rgb, b.rgb)).toBe(0);
      expect(Buffer.from(a.depth.buffer).equals(Buffer.from(b.depth.buffer))).toBe(true);
    }
    // Moving arms actually change the image between frames (the cache is not just replaying).
    cached.render(representativeScene(0), HEAD_CAMERA_POSE, a);
    cached.render(representativeScene(1.2), HEAD_CAMERA_POSE, b);
    expect(differingPixels(a.rgb, b.rgb)).toBeGreaterThan(100);
  });

  it("the cache follows a changed pose or static scene", () => {
    const cached = createCameraRenderer(HEAD, { cacheStatic: true });
    const reference = createCameraRenderer(HEAD, { disableCulling: true });
    const a = frame(HEAD), b = frame(HEAD);
    const scene = representativeScene(0.3);
    cached.render(scene, HEAD_CAMERA_POSE, a);
    const moved = { ...HEAD_CAMERA_POSE, position: [-0.1, 0.02, 0.7] as [number, number, number] };
    cached.render(scene, moved, a);
    reference.render(scene, moved, b);
    expect(differingPixels(a.rgb, b.rgb)).toBe(0);
    const fewerWalls = { static: scene.static.filter((p) => p.id !== "wall_front"), dynamic: scene.dynamic };
    cached.render(fewerWalls, moved, a);
    reference.render(fewerWalls, moved, b);
    expect(differingPixels(a.rgb, b.rgb)).toBe(0);
  });

  it("a moving wrist camera's culled nearest-first render matches the reference", () => {
    const fast = createCameraRenderer(WRIST);
    const reference = createCameraRenderer(WRIST, { disableCulling: true });
    const a = frame(WRIST), b = frame(WRIST);
    for (let i = 0; i < 5; i++) {
      const scene = representativeScene(i * 0.5);
      fast.render(scene, wristCameraPose(i % 2 ? 1 : -1, i), a);
      reference.render(scene, wristCameraPose(i % 2 ? 1 : -1, i), b);
      // Only exact float ties between two surfaces may resolve differently; there are none here.
      expect(differingPixels(a.rgb, b.rgb)).toBe(0);
      expect(Buffer.from(a.depth.buffer).equals(Buffer.from(b.depth.buffer))).toBe(true);
    }
  });

  it("a moving camera's colour-only render (no depth buffer wanted) matches the reference", () => {
    const fast = createCameraRenderer(WRIST);
    const reference = createCameraRenderer(WRIST, { disableCulling: true });
    const a = new Uint8Array(WRIST.width * WRIST.height * 3), b = new Uint8Array(a.length);
    for (let i = 0; i < 6; i++) {
      const scene = representativeScene(i * 0.45);
      const pose = wristCameraPose(i % 2 ? 1 : -1, i * 0.7);
      fast.render(scene, pose, { rgb: a });
      reference.render(scene, pose, { rgb: b });
      expect(differingPixels(a, b)).toBe(0);
    }
  });

  it("is deterministic, and its noise depends only on seed and frame index", () => {
    const scene = representativeScene(0.7);
    const a = frame(WRIST), b = frame(WRIST), c = frame(WRIST);
    createCameraRenderer(WRIST, { noise: { amplitude: 3, seed: 42 } }).render(scene, wristCameraPose(1), a, 5);
    createCameraRenderer(WRIST, { noise: { amplitude: 3, seed: 42 } }).render(scene, wristCameraPose(1), b, 5);
    createCameraRenderer(WRIST, { noise: { amplitude: 3, seed: 42 } }).render(scene, wristCameraPose(1), c, 6);
    expect(differingPixels(a.rgb, b.rgb)).toBe(0);
    const changed = differingPixels(a.rgb, c.rgb);
    expect(changed).toBeGreaterThan(a.rgb.length / 2);
    const clean = frame(WRIST);
    createCameraRenderer(WRIST).render(scene, wristCameraPose(1), clean);
    let maxDelta = 0;
    for (let i = 0; i < clean.rgb.length; i++) maxDelta = Math.max(maxDelta, Math.abs(clean.rgb[i]! - a.rgb[i]!));
    expect(maxDelta).toBeLessThanOrEqual(3);
  });

  it("rejects output buffers of the wrong size", () => {
    const cam = createCameraRenderer(WRIST);
    expect(() => cam.render(representativeScene(), wristCameraPose(1), { rgb: new Uint8Array(10) })).toThrow(/rgb buffer/);
  });
});
