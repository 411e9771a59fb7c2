// Colour and depth of pixels from the nearest-hit buffers. Pixels are walked in runs of equal
// primitive id (neighbouring pixels mostly see the same surface), and each run goes to a small
// loop specialised for its kind, which V8 compiles far better than one loop that branches on the
// kind and calls out per pixel.
import { KIND_BOX, KIND_CAPSULE, KIND_PLANE, MAT_STRIDE, STRIDE, type CompiledScene } from "./compiled-scene.ts";
import { surfaceAt } from "./surface.ts";

export interface ShadeInputs {
  ids: Int16Array;
  nearest: Float32Array;
  dirs: Float32Array;
  compiled: CompiledScene;
  /** Per plane primitive, its two checker colours already shaded for this frame. */
  planeColours: Float64Array;
  /** Direction towards the light, sensor frame. */
  light: Float64Array;
  ambient: number;
  background: readonly [number, number, number];
  /** 1 / (metres per depth unit). */
  depthPerMetre: number;
  /** Scratch: ray [dx, dy, dz, t] and surface [nx, ny, nz, parity]. */
  ray: Float64Array;
  surface: Float64Array;
  /** Scratch: a box's 12 face colours (boxRun). */
  boxColours: Float64Array;
}

/**
 * Shades pixels [i0, i1) whose winning primitive index is ≥ minId (−1: all, background too),
 * except those won by `skipId`, which are already shaded.
 */
export function shadeRange(s: ShadeInputs, i0: number, i1: number, minId: number, rgb: Uint8Array | undefined, depth: Uint16Array | undefined, skipId = -2): void {
  const ids = s.ids;
  const kinds = s.compiled.kinds;
  let i = i0;
  while (i < i1) {
    const k = ids[i]!;
    let e = i + 1;
    while (e < i1 && ids[e] === k) e++;
    if (k >= minId && k !== skipId) {
      if (k < 0) {
        if (depth) depth.fill(0, i, e);
        if (rgb) fillColour(rgb, i, e, s.background[0], s.background[1], s.background[2]);
      } else {
        if (depth) depthRun(s.nearest, s.dirs, s.depthPerMetre, depth, i, e);
        if (rgb) {
          const kind = kinds[k];
          if (kind === KIND_PLANE) planeRun(s, k, rgb, i, e);
          else if (kind === KIND_CAPSULE) capsuleRun(s, k, rgb, i, e);
          else if (kind === KIND_BOX) boxRun(s, k, rgb, i, e);
          else surfaceRun(s, k, rgb, i, e);
        }
      }
    }
    i = e;
  }
}

function fillColour(rgb: Uint8Array, i0: number, i1: number, r: number, g: number, b: number): void {
  for (let j = i0 * 3, end = i1 * 3; j < end; j += 3) {
    rgb[j] = r;
    rgb[j + 1] = g;
    rgb[j + 2] = b;
  }
}

/** Depth along the optical axis, rounded to the nearest unit; beyond 16 bits is no return. */
function depthRun(nearest: Float32Array, dirs: Float32Array, perMetre: number, depth: Uint16Array, i0: number, i1: number): void {
  for (let i = i0; i < i1; i++) {
    // Non-negative, so truncating x + 0.5 rounds half up like Math.round, at a fraction of its cost.
    const d = (nearest[i]! * dirs[i * 3 + 2]! * perMetre + 0.5) | 0;
    depth[i] = d > 65535 ? 0 : d;
  }
}

function planeRun(s: ShadeInputs, k: number, rgb: Uint8Array, i0: number, i1: number): void {
  const pc = s.planeColours;
  const c = k * 6;
  const r0 = pc[c]!, g0 = pc[c + 1]!, b0 = pc[c + 2]!;
  const size = s.compiled.mats[k * MAT_STRIDE + 6]!;
  if (!(size > 0)) {
    fillColour(rgb, i0, i1, r0, g0, b0);
    return;
  }
  const r1 = pc[c + 3]!, g1 = pc[c + 4]!, b1 = pc[c + 5]!;
  const p = s.compiled.params;
  const o = k * STRIDE;
  const inv = 1 / size;
  const ux = p[o + 4]!, uy = p[o + 5]!, uz = p[o + 6]!, uOff = p[o + 7]!;
  const vx = p[o + 8]!, vy = p[o + 9]!, vz = p[o + 10]!, vOff = p[o + 11]!;
  const nearest = s.nearest, dirs = s.dirs;
  for (let i = i0; i < i1; i++) {
    const j = i * 3;
    const t = nearest[i]!;
    const dx = dirs[j]!, dy = dirs[j + 1]!, dz = dirs[j + 2]!;
    // In-plane coordinates t·(U·d) − U·p; the same expression as castAndShadePlane, to the bit.
    const pu = (t * (ux * dx + uy * dy + uz * dz) - uOff) * inv;
    const pv = (t * (vx * dx + vy * dy + vz * dz) - vOff) * inv;
    if ((Math.floor(pu) + Math.floor(pv)) & 1) {
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

/** Curved and boxy surfaces: per-pixel normal, Lambert with one directional light + ambient. */
function surfaceRun(s: ShadeInputs, k: number, rgb: Uint8Array, i0: number, i1: number): void {
  const nearest = s.nearest, dirs = s.dirs, ray = s.ray, n = s.surface, mats = s.compiled.mats;
  const lx = s.light[0]!, ly = s.light[1]!, lz = s.light[2]!;
  const ambient = s.ambient, diffuse = 1 - ambient;
  for (let i = i0; i < i1; i++) {
    const j = i * 3;
    ray[0] = dirs[j]!;
    ray[1] = dirs[j + 1]!;
    ray[2] = dirs[j + 2]!;
    ray[3] = nearest[i]!;
    surfaceAt(s.compiled, k, ray, n);
    const lambert = n[0]! * lx + n[1]! * ly + n[2]! * lz;
    const f = ambient + (lambert > 0 ? diffuse * lambert : 0);
    const mo = k * MAT_STRIDE + (n[3] === 1 ? 3 : 0);
    rgb[j] = mats[mo]! * f + 0.5;
    rgb[j + 1] = mats[mo + 1]! * f + 0.5;
    rgb[j + 2] = mats[mo + 2]! * f + 0.5;
  }
}

/**
 * Capsules (the arm links) cover much of a head camera's view, so their normal is computed
 * inline here; it is surfaceAt's capsule case, which the LiDAR uses.
 */
function capsuleRun(s: ShadeInputs, k: number, rgb: Uint8Array, i0: number, i1: number): void {
  const p = s.compiled.params;
  const o = k * STRIDE;
  const ax = p[o]!, ay = p[o + 1]!, az = p[o + 2]!;
  const bax = p[o + 3]!, bay = p[o + 4]!, baz = p[o + 5]!;
  const invBaba = 1 / p[o + 7]!, invR = 1 / p[o + 6]!;
  const mo = k * MAT_STRIDE, mats = s.compiled.mats;
  const cr = mats[mo]!, cg = mats[mo + 1]!, cb = mats[mo + 2]!;
  const lx = s.light[0]!, ly = s.light[1]!, lz = s.light[2]!;
  const ambient = s.ambient, diffuse = 1 - ambient;
  const nearest = s.nearest, dirs = s.dirs;
  for (let i = i0; i < i1; i++) {
    const j = i * 3;
    const t = nearest[i]!;
    const dx = dirs[j]!, dy = dirs[j + 1]!, dz = dirs[j + 2]!;
    const hx = t * dx - ax, hy = t * dy - ay, hz = t * dz - az;
    let u = (hx * bax + hy * bay + hz * baz) * invBaba;
    u = u < 0 ? 0 : u > 1 ? 1 : u;
    let nx = (hx - u * bax) * invR, ny = (hy - u * bay) * invR, nz = (hz - u * baz) * invR;
    if (nx * dx + ny * dy + nz * dz > 0) {
      nx = -nx;
      ny = -ny;
      nz = -nz;
    }
    const lambert = nx * lx + ny * ly + nz * lz;
    const f = ambient + (lambert > 0 ? diffuse * lambert : 0);
    rgb[j] = cr * f + 0.5;
    rgb[j + 1] = cg * f + 0.5;
    rgb[j + 2] = cb * f + 0.5;
  }
}

/**
 * Boxes (tray, object, gripper parts): the face is found in the box frame and its normal's
 * Lambert factor is one of six per-run constants; checker squares run along the face. This is
 * surfaceAt's box case, inlined for speed.
 */
function boxRun(s: ShadeInputs, k: number, rgb: Uint8Array, i0: number, i1: number): void {
  const p = s.compiled.params, mats = s.compiled.mats;
  const o = k * STRIDE;
  const xx = p[o + 3]!, xy = p[o + 4]!, xz = p[o + 5]!;
  const yx = p[o + 6]!, yy = p[o + 7]!, yz = p[o + 8]!;
  const zx = p[o + 9]!, zy = p[o + 10]!, zz = p[o + 11]!;
  const ihx = 1 / p[o + 12]!, ihy = 1 / p[o + 13]!, ihz = 1 / p[o + 14]!;
  const ox = p[o + 15]!, oy = p[o + 16]!, oz = p[o + 17]!;
  const lx = s.light[0]!, ly = s.light[1]!, lz = s.light[2]!;
  const ambient = s.ambient, diffuse = 1 - ambient;
  // Lambert factor of each face normal ±axis; the sign flips towards the sensor per pixel below.
  const lamX = xx * lx + xy * ly + xz * lz, lamY = yx * lx + yy * ly + yz * lz, lamZ = zx * lx + zy * ly + zz * lz;
  const mo = k * MAT_STRIDE;
  const size = mats[mo + 6]!;
  const inv = size > 0 ? 1 / size : 0;
  // The colour of each (axis, ±lambert, checker colour): 3 × 2 × 2 entries of rgb, each the
  // value the per-pixel formula would store.
  const table = s.boxColours;
  for (let axis = 0; axis < 3; axis++) {
    const lam = axis === 0 ? lamX : axis === 1 ? lamY : lamZ;
    for (let sign = 0; sign < 2; sign++) {
      const lambert = sign === 0 ? lam : -lam;
      const f = ambient + (lambert > 0 ? diffuse * lambert : 0);
      for (let second = 0; second < 2; second++) {
        const m = mo + second * 3, e = ((axis * 2 + sign) * 2 + second) * 3;
        table[e] = mats[m]! * f + 0.5;
        table[e + 1] = mats[m + 1]! * f + 0.5;
        table[e + 2] = mats[m + 2]! * f + 0.5;
      }
    }
  }
  const nearest = s.nearest, dirs = s.dirs;
  const faces = s.compiled.boxFaces;
  if (faces && !(inv > 0)) {
    // One colour per face, the face the cast entered through (seen from outside, its normal
    // faces the sensor: no flip).
    for (let i = i0; i < i1; i++) {
      const j = i * 3;
      const e = (faces[i]! - 1) * 6;
      rgb[j] = table[e]!;
      rgb[j + 1] = table[e + 1]!;
      rgb[j + 2] = table[e + 2]!;
    }
    return;
  }
  for (let i = i0; i < i1; i++) {
    const j = i * 3;
    const t = nearest[i]!;
    const dx = dirs[j]!, dy = dirs[j + 1]!, dz = dirs[j + 2]!;
    const ddx = xx * dx + xy * dy + xz * dz, ddy = yx * dx + yy * dy + yz * dz, ddz = zx * dx + zy * dy + zz * dz;
    const bx = ox + t * ddx, by = oy + t * ddy, bz = oz + t * ddz;
    const rx = Math.abs(bx) * ihx, ry = Math.abs(by) * ihy, rz = Math.abs(bz) * ihz;
    // Face normal sign·axis; the lambert is negated when that normal faces away from the ray.
    let e: number, fa: number, fb: number;
    if (rx >= ry && rx >= rz) {
      e = (bx < 0 ? -ddx : ddx) > 0 !== bx < 0 ? 2 : 0;
      fa = by;
      fb = bz;
    } else if (ry >= rz) {
      e = (by < 0 ? -ddy : ddy) > 0 !== by < 0 ? 6 : 4;
      fa = bx;
      fb = bz;
    } else {
      e = (bz < 0 ? -ddz : ddz) > 0 !== bz < 0 ? 10 : 8;
      fa = bx;
      fb = by;
    }
    if (inv > 0 && (Math.floor(fa * inv) + Math.floor(fb * inv)) & 1) e++;
    e *= 3;
    rgb[j] = table[e]!;
    rgb[j + 1] = table[e + 1]!;
    rgb[j + 2] = table[e + 2]!;
  }
}
