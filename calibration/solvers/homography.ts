// Plane-to-image homography by the normalised DLT (Hartley): both point sets are shifted to
// their centroid and scaled to mean distance √2 before the SVD, which makes the estimate
// invariant to pixel units and far better conditioned.
import { Matrix } from "../math/matrix.ts";
import { nullVector } from "../math/svd.ts";
import { mat3Mul } from "../math/so3.ts";

export type Point2 = readonly [number, number];

/** Row-major 3×3 similarity that normalises the points, and its inverse. */
export function normalizingTransform(points: readonly Point2[]): { T: number[]; inverse: number[] } {
  let mx = 0;
  let my = 0;
  for (const [x, y] of points) {
    mx += x;
    my += y;
  }
  mx /= points.length;
  my /= points.length;
  let meanDist = 0;
  for (const [x, y] of points) meanDist += Math.hypot(x - mx, y - my);
  meanDist /= points.length;
  const s = meanDist > 0 ? Math.SQRT2 / meanDist : 1;
  return {
    T: [s, 0, -s * mx, 0, s, -s * my, 0, 0, 1],
    inverse: [1 / s, 0, mx, 0, 1 / s, my, 0, 0, 1],
  };
}

function apply(T: readonly number[], [x, y]: Point2): [number, number] {
  const w = T[6]! * x + T[7]! * y + T[8]!;
  return [(T[0]! * x + T[1]! * y + T[2]!) / w, (T[3]! * x + T[4]! * y + T[5]!) / w];
}

/** H (row-major 3×3, H[8] = 1 when possible) with dst ~ H · src. */
export function estimateHomography(src: readonly Point2[], dst: readonly Point2[]): number[] {
  if (src.length !== dst.length) throw new RangeError(`homography needs matching point lists (${src.length} vs ${dst.length})`);
  if (src.length < 4) throw new RangeError(`homography needs at least 4 points, got ${src.length}`);
  const ns = normalizingTransform(src);
  const nd = normalizingTransform(dst);
  const a = new Matrix(2 * src.length, 9);
  src.forEach((p, i) => {
    const [X, Y] = apply(ns.T, p);
    const [u, v] = apply(nd.T, dst[i]!);
    const r0 = [-X, -Y, -1, 0, 0, 0, u * X, u * Y, u];
    const r1 = [0, 0, 0, -X, -Y, -1, v * X, v * Y, v];
    r0.forEach((val, j) => a.set(2 * i, j, val));
    r1.forEach((val, j) => a.set(2 * i + 1, j, val));
  });
  const hn = Array.from(nullVector(a));
  const h = mat3Mul(mat3Mul(nd.inverse, hn), ns.T);
  const scale = Math.abs(h[8]!) > 1e-12 ? h[8]! : Math.hypot(...h);
  return h.map((v) => v / scale);
}

export function applyHomography(H: readonly number[], p: Point2): [number, number] {
  return apply(H, p);
}
