// A node's parameters with ROS 2 semantics: declare before use, overrides beat defaults, the
// type is fixed at declaration, read-only parameters cannot change, and on-set callbacks (newest
// first, as rclcpp/rclnodejs call them) may veto both declarations and changes.
import type { ParameterDescriptor, ParameterValue, SetParameterResult } from "../api.ts";
import { declaredParameterKind, describeParameterValue, fitsParameterKind } from "../parameter-values.ts";
import type { ParameterKind } from "../parameter-values.ts";

type OnSetCallback = (name: string, value: ParameterValue) => SetParameterResult;

interface Declared {
  value: ParameterValue;
  readonly kind: ParameterKind;
  readonly readOnly: boolean;
}

export class ParameterStore {
  private readonly declared = new Map<string, Declared>();
  private readonly callbacks: OnSetCallback[] = [];

  constructor(
    private readonly nodeName: string,
    private readonly overrides: ReadonlyMap<string, ParameterValue>,
    /** Runs after a change is accepted (the node uses it for use_sim_time). */
    private readonly changed: (name: string, value: ParameterValue) => void,
  ) {}

  declare(name: string, defaultValue: ParameterValue, descriptor: ParameterDescriptor = {}): ParameterValue {
    if (this.declared.has(name)) throw new Error(`parameter '${name}' is already declared on node ${this.nodeName}`);
    const override = this.overrides.get(name);
    const kind = declaredParameterKind(name, defaultValue, override);
    const value = override ?? defaultValue;
    if (!fitsParameterKind(value, kind, name)) {
      throw new Error(
        `parameter '${name}' on node ${this.nodeName}: the override is ${describeParameterValue(value, name)} ` +
          `but the declared default is ${kind}`,
      );
    }
    const veto = this.vetoOf(name, value);
    if (veto !== undefined) throw new Error(`declaring parameter '${name}' on node ${this.nodeName} was rejected: ${veto}`);
    this.declared.set(name, { value: copy(value), kind, readOnly: descriptor.readOnly ?? false });
    return copy(value);
  }

  has(name: string): boolean {
    return this.declared.has(name);
  }

  get(name: string): ParameterValue {
    const entry = this.declared.get(name);
    if (entry === undefined) {
      throw new Error(`parameter '${name}' is not declared on node ${this.nodeName}; declare it with declareParameter first`);
    }
    return copy(entry.value);
  }

  set(name: string, value: ParameterValue): SetParameterResult {
    const entry = this.declared.get(name);
    if (entry === undefined) return { successful: false, reason: `parameter '${name}' is not declared on node ${this.nodeName}` };
    if (entry.readOnly) return { successful: false, reason: `parameter '${name}' is read-only` };
    if (!fitsParameterKind(value, entry.kind, name)) {
      return { successful: false, reason: `parameter '${name}' is ${entry.kind}; cannot set it to ${describeParameterValue(value, name)}` };
    }
    const veto = this.vetoOf(name, value);
    if (veto !== undefined) return { successful: false, reason: veto };
    entry.value = copy(value);
    this.changed(name, copy(value));
    return { successful: true, reason: "" };
  }

  addOnSetCallback(callback: OnSetCallback): void {
    this.callbacks.unshift(callback);
  }

  private vetoOf(name: string, value: ParameterValue): string | undefined {
    for (const callback of this.callbacks) {
      const result = callback(name, copy(value));
      if (!result.successful) return result.reason || `rejected by an on-set-parameters callback`;
    }
    return undefined;
  }
}

/** Arrays are copied so neither the caller nor a callback can change a stored value in place. */
function copy(value: ParameterValue): ParameterValue {
  return Array.isArray(value) ? ([...value] as ParameterValue) : value;
}
