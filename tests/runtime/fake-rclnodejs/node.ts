// The fake rclnodejs Node and its entities. Behaviour follows rclnodejs 2.2.0 (lib/node.js and
// friends) where teledemo can observe it: one message taken per ready subscription per execute
// pass, in subscription creation order; raw subscriptions get a Buffer copy and no MessageInfo;
// non-raw callbacks declaring two parameters get one; use_sim_time is declared by the node's
// time source and makes now() and timers follow /clock; parameters are declared/set/vetoed the
// way Node#_setParametersAtomically does.
import { expandName, normalizeNamespace } from "../../../nodes/runtime/names.ts";
import type { RosMessage } from "../../../nodes/runtime/api.ts";
import type { RclInterfaceDescriptor, RclNodeOptions, RclParameter, RclSetParametersResult } from "../../../nodes/runtime/rclnodejs/surface.ts";
import type { FakeContext } from "./context.ts";
import { MessageInfo, Parameter, ParameterDescriptor, ParameterType, resolveFakeQos, systemNowNs, Time } from "./values.ts";
import type { ResolvedQos } from "./values.ts";

type TypeClass = string | RclInterfaceDescriptor;
interface EntityOptions {
  qos?: unknown;
  isRaw?: boolean;
}
type AnyCallback = (message: never, info?: MessageInfo) => void;

function typeName(typeClass: TypeClass): string {
  return typeof typeClass === "string" ? typeClass : `${typeClass.package}/${typeClass.type}/${typeClass.name}`;
}

interface Sample {
  bytes: Uint8Array;
  sourceTimestamp: bigint;
  sequence: bigint;
}

export class FakePublisher {
  private readonly retained: Sample[] = [];
  private sequence = 0n;

  constructor(
    private readonly node: FakeNode,
    readonly topic: string,
    readonly typeName: string,
    readonly qos: ResolvedQos,
  ) {}

  publish(message: object | Buffer): void {
    const context = this.node.context;
    if (context.shutDown) throw new Error("context is shut down");
    const bytes = message instanceof Buffer ? new Uint8Array(message) : context.codec.encode(this.typeName, message as RosMessage);
    const sample = { bytes, sourceTimestamp: systemNowNs(), sequence: ++this.sequence };
    for (const subscription of context.subscriptions) if (context.matches(this, subscription)) subscription.receive(sample);
    if (this.qos.durability === 1) {
      this.retained.push(sample);
      if (this.qos.history !== 2 && this.retained.length > this.qos.depth) this.retained.shift();
    }
  }

  /** rclnodejs 2.2.0 implements this as a getter although publisher.d.ts declares a method. */
  get subscriptionCount(): number {
    const context = this.node.context;
    return [...context.subscriptions].filter((s) => context.matches(this, s)).length;
  }

  retainedSamples(): Sample[] {
    return [...this.retained];
  }
}

export class FakeSubscription {
  readonly queue: Sample[] = [];
  readonly wantsMessageInfo: boolean;
  destroyed = false;

  constructor(
    readonly node: FakeNode,
    readonly topic: string,
    readonly typeName: string,
    readonly qos: ResolvedQos,
    readonly isRaw: boolean,
    private readonly callback: AnyCallback,
  ) {
    this.wantsMessageInfo = callback.length >= 2;
  }

  receive(sample: Sample): void {
    if (this.destroyed) return;
    if (this.qos.history !== 2 && this.queue.length >= this.qos.depth) this.queue.shift();
    this.queue.push(sample);
    this.node.wake();
  }

  takeOne(): void {
    const sample = this.queue.shift();
    if (sample === undefined || this.destroyed) return;
    if (this.isRaw) {
      (this.callback as (m: Buffer) => void)(Buffer.from(sample.bytes)); // rclTakeRaw copies
      return;
    }
    const message = this.node.context.codec.decode(this.typeName, sample.bytes);
    if (this.wantsMessageInfo) {
      (this.callback as (m: object, i: MessageInfo) => void)(message, new MessageInfo(sample.sourceTimestamp, systemNowNs(), sample.sequence, 0n));
    } else {
      (this.callback as (m: object) => void)(message);
    }
  }
}

class ServiceResponse {
  sent = false;
  constructor(private readonly deliver: (response: object) => void) {}
  send(response: object): void {
    this.sent = true;
    this.deliver(structuredClone(response));
  }
}

export class FakeService {
  readonly requests: Array<{ request: object; reply: (response: object) => void }> = [];
  constructor(
    readonly node: FakeNode,
    readonly serviceName: string,
    readonly typeName: string,
    readonly callback: (request: object, response: ServiceResponse) => unknown,
  ) {}

  takeOne(): void {
    const next = this.requests.shift();
    if (next === undefined) return;
    const response = new ServiceResponse(next.reply);
    Promise.resolve(this.callback(next.request, response)).then(
      (returned) => {
        if (!response.sent && returned) response.send(returned as object);
      },
      () => {
        /* rclnodejs logs the error and sends nothing */
      },
    );
  }
}

export class FakeClient {
  readonly responses: Array<() => void> = [];
  constructor(
    readonly node: FakeNode,
    readonly serviceName: string,
    readonly typeName: string,
  ) {}

  isServiceServerAvailable(): boolean {
    const service = this.node.context.services.get(this.serviceName);
    return service !== undefined && service.typeName === this.typeName;
  }

  async waitForService(timeout?: number): Promise<boolean> {
    const deadline = timeout !== undefined && timeout >= 0 ? Date.now() + timeout : Infinity;
    let waitMs = 5;
    let available = this.isServiceServerAvailable();
    while (!available && Date.now() < deadline) {
      waitMs = Math.min(waitMs * 2, 1000, deadline - Date.now());
      await new Promise((resolve) => setTimeout(resolve, waitMs));
      available = this.isServiceServerAvailable();
    }
    return available;
  }

  sendRequestAsync(request: object, options: { timeout?: number } = {}): Promise<object> {
    return new Promise((resolve, reject) => {
      let done = false;
      const timer =
        options.timeout !== undefined
          ? setTimeout(() => {
              done = true;
              const error = new Error(`Service request timeout after ${options.timeout}ms`);
              error.name = "TimeoutError";
              reject(error);
            }, options.timeout)
          : undefined;
      const service = this.node.context.services.get(this.serviceName);
      if (service === undefined) return; // lost, as a request to no server is
      service.requests.push({
        request: structuredClone(request),
        reply: (response) => {
          this.responses.push(() => {
            if (done) return;
            done = true;
            clearTimeout(timer);
            resolve(response);
          });
          this.node.wake();
        },
      });
      service.node.wake();
    });
  }
}

export class FakeTimer {
  private canceled = false;
  next: bigint;
  constructor(
    private readonly node: FakeNode,
    readonly period: bigint,
    readonly callback: () => void,
  ) {
    this.next = node.clockNow() + period;
  }
  cancel(): void {
    this.canceled = true;
  }
  isCanceled(): boolean {
    return this.canceled;
  }
  isReady(now: bigint): boolean {
    return !this.canceled && now >= this.next;
  }
  /** rcl_timer_call: advance by whole periods, skipping the ones missed. */
  call(now: bigint): void {
    this.next += ((now - this.next) / this.period + 1n) * this.period;
    this.callback();
  }
}

export class FakeNode {
  private readonly nodeName: string;
  private readonly nodeNamespace: string;
  private readonly overrides = new Map<string, Parameter>();
  private readonly parameters = new Map<string, Parameter>();
  private readonly descriptors = new Map<string, ParameterDescriptor>();
  private readonly setCallbacks: Array<(p: RclParameter[]) => RclSetParametersResult> = [];
  private readonly subscriptions: FakeSubscription[] = [];
  private readonly services: FakeService[] = [];
  private readonly clients: FakeClient[] = [];
  private readonly timers: FakeTimer[] = [];
  private spinning = false;
  private scheduled = false;
  private wallWake: NodeJS.Timeout | undefined;
  private rosTimeActive = false;
  private rosTime = 0n;
  private clockSubscription: FakeSubscription | undefined;

  constructor(
    readonly context: FakeContext,
    nodeName: string,
    namespace = "",
    _context?: undefined,
    options?: RclNodeOptions,
  ) {
    if (!context.initialized || context.shutDown) throw new Error("context is not initialized or shut down");
    this.nodeName = nodeName;
    this.nodeNamespace = normalizeNamespace(namespace);
    for (const p of options?.parameterOverrides ?? []) this.overrides.set(p.name, p as Parameter);
    context.nodes.add(this);
    // TimeSource.attachNode: declare use_sim_time (overrides apply) and follow /clock if true.
    if (!this.hasParameter("use_sim_time")) this.declareParameter(new Parameter("use_sim_time", ParameterType.PARAMETER_BOOL, false));
    this.setRosTimeActive(this.getParameter("use_sim_time").value === true);
    this.addOnSetParametersCallback((parameters) => {
      for (const p of parameters) if (p.name === "use_sim_time" && p.type === ParameterType.PARAMETER_BOOL) this.setRosTimeActive(p.value === true);
      return { successful: true, reason: "" };
    });
  }

  name(): string {
    return this.nodeName;
  }
  namespace(): string {
    return this.nodeNamespace;
  }
  clockNow(): bigint {
    return this.rosTimeActive ? this.rosTime : systemNowNs();
  }
  now(): Time {
    return new Time(this.clockNow());
  }

  spin(_timeout?: number): void {
    if (this.spinning) throw new Error("The node is already spinning.");
    this.spinning = true;
    this.wake();
  }

  createPublisher(typeClass: TypeClass, topic: string, options?: EntityOptions): FakePublisher {
    const publisher = new FakePublisher(this, this.expand(topic), typeName(typeClass), resolveFakeQos(options?.qos));
    this.context.publishers.add(publisher);
    if (publisher.qos.durability === 1) {
      // nothing retained yet; late joiners are served when they subscribe
    }
    return publisher;
  }

  createSubscription(typeClass: TypeClass, topic: string, options: EntityOptions, callback: AnyCallback): FakeSubscription {
    const subscription = new FakeSubscription(this, this.expand(topic), typeName(typeClass), resolveFakeQos(options.qos), options.isRaw === true, callback);
    this.context.subscriptions.add(subscription);
    this.subscriptions.push(subscription);
    if (subscription.qos.durability === 1) {
      const retained = [...this.context.publishers]
        .filter((p) => this.context.matches(p, subscription))
        .flatMap((p) => p.retainedSamples())
        .sort((a, b) => (a.sourceTimestamp < b.sourceTimestamp ? -1 : 1));
      for (const sample of retained) subscription.receive(sample);
    }
    return subscription;
  }

  destroySubscription(subscription: FakeSubscription): void {
    subscription.destroyed = true;
    this.context.subscriptions.delete(subscription);
    this.subscriptions.splice(this.subscriptions.indexOf(subscription), 1);
  }

  createService(typeClass: TypeClass, serviceName: string, _options: EntityOptions, callback: (request: object, response: ServiceResponse) => unknown): object {
    const service = new FakeService(this, this.expand(serviceName), typeName(typeClass), callback);
    this.context.services.set(service.serviceName, service);
    this.services.push(service);
    return service;
  }

  createClient(typeClass: TypeClass, serviceName: string, _options?: EntityOptions): FakeClient {
    const client = new FakeClient(this, this.expand(serviceName), typeName(typeClass));
    this.clients.push(client);
    return client;
  }

  createTimer(period: bigint, callback: () => void): FakeTimer {
    if (typeof period !== "bigint") throw new TypeError("period must be a bigint");
    const timer = new FakeTimer(this, period, callback);
    this.timers.push(timer);
    this.wake();
    return timer;
  }

  declareParameter(parameter: RclParameter, descriptor?: ParameterDescriptor, ignoreOverride = false): Parameter {
    const chosen = (!ignoreOverride && this.overrides.get(parameter.name)) || (parameter as Parameter);
    if (this.parameters.has(chosen.name)) throw new Error(`Parameter(${chosen.name}) already declared.`);
    const desc = descriptor ?? ParameterDescriptor.fromParameter(chosen);
    this.descriptors.set(chosen.name, desc);
    const result = this.setAtomically([chosen], true);
    if (!result.successful) {
      this.descriptors.delete(chosen.name);
      throw new Error(result.reason);
    }
    return this.getParameter(chosen.name);
  }

  hasParameter(name: string): boolean {
    return this.parameters.has(name);
  }

  /** rclnodejs Node#describeParameter: the descriptor a parameter was declared with. */
  describeParameter(name: string): ParameterDescriptor | undefined {
    return this.descriptors.get(name);
  }

  getParameter(name: string): Parameter {
    return this.parameters.get(name) ?? new Parameter(name, ParameterType.PARAMETER_NOT_SET);
  }

  setParameter(parameter: RclParameter): RclSetParametersResult {
    return this.setAtomically([parameter as Parameter], false);
  }

  addOnSetParametersCallback(callback: (parameters: RclParameter[]) => RclSetParametersResult): void {
    this.setCallbacks.unshift(callback);
  }

  getTopicNamesAndTypes(_noDemangle?: boolean): Array<{ name: string; types: string[] }> {
    const topics = new Map<string, Set<string>>();
    for (const e of [...this.context.publishers, ...this.context.subscriptions]) {
      if (!topics.has(e.topic)) topics.set(e.topic, new Set());
      topics.get(e.topic)?.add(e.typeName);
    }
    return [...topics].map(([name, types]) => ({ name, types: [...types] })).sort((a, b) => a.name.localeCompare(b.name));
  }

  getPublishersInfoByTopic(topic: string, _noDemangle: boolean): object[] {
    const name = this.expand(topic);
    return [...this.context.publishers]
      .filter((p) => p.topic === name)
      .map((p) => ({
        node_name: p["node"].nodeName,
        node_namespace: p["node"].nodeNamespace,
        topic_type: p.typeName,
        endpoint_type: 1,
        endpoint_gid: new Array<number>(16).fill(0),
        qos_profile: { ...p.qos, liveliness: 1, avoid_ros_namespace_conventions: false },
      }));
  }

  destroy(): void {
    this.spinning = false;
    for (const s of [...this.subscriptions]) this.destroySubscription(s);
    for (const t of this.timers) t.cancel();
    for (const p of [...this.context.publishers]) if (p["node"] === this) this.context.publishers.delete(p);
    for (const s of this.services) this.context.services.delete(s.serviceName);
    clearTimeout(this.wallWake);
    this.context.nodes.delete(this);
  }

  /** Work arrived (or time passed): run an execute pass soon if spinning. */
  wake(): void {
    if (!this.spinning || this.scheduled || this.context.shutDown) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.execute();
    });
  }

  private execute(): void {
    if (!this.spinning || this.context.shutDown) return;
    const now = this.clockNow();
    for (const timer of this.timers) if (timer.isReady(now)) timer.call(now);
    for (const subscription of [...this.subscriptions]) subscription.takeOne();
    for (const service of this.services) service.takeOne();
    for (const client of this.clients) client.responses.shift()?.();
    const more =
      this.subscriptions.some((s) => s.queue.length > 0) ||
      this.services.some((s) => s.requests.length > 0) ||
      this.clients.some((c) => c.responses.length > 0);
    if (more) this.wake();
    this.armWallTimers();
  }

  private armWallTimers(): void {
    clearTimeout(this.wallWake);
    this.wallWake = undefined;
    if (this.rosTimeActive) return;
    const pending = this.timers.filter((t) => !t.isCanceled());
    if (pending.length === 0 || !this.spinning) return;
    const next = pending.reduce((min, t) => (t.next < min ? t.next : min), pending[0]?.next as bigint);
    const delayMs = Math.max(0, Math.ceil(Number(next - systemNowNs()) / 1e6));
    this.wallWake = setTimeout(() => this.wake(), delayMs);
  }

  private setRosTimeActive(active: boolean): void {
    if (active === this.rosTimeActive) return;
    this.rosTimeActive = active;
    if (active && this.clockSubscription === undefined) {
      this.clockSubscription = this.createSubscription("rosgraph_msgs/msg/Clock", "/clock", {}, ((message: { clock: { sec: number; nanosec: number } }) => {
        this.rosTime = BigInt(message.clock.sec) * 1_000_000_000n + BigInt(message.clock.nanosec);
        this.wake();
      }) as AnyCallback);
    }
  }

  private setAtomically(parameters: Parameter[], declaring: boolean): RclSetParametersResult {
    for (const p of parameters) {
      try {
        p.validate();
      } catch {
        return { successful: false, reason: `Invalid ${p.name}` };
      }
      const descriptor = this.descriptors.get(p.name);
      if (descriptor === undefined) return { successful: false, reason: `Parameter ${p.name} has not been declared` };
      if (!declaring && descriptor.readOnly) return { successful: false, reason: `Parameter ${p.name} is readonly` };
      if (descriptor.type !== p.type) return { successful: false, reason: `Parameter ${p.name} does not  readonly` };
    }
    for (const callback of this.setCallbacks) {
      const result = callback(parameters);
      if (!result.successful) return result;
    }
    for (const p of parameters) this.parameters.set(p.name, p);
    return { successful: true, reason: "" };
  }

  private expand(name: string): string {
    return expandName(name, this.nodeName, this.nodeNamespace, "topic");
  }
}
