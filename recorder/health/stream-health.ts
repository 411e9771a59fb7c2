// Per-stream health of one episode: messages, measured vs expected rate, gaps (intervals longer
// than 2.5 expected periods), and transport latency (receive time minus the header stamp, for
// types that start with a std_msgs/Header) as percentiles. An episode whose stream fell under
// 90% of its expected rate is flagged. While recording, `live()` gives the same per stream over
// the last LIVE_WINDOW_S seconds (rate) and latest LIVE_LATENCY_SAMPLES latencies, for the status
// line, --json progress and the ws control API.

export interface StreamHealthReport {
  topic: string;
  expectedHz: number | undefined;
  measuredHz: number;
  messages: number;
  gaps: number;
  receiveMinusStampMs: { p50: number; p95: number; p99: number; max: number } | undefined;
}

export const UNDER_RATE_FRACTION = 0.9;

/** Live health of one stream while an episode records. */
export interface LiveStreamHealth {
  topic: string;
  expectedHz: number | undefined;
  /** Messages per second over the last LIVE_WINDOW_S s (recorder clock); the whole episode if shorter. */
  rateHz: number;
  messages: number;
  /** Intervals longer than 2.5 expected periods, since the episode started. */
  gaps: number;
  /** Receive time minus header stamp over the latest samples, ms. */
  latencyMs: { p50: number; p95: number; p99: number; max: number } | undefined;
  /** "ok", "under_rate" (below 90% of expected), or "silent" (nothing in the window). */
  status: "ok" | "under_rate" | "silent";
}

export const LIVE_WINDOW_S = 2;
export const LIVE_LATENCY_SAMPLES = 1000;
/** Rate buckets: 100 ms each, enough to cover the window plus the bucket being filled. */
const BUCKET_NS = 100_000_000n;
const BUCKETS = 32;
const WINDOW_BUCKETS = Math.round((LIVE_WINDOW_S * 1e9) / Number(BUCKET_NS));

/** The header stamp of a CDR message that starts with a std_msgs/Header, ns (undefined if too short). */
export function headerStampNs(data: Uint8Array): bigint | undefined {
  if (data.byteLength < 12) return undefined;
  const view = new DataView(data.buffer, data.byteOffset, 12);
  const little = ((data[1] ?? 1) & 1) === 1; // CDR encapsulation: odd = little endian
  return BigInt(view.getInt32(4, little)) * 1_000_000_000n + BigInt(view.getUint32(8, little));
}

class Stream {
  messages = 0;
  gaps = 0;
  firstNs: bigint | undefined;
  lastNs: bigint | undefined;
  latencies: number[] = [];
  /** Messages per 100 ms bucket (ring), and the absolute index of the newest bucket. */
  readonly buckets = new Int32Array(BUCKETS);
  newestBucket = -1;
  constructor(
    readonly expectedHz: number | undefined,
    readonly stamped: boolean,
  ) {}
}

export class EpisodeHealth {
  private readonly streams = new Map<string, Stream>();

  constructor(
    private readonly expected: ReadonlyMap<string, number>,
    /** True for types whose CDR starts with a std_msgs/Header (stamp at bytes 4..12). */
    private readonly hasHeader: (type: string) => boolean,
  ) {}

  /** Counts one message; returns its header stamp for stamped types (undefined otherwise). */
  add(topic: string, type: string, data: Uint8Array, receivedNs: bigint): bigint | undefined {
    let s = this.streams.get(topic);
    if (s === undefined) {
      s = new Stream(this.expected.get(topic), this.hasHeader(type));
      this.streams.set(topic, s);
    }
    s.messages++;
    const hz = s.expectedHz;
    if (s.lastNs !== undefined && hz !== undefined && hz > 0 && Number(receivedNs - s.lastNs) > 2.5e9 / hz) s.gaps++;
    s.firstNs ??= receivedNs;
    s.lastNs = receivedNs;
    const bucket = Number(receivedNs / BUCKET_NS);
    advanceBuckets(s, bucket);
    if (bucket > s.newestBucket - BUCKETS) s.buckets[bucket % BUCKETS]!++;
    if (!s.stamped) return undefined;
    const stampNs = headerStampNs(data);
    if (stampNs === undefined || stampNs <= 0n) return undefined;
    s.latencies.push(Number(receivedNs - stampNs) / 1e6);
    return stampNs;
  }

  /** Per-stream health now: rate over the last LIVE_WINDOW_S s of [startNs, nowNs], gaps, recent latency. */
  live(startNs: bigint, nowNs: bigint): LiveStreamHealth[] {
    const nowBucket = Number(nowNs / BUCKET_NS);
    const spanS = Math.min(LIVE_WINDOW_S, Math.max(0, Number(nowNs - startNs) / 1e9));
    const topics = new Set([...this.expected.keys(), ...this.streams.keys()]);
    return [...topics].sort().map((topic) => {
      const s = this.streams.get(topic);
      const expectedHz = this.expected.get(topic);
      let inWindow = 0;
      if (s !== undefined) {
        advanceBuckets(s, nowBucket);
        // the window: the WINDOW_BUCKETS buckets before the one being filled now
        for (let b = nowBucket - WINDOW_BUCKETS; b < nowBucket; b++) if (b > s.newestBucket - BUCKETS && b >= 0) inWindow += s.buckets[b % BUCKETS]!;
      }
      const windowS = Math.min(spanS, LIVE_WINDOW_S);
      // the episode's first window: count everything over the time elapsed so far
      const rateHz = spanS < LIVE_WINDOW_S ? (spanS > 0 ? (s?.messages ?? 0) / spanS : 0) : inWindow / windowS;
      const recent = s?.latencies.length ? s.latencies.slice(-LIVE_LATENCY_SAMPLES) : undefined;
      const status: LiveStreamHealth["status"] =
        spanS >= 1 && rateHz === 0 && expectedHz !== 0
          ? "silent"
          : expectedHz !== undefined && expectedHz > 0 && spanS * expectedHz >= 5 && rateHz < UNDER_RATE_FRACTION * expectedHz
            ? "under_rate"
            : "ok";
      return { topic, expectedHz, rateHz, messages: s?.messages ?? 0, gaps: s?.gaps ?? 0, latencyMs: recent ? percentiles(recent) : undefined, status };
    });
  }

  /** Per-stream reports over [startNs, endNs]; streams expected but silent are included. */
  report(startNs: bigint, endNs: bigint): StreamHealthReport[] {
    const durationS = Math.max(1e-9, Number(endNs - startNs) / 1e9);
    const topics = new Set([...this.expected.keys(), ...this.streams.keys()]);
    return [...topics].sort().map((topic) => {
      const s = this.streams.get(topic);
      const expectedHz = this.expected.get(topic);
      const lat = s?.latencies.length ? percentiles(s.latencies) : undefined;
      return { topic, expectedHz, measuredHz: (s?.messages ?? 0) / durationS, messages: s?.messages ?? 0, gaps: s?.gaps ?? 0, receiveMinusStampMs: lat };
    });
  }

  /** Streams under 90% of their expected rate (latched/once-only streams excepted). */
  static underRate(reports: StreamHealthReport[], durationS: number): string[] {
    return reports
      .filter((r) => r.expectedHz !== undefined && r.expectedHz > 0 && durationS * r.expectedHz >= 5 && r.measuredHz < UNDER_RATE_FRACTION * r.expectedHz)
      .map((r) => r.topic);
  }
}

/** Moves the ring forward to `bucket`, zeroing the buckets it skips. */
function advanceBuckets(s: Stream, bucket: number): void {
  if (bucket <= s.newestBucket) return;
  const from = Math.max(s.newestBucket + 1, bucket - BUCKETS + 1);
  for (let b = from; b <= bucket; b++) s.buckets[b % BUCKETS] = 0;
  s.newestBucket = bucket;
}

function percentiles(values: number[]): { p50: number; p95: number; p99: number; max: number } {
  const v = Float64Array.from(values).sort();
  const at = (q: number) => v[Math.min(v.length - 1, Math.floor(q * v.length))] as number;
  const round = (x: number) => Math.round(x * 1000) / 1000;
  return { p50: round(at(0.5)), p95: round(at(0.95)), p99: round(at(0.99)), max: round(v[v.length - 1] as number) };
}
