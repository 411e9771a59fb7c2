// Run the synchronizer over recorded messages in receive order, firing its deadlines exactly as
// a timer would have (frames come out at the instants the live node would emit them). For
// tests, benchmarks and recorded episodes.
import type { AlignedFrame, SynchronizerCore } from "./core.ts";

export interface RecordedMessage {
  topic: string;
  bytes: Uint8Array;
  receiveNs: bigint;
}

export function* replay(core: SynchronizerCore, messages: Iterable<RecordedMessage>, options: { flush?: boolean } = {}): Generator<AlignedFrame> {
  let last: bigint | undefined;
  for (const m of messages) {
    yield* dueBefore(core, m.receiveNs);
    yield* core.push(m.topic, m.bytes, m.receiveNs);
    last = m.receiveNs;
  }
  if (last !== undefined) {
    yield* dueBefore(core, undefined);
    if (options.flush) yield* core.flush(last);
  }
}

/** Frames whose deadline falls at or before `until` (all remaining deadlines when undefined). */
function* dueBefore(core: SynchronizerCore, until: bigint | undefined): Generator<AlignedFrame> {
  for (;;) {
    const d = core.nextDeadlineNs();
    if (d === undefined || (until !== undefined && d > until)) return;
    const frames = core.poll(d);
    if (frames.length === 0) return;
    yield* frames;
  }
}
