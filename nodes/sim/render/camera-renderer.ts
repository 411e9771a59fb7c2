// A pinhole-plus-plumb_bob camera rendered by ray casting from a precomputed per-pixel ray table.
// Speed comes from casting each primitive only over its conservative screen rectangle and, for
// cameras that do not move, from rendering the static scene once and re-casting only where the
// moving primitives can be.
import type { CameraSpec } from "../../rig/profile.ts";
import type { Rgb, SceneGeometry, Vec3 } from "../types.ts";
import { cameraRays, type CameraIntrinsics, type CameraRays } from "./camera-rays.ts";
import { CompiledScene, KIND_PLANE, MAT_STRIDE, STRIDE } from "./compiled-scene.ts";
import { addImageNoise } from "./noise.ts";
import { invertRigid, poseToMatrix, sameMatrix, type SensorPose } from "./pose-matrix.ts";
import { castRect } from "./ray-cast.ts";
import { fullScreen, screenRect, type PixelRect } from "./screen-bounds.ts";
import { shadeRange, type ShadeInputs } from "./shade.ts";
import { nearestPossibleDistance, TileMaxDepth, TILE } from "./occlusion-tiles.ts";

export type CameraRenderSpec = CameraIntrinsics & Partial<Pick<CameraSpec, "name" | "depth_scale">>;

export interface CameraRenderOptions {
  /**
   * Render the static primitives once and reuse them while the camera pose and the static scene
   * stay the same (head cameras). Output is byte-identical to an uncached render. Default false.
   */
  cacheStatic?: boolean;
  /** Cast every primitive at every pixel: the slow reference path, for tests. Default false. */
  disableCulling?: boolean;
  /** Nearest ray distance that returns, metres. Default 0.01. */
  near?: number;
  /** Farthest ray distance that returns, metres; beyond it the pixel shows background. Default 20. */
  far?: number;
  /** Direction towards the (directional) light in base_link. Default [0.35, 0.25, 1]. */
  lightDirection?: Vec3;
  /** Share of light that is ambient, 0..1. Default 0.35. */
  ambient?: number;
  /** Colour where no ray returns. Default [30, 34, 42]. */
  background?: Rgb;
  /** Uniform per-byte colour noise, deterministic in (seed, frame index). Default none. */
  noise?: { amplitude: number; seed: number };
}

/** Output buffers; pass those wanted. rgb8 is width·height·3 bytes, depth 16UC1 width·height. */
export interface CameraFrameOut {
  rgb?: Uint8Array;
  /** Depth along the optical axis in units of depth_scale metres (default 1 mm); 0 = no return. */
  depth?: Uint16Array;
}

export interface CameraRenderer {
  readonly width: number;
  readonly height: number;
  /**
   * Render the scene seen from base_link_T_optical (REP 104 optical frame: z forward, x right,
   * y down). `frameIndex` only seeds the noise.
   */
  render(scene: SceneGeometry, baseLinkTOptical: SensorPose, out: CameraFrameOut, frameIndex?: number): void;
}

export function createCameraRenderer(spec: CameraRenderSpec, options: CameraRenderOptions = {}): CameraRenderer {
  return new RayCastCamera(spec, options);
}

interface StaticLayer {
  pose: Float64Array;
  key: string;
  nearest: Float32Array;
  ids: Int16Array;
  rgb: Uint8Array;
  depth: Uint16Array;
}

const MAX_PRIMITIVES = 32767;

class RayCastCamera implements CameraRenderer {
  readonly width: number;
  readonly height: number;
  private readonly rays: CameraRays;
  private readonly cacheStatic: boolean;
  private readonly cull: boolean;
  private readonly near: number;
  private readonly zClip: number;
  private readonly depthUnit: number;
  private readonly ambient: number;
  private readonly lightBase: Vec3;
  private readonly background: Rgb;
  private readonly noise: { amplitude: number; seed: number } | undefined;
  private readonly compiled = new CompiledScene();
  /** Starting depth buffer: `far` where a ray exists, 0 where none does (nothing can win). */
  private readonly nearestInit: Float32Array;
  private readonly nearest: Float32Array;
  private readonly ids: Int16Array;
  private readonly spanStart: Int32Array;
  private readonly spanEnd: Int32Array;
  private readonly baseTSensor = new Float64Array(16);
  private readonly sensorTBase = new Float64Array(16);
  private readonly light = new Float64Array(3);
  private readonly shadeInputs: ShadeInputs;
  private readonly tiles: TileMaxDepth;
  private readonly far: number;
  private castOrder = new Int32Array(16);
  private castDistance = new Float64Array(16);
  /** Whether nearest/ids equal the static layer outside the current dirty spans. */
  private workingMatchesLayer = false;
  private readonly rect: PixelRect = { u0: 0, u1: 0, v0: 0, v1: 0 };
  private layer: StaticLayer | undefined;

  constructor(spec: CameraRenderSpec, options: CameraRenderOptions) {
    this.rays = cameraRays(spec);
    this.width = spec.width;
    this.height = spec.height;
    this.cacheStatic = options.cacheStatic ?? false;
    this.cull = !(options.disableCulling ?? false);
    this.near = options.near ?? 0.01;
    // Any hit beyond `near` along a ray has depth at least near · (smallest ray z).
    this.zClip = this.near * this.rays.minDirZ * 0.999;
    this.depthUnit = spec.depth_scale ?? 0.001;
    this.ambient = options.ambient ?? 0.35;
    const l = options.lightDirection ?? [0.35, 0.25, 1];
    const ln = Math.hypot(l[0], l[1], l[2]);
    this.lightBase = [l[0] / ln, l[1] / ln, l[2] / ln];
    this.background = options.background ?? [30, 34, 42];
    this.noise = options.noise;
    if (this.noise && !(this.noise.amplitude >= 0 && this.noise.amplitude <= 127)) {
      throw new Error(`camera renderer: noise amplitude must be within 0..127, got ${this.noise.amplitude}`);
    }
    const n = this.width * this.height;
    const far = options.far ?? 20;
    this.nearestInit = new Float32Array(n);
    for (let i = 0; i < n; i++) this.nearestInit[i] = this.rays.valid[i] ? far : 0;
    this.nearest = new Float32Array(n);
    this.ids = new Int16Array(n);
    this.spanStart = new Int32Array(this.height);
    this.spanEnd = new Int32Array(this.height);
    this.far = far;
    this.tiles = new TileMaxDepth(this.width, this.height);
    this.shadeInputs = {
      ids: this.ids,
      nearest: this.nearest,
      dirs: this.rays.dirs,
      compiled: this.compiled,
      planeColours: new Float64Array(16 * 6),
      light: this.light,
      ambient: this.ambient,
      background: this.background,
      depthPerMetre: 1 / this.depthUnit,
      ray: new Float64Array(4),
      surface: new Float64Array(4),
    };
  }

  render(scene: SceneGeometry, baseLinkTOptical: SensorPose, out: CameraFrameOut, frameIndex = 0): void {
    const n = this.width * this.height;
    if (out.rgb && out.rgb.length !== n * 3) throw new Error(`camera renderer: rgb buffer has ${out.rgb.length} bytes, expected ${n * 3}`);
    if (out.depth && out.depth.length !== n) throw new Error(`camera renderer: depth buffer has ${out.depth.length} elements, expected ${n}`);
    if (scene.static.length + scene.dynamic.length > MAX_PRIMITIVES) throw new Error(`camera renderer: more than ${MAX_PRIMITIVES} primitives`);

    poseToMatrix(baseLinkTOptical, this.baseTSensor);
    invertRigid(this.baseTSensor, this.sensorTBase);
    const m = this.sensorTBase;
    const lb = this.lightBase;
    for (let r = 0; r < 3; r++) this.light[r] = m[r]! * lb[0] + m[r + 4]! * lb[1] + m[r + 8]! * lb[2];
    const compiled = this.compiled;
    compiled.clear();
    compiled.addAll(scene.static, m);
    const firstDynamic = compiled.count;
    compiled.addAll(scene.dynamic, m);
    this.preparePlaneColours();

    if (this.cacheStatic) this.renderOverStaticLayer(scene, firstDynamic, out);
    else {
      this.nearest.set(this.nearestInit);
      this.ids.fill(-1);
      if (this.cull) this.castNearestFirst();
      else for (let k = 0; k < compiled.count; k++) this.castCulled(k);
      this.shade(0, n, -1, out.rgb, out.depth);
    }
    if (out.rgb && this.noise) addImageNoise(out.rgb, this.noise.amplitude, this.noise.seed, frameIndex);
  }

  /**
   * Static cameras: start from the static layer and re-cast only the moving primitives inside
   * their screen rectangles. The working depth/id buffers equal the layer outside the previous
   * frame's dirty spans, so only those are restored, not the whole image.
   */
  private renderOverStaticLayer(scene: SceneGeometry, firstDynamic: number, out: CameraFrameOut): void {
    const layer = this.staticLayer(scene, firstDynamic);
    const w = this.width;
    const start = this.spanStart, end = this.spanEnd;
    if (this.workingMatchesLayer) {
      for (let v = 0; v < this.height; v++) {
        if (start[v]! >= end[v]!) continue;
        const a = v * w + start[v]!, b = v * w + end[v]!;
        this.nearest.set(layer.nearest.subarray(a, b), a);
        this.ids.set(layer.ids.subarray(a, b), a);
      }
    } else {
      this.nearest.set(layer.nearest);
      this.ids.set(layer.ids);
      this.workingMatchesLayer = true;
    }
    if (out.rgb) out.rgb.set(layer.rgb);
    if (out.depth) out.depth.set(layer.depth);
    start.fill(w);
    end.fill(0);
    const compiled = this.compiled;
    for (let k = firstDynamic; k < compiled.count; k++) {
      if (!this.castCulled(k)) continue;
      const { u0, u1, v0, v1 } = this.rect;
      for (let v = v0; v < v1; v++) {
        if (u0 < start[v]!) start[v] = u0;
        if (u1 > end[v]!) end[v] = u1;
      }
    }
    // Only pixels a moving primitive won need shading; the rest already hold the static layer.
    for (let v = 0; v < this.height; v++) {
      if (start[v]! >= end[v]!) continue;
      this.shade(v * w + start[v]!, v * w + end[v]!, firstDynamic, out.rgb, out.depth);
    }
  }

  /** The static layer for this pose and static scene, rebuilt when either changed. */
  private staticLayer(scene: SceneGeometry, staticCount: number): StaticLayer {
    const key = JSON.stringify(scene.static);
    const cached = this.layer;
    if (cached && cached.key === key && sameMatrix(cached.pose, this.baseTSensor)) return cached;
    const n = this.width * this.height;
    this.nearest.set(this.nearestInit);
    this.ids.fill(-1);
    for (let k = 0; k < staticCount; k++) this.castCulled(k);
    const layer: StaticLayer = {
      pose: Float64Array.from(this.baseTSensor),
      key,
      nearest: Float32Array.from(this.nearest),
      ids: Int16Array.from(this.ids),
      rgb: new Uint8Array(n * 3),
      depth: new Uint16Array(n),
    };
    this.shade(0, n, -1, layer.rgb, layer.depth);
    this.layer = layer;
    this.workingMatchesLayer = true;
    this.spanStart.fill(this.width);
    this.spanEnd.fill(0);
    return layer;
  }

  /**
   * Moving cameras: cast primitives nearest-first so that near surfaces (the table under a wrist
   * camera) fill the depth buffer early and far ones (floor, walls) skip whole occluded tiles.
   * Only exact float ties can resolve differently from index order, which is what the static
   * layer and the unculled reference use.
   */
  private castNearestFirst(): void {
    const compiled = this.compiled;
    const count = compiled.count;
    if (this.castOrder.length < count) {
      this.castOrder = new Int32Array(compiled.kinds.length);
      this.castDistance = new Float64Array(compiled.kinds.length);
    }
    const order = this.castOrder, dist = this.castDistance;
    for (let k = 0; k < count; k++) {
      order[k] = k;
      dist[k] = nearestPossibleDistance(compiled, k);
    }
    // Insertion sort: tens of primitives, and stable, so equal distances keep index order.
    for (let a = 1; a < count; a++) {
      const k = order[a]!, d = dist[k]!;
      let b = a - 1;
      while (b >= 0 && dist[order[b]!]! > d) {
        order[b + 1] = order[b]!;
        b--;
      }
      order[b + 1] = k;
    }
    this.tiles.resetTo(this.far);
    for (let a = 0; a < count; a++) {
      const k = order[a]!;
      if (!screenRect(compiled, k, this.rays, this.zClip, this.rect)) continue;
      const { u0, u1, v0, v1 } = this.rect;
      this.castUnoccludedTiles(k, dist[k]!, u0, u1, v0, v1);
      this.tiles.invalidate(u0, u1, v0, v1);
    }
  }

  /** Casts k over the rectangle, skipping tiles already nearer everywhere than k can be. */
  private castUnoccludedTiles(k: number, minDistance: number, u0: number, u1: number, v0: number, v1: number): void {
    const w = this.width, dirs = this.rays.dirs;
    if (!(minDistance > this.near)) {
      castRect(this.compiled, k, dirs, w, u0, u1, v0, v1, this.near, this.nearest, this.ids);
      return;
    }
    const tx0 = (u0 / TILE) | 0, tx1 = ((u1 - 1) / TILE) | 0;
    for (let ty = (v0 / TILE) | 0, ty1 = ((v1 - 1) / TILE) | 0; ty <= ty1; ty++) {
      const a = Math.max(v0, ty * TILE), b = Math.min(v1, ty * TILE + TILE);
      let runStart = -1;
      for (let tx = tx0; tx <= tx1 + 1; tx++) {
        const open = tx <= tx1 && !(this.tiles.tileMax(tx, ty, this.nearest) < minDistance);
        if (open && runStart < 0) runStart = tx;
        if (!open && runStart >= 0) {
          const c0 = Math.max(u0, runStart * TILE), c1 = Math.min(u1, tx * TILE);
          castRect(this.compiled, k, dirs, w, c0, c1, a, b, this.near, this.nearest, this.ids);
          runStart = -1;
        }
      }
    }
  }

  /** Casts primitive k over its screen rectangle (left in this.rect); false when off screen. */
  private castCulled(k: number): boolean {
    const visible = this.cull ? screenRect(this.compiled, k, this.rays, this.zClip, this.rect) : fullScreen(this.rays, this.rect);
    if (!visible) return false;
    const { u0, u1, v0, v1 } = this.rect;
    castRect(this.compiled, k, this.rays.dirs, this.width, u0, u1, v0, v1, this.near, this.nearest, this.ids);
    return true;
  }

  /**
   * A plane's normal is constant and the camera sits on one side of it, so its Lambert factor is
   * one number per frame: both checker colours are shaded here once, not per pixel.
   */
  private preparePlaneColours(): void {
    const c = this.compiled;
    if (this.shadeInputs.planeColours.length < c.count * 6) this.shadeInputs.planeColours = new Float64Array(c.kinds.length * 6);
    const pc = this.shadeInputs.planeColours;
    const lx = this.light[0]!, ly = this.light[1]!, lz = this.light[2]!;
    for (let k = 0; k < c.count; k++) {
      if (c.kinds[k] !== KIND_PLANE) continue;
      const o = k * STRIDE;
      // Facing the camera (at the origin): n when n·p < 0, else −n.
      const side = c.params[o + 3]! < 0 ? 1 : -1;
      const lambert = side * (c.params[o]! * lx + c.params[o + 1]! * ly + c.params[o + 2]! * lz);
      const f = this.ambient + (lambert > 0 ? (1 - this.ambient) * lambert : 0);
      for (let ch = 0; ch < 6; ch++) pc[k * 6 + ch] = Math.floor(c.mats[k * MAT_STRIDE + ch]! * f + 0.5);
    }
  }

  private shade(i0: number, i1: number, minId: number, rgb: Uint8Array | undefined, depth: Uint16Array | undefined): void {
    shadeRange(this.shadeInputs, i0, i1, minId, rgb, depth);
  }
}
