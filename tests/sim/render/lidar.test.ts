// LiDAR points must lie on the surfaces they hit, with ring and time fields a driver would give,
// and the PointCloud2 packing must read back field by field.
import { describe, expect, it } from "vitest";
import { createLidar, LIDAR_POINT_FIELDS, packPointCloud2, POINT_FIELD, type LidarScan } from "../../../nodes/sim/render/index.ts";
import type { Pose, SceneGeometry, Vec3 } from "../../../nodes/sim/types.ts";
import { LIDAR_POSE, representativeScene, rotate, staticPrimitives } from "./scene-fixtures.ts";

const SPEC = { rings: 16, columns: 360, vertical_fov_deg: [-22.5, 22.5] as [number, number], max_range_m: 20 };

function toBase(pose: Pose, p: Vec3): Vec3 {
  const r = rotate(pose.orientation, p);
  return [r[0] + pose.position[0], r[1] + pose.position[1], r[2] + pose.position[2]];
}

function scanOf(scene: SceneGeometry, options: { cacheStatic?: boolean } = {}): LidarScan {
  const lidar = createLidar(SPEC, options);
  const scan = lidar.createScan();
  lidar.scan(scene, LIDAR_POSE, 0.1, scan);
  return scan;
}

describe("lidar", () => {
  it("table returns lie on z = 0 in base_link within 1 mm, and rays that miss are NaN", () => {
    const table = staticPrimitives().filter((p) => p.id === "table");
    const scan = scanOf({ static: table, dynamic: [] });
    let hits = 0, misses = 0;
    for (let i = 0; i < scan.x.length; i++) {
      if (Number.isNaN(scan.x[i]!)) {
        expect(Number.isNaN(scan.y[i]!) && Number.isNaN(scan.z[i]!)).toBe(true);
        expect(scan.intensity[i]).toBe(0);
        misses++;
        continue;
      }
      const p = toBase(LIDAR_POSE, [scan.x[i]!, scan.y[i]!, scan.z[i]!]);
      expect(Math.abs(p[2])).toBeLessThan(0.001);
      expect(Math.abs(p[0] - 0.45)).toBeLessThanOrEqual(0.6 + 1e-3);
      expect(Math.abs(p[1])).toBeLessThanOrEqual(0.9 + 1e-3);
      hits++;
    }
    expect(hits).toBeGreaterThan(200);
    expect(misses).toBeGreaterThan(200);
  });

  it("points on a sphere lie on it, intensity is reflectivity × cos(incidence)", () => {
    const centre: Vec3 = [0.8, 0.1, 0.3];
    const scene: SceneGeometry = { static: [], dynamic: [{ kind: "sphere", id: "ball", center: centre, radius: 0.2, material: { color: [1, 1, 1], intensity: 200 } }] };
    const scan = scanOf(scene);
    let hits = 0;
    for (let i = 0; i < scan.x.length; i++) {
      if (Number.isNaN(scan.x[i]!)) continue;
      const local: Vec3 = [scan.x[i]!, scan.y[i]!, scan.z[i]!];
      const p = toBase(LIDAR_POSE, local);
      const n: Vec3 = [(p[0] - centre[0]) / 0.2, (p[1] - centre[1]) / 0.2, (p[2] - centre[2]) / 0.2];
      expect(Math.abs(Math.hypot(...n) - 1)).toBeLessThan(0.005);
      // Incidence: between the beam (from the sensor to the point) and the outward normal.
      const range = Math.hypot(...local);
      const beam = rotate(LIDAR_POSE.orientation, [local[0] / range, local[1] / range, local[2] / range]);
      const cos = -(beam[0] * n[0] + beam[1] * n[1] + beam[2] * n[2]);
      expect(scan.intensity[i]!).toBeCloseTo(200 * cos, 0);
      hits++;
    }
    expect(hits).toBeGreaterThan(5);
  });

  it("ring and t follow the organized layout: row = ring, t = column / columns × period", () => {
    const scan = scanOf(representativeScene());
    expect(scan.x.length).toBe(SPEC.rings * SPEC.columns);
    for (const r of [0, 7, 15]) {
      for (const c of [0, 1, 180, 359]) {
        const i = r * SPEC.columns + c;
        expect(scan.ring[i]).toBe(r);
        expect(scan.t[i]!).toBeCloseTo((c / SPEC.columns) * 0.1, 6);
      }
    }
    // Ring 0 is the lowest beam: its elevation in the lidar frame is −22.5°.
    const i = 0 * SPEC.columns + 10;
    if (!Number.isNaN(scan.x[i]!)) {
      const el = Math.atan2(scan.z[i]!, Math.hypot(scan.x[i]!, scan.y[i]!));
      expect(el).toBeCloseTo((-22.5 * Math.PI) / 180, 4);
    }
  });

  it("the static cache gives the same sweep as casting everything, and sweeps are deterministic", () => {
    for (const phase of [0, 0.9, 2.1]) {
      const scene = representativeScene(phase);
      const a = scanOf(scene, { cacheStatic: true });
      const b = scanOf(scene, { cacheStatic: false });
      for (const key of ["x", "y", "z", "intensity", "ring", "t"] as const) {
        expect(Buffer.from(a[key].buffer).equals(Buffer.from(b[key].buffer))).toBe(true);
      }
    }
    const lidar = createLidar(SPEC);
    const one = lidar.createScan(), two = lidar.createScan();
    lidar.scan(representativeScene(0), LIDAR_POSE, 0.1, one);
    lidar.scan(representativeScene(1.5), LIDAR_POSE, 0.1, two);
    lidar.scan(representativeScene(0), LIDAR_POSE, 0.1, two);
    expect(Buffer.from(one.x.buffer).equals(Buffer.from(two.x.buffer))).toBe(true);
  });

  it("packs a PointCloud2 that reads back field by field", () => {
    const scan = scanOf(representativeScene(0.4));
    const cloud = packPointCloud2(scan);
    expect(cloud.height).toBe(SPEC.rings);
    expect(cloud.width).toBe(SPEC.columns);
    expect(cloud.point_step).toBe(24);
    expect(cloud.row_step).toBe(24 * SPEC.columns);
    expect(cloud.is_bigendian).toBe(false);
    expect(cloud.is_dense).toBe(false);
    expect(cloud.data.length).toBe(24 * SPEC.rings * SPEC.columns);
    expect(cloud.fields.map((f) => [f.name, f.offset, f.datatype, f.count])).toEqual([
      ["x", 0, POINT_FIELD.FLOAT32, 1],
      ["y", 4, POINT_FIELD.FLOAT32, 1],
      ["z", 8, POINT_FIELD.FLOAT32, 1],
      ["intensity", 12, POINT_FIELD.FLOAT32, 1],
      ["ring", 16, POINT_FIELD.UINT16, 1],
      ["t", 20, POINT_FIELD.FLOAT32, 1],
    ]);
    expect(POINT_FIELD.FLOAT32).toBe(7);
    expect(POINT_FIELD.UINT16).toBe(4);
    const view = new DataView(cloud.data.buffer, cloud.data.byteOffset, cloud.data.byteLength);
    const read = (i: number, name: string): number => {
      const f = LIDAR_POINT_FIELDS.find((x) => x.name === name)!;
      const at = i * cloud.point_step + f.offset;
      return f.datatype === POINT_FIELD.UINT16 ? view.getUint16(at, true) : view.getFloat32(at, true);
    };
    let nan = 0;
    for (let i = 0; i < scan.x.length; i += 7) {
      for (const name of ["x", "y", "z", "intensity", "t"] as const) {
        const want = scan[name][i]!;
        if (Number.isNaN(want)) {
          expect(Number.isNaN(read(i, name))).toBe(true);
          nan++;
        } else expect(read(i, name)).toBe(want);
      }
      expect(read(i, "ring")).toBe(scan.ring[i]);
    }
    expect(nan).toBeGreaterThan(0);
    // Reusing a buffer gives the same bytes.
    const again = packPointCloud2(scan, new Uint8Array(cloud.data.length));
    expect(Buffer.from(again.data).equals(Buffer.from(cloud.data))).toBe(true);
  });
});
