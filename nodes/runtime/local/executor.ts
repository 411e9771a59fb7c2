// A single-threaded FIFO executor: every callback (messages, timers, service requests and
// responses) becomes a work item, and items run in the order they were enqueued, which for
// messages is the global publish order across topics. It drains on setImmediate, one batch per
// turn (the items present when the turn started), so callbacks that publish cannot starve I/O.

/** Something the executor can run. `seq` lets a subscription tell whether the message this item
 * was enqueued for is still queued or was dropped by QoS meanwhile. */
export interface WorkItem {
  run(seq: number): void;
}

export class Executor {
  private readonly items: WorkItem[] = [];
  private readonly seqs: number[] = [];
  private head = 0;
  private spinning = false;
  private stopped = false;
  private scheduled = false;
  private nextSeq = 1;

  constructor(private readonly onUnexpectedError: (error: unknown) => void) {}

  /** A fresh, increasing sequence number (one per publish). */
  allocateSeq(): number {
    return this.nextSeq++;
  }

  enqueue(item: WorkItem, seq = 0): void {
    if (this.stopped) return;
    this.items.push(item);
    this.seqs.push(seq);
    this.schedule();
  }

  get pending(): number {
    return this.items.length - this.head;
  }

  start(): void {
    if (this.stopped) throw new Error("the runtime has been shut down; create a new one");
    this.spinning = true;
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    this.spinning = false;
    this.items.length = 0;
    this.seqs.length = 0;
    this.head = 0;
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  private schedule(): void {
    if (!this.spinning || this.scheduled || this.pending === 0) return;
    this.scheduled = true;
    setImmediate(this.drain);
  }

  private readonly drain = (): void => {
    this.scheduled = false;
    const end = this.items.length;
    while (this.head < end && this.spinning) {
      const item = this.items[this.head] as WorkItem;
      const seq = this.seqs[this.head] as number;
      this.head++;
      try {
        item.run(seq);
      } catch (error) {
        this.onUnexpectedError(error);
      }
    }
    // Compact once the consumed prefix dominates, keeping pushes amortized O(1).
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items.splice(0, this.head);
      this.seqs.splice(0, this.head);
      this.head = 0;
    }
    this.schedule();
  };
}
