// int64 nanoseconds ↔ {sec, nsec} stamps. Negative times floor so nsec stays in [0, 1e9),
// which is how builtin_interfaces/Time and foxglove Time represent them.
const NS_PER_S = 1_000_000_000n;

export function splitNanoseconds(ns: bigint): { sec: number; nsec: number } {
  let sec = ns / NS_PER_S;
  let nsec = ns % NS_PER_S;
  if (nsec < 0n) {
    nsec += NS_PER_S;
    sec -= 1n;
  }
  return { sec: Number(sec), nsec: Number(nsec) };
}

export function joinNanoseconds(sec: number, nsec: number): bigint {
  if (!Number.isInteger(sec) || !Number.isInteger(nsec)) throw new RangeError(`time {sec: ${sec}, nsec: ${nsec}} must be integers`);
  return BigInt(sec) * NS_PER_S + BigInt(nsec);
}
