// Moving cameras mostly see one plane (the table under a wrist camera). Cast first, that plane
// can be shaded in the same pass that finds its hits, instead of storing the hits and reading
// them back: the later shading pass then skips the pixels it still owns.
import type { CameraRays } from "./camera-rays.ts";
import { MAT_STRIDE, STRIDE, type CompiledScene } from "./compiled-scene.ts";
import type { ShadeInputs } from "./shade.ts";
import { TILE } from "./occlusion-tiles.ts";

/** Margin, in metres of plane coordinate, by which a tile must lie inside the extents. */
const INSIDE_MARGIN = 1e-7;

/** Interior tile codes: every ray hits the plane inside its extents; colours mixed or one. */
export const INSIDE_MIXED = 1;
export const INSIDE_COLOUR0 = 2;
export const INSIDE_COLOUR1 = 3;
/**
 * Checker cells are decided per tile only this far (metres) from a cell edge: beyond the
 * float32 rounding of any ray distance up to the far limit.
 */
const CELL_MARGIN = 1e-5;

/**
 * Per TILE×TILE tile, INSIDE_* when every ray of the tile provably hits bounded plane k inside
 * its extents and beyond tMin, so the pass can skip the per-pixel extents test there (and, when
 * the tile lies within one checker cell, the per-pixel colour); else 0.
 * Conservative: a tile is bounded by the normalized-coordinate box of its columns and rows, and
 * the plane coordinates (linear-fractional in x/z, y/z with a denominator of constant sign over
 * the box) take their extremes at the box's corners.
 */
export function planeInteriorTiles(compiled: CompiledScene, k: number, rays: CameraRays, tMin: number, out: Uint8Array, tilesX: number, tilesY: number, allValid: Uint8Array): boolean {
  out.fill(0, 0, tilesX * tilesY);
  const p = compiled.params;
  const o = k * STRIDE;
  const nx = p[o]!, ny = p[o + 1]!, nz = p[o + 2]!, c = p[o + 3]!;
  const ux = p[o + 4]!, uy = p[o + 5]!, uz = p[o + 6]!, uOff = p[o + 7]!;
  const vx = p[o + 8]!, vy = p[o + 9]!, vz = p[o + 10]!, vOff = p[o + 11]!;
  const hu = p[o + 12]! - INSIDE_MARGIN, hv = p[o + 13]! - INSIDE_MARGIN;
  const size = compiled.mats[k * MAT_STRIDE + 6]!;
  const inv = size > 0 ? 1 / size : 0;
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
      if (!(x0 <= x1) || allValid[ty * tilesX + tx] === 0) continue;
      let inside = true;
      let uMin = Infinity, uMax = -Infinity, vMin = Infinity, vMax = -Infinity;
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
          if (pu < uMin) uMin = pu;
          if (pu > uMax) uMax = pu;
          if (pv < vMin) vMin = pv;
          if (pv > vMax) vMax = pv;
        }
      }
      if (inside) {
        let code = INSIDE_MIXED;
        if (!(size > 0)) code = INSIDE_COLOUR0;
        else {
          const cu = Math.floor((uMin - CELL_MARGIN) * inv), cv = Math.floor((vMin - CELL_MARGIN) * inv);
          if (cu === Math.floor((uMax + CELL_MARGIN) * inv) && cv === Math.floor((vMax + CELL_MARGIN) * inv)) code = (cu + cv) & 1 ? INSIDE_COLOUR1 : INSIDE_COLOUR0;
        }
        out[ty * tilesX + tx] = code;
        any = true;
      }
    }
  }
  return any;
}

/**
 * Cast plane k over [u0, u1) × [v0, v1) like castRect, and write the colour and depth of each
 * pixel it wins exactly as shadeRange would (it shades from the float32 depth buffer value, so
 * the same rounding is used here). Per tile, by `interior` (planeInteriorTiles) and `touched`
 * (another primitive was cast there before):
 *  - not interior: full test; depth buffer and ids written; tiles with a ray that misses the
 *    plane are flagged in `miss` (pixels outside the rectangle are not visited: the caller flags
 *    those);
 *  - interior and touched (or depth wanted): depth test against what is there; ids written;
 *  - interior, untouched, colour only: the plane wins every pixel and nothing later reads the
 *    depth buffer there, so only colour is written — one fill when the tile is in one cell.
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
  touched: Uint8Array,
  tilesX: number,
  rays: CameraRays,
  tileMinX: Float64Array,
  tileMaxX: Float64Array,
): void {
  const pc = s.planeColours;
  const words = wordsOf(rgb);
  // Each tile's mode, once per frame.
  const tiles = interior.length;
  if (modes.length < tiles) modes = new Uint8Array(tiles);
  const needDepth = depth !== undefined || rgb === undefined;
  for (let t = 0; t < tiles; t++) modes[t] = tileMode(interior, touched, t, needDepth);
  for (let v = v0; v < v1; v++) {
    const tileRow = ((v / TILE) | 0) * tilesX;
    // Runs of tiles of one mode, one call each.
    for (let a = u0; a < u1; ) {
      const mode = modes[tileRow + ((a / TILE) | 0)]!;
      let b = Math.min(u1, ((a / TILE) | 0) * TILE + TILE);
      while (b < u1 && modes[tileRow + ((b / TILE) | 0)] === mode) b = Math.min(u1, b + TILE);
      const i0 = v * width + a, i1 = v * width + b;
      if (mode === MODE_CHECKED) planeSpanChecked(s, k, i0, i1, tMin, rgb, depth, miss, tileRow, v * width);
      else if (mode === MODE_TESTED) planeSpanInside(s, k, i0, i1, tMin, rgb, depth);
      else if (mode === MODE_COLOUR) planeRowColour(s, k, v, a, b, width, rgb!, words, rays, tileMinX, tileMaxX);
      else {
        const c = k * 6 + (mode === MODE_FILL1 ? 3 : 0);
        fillRgb(rgb!, words, i0, i1, pc[c]!, pc[c + 1]!, pc[c + 2]!);
      }
      a = b;
    }
  }
}

let modes = new Uint8Array(0);

const MODE_CHECKED = 0;
const MODE_TESTED = 1;
const MODE_COLOUR = 2;
const MODE_FILL0 = 3;
const MODE_FILL1 = 4;

function tileMode(interior: Uint8Array, touched: Uint8Array, t: number, needDepth: boolean): number {
  const code = interior[t]!;
  if (code === 0) return MODE_CHECKED;
  if (needDepth || touched[t] !== 0) return MODE_TESTED;
  return code === INSIDE_MIXED ? MODE_COLOUR : code === INSIDE_COLOUR0 ? MODE_FILL0 : MODE_FILL1;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** rgb as 32-bit words when it is word-aligned on a little-endian machine (fills write words). */
function wordsOf(rgb: Uint8Array | undefined): Uint32Array | undefined {
  if (!rgb || !LITTLE_ENDIAN || rgb.byteOffset % 4 !== 0) return undefined;
  return new Uint32Array(rgb.buffer, rgb.byteOffset, rgb.length >> 2);
}

/** One colour over pixels [i0, i1): four pixels (three words) at a time where aligned. */
function fillRgb(rgb: Uint8Array, words: Uint32Array | undefined, i0: number, i1: number, r: number, g: number, b: number): void {
  let i = i0;
  if (words && i1 - i0 >= 8) {
    for (; (i & 3) !== 0; i++) {
      rgb[i * 3] = r;
      rgb[i * 3 + 1] = g;
      rgb[i * 3 + 2] = b;
    }
    const w0 = (r | (g << 8) | (b << 16) | (r << 24)) >>> 0;
    const w1 = (g | (b << 8) | (r << 16) | (g << 24)) >>> 0;
    const w2 = (b | (r << 8) | (g << 16) | (b << 24)) >>> 0;
    for (; i + 4 <= i1; i += 4) {
      const w = (i * 3) >> 2;
      words[w] = w0;
      words[w + 1] = w1;
      words[w + 2] = w2;
    }
  }
  for (; i < i1; i++) {
    rgb[i * 3] = r;
    rgb[i * 3 + 1] = g;
    rgb[i * 3 + 2] = b;
  }
}

/**
 * Columns [a, b) of row v, all won by the plane outright: per tile-wide chunk, one fill when the
 * chunk's rays (bounded by its columns' and the row's normalized-coordinate ranges) lie in one
 * checker cell, else the colour per pixel.
 */
function planeRowColour(s: ShadeInputs, k: number, v: number, a: number, b: number, width: number, rgb: Uint8Array, words: Uint32Array | undefined, rays: CameraRays, tileMinX: Float64Array, tileMaxX: Float64Array): void {
  const p = s.compiled.params;
  const o = k * STRIDE;
  const nx = p[o]!, ny = p[o + 1]!, nz = p[o + 2]!, c = p[o + 3]!;
  const ux = p[o + 4]!, uy = p[o + 5]!, uz = p[o + 6]!, uOff = p[o + 7]!;
  const vx = p[o + 8]!, vy = p[o + 9]!, vz = p[o + 10]!, vOff = p[o + 11]!;
  const inv = 1 / s.compiled.mats[k * MAT_STRIDE + 6]!;
  const pc = s.planeColours;
  const y0 = rays.rowMinY[v]!, y1 = rays.rowMaxY[v]!;
  const row = v * width;
  for (let u = a; u < b; ) {
    const tx = (u / TILE) | 0;
    const e = Math.min(b, tx * TILE + TILE);
    const x0 = tileMinX[tx]!, x1 = tileMaxX[tx]!;
    let uMin = Infinity, uMax = -Infinity, vMin = Infinity, vMax = -Infinity;
    for (let q = 0; q < 4; q++) {
      const x = q & 1 ? x1 : x0, y = q & 2 ? y1 : y0;
      const sc = c / (nx * x + ny * y + nz);
      const pu = sc * (ux * x + uy * y + uz) - uOff;
      const pv = sc * (vx * x + vy * y + vz) - vOff;
      if (pu < uMin) uMin = pu;
      if (pu > uMax) uMax = pu;
      if (pv < vMin) vMin = pv;
      if (pv > vMax) vMax = pv;
    }
    // The chunk lies in an interior tile, so the denominator keeps its sign over the box.
    const cu = Math.floor((uMin - CELL_MARGIN) * inv), cv = Math.floor((vMin - CELL_MARGIN) * inv);
    if (cu === Math.floor((uMax + CELL_MARGIN) * inv) && cv === Math.floor((vMax + CELL_MARGIN) * inv)) {
      const col = k * 6 + ((cu + cv) & 1 ? 3 : 0);
      fillRgb(rgb, words, row + u, row + e, pc[col]!, pc[col + 1]!, pc[col + 2]!);
    } else planeSpanColour(s, k, row + u, row + e, rgb);
    u = e;
  }
}

/** Pixels [i0, i1) that the plane wins outright: the checker colour only. */
function planeSpanColour(s: ShadeInputs, k: number, i0: number, i1: number, rgb: Uint8Array): void {
  const p = s.compiled.params;
  const o = k * STRIDE;
  const nx = p[o]!, ny = p[o + 1]!, nz = p[o + 2]!, c = p[o + 3]!;
  const ux = p[o + 4]!, uy = p[o + 5]!, uz = p[o + 6]!, uOff = p[o + 7]!;
  const vx = p[o + 8]!, vy = p[o + 9]!, vz = p[o + 10]!, vOff = p[o + 11]!;
  const inv = 1 / s.compiled.mats[k * MAT_STRIDE + 6]!;
  const pc = s.planeColours;
  const r0 = pc[k * 6]!, g0 = pc[k * 6 + 1]!, b0 = pc[k * 6 + 2]!;
  const r1 = pc[k * 6 + 3]!, g1 = pc[k * 6 + 4]!, b1 = pc[k * 6 + 5]!;
  const dirs = s.dirs;
  for (let i = i0; i < i1; i++) {
    const j = i * 3;
    const dx = dirs[j]!, dy = dirs[j + 1]!, dz = dirs[j + 2]!;
    // As the depth buffer would hold it: float32.
    const tf = Math.fround(c / (nx * dx + ny * dy + nz * dz));
    if ((Math.floor((tf * (ux * dx + uy * dy + uz * dz) - uOff) * inv) + Math.floor((tf * (vx * dx + vy * dy + vz * dz) - vOff) * inv)) & 1) {
      rgb[j] = r1;
      rgb[j + 1] = g1;
      rgb[j + 2] = b1;
    } else {
      rgb[j] = r0;
      rgb[j + 1] = g0;
      rgb[j + 2] = b0;
    }
  }
}

/** Pixels [i0, i1) whose rays all hit inside the extents: no extents test; ids, not depths, written. */
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
    // Nothing later reads the depth buffer in an interior tile: ids alone mark the win.
    ids[i] = k;
    wins++;
    // The value the buffer would hold, as shadeRange would read it back.
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
 * Pixels [i0, i1) of the row starting at pixel rowStart, with the extents test in double
 * precision as castPlane does it; flags the tile (tileRow + column / TILE) of each ray that
 * misses the plane. Returns the number of pixels won.
 */
function planeSpanChecked(s: ShadeInputs, k: number, i0: number, i1: number, tMin: number, rgb: Uint8Array | undefined, depth: Uint16Array | undefined, miss: Uint8Array, tileRow: number, rowStart: number): number {
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
  for (let i = i0; i < i1; i++) {
    const j = i * 3;
    const dx = dirs[j]!, dy = dirs[j + 1]!, dz = dirs[j + 2]!;
    const t = c / (nx * dx + ny * dy + nz * dz);
    if (!(t > tMin)) {
      miss[tileRow + (((i - rowStart) / TILE) | 0)] = 1;
      continue;
    }
    const ud = ux * dx + uy * dy + uz * dz;
    const vd = vx * dx + vy * dy + vz * dz;
    const pu = t * ud - uOff;
    const pv = t * vd - vOff;
    if (pu > hu || pu < -hu || pv > hv || pv < -hv) {
      miss[tileRow + (((i - rowStart) / TILE) | 0)] = 1;
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
  return wins;
}
