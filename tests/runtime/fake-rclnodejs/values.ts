// The value classes of the fake rclnodejs: QoS, Parameter, ParameterDescriptor, NodeOptions,
// Time, MessageInfo — with the constructor signatures and validation rules of rclnodejs 2.2.0.

export const ParameterType = {
  PARAMETER_NOT_SET: 0,
  PARAMETER_BOOL: 1,
  PARAMETER_INTEGER: 2,
  PARAMETER_DOUBLE: 3,
  PARAMETER_STRING: 4,
  PARAMETER_BYTE_ARRAY: 5,
  PARAMETER_BOOL_ARRAY: 6,
  PARAMETER_INTEGER_ARRAY: 7,
  PARAMETER_DOUBLE_ARRAY: 8,
  PARAMETER_STRING_ARRAY: 9,
} as const;

const ELEMENT_CHECK: Record<number, (v: unknown) => boolean> = {
  [ParameterType.PARAMETER_BOOL]: (v) => typeof v === "boolean",
  [ParameterType.PARAMETER_INTEGER]: (v) => typeof v === "bigint",
  [ParameterType.PARAMETER_DOUBLE]: (v) => typeof v === "number",
  [ParameterType.PARAMETER_STRING]: (v) => typeof v === "string",
};
const ARRAY_ELEMENT: Record<number, number> = {
  [ParameterType.PARAMETER_BOOL_ARRAY]: ParameterType.PARAMETER_BOOL,
  [ParameterType.PARAMETER_INTEGER_ARRAY]: ParameterType.PARAMETER_INTEGER,
  [ParameterType.PARAMETER_DOUBLE_ARRAY]: ParameterType.PARAMETER_DOUBLE,
  [ParameterType.PARAMETER_BYTE_ARRAY]: ParameterType.PARAMETER_DOUBLE,
  [ParameterType.PARAMETER_STRING_ARRAY]: ParameterType.PARAMETER_STRING,
};

export class Parameter {
  readonly name: string;
  readonly type: number;
  value: unknown;

  constructor(name: string, type: number, value?: unknown) {
    this.name = name;
    this.type = type;
    // rclnodejs converts integer values to bigint on construction.
    this.value = type === ParameterType.PARAMETER_INTEGER && value !== undefined ? BigInt(value as number) : value;
    this.validate();
  }

  validate(): void {
    if (typeof this.name !== "string" || this.name.trim() === "") throw new TypeError("Invalid parameter name");
    if (this.type === ParameterType.PARAMETER_NOT_SET) {
      if (this.value != null) throw new TypeError(`Invalid value for ${this.name}`);
      return;
    }
    const scalar = ELEMENT_CHECK[this.type];
    const element = ARRAY_ELEMENT[this.type];
    const ok =
      scalar !== undefined
        ? scalar(this.value)
        : element !== undefined && Array.isArray(this.value) && this.value.every((v) => (ELEMENT_CHECK[element] as (v: unknown) => boolean)(v));
    if (!ok) throw new TypeError(`Parameter ${this.name}: value does not match type ${this.type}`);
  }
}

export class ParameterDescriptor {
  constructor(
    readonly name: string,
    readonly type: number = ParameterType.PARAMETER_NOT_SET,
    readonly description: string = "no description",
    readonly readOnly: boolean = false,
  ) {}

  static fromParameter(parameter: Parameter): ParameterDescriptor {
    return new ParameterDescriptor(parameter.name, parameter.type, "Created from parameter.");
  }
}

export class NodeOptions {
  startParameterServices = true;
  parameterOverrides: Parameter[] = [];
  automaticallyDeclareParametersFromOverrides = false;
  enableRosout = true;
  enableLoggerService = false;
}

const HistoryPolicy = { RMW_QOS_POLICY_HISTORY_SYSTEM_DEFAULT: 0, RMW_QOS_POLICY_HISTORY_KEEP_LAST: 1, RMW_QOS_POLICY_HISTORY_KEEP_ALL: 2 };
const ReliabilityPolicy = {
  RMW_QOS_POLICY_RELIABILITY_SYSTEM_DEFAULT: 0,
  RMW_QOS_POLICY_RELIABILITY_RELIABLE: 1,
  RMW_QOS_POLICY_RELIABILITY_BEST_EFFORT: 2,
};
const DurabilityPolicy = {
  RMW_QOS_POLICY_DURABILITY_SYSTEM_DEFAULT: 0,
  RMW_QOS_POLICY_DURABILITY_TRANSIENT_LOCAL: 1,
  RMW_QOS_POLICY_DURABILITY_VOLATILE: 2,
};

export class QoS {
  static readonly HistoryPolicy = HistoryPolicy;
  static readonly ReliabilityPolicy = ReliabilityPolicy;
  static readonly DurabilityPolicy = DurabilityPolicy;
  static readonly profileDefault = "qos_profile_default";
  static readonly profileSensorData = "qos_profile_sensor_data";

  constructor(
    public history = 0,
    public depth = 0,
    private readonly reliabilityValue = 0,
    public durability = 0,
    public liveliness = 0,
    public avoidRosNameSpaceConventions = false,
  ) {}

  reliability(): number {
    return this.reliabilityValue;
  }
}

/** rmw's view of a QoS: profile names resolved, SYSTEM_DEFAULT resolved to rmw's defaults. */
export interface ResolvedQos {
  history: number;
  depth: number;
  reliability: number;
  durability: number;
}

export function resolveFakeQos(qos: unknown): ResolvedQos {
  if (qos === QoS.profileSensorData) return { history: 1, depth: 5, reliability: 2, durability: 2 };
  if (typeof qos === "string" || qos === undefined) return { history: 1, depth: 10, reliability: 1, durability: 2 };
  const q = qos as QoS;
  return {
    history: q.history === 0 ? 1 : q.history,
    depth: q.depth,
    reliability: q.reliability() === 0 ? 1 : q.reliability(),
    durability: q.durability === 0 ? 2 : q.durability,
  };
}

export class Time {
  constructor(readonly nanoseconds: bigint) {}
}

export class MessageInfo {
  constructor(
    readonly sourceTimestamp: bigint,
    readonly receivedTimestamp: bigint,
    readonly publicationSequenceNumber: bigint,
    readonly receptionSequenceNumber: bigint,
  ) {}
}

export function systemNowNs(): bigint {
  return BigInt(Date.now()) * 1_000_000n;
}
