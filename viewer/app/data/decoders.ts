// One decoder per MCAP channel, chosen from the schema and message encodings: ROS 2 CDR from the
// channel's ros2msg schema text, protobuf from its FileDescriptorSet, JSON. Anything else is
// reported as unsupported for that topic (the viewer shows what it can and never crashes).
import { parse as parseRosMsg } from "@foxglove/rosmsg";
import { MessageReader } from "@foxglove/rosmsg2-serialization";
import { protobufDecoder } from "./protobuf-wire.ts";

export type Decode = (bytes: Uint8Array) => Record<string, unknown>;

export interface ChannelLike {
  topic: string;
  messageEncoding: string;
}
export interface SchemaLike {
  name: string;
  encoding: string;
  data: Uint8Array;
}

export type DecoderResult = { decode: Decode; unsupported: null } | { decode: null; unsupported: string };

const text = new TextDecoder();

export function channelDecoder(channel: ChannelLike, schema: SchemaLike | undefined): DecoderResult {
  try {
    switch (channel.messageEncoding) {
      case "cdr": {
        if (!schema) return { decode: null, unsupported: "CDR channel without a schema" };
        if (schema.encoding !== "ros2msg") return { decode: null, unsupported: `CDR with schema encoding "${schema.encoding}" is not supported (ros2msg is)` };
        const defs = parseRosMsg(text.decode(schema.data), { ros2: true });
        const reader = new MessageReader(defs);
        return { decode: (bytes) => reader.readMessage<Record<string, unknown>>(bytes), unsupported: null };
      }
      case "protobuf": {
        if (!schema || schema.encoding !== "protobuf") return { decode: null, unsupported: "protobuf channel without a protobuf schema" };
        return { decode: protobufDecoder(schema.data, schema.name), unsupported: null };
      }
      case "json":
        return { decode: (bytes) => JSON.parse(text.decode(bytes)) as Record<string, unknown>, unsupported: null };
      default:
        return { decode: null, unsupported: `message encoding "${channel.messageEncoding}" is not supported` };
    }
  } catch (err) {
    return { decode: null, unsupported: `schema ${schema?.name ?? "?"}: ${err instanceof Error ? err.message : String(err)}` };
  }
}
