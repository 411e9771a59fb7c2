// Turns .msg texts into the MessageDefinition list that @foxglove/rosmsg2-serialization and our
// encoder consume: root first, then every nested type once, each named "pkg/Type".
//
// Each text is parsed on its own and its bare field types are resolved against its own package
// (rosbag2's rule). Parsing the concatenated schema instead would make @foxglove/rosmsg guess
// the package of bare names by suffix, which is ambiguous when two packages share a type name.

import { parse } from "@foxglove/rosmsg";
import { parseTypeName, resolveFieldType, shortTypeName } from "./typeName.ts";

// Derived from the parser's signature so we need not depend on @foxglove/message-definition,
// which only arrives transitively.
export type MessageDefinition = ReturnType<typeof parse>[number];
export type MessageDefinitionField = MessageDefinition["definitions"][number];

/** builtin_interfaces time types are CDR primitives to the serializers. */
const TIME_PRIMITIVES = new Map([
  ["builtin_interfaces/Time", "time"],
  ["builtin_interfaces/Duration", "duration"],
]);

/** The fields of one .msg text, complex types resolved to "pkg/Type". */
export function parseMsgFields(type: string, text: string): MessageDefinitionField[] {
  const pkg = parseTypeName(type).pkg;
  let parsed: MessageDefinition[];
  try {
    parsed = parse(text, { ros2: true, skipTypeFixup: true });
  } catch (error) {
    throw new Error(`${type}: cannot parse .msg text: ${error instanceof Error ? error.message : String(error)}`);
  }
  const fields = parsed[0]?.definitions ?? [];
  return fields.map((field) => {
    if (field.isComplex !== true) return field;
    const resolved = shortTypeName(parseTypeName(resolveFieldType(field.type, pkg)));
    const primitive = TIME_PRIMITIVES.get(resolved);
    return primitive ? { ...field, type: primitive, isComplex: false } : { ...field, type: resolved };
  });
}

/**
 * All definitions a root type needs, root first. `loadFields` returns the resolved fields of a
 * type given as "pkg/Type" (or a full name for the root).
 */
export function collectMessageDefinitions(
  rootType: string,
  loadFields: (type: string) => MessageDefinitionField[],
): MessageDefinition[] {
  const rootName = shortTypeName(parseTypeName(rootType));
  const out: MessageDefinition[] = [];
  const queued = new Set<string>([rootName]);
  const queue: string[] = [rootName];
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    const definitions = loadFields(next);
    out.push({ name: next, definitions });
    for (const field of definitions) {
      if (field.isComplex === true && !queued.has(field.type)) {
        queued.add(field.type);
        queue.push(field.type);
      }
    }
  }
  return out;
}
