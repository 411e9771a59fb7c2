// Coarse occlusion culling per 16×16 tile, kept lazily: the farthest depth in the tile, and the
// one primitive that won every pixel of it, if one did. A primitive cannot be nearer than its
// nearest possible distance, so tiles whose farthest pixel is already nearer are skipped (the
// floor and walls behind a table); nor can it show through a tile wholly covered by a plane it
// lies entirely behind (the slab under a table top).
import { KIND_BOX, KIND_CAPSULE, KIND_PLANE, KIND_SPHERE, STRIDE, type CompiledScene } from "./compiled-scene.ts";

export const TILE = 16;

export class TileMaxDepth {
  readonly tilesX: number;
  readonly tilesY: number;
  private readonly max: Float32Array;
  private readonly uniform: Int32Array;
  private readonly dirty: Uint8Array;

  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.tilesX = Math.ceil(width / TILE);
    this.tilesY = Math.ceil(height / TILE);
    this.max = new Float32Array(this.tilesX * this.tilesY);
    this.uniform = new Int32Array(this.tilesX * this.tilesY);
    this.dirty = new Uint8Array(this.tilesX * this.tilesY);
  }

  /** Every tile's farthest depth is `far` (the buffer was just cleared). */
  resetTo(far: number): void {
    this.max.fill(far);
    this.uniform.fill(-1);
    this.dirty.fill(0);
  }

  /** Pixels in [u0, u1) × [v0, v1) may have changed. */
  invalidate(u0: number, u1: number, v0: number, v1: number): void {
    const tx1 = ((u1 - 1) / TILE) | 0, ty1 = ((v1 - 1) / TILE) | 0;
    for (let ty = (v0 / TILE) | 0; ty <= ty1; ty++) this.dirty.fill(1, ty * this.tilesX + ((u0 / TILE) | 0), ty * this.tilesX + tx1 + 1);
  }

  /** The farthest depth in tile (tx, ty). */
  tileMax(tx: number, ty: number, nearest: Float32Array, ids: Int16Array): number {
    const t = ty * this.tilesX + tx;
    if (this.dirty[t] !== 0) this.refresh(t, tx, ty, nearest, ids);
    return this.max[t]!;
  }

  /** The primitive that won every pixel of tile (tx, ty), or −1 (none, or several). */
  tileUniform(tx: number, ty: number, nearest: Float32Array, ids: Int16Array): number {
    const t = ty * this.tilesX + tx;
    if (this.dirty[t] !== 0) this.refresh(t, tx, ty, nearest, ids);
    return this.uniform[t]!;
  }

  private refresh(t: number, tx: number, ty: number, nearest: Float32Array, ids: Int16Array): void {
    const u0 = tx * TILE, u1 = Math.min(u0 + TILE, this.width);
    const v0 = ty * TILE, v1 = Math.min(v0 + TILE, this.height);
    let m = 0;
    const first = ids[v0 * this.width + u0]!;
    let same = true;
    for (let v = v0; v < v1; v++) {
      for (let i = v * this.width + u0, end = v * this.width + u1; i < end; i++) {
        const d = nearest[i]!;
        if (d > m) m = d;
        if (ids[i] !== first) same = false;
      }
    }
    this.max[t] = m;
    this.uniform[t] = same ? first : -1;
    this.dirty[t] = 0;
  }
}

/** A lower bound on the distance from the sensor (origin) to any point of primitive k. */
export function nearestPossibleDistance(scene: CompiledScene, k: number): number {
  const p = scene.params;
  const o = k * STRIDE;
  switch (scene.kinds[k]) {
    case KIND_PLANE:
      return Math.abs(p[o + 3]!);
    case KIND_SPHERE:
      return Math.max(0, Math.hypot(p[o]!, p[o + 1]!, p[o + 2]!) - p[o + 3]!);
    case KIND_CAPSULE: {
      const baba = p[o + 7]!;
      let s = baba > 0 ? p[o + 8]! / baba : 0;
      s = s < 0 ? 0 : s > 1 ? 1 : s;
      const d = Math.hypot(p[o]! + s * p[o + 3]!, p[o + 1]! + s * p[o + 4]!, p[o + 2]! + s * p[o + 5]!);
      return Math.max(0, d - p[o + 6]!);
    }
    case KIND_BOX: {
      const qx = Math.max(Math.abs(p[o + 15]!) - p[o + 12]!, 0);
      const qy = Math.max(Math.abs(p[o + 16]!) - p[o + 13]!, 0);
      const qz = Math.max(Math.abs(p[o + 17]!) - p[o + 14]!, 0);
      return Math.hypot(qx, qy, qz);
    }
    default:
      return 0;
  }
}

/**
 * Whether primitive k lies wholly on the far side of plane primitive `plane` as seen from the
 * sensor (origin), clear of the plane itself: then wherever a ray hits that plane first, k is
 * hidden. Coplanar contact does not count, so ties resolve as in an unculled cast.
 */
export function liesBehindPlane(scene: CompiledScene, k: number, plane: number): boolean {
  if (scene.kinds[plane] !== KIND_PLANE || k === plane) return false;
  const q = scene.params;
  const po = plane * STRIDE;
  // Unit normal pointing towards the sensor, and the plane's offset along it.
  const side = q[po + 3]! < 0 ? 1 : -1;
  const mx = side * q[po]!, my = side * q[po + 1]!, mz = side * q[po + 2]!;
  const offset = side * q[po + 3]!;
  return support(scene, k, mx, my, mz) < offset - 1e-7;
}

/** max over the points x of primitive k of m·x (m a unit vector); +∞ when unbounded. */
function support(scene: CompiledScene, k: number, mx: number, my: number, mz: number): number {
  const p = scene.params;
  const o = k * STRIDE;
  switch (scene.kinds[k]) {
    case KIND_SPHERE:
      return mx * p[o]! + my * p[o + 1]! + mz * p[o + 2]! + p[o + 3]!;
    case KIND_CAPSULE: {
      const a = mx * p[o]! + my * p[o + 1]! + mz * p[o + 2]!;
      const b = mx * p[o + 11]! + my * p[o + 12]! + mz * p[o + 13]!;
      return Math.max(a, b) + p[o + 6]!;
    }
    case KIND_BOX: {
      let s = mx * p[o]! + my * p[o + 1]! + mz * p[o + 2]!;
      for (let axis = 0; axis < 3; axis++) {
        const ao = o + 3 + axis * 3;
        s += p[o + 12 + axis]! * Math.abs(mx * p[ao]! + my * p[ao + 1]! + mz * p[ao + 2]!);
      }
      return s;
    }
    case KIND_PLANE: {
      const centre = mx * p[o + 14]! + my * p[o + 15]! + mz * p[o + 16]!;
      const alongU = Math.abs(mx * p[o + 4]! + my * p[o + 5]! + mz * p[o + 6]!);
      const alongV = Math.abs(mx * p[o + 8]! + my * p[o + 9]! + mz * p[o + 10]!);
      const hu = p[o + 12]!, hv = p[o + 13]!;
      // An infinite plane is bounded along m only when it is perpendicular to m.
      const u = hu === Infinity ? (alongU < 1e-12 ? 0 : Infinity) : hu * alongU;
      const v = hv === Infinity ? (alongV < 1e-12 ? 0 : Infinity) : hv * alongV;
      return centre + u + v;
    }
    default:
      return Infinity;
  }
}

/**
 * Whether plane primitive k lies clear of the pyramid from the sensor (origin) to the rectangle
 * of bounded plane primitive `plane`: then every ray that hits that rectangle hits it before k,
 * as the segment up to the hit lies in the pyramid (a back wall beyond the far edge of a table).
 * Other kinds, and unbounded `plane`, give false.
 */
export function outsidePlanePyramid(scene: CompiledScene, k: number, plane: number): boolean {
  if (scene.kinds[plane] !== KIND_PLANE || scene.kinds[k] !== KIND_PLANE || k === plane) return false;
  const p = scene.params;
  const po = plane * STRIDE, ko = k * STRIDE;
  const hu = p[po + 12]!, hv = p[po + 13]!;
  if (!(hu < Infinity && hv < Infinity)) return false;
  const nx = p[ko]!, ny = p[ko + 1]!, nz = p[ko + 2]!, c = p[ko + 3]!;
  const margin = 1e-7;
  // Signed distances of the apex (origin) and the four corners from k's plane: all one side.
  const apex = -c;
  if (!(Math.abs(apex) > margin)) return false;
  for (let q = 0; q < 4; q++) {
    const su = q & 1 ? hu : -hu, sv = q & 2 ? hv : -hv;
    const x = p[po + 14]! + su * p[po + 4]! + sv * p[po + 8]!;
    const y = p[po + 15]! + su * p[po + 5]! + sv * p[po + 9]!;
    const z = p[po + 16]! + su * p[po + 6]! + sv * p[po + 10]!;
    const d = nx * x + ny * y + nz * z - c;
    if (!(apex > 0 ? d > margin : d < -margin)) return false;
  }
  return true;
}
