// Coarse occlusion culling: the farthest depth in each 16×16 tile, kept lazily. A primitive
// cannot be nearer than its nearest possible distance, so tiles whose farthest pixel is already
// nearer than that are skipped (the floor and walls behind a table cost nothing).
import { KIND_BOX, KIND_CAPSULE, KIND_PLANE, KIND_SPHERE, STRIDE, type CompiledScene } from "./compiled-scene.ts";

export const TILE = 16;

export class TileMaxDepth {
  readonly tilesX: number;
  readonly tilesY: number;
  private readonly max: Float32Array;
  private readonly dirty: Uint8Array;

  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.tilesX = Math.ceil(width / TILE);
    this.tilesY = Math.ceil(height / TILE);
    this.max = new Float32Array(this.tilesX * this.tilesY);
    this.dirty = new Uint8Array(this.tilesX * this.tilesY);
  }

  /** Every tile's farthest depth is `far` (the buffer was just cleared). */
  resetTo(far: number): void {
    this.max.fill(far);
    this.dirty.fill(0);
  }

  /** Pixels in [u0, u1) × [v0, v1) may have changed. */
  invalidate(u0: number, u1: number, v0: number, v1: number): void {
    const tx1 = ((u1 - 1) / TILE) | 0, ty1 = ((v1 - 1) / TILE) | 0;
    for (let ty = (v0 / TILE) | 0; ty <= ty1; ty++) this.dirty.fill(1, ty * this.tilesX + ((u0 / TILE) | 0), ty * this.tilesX + tx1 + 1);
  }

  /** The farthest depth in tile (tx, ty), recomputed from `nearest` when stale. */
  tileMax(tx: number, ty: number, nearest: Float32Array): number {
    const t = ty * this.tilesX + tx;
    if (this.dirty[t] === 0) return this.max[t]!;
    const u0 = tx * TILE, u1 = Math.min(u0 + TILE, this.width);
    const v0 = ty * TILE, v1 = Math.min(v0 + TILE, this.height);
    let m = 0;
    for (let v = v0; v < v1; v++) {
      for (let i = v * this.width + u0, end = v * this.width + u1; i < end; i++) {
        const d = nearest[i]!;
        if (d > m) m = d;
      }
    }
    this.max[t] = m;
    this.dirty[t] = 0;
    return m;
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
