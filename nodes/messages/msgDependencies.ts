// Which types a .msg text depends on, found exactly the way rosbag2 finds them
// (rosbag2_cpp LocalMessageDefinitionSource): a regular expression over the raw text, not a
// parser. Reproducing the rule (rather than walking parsed fields) is what makes our schema
// text byte-identical to `ros2 bag record`'s, including its dependency order.

import { resolveFieldType } from "./typeName.ts";

// A type at the start of a line, optionally followed by an array suffix, then whitespace.
// Comment lines start with "#", which the character class excludes.
const FIELD_TYPE = /(?:^|\n)\s*([a-zA-Z0-9_/]+)(?:\[[^\]]*\])?\s+/g;

const PRIMITIVE_TYPES = new Set([
  "bool", "byte", "char", "float32", "float64", "int8", "uint8",
  "int16", "uint16", "int32", "uint32", "int64", "uint64", "string",
]);

/** Byte-wise ordering, as std::set<std::string> sorts. */
function compareBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The dependency names of one .msg text, as rosbag2 spells them ("pkg/Type" as written, or
 * "<packageContext>/Type" for bare names), unique and sorted like a std::set.
 */
export function msgDependencies(text: string, packageContext: string): string[] {
  const found = new Set<string>();
  for (const match of text.matchAll(FIELD_TYPE)) {
    const type = match[1]!;
    if (PRIMITIVE_TYPES.has(type)) continue;
    found.add(resolveFieldType(type, packageContext));
  }
  return [...found].sort(compareBytes);
}
