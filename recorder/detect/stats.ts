// Small robust statistics for the detectors: medians, MAD-based σ, the quietest window (bias and
// noise of a sensor when nothing touches it), and a centred moving-average high-pass.

export function median(values: ArrayLike<number>): number {
  const a = Array.from(values).filter((v) => Number.isFinite(v)).sort((x, y) => x - y);
  if (a.length === 0) return NaN;
  const m = a.length >> 1;
  return a.length % 2 ? a[m]! : (a[m - 1]! + a[m]!) / 2;
}

/** σ estimated from the median absolute deviation (1.4826 · MAD): robust to bursts. */
export function robustSigma(values: ArrayLike<number>): number {
  const m = median(values);
  const dev = Array.from(values, (v) => Math.abs(v - m));
  return 1.4826 * median(dev);
}

export interface QuietWindow {
  /** Mean over the window: the sensor's bias. */
  bias: number;
  /** Standard deviation over the window: its noise. */
  sigma: number;
  start: number;
  end: number;
}

/**
 * Where nothing touched the sensor: among windows of `windowS` seconds (sliding by a quarter
 * window) whose spread is at noise level (≤ 2× the sample-to-sample noise, and not frozen), the
 * one with the lowest mean (`prefer: "lowest"`, for signals that only grow under load, like
 * pressure) or the earliest one (`"earliest"`, for signals whose load can push either way). Its
 * mean is the bias, its spread the noise. A steady grip is just as quiet as no contact, which is
 * why spread alone does not decide.
 */
export function quietWindow(t: Float64Array, x: Float64Array, windowS = 0.25, prefer: "lowest" | "earliest" = "lowest"): QuietWindow {
  const n = x.length;
  if (n === 0) return { bias: 0, sigma: 0, start: 0, end: 0 };
  const d = new Float64Array(Math.max(0, n - 1));
  for (let i = 1; i < n; i++) d[i - 1] = x[i]! - x[i - 1]!;
  const noise = robustSigma(d) / Math.SQRT2;
  let best: QuietWindow | undefined;
  let quietest: QuietWindow | undefined;
  let j = 0;
  const step = windowS / 4;
  for (let ts = t[0]!; ts <= t[n - 1]! - windowS * 0.5; ts += step) {
    while (j < n && t[j]! < ts) j++;
    let s = 0;
    let s2 = 0;
    let k = 0;
    for (let i = j; i < n && t[i]! < ts + windowS; i++) {
      s += x[i]!;
      s2 += x[i]! * x[i]!;
      k++;
    }
    if (k < 4) continue;
    const mean = s / k;
    const sd = Math.sqrt(Math.max(0, s2 / k - mean * mean));
    // a frozen sensor (repeated values, e.g. while a simulator resets) is not a quiet one
    if (sd < 0.3 * noise) continue;
    const w = { bias: mean, sigma: sd, start: ts, end: ts + windowS };
    if (!quietest || sd < quietest.sigma) quietest = w;
    if (sd > 2 * noise) continue;
    if (!best || (prefer === "lowest" && mean < best.bias)) best = w;
    if (prefer === "earliest" && best) break;
  }
  const chosen = best ?? quietest;
  if (!chosen) return { bias: median(x), sigma: Math.max(robustSigma(x), noise), start: t[0]!, end: t[n - 1]! };
  // A short window can be quieter than the sensor by chance: never claim less noise than the
  // sample-to-sample estimate says.
  return { ...chosen, sigma: Math.max(chosen.sigma, noise) };
}

/** x minus its centred moving average over ±`halfWindow` samples: removes trends, keeps vibration. */
export function highPass(x: Float64Array, halfWindow: number): Float64Array {
  const n = x.length;
  const out = new Float64Array(n);
  const prefix = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) prefix[i + 1] = prefix[i]! + x[i]!;
  for (let i = 0; i < n; i++) {
    const a = Math.max(0, i - halfWindow);
    const b = Math.min(n, i + halfWindow + 1);
    out[i] = x[i]! - (prefix[b]! - prefix[a]!) / (b - a);
  }
  return out;
}

/** Median sample period of a time column (s). */
export function medianPeriod(t: Float64Array): number {
  if (t.length < 2) return NaN;
  const d = new Float64Array(t.length - 1);
  for (let i = 1; i < t.length; i++) d[i - 1] = t[i]! - t[i - 1]!;
  return median(d);
}

/**
 * x minus the mean of its previous `window` samples: a causal high-pass. Unlike the centred one
 * it does not respond before a change, so the first loud sample dates the change's start.
 */
export function highPassCausal(x: Float64Array, window: number): Float64Array {
  const n = x.length;
  const out = new Float64Array(n);
  let s = 0;
  for (let i = 0; i < n; i++) {
    const k = Math.min(i, window);
    out[i] = k === 0 ? 0 : x[i]! - s / k;
    s += x[i]!;
    if (i - window >= 0) s -= x[i - window]!;
  }
  return out;
}

/**
 * Causal prediction error of a straight line through the samples `lag` and 2·`lag` back
 * (x[i] − 2x[i−lag] + x[i−2lag]): zero for any linear trend, so load ramps do not count, and it
 * does not respond before a change, so the first loud sample dates the change's start. A lag of
 * about 5 ms keeps the response to ~100 Hz vibration the same at any sample rate.
 */
export function linearPredictionError(x: Float64Array, lag = 1): Float64Array {
  const n = x.length;
  const out = new Float64Array(n);
  for (let i = 2 * lag; i < n; i++) out[i] = x[i]! - 2 * x[i - lag]! + x[i - 2 * lag]!;
  return out;
}

/** The lag (samples) spanning about `seconds` at this series' rate (at least 1). */
export function lagFor(t: Float64Array, seconds: number): number {
  const dt = medianPeriod(t);
  return Number.isFinite(dt) && dt > 0 ? Math.max(1, Math.round(seconds / dt)) : 1;
}
