// Cross-modal time offset: the constant latency that one-way clock estimation cannot see,
// measured by correlating two physically related signals on their corrected timelines.
//
// SIGN CONVENTION: lagS > 0 means b lags a — the same physical event appears lagS seconds
// later on b's timeline than on a's:  b(t) ≈ a(t − lagS).  To put b on a's timeline,
// subtract lagS from b's times.
//
// Method: both signals are linearly resampled onto one uniform grid (a's grid covers the
// overlap shrunk by maxLag, b's grid is extended by maxLag on both sides, so every lag sees
// the same number of samples); a feature (value / derivative / energy) is taken; the Pearson
// correlation is computed for every whole-grid lag (FFT for long signals) and the peak is
// refined by a parabola through its neighbours. Sub-sample precision is a matter of gridHz:
// a finer grid gives denser lags. (Re-interpolating b at fractional lags was tried and is
// worse: linear interpolation smooths b differently at each fractional phase, which puts
// ripples with the grid period into the correlation and pulls the peak onto grid points.)

import { feature, movingAverage, type LagFeature } from "./features.ts";
import { slidingDot } from "./fft.ts";
import { resampleLinear, type TimedSignal } from "./resample.ts";

export type { TimedSignal } from "./resample.ts";
export type { LagFeature } from "./features.ts";

export interface LagOptions {
  /** Search window: lags in [−maxLagS, +maxLagS]. */
  maxLagS: number;
  /** Common grid rate, Hz. */
  gridHz: number;
  /** What to correlate. Default "value". */
  feature?: LagFeature;
  /** Zero-phase smoothing before differentiating ("derivative", "energy"), s. Default 20 ms. */
  smoothingS?: number;
  /** Below this peak correlation the result is not usable. Default 0.3. */
  minCorrelation?: number;
  /** Peak / next-best-peak below this is ambiguous (periodic signals). Default 1.2. */
  minPeakRatio?: number;
  /**
   * Remove content slower than this (centered moving-average high-pass), s. Levels that wander
   * (a random walk of contact forces, sensor bias) otherwise dominate the correlation with a
   * broad, flat peak. Default: none.
   */
  detrendS?: number;
  /** Correlation method; "auto" picks FFT for long signals. */
  method?: "auto" | "fft" | "direct";
}

export interface LagEstimate {
  /** b(t) ≈ a(t − lagS); NaN when not usable for lack of signal. */
  lagS: number;
  /** Pearson correlation at the peak, [−1, 1]. */
  correlation: number;
  /** Peak correlation / highest other local maximum (Infinity when there is none). */
  peakRatio: number;
  /** [0, 1]: correlation × how much the peak stands out (1 − second/peak). */
  confidence: number;
  usable: boolean;
  /** Why not usable (or undefined when usable). */
  reason?: string;
  /** Grid samples of a that were correlated. */
  samples: number;
}

function unusable(reason: string, samples: number, partial: Partial<LagEstimate> = {}): LagEstimate {
  return { lagS: Number.NaN, correlation: 0, peakRatio: 0, confidence: 0, samples, ...partial, usable: false, reason };
}

function validate(name: string, s: TimedSignal): string | undefined {
  if (s.t.length !== s.v.length) return `${name}: t and v lengths differ (${s.t.length} vs ${s.v.length})`;
  if (s.t.length < 2) return `${name}: fewer than 2 samples`;
  for (let i = 0; i < s.t.length; i++) {
    if (!Number.isFinite(s.t[i]!) || !Number.isFinite(s.v[i]!)) return `${name}: non-finite sample at index ${i}`;
    if (i > 0 && s.t[i]! < s.t[i - 1]!) return `${name}: times decrease at index ${i}`;
  }
  return undefined;
}

function meanOf(x: Float64Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]!;
  return x.length > 0 ? s / x.length : 0;
}

/** Is x constant to within round-off (relative to its magnitude)? */
function isFlat(x: Float64Array): boolean {
  const m = meanOf(x);
  let ss = 0;
  let mag = 0;
  for (let i = 0; i < x.length; i++) {
    ss += (x[i]! - m) ** 2;
    mag = Math.max(mag, Math.abs(x[i]!));
  }
  const std = Math.sqrt(ss / Math.max(1, x.length));
  return std <= 1e-9 * mag || std === 0;
}

function highPass(x: Float64Array, window: number): Float64Array {
  const slow = movingAverage(x, window);
  return x.map((v, i) => v - slow[i]!);
}

export function estimateLag(a: TimedSignal, b: TimedSignal, options: LagOptions): LagEstimate {
  const { maxLagS, gridHz } = options;
  if (!(maxLagS > 0) || !(gridHz > 0)) throw new RangeError(`estimateLag: maxLagS and gridHz must be > 0 (got ${maxLagS}, ${gridHz})`);
  const bad = validate("a", a) ?? validate("b", b);
  if (bad !== undefined) return unusable(bad, 0);

  const kind = options.feature ?? "value";
  const minCorrelation = options.minCorrelation ?? 0.3;
  const minPeakRatio = options.minPeakRatio ?? 1.2;
  const dt = 1 / gridHz;
  const K = Math.ceil(maxLagS * gridHz);
  const energyWindow = Math.max(1, Math.round((options.smoothingS ?? 0.02) * gridHz));

  const t0 = Math.max(a.t[0]!, b.t[0]! + K * dt);
  const t1 = Math.min(a.t[a.t.length - 1]!, b.t[b.t.length - 1]! - K * dt);
  const n = Math.floor((t1 - t0) * gridHz + 1e-9) + 1;
  if (!(n >= Math.max(16, 2 * K + 1))) return unusable(`overlap too short for a ±${maxLagS} s search at ${gridHz} Hz`, Math.max(0, n));

  const detrendWindow = options.detrendS === undefined ? 0 : Math.max(3, Math.round(options.detrendS * gridHz));
  const prepare = (x: Float64Array): Float64Array => {
    const f = feature(x, kind, dt, energyWindow);
    return detrendWindow > 0 ? highPass(f, detrendWindow) : f;
  };
  const fa = prepare(resampleLinear(a, t0, dt, n));
  const fb = prepare(resampleLinear(b, t0 - K * dt, dt, n + 2 * K));
  if (isFlat(fa) || isFlat(fb)) return unusable("flat signal: nothing to correlate", n);

  const ma = meanOf(fa);
  const za = new Float64Array(n);
  let saa = 0;
  for (let i = 0; i < n; i++) {
    za[i] = fa[i]! - ma;
    saa += za[i]! * za[i]!;
  }
  // Center b globally first so the per-window variance below does not cancel catastrophically.
  const mb = meanOf(fb);
  const zb = fb.map((x) => x - mb);
  const dots = slidingDot(za, zb, options.method ?? "auto");
  const prefix = new Float64Array(zb.length + 1);
  const prefix2 = new Float64Array(zb.length + 1);
  for (let i = 0; i < zb.length; i++) {
    prefix[i + 1] = prefix[i]! + zb[i]!;
    prefix2[i + 1] = prefix2[i]! + zb[i]! * zb[i]!;
  }
  const windowVar = (m: number): number => {
    const s = prefix[m + n]! - prefix[m]!;
    return prefix2[m + n]! - prefix2[m]! - (s * s) / n;
  };
  const corr = new Float64Array(dots.length);
  for (let m = 0; m < dots.length; m++) {
    const v = windowVar(m);
    // za has zero mean, so Σ za·(zb − window mean) = Σ za·zb.
    corr[m] = v > 0 ? dots[m]! / Math.sqrt(saa * v) : 0;
  }

  let peak = 0;
  for (let m = 1; m < corr.length; m++) if (corr[m]! > corr[peak]!) peak = m;
  const peakCorr = corr[peak]!;
  const second = secondPeak(corr, peak);
  const peakRatio = second > 0 ? peakCorr / second : Number.POSITIVE_INFINITY;
  const confidence = Math.max(0, Math.min(1, peakCorr * (1 - Math.max(0, second) / peakCorr)));

  if (peak === 0 || peak === corr.length - 1) {
    return unusable("correlation peak at the edge of the lag window: widen maxLagS", n, { correlation: peakCorr, peakRatio, confidence, lagS: (peak - K) * dt });
  }
  const parabolic = parabolicOffset(corr[peak - 1]!, peakCorr, corr[peak + 1]!);
  const lagS = (peak - K + parabolic) * dt;
  const result = { lagS, correlation: peakCorr, peakRatio, confidence, samples: n };
  if (peakCorr < minCorrelation) return unusable(`weak correlation ${peakCorr.toFixed(3)} < ${minCorrelation}`, n, result);
  if (peakRatio < minPeakRatio) return unusable(`ambiguous peak: ratio to the next peak ${peakRatio.toFixed(2)} < ${minPeakRatio}`, n, result);
  return { ...result, usable: true };
}

/** Vertex offset (in samples, within ±0.5) of the parabola through three equally spaced values. */
function parabolicOffset(left: number, mid: number, right: number): number {
  const denom = left - 2 * mid + right;
  if (!(denom < 0)) return 0;
  return Math.max(-0.5, Math.min(0.5, (0.5 * (left - right)) / denom));
}

/** Highest local maximum outside the main lobe (the monotone descent on both sides of the peak). */
function secondPeak(corr: Float64Array, peak: number): number {
  let lo = peak;
  while (lo > 0 && corr[lo - 1]! <= corr[lo]!) lo--;
  let hi = peak;
  while (hi < corr.length - 1 && corr[hi + 1]! <= corr[hi]!) hi++;
  let best = Number.NEGATIVE_INFINITY;
  for (let m = 0; m < corr.length; m++) {
    if (m >= lo && m <= hi) continue;
    const isMax = (m === 0 || corr[m - 1]! <= corr[m]!) && (m === corr.length - 1 || corr[m + 1]! <= corr[m]!);
    if (isMax && corr[m]! > best) best = corr[m]!;
  }
  return best;
}
