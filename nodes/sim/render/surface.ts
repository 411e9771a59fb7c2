// What a ray sees where it hits: the surface normal (facing the sensor) and which checker colour
// lies there. Shared by the camera shading and the LiDAR intensity model.
import { KIND_BOX, KIND_CAPSULE, KIND_PLANE, KIND_SPHERE, MAT_STRIDE, STRIDE, type CompiledScene } from "./compiled-scene.ts";

/**
 * For the hit of ray = [dx, dy, dz, t] on primitive k, writes out[0..2] = unit normal at t·d
 * (sensor frame, flipped towards the sensor) and out[3] = 1 when the hit lies on the material's
 * second checker colour, else 0. The ray comes in an array because doubles passed as arguments
 * to a call that is not inlined are boxed: one allocation each, per pixel.
 */
export function surfaceAt(scene: CompiledScene, k: number, ray: Float64Array, out: Float64Array): void {
  const dx = ray[0]!, dy = ray[1]!, dz = ray[2]!, t = ray[3]!;
  const p = scene.params;
  const o = k * STRIDE;
  const size = scene.mats[k * MAT_STRIDE + 6]!;
  let nx = 0, ny = 0, nz = 1;
  let parity = 0;
  const hx = t * dx, hy = t * dy, hz = t * dz;
  switch (scene.kinds[k]) {
    case KIND_PLANE: {
      nx = p[o]!;
      ny = p[o + 1]!;
      nz = p[o + 2]!;
      if (size > 0) {
        const pu = t * (p[o + 4]! * dx + p[o + 5]! * dy + p[o + 6]! * dz) - p[o + 7]!;
        const pv = t * (p[o + 8]! * dx + p[o + 9]! * dy + p[o + 10]! * dz) - p[o + 11]!;
        parity = (Math.floor(pu / size) + Math.floor(pv / size)) & 1;
      }
      break;
    }
    case KIND_SPHERE: {
      const inv = 1 / p[o + 3]!;
      nx = (hx - p[o]!) * inv;
      ny = (hy - p[o + 1]!) * inv;
      nz = (hz - p[o + 2]!) * inv;
      break;
    }
    case KIND_CAPSULE: {
      const ax = p[o]!, ay = p[o + 1]!, az = p[o + 2]!;
      const bax = p[o + 3]!, bay = p[o + 4]!, baz = p[o + 5]!;
      let s = ((hx - ax) * bax + (hy - ay) * bay + (hz - az) * baz) / p[o + 7]!;
      s = s < 0 ? 0 : s > 1 ? 1 : s;
      const inv = 1 / p[o + 6]!;
      nx = (hx - ax - s * bax) * inv;
      ny = (hy - ay - s * bay) * inv;
      nz = (hz - az - s * baz) * inv;
      break;
    }
    case KIND_BOX: {
      // The face is the local axis along which the hit lies furthest out relative to the extent.
      const lx = p[o + 15]! + t * (p[o + 3]! * dx + p[o + 4]! * dy + p[o + 5]! * dz);
      const ly = p[o + 16]! + t * (p[o + 6]! * dx + p[o + 7]! * dy + p[o + 8]! * dz);
      const lz = p[o + 17]! + t * (p[o + 9]! * dx + p[o + 10]! * dy + p[o + 11]! * dz);
      const rx = Math.abs(lx) / p[o + 12]!, ry = Math.abs(ly) / p[o + 13]!, rz = Math.abs(lz) / p[o + 14]!;
      let axis: number, fa: number, fb: number, sign: number;
      if (rx >= ry && rx >= rz) {
        axis = 3; sign = lx < 0 ? -1 : 1; fa = ly; fb = lz;
      } else if (ry >= rz) {
        axis = 6; sign = ly < 0 ? -1 : 1; fa = lx; fb = lz;
      } else {
        axis = 9; sign = lz < 0 ? -1 : 1; fa = lx; fb = ly;
      }
      nx = sign * p[o + axis]!;
      ny = sign * p[o + axis + 1]!;
      nz = sign * p[o + axis + 2]!;
      if (size > 0) parity = (Math.floor(fa / size) + Math.floor(fb / size)) & 1;
      break;
    }
  }
  // Seen from behind (a plane from below, the inside of a shape): light the side that faces us.
  if (nx * dx + ny * dy + nz * dz > 0) {
    nx = -nx;
    ny = -ny;
    nz = -nz;
  }
  out[0] = nx;
  out[1] = ny;
  out[2] = nz;
  out[3] = parity;
}
