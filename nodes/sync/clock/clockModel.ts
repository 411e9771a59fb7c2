// The clock model of one sensor stream: a map from the sensor's header stamp to host time.
//
//   host ≈ refHost + (stamp − refStamp) · (1 + drift)
//
// Parametrized around a reference point inside the data (not around stamp 0): offset and drift
// estimates are least correlated there, and every product stays a small float64 while the
// absolute times stay exact bigints.
//
// What "host time" means here: one-way observations (receive − stamp) cannot separate the
// clock offset from the constant part of the transport latency, so the modelled host time is
// the earliest possible receive time, i.e. true send time + minimum latency. The constant
// latency has to come from elsewhere (cross-modal correlation, hardware triggers); the model
// says so with `minLatencyIncluded`.

export class ClockModel {
  /** The model's host time includes the (unobservable one-way) minimum transport latency. */
  readonly minLatencyIncluded = true as const;

  constructor(
    /** A sensor stamp inside the fitted data, ns. */
    readonly refStampNs: bigint,
    /** Host time at refStampNs, ns. */
    readonly refHostNs: bigint,
    /** Rate error of the sensor clock: host advances (1 + drift) ns per stamp ns. */
    readonly drift: number,
  ) {
    if (!Number.isFinite(drift)) throw new RangeError(`clock drift must be finite, got ${drift}`);
  }

  get driftPpm(): number {
    return this.drift * 1e6;
  }

  toHost(stampNs: bigint): bigint {
    const dx = stampNs - this.refStampNs;
    return this.refHostNs + dx + BigInt(Math.round(this.drift * Number(dx)));
  }

  /** Inverse of toHost (exact to ±1 ns). */
  toStamp(hostNs: bigint): bigint {
    const dh = hostNs - this.refHostNs;
    const correction = Math.round((this.drift * Number(dh)) / (1 + this.drift));
    return this.refStampNs + dh - BigInt(correction);
  }

  /** host − stamp at this stamp, ns: the offset in the `host = offset + stamp` sense, locally. */
  offsetAt(stampNs: bigint): bigint {
    return this.toHost(stampNs) - stampNs;
  }
}

/** One continuous stretch of a stream's clock: between resets / steps. */
export interface ClockSegment {
  readonly model: ClockModel;
  /** Smallest and largest sensor stamp the segment was fitted on, ns. */
  readonly validFromStampNs: bigint;
  readonly validToStampNs: bigint;
  /** Receive time of the segment's first and last sample in arrival order, ns. */
  readonly firstReceiveNs: bigint;
  readonly lastReceiveNs: bigint;
  /** Samples the segment was fitted on (rejected bad stamps excluded). */
  readonly count: number;
}

/** Estimation error tolerated below a segment's envelope when choosing a segment, ns. */
const SEGMENT_SLACK_NS = 1e6;

/** The whole stream: segments in arrival order. */
export class SegmentedClockModel {
  constructor(readonly segments: readonly ClockSegment[]) {}

  /**
   * The segment a sample belongs to. A stamp alone is ambiguous after a backward step (two
   * segments cover the same stamps), so the receive time decides when given: among segments
   * whose receive span holds it, the one the sample sits just above (latency ≥ 0 — under the
   * wrong segment it sits a whole step too high or impossibly low). Without it: the latest
   * segment whose stamp range holds the stamp, else the nearest.
   */
  segmentFor(stampNs: bigint, receiveHintNs?: bigint): ClockSegment | undefined {
    const segs = this.segments;
    if (segs.length === 0) return undefined;
    if (receiveHintNs !== undefined) return this.segmentByReceive(stampNs, receiveHintNs);
    let best: ClockSegment | undefined;
    let bestDistance = -1n;
    for (let i = segs.length - 1; i >= 0; i--) {
      const s = segs[i]!;
      if (stampNs >= s.validFromStampNs && stampNs <= s.validToStampNs) return s;
      const d = stampNs < s.validFromStampNs ? s.validFromStampNs - stampNs : stampNs - s.validToStampNs;
      if (best === undefined || d < bestDistance) {
        best = s;
        bestDistance = d;
      }
    }
    return best;
  }

  private segmentByReceive(stampNs: bigint, receiveNs: bigint): ClockSegment | undefined {
    const segs = this.segments;
    // Arrival order is receive order up to latency, so the answer is the last segment started
    // by this receive time or one of its neighbours (a late sample of the previous segment, an
    // early-arriving one of the next).
    let latest = 0;
    for (let i = 0; i < segs.length; i++) if (segs[i]!.firstReceiveNs <= receiveNs) latest = i;
    const holding = segs.slice(Math.max(0, latest - 1), latest + 2);
    let best: ClockSegment | undefined;
    let bestScore = Infinity;
    for (const s of holding) {
      const height = Number(receiveNs - s.model.toHost(stampNs));
      // Prefer a segment whose stamp range holds the stamp (decides forward steps), then a
      // plausible height (≥ 0 up to estimation slack; decides backward steps), then the lowest.
      const inRange = stampNs >= s.validFromStampNs && stampNs <= s.validToStampNs;
      const plausible = height >= -SEGMENT_SLACK_NS;
      const score = (inRange ? 0 : 2e18) + (plausible ? Math.max(height, 0) : 1e18 - height);
      if (score < bestScore) {
        bestScore = score;
        best = s;
      }
    }
    return best;
  }

  toHost(stampNs: bigint, receiveHintNs?: bigint): bigint {
    const seg = this.segmentFor(stampNs, receiveHintNs);
    if (seg === undefined) throw new Error("clock model has no segments");
    return seg.model.toHost(stampNs);
  }
}
