// Host time as int64 epoch nanoseconds. Date.now() alone has millisecond resolution and can step
// (NTP); anchoring once and adding process.hrtime deltas gives nanosecond resolution and a clock
// that never goes backwards within a process.
import type { Nanos } from "./api.ts";

export type HostClock = () => Nanos;

export function createHostClock(): HostClock {
  const epochAtAnchor = BigInt(Date.now()) * 1_000_000n;
  const hrtimeAtAnchor = process.hrtime.bigint();
  return () => epochAtAnchor + (process.hrtime.bigint() - hrtimeAtAnchor);
}

/** The process-wide host clock. */
export const hostNow: HostClock = createHostClock();
