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
      return castBox(scene.params, k, dirs, width, u0, u1, v0, v1, tMin, nearest, hit, scene.boxFaces);
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

function castBox(p: Float64Array, k: number, dirs: Float32Array, width: number, u0: number, u1: number, v0: number, v1: number, tMin: number, nearest: Float32Array, hit: Int16Array, faces: Uint8Array | undefined): number {
  const o = k * STRIDE;
  // A ray from outside enters a box through one of the faces that face the sensor: those of
  // the axes whose slab the sensor lies outside of. Each such face is tested in turn, likeliest
  // (largest apparent size) first: its entry distance is one divide, then the other two
  // coordinates of the entry point must lie within the face. Entry distances are computed as
  // the slab method does, (±h − o) · (1 / (axis · d)), so they are the same numbers.
  const h0 = p[o + 12]!, h1 = p[o + 13]!, h2 = p[o + 14]!;
  const o0 = p[o + 15]!, o1 = p[o + 16]!, o2 = p[o + 17]!;
  const out0 = Math.abs(o0) - h0, out1 = Math.abs(o1) - h1, out2 = Math.abs(o2) - h2;
  // Inside the box (or on it): no face faces the sensor, and a ray starting inside has no entry.
  if (!(out0 > 0 || out1 > 0 || out2 > 0)) return 0;
  const score0 = out0 > 0 ? out0 * h1 * h2 : -1, score1 = out1 > 0 ? out1 * h0 * h2 : -1, score2 = out2 > 0 ? out2 * h0 * h1 : -1;
  const first = score0 >= score1 && score0 >= score2 ? 0 : score1 >= score2 ? 1 : 2;
  const rest0 = first === 0 ? 1 : 0, rest1 = first === 2 ? 1 : 2;
  const s0 = rest0 === 0 ? score0 : rest0 === 1 ? score1 : score2;
  const s1 = rest1 === 1 ? score1 : score2;
  const second = s0 >= s1 ? rest0 : rest1;
  const third = second === rest0 ? rest1 : rest0;
  const ax = o + 3 + first * 3, bx = o + 3 + second * 3, cx = o + 3 + third * 3;
  const axx = p[ax]!, axy = p[ax + 1]!, axz = p[ax + 2]!, ha = p[o + 12 + first]!, oa = p[o + 15 + first]!;
  const bxx = p[bx]!, bxy = p[bx + 1]!, bxz = p[bx + 2]!, hb = p[o + 12 + second]!, ob = p[o + 15 + second]!;
  const cxx = p[cx]!, cxy = p[cx + 1]!, cxz = p[cx + 2]!, hc = p[o + 12 + third]!, oc = p[o + 15 + third]!;
  // Entry offsets of the sensor-facing faces (NaN: that axis has none, its test never passes).
  const ea = Math.abs(oa) > ha ? (oa > 0 ? ha - oa : -ha - oa) : NaN;
  const eb = Math.abs(ob) > hb ? (ob > 0 ? hb - ob : -hb - ob) : NaN;
  const ec = Math.abs(oc) > hc ? (oc > 0 ? hc - oc : -hc - oc) : NaN;
  const faceA = 1 + first * 2 + (oa > 0 ? 0 : 1), faceB = 1 + second * 2 + (ob > 0 ? 0 : 1), faceC = 1 + third * 2 + (oc > 0 ? 0 : 1);
  let wins = 0;
  for (let v = v0; v < v1; v++) {
    const rowEnd = v * width + u1;
    for (let i = v * width + u0; i < rowEnd; i++) {
      const j = i * 3;
      const dx = dirs[j]!, dy = dirs[j + 1]!, dz = dirs[j + 2]!;
      const da = axx * dx + axy * dy + axz * dz;
      let t = ea * (1 / da);
      // The first face's entry is a lower bound on the hit: occluded rays stop here.
      if (!(t < nearest[i]!)) continue;
      const db = bxx * dx + bxy * dy + bxz * dz;
      const dc = cxx * dx + cxy * dy + cxz * dz;
      let pb = ob + t * db, pc = oc + t * dc;
      let face = faceA;
      if (!(t > tMin && pb <= hb && pb >= -hb && pc <= hc && pc >= -hc)) {
        t = eb * (1 / db);
        face = faceB;
        const pa = oa + t * da;
        pc = oc + t * dc;
        if (!(t > tMin && pa <= ha && pa >= -ha && pc <= hc && pc >= -hc)) {
          t = ec * (1 / dc);
          face = faceC;
          const qa = oa + t * da;
          pb = ob + t * db;
          if (!(t > tMin && qa <= ha && qa >= -ha && pb <= hb && pb >= -hb)) continue;
        }
        if (!(t < nearest[i]!)) continue;
      }
      nearest[i] = t;
      hit[i] = k;
      if (faces) faces[i] = face;
      wins++;
    }
  }
  return wins;
}
