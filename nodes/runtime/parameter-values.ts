// The ROS parameter type of a JavaScript value. ROS distinguishes integer from double, so
// teledemo spells integers as bigint (as rclnodejs does) and every `number` is a double.
import type { ParameterValue } from "./api.ts";

export type ParameterKind =
  | "bool"
  | "integer"
  | "double"
  | "string"
  | "bool_array"
  | "integer_array"
  | "double_array"
  | "string_array";

/** The kind of a value, or undefined for an empty array (whose element type is unknowable). */
export function parameterKindOf(value: ParameterValue, name: string): ParameterKind | undefined {
  switch (typeof value) {
    case "boolean":
      return "bool";
    case "bigint":
      return "integer";
    case "number":
      return "double";
    case "string":
      return "string";
  }
  if (!Array.isArray(value)) throw new Error(`parameter '${name}': unsupported value ${String(value)}`);
  if (value.length === 0) return undefined;
  const first = typeof value[0];
  const kind: Record<string, ParameterKind> = { boolean: "bool_array", bigint: "integer_array", number: "double_array", string: "string_array" };
  const arrayKind = kind[first];
  if (arrayKind === undefined || !(value as unknown[]).every((v) => typeof v === first)) {
    throw new Error(`parameter '${name}': arrays must hold one type (boolean, bigint, number or string)`);
  }
  return arrayKind;
}

/** The kind a declaration fixes, from its default or else its override. */
export function declaredParameterKind(name: string, defaultValue: ParameterValue, override: ParameterValue | undefined): ParameterKind {
  const kind = parameterKindOf(defaultValue, name) ?? (override === undefined ? undefined : parameterKindOf(override, name));
  if (kind === undefined) {
    throw new Error(
      `parameter '${name}': an empty array default does not say which element type the parameter has; ` +
        `declare it with a non-empty default or give an override`,
    );
  }
  return kind;
}

/** Whether `value` may be stored in a parameter of `kind` (an empty array fits any array kind). */
export function fitsParameterKind(value: ParameterValue, kind: ParameterKind, name: string): boolean {
  const actual = parameterKindOf(value, name);
  return actual === kind || (actual === undefined && kind.endsWith("_array"));
}

export function describeParameterValue(value: ParameterValue, name: string): string {
  return parameterKindOf(value, name) ?? "empty array";
}
