// Completing partial QoS requests and deciding whether a publisher and a subscription match,
// with the request-versus-offer rules DDS applies (and therefore ROS 2 on every rmw).
import { QOS_DEFAULT } from "./api.ts";
import type { QosProfile } from "./api.ts";

const HISTORY = new Set(["keep_last", "keep_all"]);
const RELIABILITY = new Set(["reliable", "best_effort"]);
const DURABILITY = new Set(["volatile", "transient_local"]);

/** Fill a partial profile from rclnodejs's default and reject values rmw would reject. */
export function resolveQos(requested: Partial<QosProfile> | undefined, where: string): QosProfile {
  const qos: QosProfile = { ...QOS_DEFAULT, ...stripUndefined(requested ?? {}) };
  if (!HISTORY.has(qos.history)) throw new Error(`${where}: QoS history must be keep_last or keep_all, got ${String(qos.history)}`);
  if (!RELIABILITY.has(qos.reliability)) {
    throw new Error(`${where}: QoS reliability must be reliable or best_effort, got ${String(qos.reliability)}`);
  }
  if (!DURABILITY.has(qos.durability)) {
    throw new Error(`${where}: QoS durability must be volatile or transient_local, got ${String(qos.durability)}`);
  }
  if (qos.history === "keep_last" && !(Number.isInteger(qos.depth) && qos.depth >= 1)) {
    throw new Error(`${where}: QoS keep_last needs an integer depth >= 1, got ${String(qos.depth)}`);
  }
  return qos;
}

function stripUndefined(partial: Partial<QosProfile>): Partial<QosProfile> {
  const out: Partial<QosProfile> = {};
  for (const [key, value] of Object.entries(partial)) if (value !== undefined) Object.assign(out, { [key]: value });
  return out;
}

/** Why a subscription's request cannot be served by a publisher's offer, or undefined if it can. */
export function qosIncompatibility(offered: QosProfile, requested: QosProfile): string | undefined {
  if (requested.reliability === "reliable" && offered.reliability === "best_effort") {
    return "RELIABILITY (the subscription requests reliable, the publisher offers best_effort)";
  }
  if (requested.durability === "transient_local" && offered.durability === "volatile") {
    return "DURABILITY (the subscription requests transient_local, the publisher offers volatile)";
  }
  return undefined;
}
