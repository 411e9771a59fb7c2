// What a Foxglove WebSocket server advertises, validated at the edge (the server is another
// machine: its JSON is untrusted), and the decisions the bridge source takes per channel:
// record it or not, under which ROS type, with which offered QoS.
import { z } from "zod";
import { normalizeTypeName } from "../messages/typeName.ts";
import type { QosProfile } from "../runtime/api.ts";
import { QOS_TF_STATIC } from "../runtime/api.ts";

/**
 * Offered QoS, one entry per publisher, as a teledemo live server advertises it in the optional
 * `offered_qos` channel field. foxglove_bridge does not advertise QoS; then the rig profile's
 * QoS (or tf2's for /tf_static) is assumed, see offeredQosOf.
 */
const QosSchema = z.object({
  history: z.enum(["keep_last", "keep_all"]),
  depth: z.number().int().min(0),
  reliability: z.enum(["reliable", "best_effort"]),
  durability: z.enum(["volatile", "transient_local"]),
});

export const AdvertisedChannelSchema = z.object({
  id: z.number().int().nonnegative(),
  topic: z.string().min(1),
  encoding: z.string(),
  schemaName: z.string(),
  schema: z.string(),
  schemaEncoding: z.string().optional(),
  offered_qos: z.array(QosSchema).optional(),
});
export type AdvertisedChannel = z.infer<typeof AdvertisedChannelSchema>;

/** A channel the bridge source records: a ROS 2 topic carrying CDR with a ros2msg schema. */
export interface RosChannel {
  id: number;
  topic: string;
  /** Full ROS type name, "sensor_msgs/msg/Image". */
  type: string;
  /** The schema text exactly as advertised (rosbag2's concatenated .msg format). */
  schemaText: string;
  /** Offered QoS when the server advertised it. */
  offeredQos?: QosProfile[];
}

export type ChannelVerdict = { ok: true; channel: RosChannel } | { ok: false; topic: string; reason: string };

/** Decide whether an advertised channel can be recorded as a ROS 2 topic, and how. */
export function rosChannelOf(raw: unknown): ChannelVerdict {
  const parsed = AdvertisedChannelSchema.safeParse(raw);
  const topic = typeof raw === "object" && raw !== null && typeof (raw as { topic?: unknown }).topic === "string" ? (raw as { topic: string }).topic : "?";
  if (!parsed.success) return { ok: false, topic, reason: `malformed channel advertisement (${parsed.error.issues[0]?.message ?? "invalid"})` };
  const c = parsed.data;
  if (c.encoding !== "cdr") return { ok: false, topic: c.topic, reason: `message encoding "${c.encoding}" (only cdr channels are ROS 2 messages)` };
  // foxglove_bridge advertises "ros2msg" (or "ros2idl" for IDL-only types); an absent encoding
  // is what older bridges send for .msg text.
  if (c.schemaEncoding !== undefined && c.schemaEncoding !== "ros2msg") {
    return { ok: false, topic: c.topic, reason: `schema encoding "${c.schemaEncoding}" (only ros2msg schemas can be recorded as rosbag2 does)` };
  }
  let type: string;
  try {
    type = normalizeTypeName(c.schemaName);
  } catch (err) {
    return { ok: false, topic: c.topic, reason: (err as Error).message };
  }
  return {
    ok: true,
    channel: { id: c.id, topic: c.topic, type, schemaText: c.schema, ...(c.offered_qos && c.offered_qos.length > 0 ? { offeredQos: c.offered_qos } : {}) },
  };
}

/**
 * The QoS the robot's publishers offer on a topic: as advertised; else as the rig profile
 * declares the stream; else tf2's static profile for /tf_static (so it stays latched into every
 * episode); else undefined (the runtime default stands in, and is what gets recorded).
 */
export function offeredQosOf(channel: RosChannel, profileQos: (topic: string) => QosProfile | undefined): QosProfile[] | undefined {
  if (channel.offeredQos) return channel.offeredQos;
  const fromProfile = profileQos(channel.topic);
  if (fromProfile) return [fromProfile];
  if (channel.topic === "/tf_static") return [QOS_TF_STATIC];
  return undefined;
}
