// A spinning multi-ring LiDAR: one ray per (ring, column), rings evenly spread over the vertical
// field of view, columns evenly over a full turn. The mount is fixed on the robot, so the static
// scene is cast once and each sweep only re-casts the angular windows of the moving primitives.
import type { LidarSpec } from "../../rig/profile.ts";
import type { SceneGeometry } from "../types.ts";
import { CompiledScene, KIND_BOX, KIND_CAPSULE, KIND_PLANE, KIND_SPHERE, MAT_STRIDE, STRIDE } from "./compiled-scene.ts";
import { invertRigid, poseToMatrix, sameMatrix, type SensorPose } from "./pose-matrix.ts";
import { castRect } from "./ray-cast.ts";
import { surfaceAt } from "./surface.ts";

export type LidarRenderSpec = Pick<LidarSpec, "rings" | "columns" | "vertical_fov_deg" | "max_range_m">;

export interface LidarOptions {
  /** Nearest range that returns, metres (the sensor's blind zone). Default 0.1. */
  minRange?: number;
  /** Reuse the static scene between sweeps while the mount pose and static scene stay. Default true. */
  cacheStatic?: boolean;
}

/**
 * One organized sweep, row-major: point (ring, column) is at index ring · columns + column.
 * Ring 0 is the lowest beam; column c looks at azimuth 2π·c/columns, counter-clockwise from +x.
 * Rays without a return within max range have NaN x, y, z and zero intensity.
 */
export interface LidarScan {
  readonly rings: number;
  readonly columns: number;
  /** Point coordinates in the LiDAR frame, metres. */
  readonly x: Float32Array;
  readonly y: Float32Array;
  readonly z: Float32Array;
  /** Material reflectivity (0..255) × cosine of the incidence angle. */
  readonly intensity: Float32Array;
  readonly ring: Uint16Array;
  /** Seconds since the start of the sweep at which this column fired. */
  readonly t: Float32Array;
}

export interface Lidar {
  readonly rings: number;
  readonly columns: number;
  createScan(): LidarScan;
  /** One sweep of `periodS` seconds of the scene seen from base_link_T_lidar. */
  scan(scene: SceneGeometry, baseLinkTLidar: SensorPose, periodS: number, out: LidarScan): void;
}

export function createLidar(spec: LidarRenderSpec, options: LidarOptions = {}): Lidar {
  return new RayCastLidar(spec, options);
}

interface StaticLayer {
  pose: Float64Array;
  key: string;
  nearest: Float32Array;
  ids: Int16Array;
  x: Float32Array;
  y: Float32Array;
  z: Float32Array;
  intensity: Float32Array;
}

class RayCastLidar implements Lidar {
  readonly rings: number;
  readonly columns: number;
  private readonly dirs: Float32Array;
  private readonly ringOf: Uint16Array;
  private readonly elevationLow: number;
  private readonly elevationStep: number;
  private readonly maxRange: number;
  private readonly minRange: number;
  private readonly cacheStatic: boolean;
  private readonly compiled = new CompiledScene();
  private readonly nearest: Float32Array;
  private readonly ids: Int16Array;
  private readonly baseTSensor = new Float64Array(16);
  private readonly sensorTBase = new Float64Array(16);
  private readonly surface = new Float64Array(4);
  private readonly ray = new Float64Array(4);
  private layer: StaticLayer | undefined;

  constructor(spec: LidarRenderSpec, options: LidarOptions) {
    const { rings, columns } = spec;
    if (!(Number.isInteger(rings) && rings > 0 && Number.isInteger(columns) && columns > 0)) {
      throw new Error(`lidar: rings and columns must be positive integers, got ${rings} × ${columns}`);
    }
    this.rings = rings;
    this.columns = columns;
    this.maxRange = spec.max_range_m;
    this.minRange = options.minRange ?? 0.1;
    this.cacheStatic = options.cacheStatic ?? true;
    const [lowDeg, highDeg] = spec.vertical_fov_deg;
    this.elevationLow = (lowDeg * Math.PI) / 180;
    this.elevationStep = rings > 1 ? ((highDeg - lowDeg) * Math.PI) / 180 / (rings - 1) : 0;
    if (rings === 1) this.elevationLow = (((lowDeg + highDeg) / 2) * Math.PI) / 180;
    const n = rings * columns;
    this.dirs = new Float32Array(n * 3);
    this.ringOf = new Uint16Array(n);
    for (let r = 0; r < rings; r++) {
      const el = this.elevationLow + r * this.elevationStep;
      for (let c = 0; c < columns; c++) {
        const az = (2 * Math.PI * c) / columns;
        const i = r * columns + c;
        this.dirs[i * 3] = Math.cos(el) * Math.cos(az);
        this.dirs[i * 3 + 1] = Math.cos(el) * Math.sin(az);
        this.dirs[i * 3 + 2] = Math.sin(el);
        this.ringOf[i] = r;
      }
    }
    this.nearest = new Float32Array(n);
    this.ids = new Int16Array(n);
  }

  createScan(): LidarScan {
    const n = this.rings * this.columns;
    return {
      rings: this.rings,
      columns: this.columns,
      x: new Float32Array(n),
      y: new Float32Array(n),
      z: new Float32Array(n),
      intensity: new Float32Array(n),
      ring: new Uint16Array(n),
      t: new Float32Array(n),
    };
  }

  scan(scene: SceneGeometry, baseLinkTLidar: SensorPose, periodS: number, out: LidarScan): void {
    if (out.rings !== this.rings || out.columns !== this.columns) {
      throw new Error(`lidar: scan buffer is ${out.rings} × ${out.columns}, expected ${this.rings} × ${this.columns}`);
    }
    poseToMatrix(baseLinkTLidar, this.baseTSensor);
    invertRigid(this.baseTSensor, this.sensorTBase);
    const compiled = this.compiled;
    compiled.clear();
    compiled.addAll(scene.static, this.sensorTBase);
    const firstDynamic = compiled.count;
    compiled.addAll(scene.dynamic, this.sensorTBase);

    if (this.cacheStatic) {
      const layer = this.staticLayer(scene, firstDynamic);
      this.nearest.set(layer.nearest);
      this.ids.set(layer.ids);
      out.x.set(layer.x);
      out.y.set(layer.y);
      out.z.set(layer.z);
      out.intensity.set(layer.intensity);
      for (let k = firstDynamic; k < compiled.count; k++) this.castWindow(k);
      this.writePoints(firstDynamic, out.x, out.y, out.z, out.intensity);
    } else {
      this.nearest.fill(this.maxRange);
      this.ids.fill(-1);
      for (let k = 0; k < compiled.count; k++) this.castWindow(k);
      this.writePoints(-1, out.x, out.y, out.z, out.intensity);
    }
    out.ring.set(this.ringOf);
    const columns = this.columns;
    for (let c = 0; c < columns; c++) out.t[c] = (c / columns) * periodS;
    for (let r = 1; r < this.rings; r++) out.t.copyWithin(r * columns, 0, columns);
  }

  private staticLayer(scene: SceneGeometry, staticCount: number): StaticLayer {
    const key = JSON.stringify(scene.static);
    const cached = this.layer;
    if (cached && cached.key === key && sameMatrix(cached.pose, this.baseTSensor)) return cached;
    this.nearest.fill(this.maxRange);
    this.ids.fill(-1);
    for (let k = 0; k < staticCount; k++) this.castWindow(k);
    const n = this.rings * this.columns;
    const layer: StaticLayer = {
      pose: Float64Array.from(this.baseTSensor),
      key,
      nearest: Float32Array.from(this.nearest),
      ids: Int16Array.from(this.ids),
      x: new Float32Array(n),
      y: new Float32Array(n),
      z: new Float32Array(n),
      intensity: new Float32Array(n),
    };
    this.writePoints(-1, layer.x, layer.y, layer.z, layer.intensity);
    this.layer = layer;
    return layer;
  }

  /** Points whose winning primitive index is ≥ minId, from the nearest-hit buffers. */
  private writePoints(minId: number, x: Float32Array, y: Float32Array, z: Float32Array, intensity: Float32Array): void {
    const ids = this.ids, nearest = this.nearest, dirs = this.dirs, mats = this.compiled.mats, s = this.surface, ray = this.ray;
    const n = this.rings * this.columns;
    for (let i = 0; i < n; i++) {
      const k = ids[i]!;
      if (k < minId) continue;
      if (k < 0) {
        x[i] = NaN;
        y[i] = NaN;
        z[i] = NaN;
        intensity[i] = 0;
        continue;
      }
      const t = nearest[i]!;
      const dx = dirs[i * 3]!, dy = dirs[i * 3 + 1]!, dz = dirs[i * 3 + 2]!;
      x[i] = t * dx;
      y[i] = t * dy;
      z[i] = t * dz;
      ray[0] = dx;
      ray[1] = dy;
      ray[2] = dz;
      ray[3] = t;
      surfaceAt(this.compiled, k, ray, s);
      // The normal faces the sensor, so −n·d is the cosine of the incidence angle.
      intensity[i] = mats[k * MAT_STRIDE + 7]! * -(s[0]! * dx + s[1]! * dy + s[2]! * dz);
    }
  }

  /** Casts primitive k over the rings and columns its bounding sphere can reach. */
  private castWindow(k: number): void {
    const p = this.compiled.params;
    const o = k * STRIDE;
    let cx = 0, cy = 0, cz = 0, radius = Infinity;
    switch (this.compiled.kinds[k]) {
      case KIND_PLANE:
        if (p[o + 12] !== Infinity && p[o + 13] !== Infinity) {
          cx = p[o + 14]!; cy = p[o + 15]!; cz = p[o + 16]!;
          radius = Math.hypot(p[o + 12]!, p[o + 13]!);
        }
        break;
      case KIND_SPHERE:
        cx = p[o]!; cy = p[o + 1]!; cz = p[o + 2]!;
        radius = p[o + 3]!;
        break;
      case KIND_CAPSULE:
        cx = p[o]! + p[o + 3]! / 2; cy = p[o + 1]! + p[o + 4]! / 2; cz = p[o + 2]! + p[o + 5]! / 2;
        radius = Math.sqrt(p[o + 7]!) / 2 + p[o + 6]!;
        break;
      case KIND_BOX:
        cx = p[o]!; cy = p[o + 1]!; cz = p[o + 2]!;
        radius = Math.hypot(p[o + 12]!, p[o + 13]!, p[o + 14]!);
        break;
    }
    const columns = this.columns;
    const dist = Math.hypot(cx, cy, cz);
    let r0 = 0, r1 = this.rings;
    let c0 = 0, c1 = columns;
    if (radius !== Infinity && dist > radius) {
      if (dist - radius > this.maxRange) return;
      if (this.elevationStep > 0) {
        // Elevation differs from the centre's by at most the sphere's angular radius.
        const el = Math.asin(cz / dist), half = Math.asin(radius / dist);
        r0 = Math.max(0, Math.floor((el - half - this.elevationLow) / this.elevationStep) - 1);
        r1 = Math.min(this.rings, Math.ceil((el + half - this.elevationLow) / this.elevationStep) + 2);
        if (r0 >= r1) return;
      }
      const rho = Math.hypot(cx, cy);
      if (rho > radius) {
        // Azimuths of the sphere's points: those of its shadow disc in the xy-plane.
        const az = Math.atan2(cy, cx), half = Math.asin(radius / rho);
        const step = (2 * Math.PI) / columns;
        c0 = Math.floor((az - half) / step) - 1;
        c1 = Math.ceil((az + half) / step) + 2;
        if (c1 - c0 >= columns) {
          c0 = 0;
          c1 = columns;
        }
      }
    }
    // The window may wrap past column 0: cast it as two rectangles.
    const start = ((c0 % columns) + columns) % columns;
    const end = start + (c1 - c0);
    if (end <= columns) {
      castRect(this.compiled, k, this.dirs, columns, start, end, r0, r1, this.minRange, this.nearest, this.ids);
    } else {
      castRect(this.compiled, k, this.dirs, columns, start, columns, r0, r1, this.minRange, this.nearest, this.ids);
      castRect(this.compiled, k, this.dirs, columns, 0, end - columns, r0, r1, this.minRange, this.nearest, this.ids);
    }
  }
}
