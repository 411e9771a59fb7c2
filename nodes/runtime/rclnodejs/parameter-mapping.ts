// teledemo parameter values ↔ rclnodejs Parameter objects.
import type { ParameterValue } from "../api.ts";
import type { ParameterKind } from "../parameter-values.ts";
import type { RclParameter, RclParameterTypes } from "./surface.ts";

export function rclTypeOf(types: RclParameterTypes, kind: ParameterKind): number {
  switch (kind) {
    case "bool":
      return types.PARAMETER_BOOL;
    case "integer":
      return types.PARAMETER_INTEGER;
    case "double":
      return types.PARAMETER_DOUBLE;
    case "string":
      return types.PARAMETER_STRING;
    case "bool_array":
      return types.PARAMETER_BOOL_ARRAY;
    case "integer_array":
      return types.PARAMETER_INTEGER_ARRAY;
    case "double_array":
      return types.PARAMETER_DOUBLE_ARRAY;
    case "string_array":
      return types.PARAMETER_STRING_ARRAY;
  }
}

export function kindOfRclType(types: RclParameterTypes, type: number): ParameterKind | undefined {
  const table: Array<[number, ParameterKind]> = [
    [types.PARAMETER_BOOL, "bool"],
    [types.PARAMETER_INTEGER, "integer"],
    [types.PARAMETER_DOUBLE, "double"],
    [types.PARAMETER_STRING, "string"],
    [types.PARAMETER_BOOL_ARRAY, "bool_array"],
    [types.PARAMETER_INTEGER_ARRAY, "integer_array"],
    [types.PARAMETER_DOUBLE_ARRAY, "double_array"],
    // A byte array has no teledemo spelling of its own; its values are numbers.
    [types.PARAMETER_BYTE_ARRAY, "double_array"],
    [types.PARAMETER_STRING_ARRAY, "string_array"],
  ];
  return table.find(([t]) => t === type)?.[1];
}

/** The value of an rclnodejs Parameter as teledemo spells it (typed arrays become arrays). */
export function valueOfRclParameter(parameter: RclParameter): ParameterValue {
  const value = parameter.value;
  if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<number>);
  if (Array.isArray(value)) return [...value] as ParameterValue;
  if (typeof value === "boolean" || typeof value === "bigint" || typeof value === "number" || typeof value === "string") return value;
  throw new Error(`parameter '${parameter.name}' has a value teledemo cannot represent (${String(value)})`);
}
