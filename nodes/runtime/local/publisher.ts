// Publishing: serialize once (or take the caller's bytes), stamp with the node clock, and offer
// the same bytes to every matched subscription. transient_local publishers also keep their last
// `depth` messages for subscriptions that join later.
import type { Publisher, QosProfile, RosMessage } from "../api.ts";
import type { RuntimeCore } from "./core.ts";
import type { Delivery } from "./delivery.ts";
import { RingQueue } from "./ring-queue.ts";
import type { LocalSubscription, SubscriptionOwner } from "./subscription.ts";

export class LocalPublisher implements Publisher {
  /** Subscriptions whose QoS request this publisher serves; maintained by the graph. */
  matched: LocalSubscription[] = [];
  private readonly retained: RingQueue<Delivery> | undefined;
  private destroyed = false;

  constructor(
    private readonly core: RuntimeCore,
    readonly owner: SubscriptionOwner,
    readonly topic: string,
    readonly type: string,
    readonly qos: QosProfile,
  ) {
    this.retained = qos.durability === "transient_local" ? new RingQueue<Delivery>() : undefined;
  }

  publish(message: RosMessage | Uint8Array): void {
    this.core.assertAlive(`publish on ${this.topic}`);
    if (this.destroyed) throw new Error(`publisher on ${this.topic} (node ${this.owner.fullyQualifiedName}) was destroyed`);
    // Nobody to deliver to and nothing to retain: skip serialization entirely.
    if (this.matched.length === 0 && this.retained === undefined) return;
    const bytes = message instanceof Uint8Array ? message : this.encode(message);
    const delivery: Delivery = {
      bytes,
      sourceTimestamp: this.owner.clock.now(),
      seq: this.core.executor.allocateSeq(),
    };
    for (const subscription of this.matched) subscription.offer(delivery);
    if (this.retained !== undefined) {
      if (this.qos.history === "keep_last" && this.retained.length >= this.qos.depth) this.retained.shift();
      this.retained.push(delivery);
    }
  }

  subscriptionCount(): number {
    return this.matched.length;
  }

  /** The retained messages, oldest first (empty unless transient_local). */
  retainedMessages(): Delivery[] {
    return this.retained === undefined ? [] : [...this.retained];
  }

  destroy(): void {
    this.destroyed = true;
    this.matched = [];
    this.retained?.clear();
  }

  private encode(message: RosMessage): Uint8Array {
    try {
      return this.core.codec.encode(this.type, message);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(`cannot serialize a ${this.type} message for ${this.topic}: ${reason}`, { cause: error });
    }
  }
}
