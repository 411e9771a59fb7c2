// One decoder per topic, from the channel's encodings: ROS 2 CDR through the channel's own
// ros2msg schema text (so bags teledemo did not write decode too), protobuf through the schema's
// FileDescriptorSet, JSON. Also answers whether a ROS type starts with a std_msgs/Header, i.e.
// whether its CDR bytes carry a header stamp the clock models can use.
import { parse as parseRosMsg } from "@foxglove/rosmsg";
import { MessageReader } from "@foxglove/rosmsg2-serialization";
import protobuf from "protobufjs";
import descriptor from "protobufjs/ext/descriptor/index.js";
import type { RosMessage } from "../../nodes/runtime/api.ts";
import type { SourceChannel } from "./source.ts";

export type Decode = (bytes: Uint8Array) => RosMessage;

const text = new TextDecoder();

export function channelDecoder(channel: SourceChannel): Decode {
  const schema = channel.schema;
  switch (channel.messageEncoding) {
    case "cdr": {
      if (!schema || schema.encoding !== "ros2msg") throw new Error(`${channel.topic}: CDR channel without a ros2msg schema`);
      const reader = new MessageReader<RosMessage>(parseRosMsg(text.decode(schema.data), { ros2: true }));
      return (bytes) => reader.readMessage(bytes);
    }
    case "protobuf": {
      if (!schema || schema.encoding !== "protobuf") throw new Error(`${channel.topic}: protobuf channel without a protobuf schema`);
      const set = (descriptor as unknown as { FileDescriptorSet: { decode(b: Uint8Array): unknown } }).FileDescriptorSet.decode(schema.data);
      const root = (protobuf.Root as unknown as { fromDescriptor(d: unknown): protobuf.Root }).fromDescriptor(set);
      const type = root.lookupType(schema.name);
      return (bytes) => type.toObject(type.decode(bytes), { longs: String, enums: String, defaults: true }) as RosMessage;
    }
    case "json":
      return (bytes) => JSON.parse(text.decode(bytes)) as RosMessage;
    default:
      throw new Error(`${channel.topic}: message encoding "${channel.messageEncoding}" is not supported`);
  }
}

/** True when the CDR message's first field is a std_msgs/Header (or it is a tf2_msgs/TFMessage). */
export function hasHeaderStamp(channel: SourceChannel): boolean {
  const schema = channel.schema;
  if (channel.messageEncoding !== "cdr" || !schema || schema.encoding !== "ros2msg") return false;
  if (schema.name === "tf2_msgs/msg/TFMessage") return true;
  try {
    const defs = parseRosMsg(text.decode(schema.data), { ros2: true });
    const first = defs[0]?.definitions.find((f) => f.isConstant !== true);
    return first !== undefined && first.isComplex === true && /^std_msgs\/(msg\/)?Header$/.test(first.type) && first.isArray !== true;
  } catch {
    return false;
  }
}
