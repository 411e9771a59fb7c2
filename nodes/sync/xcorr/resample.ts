// Linear interpolation of an irregularly sampled signal onto a uniform grid.

export interface TimedSignal {
  /** Sample times, seconds, non-decreasing, on the signal's corrected (host) timeline. */
  readonly t: Float64Array;
  readonly v: Float64Array;
}

/**
 * Values at t0 + k·dt for k < n. Outside the samples the end values are held (callers choose
 * grids inside the data; holding keeps a small overrun harmless). O(samples + n).
 */
export function resampleLinear(signal: TimedSignal, t0: number, dt: number, n: number): Float64Array {
  const { t, v } = signal;
  const out = new Float64Array(n);
  const last = t.length - 1;
  let j = 0; // t[j] ≤ tq < t[j+1]
  for (let k = 0; k < n; k++) {
    const tq = t0 + k * dt;
    while (j < last - 1 && t[j + 1]! <= tq) j++;
    const ta = t[j]!;
    const tb = t[j + 1] ?? ta;
    if (tq <= ta || tb === ta) out[k] = tq <= ta ? v[j]! : v[j + 1] ?? v[j]!;
    else if (tq >= tb) out[k] = v[j + 1]!;
    else out[k] = v[j]! + ((v[j + 1]! - v[j]!) * (tq - ta)) / (tb - ta);
  }
  return out;
}
