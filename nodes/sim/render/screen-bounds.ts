// Conservative screen rectangles of primitives, so that each is only cast over the pixels it can
// cover. Bounds are taken in undistorted normalized coordinates (x/z, y/z), where they are exact
// or conservative, then mapped to pixels through the per-column / per-row ranges of the ray
// table, which stays conservative for any distortion, folded corners included.
import { KIND_BOX, KIND_CAPSULE, KIND_PLANE, KIND_SPHERE, STRIDE, type CompiledScene } from "./compiled-scene.ts";
import type { CameraRays } from "./camera-rays.ts";

/** Pixel rectangle [u0, u1) × [v0, v1). */
export interface PixelRect {
  u0: number;
  u1: number;
  v0: number;
  v1: number;
}

/** Normalized-coordinate bounds accumulator: [minX, maxX, minY, maxY]. */
const nb = new Float64Array(4);
const corner = new Float64Array(24);

/**
 * The pixels primitive k can cover, considering only its parts at depth z > zClip. Returns false
 * when it covers none (behind the camera or off screen).
 */
export function screenRect(scene: CompiledScene, k: number, rays: CameraRays, zClip: number, out: PixelRect): boolean {
  const p = scene.params;
  const o = k * STRIDE;
  nb[0] = Infinity;
  nb[1] = -Infinity;
  nb[2] = Infinity;
  nb[3] = -Infinity;
  switch (scene.kinds[k]) {
    case KIND_PLANE: {
      if (p[o + 12] === Infinity || p[o + 13] === Infinity) return fullScreen(rays, out);
      // A bounded plane is a flat box: its rectangle's corners.
      setCorners(p[o + 14]!, p[o + 15]!, p[o + 16]!, p, o + 4, p[o + 12]!, o + 8, p[o + 13]!, o, 0);
      if (!clippedHullBounds(zClip)) return false;
      break;
    }
    case KIND_SPHERE: {
      const r = p[o + 3]!;
      if (p[o + 2]! - r > zClip) sphereBounds(p[o]!, p[o + 1]!, p[o + 2]!, r);
      else if (!aabbBounds(p[o]!, p[o + 1]!, p[o + 2]!, r, r, r, zClip)) return false;
      break;
    }
    case KIND_CAPSULE: {
      const r = p[o + 6]!;
      const ax = p[o]!, ay = p[o + 1]!, az = p[o + 2]!;
      const bx = p[o + 11]!, by = p[o + 12]!, bz = p[o + 13]!;
      if (az - r > zClip && bz - r > zClip) {
        // x/z and y/z are quasi-linear, so over the convex hull of the two end spheres their
        // extremes are those of the spheres themselves.
        sphereBounds(ax, ay, az, r);
        sphereBounds(bx, by, bz, r);
      } else {
        const cx = (ax + bx) / 2, cy = (ay + by) / 2, cz = (az + bz) / 2;
        const ex = Math.abs(bx - ax) / 2 + r, ey = Math.abs(by - ay) / 2 + r, ez = Math.abs(bz - az) / 2 + r;
        if (!aabbBounds(cx, cy, cz, ex, ey, ez, zClip)) return false;
      }
      break;
    }
    case KIND_BOX: {
      setCorners(p[o]!, p[o + 1]!, p[o + 2]!, p, o + 3, p[o + 12]!, o + 6, p[o + 13]!, o + 9, p[o + 14]!);
      if (!clippedHullBounds(zClip)) return false;
      break;
    }
    default:
      return fullScreen(rays, out);
  }
  return toPixels(rays, out);
}

export function fullScreen(rays: CameraRays, out: PixelRect): boolean {
  out.u0 = 0;
  out.u1 = rays.width;
  out.v0 = 0;
  out.v1 = rays.height;
  return true;
}

/** Exact x/z, y/z range of a sphere lying wholly in front of the camera (tangent lines). */
function sphereBounds(cx: number, cy: number, cz: number, r: number): void {
  const ax = Math.atan2(cx, cz), hx = Math.asin(r / Math.hypot(cx, cz));
  const ay = Math.atan2(cy, cz), hy = Math.asin(r / Math.hypot(cy, cz));
  include(Math.tan(ax - hx), Math.tan(ay - hy));
  include(Math.tan(ax + hx), Math.tan(ay + hy));
}

function aabbBounds(cx: number, cy: number, cz: number, ex: number, ey: number, ez: number, zClip: number): boolean {
  for (let i = 0; i < 8; i++) {
    corner[i * 3] = cx + (i & 1 ? ex : -ex);
    corner[i * 3 + 1] = cy + (i & 2 ? ey : -ey);
    corner[i * 3 + 2] = cz + (i & 4 ? ez : -ez);
  }
  return clippedHullBounds(zClip);
}

/** The 8 corners centre ± a·A ± b·B ± c·C, axes read from p at offsets oa, ob, oc. */
function setCorners(cx: number, cy: number, cz: number, p: Float64Array, oa: number, a: number, ob: number, b: number, oc: number, c: number): void {
  for (let i = 0; i < 8; i++) {
    const sa = i & 1 ? a : -a, sb = i & 2 ? b : -b, sc = i & 4 ? c : -c;
    corner[i * 3] = cx + sa * p[oa]! + sb * p[ob]! + sc * p[oc]!;
    corner[i * 3 + 1] = cy + sa * p[oa + 1]! + sb * p[ob + 1]! + sc * p[oc + 1]!;
    corner[i * 3 + 2] = cz + sa * p[oa + 2]! + sb * p[ob + 2]! + sc * p[oc + 2]!;
  }
}

/**
 * Bounds of the part of the box `corner` with z ≥ zClip: a convex polytope whose vertices are the
 * corners in front plus the crossings of the box edges with the clip plane. x/z and y/z, being
 * linear-fractional, take their extremes at those vertices.
 */
function clippedHullBounds(zClip: number): boolean {
  let any = false;
  for (let i = 0; i < 8; i++) {
    const z = corner[i * 3 + 2]!;
    if (z >= zClip) {
      include(corner[i * 3]! / z, corner[i * 3 + 1]! / z);
      any = true;
    }
    for (let bit = 1; bit < 8; bit <<= 1) {
      if (i & bit) continue;
      const j = i | bit;
      const zj = corner[j * 3 + 2]!;
      if (z >= zClip === zj >= zClip) continue;
      const s = (zClip - z) / (zj - z);
      const x = corner[i * 3]! + s * (corner[j * 3]! - corner[i * 3]!);
      const y = corner[i * 3 + 1]! + s * (corner[j * 3 + 1]! - corner[i * 3 + 1]!);
      include(x / zClip, y / zClip);
      any = true;
    }
  }
  return any;
}

function include(x: number, y: number): void {
  if (x < nb[0]!) nb[0] = x;
  if (x > nb[1]!) nb[1] = x;
  if (y < nb[2]!) nb[2] = y;
  if (y > nb[3]!) nb[3] = y;
}

/** Pixels whose column / row can hold a ray inside the normalized bounds (padded for rounding). */
function toPixels(rays: CameraRays, out: PixelRect): boolean {
  const pad = 1e-7;
  const x0 = nb[0]! - pad * (1 + Math.abs(nb[0]!)), x1 = nb[1]! + pad * (1 + Math.abs(nb[1]!));
  const y0 = nb[2]! - pad * (1 + Math.abs(nb[2]!)), y1 = nb[3]! + pad * (1 + Math.abs(nb[3]!));
  if (!rangeOf(rays.colMinX, rays.colMaxX, x0, x1)) return false;
  const u0 = range[0]!, u1 = range[1]!;
  if (!rangeOf(rays.rowMinY, rays.rowMaxY, y0, y1)) return false;
  out.u0 = u0;
  out.u1 = u1;
  out.v0 = range[0]!;
  out.v1 = range[1]!;
  return true;
}

const range = new Int32Array(2);

/**
 * The indices [a, b) from the first to the last whose range [min[i], max[i]] meets [lo, hi],
 * into `range` (by bisection when the ranges are sorted); false when none does.
 */
function rangeOf(min: Float64Array, max: Float64Array, lo: number, hi: number): boolean {
  const n = min.length;
  let a = -1, b = -1;
  if (sortedRanges(min, max)) {
    let l = 0, h = n;
    while (l < h) {
      const m = (l + h) >> 1;
      if (max[m]! < lo) l = m + 1;
      else h = m;
    }
    a = l;
    h = n;
    while (l < h) {
      const m = (l + h) >> 1;
      if (min[m]! <= hi) l = m + 1;
      else h = m;
    }
    b = l;
    if (b <= a) return false;
  } else {
    for (let i = 0; i < n; i++) {
      if (max[i]! >= lo && min[i]! <= hi) {
        if (a < 0) a = i;
        b = i + 1;
      }
    }
    if (a < 0) return false;
  }
  range[0] = a;
  range[1] = b;
  return true;
}

const sortedCache = new WeakMap<Float64Array, boolean>();

/** Whether min and max are finite and non-decreasing (found once per array). */
function sortedRanges(min: Float64Array, max: Float64Array): boolean {
  let sorted = sortedCache.get(min);
  if (sorted === undefined) {
    sorted = true;
    for (let i = 0; i < min.length && sorted; i++) {
      if (!Number.isFinite(min[i]!) || !Number.isFinite(max[i]!)) sorted = false;
      else if (i > 0 && !(min[i]! >= min[i - 1]! && max[i]! >= max[i - 1]!)) sorted = false;
    }
    sortedCache.set(min, sorted);
  }
  return sorted;
}

/**
 * The rectangle of the piece of capsule k between fractions s0 and s1 of its axis. A long capsule
 * seen diagonally has a bounding rectangle that is mostly empty; casting it over the rectangles
 * of a few pieces instead tests far fewer pixels, and their union still covers it.
 */
export function capsulePieceRect(scene: CompiledScene, k: number, s0: number, s1: number, rays: CameraRays, zClip: number, out: PixelRect): boolean {
  const p = scene.params;
  const o = k * STRIDE;
  const r = p[o + 6]!;
  const ax = p[o]! + s0 * p[o + 3]!, ay = p[o + 1]! + s0 * p[o + 4]!, az = p[o + 2]! + s0 * p[o + 5]!;
  const bx = p[o]! + s1 * p[o + 3]!, by = p[o + 1]! + s1 * p[o + 4]!, bz = p[o + 2]! + s1 * p[o + 5]!;
  nb[0] = Infinity;
  nb[1] = -Infinity;
  nb[2] = Infinity;
  nb[3] = -Infinity;
  if (az - r > zClip && bz - r > zClip) {
    sphereBounds(ax, ay, az, r);
    sphereBounds(bx, by, bz, r);
  } else {
    const cx = (ax + bx) / 2, cy = (ay + by) / 2, cz = (az + bz) / 2;
    if (!aabbBounds(cx, cy, cz, Math.abs(bx - ax) / 2 + r, Math.abs(by - ay) / 2 + r, Math.abs(bz - az) / 2 + r, zClip)) return false;
  }
  return toPixels(rays, out);
}

const sortedColumns = new WeakMap<CameraRays, boolean>();

/**
 * Whether the per-column x ranges are non-decreasing left to right (any lens that does not fold
 * columns over), so span ends can be found by bisection; found once per ray table.
 */
function columnsSorted(rays: CameraRays): boolean {
  let sorted = sortedColumns.get(rays);
  if (sorted === undefined) {
    sorted = true;
    for (let u = 1; u < rays.width && sorted; u++) {
      // Columns without rays (±Infinity) break the order: bisection is then not used.
      if (!(rays.colMinX[u]! >= rays.colMinX[u - 1]! && rays.colMaxX[u]! >= rays.colMaxX[u - 1]!)) sorted = false;
      if (!Number.isFinite(rays.colMinX[u]!) || !Number.isFinite(rays.colMaxX[u]!)) sorted = false;
    }
    if (!Number.isFinite(rays.colMinX[0]!) || !Number.isFinite(rays.colMaxX[0]!)) sorted = false;
    sortedColumns.set(rays, sorted);
  }
  return sorted;
}

const MAX_HULL_POINTS = 16;
const hullX = new Float64Array(2 * MAX_HULL_POINTS + 1);
const hullY = new Float64Array(2 * MAX_HULL_POINTS + 1);
const projX = new Float64Array(MAX_HULL_POINTS);
const projY = new Float64Array(MAX_HULL_POINTS);
const sortIdx = new Int32Array(MAX_HULL_POINTS);
const prism = new Float64Array(3 * MAX_HULL_POINTS);
const edgeLo = new Float64Array(2 * MAX_HULL_POINTS);
const edgeHi = new Float64Array(2 * MAX_HULL_POINTS);
const edgeSlope = new Float64Array(2 * MAX_HULL_POINTS);
/** Octagon circumscribing the unit circle: vertex radius 1 / cos(π/8). */
const OCT_R = 1 / Math.cos(Math.PI / 8);
const OCT_COS = Float64Array.from({ length: 8 }, (_, q) => Math.cos((q + 0.5) * (Math.PI / 4)));
const OCT_SIN = Float64Array.from({ length: 8 }, (_, q) => Math.sin((q + 0.5) * (Math.PI / 4)));

/**
 * Per pixel row of `rect` (primitive k's screen rectangle), the columns [start[v], end[v]) that
 * can see a box, or a capsule through the octagonal prism around it: the rows of the convex hull of the
 * projected corners, mapped to pixels as toPixels does, so a diagonal box or arm link is cast
 * over its silhouette rather than its rectangle. Conservative. Returns false (spans not set)
 * for other kinds, or when a corner lies nearer than zClip.
 */
export function rowSpans(scene: CompiledScene, k: number, rays: CameraRays, zClip: number, rect: PixelRect, start: Int32Array, end: Int32Array): boolean {
  const p = scene.params;
  const o = k * STRIDE;
  const kind = scene.kinds[k];
  let np = 8;
  let pts: Float64Array = corner;
  if (kind === KIND_BOX) setCorners(p[o]!, p[o + 1]!, p[o + 2]!, p, o + 3, p[o + 12]!, o + 6, p[o + 13]!, o + 9, p[o + 14]!);
  else if (kind === KIND_CAPSULE) {
    const r = p[o + 6]!;
    const bax = p[o + 3]!, bay = p[o + 4]!, baz = p[o + 5]!;
    const len = Math.hypot(bax, bay, baz);
    if (!(len > 1e-9)) return false;
    const ex = bax / len, ey = bay / len, ez = baz / len;
    // Two unit vectors across the axis.
    let qx = 0, qy = 0, qz = 0;
    if (Math.abs(ex) < 0.6) qx = 1;
    else qy = 1;
    const dot = qx * ex + qy * ey + qz * ez;
    qx -= dot * ex;
    qy -= dot * ey;
    qz -= dot * ez;
    const ql = Math.hypot(qx, qy, qz);
    qx /= ql;
    qy /= ql;
    qz /= ql;
    const sx = ey * qz - ez * qy, sy = ez * qx - ex * qz, sz = ex * qy - ey * qx;
    // The prism from a − r·e to b + r·e over the octagon around the circle of radius r holds
    // both end spheres and the cylinder between them. (Slightly enlarged against rounding.)
    const ro = r * OCT_R * (1 + 1e-9) + 1e-12, re = r * (1 + 1e-9) + 1e-12;
    for (let end = 0; end < 2; end++) {
      const cx = p[o]! + (end ? bax + re * ex : -re * ex), cy = p[o + 1]! + (end ? bay + re * ey : -re * ey), cz = p[o + 2]! + (end ? baz + re * ez : -re * ez);
      for (let q = 0; q < 8; q++) {
        const ca = OCT_COS[q]! * ro, sa = OCT_SIN[q]! * ro;
        const at = (end * 8 + q) * 3;
        prism[at] = cx + ca * qx + sa * sx;
        prism[at + 1] = cy + ca * qy + sa * sy;
        prism[at + 2] = cz + ca * qz + sa * sz;
      }
    }
    np = 16;
    pts = prism;
  } else return false;
  for (let i = 0; i < np; i++) {
    const z = pts[i * 3 + 2]!;
    if (!(z > zClip)) return false;
    projX[i] = pts[i * 3]! / z;
    projY[i] = pts[i * 3 + 1]! / z;
    sortIdx[i] = i;
  }
  // Convex hull (Andrew's monotone chain) of the projected corners.
  for (let a = 1; a < np; a++) {
    const v = sortIdx[a]!;
    let b = a - 1;
    while (b >= 0 && (projX[sortIdx[b]!]! > projX[v]! || (projX[sortIdx[b]!]! === projX[v]! && projY[sortIdx[b]!]! > projY[v]!))) {
      sortIdx[b + 1] = sortIdx[b]!;
      b--;
    }
    sortIdx[b + 1] = v;
  }
  let h = 0;
  for (let pass = 0; pass < 2; pass++) {
    const base = h;
    for (let q = 0; q < np; q++) {
      const v = sortIdx[pass === 0 ? q : np - 1 - q]!;
      const x = projX[v]!, y = projY[v]!;
      while (h >= base + 2 && (hullX[h - 1]! - hullX[h - 2]!) * (y - hullY[h - 2]!) - (hullY[h - 1]! - hullY[h - 2]!) * (x - hullX[h - 2]!) <= 0) h--;
      hullX[h] = x;
      hullY[h] = y;
      h++;
    }
    h--; // the last point of each chain starts the other
  }
  if (h < 3) return false;
  hullX[h] = hullX[0]!;
  hullY[h] = hullY[0]!;
  // Per edge: its y range and dx/dy (x is linear in y along an edge, so over a row's y band its
  // extremes are at the clipped ends).
  for (let e = 0; e < h; e++) {
    const ay = hullY[e]!, by = hullY[e + 1]!;
    edgeLo[e] = Math.min(ay, by);
    edgeHi[e] = Math.max(ay, by);
    edgeSlope[e] = ay !== by ? (hullX[e + 1]! - hullX[e]!) / (by - ay) : 0;
  }
  const pad = 1e-7;
  const sorted = columnsSorted(rays);
  const colMinX = rays.colMinX, colMaxX = rays.colMaxX;
  for (let v = rect.v0; v < rect.v1; v++) {
    const y0 = rays.rowMinY[v]!, y1 = rays.rowMaxY[v]!;
    let xa = Infinity, xb = -Infinity;
    for (let e = 0; e < h; e++) {
      const lo = edgeLo[e]!, hi = edgeHi[e]!;
      if (hi < y0 || lo > y1) continue;
      const ax = hullX[e]!, ay = hullY[e]!;
      let x0: number, x1: number;
      if (lo === hi) {
        x0 = ax;
        x1 = hullX[e + 1]!;
      } else {
        const k = edgeSlope[e]!;
        x0 = ax + ((y0 > lo ? y0 : lo) - ay) * k;
        x1 = ax + ((y1 < hi ? y1 : hi) - ay) * k;
      }
      if (x0 < xa) xa = x0;
      if (x0 > xb) xb = x0;
      if (x1 < xa) xa = x1;
      if (x1 > xb) xb = x1;
    }
    if (!(xa <= xb)) {
      start[v] = 0;
      end[v] = 0;
      continue;
    }
    xa -= pad * (1 + Math.abs(xa));
    xb += pad * (1 + Math.abs(xb));
    let u0 = rect.u0, u1 = rect.u1;
    if (sorted) {
      // First column whose largest x reaches xa; one past the last whose smallest x is ≤ xb.
      let lo = u0, hi = u1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (colMaxX[mid]! < xa) lo = mid + 1;
        else hi = mid;
      }
      u0 = lo;
      lo = u0;
      hi = u1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (colMinX[mid]! <= xb) lo = mid + 1;
        else hi = mid;
      }
      u1 = lo;
    } else {
      while (u0 < u1 && colMaxX[u0]! < xa) u0++;
      while (u1 > u0 && colMinX[u1 - 1]! > xb) u1--;
    }
    start[v] = u0;
    end[v] = u1;
  }
  return true;
}
