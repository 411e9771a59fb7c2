// A RuntimeNode over an rclnodejs Node. rclnodejs does the ROS work; this maps teledemo's
// shapes onto it and keeps the two runtimes' observable behaviour (errors, MessageInfo,
// parameter rules) the same.
import type {
  MessageCallback,
  MessageInfo,
  Nanos,
  ParameterDescriptor,
  ParameterValue,
  Publisher,
  PublisherOptions,
  QosProfile,
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
import { fullyQualifiedNodeName } from "../names.ts";
import { declaredParameterKind, describeParameterValue, fitsParameterKind, parameterKindOf } from "../parameter-values.ts";
import type { ParameterKind } from "../parameter-values.ts";
import { resolveQos } from "../qos.ts";
import { interfaceDescriptor } from "./interface-name.ts";
import { kindOfRclType, rclTypeOf, valueOfRclParameter } from "./parameter-mapping.ts";
import { fromEndpointQos, toRclQoS } from "./qos-mapping.ts";
import type { RclClient, RclMessageInfo, RclNode, RclnodejsSurface, RclParameter, RclPublisher, RclSubscription } from "./surface.ts";

/** What a node needs from its runtime. */
export interface AdapterContext {
  readonly rcl: RclnodejsSurface;
  readonly serviceCallTimeoutMs: number;
  callbackFailed(error: unknown, where: string): void;
  assertAlive(what: string): void;
  isAlive(): boolean;
}

class AdapterSubscription implements Subscription {
  constructor(
    readonly topic: string,
    readonly type: string,
    readonly qos: QosProfile,
    readonly isRaw: boolean,
    readonly inner: RclSubscription,
  ) {}
}

export class RclnodejsNode implements RuntimeNode {
  readonly name: string;
  readonly namespace: string;
  private readonly fqn: string;
  /** Kinds fixed at declaration, for the same type errors the in-process runtime gives. */
  private readonly kinds = new Map<string, ParameterKind>();

  constructor(
    private readonly ctx: AdapterContext,
    readonly inner: RclNode,
    private readonly overrides: ReadonlyMap<string, ParameterValue>,
  ) {
    this.name = inner.name();
    this.namespace = inner.namespace() || "/";
    this.fqn = fullyQualifiedNodeName(this.namespace, this.name);
  }

  createPublisher(type: string, topic: string, options: PublisherOptions = {}): Publisher {
    this.ctx.assertAlive(`node ${this.fqn}`);
    const qos = resolveQos(options.qos, `publisher on ${topic} (node ${this.fqn})`);
    const inner = this.inner.createPublisher(interfaceDescriptor(type, "msg"), topic, { qos: toRclQoS(this.ctx.rcl.QoS, qos) });
    return new AdapterPublisher(this.ctx, inner, type, qos);
  }

  createSubscription(type: string, topic: string, options: SubscriptionOptions & { isRaw: true }, callback: RawMessageCallback): Subscription;
  createSubscription(type: string, topic: string, options: SubscriptionOptions, callback: MessageCallback): Subscription;
  createSubscription(
    type: string,
    topic: string,
    options: SubscriptionOptions,
    callback: MessageCallback | RawMessageCallback,
  ): Subscription {
    this.ctx.assertAlive(`node ${this.fqn}`);
    const isRaw = options.isRaw === true;
    const qos = resolveQos(options.qos, `subscription on ${topic} (node ${this.fqn})`);
    const where = `subscription ${topic} on node ${this.fqn}`;
    // Two declared parameters: rclnodejs passes MessageInfo only to callbacks whose length >= 2.
    // It never does for raw subscriptions (2.2.0 takes serialized messages without info).
    const deliver = (message: Buffer | object, rawInfo?: RclMessageInfo): void => {
      if (!this.ctx.isAlive()) return;
      try {
        const info = this.messageInfo(rawInfo);
        if (isRaw) (callback as RawMessageCallback)(message as Buffer, info);
        else (callback as MessageCallback)(message as RosMessage, info);
      } catch (error) {
        this.ctx.callbackFailed(error, where);
      }
    };
    const inner = this.inner.createSubscription(
      interfaceDescriptor(type, "msg"),
      topic,
      { qos: toRclQoS(this.ctx.rcl.QoS, qos), isRaw },
      deliver,
    );
    return new AdapterSubscription(inner.topic, type, qos, isRaw, inner);
  }

  destroySubscription(subscription: Subscription): void {
    if (!(subscription instanceof AdapterSubscription)) {
      throw new Error(`subscription on ${subscription.topic} was not created by the rclnodejs runtime`);
    }
    this.inner.destroySubscription(subscription.inner);
  }

  createService(type: string, name: string, handler: ServiceHandler): Service {
    this.ctx.assertAlive(`node ${this.fqn}`);
    const where = `service ${name} on node ${this.fqn}`;
    this.inner.createService(interfaceDescriptor(type, "srv"), name, {}, (request, response) => {
      // Answer explicitly once the (possibly async) handler is done. If it fails no response
      // is sent, as in ROS; the caller's call() times out.
      Promise.resolve()
        .then(() => handler(request as RosMessage))
        .then(
          (result) => {
            if (this.ctx.isAlive()) response.send(result);
          },
          (error: unknown) => this.ctx.callbackFailed(error, where),
        );
    });
    return { name, type };
  }

  createClient(type: string, name: string): ServiceClient {
    this.ctx.assertAlive(`node ${this.fqn}`);
    const inner = this.inner.createClient(interfaceDescriptor(type, "srv"), name);
    return new AdapterClient(this.ctx, inner, name, type, this.fqn);
  }

  declareParameter(name: string, defaultValue: ParameterValue, descriptor: ParameterDescriptor = {}): ParameterValue {
    const override = this.overrides.get(name);
    const kind = declaredParameterKind(name, defaultValue, override);
    if (override !== undefined && !fitsParameterKind(override, kind, name)) {
      throw new Error(
        `parameter '${name}' on node ${this.fqn}: the override is ${describeParameterValue(override, name)} ` +
          `but the declared default is ${kind}`,
      );
    }
    const types = this.ctx.rcl.ParameterType;
    const parameter = new this.ctx.rcl.Parameter(name, rclTypeOf(types, kind), defaultValue);
    const rclDescriptor = new this.ctx.rcl.ParameterDescriptor(
      name,
      rclTypeOf(types, kind),
      descriptor.description ?? "",
      descriptor.readOnly ?? false,
    );
    let declared: RclParameter;
    try {
      declared = this.inner.declareParameter(parameter, rclDescriptor);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(`declaring parameter '${name}' on node ${this.fqn} failed: ${reason}`, { cause: error });
    }
    this.kinds.set(name, kind);
    return valueOfRclParameter(declared);
  }

  hasParameter(name: string): boolean {
    return this.inner.hasParameter(name);
  }

  getParameter(name: string): ParameterValue {
    if (!this.inner.hasParameter(name)) {
      throw new Error(`parameter '${name}' is not declared on node ${this.fqn}; declare it with declareParameter first`);
    }
    return valueOfRclParameter(this.inner.getParameter(name));
  }

  setParameter(name: string, value: ParameterValue): SetParameterResult {
    if (!this.inner.hasParameter(name)) return { successful: false, reason: `parameter '${name}' is not declared on node ${this.fqn}` };
    const types = this.ctx.rcl.ParameterType;
    const kind = this.kinds.get(name) ?? kindOfRclType(types, this.inner.getParameter(name).type);
    if (kind === undefined) return { successful: false, reason: `parameter '${name}' has a type teledemo cannot set` };
    if (!fitsParameterKind(value, kind, name)) {
      return { successful: false, reason: `parameter '${name}' is ${kind}; cannot set it to ${describeParameterValue(value, name)}` };
    }
    let parameter: RclParameter;
    try {
      parameter = new this.ctx.rcl.Parameter(name, rclTypeOf(types, parameterKindOf(value, name) ?? kind), value);
    } catch (error) {
      return { successful: false, reason: error instanceof Error ? error.message : String(error) };
    }
    const result = this.inner.setParameter(parameter);
    return { successful: result.successful, reason: result.reason ?? "" };
  }

  addOnSetParametersCallback(handler: (name: string, value: ParameterValue) => SetParameterResult): void {
    this.inner.addOnSetParametersCallback((parameters) => {
      for (const parameter of parameters) {
        const result = handler(parameter.name, valueOfRclParameter(parameter));
        if (!result.successful) return { successful: false, reason: result.reason };
      }
      return { successful: true, reason: "" };
    });
  }

  createTimer(periodNs: Nanos, callback: () => void): Timer {
    this.ctx.assertAlive(`node ${this.fqn}`);
    if (periodNs <= 0n) throw new Error(`timer on node ${this.fqn}: timer period must be > 0 ns, got ${periodNs}`);
    const where = `timer on node ${this.fqn}`;
    const inner = this.inner.createTimer(periodNs, () => {
      if (!this.ctx.isAlive()) return;
      try {
        callback();
      } catch (error) {
        this.ctx.callbackFailed(error, where);
      }
    });
    return { periodNs, cancel: () => inner.cancel(), isCanceled: () => inner.isCanceled() };
  }

  now(): Nanos {
    return this.inner.now().nanoseconds;
  }

  getTopicNamesAndTypes(): Array<{ name: string; types: string[] }> {
    return this.inner.getTopicNamesAndTypes().map((t) => ({ name: t.name, types: [...t.types] }));
  }

  getPublishersInfoByTopic(topic: string): TopicEndpointInfo[] {
    return this.inner.getPublishersInfoByTopic(topic, false).map((entry) => {
      const e = entry as Record<string, unknown>;
      return {
        nodeName: String(e["node_name"] ?? ""),
        nodeNamespace: String(e["node_namespace"] ?? ""),
        topicType: String(e["topic_type"] ?? ""),
        qos: fromEndpointQos(this.ctx.rcl.QoS, e["qos_profile"]),
      };
    });
  }

  destroy(): void {
    this.inner.destroy();
  }

  /** rmw's info when rclnodejs gives it; otherwise (raw subscriptions) both stamps are the
   * node's clock at delivery, since the publisher's time is not available. */
  private messageInfo(raw: RclMessageInfo | undefined): MessageInfo {
    if (raw !== undefined) return { sourceTimestamp: raw.sourceTimestamp, receivedTimestamp: raw.receivedTimestamp };
    const now = this.now();
    return { sourceTimestamp: now, receivedTimestamp: now, sourceTimestampKnown: false };
  }
}

class AdapterPublisher implements Publisher {
  readonly topic: string;

  constructor(
    private readonly ctx: AdapterContext,
    private readonly inner: RclPublisher,
    readonly type: string,
    readonly qos: QosProfile,
  ) {
    this.topic = inner.topic;
  }

  publish(message: RosMessage | Uint8Array): void {
    this.ctx.assertAlive(`publish on ${this.topic}`);
    if (message instanceof Uint8Array) {
      // rclnodejs recognizes pre-serialized messages by `instanceof Buffer`; a view shares the bytes.
      this.inner.publish(Buffer.isBuffer(message) ? message : Buffer.from(message.buffer, message.byteOffset, message.byteLength));
    } else {
      this.inner.publish(message);
    }
  }

  subscriptionCount(): number {
    const count = this.inner.subscriptionCount;
    return typeof count === "function" ? count.call(this.inner) : count;
  }
}

class AdapterClient implements ServiceClient {
  constructor(
    private readonly ctx: AdapterContext,
    private readonly inner: RclClient,
    readonly name: string,
    readonly type: string,
    private readonly nodeName: string,
  ) {}

  waitForService(timeoutMs: number): Promise<boolean> {
    return this.inner.waitForService(Math.max(0, timeoutMs));
  }

  async call(request: RosMessage, timeoutMs = this.ctx.serviceCallTimeoutMs): Promise<RosMessage> {
    this.ctx.assertAlive(`call to service ${this.name}`);
    const started = Date.now();
    if (!this.inner.isServiceServerAvailable() && !(await this.inner.waitForService(timeoutMs))) {
      throw new Error(
        `service ${this.name} (${this.type}) is not available: no server appeared within ${timeoutMs} ms ` +
          `(called from node ${this.nodeName})`,
      );
    }
    const remainingMs = Math.max(1, timeoutMs - (Date.now() - started));
    try {
      return (await this.inner.sendRequestAsync(request, { timeout: remainingMs })) as RosMessage;
    } catch (error) {
      const name = error instanceof Error ? error.name : "";
      if (name === "TimeoutError" || /timeout/i.test(error instanceof Error ? error.message : "")) {
        throw new Error(`service call ${this.name} (${this.type}) timed out after ${timeoutMs} ms waiting for the response`, {
          cause: error,
        });
      }
      throw error;
    }
  }
}
