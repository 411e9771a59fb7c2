// Cholesky factorisation for the symmetric positive-definite systems of normal equations.
import { Matrix } from "./matrix.ts";

export class NotPositiveDefiniteError extends Error {}

/** Lower-triangular L with A = L Lᵀ; throws NotPositiveDefiniteError when A is not SPD. */
export function cholesky(a: Matrix): Matrix {
  const n = a.rows;
  if (a.cols !== n) throw new RangeError("cholesky needs a square matrix");
  const l = new Matrix(n, n);
  for (let j = 0; j < n; j++) {
    let d = a.get(j, j);
    for (let k = 0; k < j; k++) d -= l.get(j, k) ** 2;
    if (!(d > 0)) throw new NotPositiveDefiniteError(`matrix is not positive definite (pivot ${j} = ${d})`);
    const ljj = Math.sqrt(d);
    l.set(j, j, ljj);
    for (let i = j + 1; i < n; i++) {
      let s = a.get(i, j);
      for (let k = 0; k < j; k++) s -= l.get(i, k) * l.get(j, k);
      l.set(i, j, s / ljj);
    }
  }
  return l;
}

/** Solves A x = b for SPD A. */
export function solveSpd(a: Matrix, b: ArrayLike<number>): Float64Array {
  const l = cholesky(a);
  const n = a.rows;
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= l.get(i, k) * y[k]!;
    y[i] = s / l.get(i, i);
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i]!;
    for (let k = i + 1; k < n; k++) s -= l.get(k, i) * x[k]!;
    x[i] = s / l.get(i, i);
  }
  return x;
}
