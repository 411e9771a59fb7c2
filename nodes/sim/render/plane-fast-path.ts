// Moving cameras mostly see one plane (the table under a wrist camera). Cast first, that plane
// can be shaded in the same pass that finds its hits, instead of storing the hits and reading
// them back: the later shading pass then skips the pixels it still owns.
import type { CameraRays } from "./camera-rays.ts";
import { MAT_STRIDE, STRIDE, type CompiledScene } from "./compiled-scene.ts";
import type { ShadeInputs } from "./shade.ts";
import { TILE } from "./occlusion-tiles.ts";

/** Margin, in metres of plane coordinate, by which a tile must lie inside the extents. */
const INSIDE_MARGIN = 1e-7;

/**
 * Per TILE×TILE tile, 1 when every ray of the tile provably hits bounded plane k inside its
 * extents and beyond tMin, so the pass can skip the per-pixel extents test there; else 0.
 * Conservative: a tile is bounded by the normalized-coordinate box of its columns and rows, and
 * the plane coordinates (linear-fractional in x/z, y/z with a denominator of constant sign over
 * the box) take their extremes at the box's corners.
 */
export function planeInteriorTiles(compiled: CompiledScene, k: number, rays: CameraRays, tMin: number, out: Uint8Array, tilesX: number, tilesY: number): boolean {
  out.fill(0, 0, tilesX * tilesY);
  const p = compiled.params;
  const o = k * STRIDE;
  const nx = p[o]!, ny = p[o + 1]!, nz = p[o + 2]!, c = p[o + 3]!;
  const ux = p[o + 4]!, uy = p[o + 5]!, uz = p[o + 6]!, uOff = p[o + 7]!;
  const vx = p[o + 8]!, vy = p[o + 9]!, vz = p[o + 10]!, vOff = p[o + 11]!;
  const hu = p[o + 12]! - INSIDE_MARGIN, hv = p[o + 13]! - INSIDE_MARGIN;
  // Every hit lies at least the plane's distance |c| from the sensor.
  if (!(Math.abs(c) > tMin * (1 + 1e-9) + 1e-12)) return false;
  const w = rays.width, h = rays.height;
  let any = false;
  for (let ty = 0; ty < tilesY; ty++) {
    let y0 = Infinity, y1 = -Infinity;
    for (let v = ty * TILE, e = Math.min(h, v + TILE); v < e; v++) {
      if (rays.rowMinY[v]! < y0) y0 = rays.rowMinY[v]!;
      if (rays.rowMaxY[v]! > y1) y1 = rays.rowMaxY[v]!;
    }
    if (!(y0 <= y1)) continue;
    for (let tx = 0; tx < tilesX; tx++) {
      let x0 = Infinity, x1 = -Infinity;
      for (let u = tx * TILE, e = Math.min(w, u + TILE); u < e; u++) {
        if (rays.colMinX[u]! < x0) x0 = rays.colMinX[u]!;
        if (rays.colMaxX[u]! > x1) x1 = rays.colMaxX[u]!;
      }
      if (!(x0 <= x1)) continue;
      let inside = true;
      for (let q = 0; q < 4 && inside; q++) {
        const x = q & 1 ? x1 : x0, y = q & 2 ? y1 : y0;
        const den = nx * x + ny * y + nz;
        const s = c / den;
        // Same sign at every corner (s > 0 throughout: the ray meets the plane in front).
        if (!(s > 0 && Number.isFinite(s))) inside = false;
        else {
          const pu = s * (ux * x + uy * y + uz) - uOff;
          const pv = s * (vx * x + vy * y + vz) - vOff;
          inside = pu <= hu && pu >= -hu && pv <= hv && pv >= -hv;
        }
      }
      if (inside) {
        out[ty * tilesX + tx] = 1;
        any = true;
      }
    }
  }
  return any;
}

/**
 * Cast plane k over [u0, u1) × [v0, v1) like castRect, and write the colour and depth of each
 * pixel it wins exactly as shadeRange would (it shades from the float32 depth buffer value, so
 * the same rounding is used here). Tiles flagged in `interior` skip the extents test; tiles with
 * a pixel whose ray misses the plane (outside its extents or nearer than tMin) are flagged in
 * `miss` (pixels outside the rectangle are not visited: the caller flags those). Returns the
 * number of pixels won.
 */
export function castAndShadePlane(
  s: ShadeInputs,
  k: number,
  width: number,
  u0: number,
  u1: number,
  v0: number,
  v1: number,
  tMin: number,
  rgb: Uint8Array | undefined,
  depth: Uint16Array | undefined,
  interior: Uint8Array,
  miss: Uint8Array,
  tilesX: number,
): number {
  let wins = 0;
  for (let v = v0; v < v1; v++) {
    const tileRow = (v / TILE | 0) * tilesX;
    for (let a = u0; a < u1; ) {
      const tx = (a / TILE) | 0;
      const b = Math.min(u1, tx * TILE + TILE);
      const t = tileRow + tx;
      if (interior[t] !== 0) wins += planeSpanInside(s, k, v * width + a, v * width + b, tMin, rgb, depth);
      else {
        const won = planeSpanChecked(s, k, v * width + a, v * width + b, tMin, rgb, depth);
        if (won < 0) {
          miss[t] = 1;
          wins += ~won;
        } else wins += won;
      }
      a = b;
    }
  }
  return wins;
}

/** Pixels [i0, i1) whose rays all hit inside the extents: no extents test. */
function planeSpanInside(s: ShadeInputs, k: number, i0: number, i1: number, tMin: number, rgb: Uint8Array | undefined, depth: Uint16Array | undefined): number {
  const p = s.compiled.params;
  const o = k * STRIDE;
  const nx = p[o]!, ny = p[o + 1]!, nz = p[o + 2]!, c = p[o + 3]!;
  const ux = p[o + 4]!, uy = p[o + 5]!, uz = p[o + 6]!, uOff = p[o + 7]!;
  const vx = p[o + 8]!, vy = p[o + 9]!, vz = p[o + 10]!, vOff = p[o + 11]!;
  const size = s.compiled.mats[k * MAT_STRIDE + 6]!;
  const checker = size > 0;
  const inv = checker ? 1 / size : 0;
  const pc = s.planeColours;
  const r0 = pc[k * 6]!, g0 = pc[k * 6 + 1]!, b0 = pc[k * 6 + 2]!;
  const r1 = pc[k * 6 + 3]!, g1 = pc[k * 6 + 4]!, b1 = pc[k * 6 + 5]!;
  const perMetre = s.depthPerMetre;
  const nearest = s.nearest, ids = s.ids, dirs = s.dirs;
  let wins = 0;
  for (let i = i0; i < i1; i++) {
    const j = i * 3;
    const dx = dirs[j]!, dy = dirs[j + 1]!, dz = dirs[j + 2]!;
    const t = c / (nx * dx + ny * dy + nz * dz);
    if (!(t > tMin && t < nearest[i]!)) continue;
    nearest[i] = t;
    ids[i] = k;
    wins++;
    // The value the buffer now holds, as shadeRange would read it back.
    const tf = Math.fround(t);
    if (depth) {
      const d = (tf * dz * perMetre + 0.5) | 0;
      depth[i] = d > 65535 ? 0 : d;
    }
    if (!rgb) continue;
    if (checker && (Math.floor((tf * (ux * dx + uy * dy + uz * dz) - uOff) * inv) + Math.floor((tf * (vx * dx + vy * dy + vz * dz) - vOff) * inv)) & 1) {
      rgb[j] = r1;
      rgb[j + 1] = g1;
      rgb[j + 2] = b1;
    } else {
      rgb[j] = r0;
      rgb[j + 1] = g0;
      rgb[j + 2] = b0;
    }
  }
  return wins;
}

/**
 * Pixels [i0, i1) with the extents test, in double precision as castPlane does it. Returns the
 * number won, or its complement (negative) when some ray missed the plane.
 */
function planeSpanChecked(s: ShadeInputs, k: number, i0: number, i1: number, tMin: number, rgb: Uint8Array | undefined, depth: Uint16Array | undefined): number {
  const p = s.compiled.params;
  const o = k * STRIDE;
  const nx = p[o]!, ny = p[o + 1]!, nz = p[o + 2]!, c = p[o + 3]!;
  const ux = p[o + 4]!, uy = p[o + 5]!, uz = p[o + 6]!, uOff = p[o + 7]!;
  const vx = p[o + 8]!, vy = p[o + 9]!, vz = p[o + 10]!, vOff = p[o + 11]!;
  const hu = p[o + 12]!, hv = p[o + 13]!;
  const size = s.compiled.mats[k * MAT_STRIDE + 6]!;
  const checker = size > 0;
  const inv = checker ? 1 / size : 0;
  const pc = s.planeColours;
  const r0 = pc[k * 6]!, g0 = pc[k * 6 + 1]!, b0 = pc[k * 6 + 2]!;
  const r1 = pc[k * 6 + 3]!, g1 = pc[k * 6 + 4]!, b1 = pc[k * 6 + 5]!;
  const perMetre = s.depthPerMetre;
  const nearest = s.nearest, ids = s.ids, dirs = s.dirs;
  let wins = 0;
  let missed = false;
  for (let i = i0; i < i1; i++) {
    const j = i * 3;
    const dx = dirs[j]!, dy = dirs[j + 1]!, dz = dirs[j + 2]!;
    const t = c / (nx * dx + ny * dy + nz * dz);
    if (!(t > tMin)) {
      missed = true;
      continue;
    }
    const ud = ux * dx + uy * dy + uz * dz;
    const vd = vx * dx + vy * dy + vz * dz;
    const pu = t * ud - uOff;
    const pv = t * vd - vOff;
    if (pu > hu || pu < -hu || pv > hv || pv < -hv) {
      missed = true;
      continue;
    }
    if (!(t < nearest[i]!)) continue;
    nearest[i] = t;
    ids[i] = k;
    wins++;
    const tf = Math.fround(t);
    if (depth) {
      const d = (tf * dz * perMetre + 0.5) | 0;
      depth[i] = d > 65535 ? 0 : d;
    }
    if (!rgb) continue;
    if (checker && (Math.floor((tf * ud - uOff) * inv) + Math.floor((tf * vd - vOff) * inv)) & 1) {
      rgb[j] = r1;
      rgb[j + 1] = g1;
      rgb[j + 2] = b1;
    } else {
      rgb[j] = r0;
      rgb[j + 1] = g0;
      rgb[j + 2] = b0;
    }
  }
  return missed ? ~wins : wins;
}
