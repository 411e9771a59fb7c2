// teledemo QosProfile ↔ rclnodejs QoS (rmw enum values read from the loaded module).
import type { QosProfile } from "../api.ts";
import type { RclQoS, RclQoSClass } from "./surface.ts";

export function toRclQoS(QoS: RclQoSClass, qos: QosProfile): RclQoS {
  return new QoS(
    qos.history === "keep_all" ? QoS.HistoryPolicy.RMW_QOS_POLICY_HISTORY_KEEP_ALL : QoS.HistoryPolicy.RMW_QOS_POLICY_HISTORY_KEEP_LAST,
    qos.history === "keep_all" ? 0 : qos.depth,
    qos.reliability === "best_effort"
      ? QoS.ReliabilityPolicy.RMW_QOS_POLICY_RELIABILITY_BEST_EFFORT
      : QoS.ReliabilityPolicy.RMW_QOS_POLICY_RELIABILITY_RELIABLE,
    qos.durability === "transient_local"
      ? QoS.DurabilityPolicy.RMW_QOS_POLICY_DURABILITY_TRANSIENT_LOCAL
      : QoS.DurabilityPolicy.RMW_QOS_POLICY_DURABILITY_VOLATILE,
  );
}

/**
 * The QoS of a discovered endpoint ({history, depth, reliability, durability} as rmw numbers).
 * rmw may report policies it could not learn from discovery as UNKNOWN or SYSTEM_DEFAULT; those
 * map to what such an endpoint most likely offers (keep_last, reliable, volatile) — the
 * recorder's offered_qos_profiles then match what `ros2 bag record` would replay with.
 */
export function fromEndpointQos(QoS: RclQoSClass, raw: unknown): QosProfile {
  const q = (raw ?? {}) as Record<string, unknown>;
  const num = (v: unknown): number | undefined => (typeof v === "number" ? v : undefined);
  return {
    history: num(q["history"]) === QoS.HistoryPolicy.RMW_QOS_POLICY_HISTORY_KEEP_ALL ? "keep_all" : "keep_last",
    depth: num(q["depth"]) ?? 0,
    reliability: num(q["reliability"]) === QoS.ReliabilityPolicy.RMW_QOS_POLICY_RELIABILITY_BEST_EFFORT ? "best_effort" : "reliable",
    durability:
      num(q["durability"]) === QoS.DurabilityPolicy.RMW_QOS_POLICY_DURABILITY_TRANSIENT_LOCAL ? "transient_local" : "volatile",
  };
}
