// Offline two-pass clock fit over a whole recorded stream.
//
// Pass 1 runs the online estimator to find the segments (clock steps) in arrival order.
// Pass 2 refits each segment on all its samples at once and rejects bad stamps: a sample that
// is a vertex of the lower hull but lies far under the hull of the remaining samples (the next
// "onion layer") is one isolated impossible point, not the envelope. Pass 2 then reports how
// the samples sit above the envelope (latency jitter percentiles) and the drops implied by
// stamp gaps.

import { SegmentedClockModel, type ClockSegment } from "./clockModel.ts";
import { ClockModelEstimator, type ClockEstimatorOptions } from "./estimator.ts";
import { SegmentFit } from "./segmentFit.ts";

export interface ClockPair {
  readonly stampNs: bigint;
  readonly receiveNs: bigint;
}

export interface OfflineClockOptions extends ClockEstimatorOptions {
  /** Nominal sample period, ns (a duration); enables drop counting. */
  expectedPeriodNs?: number;
  /** How far under the remaining samples' envelope a hull vertex must be to be rejected, ns. Default 2 ms. */
  outlierThresholdNs?: number;
  /** Rejection passes per segment. Default 8. */
  maxOutlierPasses?: number;
}

/** Distribution of receive − model(stamp) over a segment's accepted samples, ns. */
export interface ResidualStats {
  p50Ns: number;
  p90Ns: number;
  p99Ns: number;
  maxNs: number;
}

export interface OfflineSegmentReport {
  segment: ClockSegment;
  /** Arrival indices [startIndex, endIndex) of the input this segment covers. */
  startIndex: number;
  endIndex: number;
  /** Samples fitted (rejected excluded). */
  count: number;
  /** Arrival indices rejected as bad stamps. */
  rejectedIndices: number[];
  residuals: ResidualStats;
  /** Messages missing according to stamp gaps; 0 when no expected period was given. */
  drops: number;
  /** Samples whose stamp is earlier than an earlier-arriving one of the segment. */
  outOfOrder: number;
  /** Samples repeating an earlier stamp. */
  duplicateStamps: number;
}

export interface OfflineClockFit {
  model: SegmentedClockModel;
  segments: OfflineSegmentReport[];
}

export function fitClockModelOffline(pairs: readonly ClockPair[], options: OfflineClockOptions = {}): OfflineClockFit {
  const online = new ClockModelEstimator(options);
  for (const p of pairs) online.add(p.stampNs, p.receiveNs);
  const starts = online.segmentStartIndices();

  const reports: OfflineSegmentReport[] = [];
  for (let k = 0; k < starts.length; k++) {
    const start = starts[k]!;
    const end = starts[k + 1] ?? pairs.length;
    const report = refitSegment(pairs, start, end, options);
    if (report !== undefined) reports.push(report);
  }
  return { model: new SegmentedClockModel(reports.map((r) => r.segment)), segments: reports };
}

function refitSegment(pairs: readonly ClockPair[], start: number, end: number, options: OfflineClockOptions): OfflineSegmentReport | undefined {
  const first = pairs[start];
  if (first === undefined || end <= start) return undefined;
  const maxDrift = (options.maxDriftPpm ?? 1000) * 1e-6;
  const threshold = options.outlierThresholdNs ?? options.jumpFloorNs ?? 2e6;
  const passes = options.maxOutlierPasses ?? 8;
  const rejected = new Set<number>();

  const fitWithout = (excluded: ReadonlySet<number>, alsoExcluded?: ReadonlySet<number>): SegmentFit => {
    const fit = new SegmentFit(first.stampNs, first.receiveNs - first.stampNs, first.receiveNs, start, maxDrift);
    for (let i = start; i < end; i++) {
      if (excluded.has(i) || alsoExcluded?.has(i)) continue;
      const p = pairs[i]!;
      fit.add(p.stampNs, p.receiveNs, i);
    }
    return fit;
  };

  let fit = fitWithout(rejected);
  for (let pass = 0; pass < passes; pass++) {
    const layer = new Set(fit.hull.vertices().map((v) => v.tag));
    const inner = fitWithout(rejected, layer);
    if (inner.count === 0) break;
    let found = false;
    for (const i of layer) {
      const p = pairs[i]!;
      if (inner.residual(p.stampNs, p.receiveNs) < -threshold) {
        rejected.add(i);
        found = true;
      }
    }
    if (!found) break;
    fit = fitWithout(rejected);
  }

  const segment = fit.segment();
  if (segment === undefined) return undefined;
  return {
    segment,
    startIndex: start,
    endIndex: end,
    count: fit.count,
    rejectedIndices: [...rejected].sort((a, b) => a - b),
    residuals: residualStats(pairs, start, end, rejected, segment),
    ...stampGapCounts(pairs, start, end, options.expectedPeriodNs),
  };
}

function residualStats(pairs: readonly ClockPair[], start: number, end: number, rejected: ReadonlySet<number>, segment: ClockSegment): ResidualStats {
  const r = new Float64Array(end - start - rejected.size);
  let n = 0;
  for (let i = start; i < end; i++) {
    if (rejected.has(i)) continue;
    const p = pairs[i]!;
    r[n++] = Number(p.receiveNs - segment.model.toHost(p.stampNs));
  }
  r.sort();
  const at = (q: number): number => r[Math.min(n - 1, Math.max(0, Math.ceil(q * n) - 1))] ?? Number.NaN;
  return { p50Ns: at(0.5), p90Ns: at(0.9), p99Ns: at(0.99), maxNs: n > 0 ? r[n - 1]! : Number.NaN };
}

function stampGapCounts(
  pairs: readonly ClockPair[],
  start: number,
  end: number,
  expectedPeriodNs: number | undefined,
): { drops: number; outOfOrder: number; duplicateStamps: number } {
  const stamps = new BigInt64Array(end - start);
  let outOfOrder = 0;
  let maxSoFar: bigint | undefined;
  for (let i = start; i < end; i++) {
    const s = pairs[i]!.stampNs;
    stamps[i - start] = s;
    if (maxSoFar !== undefined && s < maxSoFar) outOfOrder++;
    if (maxSoFar === undefined || s > maxSoFar) maxSoFar = s;
  }
  stamps.sort();
  let drops = 0;
  let duplicateStamps = 0;
  for (let i = 1; i < stamps.length; i++) {
    const gap = Number(stamps[i]! - stamps[i - 1]!);
    if (gap === 0) duplicateStamps++;
    // A gap of about m periods means m − 1 messages never arrived.
    else if (expectedPeriodNs !== undefined && gap > 1.5 * expectedPeriodNs) drops += Math.round(gap / expectedPeriodNs) - 1;
  }
  return { drops, outOfOrder, duplicateStamps };
}
