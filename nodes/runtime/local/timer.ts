// Periodic timers on a node's clock. Like rcl, a timer that falls behind fires once and skips the
// periods it missed, and a fired-but-not-yet-run timer is not queued twice. Wall timers wake via
// setTimeout; sim-time timers wake when the node's /clock advances past their deadline. Either
// way the callback runs from the executor, in order with messages.
import type { Nanos, Timer } from "../api.ts";
import type { RuntimeCore } from "./core.ts";
import type { WorkItem } from "./executor.ts";
import type { NodeClock, SimTimeListener } from "./node-clock.ts";

export class LocalTimer implements Timer, WorkItem, SimTimeListener {
  private deadline: Nanos;
  private canceled = false;
  private pending = false;
  private wallHandle: NodeJS.Timeout | undefined;

  constructor(
    private readonly core: RuntimeCore,
    private readonly clock: NodeClock,
    readonly periodNs: Nanos,
    private readonly callback: () => void,
    private readonly where: string,
  ) {
    if (periodNs <= 0n) throw new Error(`${where}: timer period must be > 0 ns, got ${periodNs}`);
    this.deadline = clock.now() + periodNs;
    clock.addListener(this);
    this.armWallTimer();
  }

  cancel(): void {
    this.canceled = true;
    this.clock.removeListener(this);
    if (this.wallHandle !== undefined) clearTimeout(this.wallHandle);
    this.wallHandle = undefined;
  }

  isCanceled(): boolean {
    return this.canceled;
  }

  /** The node switched between host and sim time: restart the period from the new clock. */
  clockSourceChanged(): void {
    if (this.canceled) return;
    this.deadline = this.clock.now() + this.periodNs;
    this.armWallTimer();
  }

  simTimeAdvanced(now: Nanos): void {
    if (!this.canceled) this.fireIfDue(now);
  }

  run(): void {
    this.pending = false;
    if (this.canceled) return;
    try {
      this.callback();
    } catch (error) {
      this.core.callbackFailed(error, this.where);
    }
  }

  private fireIfDue(now: Nanos): void {
    if (now < this.deadline) return;
    const missed = (now - this.deadline) / this.periodNs;
    this.deadline += (missed + 1n) * this.periodNs;
    if (this.pending) return;
    this.pending = true;
    this.core.executor.enqueue(this);
  }

  private armWallTimer(): void {
    if (this.wallHandle !== undefined) clearTimeout(this.wallHandle);
    this.wallHandle = undefined;
    if (this.canceled || this.clock.usesSimTime || this.core.executor.isStopped) return;
    const delayMs = Number(this.deadline - this.clock.now()) / 1e6;
    this.wallHandle = setTimeout(() => {
      this.wallHandle = undefined;
      if (this.canceled || this.clock.usesSimTime) return;
      this.fireIfDue(this.clock.now());
      this.armWallTimer();
    }, Math.max(0, Math.ceil(delayMs)));
  }
}
