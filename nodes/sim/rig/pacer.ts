// Paces the rig against the wall clock: real time (speed 1), scaled (speed N) or as fast as the
// machine allows (max). Outside real time the rig's host clock is simulated and published on /clock.
import { setTimeout as sleep } from "node:timers/promises";

export type Speed = number | "max";

/** In max mode the rig yields to the event loop after this many samples: often enough that
 * subscribers drain their queues long before a depth-5 camera queue could overflow (16 samples
 * span ~5 ms of reference-rig time), rarely enough that yielding costs little. */
const YIELD_EVERY = 16;

export function parseSpeed(text: string): Speed {
  if (text === "max") return "max";
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--speed must be a positive number or "max", got "${text}"`);
  return n;
}

export class Pacer {
  private wallStartNs = 0n;
  private simStartNs = 0n;
  private publishedSinceYield = 0;

  constructor(readonly speed: Speed) {}

  /** Real time means the host clock is the system clock; anything else runs on sim time. */
  get usesSimTime(): boolean {
    return this.speed !== 1;
  }

  start(simStartNs: bigint): void {
    this.simStartNs = simStartNs;
    this.wallStartNs = process.hrtime.bigint();
  }

  /** Waits until the wall clock reaches the given sim instant (scaled by speed). In max mode it
   * still yields to the event loop now and then so subscribers drain their queues. */
  async waitUntil(simNs: bigint): Promise<void> {
    const wait = this.waitFor(simNs);
    if (wait !== undefined) await wait;
  }

  /**
   * What to await before the sample at `simNs`, or undefined when it may go now. At max speed the
   * loop goes on without a microtask per sample and yields to the event loop every YIELD_EVERY
   * samples. Paced, a sample more than 1 ms ahead of the wall clock sleeps and any other yields
   * once: a rig that runs behind the wall clock (a slow or busy machine) must still let the
   * recorder's file I/O, timers and status output run between samples.
   */
  waitFor(simNs: bigint): Promise<void> | undefined {
    if (this.speed === "max") {
      if (++this.publishedSinceYield < YIELD_EVERY) return undefined;
      this.publishedSinceYield = 0;
      return new Promise<void>((resolve) => setImmediate(resolve));
    }
    const targetWall = this.wallStartNs + BigInt(Math.round(Number(simNs - this.simStartNs) / this.speed));
    const aheadNs = targetWall - process.hrtime.bigint();
    if (aheadNs > 1_000_000n) return sleep(Number(aheadNs / 1_000_000n));
    return new Promise<void>((resolve) => setImmediate(resolve));
  }

  /** How many times faster than real time the rig has run so far. */
  realtimeFactor(simNowNs: bigint): number {
    const wall = Number(process.hrtime.bigint() - this.wallStartNs);
    return wall > 0 ? Number(simNowNs - this.simStartNs) / wall : 0;
  }
}
