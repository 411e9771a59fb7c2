// The subset of the rclnodejs API that teledemo's nodes use, as one interface with two
// implementations: the in-process runtime (local) and an adapter over real rclnodejs (ros).
// Node code only ever sees these types, so it cannot tell which runtime runs it.

/** Time is int64 nanoseconds everywhere in the core (DESIGN principle 5). */
export type Nanos = bigint;

export type HistoryPolicy = "keep_last" | "keep_all";
export type ReliabilityPolicy = "reliable" | "best_effort";
export type DurabilityPolicy = "volatile" | "transient_local";

export interface QosProfile {
  history: HistoryPolicy;
  /** Queue depth; only meaningful for keep_last. */
  depth: number;
  reliability: ReliabilityPolicy;
  durability: DurabilityPolicy;
}

/** rclnodejs's default profile: keep_last 10, reliable, volatile. */
export const QOS_DEFAULT: QosProfile = { history: "keep_last", depth: 10, reliability: "reliable", durability: "volatile" };
/** rclnodejs's sensor-data profile: keep_last 5, best effort, volatile. */
export const QOS_SENSOR_DATA: QosProfile = { history: "keep_last", depth: 5, reliability: "best_effort", durability: "volatile" };
/** What tf2 uses for /tf_static: late joiners must still get every static transform. */
export const QOS_TF_STATIC: QosProfile = { history: "keep_last", depth: 1, reliability: "reliable", durability: "transient_local" };

/** Metadata delivered with every message (rmw's message info). */
export interface MessageInfo {
  /** Publisher-side time of publication, host clock (rmw source_timestamp). */
  sourceTimestamp: Nanos;
  /** Subscriber-side time of reception, host clock (rmw received_timestamp). */
  receivedTimestamp: Nanos;
  /** False when the transport did not report the publisher's time (rclnodejs raw
   * subscriptions): sourceTimestamp then only repeats the reception time. Absent means known. */
  sourceTimestampKnown?: boolean;
}

/** A ROS message as a plain object (field names as in the .msg files). */
export type RosMessage = Record<string, unknown>;

export interface PublisherOptions {
  qos?: Partial<QosProfile>;
}

export interface SubscriptionOptions {
  qos?: Partial<QosProfile>;
  /** Deliver the serialized CDR bytes instead of a decoded message. */
  isRaw?: boolean;
}

export interface Publisher {
  readonly topic: string;
  /** ROS type name, e.g. "sensor_msgs/msg/Image". */
  readonly type: string;
  readonly qos: QosProfile;
  /** Publish a message object (serialized by the runtime) or pre-serialized CDR bytes. */
  publish(message: RosMessage | Uint8Array): void;
  subscriptionCount(): number;
}

export type MessageCallback = (message: RosMessage, info: MessageInfo) => void;
export type RawMessageCallback = (message: Uint8Array, info: MessageInfo) => void;

export interface Subscription {
  readonly topic: string;
  readonly type: string;
  readonly qos: QosProfile;
  readonly isRaw: boolean;
}

export type ServiceHandler = (request: RosMessage) => RosMessage | Promise<RosMessage>;

export interface Service {
  readonly name: string;
  /** ROS service type name, e.g. "std_srvs/srv/Trigger". */
  readonly type: string;
}

export interface ServiceClient {
  readonly name: string;
  readonly type: string;
  /** Resolves true once a server is available, false after timeoutMs. */
  waitForService(timeoutMs: number): Promise<boolean>;
  call(request: RosMessage): Promise<RosMessage>;
}

export type ParameterValue = boolean | number | bigint | string | boolean[] | number[] | bigint[] | string[];

export interface ParameterDescriptor {
  description?: string;
  readOnly?: boolean;
}

export interface SetParameterResult {
  successful: boolean;
  reason: string;
}

export interface Timer {
  readonly periodNs: Nanos;
  cancel(): void;
  isCanceled(): boolean;
}

/** What a publisher offers on a topic, as the recorder needs it for offered_qos_profiles. */
export interface TopicEndpointInfo {
  nodeName: string;
  nodeNamespace: string;
  topicType: string;
  qos: QosProfile;
}

export interface RuntimeNode {
  readonly name: string;
  readonly namespace: string;
  createPublisher(type: string, topic: string, options?: PublisherOptions): Publisher;
  createSubscription(type: string, topic: string, options: SubscriptionOptions & { isRaw: true }, callback: RawMessageCallback): Subscription;
  createSubscription(type: string, topic: string, options: SubscriptionOptions, callback: MessageCallback): Subscription;
  destroySubscription(subscription: Subscription): void;
  createService(type: string, name: string, handler: ServiceHandler): Service;
  createClient(type: string, name: string): ServiceClient;
  declareParameter(name: string, defaultValue: ParameterValue, descriptor?: ParameterDescriptor): ParameterValue;
  hasParameter(name: string): boolean;
  getParameter(name: string): ParameterValue;
  setParameter(name: string, value: ParameterValue): SetParameterResult;
  /** Called before a parameter changes; a handler returning successful=false vetoes the change. */
  addOnSetParametersCallback(handler: (name: string, value: ParameterValue) => SetParameterResult): void;
  /** A wall timer on the node's clock (sim time when use_sim_time is set). */
  createTimer(periodNs: Nanos, callback: () => void): Timer;
  /** The node's clock: host time, or sim time when use_sim_time is set. */
  now(): Nanos;
  getTopicNamesAndTypes(): Array<{ name: string; types: string[] }>;
  getPublishersInfoByTopic(topic: string): TopicEndpointInfo[];
  destroy(): void;
}

export type RuntimeKind = "local" | "ros";

export interface NodeOptions {
  /** Initial parameter values, as ROS's --ros-args -p name:=value. `use_sim_time: true` makes the
   * node's clock follow /clock (rosgraph_msgs/msg/Clock). */
  parameterOverrides?: Record<string, ParameterValue>;
}

export interface Runtime {
  readonly kind: RuntimeKind;
  createNode(name: string, namespace?: string, options?: NodeOptions): RuntimeNode;
  /** Start delivering callbacks for every node created on this runtime. */
  spin(): void;
  shutdown(): Promise<void>;
}
