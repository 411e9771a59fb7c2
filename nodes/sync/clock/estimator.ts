// Online per-stream clock model: lower-envelope fit of one-way delays, split into segments at
// clock steps.
//
// Jump logic, from what latency can and cannot do (latency ≥ 0, heavy-tailed upwards):
//  - a sample BELOW the envelope by more than the threshold is impossible for a continuous
//    clock: a few of them in a row (before one lands back on the old envelope) mean the stamp
//    stepped forwards (NTP step, reset to a later epoch). The new segment starts at the first
//    such sample. A lone one that is followed by normal samples is a bad stamp: rejected.
//  - samples ABOVE the envelope are normally latency spikes. Only when the floor stays above
//    the old envelope for a sustained time (no sample near it for `aboveConfirmSpanNs`) has
//    the stamp stepped backwards (sensor reset, NTP step back).
// While a candidate is pending its samples go to a separate fit, so a real jump never smears
// the old segment, and a cancelled candidate merges back exactly (hull of hulls).
// Thresholds scale with the observed latency (running mean height above the envelope), so a
// 12 ms-mean link does not split where a 1 ms link would.

import { SegmentedClockModel, type ClockModel, type ClockSegment } from "./clockModel.ts";
import { SegmentFit } from "./segmentFit.ts";

export interface ClockEstimatorOptions {
  /** Physical bound on |drift| (ppm); clamps early, short-baseline slopes. Default 1000. */
  maxDriftPpm?: number;
  /** Samples a segment needs before jumps are looked for. Default 16. */
  warmupSamples?: number;
  /** Smallest jump threshold, ns (a duration). Default 2 ms. */
  jumpFloorNs?: number;
  /** Below-envelope samples that confirm a forward step. Default 3. */
  belowConfirmSamples?: number;
  /** How long (receive time, ns) the floor must stay raised to confirm a backward step. Default 300 ms. */
  aboveConfirmSpanNs?: number;
  /** ...and with at least this many samples. Default 5. */
  aboveConfirmSamples?: number;
  /** Memory bound per segment. Default 4096 hull vertices (typical use: tens). */
  maxHullVertices?: number;
}

interface Sample {
  readonly stamp: bigint;
  readonly receive: bigint;
  readonly index: number;
}

/** A suspected forward step: samples below the envelope, and the rest seen meanwhile. */
interface PendingBelow {
  kind: "below";
  below: Sample[];
  others: SegmentFit | undefined;
}

/**
 * A suspected backward step: the floor has risen. The first few samples are kept raw because
 * a latency spike just before the real step also starts a candidate; at confirmation those
 * that sit well under the new floor are handed back to the old segment.
 */
interface PendingAbove {
  kind: "above";
  lead: { sample: Sample; residual: number }[];
  rest: SegmentFit | undefined;
  /** Lowest residual (vs the old envelope) among `rest`: the new floor's height. */
  restFloor: number;
  count: number;
  firstReceive: bigint;
  lastReceive: bigint;
}

type Pending = PendingBelow | PendingAbove;

/** Raw samples kept at the head of a backward-step candidate. */
const ABOVE_LEAD = 4;
/** Non-below samples that cancel a forward-step candidate (bad stamps, not a step). */
const BELOW_CANCEL_AFTER = 8;

const LATENCY_EMA_ALPHA = 1 / 32;

export class ClockModelEstimator {
  private readonly maxDrift: number;
  private readonly warmup: number;
  private readonly jumpFloor: number;
  private readonly belowConfirm: number;
  private readonly aboveSpan: bigint;
  private readonly aboveCount: number;
  private readonly maxHull: number;

  private closed: ClockSegment[] = [];
  private closedStartIndices: number[] = [];
  private current: SegmentFit | undefined;
  private pending: Pending | undefined;
  /** Running mean height of accepted samples above the envelope, ns: the latency scale. */
  private latencyScale = 1e6;
  private samples = 0;
  private rejectedSamples = 0;

  constructor(options: ClockEstimatorOptions = {}) {
    this.maxDrift = (options.maxDriftPpm ?? 1000) * 1e-6;
    this.warmup = options.warmupSamples ?? 16;
    this.jumpFloor = options.jumpFloorNs ?? 2e6;
    this.belowConfirm = options.belowConfirmSamples ?? 3;
    this.aboveSpan = BigInt(Math.round(options.aboveConfirmSpanNs ?? 300e6));
    this.aboveCount = options.aboveConfirmSamples ?? 5;
    this.maxHull = options.maxHullVertices ?? 4096;
  }

  /** One message: its header stamp and its host receive time, both ns. */
  add(stampNs: bigint, receiveNs: bigint): void {
    const sample: Sample = { stamp: stampNs, receive: receiveNs, index: this.samples++ };
    const cur = this.current;
    if (cur === undefined) {
      this.current = this.newFit(sample);
      this.current.add(stampNs, receiveNs, sample.index);
      return;
    }
    if (cur.count < this.warmup && this.pending === undefined) {
      this.accept(cur, sample);
      return;
    }
    this.classify(cur, sample);
  }

  /** The current segment's model; undefined before the first sample. */
  model(): ClockModel | undefined {
    return this.current?.model();
  }

  /** All segments so far in arrival order, the current one last (pending samples excluded). */
  segments(): ClockSegment[] {
    const out = [...this.closed];
    const seg = this.current?.segment();
    if (seg !== undefined) out.push(seg);
    return out;
  }

  /** Arrival index (0-based, counting every add()) where each segment of segments() starts. */
  segmentStartIndices(): number[] {
    const out = [...this.closedStartIndices];
    if (this.current !== undefined) out.push(this.current.firstIndex);
    return out;
  }

  segmentedModel(): SegmentedClockModel {
    return new SegmentedClockModel(this.segments());
  }

  /** Stamp → host with the segment the receive time (if given) or stamp points to. */
  toHost(stampNs: bigint, receiveHintNs?: bigint): bigint {
    return this.segmentedModel().toHost(stampNs, receiveHintNs);
  }

  stats(): { samples: number; rejected: number; segments: number; pendingJump: boolean; latencyScaleNs: number; hullVertices: number } {
    return {
      samples: this.samples,
      rejected: this.rejectedSamples,
      segments: this.closed.length + (this.current === undefined ? 0 : 1),
      pendingJump: this.pending !== undefined,
      latencyScaleNs: this.latencyScale,
      hullVertices: this.current?.hull.size ?? 0,
    };
  }

  private newFit(first: Sample): SegmentFit {
    return SegmentFit.startingAt(first.stamp, first.receive, first.index, this.maxDrift, this.maxHull);
  }

  private accept(fit: SegmentFit, s: Sample): void {
    const r = fit.residual(s.stamp, s.receive);
    if (fit.count > 1 && r >= 0) {
      const clip = Math.max(10 * this.latencyScale, 1e6);
      this.latencyScale += LATENCY_EMA_ALPHA * (Math.min(r, clip) - this.latencyScale);
    }
    fit.add(s.stamp, s.receive, s.index);
  }

  private belowThreshold(): number {
    return Math.max(this.jumpFloor, 0.5 * this.latencyScale);
  }

  private aboveThreshold(): number {
    return Math.max(this.jumpFloor, 4 * this.latencyScale);
  }

  private classify(cur: SegmentFit, s: Sample): void {
    const r = cur.residual(s.stamp, s.receive);
    const below = r < -this.belowThreshold();
    const above = r > this.aboveThreshold();
    const p = this.pending;

    if (p === undefined) {
      if (below) this.pending = { kind: "below", below: [s], others: undefined };
      else if (above) this.pending = this.startAbove(s, r);
      else this.accept(cur, s);
      return;
    }

    if (p.kind === "below") {
      if (below) {
        p.below.push(s);
        if (p.below.length >= this.belowConfirm) this.confirmBelow(p);
        return;
      }
      // Ambiguous: a sample above the old envelope fits the old floor and, as latency, a
      // lower new one. Only a run of them without further impossible samples cancels.
      if (p.others === undefined) p.others = this.startFit(s);
      else p.others.add(s.stamp, s.receive, s.index);
      if (p.others.count >= BELOW_CANCEL_AFTER) {
        this.rejectedSamples += p.below.length;
        cur.absorb(p.others);
        this.pending = undefined;
      }
      return;
    }

    if (above) {
      this.extendAbove(p, s, r);
      if (p.count >= this.aboveCount && p.lastReceive - p.firstReceive >= this.aboveSpan) this.confirmAbove(cur, p);
      return;
    }
    // A sample near (or below) the old envelope: the raised floor was latency, not a step.
    for (const { sample } of p.lead) this.accept(cur, sample);
    if (p.rest !== undefined) cur.absorb(p.rest);
    this.pending = undefined;
    this.classify(cur, s);
  }

  private startAbove(s: Sample, r: number): PendingAbove {
    return {
      kind: "above",
      lead: [{ sample: s, residual: r }],
      rest: undefined,
      restFloor: Infinity,
      count: 1,
      firstReceive: s.receive,
      lastReceive: s.receive,
    };
  }

  private extendAbove(p: PendingAbove, s: Sample, r: number): void {
    p.count++;
    if (s.receive > p.lastReceive) p.lastReceive = s.receive;
    if (p.lead.length < ABOVE_LEAD) {
      p.lead.push({ sample: s, residual: r });
      return;
    }
    if (p.rest === undefined) p.rest = this.startFit(s);
    else p.rest.add(s.stamp, s.receive, s.index);
    if (r < p.restFloor) p.restFloor = r;
  }

  private confirmAbove(cur: SegmentFit, p: PendingAbove): void {
    // Leading samples far under the new floor were old-clock spikes just before the step.
    const floor = p.restFloor === Infinity ? Math.min(...p.lead.map((l) => l.residual)) : p.restFloor;
    let k = 0;
    while (k < p.lead.length && p.lead[k]!.residual < floor - this.belowThreshold()) {
      this.accept(cur, p.lead[k]!.sample);
      k++;
    }
    let fit: SegmentFit | undefined;
    for (; k < p.lead.length; k++) {
      const s = p.lead[k]!.sample;
      if (fit === undefined) fit = this.startFit(s);
      else fit.add(s.stamp, s.receive, s.index);
    }
    if (p.rest !== undefined) {
      if (fit === undefined) fit = p.rest;
      else fit.absorb(p.rest);
    }
    if (fit !== undefined) this.startSegment(fit);
    else this.pending = undefined;
  }

  private startFit(s: Sample): SegmentFit {
    const fit = this.newFit(s);
    fit.add(s.stamp, s.receive, s.index);
    return fit;
  }

  private confirmBelow(p: { below: Sample[]; others: SegmentFit | undefined }): void {
    const first = p.below[0]!;
    const fit = this.newFit(first);
    for (const s of p.below) fit.add(s.stamp, s.receive, s.index);
    if (p.others !== undefined) fit.absorb(p.others);
    this.startSegment(fit);
  }

  private startSegment(fit: SegmentFit): void {
    const old = this.current;
    if (old !== undefined) {
      const seg = old.segment();
      if (seg !== undefined) {
        this.closed.push(seg);
        this.closedStartIndices.push(old.firstIndex);
      }
    }
    this.current = fit;
    this.pending = undefined;
  }
}
