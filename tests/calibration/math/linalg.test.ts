import { describe, expect, it } from "vitest";
import { Matrix } from "../../../calibration/math/matrix.ts";
import { svd, nullVector } from "../../../calibration/math/svd.ts";
import { symmetricEigen } from "../../../calibration/math/eigen.ts";
import { cholesky, solveSpd, NotPositiveDefiniteError } from "../../../calibration/math/cholesky.ts";
import { solveLeastSquares } from "../../../calibration/math/least-squares.ts";
import { levenbergMarquardt } from "../../../calibration/math/levenberg-marquardt.ts";
import { seededRandom } from "../../support/random.ts";

function randomMatrix(rows: number, cols: number, seed: number): Matrix {
  const r = seededRandom(seed);
  return new Matrix(rows, cols, Array.from({ length: rows * cols }, () => r() * 2 - 1));
}

function maxAbs(a: Matrix, b: Matrix): number {
  let m = 0;
  a.data.forEach((v, i) => (m = Math.max(m, Math.abs(v - b.data[i]!))));
  return m;
}

describe("Matrix", () => {
  it("multiplies, transposes and forms AᵀA", () => {
    const a = Matrix.fromRows([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    expect(a.transpose().mul(a).toRows()).toEqual([
      [35, 44],
      [44, 56],
    ]);
    expect(a.gram().toRows()).toEqual([
      [35, 44],
      [44, 56],
    ]);
    expect(Array.from(a.mulVec([1, -1]))).toEqual([-1, -1, -1]);
    expect(Array.from(a.mulTransposeVec([1, 0, 1]))).toEqual([6, 8]);
    expect(() => a.mul(a)).toThrow(/cannot multiply/);
  });
});

describe("svd", () => {
  it.each([
    [6, 4],
    [4, 6],
    [9, 9],
  ])("reconstructs a random %i×%i matrix with orthonormal factors", (m, n) => {
    const a = randomMatrix(m, n, m * 10 + n);
    const { u, s, v } = svd(a);
    const k = Math.min(m, n);
    const sMat = new Matrix(k, k);
    for (let i = 0; i < k; i++) sMat.set(i, i, s[i]!);
    expect(maxAbs(u.mul(sMat).mul(v.transpose()), a)).toBeLessThan(1e-12);
    expect(maxAbs(u.transpose().mul(u), Matrix.identity(k))).toBeLessThan(1e-12);
    for (let i = 1; i < k; i++) expect(s[i - 1]!).toBeGreaterThanOrEqual(s[i]!);
  });

  it("finds the null vector of a rank-deficient matrix", () => {
    // Rows orthogonal to (1, 2, 3).
    const a = Matrix.fromRows([
      [2, -1, 0],
      [3, 0, -1],
      [0, 3, -2],
      [1, 1, -1],
    ]);
    const x = nullVector(a);
    const scale = x[0]!;
    expect(x[1]! / scale).toBeCloseTo(2, 12);
    expect(x[2]! / scale).toBeCloseTo(3, 12);
  });
});

describe("symmetricEigen", () => {
  it("diagonalises a symmetric matrix", () => {
    const b = randomMatrix(5, 5, 7);
    const a = b.transpose().mul(b);
    const { values, vectors } = symmetricEigen(a);
    const lambda = new Matrix(5, 5);
    for (let i = 0; i < 5; i++) lambda.set(i, i, values[i]!);
    expect(maxAbs(vectors.mul(lambda).mul(vectors.transpose()), a)).toBeLessThan(1e-12);
    for (let i = 1; i < 5; i++) expect(values[i]!).toBeGreaterThanOrEqual(values[i - 1]!);
  });

  it("matches the hand-computed eigenvalues of [[2,1],[1,2]]", () => {
    const { values } = symmetricEigen(Matrix.fromRows([
      [2, 1],
      [1, 2],
    ]));
    expect(values[0]).toBeCloseTo(1, 14);
    expect(values[1]).toBeCloseTo(3, 14);
  });
});

describe("cholesky and least squares", () => {
  it("solves an SPD system", () => {
    const b = randomMatrix(6, 4, 3);
    const a = b.gram();
    const x = [1, -2, 3, 0.5];
    const rhs = a.mulVec(x);
    const sol = solveSpd(a, rhs);
    sol.forEach((v, i) => expect(v).toBeCloseTo(x[i]!, 10));
    const l = cholesky(a);
    expect(maxAbs(l.mul(l.transpose()), a)).toBeLessThan(1e-12);
  });

  it("rejects an indefinite matrix", () => {
    expect(() => cholesky(Matrix.fromRows([
      [1, 2],
      [2, 1],
    ]))).toThrow(NotPositiveDefiniteError);
  });

  it("fits a line and reports rank deficiency", () => {
    const a = Matrix.fromRows([
      [1, 0],
      [1, 1],
      [1, 2],
    ]);
    const { x, rank } = solveLeastSquares(a, [1, 3, 5]);
    expect(rank).toBe(2);
    expect(x[0]).toBeCloseTo(1, 12);
    expect(x[1]).toBeCloseTo(2, 12);
    const degenerate = solveLeastSquares(Matrix.fromRows([
      [1, 1],
      [2, 2],
    ]), [2, 4]);
    expect(degenerate.rank).toBe(1);
    // Minimum-norm solution of x + y = 2.
    expect(degenerate.x[0]).toBeCloseTo(1, 12);
    expect(degenerate.x[1]).toBeCloseTo(1, 12);
  });
});

describe("levenbergMarquardt", () => {
  it("minimises the Rosenbrock function from the classic start", () => {
    const res = levenbergMarquardt(
      { parameterCount: 2, residuals: (p) => Float64Array.of(10 * (p[1]! - p[0]! ** 2), 1 - p[0]!) },
      [-1.2, 1],
      { maxIterations: 200 },
    );
    expect(res.params[0]).toBeCloseTo(1, 8);
    expect(res.params[1]).toBeCloseTo(1, 8);
    expect(res.cost).toBeLessThan(1e-16);
  });

  it("fits an exponential decay with an analytic Jacobian", () => {
    const ts = Array.from({ length: 20 }, (_, i) => i * 0.25);
    const ys = ts.map((t) => 3 * Math.exp(-0.7 * t) + 0.5);
    const res = levenbergMarquardt(
      {
        parameterCount: 3,
        residuals: (p) => Float64Array.from(ts, (t, i) => p[0]! * Math.exp(-p[1]! * t) + p[2]! - ys[i]!),
        jacobian: (p) => new Matrix(ts.length, 3, ts.flatMap((t) => [Math.exp(-p[1]! * t), -p[0]! * t * Math.exp(-p[1]! * t), 1])),
      },
      [1, 0.1, 0],
    );
    expect(res.converged).toBe(true);
    expect(res.params[0]).toBeCloseTo(3, 8);
    expect(res.params[1]).toBeCloseTo(0.7, 8);
    expect(res.params[2]).toBeCloseTo(0.5, 8);
  });
});
