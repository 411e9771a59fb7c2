// Protobuf schemas for what the stack adds to an episode (DESIGN principle 2): the
// @foxglove/schemas definitions, compiled once into a protobufjs Root, with each MCAP schema
// record's data being the binary FileDescriptorSet Foxglove and @mcap/support read.
import protobuf from "protobufjs";
import descriptor from "protobufjs/ext/descriptor/index.js";
import { foxgloveEnumSchemas, foxgloveMessageSchemas, generateProto } from "@foxglove/schemas/internal.js";

type SchemaName = Extract<keyof typeof foxgloveMessageSchemas, string>;

export interface ProtobufSchema {
  /** Full protobuf name, e.g. "foxglove.CameraCalibration". */
  name: string;
  /** Binary FileDescriptorSet (MCAP schema encoding "protobuf"). */
  data: Uint8Array;
  encode(message: Record<string, unknown>): Uint8Array;
  decode(bytes: Uint8Array): Record<string, unknown>;
}

const cache = new Map<string, ProtobufSchema>();

/** Every foxglove schema `name` depends on, itself included. */
function closure(name: SchemaName, seen = new Set<SchemaName>()): Set<SchemaName> {
  if (seen.has(name)) return seen;
  seen.add(name);
  for (const field of foxgloveMessageSchemas[name].fields) {
    const t = field.type as { type: string; schema?: { name: string } };
    if (t.type === "nested" && t.schema && t.schema.name in foxgloveMessageSchemas) closure(t.schema.name as SchemaName, seen);
  }
  return seen;
}

export function foxgloveProtobufSchema(name: SchemaName): ProtobufSchema {
  const cached = cache.get(name);
  if (cached !== undefined) return cached;
  const root = new protobuf.Root();
  root.setOptions?.({});
  const timestamp = protobuf.common.get?.("google/protobuf/timestamp.proto") ?? (protobuf.common as unknown as Record<string, protobuf.INamespace>)["google/protobuf/timestamp.proto"];
  if (timestamp) root.addJSON(timestamp.nested ?? {});
  const duration = protobuf.common.get?.("google/protobuf/duration.proto");
  if (duration) root.addJSON(duration.nested ?? {});
  for (const dep of closure(name)) {
    // Enums are nested in their message (foxglove.Log.Level): without them the type is unresolvable.
    const enums = Object.values(foxgloveEnumSchemas).filter((e) => e.parentSchemaName === dep);
    const text = generateProto(foxgloveMessageSchemas[dep], enums);
    protobuf.parse(text, root, { keepCase: true });
  }
  root.resolveAll();
  const type = root.lookupType(`foxglove.${name}`);
  const set = (root as unknown as { toDescriptor(v: string): protobuf.Message }).toDescriptor("proto3");
  const data = (descriptor as unknown as { FileDescriptorSet: protobuf.Type }).FileDescriptorSet.encode(set).finish();
  const schema: ProtobufSchema = {
    name: `foxglove.${name}`,
    data,
    encode: (message) => {
      const problem = type.verify(message);
      if (problem) throw new Error(`foxglove.${name}: ${problem}`);
      return type.encode(type.fromObject(message)).finish();
    },
    decode: (bytes) => type.toObject(type.decode(bytes), { longs: Number, defaults: true }) as Record<string, unknown>,
  };
  cache.set(name, schema);
  return schema;
}

/** foxglove's TypeScript {sec, nsec} time as protobuf's google.protobuf.Timestamp. */
export function toProtoTime(t: { sec: number; nsec: number }): { seconds: number; nanos: number } {
  return { seconds: t.sec, nanos: t.nsec };
}
