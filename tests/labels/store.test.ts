// The labels store on a real folder: revisions, stale saves refused, history, atomic files,
// corrupt files reported (never overwritten), annotator names kept file-name safe.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { emptyLabelsContent, type LabelsContent } from "../../recorder/labels/schema.ts";
import { AnnotatorNameError, LabelsFileError, listAnnotators, readAllLabels, readLabels, saveLabels } from "../../recorder/labels/store.ts";
import { diffLabels } from "../../recorder/labels/diff.ts";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "teledemo-labels-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const content = (notes = ""): LabelsContent => {
  const c = emptyLabelsContent("stack the cups");
  return { ...c, episode: { ...c.episode, notes } };
};

describe("labels store", () => {
  it("starts at revision 0 with the task as instruction", async () => {
    const f = await readLabels(dir, "ep1", "alice", "stack the cups");
    expect(f.revision).toBe(0);
    expect(f.content.episode.instruction).toBe("stack the cups");
    expect(await listAnnotators(dir)).toEqual([]);
  });

  it("increments the revision per save and refuses a stale base revision without writing", async () => {
    const first = await saveLabels(dir, { episodeId: "ep1", annotator: "alice", baseRevision: 0, content: content("one"), now: new Date("2026-01-01T00:00:00Z") });
    expect(first.ok && first.file.revision).toBe(1);
    const path = join(dir, "labels", "alice.json");
    const before = readFileSync(path, "utf8");
    const stale = await saveLabels(dir, { episodeId: "ep1", annotator: "alice", baseRevision: 0, content: content("two") });
    expect(stale.ok).toBe(false);
    if (!stale.ok) expect(stale.current.content.episode.notes).toBe("one");
    expect(readFileSync(path, "utf8")).toBe(before);
    const second = await saveLabels(dir, { episodeId: "ep1", annotator: "alice", baseRevision: 1, content: content("two"), now: new Date("2026-01-01T00:01:00Z") });
    expect(second.ok && second.file.revision).toBe(2);
    const f = await readLabels(dir, "ep1", "alice");
    expect(f.history.map((h) => [h.revision, h.at, h.changes])).toEqual([
      [1, "2026-01-01T00:00:00.000Z", ["notes edited"]],
      [2, "2026-01-01T00:01:00.000Z", ["notes edited"]],
    ]);
    // no temp files left behind
    expect(readdirSync(join(dir, "labels"))).toEqual(["alice.json"]);
  });

  it("serializes concurrent saves: one of many racing clients wins", async () => {
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => saveLabels(dir, { episodeId: "ep", annotator: "bob", baseRevision: 0, content: content(String(i)) })));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect((await readLabels(dir, "ep", "bob")).revision).toBe(1);
  });

  it("reports a corrupt file instead of replacing it", async () => {
    mkdirSync(join(dir, "labels"));
    writeFileSync(join(dir, "labels", "carol.json"), "{ not json");
    await expect(readLabels(dir, "ep", "carol")).rejects.toBeInstanceOf(LabelsFileError);
    await expect(saveLabels(dir, { episodeId: "ep", annotator: "carol", baseRevision: 0, content: content() })).rejects.toBeInstanceOf(LabelsFileError);
    expect(readFileSync(join(dir, "labels", "carol.json"), "utf8")).toBe("{ not json");
    const all = await readAllLabels(dir);
    expect(all.files).toEqual([]);
    expect(all.errors[0]).toMatch(/carol\.json: not valid JSON/);
  });

  it("refuses annotator names that are not file-name safe", async () => {
    for (const name of ["../x", "a/b", "", "x.json", "a b", "..", "ä"]) {
      await expect(saveLabels(dir, { episodeId: "ep", annotator: name, baseRevision: 0, content: content() })).rejects.toBeInstanceOf(AnnotatorNameError);
    }
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe("history diff", () => {
  it("says what changed in words", () => {
    const a = emptyLabelsContent("t");
    const b: LabelsContent = {
      ...a,
      phases: [{ id: "p", type: "grasp", startNs: "1000000000", endNs: "2000000000", source: "suggestion", suggestionId: "s" }],
      events: [{ id: "e", type: "slip", target: "left_gripper_left_pad", tNs: "1500000000", source: "manual" }],
      episode: { ...a.episode, graspOutcome: "success", failureModes: ["timeout"], quality: { decision: "accept", reason: "" } },
      rejectedSuggestions: ["s2"],
    };
    expect(diffLabels(a, b)).toEqual([
      "phase grasp added (1.000 s – 2.000 s) from a suggestion",
      "event slip on left_gripper_left_pad added at 1.500 s",
      "grasp outcome unset → success",
      "failure mode timeout added",
      "quality undecided → accept",
      "1 suggestion rejected",
    ]);
    const c: LabelsContent = { ...b, phases: [{ ...b.phases[0]!, type: "lift", startNs: "1100000000" }], events: [] };
    expect(diffLabels(b, c)).toEqual(["phase lift changed: type grasp → lift, start 1.000 s → 1.100 s", "event slip on left_gripper_left_pad removed (was at 1.500 s)"]);
    expect(diffLabels(a, a)).toEqual(["saved without changes"]);
  });
});
