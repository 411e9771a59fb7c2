// The exact subset of rclnodejs 2.2.0 that the adapter touches, written from the package's own
// type definitions (types/*.d.ts). The adapter is typed only against this, so the real module is
// loaded without its types being present, and tests/runtime/rclnodejs-types.test.ts proves the real
// module type is assignable to RclnodejsSurface (it fails when rclnodejs's types drift from it).
//
// Interface types are named with rclnodejs's object-descriptor form of TypeClass
// ({package, type, name}); the string form is typed as a literal union generated from whatever
// ROS packages are installed (types/interfaces.d.ts), so a type name only known at run time
// cannot be passed honestly as a string. The descriptor form is accepted by every TypeClass<T>
// and makes the message types resolve to `object`, which is what a generic runtime needs.
//
// Members are declared with method syntax, as the .d.ts does. Numeric policy/type values are
// plain numbers here; rclnodejs declares them as enums whose values are rmw/rcl_interfaces
// constants.

/** rclnodejs's object form of a TypeClass, e.g. {package: "std_msgs", type: "msg", name: "String"}. */
export interface RclInterfaceDescriptor {
  package: string;
  type: string;
  name: string;
}

/** rclnodejs Time: only the int64 nanoseconds are read. */
export interface RclTime {
  readonly nanoseconds: bigint;
}

/** rclnodejs QoS instance, as qos.d.ts declares it; the adapter only constructs and passes it on. */
export interface RclQoS {
  history: number;
  depth: number;
  /** Declared as a method in qos.d.ts (the 2.2.0 JavaScript implements a getter); never read. */
  reliability(): number;
  durability: number;
  liveliness: number;
  avoidRosNameSpaceConventions: boolean;
}

export interface RclQoSClass {
  new (history?: number, depth?: number, reliability?: number, durability?: number): RclQoS;
  readonly HistoryPolicy: {
    readonly RMW_QOS_POLICY_HISTORY_KEEP_LAST: number;
    readonly RMW_QOS_POLICY_HISTORY_KEEP_ALL: number;
  };
  readonly ReliabilityPolicy: {
    readonly RMW_QOS_POLICY_RELIABILITY_RELIABLE: number;
    readonly RMW_QOS_POLICY_RELIABILITY_BEST_EFFORT: number;
  };
  readonly DurabilityPolicy: {
    readonly RMW_QOS_POLICY_DURABILITY_TRANSIENT_LOCAL: number;
    readonly RMW_QOS_POLICY_DURABILITY_VOLATILE: number;
  };
}

/** Options for createPublisher/createSubscription/createService/createClient (node.d.ts Options). */
export interface RclEntityOptions {
  qos?: RclQoS;
  isRaw?: boolean;
  enableTypedArray?: boolean;
}

/** rmw message info; rclnodejs passes it only to non-raw callbacks that declare two parameters. */
export interface RclMessageInfo {
  readonly sourceTimestamp: bigint;
  readonly receivedTimestamp: bigint;
}

export type RclMessageCallback = (message: object, messageInfo?: RclMessageInfo) => void;
export type RclRawMessageCallback = (message: Buffer, messageInfo?: RclMessageInfo) => void;

export interface RclPublisher {
  readonly topic: string;
  publish(message: object | Buffer): void;
  /** publisher.d.ts declares a method; the 2.2.0 JavaScript implements a getter. Both are accepted. */
  readonly subscriptionCount: number | (() => number);
}

export interface RclSubscription {
  readonly topic: string;
  readonly isRaw: boolean;
}

export interface RclServiceResponse {
  send(response: object): void;
}

export type RclServiceRequestHandler = (request: object, response: RclServiceResponse) => void;

export interface RclClient {
  readonly serviceName: string;
  isServiceServerAvailable(): boolean;
  waitForService(timeout?: number): Promise<boolean>;
  sendRequestAsync(request: object, options?: { timeout?: number }): Promise<object>;
}

export interface RclTimer {
  readonly period: bigint;
  cancel(): void;
  isCanceled(): boolean;
}

export interface RclParameter {
  readonly name: string;
  readonly type: number;
  value: unknown;
}

export interface RclParameterDescriptor {
  readonly name: string;
  readonly type: number;
  readonly description: string;
  readonly readOnly: boolean;
}

export interface RclSetParametersResult {
  successful: boolean;
  reason: string;
}

export type RclSetParametersCallback = (parameters: RclParameter[]) => RclSetParametersResult;

export interface RclNamesAndTypes {
  name: string;
  types: string[];
}

/** The NodeOptions fields the adapter sets. */
export interface RclNodeOptions {
  parameterOverrides: RclParameter[];
  automaticallyDeclareParametersFromOverrides: boolean;
}

export interface RclNode {
  name(): string;
  namespace(): string;
  now(): RclTime;
  spin(timeout?: number): void;
  createPublisher(typeClass: RclInterfaceDescriptor, topic: string, options?: RclEntityOptions): RclPublisher;
  createSubscription(
    typeClass: RclInterfaceDescriptor,
    topic: string,
    options: RclEntityOptions,
    callback: RclMessageCallback | RclRawMessageCallback,
  ): RclSubscription;
  destroySubscription(subscription: RclSubscription): void;
  /** service.d.ts types the result as the service's type class; it is only kept, never read. */
  createService(
    typeClass: RclInterfaceDescriptor,
    serviceName: string,
    options: RclEntityOptions,
    callback: RclServiceRequestHandler,
  ): object;
  createClient(typeClass: RclInterfaceDescriptor, serviceName: string, options?: RclEntityOptions): RclClient;
  createTimer(period: bigint, callback: () => void): RclTimer;
  declareParameter(parameter: RclParameter, descriptor?: RclParameterDescriptor, ignoreOverride?: boolean): RclParameter;
  hasParameter(name: string): boolean;
  getParameter(name: string): RclParameter;
  setParameter(parameter: RclParameter): RclSetParametersResult;
  addOnSetParametersCallback(callback: RclSetParametersCallback): void;
  getTopicNamesAndTypes(noDemangle?: boolean): RclNamesAndTypes[];
  /** Entries are rmw topic endpoint infos: {node_name, node_namespace, topic_type, qos_profile, …}. */
  getPublishersInfoByTopic(topic: string, noDemangle: boolean): object[];
  destroy(): void;
}

/** rcl_interfaces/msg/ParameterType constants, as rclnodejs exports them (ParameterType). */
export interface RclParameterTypes {
  readonly PARAMETER_NOT_SET: number;
  readonly PARAMETER_BOOL: number;
  readonly PARAMETER_INTEGER: number;
  readonly PARAMETER_DOUBLE: number;
  readonly PARAMETER_STRING: number;
  readonly PARAMETER_BYTE_ARRAY: number;
  readonly PARAMETER_BOOL_ARRAY: number;
  readonly PARAMETER_INTEGER_ARRAY: number;
  readonly PARAMETER_DOUBLE_ARRAY: number;
  readonly PARAMETER_STRING_ARRAY: number;
}

/**
 * The rclnodejs module (its default export in ESM).
 *
 * `Options` is the instance type of the module's own NodeOptions class: the adapter only ever
 * passes the Node constructor an object that NodeOptions made, so the constructor is described
 * as accepting exactly that (the conformance test instantiates it with rclnodejs's NodeOptions).
 */
export interface RclnodejsSurface<Options extends RclNodeOptions = RclNodeOptions> {
  init(): Promise<void>;
  shutdown(): void;
  isShutdown(): boolean;
  readonly Node: new (nodeName: string, namespace?: string, context?: undefined, options?: Options) => RclNode;
  readonly NodeOptions: new () => Options;
  readonly QoS: RclQoSClass;
  readonly Parameter: new (name: string, type: number, value?: unknown) => RclParameter;
  readonly ParameterDescriptor: new (
    name: string,
    type: number,
    description?: string,
    readOnly?: boolean,
  ) => RclParameterDescriptor;
  readonly ParameterType: RclParameterTypes;
}
