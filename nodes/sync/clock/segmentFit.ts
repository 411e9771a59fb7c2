// The lower-envelope fit of one clock segment: hull of one-way delays plus the few running
// statistics needed to pick the Zhang–Liu–Xia line. Memory: hull vertices + O(1).
//
// Coordinates relative to the segment's first sample (refStamp, refDelay):
//   x = stamp − refStamp            (ns, float64)
//   y = (receive − stamp) − refDelay (ns, float64)
// and the envelope y = a + b·x gives host = stamp + refDelay + a + b·x, so b is the drift.

import { ClockModel, type ClockSegment } from "./clockModel.ts";
import { LowerHull, type HullLine } from "./lowerHull.ts";

export class SegmentFit {
  readonly hull: LowerHull;
  count = 0;
  /** Mean of x over all samples: where the summed-distance-optimal line is supported. */
  meanX = 0;
  minStampNs: bigint;
  maxStampNs: bigint;
  firstReceiveNs: bigint;
  lastReceiveNs: bigint;
  /** Arrival index of the first sample, for callers that partition a stream. */
  readonly firstIndex: number;
  private cachedLine: HullLine | undefined;

  constructor(
    readonly refStampNs: bigint,
    readonly refDelayNs: bigint,
    firstReceiveNs: bigint,
    firstIndex: number,
    private readonly maxDrift: number,
    maxHullVertices?: number,
  ) {
    this.hull = new LowerHull(maxHullVertices);
    this.minStampNs = refStampNs;
    this.maxStampNs = refStampNs;
    this.firstReceiveNs = firstReceiveNs;
    this.lastReceiveNs = firstReceiveNs;
    this.firstIndex = firstIndex;
  }

  static startingAt(stampNs: bigint, receiveNs: bigint, index: number, maxDrift: number, maxHullVertices?: number): SegmentFit {
    return new SegmentFit(stampNs, receiveNs - stampNs, receiveNs, index, maxDrift, maxHullVertices);
  }

  x(stampNs: bigint): number {
    return Number(stampNs - this.refStampNs);
  }

  y(stampNs: bigint, receiveNs: bigint): number {
    return Number(receiveNs - stampNs - this.refDelayNs);
  }

  add(stampNs: bigint, receiveNs: bigint, tag = -1): void {
    this.addXY(this.x(stampNs), this.y(stampNs, receiveNs), tag);
    this.noteRanges(stampNs, receiveNs);
  }

  /**
   * Absorbs another fit's samples (a cancelled jump candidate). Its hull vertices carry the
   * envelope; its count and mean carry the ZLX weighting. Exact: hull(A ∪ B) = hull(hull A ∪ hull B).
   */
  absorb(other: SegmentFit): void {
    if (other.count === 0) return;
    const dx = Number(other.refStampNs - this.refStampNs);
    const dy = Number(other.refDelayNs - this.refDelayNs);
    this.hull.merge(other.hull, dx, dy);
    const n = this.count + other.count;
    this.meanX += ((other.meanX + dx - this.meanX) * other.count) / n;
    this.count = n;
    this.cachedLine = undefined;
    if (other.minStampNs < this.minStampNs) this.minStampNs = other.minStampNs;
    if (other.maxStampNs > this.maxStampNs) this.maxStampNs = other.maxStampNs;
    if (other.lastReceiveNs > this.lastReceiveNs) this.lastReceiveNs = other.lastReceiveNs;
  }

  /** The envelope line, or undefined before the first sample. */
  line(): HullLine | undefined {
    this.cachedLine ??= this.hull.supportingLine(this.meanX, -this.maxDrift, this.maxDrift);
    return this.cachedLine;
  }

  /** Height of a sample above the envelope, ns (negative: below — impossible without a jump). */
  residual(stampNs: bigint, receiveNs: bigint): number {
    const l = this.line();
    if (l === undefined) return 0;
    const x = this.x(stampNs);
    return this.y(stampNs, receiveNs) - (l.a + l.b * x);
  }

  model(): ClockModel | undefined {
    const l = this.line();
    if (l === undefined) return undefined;
    // Reference at the mean stamp, where the fit is best determined.
    const refStamp = this.refStampNs + BigInt(Math.round(this.meanX));
    const xr = Number(refStamp - this.refStampNs);
    const refHost = refStamp + this.refDelayNs + BigInt(Math.round(l.a + l.b * xr));
    return new ClockModel(refStamp, refHost, l.b);
  }

  segment(): ClockSegment | undefined {
    const model = this.model();
    if (model === undefined) return undefined;
    return {
      model,
      validFromStampNs: this.minStampNs,
      validToStampNs: this.maxStampNs,
      firstReceiveNs: this.firstReceiveNs,
      lastReceiveNs: this.lastReceiveNs,
      count: this.count,
    };
  }

  /** Receive-time span covered so far, ns. */
  receiveSpanNs(): bigint {
    return this.lastReceiveNs - this.firstReceiveNs;
  }

  private addXY(x: number, y: number, tag: number): void {
    this.hull.add(x, y, tag);
    this.count++;
    this.meanX += (x - this.meanX) / this.count;
    this.cachedLine = undefined;
  }

  private noteRanges(stampNs: bigint, receiveNs: bigint): void {
    if (stampNs < this.minStampNs) this.minStampNs = stampNs;
    if (stampNs > this.maxStampNs) this.maxStampNs = stampNs;
    if (receiveNs > this.lastReceiveNs) this.lastReceiveNs = receiveNs;
  }
}
