// What to correlate. Raw values suit signals that share shape (force vs force); derivatives
// suit signals that share changes but not level or drift (position vs encoder velocity
// integrals, slowly biased sensors); energy suits signals that share only "something happens
// now" (vibration on an IMU vs contact on a force sensor, where sign and axis differ).

export type LagFeature = "value" | "derivative" | "energy";

export function derivative(x: Float64Array, dt: number): Float64Array {
  const n = x.length;
  const out = new Float64Array(n);
  if (n < 2) return out;
  out[0] = (x[1]! - x[0]!) / dt;
  out[n - 1] = (x[n - 1]! - x[n - 2]!) / dt;
  for (let i = 1; i < n - 1; i++) out[i] = (x[i + 1]! - x[i - 1]!) / (2 * dt);
  return out;
}

/** Centered moving average (zero phase, so it adds no delay of its own). */
export function movingAverage(x: Float64Array, window: number): Float64Array {
  const n = x.length;
  const half = Math.max(0, Math.floor(window / 2));
  if (half === 0) return Float64Array.from(x);
  const prefix = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) prefix[i + 1] = prefix[i]! + x[i]!;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const lo = Math.max(0, i - half);
    const hi = Math.min(n, i + half + 1);
    out[i] = (prefix[hi]! - prefix[lo]!) / (hi - lo);
  }
  return out;
}

/**
 * The feature of a gridded signal. Derivatives are taken of the signal smoothed over
 * `window` samples (zero phase): differentiating raw samples would amplify noise far above
 * the shared content.
 */
export function feature(x: Float64Array, kind: LagFeature, dt: number, window: number): Float64Array {
  switch (kind) {
    case "value":
      return x;
    case "derivative":
      return derivative(movingAverage(x, window), dt);
    case "energy": {
      const d = derivative(movingAverage(x, window), dt);
      for (let i = 0; i < d.length; i++) d[i] = d[i]! * d[i]!;
      return movingAverage(d, window);
    }
  }
}
