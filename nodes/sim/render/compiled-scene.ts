// Scene primitives flattened into typed arrays and expressed in one sensor's frame, so that every
// ray starts at the origin and the hot loops read numbers, never objects. Rebuilt per frame for
// the few moving primitives; cheap because a scene has tens of primitives, not thousands.
import type { Primitive, Vec3 } from "../types.ts";

export const KIND_PLANE = 0;
export const KIND_SPHERE = 1;
export const KIND_CAPSULE = 2;
export const KIND_BOX = 3;

/** Floats per primitive in `params`. */
export const STRIDE = 24;
/** Floats per primitive in `mats`: colour rgb, checker rgb, checker size (0 = none), reflectivity. */
export const MAT_STRIDE = 8;

// Parameter layouts (sensor frame), offsets within a primitive's STRIDE block:
// plane:   n[0..2], n·p [3], U[4..6], U·p [7], V[8..10], V·p [11], halfU [12], halfV [13], point [14..16]
// sphere:  C[0..2], r [3], C·C − r² [4]
// capsule: a[0..2], ba = b − a [3..5], r [6], ba·ba [7], −ba·a [8], a·a [9], r² [10], b[11..13],
//          ba·ba·a·a − (ba·a)² − r²·ba·ba [14], a·a − r² [15], b·b − r² [16]
// box:     C[0..2], local axes X[3..5] Y[6..8] Z[9..11], half extents [12..14], origin in box frame [15..17]

export class CompiledScene {
  count = 0;
  kinds = new Uint8Array(16);
  params = new Float64Array(16 * STRIDE);
  mats = new Float64Array(16 * MAT_STRIDE);
  /**
   * Optional per-ray buffer: where a box wins a ray, its cast writes 1 + the face it entered
   * (axis · 2 + 1 when the face is at −half extent), so shading need not find the face again.
   */
  boxFaces: Uint8Array | undefined;

  clear(): void {
    this.count = 0;
  }

  private grow(): void {
    const cap = this.kinds.length * 2;
    const kinds = new Uint8Array(cap);
    kinds.set(this.kinds);
    const params = new Float64Array(cap * STRIDE);
    params.set(this.params);
    const mats = new Float64Array(cap * MAT_STRIDE);
    mats.set(this.mats);
    this.kinds = kinds;
    this.params = params;
    this.mats = mats;
  }

  /** Append primitives, moved into the sensor frame by sensor_T_base (column-major 4×4). */
  addAll(prims: readonly Primitive[], sensorTBase: Float64Array): void {
    for (const prim of prims) this.add(prim, sensorTBase);
  }

  add(prim: Primitive, m: Float64Array): void {
    if (this.count === this.kinds.length) this.grow();
    const k = this.count++;
    const o = k * STRIDE;
    const p = this.params;
    p.fill(0, o, o + STRIDE);
    const mo = k * MAT_STRIDE;
    const mat = prim.material;
    const second = mat.checker ? mat.checker.color : mat.color;
    for (let ch = 0; ch < 3; ch++) {
      this.mats[mo + ch] = clampByte(mat.color[ch]!);
      this.mats[mo + 3 + ch] = clampByte(second[ch]!);
    }
    this.mats[mo + 6] = mat.checker && mat.checker.size > 0 ? mat.checker.size : 0;
    this.mats[mo + 7] = mat.intensity;
    switch (prim.kind) {
      case "plane": {
        this.kinds[k] = KIND_PLANE;
        const n = normalize(prim.normal);
        const u = planeAxisU(n, prim.pose?.orientation);
        const v = cross(n, u);
        rotateInto(m, n, p, o);
        rotateInto(m, u, p, o + 4);
        rotateInto(m, v, p, o + 8);
        const c = transformPoint(m, prim.point);
        p[o + 3] = p[o]! * c[0] + p[o + 1]! * c[1] + p[o + 2]! * c[2];
        p[o + 7] = p[o + 4]! * c[0] + p[o + 5]! * c[1] + p[o + 6]! * c[2];
        p[o + 11] = p[o + 8]! * c[0] + p[o + 9]! * c[1] + p[o + 10]! * c[2];
        p[o + 12] = prim.halfExtents ? prim.halfExtents[0] : Infinity;
        p[o + 13] = prim.halfExtents ? prim.halfExtents[1] : Infinity;
        p[o + 14] = c[0];
        p[o + 15] = c[1];
        p[o + 16] = c[2];
        break;
      }
      case "sphere": {
        this.kinds[k] = KIND_SPHERE;
        const c = transformPoint(m, prim.center);
        p[o] = c[0];
        p[o + 1] = c[1];
        p[o + 2] = c[2];
        p[o + 3] = prim.radius;
        p[o + 4] = c[0] * c[0] + c[1] * c[1] + c[2] * c[2] - prim.radius * prim.radius;
        break;
      }
      case "capsule": {
        this.kinds[k] = KIND_CAPSULE;
        const a = transformPoint(m, prim.a);
        const b = transformPoint(m, prim.b);
        const ba: Vec3 = [b[0] - a[0], b[1] - a[1], b[2] - a[2]];
        p[o] = a[0];
        p[o + 1] = a[1];
        p[o + 2] = a[2];
        p[o + 3] = ba[0];
        p[o + 4] = ba[1];
        p[o + 5] = ba[2];
        p[o + 6] = prim.radius;
        p[o + 7] = dot(ba, ba);
        p[o + 8] = -dot(ba, a);
        p[o + 9] = dot(a, a);
        p[o + 10] = prim.radius * prim.radius;
        p[o + 11] = b[0];
        p[o + 12] = b[1];
        p[o + 13] = b[2];
        const baba = p[o + 7]!, baoa = p[o + 8]!, oaoa = p[o + 9]!, r2 = p[o + 10]!;
        p[o + 14] = baba * oaoa - baoa * baoa - r2 * baba;
        p[o + 15] = oaoa - r2;
        p[o + 16] = dot(b, b) - r2;
        break;
      }
      case "box": {
        this.kinds[k] = KIND_BOX;
        const c = transformPoint(m, prim.pose.position);
        const [qx, qy, qz, qw] = prim.pose.orientation;
        const qn = Math.hypot(qx, qy, qz, qw) || 1;
        const x = qx / qn, y = qy / qn, z = qz / qn, w = qw / qn;
        // Columns of the box's rotation: its local axes in the base frame.
        const ax: Vec3 = [1 - 2 * (y * y + z * z), 2 * (x * y + z * w), 2 * (x * z - y * w)];
        const ay: Vec3 = [2 * (x * y - z * w), 1 - 2 * (x * x + z * z), 2 * (y * z + x * w)];
        const az: Vec3 = [2 * (x * z + y * w), 2 * (y * z - x * w), 1 - 2 * (x * x + y * y)];
        p[o] = c[0];
        p[o + 1] = c[1];
        p[o + 2] = c[2];
        rotateInto(m, ax, p, o + 3);
        rotateInto(m, ay, p, o + 6);
        rotateInto(m, az, p, o + 9);
        p[o + 12] = prim.halfExtents[0];
        p[o + 13] = prim.halfExtents[1];
        p[o + 14] = prim.halfExtents[2];
        for (let axis = 0; axis < 3; axis++) {
          const ao = o + 3 + axis * 3;
          p[o + 15 + axis] = -(p[ao]! * c[0] + p[ao + 1]! * c[1] + p[ao + 2]! * c[2]);
        }
        break;
      }
      default: {
        const never: never = prim;
        throw new Error(`renderer: unknown primitive ${JSON.stringify(never)}`);
      }
    }
  }
}

function clampByte(x: number): number {
  return x > 255 ? 255 : x > 0 ? x : 0;
}

function dot(a: Vec3, b: Vec3): number {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

function cross(a: Vec3, b: Vec3): Vec3 {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

function normalize(v: Vec3): Vec3 {
  const n = Math.hypot(v[0], v[1], v[2]);
  if (!(n > 0)) throw new Error("renderer: plane normal has zero length");
  return [v[0] / n, v[1] / n, v[2] / n];
}

/**
 * The plane's first in-plane axis (checker and half extents run along it): the pose's x axis
 * when a pose is given, else base_link x, projected onto the plane, so a table at z = 0 gets its
 * checker squares aligned with x and y.
 */
function planeAxisU(n: Vec3, orientation: readonly number[] | undefined): Vec3 {
  let hint: Vec3 = [1, 0, 0];
  if (orientation) {
    const [x, y, z, w] = orientation as [number, number, number, number];
    hint = [1 - 2 * (y * y + z * z), 2 * (x * y + z * w), 2 * (x * z - y * w)];
  }
  let d = dot(hint, n);
  let u: Vec3 = [hint[0] - d * n[0], hint[1] - d * n[1], hint[2] - d * n[2]];
  if (Math.hypot(u[0], u[1], u[2]) < 1e-6) {
    hint = [0, 1, 0];
    d = dot(hint, n);
    u = [hint[0] - d * n[0], hint[1] - d * n[1], hint[2] - d * n[2]];
  }
  return normalize(u);
}

function transformPoint(m: Float64Array, v: readonly number[]): Vec3 {
  const x = v[0]!, y = v[1]!, z = v[2]!;
  return [
    m[0]! * x + m[4]! * y + m[8]! * z + m[12]!,
    m[1]! * x + m[5]! * y + m[9]! * z + m[13]!,
    m[2]! * x + m[6]! * y + m[10]! * z + m[14]!,
  ];
}

function rotateInto(m: Float64Array, v: Vec3, out: Float64Array, o: number): void {
  out[o] = m[0]! * v[0] + m[4]! * v[1] + m[8]! * v[2];
  out[o + 1] = m[1]! * v[0] + m[5]! * v[1] + m[9]! * v[2];
  out[o + 2] = m[2]! * v[0] + m[6]! * v[1] + m[10]! * v[2];
}
