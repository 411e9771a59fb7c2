// The viewer worker's chunk reader (viewer/app/data/chunks.ts) against @mcap/core's indexed
// reader on real files: same messages for every query shape (all, per topic, time windows,
// reverse), correct order, only chunks that hold the wanted channels are read, and an LRU
// smaller than one chunk still answers correctly.
import { McapIndexedReader, type McapTypes } from "@mcap/core";
import { FileHandleReadable } from "@mcap/nodejs";
import { open, type FileHandle } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ChunkStore, type ChunkQuery } from "../../../viewer/app/data/chunks.ts";
import type { RawMessage } from "../../../viewer/app/data/mcap-source.ts";
import { decompressHandlers, fixturePath } from "../../support/fixtures.ts";
import { simEpisode } from "../../support/sim-episode.ts";

interface Opened {
  name: string;
  handle: FileHandle;
  reader: McapIndexedReader;
  store: (maxBytes?: number) => ChunkStore;
}

async function openFile(name: string, path: string): Promise<Opened> {
  const handle = await open(path, "r");
  const handlers = await decompressHandlers();
  const reader = await McapIndexedReader.Initialize({ readable: new FileHandleReadable(handle), decompressHandlers: handlers });
  const readExact = async (offset: number, size: number): Promise<Uint8Array> => {
    const buf = new Uint8Array(size);
    const { bytesRead } = await handle.read(buf, 0, size, offset);
    if (bytesRead !== size) throw new Error(`short read at ${offset}`);
    return buf;
  };
  return { name, handle, reader, store: (maxBytes) => new ChunkStore(name, reader.chunkIndexes, readExact, handlers, maxBytes) };
}

const key = (m: { channelId: number; logTime: bigint; data: Uint8Array }): string => `${m.logTime}:${m.channelId}:${Buffer.from(m.data).toString("base64")}`;

async function collect(it: AsyncIterable<RawMessage>): Promise<RawMessage[]> {
  const out: RawMessage[] = [];
  for await (const m of it) out.push(m);
  return out;
}

function idsOf(reader: McapIndexedReader, topics: string[]): Set<number> {
  return new Set([...reader.channelsById.values()].filter((c) => topics.includes(c.topic)).map((c) => c.id));
}

let files: Opened[] = [];

beforeAll(async () => {
  const episode = await simEpisode({ profile: "small", seconds: 4, seed: 7 });
  files = [
    await openFile("sim episode", join(episode, "episode.mcap")),
    await openFile("wbag_0 (zstd)", fixturePath("rosbag2/wbag/wbag_0.mcap")),
    await openFile("base_msgs_0", fixturePath("rosbag2/base_msgs_0.mcap")),
  ];
}, 300_000);

afterAll(async () => {
  for (const f of files) await f.handle.close();
});

describe("ChunkStore", () => {
  it("reads exactly what @mcap/core reads, in log-time order, for every query shape", async () => {
    for (const f of files) {
      const { reader } = f;
      const start = reader.chunkIndexes.reduce((a, c) => (c.messageStartTime < a ? c.messageStartTime : a), 2n ** 63n);
      const end = reader.chunkIndexes.reduce((a, c) => (c.messageEndTime > a ? c.messageEndTime : a), 0n);
      const topics = [...new Set([...reader.channelsById.values()].map((c) => c.topic))].sort();
      expect(topics.length, f.name).toBeGreaterThan(0);
      const third = (end - start) / 3n;
      const queries: Array<{ topics?: string[]; startTime?: bigint; endTime?: bigint; reverse?: boolean }> = [
        {},
        { reverse: true },
        { topics: [topics[0]!] },
        { topics: topics.slice(0, 2), startTime: start + third, endTime: end - third },
        { topics: [topics[topics.length - 1]!], startTime: start + third, endTime: end - third, reverse: true },
      ];
      for (const q of queries) {
        const want = await collect(reader.readMessages(q));
        const cq: ChunkQuery = { channelIds: q.topics ? idsOf(reader, q.topics) : null, startLogNs: q.startTime, endLogNs: q.endTime, reverse: q.reverse };
        // A tiny LRU (smaller than one chunk) must not change the answer.
        for (const store of [f.store(), f.store(1)]) {
          const got = await collect(store.read(cq));
          const label = `${f.name} ${JSON.stringify(q, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v))}`;
          expect(got.length, label).toBe(want.length);
          expect(got.map(key).sort(), label).toEqual(want.map(key).sort());
          for (let i = 1; i < got.length; i++) {
            const ordered = q.reverse ? got[i]!.logTime <= got[i - 1]!.logTime : got[i]!.logTime >= got[i - 1]!.logTime;
            expect(ordered, `${label} at ${i}`).toBe(true);
          }
        }
      }
    }
  });

  it("reads only the chunks whose index lists a wanted channel, each once", async () => {
    const f = files[0]!;
    const counts = new Map<number, number>();
    for (const ci of f.reader.chunkIndexes) for (const id of ci.messageIndexOffsets.keys()) counts.set(id, (counts.get(id) ?? 0) + 1);
    // The channel in the fewest chunks (e.g. /tf_static: one message) against the file's chunk count.
    const [rare, n] = [...counts].sort((a, b) => a[1] - b[1])[0]!;
    expect(n).toBeLessThan(f.reader.chunkIndexes.length);
    const store = f.store();
    const got = await collect(store.read({ channelIds: new Set([rare]) }));
    expect(got.length).toBe(Number(f.reader.statistics!.channelMessageCounts.get(rare)));
    expect(store.chunksRead).toBe(n);
    await collect(store.read({ channelIds: new Set([rare]), reverse: true }));
    expect(store.chunksRead, "second read served from the LRU").toBe(n);
  });

  it("groups time-overlapping chunks into one run", () => {
    const ci = (s: bigint, e: bigint, off: bigint): McapTypes.ChunkIndex =>
      ({ messageStartTime: s, messageEndTime: e, chunkStartOffset: off, chunkLength: 1n, messageIndexOffsets: new Map(), messageIndexLength: 0n, compression: "", compressedSize: 0n, uncompressedSize: 0n }) as McapTypes.ChunkIndex;
    const store = new ChunkStore("synthetic", [ci(30n, 40n, 3n), ci(0n, 10n, 1n), ci(5n, 20n, 2n), ci(21n, 25n, 4n)], () => Promise.reject(new Error("not read")), {});
    expect(store.clusters({ channelIds: null }).map((r) => r.map((c) => Number(c.chunkStartOffset)))).toEqual([[1, 2], [4], [3]]);
    expect(store.clusters({ channelIds: null, startLogNs: 22n, endLogNs: 35n }).map((r) => r.map((c) => Number(c.chunkStartOffset)))).toEqual([[4], [3]]);
  });
});
