// Linear least squares min |A x − b| through the SVD, so rank deficiency yields the minimum-norm
// solution instead of garbage (degenerate hand-eye motions produce exactly that case).
import type { Matrix } from "./matrix.ts";
import { svd } from "./svd.ts";

export interface LinearSolution {
  x: Float64Array;
  /** Numerical rank used; less than A.cols means the system was degenerate. */
  rank: number;
  /** Ratio of the largest to the smallest used singular value. */
  condition: number;
}

export function solveLeastSquares(a: Matrix, b: ArrayLike<number>, relativeTolerance = 1e-12): LinearSolution {
  if (b.length !== a.rows) throw new RangeError(`right-hand side has ${b.length} rows, matrix has ${a.rows}`);
  const { u, s, v } = svd(a);
  const n = a.cols;
  const x = new Float64Array(n);
  const smax = s[0] ?? 0;
  let rank = 0;
  let smin = smax;
  for (let k = 0; k < s.length; k++) {
    const sk = s[k]!;
    if (!(sk > smax * relativeTolerance) || sk === 0) continue;
    rank++;
    smin = sk;
    let utb = 0;
    for (let i = 0; i < a.rows; i++) utb += u.get(i, k) * b[i]!;
    const coef = utb / sk;
    for (let j = 0; j < n; j++) x[j] = x[j]! + coef * v.get(j, k);
  }
  return { x, rank, condition: smin > 0 ? smax / smin : Infinity };
}
