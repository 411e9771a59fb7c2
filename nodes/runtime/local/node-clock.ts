// A node's clock: host time, or — with use_sim_time — the latest /clock value the node has
// received (0 until the first one, as in rclcpp/rclnodejs). Sim-time timers are driven from here.
import type { Nanos } from "../api.ts";
import type { HostClock } from "../host-clock.ts";

export interface SimTimeListener {
  simTimeAdvanced(now: Nanos): void;
}

export class NodeClock {
  private simTime: Nanos = 0n;
  private simActive = false;
  private readonly listeners = new Set<SimTimeListener>();

  constructor(private readonly hostClock: HostClock) {}

  now(): Nanos {
    return this.simActive ? this.simTime : this.hostClock();
  }

  get usesSimTime(): boolean {
    return this.simActive;
  }

  setSimTimeActive(active: boolean): void {
    this.simActive = active;
  }

  /** A /clock message arrived. Time may jump backwards (a restarted simulation); it is taken as is. */
  setSimTime(time: Nanos): void {
    this.simTime = time;
    if (!this.simActive) return;
    for (const listener of this.listeners) listener.simTimeAdvanced(time);
  }

  addListener(listener: SimTimeListener): void {
    this.listeners.add(listener);
  }

  removeListener(listener: SimTimeListener): void {
    this.listeners.delete(listener);
  }
}
