// Symmetric eigen-decomposition by cyclic Jacobi rotations: slow for big matrices but exact to
// machine precision and unconditionally stable, which is what small calibration problems need.
import { Matrix } from "./matrix.ts";

export interface SymmetricEigen {
  /** Eigenvalues in ascending order. */
  values: Float64Array;
  /** Column j is the unit eigenvector of values[j]. */
  vectors: Matrix;
}

export function symmetricEigen(input: Matrix, maxSweeps = 100): SymmetricEigen {
  const n = input.rows;
  if (input.cols !== n) throw new RangeError("symmetricEigen needs a square matrix");
  const a = input.clone();
  const v = Matrix.identity(n);
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    let off = 0;
    let diag = 0;
    for (let i = 0; i < n; i++) {
      diag += a.get(i, i) ** 2;
      for (let j = i + 1; j < n; j++) off += a.get(i, j) ** 2;
    }
    if (off <= 1e-30 * Math.max(diag, 1e-300)) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a.get(p, q);
        if (apq === 0) continue;
        const app = a.get(p, p);
        const aqq = a.get(q, q);
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a.get(k, p);
          const akq = a.get(k, q);
          a.set(k, p, c * akp - s * akq);
          a.set(k, q, s * akp + c * akq);
        }
        for (let k = 0; k < n; k++) {
          const apk = a.get(p, k);
          const aqk = a.get(q, k);
          a.set(p, k, c * apk - s * aqk);
          a.set(q, k, s * apk + c * aqk);
        }
        for (let k = 0; k < n; k++) {
          const vkp = v.get(k, p);
          const vkq = v.get(k, q);
          v.set(k, p, c * vkp - s * vkq);
          v.set(k, q, s * vkp + c * vkq);
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => a.get(i, i) - a.get(j, j));
  const values = Float64Array.from(order.map((i) => a.get(i, i)));
  const vectors = new Matrix(n, n);
  order.forEach((src, dst) => {
    for (let k = 0; k < n; k++) vectors.set(k, dst, v.get(k, src));
  });
  return { values, vectors };
}
