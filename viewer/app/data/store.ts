// The loaded messages of an episode, per topic in corrected-time order: the DataSource panels
// read. The loader fills it; heavy topics (images, point clouds) are trimmed to a window around
// the playhead so memory stays bounded on multi-GB episodes.
import type { DataSource, DecodedMessage } from "../panels/contract.ts";

function lowerBound(arr: readonly DecodedMessage[], t: bigint): number {
  let lo = 0;
  let hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (arr[mid]!.tNs < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index with tNs > t. */
function upperBound(arr: readonly DecodedMessage[], t: bigint): number {
  let lo = 0;
  let hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (arr[mid]!.tNs <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class MessageStore implements DataSource {
  private readonly topics = new Map<string, DecodedMessage[]>();
  private readonly listeners = new Set<() => void>();
  private notifyScheduled = false;

  latest(topic: string, tNs: bigint): DecodedMessage | undefined {
    const arr = this.topics.get(topic);
    if (!arr) return undefined;
    const i = upperBound(arr, tNs);
    return i > 0 ? arr[i - 1] : undefined;
  }

  /** First loaded message strictly after t. */
  next(topic: string, tNs: bigint): DecodedMessage | undefined {
    const arr = this.topics.get(topic);
    return arr?.[arr ? upperBound(arr, tNs) : 0];
  }

  range(topic: string, fromNs: bigint, toNs: bigint): readonly DecodedMessage[] {
    const arr = this.topics.get(topic);
    if (!arr) return [];
    return arr.slice(lowerBound(arr, fromNs), upperBound(arr, toNs));
  }

  all(topic: string): readonly DecodedMessage[] {
    return this.topics.get(topic) ?? [];
  }

  onData(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  count(topic: string): number {
    return this.topics.get(topic)?.length ?? 0;
  }

  /** Adds messages (any order, any topics); a message already held (same topic, times) is kept once. */
  insert(messages: readonly DecodedMessage[]): void {
    if (messages.length === 0) return;
    const byTopic = new Map<string, DecodedMessage[]>();
    for (const m of messages) {
      let list = byTopic.get(m.topic);
      if (!list) byTopic.set(m.topic, (list = []));
      list.push(m);
    }
    for (const [topic, incoming] of byTopic) {
      incoming.sort((a, b) => (a.tNs < b.tNs ? -1 : a.tNs > b.tNs ? 1 : a.logNs < b.logNs ? -1 : a.logNs > b.logNs ? 1 : 0));
      const existing = this.topics.get(topic);
      if (!existing || existing.length === 0) {
        this.topics.set(topic, dedupe(incoming));
        continue;
      }
      // Fast path: strictly after what we hold (playback loads forward).
      if (incoming[0]!.tNs > existing[existing.length - 1]!.tNs) {
        for (const m of dedupe(incoming)) existing.push(m);
        continue;
      }
      this.topics.set(topic, dedupe(merge(existing, incoming)));
    }
    this.scheduleNotify();
  }

  /** Drops messages of `topic` outside [fromNs, toNs]. */
  trim(topic: string, fromNs: bigint, toNs: bigint): void {
    const arr = this.topics.get(topic);
    if (!arr || arr.length === 0) return;
    const a = lowerBound(arr, fromNs);
    const b = upperBound(arr, toNs);
    if (a === 0 && b === arr.length) return;
    this.topics.set(topic, arr.slice(a, b));
  }

  private scheduleNotify(): void {
    if (this.notifyScheduled) return;
    this.notifyScheduled = true;
    queueMicrotask(() => {
      this.notifyScheduled = false;
      for (const l of [...this.listeners]) l();
    });
  }
}

function merge(a: DecodedMessage[], b: DecodedMessage[]): DecodedMessage[] {
  const out: DecodedMessage[] = new Array<DecodedMessage>(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) out[k++] = a[i]!.tNs <= b[j]!.tNs ? a[i++]! : b[j++]!;
  while (i < a.length) out[k++] = a[i++]!;
  while (j < b.length) out[k++] = b[j++]!;
  return out;
}

function dedupe(arr: DecodedMessage[]): DecodedMessage[] {
  const out: DecodedMessage[] = [];
  for (const m of arr) {
    // Same sample loaded twice (overlapping windows): equal corrected and log time.
    let dup = false;
    for (let k = out.length - 1; k >= 0 && out[k]!.tNs === m.tNs; k--) {
      if (out[k]!.logNs === m.logNs) {
        dup = true;
        break;
      }
    }
    if (!dup) out.push(m);
  }
  return out;
}
