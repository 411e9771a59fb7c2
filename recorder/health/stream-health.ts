// Per-stream health of one episode: messages, measured vs expected rate, gaps (intervals longer
// than 2.5 expected periods), and transport latency (receive time minus the header stamp, for
// types that start with a std_msgs/Header) as percentiles. An episode whose stream fell under
// 90% of its expected rate is flagged.

export interface StreamHealthReport {
  topic: string;
  expectedHz: number | undefined;
  measuredHz: number;
  messages: number;
  gaps: number;
  receiveMinusStampMs: { p50: number; p95: number; p99: number; max: number } | undefined;
}

export const UNDER_RATE_FRACTION = 0.9;

class Stream {
  messages = 0;
  gaps = 0;
  firstNs: bigint | undefined;
  lastNs: bigint | undefined;
  latencies: number[] = [];
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

  add(topic: string, type: string, data: Uint8Array, receivedNs: bigint): void {
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
    if (s.stamped && data.byteLength >= 12) {
      const view = new DataView(data.buffer, data.byteOffset, 12);
      const little = (data[1] ?? 1) & 1; // CDR encapsulation: odd = little endian
      const sec = view.getInt32(4, little === 1);
      const nsec = view.getUint32(8, little === 1);
      const stampNs = BigInt(sec) * 1_000_000_000n + BigInt(nsec);
      if (stampNs > 0n) s.latencies.push(Number(receivedNs - stampNs) / 1e6);
    }
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

function percentiles(values: number[]): { p50: number; p95: number; p99: number; max: number } {
  const v = Float64Array.from(values).sort();
  const at = (q: number) => v[Math.min(v.length - 1, Math.floor(q * v.length))] as number;
  const round = (x: number) => Math.round(x * 1000) / 1000;
  return { p50: round(at(0.5)), p95: round(at(0.95)), p99: round(at(0.99)), max: round(v[v.length - 1] as number) };
}
