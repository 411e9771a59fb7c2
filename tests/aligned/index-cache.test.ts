// The aligned reader's message index and its caches (<episode>/.index/stamps.bin, models.json):
// reads through the index give exactly the bytes @mcap/core reads; results are identical with
// and without the caches; a changed MCAP invalidates them; damaged caches are ignored with a
// problem line; split episodes; other tools' bags are never written to; cross-modal corrections
// on open equal what `teledemo align` computes.
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { open } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { McapIndexedReader, McapWriter } from "@mcap/core";
import { FileHandleReadable, FileHandleWritable } from "@mcap/nodejs";
import { loadDecompressHandlers } from "@mcap/support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { computeAlignment } from "../../recorder/aligned/align.ts";
import { CLOCK_MODEL_TOPIC } from "../../recorder/health/clock-models.ts";
import { INDEX_DIR, INDEX_FILE } from "../../recorder/aligned/index-cache.ts";
import { ALIGNMENT_FILE, openAlignedEpisode, type AlignedEpisode, type OpenAlignedOptions } from "../../recorder/aligned/index.ts";
import { MODELS_FILE } from "../../recorder/aligned/models-cache.ts";
import { runCli } from "../support/cli-child.ts";
import { FIXTURES_DIR, fixturePath } from "../support/fixtures.ts";
import { simEpisode } from "../support/sim-episode.ts";

let root: string;
let dir: string;

beforeAll(async () => {
  const source = await simEpisode({ profile: "small", seconds: 4, seed: 7 });
  root = mkdtempSync(join(tmpdir(), "aligned-cache-"));
  dir = join(root, "episode");
  cpSync(source, dir, { recursive: true });
  rmSync(join(dir, ALIGNMENT_FILE), { force: true });
  rmSync(join(dir, INDEX_DIR), { recursive: true, force: true });
}, 600_000);

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

const sha = (b: Uint8Array): string => createHash("sha256").update(b).digest("hex");

/** Everything an open gives, as comparable text: streams, bounds, every message, states on a grid. */
async function snapshot(path: string, options: OpenAlignedOptions = {}): Promise<{ text: string; problems: readonly string[] }> {
  const ep = await openAlignedEpisode(path, options);
  try {
    const lines: string[] = [`${ep.startNs} ${ep.endNs}`];
    for (const s of ep.streams) lines.push(`${s.topic} ${s.type} ${s.kind} ${s.messageCount} ${s.periodNs} ${s.source} ${s.crossModalOffsetNs} ${s.segments} ${ep.correctedTimes?.(s.topic)?.join(",")}`);
    for await (const m of ep.messages()) lines.push(`${m.topic} ${m.correctedNs} ${m.stampNs} ${m.logNs} ${m.publishNs} ${sha(m.bytes)}`);
    const grid: bigint[] = [];
    for (let t = ep.startNs; t <= ep.endNs; t += (ep.endNs - ep.startNs) / 7n + 1n) grid.push(t);
    for (const t of grid) {
      const st = await ep.stateAt(t);
      for (const [topic, v] of st) lines.push(`${t} ${topic} ${v.status} ${v.skewNs} ${v.message?.logNs} ${JSON.stringify(v.value?.data.map((d) => [...d]))}`);
    }
    return { text: lines.join("\n"), problems: ep.problems ?? [] };
  } finally {
    await ep.close();
  }
}

describe("message index and caches", () => {
  let reference: string;
  const cacheFile = () => join(dir, INDEX_DIR, INDEX_FILE);
  const modelsFile = () => join(dir, INDEX_DIR, MODELS_FILE);

  beforeAll(async () => {
    reference = (await snapshot(dir, { indexCache: false })).text;
    expect(existsSync(join(dir, INDEX_DIR)), "indexCache: false writes nothing").toBe(false);
  }, 300_000);

  it("reads through the index exactly the messages and bytes @mcap/core reads", async () => {
    const handle = await open(join(dir, "episode.mcap"), "r");
    const want: string[] = [];
    try {
      const r = await McapIndexedReader.Initialize({ readable: new FileHandleReadable(handle), decompressHandlers: await loadDecompressHandlers() });
      for await (const m of r.readMessages()) want.push(`${r.channelsById.get(m.channelId)!.topic} ${m.logTime} ${m.publishTime} ${sha(m.data)}`);
    } finally {
      await handle.close();
    }
    const ep = await openAlignedEpisode(dir, { indexCache: false });
    const got: string[] = [];
    try {
      // a log-time window over every topic: the raw source order is log order, compare as sets per log time
      for await (const m of ep.messages()) got.push(`${m.topic} ${m.logNs} ${m.publishNs} ${sha(m.bytes)}`);
    } finally {
      await ep.close();
    }
    expect(got.length).toBe(want.length);
    expect([...got].sort()).toEqual([...want].sort());
  });

  it("first open writes the caches, the second uses them, and both give exactly what an uncached open gives", async () => {
    const first = await snapshot(dir);
    expect(existsSync(cacheFile())).toBe(true);
    expect(existsSync(modelsFile())).toBe(true);
    const stampsMtime = statSync(cacheFile()).mtimeMs;
    const modelsMtime = statSync(modelsFile()).mtimeMs;
    const second = await snapshot(dir);
    expect(statSync(cacheFile()).mtimeMs, "the cache was read, not rewritten").toBe(stampsMtime);
    expect(statSync(modelsFile()).mtimeMs).toBe(modelsMtime);
    expect(first.text).toBe(reference);
    expect(second.text).toBe(reference);
    expect(second.problems).toEqual(first.problems);
    for (const p of second.problems) expect(p).not.toMatch(/stamps\.bin|models\.json/);
  }, 300_000);

  it("a changed MCAP (mtime) invalidates the caches: rebuilt, same results", async () => {
    await snapshot(dir);
    const before = readFileSync(cacheFile());
    const mcap = join(dir, "episode.mcap");
    const t = statSync(mcap).mtime;
    utimesSync(mcap, t, new Date(t.getTime() + 5000));
    const after = await snapshot(dir);
    expect(after.text).toBe(reference);
    expect(readFileSync(cacheFile()).equals(before), "stamps.bin rewritten for the new file").toBe(false);
    // the models cache is keyed by the files too: rewritten
    expect(readFileSync(modelsFile(), "utf8")).toMatch(/"key"/);
  }, 300_000);

  it("a damaged stamps.bin or models.json is ignored with a problem line, results unchanged", async () => {
    await snapshot(dir);
    const good = readFileSync(cacheFile());
    const flipped = Buffer.from(good);
    flipped[Math.floor(flipped.length / 2)]! ^= 0xff;
    writeFileSync(cacheFile(), flipped);
    const a = await snapshot(dir);
    expect(a.text).toBe(reference);
    expect(a.problems.some((p) => p.includes(INDEX_FILE) && /checksum/.test(p)), a.problems.join("\n")).toBe(true);
    // rebuilt: the next open is clean
    expect((await snapshot(dir)).problems.some((p) => p.includes(INDEX_FILE))).toBe(false);

    writeFileSync(cacheFile(), good.subarray(0, 100));
    const b = await snapshot(dir);
    expect(b.text).toBe(reference);
    expect(b.problems.some((p) => p.includes(INDEX_FILE))).toBe(true);

    writeFileSync(modelsFile(), "{ not json");
    const c = await snapshot(dir);
    expect(c.text).toBe(reference);
    expect(c.problems.some((p) => p.includes(MODELS_FILE))).toBe(true);
  }, 300_000);

  it("fitted models get the cross-modal corrections `teledemo align` computes, labelled computed", async () => {
    // the same episode without the recorder's live clock models: the reader fits on open
    const bare = join(root, "bare");
    await copyWithoutClockModels(dir, bare);
    const ep = await openAlignedEpisode(bare);
    const { alignment } = await computeAlignment(bare);
    try {
      const corrected = ep.streams.filter((s) => s.crossModalOffsetNs !== 0n);
      expect(corrected.length).toBeGreaterThan(0);
      for (const s of ep.streams) {
        if (s.source === "receive-time") continue;
        expect(s.source, s.topic).toBe("computed");
        expect(s.crossModalOffsetNs.toString(), s.topic).toBe(alignment.streams[s.topic]!.crossModalOffsetNs);
      }
      expect(ep.alignmentJson().crossModal).toEqual(alignment.crossModal);
    } finally {
      await ep.close();
    }
  }, 300_000);
});

/** A copy of an episode folder whose MCAP lacks the /teledemo/clock_model channel. */
async function copyWithoutClockModels(from: string, to: string): Promise<void> {
  mkdirSync(to, { recursive: true });
  cpSync(join(from, "episode.json"), join(to, "episode.json"));
  const src = await open(join(from, "episode.mcap"), "r");
  const dst = await open(join(to, "episode.mcap"), "w");
  try {
    const r = await McapIndexedReader.Initialize({ readable: new FileHandleReadable(src), decompressHandlers: await loadDecompressHandlers() });
    const w = new McapWriter({ writable: new FileHandleWritable(dst) });
    await w.start({ profile: r.header.profile, library: "test copy" });
    const schemaIds = new Map<number, number>();
    for (const [id, sc] of r.schemasById) schemaIds.set(id, await w.registerSchema({ name: sc.name, encoding: sc.encoding, data: sc.data }));
    const channelIds = new Map<number, number>();
    for (const [id, ch] of r.channelsById) {
      if (ch.topic === CLOCK_MODEL_TOPIC) continue;
      channelIds.set(id, await w.registerChannel({ topic: ch.topic, schemaId: schemaIds.get(ch.schemaId) ?? 0, messageEncoding: ch.messageEncoding, metadata: ch.metadata }));
    }
    for await (const m of r.readMetadata()) await w.addMetadata({ name: m.name, metadata: m.metadata });
    for await (const m of r.readMessages()) {
      const id = channelIds.get(m.channelId);
      if (id !== undefined) await w.addMessage({ ...m, channelId: id });
    }
    await w.end();
  } finally {
    await src.close();
    await dst.close();
  }
}

/** Every file under `d` with its size and mtime. */
function listing(d: string): string[] {
  return readdirSync(d, { recursive: true, withFileTypes: true })
    .map((e) => join(e.parentPath, e.name))
    .map((f) => `${f} ${statSync(f).size} ${statSync(f).mtimeMs}`)
    .sort();
}

describe("split episodes and other tools' bags", () => {
  it("a split episode (several files) opens through one cache, equal to the uncached open", async () => {
    const out = join(root, "split");
    const r = await runCli(
      ["record", "--source", "sim", "--profile", "small", "--seed", "3", "--speed", "max", "--out", out, "--episodes", "1", "--episode-time", "3", "--reset-time", "0.5", "--max-file-duration", "1", "--min-free", "10MB", "--json"],
      600_000,
    );
    expect(r.code, r.stderr).toBe(0);
    const ep = readdirSync(out, { withFileTypes: true }).find((e) => e.isDirectory())!;
    const epDir = join(out, ep.name);
    const uncached = await snapshot(epDir, { indexCache: false });
    const e = await openAlignedEpisode(epDir);
    try {
      expect(e.files.length).toBeGreaterThan(1);
    } finally {
      await e.close();
    }
    expect(existsSync(join(epDir, INDEX_DIR, INDEX_FILE))).toBe(true);
    const cached = await snapshot(epDir);
    expect(cached.text).toBe(uncached.text);
  }, 600_000);

  it("rosbag2 fixtures (split bag, single files) open without writing anything beside them", async () => {
    const before = listing(FIXTURES_DIR);
    for (const p of ["rosbag2/wbag", "rosbag2/cdr_test", "rosbag2/base_msgs_0.mcap"]) {
      const a = await snapshot(fixturePath(p));
      const b = await snapshot(fixturePath(p), { indexCache: false });
      expect(a.text).toBe(b.text);
    }
    expect(listing(FIXTURES_DIR)).toEqual(before);
  }, 300_000);
});
