// Watches topics on the runtime and measures what actually arrives: rate and bandwidth over a
// sliding window of the node's clock (sim time when the node uses it), plus totals.
import type { Nanos, QosProfile, RuntimeNode, Subscription } from "../runtime/api.ts";

export interface MonitoredTopic {
  topic: string;
  type: string;
  expectedHz: number;
  qos?: Partial<QosProfile>;
}

export interface TopicRate {
  topic: string;
  type: string;
  expectedHz: number;
  /** Messages per second over the window. */
  measuredHz: number;
  /** Megabytes (10^6 bytes) per second over the window. */
  mbPerS: number;
  totalMessages: number;
  totalBytes: number;
}

interface Arrival {
  at: Nanos;
  bytes: number;
}

class TopicWindow {
  readonly arrivals: Arrival[] = [];
  head = 0;
  totalMessages = 0;
  totalBytes = 0;

  add(at: Nanos, bytes: number): void {
    this.arrivals.push({ at, bytes });
    this.totalMessages++;
    this.totalBytes += bytes;
  }

  /** Drops arrivals older than the window start; compacts occasionally to keep memory bounded. */
  trim(from: Nanos): void {
    while (this.head < this.arrivals.length && (this.arrivals[this.head] as Arrival).at < from) this.head++;
    if (this.head > 4096) {
      this.arrivals.splice(0, this.head);
      this.head = 0;
    }
  }
}

export class StreamMonitor {
  private readonly windows = new Map<string, TopicWindow>();
  private readonly subscriptions: Subscription[] = [];
  private startedAt: Nanos;

  constructor(
    private readonly node: RuntimeNode,
    private readonly topics: readonly MonitoredTopic[],
    private readonly windowNs: Nanos = 2_000_000_000n,
  ) {
    this.startedAt = node.now();
    for (const t of topics) {
      const w = new TopicWindow();
      this.windows.set(t.topic, w);
      const qos: Partial<QosProfile> = { reliability: "best_effort", depth: 1000, ...t.qos };
      this.subscriptions.push(
        node.createSubscription(t.type, t.topic, { isRaw: true, qos }, (bytes, info) => w.add(info.receivedTimestamp, bytes.byteLength)),
      );
    }
  }

  rates(now: Nanos = this.node.now()): TopicRate[] {
    const span = now - this.startedAt < this.windowNs ? now - this.startedAt : this.windowNs;
    const spanS = Number(span) / 1e9;
    return this.topics.map((t) => {
      const w = this.windows.get(t.topic) as TopicWindow;
      w.trim(now - span);
      let bytes = 0;
      let count = 0;
      for (let i = w.head; i < w.arrivals.length; i++) {
        const a = w.arrivals[i] as Arrival;
        if (a.at > now) break;
        bytes += a.bytes;
        count++;
      }
      return {
        topic: t.topic,
        type: t.type,
        expectedHz: t.expectedHz,
        measuredHz: spanS > 0 ? count / spanS : 0,
        mbPerS: spanS > 0 ? bytes / spanS / 1e6 : 0,
        totalMessages: w.totalMessages,
        totalBytes: w.totalBytes,
      };
    });
  }

  destroy(): void {
    for (const s of this.subscriptions) this.node.destroySubscription(s);
  }
}
