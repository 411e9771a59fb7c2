import { describe, expect, it } from "vitest";
import { LowerHull } from "../../nodes/sync/clock/lowerHull.ts";
import { seededRandom } from "./synthetic.ts";

/** Lower hull by brute force: a point is a vertex if no chord of two others passes under it. */
function bruteLowerHull(pts: { x: number; y: number }[]): { x: number; y: number }[] {
  const sorted = [...pts].sort((a, b) => a.x - b.x || a.y - b.y);
  const dedup = sorted.filter((p, i) => i === 0 || p.x !== sorted[i - 1]!.x);
  const out: { x: number; y: number }[] = [];
  for (const p of dedup) {
    while (out.length >= 2) {
      const o = out[out.length - 2]!;
      const q = out[out.length - 1]!;
      if ((q.x - o.x) * (p.y - o.y) - (q.y - o.y) * (p.x - o.x) <= 0) out.pop();
      else break;
    }
    out.push(p);
  }
  return out;
}

describe("LowerHull", () => {
  it("matches a brute-force hull for in-order, out-of-order and duplicate-x points", () => {
    const rand = seededRandom(11);
    for (let trial = 0; trial < 50; trial++) {
      const pts: { x: number; y: number }[] = [];
      const hull = new LowerHull();
      for (let i = 0; i < 300; i++) {
        // Mostly increasing x with occasional reordering and repeats, like real stamps.
        const x = rand() < 0.1 ? Math.floor(rand() * i) : i;
        const y = 0.01 * x - Math.log(1 - rand());
        pts.push({ x, y });
        hull.add(x, y);
      }
      const expected = bruteLowerHull(pts);
      expect(hull.vertices().map((v) => [v.x, v.y])).toEqual(expected.map((v) => [v.x, v.y]));
    }
  });

  it("picks the supporting line under the query x and clamps its slope", () => {
    const hull = new LowerHull();
    for (const [x, y] of [
      [0, 1],
      [1, 0],
      [3, 0],
      [4, 2],
    ] as const) {
      hull.add(x, y);
    }
    expect(hull.supportingLine(2, -10, 10)).toEqual({ a: 0, b: 0 });
    expect(hull.supportingLine(0.5, -10, 10)).toEqual({ a: 1, b: -1 });
    // Slope bounded to ≥ 0.5: the line of slope 0.5 touching the hull touches (3, 0).
    const clamped = hull.supportingLine(2, 0.5, 10)!;
    expect(clamped.b).toBe(0.5);
    expect(clamped.a).toBeCloseTo(-1.5, 12);
  });
});
