// The MessageCodec the runtimes take: encode/decode any registered type by name, with one
// compiled encoder and one MessageReader cached per type.

import { MessageReader } from "@foxglove/rosmsg2-serialization";
import type { RosMessage } from "../runtime/api.ts";
import { compileCdrEncoder, type CdrEncodeFunction, type CdrEncoderOptions } from "./cdrEncoder.ts";
import type { MessageDefinition } from "./messageDefinitions.ts";
import type { MessageRegistry } from "./registry.ts";
import { normalizeTypeName } from "./typeName.ts";

export interface MessageCodec {
  /** CDR bytes, encapsulation header included. Missing fields take their default or zero. */
  encode(type: string, message: RosMessage): Uint8Array;
  /**
   * Decodes CDR bytes. Numeric arrays may be views into `bytes` (no copy): copy them before
   * reusing the input buffer. int64/uint64 decode as bigint, Time/Duration as { sec, nanosec }.
   */
  decode(type: string, bytes: Uint8Array): RosMessage;
}

export type CodecOptions = CdrEncoderOptions;

interface CachedType {
  encode: CdrEncodeFunction;
  reader: MessageReader<RosMessage>;
}

/** The reader does not need constants, and an all-constant root would be skipped as a "constant module". */
function withoutConstants(definitions: MessageDefinition[]): MessageDefinition[] {
  return definitions.map((definition) => ({
    ...definition,
    definitions: definition.definitions.filter((field) => field.isConstant !== true),
  }));
}

export function createCodec(registry: MessageRegistry, options: CodecOptions = {}): MessageCodec {
  const cache = new Map<string, CachedType>();
  let revision = registry.revision;

  const forType = (type: string): CachedType => {
    if (registry.revision !== revision) {
      cache.clear();
      revision = registry.revision;
    }
    // Keyed by the caller's spelling too, so the hot path skips name normalization.
    let cached = cache.get(type);
    if (cached === undefined) {
      const key = normalizeTypeName(type);
      cached = cache.get(key);
      if (cached === undefined) {
        const definitions = registry.messageDefinitions(key);
        cached = {
          encode: compileCdrEncoder(definitions, options),
          reader: new MessageReader<RosMessage>(withoutConstants(definitions)),
        };
        cache.set(key, cached);
      }
      cache.set(type, cached);
    }
    return cached;
  };

  return {
    encode: (type, message) => forType(type).encode(message),
    decode: (type, bytes) => forType(type).reader.readMessage(bytes),
  };
}
