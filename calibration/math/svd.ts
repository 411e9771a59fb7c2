// Singular value decomposition by one-sided (Hestenes) Jacobi: orthogonalises the columns of A
// with plane rotations. Accurate for the small, sometimes ill-conditioned systems of DLT and
// Procrustes problems, and works directly on A instead of squaring its condition via AᵀA.
import { Matrix } from "./matrix.ts";

export interface Svd {
  /** m×k with orthonormal columns (k = min(m, n)); columns of zero singular values are zero. */
  u: Matrix;
  /** Singular values, descending, length k. */
  s: Float64Array;
  /** n×k with orthonormal columns; A = U diag(s) Vᵀ. For m ≥ n, V is square and complete. */
  v: Matrix;
}

export function svd(a: Matrix, maxSweeps = 80): Svd {
  if (a.rows < a.cols) {
    const t = svd(a.transpose(), maxSweeps);
    return { u: t.v, s: t.s, v: t.u };
  }
  const m = a.rows;
  const n = a.cols;
  const u = a.clone();
  const v = Matrix.identity(n);
  const eps = 1e-15;
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    let rotated = false;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        let alpha = 0;
        let beta = 0;
        let gamma = 0;
        for (let i = 0; i < m; i++) {
          const up = u.get(i, p);
          const uq = u.get(i, q);
          alpha += up * up;
          beta += uq * uq;
          gamma += up * uq;
        }
        if (gamma === 0 || Math.abs(gamma) <= eps * Math.sqrt(alpha * beta)) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = Math.sign(zeta || 1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = c * t;
        for (let i = 0; i < m; i++) {
          const up = u.get(i, p);
          const uq = u.get(i, q);
          u.set(i, p, c * up - s * uq);
          u.set(i, q, s * up + c * uq);
        }
        for (let i = 0; i < n; i++) {
          const vp = v.get(i, p);
          const vq = v.get(i, q);
          v.set(i, p, c * vp - s * vq);
          v.set(i, q, s * vp + c * vq);
        }
      }
    }
    if (!rotated) break;
  }
  const sigma = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    let s2 = 0;
    for (let i = 0; i < m; i++) s2 += u.get(i, j) ** 2;
    sigma[j] = Math.sqrt(s2);
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => sigma[j]! - sigma[i]!);
  const uOut = new Matrix(m, n);
  const vOut = new Matrix(n, n);
  const sOut = new Float64Array(n);
  const tiny = (sigma[order[0]!] ?? 0) * 1e-300;
  order.forEach((src, dst) => {
    const sv = sigma[src]!;
    sOut[dst] = sv;
    for (let i = 0; i < m; i++) uOut.set(i, dst, sv > tiny ? u.get(i, src) / sv : 0);
    for (let i = 0; i < n; i++) vOut.set(i, dst, v.get(i, src));
  });
  return { u: uOut, s: sOut, v: vOut };
}

/** Unit vector x minimising |A x| (the right singular vector of the smallest singular value). */
export function nullVector(a: Matrix): Float64Array {
  if (a.rows < a.cols) {
    // Pad with zero rows so V is complete: the null space of a wide A is then available.
    const padded = new Matrix(a.cols, a.cols);
    padded.data.set(a.data);
    return nullVector(padded);
  }
  const { v } = svd(a);
  return v.column(a.cols - 1);
}
