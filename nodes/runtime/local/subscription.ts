// A subscription's queue with keep_last/keep_all semantics, and delivery from the executor.
import type { MessageCallback, QosProfile, RawMessageCallback, Subscription } from "../api.ts";
import type { RuntimeCore } from "./core.ts";
import type { Delivery } from "./delivery.ts";
import type { WorkItem } from "./executor.ts";
import type { NodeClock } from "./node-clock.ts";
import { RingQueue } from "./ring-queue.ts";

export interface SubscriptionOwner {
  readonly fullyQualifiedName: string;
  readonly name: string;
  readonly namespace: string;
  readonly clock: NodeClock;
}

export class LocalSubscription implements Subscription, WorkItem {
  private readonly queue = new RingQueue<Delivery>();
  private destroyed = false;
  /** Messages discarded because the keep_last queue was full (oldest first, as DDS does). */
  dropped = 0;
  delivered = 0;

  constructor(
    private readonly core: RuntimeCore,
    readonly owner: SubscriptionOwner,
    readonly topic: string,
    readonly type: string,
    readonly qos: QosProfile,
    readonly isRaw: boolean,
    private readonly callback: MessageCallback | RawMessageCallback,
  ) {}

  get queued(): number {
    return this.queue.length;
  }

  get isDestroyed(): boolean {
    return this.destroyed;
  }

  /** Called at publish time: queue the message and ask the executor for a turn. */
  offer(delivery: Delivery): void {
    if (this.destroyed) return;
    if (this.qos.history === "keep_last" && this.queue.length >= this.qos.depth) {
      this.queue.shift();
      this.dropped++;
    }
    this.queue.push(delivery);
    this.core.executor.enqueue(this, delivery.seq);
  }

  run(seq: number): void {
    const head = this.queue.peek();
    // The message this turn was enqueued for was dropped (queue full) or the subscription was
    // destroyed; anything newer still has its own turn later in the FIFO.
    if (head === undefined || head.seq !== seq || this.destroyed) return;
    this.queue.shift();
    const info = { sourceTimestamp: head.sourceTimestamp, receivedTimestamp: this.owner.clock.now() };
    try {
      if (this.isRaw) {
        (this.callback as RawMessageCallback)(head.bytes, info);
      } else {
        (this.callback as MessageCallback)(this.core.codec.decode(this.type, head.bytes), info);
      }
    } catch (error) {
      this.core.callbackFailed(error, `subscription ${this.topic} on node ${this.owner.fullyQualifiedName}`);
    }
    this.delivered++;
  }

  destroy(): void {
    this.destroyed = true;
    this.queue.clear();
  }
}
