// One published message as it travels: the CDR bytes (shared by every subscriber, never copied),
// the publisher's clock at publish, and the global sequence number that orders it.
import type { Nanos } from "../api.ts";

export interface Delivery {
  readonly bytes: Uint8Array;
  readonly sourceTimestamp: Nanos;
  readonly seq: number;
}
