// The contact detector and phase proposals on real simulated episodes, scored against the
// simulator's truth (the full 20-episode figures are `npm run bench:detect`).
import { beforeAll, describe, expect, it } from "vitest";
import { openAlignedEpisode } from "../../recorder/aligned/reader.ts";
import { detectSuggestions } from "../../recorder/detect/index.ts";
import type { SuggestionsOut } from "../../recorder/detect/index.ts";
import { simEpisode } from "../support/sim-episode.ts";
import { emptyScore, f1, percentile, readTruth, scoreEpisode, type EpisodeTruth } from "./truth.ts";

interface Case {
  seed: number;
  startNs: bigint;
  endNs: bigint;
  suggestions: SuggestionsOut;
  truth: EpisodeTruth;
}

const cases: Case[] = [];

beforeAll(async () => {
  // seed 101: a clean pick-and-place; seed 104: a slip and a dropped object in the second demo
  for (const seed of [101, 104]) {
    const dir = await simEpisode({ profile: "small", seconds: 18, seed });
    const ep = await openAlignedEpisode(dir);
    try {
      cases.push({ seed, startNs: ep.startNs, endNs: ep.endNs, suggestions: await detectSuggestions(ep), truth: await readTruth(dir) });
    } finally {
      await ep.close();
    }
  }
}, 600_000);

describe("contact detection vs ground truth", () => {
  it("finds onsets, releases and slips per pad within 50 ms (F1 ≥ 0.9)", () => {
    const score = emptyScore();
    for (const c of cases) {
      const detected = c.suggestions.events.map((e) => ({ type: e.type, target: e.target, tNs: BigInt(e.tNs) }));
      scoreEpisode(score, detected, c.truth.events, c.startNs + 100_000_000n, c.endNs - 100_000_000n);
    }
    expect(score.all.truth).toBeGreaterThanOrEqual(8);
    expect(score.byKind.slip?.truth ?? 0).toBeGreaterThan(0);
    expect(f1(score.all)).toBeGreaterThanOrEqual(0.9);
    expect(f1(score.byKind.onset!)).toBeGreaterThanOrEqual(0.9);
    expect(f1(score.byKind.release!)).toBeGreaterThanOrEqual(0.9);
    // onsets are dated well below the tactile sample period (20 ms)
    expect(percentile(score.byKind.onset!.errorsMs, 50)).toBeLessThan(10);
  });

  it("gives every event a pad or wrist target of the rig and an id that is stable", async () => {
    for (const c of cases) {
      for (const e of c.suggestions.events) expect(e.target).toMatch(/^(left|right)_(gripper_(left|right)_pad|wrist)$/);
      expect(new Set(c.suggestions.events.map((e) => e.id)).size).toBe(c.suggestions.events.length);
    }
    const dir = await simEpisode({ profile: "small", seconds: 18, seed: 101 });
    const ep = await openAlignedEpisode(dir);
    try {
      const again = await detectSuggestions(ep);
      expect(again.events.map((e) => e.id)).toEqual(cases[0]!.suggestions.events.map((e) => e.id));
    } finally {
      await ep.close();
    }
  });
});

describe("phase proposals vs ground truth", () => {
  it("proposes the first demo's grasp, lift and release within 0.25 s of the truth", () => {
    for (const c of cases) {
      const firstDemo = c.truth.phases.filter((p) => p.startNs < c.truth.phases.find((q, i) => i > 0 && q.type === "approach")!.startNs);
      for (const type of ["grasp", "lift", "release"]) {
        const truth = firstDemo.find((p) => p.type === type)!;
        const proposed = c.suggestions.phases.find((p) => p.type === type)!;
        expect(proposed, `${c.seed} ${type}`).toBeDefined();
        const errS = Math.abs(Number(BigInt(proposed.startNs) - truth.startNs)) / 1e9;
        expect(errS, `${c.seed} ${type} start`).toBeLessThan(0.25);
      }
      // proposals are ordered and do not overlap
      const ps = c.suggestions.phases;
      for (let i = 1; i < ps.length; i++) expect(BigInt(ps[i]!.startNs)).toBeGreaterThanOrEqual(BigInt(ps[i - 1]!.endNs));
    }
  });
});
