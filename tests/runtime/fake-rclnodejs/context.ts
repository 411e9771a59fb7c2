// The fake rcl context: the DDS-like graph every fake node of one module instance shares.
import type { MessageCodec } from "../../../nodes/runtime/codec.ts";
import type { FakeClient, FakeNode, FakePublisher, FakeService, FakeSubscription } from "./node.ts";

export class FakeContext {
  initialized = false;
  shutDown = false;
  readonly nodes = new Set<FakeNode>();
  readonly publishers = new Set<FakePublisher>();
  readonly subscriptions = new Set<FakeSubscription>();
  readonly services = new Map<string, FakeService>();
  readonly clients = new Set<FakeClient>();

  constructor(readonly codec: MessageCodec) {}

  /** DDS matching: same topic and type, and the request satisfiable by the offer. */
  matches(publisher: FakePublisher, subscription: FakeSubscription): boolean {
    if (publisher.topic !== subscription.topic || publisher.typeName !== subscription.typeName) return false;
    if (subscription.qos.reliability === 1 && publisher.qos.reliability === 2) return false;
    if (subscription.qos.durability === 1 && publisher.qos.durability === 2) return false;
    return true;
  }
}
