// Ray casting of one primitive over a rectangle of a ray table, keeping the nearest hit per ray
// in a depth buffer; each cast returns how many rays it won. Rays start at the sensor origin (the scene is already in the sensor frame).
// One tight loop per primitive kind: the kind switch happens once per rectangle, not per ray.
import { KIND_BOX, KIND_CAPSULE, KIND_PLANE, KIND_SPHERE, STRIDE, type CompiledScene } from "./compiled-scene.ts";

/**
 * A rectangle [u0, u1) × [v0, v1) of rays, row-major with `width` rays per row. `nearest[i]`
 * holds the nearest ray distance so far and `hit[i]` its primitive index; a hit wins when it is
 * beyond `tMin` and strictly nearer, so ties go to the earlier primitive in every code path.
 */
export function castRect(
  scene: CompiledScene,
  k: number,
  dirs: Float32Array,
  width: number,
  u0: number,
  u1: number,
  v0: number,
  v1: number,
  tMin: number,
  nearest: Float32Array,
  hit: Int16Array,
): number {
  switch (scene.kinds[k]) {
    case KIND_PLANE:
      return castPlane(scene.params, k, dirs, width, u0, u1, v0, v1, tMin, nearest, hit);
    case KIND_SPHERE:
      return castSphere(scene.params, k, dirs, width, u0, u1, v0, v1, tMin, nearest, hit);
    case KIND_CAPSULE:
      return castCapsule(scene.params, k, dirs, width, u0, u1, v0, v1, tMin, nearest, hit);
    case KIND_BOX:
      return castBox(scene.params, k, dirs, width, u0, u1, v0, v1, tMin, nearest, hit);
    default:
      throw new Error(`renderer: primitive ${k} has an unknown kind`);
  }
}

function castPlane(p: Float64Array, k: number, dirs: Float32Array, width: number, u0: number, u1: number, v0: number, v1: number, tMin: number, nearest: Float32Array, hit: Int16Array): number {
  const o = k * STRIDE;
  let wins = 0;
  const nx = p[o]!, ny = p[o + 1]!, nz = p[o + 2]!, c = p[o + 3]!;
  const ux = p[o + 4]!, uy = p[o + 5]!, uz = p[o + 6]!, uOff = p[o + 7]!;
  const vx = p[o + 8]!, vy = p[o + 9]!, vz = p[o + 10]!, vOff = p[o + 11]!;
  const hu = p[o + 12]!, hv = p[o + 13]!;
  const bounded = hu !== Infinity || hv !== Infinity;
  for (let v = v0; v < v1; v++) {
    const rowEnd = v * width + u1;
    for (let i = v * width + u0; i < rowEnd; i++) {
      const j = i * 3;
      const dx = dirs[j]!, dy = dirs[j + 1]!, dz = dirs[j + 2]!;
      const t = c / (nx * dx + ny * dy + nz * dz);
      if (!(t > tMin && t < nearest[i]!)) continue;
      if (bounded) {
        const pu = t * (ux * dx + uy * dy + uz * dz) - uOff;
        if (pu > hu || pu < -hu) continue;
        const pv = t * (vx * dx + vy * dy + vz * dz) - vOff;
        if (pv > hv || pv < -hv) continue;
      }
      nearest[i] = t;
      hit[i] = k;
      wins++;
    }
  }
  return wins;
}

function castSphere(p: Float64Array, k: number, dirs: Float32Array, width: number, u0: number, u1: number, v0: number, v1: number, tMin: number, nearest: Float32Array, hit: Int16Array): number {
  const o = k * STRIDE;
  let wins = 0;
  const cx = p[o]!, cy = p[o + 1]!, cz = p[o + 2]!, cc = p[o + 4]!;
  for (let v = v0; v < v1; v++) {
    const rowEnd = v * width + u1;
    for (let i = v * width + u0; i < rowEnd; i++) {
      const j = i * 3;
      const b = cx * dirs[j]! + cy * dirs[j + 1]! + cz * dirs[j + 2]!;
      const h = b * b - cc;
      if (h < 0) continue;
      const t = b - Math.sqrt(h);
      if (!(t > tMin && t < nearest[i]!)) continue;
      nearest[i] = t;
      hit[i] = k;
      wins++;
    }
  }
  return wins;
}

function castCapsule(p: Float64Array, k: number, dirs: Float32Array, width: number, u0: number, u1: number, v0: number, v1: number, tMin: number, nearest: Float32Array, hit: Int16Array): number {
  const o = k * STRIDE;
  let wins = 0;
  const ax = p[o]!, ay = p[o + 1]!, az = p[o + 2]!;
  const bax = p[o + 3]!, bay = p[o + 4]!, baz = p[o + 5]!;
  const baba = p[o + 7]!, baoa = p[o + 8]!;
  const bx = p[o + 11]!, by = p[o + 12]!, bz = p[o + 13]!;
  const cBody = p[o + 14]!, cCapA = p[o + 15]!, cCapB = p[o + 16]!;
  for (let v = v0; v < v1; v++) {
    const rowEnd = v * width + u1;
    for (let i = v * width + u0; i < rowEnd; i++) {
      const j = i * 3;
      const dx = dirs[j]!, dy = dirs[j + 1]!, dz = dirs[j + 2]!;
      const bard = bax * dx + bay * dy + baz * dz;
      const rdoa = -(ax * dx + ay * dy + az * dz);
      const qa = baba - bard * bard;
      const qb = baba * rdoa - baoa * bard;
      const h = qb * qb - qa * cBody;
      // Missing the infinite cylinder misses the end caps too: they lie inside it.
      if (h < 0) continue;
      let t = (-qb - Math.sqrt(h)) / qa;
      const y = baoa + t * bard;
      if (!(y > 0 && y < baba)) {
        // Beyond the body: the end sphere on that side (origin at the sensor, so oc = −centre).
        let bc: number, cc: number;
        if (y <= 0) {
          bc = rdoa;
          cc = cCapA;
        } else {
          bc = -(bx * dx + by * dy + bz * dz);
          cc = cCapB;
        }
        const hc = bc * bc - cc;
        if (hc < 0) continue;
        t = -bc - Math.sqrt(hc);
      }
      if (!(t > tMin && t < nearest[i]!)) continue;
      nearest[i] = t;
      hit[i] = k;
      wins++;
    }
  }
  return wins;
}

function castBox(p: Float64Array, k: number, dirs: Float32Array, width: number, u0: number, u1: number, v0: number, v1: number, tMin: number, nearest: Float32Array, hit: Int16Array): number {
  const o = k * STRIDE;
  let wins = 0;
  // Test first the slab the sensor lies farthest outside of: its entry distance alone is a lower
  // bound on the hit, which rejects occluded rays (a table's slab under its top) after one divide.
  const out0 = Math.abs(p[o + 15]!) - p[o + 12]!, out1 = Math.abs(p[o + 16]!) - p[o + 13]!, out2 = Math.abs(p[o + 17]!) - p[o + 14]!;
  const first = out0 >= out1 && out0 >= out2 ? 0 : out1 >= out2 ? 1 : 2;
  const second = first === 0 ? 1 : 0, third = first === 2 ? 1 : 2;
  const ax = o + 3 + first * 3, bx = o + 3 + second * 3, cx = o + 3 + third * 3;
  const axx = p[ax]!, axy = p[ax + 1]!, axz = p[ax + 2]!, ha = p[o + 12 + first]!, oa = p[o + 15 + first]!;
  const bxx = p[bx]!, bxy = p[bx + 1]!, bxz = p[bx + 2]!, hb = p[o + 12 + second]!, ob = p[o + 15 + second]!;
  const cxx = p[cx]!, cxy = p[cx + 1]!, cxz = p[cx + 2]!, hc = p[o + 12 + third]!, oc = p[o + 15 + third]!;
  for (let v = v0; v < v1; v++) {
    const rowEnd = v * width + u1;
    for (let i = v * width + u0; i < rowEnd; i++) {
      const j = i * 3;
      const dx = dirs[j]!, dy = dirs[j + 1]!, dz = dirs[j + 2]!;
      // Slab test in the box's own frame.
      const ia = 1 / (axx * dx + axy * dy + axz * dz);
      let a = (-ha - oa) * ia, b = (ha - oa) * ia;
      let tNear = a < b ? a : b;
      let tFar = a < b ? b : a;
      if (!(tNear < nearest[i]! && tFar > tMin)) continue;
      const ib = 1 / (bxx * dx + bxy * dy + bxz * dz);
      a = (-hb - ob) * ib;
      b = (hb - ob) * ib;
      if (a > b) { const s = a; a = b; b = s; }
      if (a > tNear) tNear = a;
      if (b < tFar) tFar = b;
      const ic = 1 / (cxx * dx + cxy * dy + cxz * dz);
      a = (-hc - oc) * ic;
      b = (hc - oc) * ic;
      if (a > b) { const s = a; a = b; b = s; }
      if (a > tNear) tNear = a;
      if (b < tFar) tFar = b;
      if (!(tNear <= tFar && tNear > tMin && tNear < nearest[i]!)) continue;
      nearest[i] = tNear;
      hit[i] = k;
      wins++;
    }
  }
  return wins;
}
