// The process-wide topic graph: which endpoints exist on which topic, which pairs match (same
// type, compatible QoS), and transient-local catch-up for late joiners.
import type { TopicEndpointInfo } from "../api.ts";
import { qosIncompatibility } from "../qos.ts";
import type { RuntimeCore } from "./core.ts";
import type { LocalPublisher } from "./publisher.ts";
import type { LocalSubscription } from "./subscription.ts";

interface Topic {
  readonly name: string;
  readonly publishers: Set<LocalPublisher>;
  readonly subscriptions: Set<LocalSubscription>;
}

export class TopicGraph {
  private readonly topics = new Map<string, Topic>();
  private readonly warned = new Set<string>();

  constructor(private readonly core: () => RuntimeCore) {}

  addPublisher(publisher: LocalPublisher): void {
    const topic = this.topicFor(publisher.topic, publisher.type, "publisher", publisher.owner.fullyQualifiedName);
    topic.publishers.add(publisher);
    this.rematch(topic);
  }

  addSubscription(subscription: LocalSubscription): void {
    const topic = this.topicFor(subscription.topic, subscription.type, "subscription", subscription.owner.fullyQualifiedName);
    topic.subscriptions.add(subscription);
    this.rematch(topic);
    if (subscription.qos.durability !== "transient_local") return;
    // A late-joining transient_local subscription receives what each matched transient_local
    // publisher retained, in original publish order across publishers.
    const retained = [...topic.publishers]
      .filter((p) => p.matched.includes(subscription))
      .flatMap((p) => p.retainedMessages())
      .sort((a, b) => a.seq - b.seq);
    const executor = this.core().executor;
    for (const old of retained) subscription.offer({ ...old, seq: executor.allocateSeq() });
  }

  removePublisher(publisher: LocalPublisher): void {
    const topic = this.topics.get(publisher.topic);
    if (topic === undefined) return;
    topic.publishers.delete(publisher);
    this.rematch(topic);
  }

  removeSubscription(subscription: LocalSubscription): void {
    const topic = this.topics.get(subscription.topic);
    if (topic === undefined) return;
    topic.subscriptions.delete(subscription);
    this.rematch(topic);
  }

  topicNamesAndTypes(): Array<{ name: string; types: string[] }> {
    return [...this.topics.values()]
      .filter((t) => t.publishers.size + t.subscriptions.size > 0)
      .map((t) => ({ name: t.name, types: [this.typeOf(t) as string] }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  publishersInfo(topicName: string): TopicEndpointInfo[] {
    const topic = this.topics.get(topicName);
    if (topic === undefined) return [];
    return [...topic.publishers].map((p) => ({
      nodeName: p.owner.name,
      nodeNamespace: p.owner.namespace,
      topicType: p.type,
      qos: { ...p.qos },
    }));
  }

  subscriptions(): LocalSubscription[] {
    return [...this.topics.values()].flatMap((t) => [...t.subscriptions]);
  }

  private typeOf(topic: Topic): string | undefined {
    const first = topic.publishers.values().next().value ?? topic.subscriptions.values().next().value;
    return first?.type;
  }

  private topicFor(name: string, type: string, kind: string, node: string): Topic {
    let topic = this.topics.get(name);
    if (topic === undefined) {
      topic = { name, publishers: new Set(), subscriptions: new Set() };
      this.topics.set(name, topic);
      return topic;
    }
    const existing = this.typeOf(topic);
    if (existing !== undefined && existing !== type) {
      throw new Error(
        `type mismatch on topic ${name}: node ${node} creates a ${kind} of type ${type}, ` +
          `but the topic already carries ${existing}`,
      );
    }
    return topic;
  }

  private rematch(topic: Topic): void {
    for (const publisher of topic.publishers) {
      const matched: LocalSubscription[] = [];
      for (const subscription of topic.subscriptions) {
        const problem = qosIncompatibility(publisher.qos, subscription.qos);
        if (problem === undefined) matched.push(subscription);
        else this.warnOnce(topic.name, problem, publisher, subscription);
      }
      publisher.matched = matched;
    }
  }

  private warnOnce(topic: string, problem: string, publisher: LocalPublisher, subscription: LocalSubscription): void {
    const key = `${topic}\u0000${problem}`;
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.core().log(
      `teledemo: incompatible QoS on ${topic}: ${problem}; subscription on ${subscription.owner.fullyQualifiedName} ` +
        `will not receive from publisher on ${publisher.owner.fullyQualifiedName}`,
    );
  }
}
