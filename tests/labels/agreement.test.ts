// Agreement metrics against values computed by hand.
import { describe, expect, it } from "vitest";
import { agreementFrameRate, agreementReport, cohensKappa, eventF1, frameLabels, matchTimes, phaseBoundaryMae } from "../../recorder/labels/agreement.ts";
import { emptyLabelsContent, type ContactEventLabel, type PhaseLabel } from "../../recorder/labels/schema.ts";

const ms = (x: number) => String(BigInt(x) * 1_000_000n);
const phase = (id: string, type: string, a: number, b: number): PhaseLabel => ({ id, type, startNs: ms(a), endNs: ms(b), source: "manual" });
const event = (id: string, type: ContactEventLabel["type"], target: string, t: number): ContactEventLabel => ({ id, type, target, tNs: ms(t), source: "manual" });

describe("Cohen's kappa", () => {
  it("matches the textbook 2×2 example", () => {
    // 50 items: both yes 20, a yes/b no 5, a no/b yes 10, both no 15.
    // p_o = 35/50 = 0.7; p_e = 0.5·0.6 + 0.5·0.4 = 0.5; κ = 0.4.
    const a = [...Array(20).fill("yes"), ...Array(5).fill("yes"), ...Array(10).fill("no"), ...Array(15).fill("no")];
    const b = [...Array(20).fill("yes"), ...Array(5).fill("no"), ...Array(10).fill("yes"), ...Array(15).fill("no")];
    expect(cohensKappa(a, b)).toBeCloseTo(0.4, 12);
  });

  it("is 1 for identical varied labels, null when chance agreement is total", () => {
    expect(cohensKappa(["a", "b", "a", "c"], ["a", "b", "a", "c"])).toBe(1);
    expect(cohensKappa(["none", "none"], ["none", "none"])).toBeNull();
    expect(cohensKappa([], [])).toBeNull();
  });
});

describe("per-frame labels", () => {
  it("labels each frame with the covering phase, none elsewhere", () => {
    // 10 Hz over 0–1000 ms → 11 frames at 0,100,…,1000
    const labels = frameLabels([phase("p", "grasp", 200, 500), phase("q", "lift", 500, 800)], 0n, 1_000_000_000n, 10);
    expect(labels).toEqual(["none", "none", "grasp", "grasp", "grasp", "lift", "lift", "lift", "none", "none", "none"]);
  });

  it("κ over frames: one disagreeing frame out of eleven", () => {
    const a = frameLabels([phase("p", "grasp", 200, 500)], 0n, 1_000_000_000n, 10);
    const b = frameLabels([phase("p", "grasp", 200, 600)], 0n, 1_000_000_000n, 10);
    // a: grasp×3 none×8; b: grasp×4 none×7. p_o = 10/11; p_e = (3·4 + 8·7)/121 = 68/121.
    const po = 10 / 11;
    const pe = 68 / 121;
    expect(cohensKappa(a, b)).toBeCloseTo((po - pe) / (1 - pe), 12);
  });
});

describe("phase-boundary MAE", () => {
  it("matches same-type phases one-to-one and averages |Δstart| and |Δend|", () => {
    const a = [phase("1", "grasp", 1000, 2000), phase("2", "lift", 2000, 3000), phase("3", "grasp", 5000, 6000)];
    const b = [phase("x", "grasp", 1100, 2000), phase("y", "lift", 2100, 2900), phase("z", "grasp", 5000, 6300)];
    // pairs: grasp 1↔x (100, 0), lift 2↔y (100, 100), grasp 3↔z (0, 300) → 600/6 = 100 ms
    expect(phaseBoundaryMae(a, b)).toEqual({ maeMs: 100, matched: 3 });
  });

  it("is null without a common phase type", () => {
    expect(phaseBoundaryMae([phase("1", "grasp", 0, 1)], [phase("2", "lift", 0, 1)]).maeMs).toBeNull();
  });
});

describe("event F1 at 50 ms", () => {
  it("counts one-to-one matches of the same type and target within the tolerance", () => {
    const a = [event("1", "onset", "pad", 1000), event("2", "onset", "pad", 1040), event("3", "slip", "pad", 2000), event("4", "release", "pad", 3000)];
    const b = [event("a", "onset", "pad", 1030), event("b", "slip", "other_pad", 2000), event("c", "release", "pad", 3050)];
    // onset: 1000/1040 vs 1030 → one match; slip: different target → none; release: 50 ms exactly → match.
    // F1 = 2·2 / (4 + 3) = 4/7
    const r = eventF1(a, b);
    expect(r.matched).toBe(2);
    expect(r.f1).toBeCloseTo(4 / 7, 12);
  });

  it("finds the maximum matching, not a greedy first match", () => {
    // a: 0, 40; b: 30, 80. Greedy nearest-first would pair 40↔30 and leave 0 and 80 → 1.
    // The sweep pairs 0↔30 and 40↔80 → 2.
    expect(matchTimes([0n, 40n], [30n, 80n], 50n)).toHaveLength(2);
  });

  it("is null with no events at all", () => {
    expect(eventF1([], []).f1).toBeNull();
  });
});

describe("report", () => {
  it("compares every pair of annotators in name order", () => {
    const c = (phases: PhaseLabel[]) => ({ ...emptyLabelsContent(), phases });
    const r = agreementReport(
      [
        { annotator: "zoe", content: c([phase("1", "grasp", 0, 500)]) },
        { annotator: "amy", content: c([phase("1", "grasp", 0, 500)]) },
        { annotator: "max", content: c([]) },
      ],
      { startNs: 0n, endNs: 1_000_000_000n, frameRateHz: 10 },
    );
    expect(r.annotators).toEqual(["amy", "max", "zoe"]);
    expect(r.pairs.map((p) => `${p.a}-${p.b}`)).toEqual(["amy-max", "amy-zoe", "max-zoe"]);
    const same = r.pairs[1]!;
    expect(same.phaseBoundaryMaeMs).toBe(0);
    expect(same.cohensKappa).toBe(1);
    expect(same.eventF1).toBeNull();
    // amy labels 5 of 11 frames grasp, max none: p_o = 6/11, p_e = 6/11 → κ = 0
    expect(r.pairs[0]!.cohensKappa).toBeCloseTo(0, 12);
  });

  it("uses the pivot camera's rate for the frame grid", () => {
    const streams = [
      { topic: "/joint_states", kind: "continuous", periodNs: 10_000_000n },
      { topic: "/head_camera/depth/image_raw", kind: "image", periodNs: 50_000_000n },
      { topic: "/head_camera/color/image_raw", kind: "image", periodNs: 66_666_667n },
    ];
    expect(agreementFrameRate(streams)).toBeCloseTo(15, 3);
    expect(agreementFrameRate(streams, "/head_camera/depth/image_raw")).toBeCloseTo(20, 6);
    expect(agreementFrameRate([])).toBe(30);
  });
});
