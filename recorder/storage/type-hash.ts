// REP-2011 type description hashes ("RIHS01_<sha256 hex>"), as rosbag2 Jazzy writes them per topic
// (`type_description_hash` in the serialized metadata) and rosidl computes them at build time.
//
// rosidl's algorithm: describe the type as a type_description_interfaces/TypeDescription — the
// root's fields, then every type it references (transitively) sorted by name — each field as
// {name, type: {type_id, capacity, string_capacity, nested_type_name}} (constants and default
// values are not part of it), serialize that as JSON the way Python's json.dumps does with
// separators (", ", ": ") and keys in that order, and hash the UTF-8 bytes with SHA-256.
//
// Input is what the recorder has for every channel: the ros2msg schema text (rosbag2's
// concatenation of the root .msg and each dependency). The .msg lines are parsed here (not with
// @foxglove/rosmsg) because the hash tells `byte` (octet) from `uint8`, which that parser merges.
import { createHash } from "node:crypto";
import { splitSchemaText } from "../../nodes/messages/index.ts";
import { parseTypeName, resolveFieldType } from "../../nodes/messages/typeName.ts";

/** type_description_interfaces/msg/FieldType ids. */
const FIELD_TYPE: Record<string, number> = {
  nested: 1,
  int8: 2,
  uint8: 3,
  char: 3, // .msg `char` is an alias of uint8 in ROS 2 (rosidl_adapter maps it so)
  int16: 4,
  uint16: 5,
  int32: 6,
  uint32: 7,
  int64: 8,
  uint64: 9,
  float32: 10,
  float64: 11,
  bool: 15,
  byte: 16,
  string: 17,
  wstring: 18,
};
const FIXED_STRING_OFFSET = 2; // string 17 → fixed 19 (unused by .msg), bounded string 21 = 17 + 4
const BOUNDED_STRING_OFFSET = 4;
const ARRAY_OFFSET = 48;
const BOUNDED_SEQUENCE_OFFSET = 96;
const UNBOUNDED_SEQUENCE_OFFSET = 144;
void FIXED_STRING_OFFSET;

interface FieldDescription {
  name: string;
  type: { type_id: number; capacity: number; string_capacity: number; nested_type_name: string };
}

interface TypeDescription {
  type_name: string;
  fields: FieldDescription[];
}

/** builtin_interfaces types are always known (rosbag2 schemas include them, but be safe). */
const BUILTIN_TEXT: Record<string, string> = {
  "builtin_interfaces/Time": "int32 sec\nuint32 nanosec\n",
  "builtin_interfaces/Duration": "int32 sec\nuint32 nanosec\n",
};

// A field line: type token, name, optional default; a constant has NAME=value.
const TYPE_TOKEN = /^([A-Za-z][A-Za-z0-9_/]*)(?:<=(\d+))?(?:\[(<=)?(\d*)\])?$/;

function parseFields(type: string, text: string): FieldDescription[] {
  const pkg = parseTypeName(type).pkg;
  const fields: FieldDescription[] = [];
  for (const raw of text.split("\n")) {
    const line = stripComment(raw).trim();
    if (line === "") continue;
    const m = /^(\S+)\s+([A-Za-z][A-Za-z0-9_]*)\s*(=)?/.exec(line);
    if (!m) throw new Error(`${type}: cannot read the .msg line "${line}"`);
    if (m[3] === "=") continue; // a constant
    const token = TYPE_TOKEN.exec(m[1]!);
    if (!token) throw new Error(`${type}: unknown field type "${m[1]}"`);
    const [, base, stringBound, boundedArray, arraySize] = token;
    let typeId: number;
    let nested = "";
    const primitive = FIELD_TYPE[base!];
    if (primitive !== undefined && !base!.includes("/")) typeId = primitive;
    else {
      typeId = FIELD_TYPE.nested!;
      nested = fullName(resolveFieldType(base!, pkg));
    }
    let stringCapacity = 0;
    if (stringBound !== undefined) {
      if (base !== "string" && base !== "wstring") throw new Error(`${type}: only strings take a bound, got "${m[1]}"`);
      typeId += BOUNDED_STRING_OFFSET;
      stringCapacity = Number(stringBound);
    }
    let capacity = 0;
    if (arraySize !== undefined) {
      if (boundedArray !== undefined) {
        typeId += BOUNDED_SEQUENCE_OFFSET;
        capacity = Number(arraySize);
      } else if (arraySize === "") typeId += UNBOUNDED_SEQUENCE_OFFSET;
      else {
        typeId += ARRAY_OFFSET;
        capacity = Number(arraySize);
      }
    } else if (m[1]!.includes("[")) throw new Error(`${type}: bad array type "${m[1]}"`);
    fields.push({ name: m[2]!, type: { type_id: typeId, capacity, string_capacity: stringCapacity, nested_type_name: nested } });
  }
  // rosidl gives an empty struct one placeholder member
  if (fields.length === 0) fields.push({ name: "structure_needs_at_least_one_member", type: { type_id: FIELD_TYPE.uint8!, capacity: 0, string_capacity: 0, nested_type_name: "" } });
  return fields;
}

/** Drops a "#" comment, but not a "#" inside a quoted string default. */
function stripComment(line: string): string {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote !== undefined) {
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === "#") return line.slice(0, i);
  }
  return line;
}

function fullName(type: string): string {
  const t = parseTypeName(type);
  return `${t.pkg}/${t.ns}/${t.name}`;
}

/**
 * RIHS01 hash of a message type from its ros2msg schema text (rosbag2's concatenation). Throws
 * when a referenced type's definition is missing from the text.
 */
export function typeDescriptionHash(rootType: string, schemaText: string): string {
  const texts = new Map<string, string>();
  for (const piece of splitSchemaText(rootType, schemaText)) texts.set(fullName(piece.type), piece.text);
  for (const [name, text] of Object.entries(BUILTIN_TEXT)) if (!texts.has(fullName(name))) texts.set(fullName(name), text);
  const root = fullName(rootType);
  const describe = (name: string): TypeDescription => {
    const text = texts.get(name);
    if (text === undefined) throw new Error(`${root}: the schema has no definition of ${name}`);
    return { type_name: name, fields: parseFields(name, text) };
  };
  const rootDescription = describe(root);
  const referenced = new Map<string, TypeDescription>();
  const queue = rootDescription.fields.map((f) => f.type.nested_type_name).filter((n) => n !== "");
  while (queue.length > 0) {
    const name = queue.pop()!;
    if (referenced.has(name) || name === root) continue;
    const d = describe(name);
    referenced.set(name, d);
    for (const f of d.fields) if (f.type.nested_type_name !== "") queue.push(f.type.nested_type_name);
  }
  const sorted = [...referenced.values()].sort((a, b) => (a.type_name < b.type_name ? -1 : a.type_name > b.type_name ? 1 : 0));
  const json = pythonJson({ type_description: rootDescription, referenced_type_descriptions: sorted });
  return `RIHS01_${createHash("sha256").update(json, "utf8").digest("hex")}`;
}

/** json.dumps(value, separators=(", ", ": "), ensure_ascii=True) for plain objects, arrays, strings, integers. */
function pythonJson(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  if (typeof value === "number") return String(value);
  if (Array.isArray(value)) return `[${value.map(pythonJson).join(", ")}]`;
  if (value !== null && typeof value === "object") return `{${Object.entries(value).map(([k, v]) => `${pythonJson(k)}: ${pythonJson(v)}`).join(", ")}}`;
  throw new Error(`cannot serialize ${String(value)}`);
}
