// Moving cameras mostly see one plane (the table under a wrist camera). Cast first, that plane
// can be shaded in the same pass that finds its hits, instead of storing the hits and reading
// them back: the later shading pass then skips the pixels it still owns.
import { MAT_STRIDE, STRIDE } from "./compiled-scene.ts";
import type { ShadeInputs } from "./shade.ts";

/**
 * Cast plane k over [u0, u1) × [v0, v1) like castRect, and write the colour and depth of each
 * pixel it wins exactly as shadeRange would (it shades from the float32 depth buffer value, so
 * the same rounding is used here). Returns the number of pixels won.
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
): number {
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
  for (let v = v0; v < v1; v++) {
    const rowEnd = v * width + u1;
    for (let i = v * width + u0; i < rowEnd; i++) {
      const j = i * 3;
      const dx = dirs[j]!, du = ux * dx, dv = vx * dx;
      const dy = dirs[j + 1]!, dz = dirs[j + 2]!;
      const t = c / (nx * dx + ny * dy + nz * dz);
      if (!(t > tMin && t < nearest[i]!)) continue;
      const ud = du + uy * dy + uz * dz;
      const vd = dv + vy * dy + vz * dz;
      // The hit test in double precision, as castPlane does it.
      const pu = t * ud - uOff;
      if (pu > hu || pu < -hu) continue;
      const pv = t * vd - vOff;
      if (pv > hv || pv < -hv) continue;
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
  }
  return wins;
}
