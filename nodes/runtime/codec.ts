// The serialization seam: the in-process runtime CDR-encodes on publish and decodes for non-raw
// subscriptions through this interface, so the runtime never depends on a particular codec
// (the real one lives in nodes/messages/ and is injected by whoever builds the runtime).
import type { RosMessage } from "./api.ts";

export interface MessageCodec {
  /** Serialize a message of ROS type `type` (e.g. "sensor_msgs/msg/Image") to CDR bytes. */
  encode(type: string, msg: RosMessage): Uint8Array;
  /** Deserialize CDR bytes; must return a fresh object (subscribers may mutate it). */
  decode(type: string, bytes: Uint8Array): RosMessage;
}
