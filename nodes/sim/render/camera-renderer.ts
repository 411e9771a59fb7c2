// A pinhole-plus-plumb_bob camera rendered by ray casting from a precomputed per-pixel ray table.
// Speed comes from casting each primitive only over its conservative screen rectangle and, for
// cameras that do not move, from rendering the static scene once and re-casting only where the
// moving primitives can be.
import type { CameraSpec } from "../../rig/profile.ts";
import type { Rgb, SceneGeometry, Vec3 } from "../types.ts";
import { cameraRays, type CameraIntrinsics, type CameraRays } from "./camera-rays.ts";
import { CompiledScene, KIND_BOX, KIND_CAPSULE, KIND_PLANE, MAT_STRIDE, STRIDE } from "./compiled-scene.ts";
import { ImageNoise } from "./noise.ts";
import { invertRigid, poseToMatrix, type SensorPose } from "./pose-matrix.ts";
import { DirtyRects, RowIntervals } from "./dirty-rects.ts";
import { castAndShadePlane, planeInteriorTiles } from "./plane-fast-path.ts";
import { castRect } from "./ray-cast.ts";
import { capsulePieceRect, fullScreen, rowSpans, screenRect, type PixelRect } from "./screen-bounds.ts";
import { shadeRange, type ShadeInputs } from "./shade.ts";
import { liesBehindPlane, nearestPossibleDistance, outsidePlanePyramid, TileMaxDepth, TILE } from "./occlusion-tiles.ts";

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
  /** Uniform per-byte colour noise (integer amplitude ≤ 127), deterministic in (seed, frame index). Default none. */
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
  /** What the layer was made from: the static primitives in the sensor frame, and the light. */
  count: number;
  kinds: Uint8Array;
  params: Float64Array;
  mats: Float64Array;
  light: Float64Array;
  nearest: Float32Array;
  ids: Int16Array;
  rgb: Uint8Array;
  depth: Uint16Array;
}

const MAX_PRIMITIVES = 32767;
/** Capsules whose screen rectangle exceeds this many pixels are cast piecewise. */
const CAPSULE_SPLIT_AREA = 64 * 64;
const CAPSULE_PIECES = 4;

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
  private readonly noise: ImageNoise | undefined;
  private readonly compiled = new CompiledScene();
  /** Starting depth buffer: `far` where a ray exists, 0 where none does (nothing can win). */
  private readonly nearestInit: Float32Array;
  private readonly nearestPair: Float32Array;
  private readonly idsPair: Int16Array;
  private readonly nearest: Float32Array;
  private readonly ids: Int16Array;
  /** Row intervals the moving primitives were cast over in the last frame (static layer). */
  private readonly dirtyRows: RowIntervals;
  private readonly baseTSensor = new Float64Array(16);
  private readonly sensorTBase = new Float64Array(16);
  private readonly light = new Float64Array(3);
  private readonly shadeInputs: ShadeInputs;
  private readonly tiles: TileMaxDepth;
  private readonly far: number;
  private castOrder = new Int32Array(16);
  /** Per (primitive, plane) pair this frame: 0 unknown, 1 lies behind the plane, 2 does not. */
  private behind = new Uint8Array(0);
  private castDistance = new Float64Array(16);
  private readonly rect: PixelRect = { u0: 0, u1: 0, v0: 0, v1: 0 };
  private readonly cover = new Int32Array(4 * CAPSULE_PIECES);
  private readonly coverBox = new Int32Array(4);
  private readonly pieceUnion = new DirtyRects();
  /** Per tile, for the moving camera's main plane: every ray hits it inside its extents. */
  private readonly planeInterior: Uint8Array;
  /** Per tile: some ray there misses the main plane (so what lies behind it may show). */
  private readonly planeMiss: Uint8Array;
  /** Per tile: a primitive other than the main plane was cast over part of it this frame. */
  private readonly touched: Uint8Array;
  /** Per tile: every pixel has a ray. */
  private readonly tileAllValid: Uint8Array;
  /** Per primitive this frame: 1 when it lies wholly behind the main plane. */
  private behindMain = new Uint8Array(16);
  private readonly mainRect = new Int32Array(4);
  /** Row spans [start, end) of the primitive being cast, per pixel row. */
  private readonly spanStart: Int32Array;
  /** Per tile column, the range of x/z over its pixels. */
  private readonly tileMinX: Float64Array;
  private readonly tileMaxX: Float64Array;
  private readonly spanEnd: Int32Array;
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
    this.noise = options.noise ? new ImageNoise(options.noise.amplitude, options.noise.seed, this.width * 3) : undefined;
    const n = this.width * this.height;
    const far = options.far ?? 20;
    this.nearestInit = new Float32Array(n);
    for (let i = 0; i < n; i++) this.nearestInit[i] = this.rays.valid[i] ? far : 0;
    // Working buffers in the first half; the static layer's copy (cached cameras) in the second.
    this.nearestPair = new Float32Array(this.cacheStatic ? 2 * n : n);
    this.idsPair = new Int16Array(this.cacheStatic ? 2 * n : n);
    this.nearest = this.nearestPair.subarray(0, n);
    this.ids = this.idsPair.subarray(0, n);
    this.far = far;
    this.compiled.boxFaces = new Uint8Array(n);
    this.tiles = new TileMaxDepth(this.width, this.height);
    this.planeInterior = new Uint8Array(this.tiles.tilesX * this.tiles.tilesY);
    this.planeMiss = new Uint8Array(this.tiles.tilesX * this.tiles.tilesY);
    this.touched = new Uint8Array(this.tiles.tilesX * this.tiles.tilesY);
    this.spanStart = new Int32Array(this.height);
    this.dirtyRows = new RowIntervals(this.height);
    this.tileMinX = new Float64Array(this.tiles.tilesX).fill(Infinity);
    this.tileMaxX = new Float64Array(this.tiles.tilesX).fill(-Infinity);
    for (let u = 0; u < this.width; u++) {
      const tx = (u / TILE) | 0;
      this.tileMinX[tx] = Math.min(this.tileMinX[tx]!, this.rays.colMinX[u]!);
      this.tileMaxX[tx] = Math.max(this.tileMaxX[tx]!, this.rays.colMaxX[u]!);
    }
    this.spanEnd = new Int32Array(this.height);
    this.tileAllValid = new Uint8Array(this.tiles.tilesX * this.tiles.tilesY).fill(1);
    for (let i = 0; i < n; i++) {
      if (this.rays.valid[i] === 0) this.tileAllValid[((i / this.width / TILE) | 0) * this.tiles.tilesX + (((i % this.width) / TILE) | 0)] = 0;
    }
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
      boxColours: new Float64Array(36),
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
      if (this.cull) this.renderMoving(out);
      else {
        for (let k = 0; k < compiled.count; k++) this.castCulled(k);
        this.shade(0, n, -1, out.rgb, out.depth);
      }
    }
    if (out.rgb && this.noise) this.noise.apply(out.rgb, frameIndex);
  }

  /**
   * Static cameras: start from the static layer and re-cast only the moving primitives inside
   * their screen rectangles. The working depth/id buffers equal the layer outside the previous
   * frame's rectangles, so only those are restored, not the whole image.
   */
  private renderOverStaticLayer(scene: SceneGeometry, firstDynamic: number, out: CameraFrameOut): void {
    const layer = this.staticLayer(scene, firstDynamic);
    const w = this.width;
    const dirty = this.dirtyRows;
    // The layer lives in the second half of the same buffers: copyWithin restores without
    // allocating a view per interval. (A rebuilt layer leaves the working half equal to it and
    // the interval sets empty.)
    const n = w * this.height;
    for (let v = 0; v < this.height; v++) {
      for (let q = 0, count = dirty.row(v); q < count; q++) {
        const a = v * w + dirty.intervalStart(q), b = v * w + dirty.intervalEnd(q);
        this.nearestPair.copyWithin(a, n + a, n + b);
        this.idsPair.copyWithin(a, n + a, n + b);
      }
    }
    if (out.rgb) out.rgb.set(layer.rgb);
    if (out.depth) out.depth.set(layer.depth);
    dirty.clear();
    const compiled = this.compiled, dirs = this.rays.dirs;
    for (let k = firstDynamic; k < compiled.count; k++) {
      const kind = compiled.kinds[k];
      if ((kind === KIND_BOX || kind === KIND_CAPSULE) && screenRect(compiled, k, this.rays, this.zClip, this.rect)) {
        if (rowSpans(compiled, k, this.rays, this.zClip, this.rect, this.spanStart, this.spanEnd)) {
          // Over the silhouette's rows only.
          for (let v = this.rect.v0; v < this.rect.v1; v++) {
            const a = this.spanStart[v]!, b = this.spanEnd[v]!;
            if (b <= a) continue;
            dirty.add(v, a, b);
            castRect(compiled, k, dirs, w, a, b, v, v + 1, this.near, this.nearest, this.ids);
          }
          continue;
        }
      }
      const pieces = this.coverOf(k);
      for (let q = 0; q < pieces; q++) {
        for (let v = this.cover[q * 4 + 2]!; v < this.cover[q * 4 + 3]!; v++) dirty.add(v, this.cover[q * 4]!, this.cover[q * 4 + 1]!);
      }
      this.castCover(k, pieces);
    }
    // Only pixels a moving primitive won need shading; the rest already hold the static layer.
    for (let v = 0; v < this.height; v++) {
      for (let q = 0, count = dirty.row(v); q < count; q++) {
        this.shade(v * w + dirty.intervalStart(q), v * w + dirty.intervalEnd(q), firstDynamic, out.rgb, out.depth);
      }
    }
  }

  /** The static layer for this pose and static scene, rebuilt when either changed. */
  private staticLayer(scene: SceneGeometry, staticCount: number): StaticLayer {
    // The layer depends only on the compiled static primitives (already in the sensor frame, so
    // the pose is in them) and the light: equal numbers, equal layer. No string keys per frame.
    const cached = this.layer;
    if (cached && this.sameStatic(cached, staticCount)) return cached;
    const c = this.compiled;
    const n = this.width * this.height;
    this.nearest.set(this.nearestInit);
    this.ids.fill(-1);
    for (let k = 0; k < staticCount; k++) this.castCulled(k);
    const layerNearest = this.nearestPair.subarray(n, 2 * n);
    const layerIds = this.idsPair.subarray(n, 2 * n);
    layerNearest.set(this.nearest);
    layerIds.set(this.ids);
    const layer: StaticLayer = {
      count: staticCount,
      kinds: c.kinds.slice(0, staticCount),
      params: c.params.slice(0, staticCount * STRIDE),
      mats: c.mats.slice(0, staticCount * MAT_STRIDE),
      light: Float64Array.from(this.light),
      nearest: layerNearest,
      ids: layerIds,
      rgb: new Uint8Array(n * 3),
      depth: new Uint16Array(n),
    };
    this.shade(0, n, -1, layer.rgb, layer.depth);
    this.layer = layer;
    this.dirtyRows.clear();
    return layer;
  }

  private sameStatic(layer: StaticLayer, staticCount: number): boolean {
    if (layer.count !== staticCount) return false;
    const c = this.compiled;
    for (let i = 0; i < 3; i++) if (layer.light[i] !== this.light[i]) return false;
    for (let i = 0; i < staticCount; i++) if (layer.kinds[i] !== c.kinds[i]) return false;
    for (let i = 0, e = staticCount * STRIDE; i < e; i++) if (!Object.is(layer.params[i], c.params[i])) return false;
    for (let i = 0, e = staticCount * MAT_STRIDE; i < e; i++) if (!Object.is(layer.mats[i], c.mats[i])) return false;
    return true;
  }

  /**
   * Moving cameras. The main plane (the nearest plane on screen: the table under a wrist camera)
   * hides whatever lies wholly behind it, or outside the pyramid from the sensor to its
   * rectangle, wherever its rays hit it. So: first the other primitives, nearest-first so that
   * near ones let far ones skip occluded tiles; then the main plane, shaded in the same pass;
   * then the hidden primitives, only over tiles where some ray misses the plane. Tiles the plane
   * covers wholly and nothing else touches need neither depth nor ids, and a tile within one
   * checker square is a fill. Only exact float ties can resolve differently from the index order
   * that the static layer and the unculled reference use.
   */
  private renderMoving(out: CameraFrameOut): void {
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
    if (this.behind.length < count * count) this.behind = new Uint8Array(count * count);
    this.behind.fill(0, 0, count * count);
    let main = -1;
    for (let a = 0; a < count && main < 0; a++) {
      const k = order[a]!;
      if (compiled.kinds[k] === KIND_PLANE && this.coverOf(k) === 1) {
        main = k;
        for (let q = 0; q < 4; q++) this.mainRect[q] = this.cover[q]!;
      }
    }
    const n = this.width * this.height;
    if (main < 0) {
      for (let a = 0; a < count; a++) this.castPrimitive(order[a]!, dist[order[a]!]!, undefined, undefined);
      this.shade(0, n, -1, out.rgb, out.depth);
      return;
    }
    if (this.behindMain.length < count) this.behindMain = new Uint8Array(compiled.kinds.length);
    const hidden = this.behindMain;
    for (let k = 0; k < count; k++) hidden[k] = k !== main && (liesBehindPlane(compiled, k, main) || outsidePlanePyramid(compiled, k, main)) ? 1 : 0;
    const touched = this.touched;
    touched.fill(0);
    for (let a = 0; a < count; a++) {
      const k = order[a]!;
      if (k !== main && hidden[k] === 0) this.castPrimitive(k, dist[k]!, undefined, touched);
    }
    this.untouchEmptyTiles();
    this.castMainPlane(main, out);
    for (let a = 0; a < count; a++) {
      const k = order[a]!;
      if (hidden[k] === 1) this.castPrimitive(k, dist[k]!, this.planeMiss, undefined);
    }
    // Shade what the plane's pass did not: tiles other primitives touched or its rays missed.
    const miss = this.planeMiss, tilesX = this.tiles.tilesX, w = this.width;
    for (let ty = 0; ty < this.tiles.tilesY; ty++) {
      const row = ty * tilesX;
      for (let tx = 0; tx < tilesX; ) {
        if (touched[row + tx] === 0 && miss[row + tx] === 0) {
          tx++;
          continue;
        }
        let end = tx + 1;
        while (end < tilesX && (touched[row + end] !== 0 || miss[row + end] !== 0)) end++;
        const u0 = tx * TILE, u1 = Math.min(w, end * TILE);
        for (let v = ty * TILE, v1 = Math.min(this.height, v + TILE); v < v1; v++) this.shade(v * w + u0, v * w + u1, -1, out.rgb, out.depth, main);
        tx = end;
      }
    }
  }

  /** The main plane's fused cast-and-shade pass; leaves planeMiss set for tiles it does not cover. */
  private castMainPlane(k: number, out: CameraFrameOut): void {
    const r = this.mainRect, tiles = this.tiles;
    const tilesX = tiles.tilesX, tilesY = tiles.tilesY;
    const u0 = r[0]!, u1 = r[1]!, v0 = r[2]!, v1 = r[3]!;
    const interior = this.planeInterior;
    planeInteriorTiles(this.compiled, k, this.rays, this.near, interior, tilesX, tilesY, this.tileAllValid);
    const miss = this.planeMiss;
    // Tiles not wholly inside the plane's rectangle hold rays that cannot hit it.
    for (let ty = 0; ty < tilesY; ty++) {
      const inRows = ty * TILE >= v0 && Math.min(this.height, ty * TILE + TILE) <= v1;
      for (let tx = 0; tx < tilesX; tx++) {
        const t = ty * tilesX + tx;
        miss[t] = inRows && tx * TILE >= u0 && Math.min(this.width, tx * TILE + TILE) <= u1 ? 0 : 1;
        if (miss[t] === 1) interior[t] = 0;
      }
    }
    castAndShadePlane(this.shadeInputs, k, this.width, u0, u1, v0, v1, this.near, out.rgb, out.depth, this.planeInterior, miss, this.touched, tilesX, this.rays, this.tileMinX, this.tileMaxX);
    tiles.invalidate(u0, u1, v0, v1);
  }

  /**
   * Casts primitive k (nearest possible distance `minDistance`) with tile culling, optionally
   * only over tiles flagged in `mask`; flags in `touch` the tiles its cover rectangles meet.
   */
  private castPrimitive(k: number, minDistance: number, mask: Uint8Array | undefined, touch: Uint8Array | undefined): void {
    const kind = this.compiled.kinds[k];
    if (kind === KIND_BOX || kind === KIND_CAPSULE) {
      if (!screenRect(this.compiled, k, this.rays, this.zClip, this.rect)) return;
      if (rowSpans(this.compiled, k, this.rays, this.zClip, this.rect, this.spanStart, this.spanEnd)) {
        this.castSpans(k, minDistance, mask, touch);
        return;
      }
    }
    const pieces = this.coverOf(k);
    if (touch) for (let q = 0; q < pieces; q++) this.markTiles(touch, this.cover[q * 4]!, this.cover[q * 4 + 1]!, this.cover[q * 4 + 2]!, this.cover[q * 4 + 3]!);
    if (pieces > 1) {
      this.castCover(k, pieces);
      this.tiles.invalidate(this.coverBox[0]!, this.coverBox[1]!, this.coverBox[2]!, this.coverBox[3]!);
    } else if (pieces === 1) {
      this.castUnoccludedTiles(k, minDistance, this.cover[0]!, this.cover[1]!, this.cover[2]!, this.cover[3]!, mask);
    }
  }

  /**
   * Casts k over its row spans (this.spanStart/End, rows of this.rect) with tile culling,
   * optionally only over tiles flagged in `mask`; flags in `touch` the tiles the spans meet.
   */
  private castSpans(k: number, minDistance: number, mask: Uint8Array | undefined, touch: Uint8Array | undefined): void {
    const { v0, v1 } = this.rect;
    const w = this.width, dirs = this.rays.dirs, tilesX = this.tiles.tilesX;
    const start = this.spanStart, end = this.spanEnd;
    for (let ty = (v0 / TILE) | 0, ty1 = ((v1 - 1) / TILE) | 0; ty <= ty1; ty++) {
      const a = Math.max(v0, ty * TILE), b = Math.min(v1, ty * TILE + TILE);
      let lo = w, hi = 0;
      for (let v = a; v < b; v++) {
        if (end[v]! <= start[v]!) continue;
        if (start[v]! < lo) lo = start[v]!;
        if (end[v]! > hi) hi = end[v]!;
      }
      if (hi <= lo) continue;
      const tx0 = (lo / TILE) | 0, tx1 = ((hi - 1) / TILE) | 0;
      if (touch) touch.fill(1, ty * tilesX + tx0, ty * tilesX + tx1 + 1);
      let runStart = -1;
      for (let tx = tx0; tx <= tx1 + 1; tx++) {
        const open = tx <= tx1 && (mask === undefined || mask[ty * tilesX + tx] !== 0) && !this.tileHides(k, minDistance, tx, ty);
        if (open && runStart < 0) runStart = tx;
        if (!open && runStart >= 0) {
          const r0 = runStart * TILE, r1 = tx * TILE;
          let won = false;
          for (let v = a; v < b; v++) {
            const c0 = Math.max(r0, start[v]!), c1 = Math.min(r1, end[v]!);
            if (c1 > c0 && castRect(this.compiled, k, dirs, w, c0, c1, v, v + 1, this.near, this.nearest, this.ids) > 0) won = true;
          }
          // Tiles the primitive won no pixel in keep their farthest depth.
          if (won) this.tiles.invalidate(Math.max(r0, lo), Math.min(r1, hi), a, b);
          runStart = -1;
        }
      }
    }
  }

  /** Clears `touched` on tiles where every pixel still has no hit (cover rectangles are loose). */
  private untouchEmptyTiles(): void {
    const touched = this.touched, ids = this.ids, w = this.width, tilesX = this.tiles.tilesX;
    for (let t = 0; t < touched.length; t++) {
      if (touched[t] === 0) continue;
      const u0 = (t % tilesX) * TILE, v0 = ((t / tilesX) | 0) * TILE;
      const u1 = Math.min(w, u0 + TILE), v1 = Math.min(this.height, v0 + TILE);
      let empty = true;
      for (let v = v0; v < v1 && empty; v++) {
        for (let i = v * w + u0, e = v * w + u1; i < e; i++) {
          if (ids[i] !== -1) {
            empty = false;
            break;
          }
        }
      }
      if (empty) touched[t] = 0;
    }
  }

  private markTiles(mask: Uint8Array, u0: number, u1: number, v0: number, v1: number): void {
    const tilesX = this.tiles.tilesX;
    const tx0 = (u0 / TILE) | 0, tx1 = ((u1 - 1) / TILE) | 0;
    for (let ty = (v0 / TILE) | 0, ty1 = ((v1 - 1) / TILE) | 0; ty <= ty1; ty++) mask.fill(1, ty * tilesX + tx0, ty * tilesX + tx1 + 1);
  }

  /** Whether everything in tile (tx, ty) is already nearer than primitive k can be. */
  private tileHides(k: number, minDistance: number, tx: number, ty: number): boolean {
    if (this.tiles.tileMax(tx, ty, this.nearest, this.ids) < minDistance) return true;
    const cover = this.tiles.tileUniform(tx, ty, this.nearest, this.ids);
    if (cover < 0) return false;
    // Memoised per frame: tens of primitives, so a small pair table.
    const at = k * this.compiled.count + cover;
    let known = this.behind[at]!;
    if (known === 0) {
      known = liesBehindPlane(this.compiled, k, cover) ? 1 : 2;
      this.behind[at] = known;
    }
    return known === 1;
  }

  /** Casts k over the rectangle, skipping tiles already nearer everywhere than k can be. */
  private castUnoccludedTiles(k: number, minDistance: number, u0: number, u1: number, v0: number, v1: number, mask?: Uint8Array): void {
    const w = this.width, dirs = this.rays.dirs;
    if (!(minDistance > this.near) && mask === undefined) {
      if (castRect(this.compiled, k, dirs, w, u0, u1, v0, v1, this.near, this.nearest, this.ids) > 0) this.tiles.invalidate(u0, u1, v0, v1);
      return;
    }
    const tx0 = (u0 / TILE) | 0, tx1 = ((u1 - 1) / TILE) | 0;
    for (let ty = (v0 / TILE) | 0, ty1 = ((v1 - 1) / TILE) | 0; ty <= ty1; ty++) {
      const a = Math.max(v0, ty * TILE), b = Math.min(v1, ty * TILE + TILE);
      let runStart = -1;
      for (let tx = tx0; tx <= tx1 + 1; tx++) {
        const open = tx <= tx1 && (mask === undefined || mask[ty * this.tiles.tilesX + tx] !== 0) && !this.tileHides(k, minDistance, tx, ty);
        if (open && runStart < 0) runStart = tx;
        if (!open && runStart >= 0) {
          const c0 = Math.max(u0, runStart * TILE), c1 = Math.min(u1, tx * TILE);
          // Tiles the primitive won no pixel in keep their farthest depth.
          if (castRect(this.compiled, k, dirs, w, c0, c1, a, b, this.near, this.nearest, this.ids) > 0) this.tiles.invalidate(c0, c1, a, b);
          runStart = -1;
        }
      }
    }
  }

  /**
   * Casts primitive k over the union of its `pieces` cover rectangles, row by row, so that where
   * the rectangles of a capsule's pieces overlap no pixel is tested twice. Leaves the rectangles'
   * bounding box in this.coverBox.
   */
  private castCover(k: number, pieces: number): void {
    const c = this.cover, union = this.pieceUnion, box = this.coverBox, w = this.width;
    if (pieces === 1) {
      castRect(this.compiled, k, this.rays.dirs, w, c[0]!, c[1]!, c[2]!, c[3]!, this.near, this.nearest, this.ids);
      box.set(c.subarray(0, 4));
      return;
    }
    union.clear();
    box[0] = w;
    box[1] = 0;
    box[2] = this.height;
    box[3] = 0;
    for (let q = 0; q < pieces; q++) {
      const u0 = c[q * 4]!, u1 = c[q * 4 + 1]!, v0 = c[q * 4 + 2]!, v1 = c[q * 4 + 3]!;
      union.add(u0, u1, v0, v1);
      if (u0 < box[0]!) box[0] = u0;
      if (u1 > box[1]!) box[1] = u1;
      if (v0 < box[2]!) box[2] = v0;
      if (v1 > box[3]!) box[3] = v1;
    }
    for (let v = box[2]!; v < box[3]!; v++) {
      for (let q = 0, n = union.row(v); q < n; q++) {
        castRect(this.compiled, k, this.rays.dirs, w, union.intervalStart(q), union.intervalEnd(q), v, v + 1, this.near, this.nearest, this.ids);
      }
    }
  }

  /**
   * Rectangles covering primitive k's footprint, into this.cover; returns how many (0 when off
   * screen). Capsules with a large rectangle are covered piecewise along their axis.
   */
  private coverOf(k: number): number {
    const rect = this.rect, cover = this.cover;
    if (!screenRect(this.compiled, k, this.rays, this.zClip, rect)) return 0;
    const area = (rect.u1 - rect.u0) * (rect.v1 - rect.v0);
    if (this.compiled.kinds[k] !== KIND_CAPSULE || area < CAPSULE_SPLIT_AREA) {
      cover[0] = rect.u0;
      cover[1] = rect.u1;
      cover[2] = rect.v0;
      cover[3] = rect.v1;
      return 1;
    }
    let n = 0;
    for (let piece = 0; piece < CAPSULE_PIECES; piece++) {
      if (!capsulePieceRect(this.compiled, k, piece / CAPSULE_PIECES, (piece + 1) / CAPSULE_PIECES, this.rays, this.zClip, rect)) continue;
      cover[n * 4] = rect.u0;
      cover[n * 4 + 1] = rect.u1;
      cover[n * 4 + 2] = rect.v0;
      cover[n * 4 + 3] = rect.v1;
      n++;
    }
    return n;
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

  private shade(i0: number, i1: number, minId: number, rgb: Uint8Array | undefined, depth: Uint16Array | undefined, skipId = -2): void {
    shadeRange(this.shadeInputs, i0, i1, minId, rgb, depth, skipId);
  }
}
