// A node of the in-process runtime: names, entities, parameters and its clock.
import type {
  MessageCallback,
  Nanos,
  NodeOptions,
  ParameterDescriptor,
  ParameterValue,
  Publisher,
  PublisherOptions,
  RawMessageCallback,
  RosMessage,
  RuntimeNode,
  Service,
  ServiceClient,
  ServiceHandler,
  SetParameterResult,
  Subscription,
  SubscriptionOptions,
  Timer,
  TopicEndpointInfo,
} from "../api.ts";
import { expandName, fullyQualifiedNodeName, normalizeNamespace, validateNodeName } from "../names.ts";
import { resolveQos } from "../qos.ts";
import type { RuntimeCore } from "./core.ts";
import { NodeClock } from "./node-clock.ts";
import { ParameterStore } from "./parameters.ts";
import { LocalPublisher } from "./publisher.ts";
import { LocalService, LocalServiceClient } from "./services.ts";
import { LocalSubscription } from "./subscription.ts";
import { LocalTimer } from "./timer.ts";

export const USE_SIM_TIME = "use_sim_time";
const CLOCK_TOPIC = "/clock";
const CLOCK_TYPE = "rosgraph_msgs/msg/Clock";

export class LocalNode implements RuntimeNode {
  readonly name: string;
  readonly namespace: string;
  readonly fullyQualifiedName: string;
  readonly clock: NodeClock;
  private readonly parameters: ParameterStore;
  private readonly publishers = new Set<LocalPublisher>();
  private readonly subscriptions = new Set<LocalSubscription>();
  private readonly services = new Set<LocalService>();
  private readonly timers = new Set<LocalTimer>();
  private clockSubscription: LocalSubscription | undefined;
  private destroyed = false;

  constructor(
    private readonly core: RuntimeCore,
    name: string,
    namespace: string | undefined,
    options: NodeOptions = {},
  ) {
    validateNodeName(name);
    this.name = name;
    this.namespace = normalizeNamespace(namespace);
    this.fullyQualifiedName = fullyQualifiedNodeName(this.namespace, name);
    this.clock = new NodeClock(core.hostClock);
    const overrides = new Map(Object.entries(options.parameterOverrides ?? {}));
    this.parameters = new ParameterStore(this.fullyQualifiedName, overrides, (changedName, value) => {
      if (changedName === USE_SIM_TIME) this.useSimTime(value === true);
    });
    // Every ROS 2 node declares use_sim_time itself (its time source does), so an override in
    // NodeOptions takes effect without the node's code declaring anything.
    this.useSimTime(this.parameters.declare(USE_SIM_TIME, false) === true);
  }

  createPublisher(type: string, topic: string, options: PublisherOptions = {}): Publisher {
    this.assertUsable();
    const name = expandName(topic, this.name, this.namespace, "topic");
    const qos = resolveQos(options.qos, `publisher on ${name} (node ${this.fullyQualifiedName})`);
    const publisher = new LocalPublisher(this.core, this, name, type, qos);
    this.core.graph.addPublisher(publisher);
    this.publishers.add(publisher);
    return publisher;
  }

  createSubscription(type: string, topic: string, options: SubscriptionOptions & { isRaw: true }, callback: RawMessageCallback): Subscription;
  createSubscription(type: string, topic: string, options: SubscriptionOptions, callback: MessageCallback): Subscription;
  createSubscription(
    type: string,
    topic: string,
    options: SubscriptionOptions,
    callback: MessageCallback | RawMessageCallback,
  ): Subscription {
    this.assertUsable();
    const name = expandName(topic, this.name, this.namespace, "topic");
    const qos = resolveQos(options.qos, `subscription on ${name} (node ${this.fullyQualifiedName})`);
    const subscription = new LocalSubscription(this.core, this, name, type, qos, options.isRaw === true, callback);
    this.core.graph.addSubscription(subscription);
    this.subscriptions.add(subscription);
    return subscription;
  }

  destroySubscription(subscription: Subscription): void {
    if (!(subscription instanceof LocalSubscription) || !this.subscriptions.has(subscription)) {
      throw new Error(`subscription on ${subscription.topic} does not belong to node ${this.fullyQualifiedName}`);
    }
    this.subscriptions.delete(subscription);
    this.core.graph.removeSubscription(subscription);
    subscription.destroy();
  }

  createService(type: string, name: string, handler: ServiceHandler): Service {
    this.assertUsable();
    const service = new LocalService(expandName(name, this.name, this.namespace, "service"), type, this.fullyQualifiedName, handler);
    this.core.services.add(service);
    this.services.add(service);
    return service;
  }

  createClient(type: string, name: string): ServiceClient {
    this.assertUsable();
    return new LocalServiceClient(this.core, expandName(name, this.name, this.namespace, "service"), type, this.fullyQualifiedName);
  }

  declareParameter(name: string, defaultValue: ParameterValue, descriptor?: ParameterDescriptor): ParameterValue {
    return this.parameters.declare(name, defaultValue, descriptor);
  }

  hasParameter(name: string): boolean {
    return this.parameters.has(name);
  }

  getParameter(name: string): ParameterValue {
    return this.parameters.get(name);
  }

  setParameter(name: string, value: ParameterValue): SetParameterResult {
    return this.parameters.set(name, value);
  }

  addOnSetParametersCallback(handler: (name: string, value: ParameterValue) => SetParameterResult): void {
    this.parameters.addOnSetCallback(handler);
  }

  createTimer(periodNs: Nanos, callback: () => void): Timer {
    this.assertUsable();
    const timer = new LocalTimer(this.core, this.clock, periodNs, callback, `timer on node ${this.fullyQualifiedName}`);
    this.timers.add(timer);
    return timer;
  }

  now(): Nanos {
    return this.clock.now();
  }

  getTopicNamesAndTypes(): Array<{ name: string; types: string[] }> {
    return this.core.graph.topicNamesAndTypes();
  }

  getPublishersInfoByTopic(topic: string): TopicEndpointInfo[] {
    return this.core.graph.publishersInfo(expandName(topic, this.name, this.namespace, "topic"));
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    for (const timer of this.timers) timer.cancel();
    for (const subscription of this.subscriptions) {
      this.core.graph.removeSubscription(subscription);
      subscription.destroy();
    }
    for (const publisher of this.publishers) {
      this.core.graph.removePublisher(publisher);
      publisher.destroy();
    }
    for (const service of this.services) this.core.services.remove(service);
    this.timers.clear();
    this.subscriptions.clear();
    this.publishers.clear();
    this.services.clear();
    this.clockSubscription = undefined;
  }

  /** Runtime shutdown: stop timers without touching the graph (it is going away). */
  stopTimers(): void {
    for (const timer of this.timers) timer.cancel();
  }

  private useSimTime(active: boolean): void {
    if (active === this.clock.usesSimTime) return;
    this.clock.setSimTimeActive(active);
    if (active && this.clockSubscription === undefined) {
      // Best effort so it matches any /clock publisher; deep enough that a burst of /clock
      // messages is not thinned out before the messages stamped with them are delivered.
      this.clockSubscription = this.createSubscription(
        CLOCK_TYPE,
        CLOCK_TOPIC,
        { qos: { history: "keep_last", depth: 100, reliability: "best_effort", durability: "volatile" } },
        (message: RosMessage) => this.clock.setSimTime(clockMessageNanos(message)),
      ) as LocalSubscription;
    } else if (!active && this.clockSubscription !== undefined) {
      this.destroySubscription(this.clockSubscription);
      this.clockSubscription = undefined;
    }
    for (const timer of this.timers) timer.clockSourceChanged();
  }

  private assertUsable(): void {
    this.core.assertAlive(`node ${this.fullyQualifiedName}`);
    if (this.destroyed) throw new Error(`node ${this.fullyQualifiedName} has been destroyed`);
  }
}

function clockMessageNanos(message: RosMessage): Nanos {
  const clock = message["clock"] as { sec?: unknown; nanosec?: unknown } | undefined;
  const sec = clock?.sec;
  const nanosec = clock?.nanosec;
  if ((typeof sec !== "number" && typeof sec !== "bigint") || (typeof nanosec !== "number" && typeof nanosec !== "bigint")) {
    throw new Error(`malformed ${CLOCK_TYPE} message on ${CLOCK_TOPIC}: expected {clock: {sec, nanosec}}`);
  }
  return BigInt(sec) * 1_000_000_000n + BigInt(nanosec);
}
