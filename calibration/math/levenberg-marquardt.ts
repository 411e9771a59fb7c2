// Levenberg–Marquardt for dense nonlinear least squares, with Marquardt's diagonal scaling so
// that parameters of very different units (pixels, radians, metres) are damped evenly.
import { solveSpd, NotPositiveDefiniteError } from "./cholesky.ts";
import { Matrix } from "./matrix.ts";

export interface LeastSquaresProblem {
  readonly parameterCount: number;
  /** Residual vector r(p); the solver minimises ½|r|². */
  residuals(params: Float64Array): Float64Array;
  /** ∂r/∂p (rows = residuals). Defaults to central differences. */
  jacobian?(params: Float64Array, residuals: Float64Array): Matrix;
}

export interface LmOptions {
  maxIterations?: number;
  /** Stop when the relative cost decrease falls below this. */
  costTolerance?: number;
  /** Stop when the step is this small relative to the parameters. */
  stepTolerance?: number;
  initialLambda?: number;
}

export interface LmResult {
  params: Float64Array;
  residuals: Float64Array;
  /** ½ Σ r². */
  cost: number;
  initialCost: number;
  iterations: number;
  converged: boolean;
}

function halfSquaredNorm(r: Float64Array): number {
  let s = 0;
  for (let i = 0; i < r.length; i++) s += r[i]! * r[i]!;
  return 0.5 * s;
}

/** Central-difference Jacobian: O(h²) accurate, good enough for calibration costs. */
export function numericJacobian(
  f: (p: Float64Array) => Float64Array,
  params: Float64Array,
  residualCount: number,
  relativeStep = 1e-6,
): Matrix {
  const j = new Matrix(residualCount, params.length);
  const p = Float64Array.from(params);
  for (let k = 0; k < params.length; k++) {
    const h = relativeStep * Math.max(1, Math.abs(params[k]!));
    p[k] = params[k]! + h;
    const plus = f(p);
    p[k] = params[k]! - h;
    const minus = f(p);
    p[k] = params[k]!;
    for (let i = 0; i < residualCount; i++) j.set(i, k, (plus[i]! - minus[i]!) / (2 * h));
  }
  return j;
}

export function levenbergMarquardt(problem: LeastSquaresProblem, initial: ArrayLike<number>, options: LmOptions = {}): LmResult {
  const maxIterations = options.maxIterations ?? 100;
  const costTolerance = options.costTolerance ?? 1e-12;
  const stepTolerance = options.stepTolerance ?? 1e-12;
  let lambda = options.initialLambda ?? 1e-3;
  const n = problem.parameterCount;
  if (initial.length !== n) throw new RangeError(`expected ${n} initial parameters, got ${initial.length}`);

  let params = Float64Array.from(initial);
  let r = problem.residuals(params);
  let cost = halfSquaredNorm(r);
  const initialCost = cost;
  let converged = false;
  let iterations = 0;

  for (; iterations < maxIterations; iterations++) {
    const jac = problem.jacobian ? problem.jacobian(params, r) : numericJacobian((p) => problem.residuals(p), params, r.length);
    const jtj = jac.gram();
    const g = jac.mulTransposeVec(r);
    let gradMax = 0;
    for (let k = 0; k < n; k++) gradMax = Math.max(gradMax, Math.abs(g[k]!));
    if (gradMax < 1e-15) {
      converged = true;
      break;
    }
    let improved = false;
    // Raise damping until a step lowers the cost; the loop bound keeps a hopeless problem finite.
    for (let attempt = 0; attempt < 30; attempt++) {
      const damped = jtj.clone();
      for (let k = 0; k < n; k++) {
        const d = jtj.get(k, k);
        damped.set(k, k, d + lambda * (d > 0 ? d : 1e-12));
      }
      let step: Float64Array;
      try {
        step = solveSpd(damped, g.map((x) => -x));
      } catch (err) {
        if (!(err instanceof NotPositiveDefiniteError)) throw err;
        lambda *= 10;
        continue;
      }
      const candidate = params.map((p, k) => p + step[k]!);
      const rCandidate = problem.residuals(candidate);
      const candidateCost = halfSquaredNorm(rCandidate);
      if (Number.isFinite(candidateCost) && candidateCost < cost) {
        const decrease = (cost - candidateCost) / Math.max(cost, 1e-300);
        let stepNorm = 0;
        let paramNorm = 0;
        for (let k = 0; k < n; k++) {
          stepNorm += step[k]! ** 2;
          paramNorm += candidate[k]! ** 2;
        }
        params = candidate;
        r = rCandidate;
        cost = candidateCost;
        lambda = Math.max(lambda / 10, 1e-12);
        improved = true;
        if (decrease < costTolerance || Math.sqrt(stepNorm) < stepTolerance * (Math.sqrt(paramNorm) + stepTolerance)) converged = true;
        break;
      }
      lambda *= 10;
    }
    if (!improved) {
      // No damping finds a descent step: we are at a minimum to working precision.
      converged = true;
      iterations++;
      break;
    }
    if (converged) {
      iterations++;
      break;
    }
  }
  return { params, residuals: r, cost, initialCost, iterations, converged };
}
