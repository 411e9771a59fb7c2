// The viewer server over real HTTP on a (copied) simulated library: listing, details, byte
// ranges equal to the file, path traversal refused, labels with revisions, 409 between two
// clients, malformed labels refused without touching the file, agreement, suggestions, CSP.
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AgreementReport, EpisodeDetail, EpisodeSummary, SaveLabelsResponse, StaleRevision, Suggestions } from "../../../viewer/shared/http-api.ts";
import { api } from "../../../viewer/shared/http-api.ts";
import type { LabelsContent, LabelsFile } from "../../../recorder/labels/schema.ts";
import { emptyLabelsContent } from "../../../recorder/labels/schema.ts";
import type { ViewerServer } from "../../../viewer/server/server.ts";
import { simLibrary } from "../../support/sim-episode.ts";
import { copyLibrary, getJson, putJson, raw, startTestServer } from "./support.ts";

let library: string;
let server: ViewerServer;
let base: string;
let ids: string[];
const SECRET = "top-secret-outside-the-library";

beforeAll(async () => {
  const lib = await simLibrary({ episodes: 2 });
  library = copyLibrary(lib.library);
  // a secret beside the library, and an "episode" whose recording is a symlink to it
  writeFileSync(join(library, "..", "secret.txt"), SECRET);
  mkdirSync(join(library, "zz-evil"));
  symlinkSync(join(library, "..", "secret.txt"), join(library, "zz-evil", "episode.mcap"));
  server = await startTestServer(library);
  base = server.url;
  const list = await getJson<EpisodeSummary[]>(base, api.episodes());
  ids = list.json.map((e) => e.id).filter((id) => id !== "zz-evil");
}, 600_000);

afterAll(async () => {
  await server?.close();
  if (library) rmSync(join(library, ".."), { recursive: true, force: true });
});

function content(overrides: Partial<LabelsContent> & { notes?: string } = {}): LabelsContent {
  const { notes, ...rest } = overrides;
  const c = { ...emptyLabelsContent("pick"), ...rest };
  return notes === undefined ? c : { ...c, episode: { ...c.episode, notes } };
}

describe("episodes", () => {
  it("lists the library's episodes from their sidecars", async () => {
    const r = await getJson<EpisodeSummary[]>(base, api.episodes());
    expect(r.status).toBe(200);
    expect(r.json).toHaveLength(3);
    // the symlinked-out recording is listed as unreadable, never read
    expect(r.json.find((e) => e.id === "zz-evil")!.flags).toContain("unreadable");
    for (const e of r.json.filter((x) => x.id !== "zz-evil")) {
      expect(e.task).toBe("pick up the cube and place it in the bin");
      expect(e.operator).toBe("test");
      expect(e.profile).toBe("small");
      expect(e.durationS).toBeGreaterThan(3.5);
      expect(e.start).toMatch(/^\d{4}-\d\d-\d\dT/);
      expect(e.labels.status).toBe("none");
    }
  });

  it("describes an episode: streams, corrected bounds, clock models, URDF, files", async () => {
    const r = await getJson<EpisodeDetail>(base, api.episode(ids[0]!));
    expect(r.status).toBe(200);
    const d = r.json;
    expect(BigInt(d.endNs) - BigInt(d.startNs)).toBeGreaterThan(3_000_000_000n);
    const topics = d.streams.map((s) => s.topic);
    expect(topics).toContain("/joint_states");
    expect(topics).toContain("/tactile/left_gripper/left_pad");
    expect(d.streams.find((s) => s.topic === "/head_camera/color/image_raw")?.kind).toBe("image");
    expect(d.alignment.schema).toBe("teledemo/alignment");
    expect(Object.keys(d.alignment.streams)).toContain("/joint_states");
    expect(d.urdf).toContain("<robot");
    expect(d.files.map((f) => f.name)).toContain("episode.mcap");
    expect(d.facts.task).toBe("pick up the cube and place it in the bin");
  });

  it("answers 404 for an unknown episode", async () => {
    const r = await raw(base, "GET", api.episode("nope"));
    expect(r.status).toBe(404);
    expect(JSON.parse(r.body.toString()).error).toMatch(/no episode/);
  });
});

describe("files", () => {
  it("serves byte ranges equal to the file's bytes, HEAD, suffix ranges, 416, ETag", async () => {
    const path = api.file(ids[0]!, "episode.mcap");
    const file = readFileSync(join(server.library.get(ids[0]!)!.dir, "episode.mcap"));
    const full = await raw(base, "GET", path);
    expect(full.status).toBe(200);
    expect(full.body.equals(file)).toBe(true);
    for (const [start, end] of [[0, 0], [8, 1000], [file.length - 100, file.length - 1], [12345, 54321]] as const) {
      const r = await raw(base, "GET", path, { Range: `bytes=${start}-${end}` });
      expect(r.status).toBe(206);
      expect(r.headers["content-range"]).toBe(`bytes ${start}-${end}/${file.length}`);
      expect(r.body.equals(file.subarray(start, end + 1))).toBe(true);
    }
    const suffix = await raw(base, "GET", path, { Range: "bytes=-64" });
    expect(suffix.status).toBe(206);
    expect(suffix.body.equals(file.subarray(file.length - 64))).toBe(true);
    const open = await raw(base, "GET", path, { Range: `bytes=${file.length - 10}-` });
    expect(open.body.equals(file.subarray(file.length - 10))).toBe(true);
    const bad = await raw(base, "GET", path, { Range: `bytes=${file.length}-` });
    expect(bad.status).toBe(416);
    expect(bad.headers["content-range"]).toBe(`bytes */${file.length}`);
    expect((await raw(base, "GET", path, { Range: "bytes=20-10" })).status).toBe(416);
    const head = await raw(base, "HEAD", path);
    expect(head.status).toBe(200);
    expect(Number(head.headers["content-length"])).toBe(file.length);
    expect(head.body.length).toBe(0);
    const etag = String(full.headers.etag);
    expect((await raw(base, "GET", path, { "If-None-Match": etag })).status).toBe(304);
    expect(full.headers["last-modified"]).toBeTruthy();
    expect(full.headers["accept-ranges"]).toBe("bytes");
  });

  it("refuses path traversal in every spelling and never returns bytes from outside", async () => {
    const id = encodeURIComponent(ids[0]!);
    const attempts = [
      `/files/${id}/../../secret.txt`,
      `/files/${id}/..%2f..%2fsecret.txt`,
      `/files/${id}/%2e%2e%2f%2e%2e%2fsecret.txt`,
      `/files/${id}/%2E%2E/%2E%2E/secret.txt`,
      `/files/%2e%2e/secret.txt`,
      `/files/..%2F..%2F/secret.txt`,
      `/files/${id}/%2Fetc%2Fpasswd`,
      `/files/${id}//etc/passwd`,
      `/files/${id}/..%5c..%5csecret.txt`,
      `/files/${id}/episode.mcap%00.json`,
      `/files/zz-evil/episode.mcap`,
      `/files/${id}/..%2F..%2Fzz-evil%2Fepisode.mcap`,
      `/files/${id}/episode.json/../../secret.txt`,
      `/files/${id}/%252e%252e%252fsecret.txt`,
      `/files/${id}/${encodeURIComponent(join(tmpdir(), "x"))}`,
      `/files/${id}/labels`,
    ];
    for (const path of attempts) {
      const r = await raw(base, "GET", path);
      expect(r.status, path).toBeGreaterThanOrEqual(400);
      expect(r.status, path).toBeLessThan(500);
      expect(r.body.toString("latin1"), path).not.toContain(SECRET);
      expect(r.body.toString("latin1"), path).not.toContain("root:");
    }
  });

  it("serves the sidecar but nothing else outside the whitelist", async () => {
    expect((await raw(base, "GET", api.file(ids[0]!, "episode.json"))).status).toBe(200);
    expect((await raw(base, "GET", api.file(ids[1]!, "episode.mcap.tmp"))).status).toBe(404);
    expect((await raw(base, "POST", api.file(ids[1]!, "episode.mcap"))).status).toBe(405);
  });
});

describe("security headers", () => {
  it("puts a strict CSP and nosniff on every response, and no CORS", async () => {
    for (const [method, path] of [["GET", "/"], ["GET", api.episodes()], ["GET", "/nope"], ["GET", api.file(ids[0]!, "episode.mcap")]] as const) {
      const r = await raw(base, method, path, { Origin: "http://evil.example" });
      const csp = String(r.headers["content-security-policy"]);
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain(`connect-src 'self' ws://127.0.0.1:${server.port}`);
      expect(r.headers["x-content-type-options"]).toBe("nosniff");
      expect(r.headers["access-control-allow-origin"]).toBeUndefined();
    }
  });
});

describe("labels", () => {
  it("saves with revisions, refuses a stale save with 409, keeps history", async () => {
    const id = ids[0]!;
    const url = api.labels(id, "alice");
    const empty = await getJson<LabelsFile>(base, url);
    expect(empty.status).toBe(200);
    expect(empty.json.revision).toBe(0);
    expect(empty.json.content.phases).toEqual([]);

    const phase = { id: "p1", type: "grasp", startNs: "1000000000", endNs: "2000000000", source: "manual" as const };
    const first = await putJson<SaveLabelsResponse>(base, url, { baseRevision: 0, content: content({ phases: [phase] }) });
    expect(first.status).toBe(200);
    expect(first.json.revision).toBe(1);

    // a second client that also loaded revision 0 is refused, and told what is there now
    const stale = await putJson<StaleRevision>(base, url, { baseRevision: 0, content: content({ notes: "other client" }) });
    expect(stale.status).toBe(409);
    expect(stale.json.currentRevision).toBe(1);
    expect(stale.json.current.content.phases).toEqual([phase]);
    expect(stale.json.current.content.episode.notes).toBe("");

    const event = { id: "e1", type: "onset" as const, target: "right_gripper_left_pad", tNs: "1500000000", source: "suggestion" as const, suggestionId: "s1-onset-x" };
    const second = await putJson<SaveLabelsResponse>(base, url, { baseRevision: 1, content: content({ phases: [{ ...phase, endNs: "2500000000" }], events: [event] }) });
    expect(second.status).toBe(200);
    expect(second.json.revision).toBe(2);

    const now = await getJson<LabelsFile>(base, url);
    expect(now.json.revision).toBe(2);
    expect(now.json.history.map((h) => h.revision)).toEqual([1, 2]);
    expect(now.json.history[0]!.changes.join("\n")).toMatch(/phase grasp added/);
    expect(now.json.history[1]!.changes.join("\n")).toMatch(/phase grasp changed: end 2\.000 s → 2\.500 s/);
    expect(now.json.history[1]!.changes.join("\n")).toMatch(/event onset on right_gripper_left_pad added/);
    expect(now.json.history[1]!.annotator).toBe("alice");

    const onDisk = JSON.parse(readFileSync(join(server.library.get(id)!.labelsBase, "labels", "alice.json"), "utf8")) as LabelsFile;
    expect(onDisk.revision).toBe(2);
    expect((await getJson<{ annotators: string[] }>(base, api.labelsList(id))).json.annotators).toEqual(["alice"]);
    const list = await getJson<EpisodeSummary[]>(base, api.episodes());
    expect(list.json.find((e) => e.id === id)!.labels).toEqual({ annotators: ["alice"], status: "in_progress" });
  });

  it("two clients racing from the same revision: exactly one wins", async () => {
    const url = api.labels(ids[1]!, "race");
    const results = await Promise.all(
      ["a", "b", "c", "d"].map((n) => putJson<SaveLabelsResponse | StaleRevision>(base, url, { baseRevision: 0, content: content({ notes: n }) })),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 409, 409, 409]);
    const now = await getJson<LabelsFile>(base, url);
    expect(now.json.revision).toBe(1);
  });

  it("refuses malformed labels with a 4xx and leaves the file unchanged", async () => {
    const id = ids[0]!;
    const url = api.labels(id, "alice");
    const file = join(server.library.get(id)!.labelsBase, "labels", "alice.json");
    const before = readFileSync(file);
    const bad: Array<[string, string | Buffer, Record<string, string>, number]> = [
      ["not json", "{ nope", { "Content-Type": "application/json" }, 400],
      ["wrong type", JSON.stringify({ baseRevision: 2, content: content() }), { "Content-Type": "text/plain" }, 415],
      ["array", "[]", { "Content-Type": "application/json" }, 422],
      ["no revision", JSON.stringify({ content: content() }), { "Content-Type": "application/json" }, 422],
      ["phase ends first", JSON.stringify({ baseRevision: 2, content: content({ phases: [{ id: "x", type: "lift", startNs: "9", endNs: "3", source: "manual" }] }) }), { "Content-Type": "application/json" }, 422],
      ["time not integer", JSON.stringify({ baseRevision: 2, content: content({ events: [{ id: "x", type: "onset", target: "p", tNs: "1.5", source: "manual" }] as never }) }), { "Content-Type": "application/json" }, 422],
      ["unknown event type", JSON.stringify({ baseRevision: 2, content: content({ events: [{ id: "x", type: "bump", target: "p", tNs: "1", source: "manual" }] as never }) }), { "Content-Type": "application/json" }, 422],
      ["extra field", JSON.stringify({ baseRevision: 2, content: { ...content(), extra: 1 } }), { "Content-Type": "application/json" }, 422],
      ["too large", Buffer.alloc(6 * 1024 * 1024, 32), { "Content-Type": "application/json" }, 413],
    ];
    for (const [name, body, headers, status] of bad) {
      const r = await raw(base, "PUT", url, headers, body);
      expect(r.status, name).toBe(status);
      expect(JSON.parse(r.body.toString()).error, name).toBeTruthy();
      expect(readFileSync(file).equals(before), name).toBe(true);
    }
    const issues = await raw(base, "PUT", url, { "Content-Type": "application/json" }, JSON.stringify({ baseRevision: 2, content: content({ phases: [{ id: "x", type: "lift", startNs: "9", endNs: "3", source: "manual" }] }) }));
    expect(JSON.parse(issues.body.toString()).issues[0].path).toMatch(/^content\.phases\.0/);
    for (const name of ["..%2Fevil", "a%20b", "x.json", "%2e%2e"]) {
      const r = await raw(base, "PUT", `/api/episodes/${encodeURIComponent(id)}/labels/${name}`, { "Content-Type": "application/json" }, JSON.stringify({ baseRevision: 0, content: content() }));
      expect(r.status, name).toBeGreaterThanOrEqual(400);
      expect(r.status, name).toBeLessThan(500);
    }
    expect(existsSync(join(server.library.get(id)!.labelsBase, "evil.json"))).toBe(false);
    expect(existsSync(join(library, "evil.json"))).toBe(false);
  });
});

describe("agreement and suggestions", () => {
  it("compares two annotators with the figures computed by hand", async () => {
    const id = ids[1]!;
    const detail = (await getJson<EpisodeDetail>(base, api.episode(id))).json;
    const s = BigInt(detail.startNs);
    const at = (ms: number) => (s + BigInt(ms) * 1_000_000n).toString();
    // A: grasp 0–1000 ms, lift 1000–2000 ms; B: grasp 0–1100 ms, lift 1100–2000 ms.
    // Boundary errors: grasp |0|+|100|, lift |100|+|0| → MAE 50 ms.
    // Events: onset at 500 vs 530 (match), slip at 1500 vs 1600 (> 50 ms: no) → 1 of 2+2 → F1 0.5.
    const a = content({
      phases: [
        { id: "a1", type: "grasp", startNs: at(0), endNs: at(1000), source: "manual" },
        { id: "a2", type: "lift", startNs: at(1000), endNs: at(2000), source: "manual" },
      ],
      events: [
        { id: "a3", type: "onset", target: "left_gripper_left_pad", tNs: at(500), source: "manual" },
        { id: "a4", type: "slip", target: "left_gripper_left_pad", tNs: at(1500), source: "manual" },
      ],
    });
    const b = content({
      phases: [
        { id: "b1", type: "grasp", startNs: at(0), endNs: at(1100), source: "manual" },
        { id: "b2", type: "lift", startNs: at(1100), endNs: at(2000), source: "manual" },
      ],
      events: [
        { id: "b3", type: "onset", target: "left_gripper_left_pad", tNs: at(530), source: "manual" },
        { id: "b4", type: "slip", target: "left_gripper_left_pad", tNs: at(1600), source: "manual" },
      ],
    });
    expect((await putJson(base, api.labels(id, "ann_a"), { baseRevision: 0, content: a })).status).toBe(200);
    expect((await putJson(base, api.labels(id, "ann_b"), { baseRevision: 0, content: b })).status).toBe(200);
    const r = await getJson<AgreementReport>(base, api.agreement(id));
    expect(r.status).toBe(200);
    expect(r.json.annotators).toEqual(["ann_a", "ann_b", "race"]);
    const pair = r.json.pairs.find((p) => p.a === "ann_a" && p.b === "ann_b")!;
    expect(pair.phaseBoundaryMaeMs).toBeCloseTo(50, 6);
    expect(pair.eventF1).toBeCloseTo(0.5, 9);
    // κ on the head camera's frame grid: the only disagreement is 1000–1100 ms (grasp vs lift).
    expect(pair.cohensKappa).toBeGreaterThan(0.8);
    expect(pair.cohensKappa).toBeLessThan(1);
    const withRace = r.json.pairs.find((p) => p.a === "ann_a" && p.b === "race")!;
    expect(withRace.phaseBoundaryMaeMs).toBeNull();
    expect(withRace.eventF1).toBe(0);
  });

  it("suggests contact events on the corrected timeline", async () => {
    // the second episode starts mid-grasp: the object slips and drops (release) inside it
    const id = ids[1]!;
    const r = await getJson<Suggestions>(base, api.suggestions(id));
    expect(r.status).toBe(200);
    const detail = (await getJson<EpisodeDetail>(base, api.episode(id))).json;
    const kinds = new Set(r.json.events.map((e) => e.type));
    expect(kinds.has("release")).toBe(true);
    for (const e of r.json.events) {
      expect(BigInt(e.tNs)).toBeGreaterThanOrEqual(BigInt(detail.startNs));
      expect(BigInt(e.tNs)).toBeLessThanOrEqual(BigInt(detail.endNs));
      expect(e.id).toMatch(/^s\d+-/);
      expect(e.confidence).toBeGreaterThan(0);
    }
    expect(new Set(r.json.events.map((e) => e.id)).size).toBe(r.json.events.length);
    // cached: the same answer again, and on disk beside the episode for the next viewer
    expect((await getJson<Suggestions>(base, api.suggestions(id))).json).toEqual(r.json);
    const onDisk = JSON.parse(readFileSync(join(server.library.get(id)!.dir, "suggestions.json"), "utf8")) as { suggestions: Suggestions };
    expect(onDisk.suggestions).toEqual(r.json);
    const second = await startTestServer(library);
    try {
      expect((await getJson<Suggestions>(second.url, api.suggestions(id))).json).toEqual(r.json);
    } finally {
      await second.close();
    }
  });
});

describe("config", () => {
  it("serves the labeling taxonomy", async () => {
    const r = await getJson<{ phaseTypes: Array<{ name: string; hotkey: string }>; eventTargets: string[]; failureModes: string[]; annotator: string; snapMs: number }>(base, api.config());
    expect(r.json.phaseTypes.map((p) => p.name)).toEqual(["approach", "grasp", "lift", "transport", "place", "release", "retreat"]);
    expect(r.json.phaseTypes.map((p) => p.hotkey)).toEqual(["1", "2", "3", "4", "5", "6", "7"]);
    expect(r.json.eventTargets).toEqual(expect.arrayContaining(["left_gripper_left_pad", "right_gripper_right_pad", "left_wrist", "right_wrist"]));
    expect(r.json.failureModes).toContain("slip during transport");
    expect(r.json.annotator).toBe("tester");
  });
});

