// Lag estimation restricted to where a relation holds: the Pearson correlation of a and b over
// the grid points a mask keeps (e.g. a wrist force sensor only while its gripper holds nothing,
// when its signal is the gripper's own inertia and nothing else), with the same sign convention
// and sub-sample parabolic refinement as xcorr/estimateLag: b(t) ≈ a(t − lagS).
import { resampleLinear, type LagEstimate, type TimedSignal } from "../xcorr/index.ts";
import { feature, movingAverage, type LagFeature } from "../xcorr/features.ts";

export interface MaskedLagOptions {
  maxLagS: number;
  gridHz: number;
  feature?: LagFeature;
  smoothingS?: number;
  /** High-pass: remove a centered moving average of this width, s. */
  detrendS?: number;
  minCorrelation?: number;
  /** Keep the grid point at time t (seconds, a's timeline)? */
  keep: (t: number) => boolean;
  /** Fewer kept points than this → unusable. Default 2 s worth. */
  minKept?: number;
}


export function maskedLag(a: TimedSignal, b: TimedSignal, options: MaskedLagOptions): LagEstimate {
  const { maxLagS, gridHz } = options;
  const dt = 1 / gridHz;
  const K = Math.ceil(maxLagS * gridHz);
  const unusable = (reason: string, samples = 0): LagEstimate => ({ lagS: Number.NaN, correlation: 0, peakRatio: 0, confidence: 0, usable: false, reason, samples });
  if (a.t.length < 2 || b.t.length < 2) return unusable("fewer than 2 samples");
  const t0 = Math.max(a.t[0]!, b.t[0]! + K * dt);
  const t1 = Math.min(a.t[a.t.length - 1]!, b.t[b.t.length - 1]! - K * dt);
  const n = Math.floor((t1 - t0) * gridHz + 1e-9) + 1;
  if (!(n > 2 * K + 16)) return unusable("overlap too short");
  const window = Math.max(1, Math.round((options.smoothingS ?? 0.02) * gridHz));
  const prep = (x: Float64Array): Float64Array => {
    const f = feature(x, options.feature ?? "value", dt, window);
    if (options.detrendS === undefined) return f;
    const slow = movingAverage(f, Math.max(3, Math.round(options.detrendS * gridHz)));
    return f.map((v, i) => v - slow[i]!);
  };
  const fa = prep(resampleLinear(a, t0, dt, n));
  const fb = prep(resampleLinear(b, t0 - K * dt, dt, n + 2 * K));
  const kept: number[] = [];
  for (let i = 0; i < n; i++) if (options.keep(t0 + i * dt)) kept.push(i);
  if (kept.length < (options.minKept ?? 2 * gridHz)) return unusable(`only ${kept.length} grid points kept by the mask`, kept.length);
  let ma = 0;
  for (const i of kept) ma += fa[i]!;
  ma /= kept.length;
  let saa = 0;
  for (const i of kept) saa += (fa[i]! - ma) ** 2;
  const corr = new Float64Array(2 * K + 1);
  for (let m = 0; m <= 2 * K; m++) {
    let sb = 0;
    let sbb = 0;
    let sab = 0;
    for (const i of kept) {
      const y = fb[i + m]!;
      sb += y;
      sbb += y * y;
      sab += (fa[i]! - ma) * y;
    }
    const vb = sbb - (sb * sb) / kept.length;
    corr[m] = vb > 0 && saa > 0 ? sab / Math.sqrt(saa * vb) : 0;
  }
  let peak = 0;
  for (let m = 1; m < corr.length; m++) if (corr[m]! > corr[peak]!) peak = m;
  const pc = corr[peak]!;
  if (peak === 0 || peak === corr.length - 1) return { ...unusable("correlation peak at the edge of the lag window", kept.length), correlation: pc };
  const l = corr[peak - 1]!;
  const r = corr[peak + 1]!;
  const denom = l - 2 * pc + r;
  const frac = denom < 0 ? Math.max(-0.5, Math.min(0.5, (0.5 * (l - r)) / denom)) : 0;
  const lagS = (peak - K + frac) * dt;
  const minCorrelation = options.minCorrelation ?? 0.3;
  const usable = pc >= minCorrelation;
  return { lagS, correlation: pc, peakRatio: Number.POSITIVE_INFINITY, confidence: Math.max(0, pc), usable, reason: usable ? undefined : `weak correlation ${pc.toFixed(3)} < ${minCorrelation}`, samples: kept.length };
}
