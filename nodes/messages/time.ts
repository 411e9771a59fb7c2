// builtin_interfaces/Time and Duration ↔ int64 nanoseconds (DESIGN principle 5: bigint ns in
// the core, { sec, nanosec } only inside ROS messages).

import type { Nanos } from "../runtime/api.ts";

/** The shape of builtin_interfaces/msg/Time and Duration as decoded and encoded. */
export interface RosTime {
  sec: number;
  nanosec: number;
}

const NS_PER_S = 1_000_000_000n;
const INT32_MIN = -(2n ** 31n);
const INT32_MAX = 2n ** 31n - 1n;

/** sec * 1e9 + nanosec. Also accepts ROS 1 style { sec, nsec }. */
export function rosTimeToNanos(time: RosTime | { sec: number; nsec: number }): Nanos {
  const nanosec = "nanosec" in time ? time.nanosec : time.nsec;
  return BigInt(time.sec) * NS_PER_S + BigInt(nanosec);
}

/**
 * Splits nanoseconds the way rclcpp does: nanosec always in [0, 1e9) and sec floored, so
 * -1.5 s is { sec: -2, nanosec: 500000000 }. Throws when sec does not fit int32.
 */
export function nanosToRosTime(nanos: Nanos): RosTime {
  let sec = nanos / NS_PER_S;
  let nanosec = nanos % NS_PER_S;
  if (nanosec < 0n) {
    sec -= 1n;
    nanosec += NS_PER_S;
  }
  if (sec < INT32_MIN || sec > INT32_MAX) throw new RangeError(`${nanos} ns does not fit builtin_interfaces time (int32 seconds)`);
  return { sec: Number(sec), nanosec: Number(nanosec) };
}
