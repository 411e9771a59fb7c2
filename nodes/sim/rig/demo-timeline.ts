// The rig performs one scripted demonstration after another, each with its own seed, separated by
// a pause in which the arms hold still; this maps host time onto (demonstration, local time).
import type { RigProfile } from "../../rig/profile.ts";
import type { DemoFactory, SimDemo } from "./ports.ts";

export interface ScheduledDemo {
  index: number;
  seed: number;
  /** Host time of the demonstration's t = 0, ns. */
  startNs: bigint;
  demo: SimDemo;
}

export class DemoTimeline {
  private readonly demos: ScheduledDemo[] = [];
  private nextIndex = 0;

  constructor(
    private readonly factory: DemoFactory,
    private readonly profile: RigProfile,
    private readonly baseSeed: number,
    private readonly firstStartNs: bigint,
    private readonly gapNs: bigint,
    private readonly onNewDemo: (d: ScheduledDemo) => void = () => {},
  ) {}

  /** The most recent demonstrations (older ones are forgotten once no sensor can sample them). */
  get recent(): readonly ScheduledDemo[] {
    return this.demos;
  }

  /** The demonstration in force at a host instant (before the first: the first, at its start). */
  demoAt(ns: bigint): { demo: ScheduledDemo; t: number } {
    if (this.demos.length === 0) this.append(this.firstStartNs);
    let last = this.demos[this.demos.length - 1] as ScheduledDemo;
    while (ns >= this.endOf(last) + this.gapNs) last = this.append(this.endOf(last) + this.gapNs);
    // Sensors are sampled nearly in time order, so the match is almost always among the last two.
    for (let i = this.demos.length - 1; i >= 0; i--) {
      const d = this.demos[i] as ScheduledDemo;
      if (ns >= d.startNs || i === 0) {
        const t = Number(ns - d.startNs) / 1e9;
        return { demo: d, t: Math.min(Math.max(t, 0), d.demo.duration) };
      }
    }
    throw new Error("unreachable: demo timeline is empty");
  }

  private endOf(d: ScheduledDemo): bigint {
    return d.startNs + BigInt(Math.round(d.demo.duration * 1e9));
  }

  private append(startNs: bigint): ScheduledDemo {
    const index = this.nextIndex++;
    const seed = this.baseSeed + index;
    // each demonstration starts where the previous one left the arms (continuous joints)
    const previous = this.demos[this.demos.length - 1]?.demo;
    const scheduled: ScheduledDemo = { index, seed, startNs, demo: this.factory(seed, this.profile, previous) };
    this.demos.push(scheduled);
    // Old demonstrations are only needed while late sensors still sample them.
    if (this.demos.length > 4) this.demos.splice(0, this.demos.length - 4);
    this.onNewDemo(scheduled);
    return scheduled;
  }
}
