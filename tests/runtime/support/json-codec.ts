// A tiny stand-in for the CDR codec (nodes/messages/ owns the real one): JSON with tags for
// bigint and byte arrays, so the runtime's serialize/deserialize path is exercised end to end.
import type { RosMessage } from "../../../nodes/runtime/api.ts";
import type { MessageCodec } from "../../../nodes/runtime/codec.ts";

export function createJsonCodec(): MessageCodec & { encodes: number; decodes: number } {
  const codec = {
    encodes: 0,
    decodes: 0,
    encode(type: string, msg: RosMessage): Uint8Array {
      codec.encodes++;
      return new TextEncoder().encode(JSON.stringify({ type, msg }, replacer));
    },
    decode(type: string, bytes: Uint8Array): RosMessage {
      codec.decodes++;
      const parsed = JSON.parse(new TextDecoder().decode(bytes), reviver) as { type: string; msg: RosMessage };
      if (parsed.type !== type) throw new Error(`json codec: bytes hold ${parsed.type}, asked to decode ${type}`);
      return parsed.msg;
    },
  };
  return codec;
}

function replacer(_key: string, value: unknown): unknown {
  if (typeof value === "bigint") return { $bigint: value.toString() };
  if (value instanceof Uint8Array) return { $bytes: Array.from(value) };
  return value;
}

function reviver(_key: string, value: unknown): unknown {
  if (value !== null && typeof value === "object") {
    const tagged = value as { $bigint?: string; $bytes?: number[] };
    if (typeof tagged.$bigint === "string") return BigInt(tagged.$bigint);
    if (Array.isArray(tagged.$bytes)) return Uint8Array.from(tagged.$bytes);
  }
  return value;
}
