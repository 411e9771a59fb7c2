// The ApproximateTime port on small hand-made sequences. Each expected set is derived by
// stepping through the algorithm (see the comments); messages are "<topic letter><stamp>".
import { describe, expect, it } from "vitest";
import { ApproximateTimePolicy } from "../../nodes/sync/approximate-time/index.ts";
import { seededRandom } from "./synthetic.ts";

interface Msg {
  topic: number;
  stamp: bigint;
}
const LETTERS = "ABCDEFGHI";
const name = (m: Msg): string => `${LETTERS[m.topic]}${m.stamp}`;

function run(topics: number, queueSize: number, sequence: string[], setup?: (p: ApproximateTimePolicy<Msg>) => void): { sets: string[]; after: Map<string, string[]>; policy: ApproximateTimePolicy<Msg> } {
  const policy = new ApproximateTimePolicy<Msg>({ topics, queueSize, stampOf: (m) => m.stamp });
  setup?.(policy);
  const sets: string[] = [];
  const after = new Map<string, string[]>();
  policy.registerCallback((set) => sets.push(set.map(name).join(",")));
  for (const token of sequence) {
    const topic = LETTERS.indexOf(token[0]!);
    policy.add(topic, { topic, stamp: BigInt(token.slice(1)) });
    after.set(token, [...sets]);
  }
  return { sets, after, policy };
}

describe("ApproximateTime port", () => {
  it("equal stamps: published as soon as both arrive", () => {
    // A0,B0: heads equal; end = B (a tie goes to the later index), start = A; candidate {A0,B0},
    // pivot B at 0; A0 moves to past; (0 − 0)·1.1 ≥ pivot − start = 0 → provably optimal.
    const { sets, after } = run(2, 10, ["A0", "B0", "A10", "B10", "A20", "B20"]);
    expect(sets).toEqual(["A0,B0", "A10,B10", "A20,B20"]);
    expect(after.get("B10")).toEqual(["A0,B0", "A10,B10"]);
  });

  it("waits for the next message of the emptied topic to prove optimality", () => {
    // A0,B4 → candidate {A0,B4}, pivot B; A runs empty; virtual A time = max(A0 + 0, 4) = 4,
    // which cannot prove optimality (0 < 4 − 0) → wait. A10: (10 − 4)·1.1 → 6 ≥ 4 → publish.
    const { after } = run(2, 10, ["A0", "B4", "A10"]);
    expect(after.get("B4")).toEqual([]);
    expect(after.get("A10")).toEqual(["A0,B4"]);
  });

  it("an inter-message lower bound proves optimality without waiting", () => {
    // Same as above with A's period bound 10: virtual A = max(0 + 10, 4) = 10;
    // (10 − 4)·1.1 → 6 ≥ pivot − start = 4 → publish at B4's arrival.
    const { after } = run(2, 10, ["A0", "B4", "A10"], (p) => p.setInterMessageLowerBound(0, 10n));
    expect(after.get("B4")).toEqual(["A0,B4"]);
  });

  it("a better candidate replaces the first; older examined messages are discarded", () => {
    // A0,A10,B9: candidate {A0,B9} (pivot B at 9); next heads A10,B9 give [9,10]:
    // (10 − 9)·1.1 → 1 < 9 − 0 → better; B9 (the pivot) leaves the deque → publish {A10,B9}.
    const { sets, policy } = run(2, 10, ["A0", "A10", "B9"]);
    expect(sets).toEqual(["A10,B9"]);
    expect(policy.queued()).toEqual([0, 0]);
  });

  it("the age penalty decides between a tighter late interval and an earlier one", () => {
    // A0,A195,B100: candidate {A0,B100}; next interval {B100,A195}: is 95·(1 + p) < 100?
    expect(run(2, 10, ["A0", "A195", "B100"], (p) => p.setAgePenalty(0)).sets).toEqual(["A195,B100"]);
    expect(run(2, 10, ["A0", "A195", "B100"]).sets).toEqual(["A0,B100"]); // default p = 0.1: 104 ≥ 100
  });

  it("queue overflow drops the oldest message of the offending topic", () => {
    // queue_size 2: A2 drops A0, A3 drops A1. B3: [2,3] becomes the candidate (A's dropped flag
    // is cleared because A is not the end), then [3,3] is better → publish {A3,B3}.
    const { sets, policy } = run(2, 2, ["A0", "A1", "A2", "A3", "B3"]);
    expect(policy.droppedByOverflow).toEqual([2, 0]);
    expect(sets).toEqual(["A3,B3"]);
  });

  it("a topic that dropped messages does not become the pivot until cleared", () => {
    // queue 2: A2 drops A0 (A flagged). B0: heads A1,B0 → end A (flagged) and no candidate
    // → the earliest head B0 is deleted, no set. With queue 10 the same input pairs {A0,B0}
    // (tie → end B, (0 − 0)·1.1 ≥ 0 → publish).
    const small = run(2, 2, ["A0", "A1", "A2", "B0"]);
    expect(small.policy.droppedByOverflow).toEqual([1, 0]);
    expect(small.sets).toEqual([]);
    expect(small.policy.queued()).toEqual([2, 0]);
    expect(run(2, 10, ["A0", "A1", "A2", "B0"]).sets).toEqual(["A0,B0"]);
  });

  it("max interval duration skips intervals that are too wide", () => {
    // max 20: A0,B50 too wide → A0 deleted. A52: candidate {A52,B50}, pivot A at 52; B empty,
    // virtual B = 52: 0 < 52 − 50 → wait. B54: (54 − 52)·1.1 → 2 ≥ 2 → publish {A52,B50}.
    const { sets, after } = run(2, 10, ["A0", "B50", "A52", "B54"], (p) => p.setMaxIntervalDuration(20n));
    expect(after.get("A52")).toEqual([]);
    expect(sets).toEqual(["A52,B50"]);
  });

  it("three topics: the pivot is the latest head; a slow topic holds the set back", () => {
    // A,B at 10 Hz-like stamps 0,10,20; C only at 12. C12 completes the deques with heads A0,B0,C12:
    // candidate {A0,B0,C12}, pivot C at 12; [0,12] → A0 past; B0 head... the best interval
    // containing C12 is {A10,B10,C12}; B20/A20 arriving prove it (start 10 vs pivot 12).
    const { sets } = run(3, 10, ["A0", "B0", "A10", "B10", "C12", "A20", "B20"]);
    expect(sets).toEqual(["A10,B10,C12"]);
  });

  it("random streams: every set has one message per topic, each message used once, sets in order", () => {
    const rand = seededRandom(4);
    const policy = new ApproximateTimePolicy<Msg>({ topics: 4, queueSize: 8, stampOf: (m) => m.stamp });
    const sets: Msg[][] = [];
    policy.registerCallback((s) => sets.push([...s]));
    const periods = [33, 10, 7, 100];
    const next = [0, 3, 5, 11];
    for (let step = 0; step < 4000; step++) {
      let k = 0;
      for (let i = 1; i < 4; i++) if (next[i]! < next[k]!) k = i;
      policy.add(k, { topic: k, stamp: BigInt(Math.round(next[k]! + rand() * 2)) });
      next[k]! += periods[k]!;
    }
    expect(sets.length).toBeGreaterThan(50);
    const used = new Set<string>();
    let lastStart = -1n;
    for (const s of sets) {
      expect(s.map((m) => m.topic)).toEqual([0, 1, 2, 3]);
      for (const m of s) {
        expect(used.has(name(m))).toBe(false);
        used.add(name(m));
      }
      const start = s.reduce((a, m) => (m.stamp < a ? m.stamp : a), s[0]!.stamp);
      expect(start >= lastStart).toBe(true);
      lastStart = start;
    }
  });
});
