// npm run bench:aligned [episode] — how long openAlignedEpisode takes on a large episode, against
// two baselines measured in the same run on the same file: reading only the MCAP's summary
// section (@mcap/core's indexed reader initialised, metadata read) and a plain sequential read
// of every byte of the file.
//
// Default episode: the viewer bench's 2 GB reference-rig episode (tmp/bench-viewer/reference-lib,
// made by `npm run bench:viewer`), else a 10 s reference-rig simulated episode.
// Opens measured:
//   cold        page cache dropped for the file (dd iflag=nocache; fincore reports whether it
//               worked), no <episode>/.index caches: index built, models fitted, cross-modal run
//   no-cache    same, page cache warm
//   warm        with the caches the previous open wrote (<episode>/.index/stamps.bin, models.json)
// The figures depend on the machine's load (other processes share the CPUs and disk).
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, rmSync, statSync } from "node:fs";
import { open } from "node:fs/promises";
import { join, resolve } from "node:path";
import { McapIndexedReader } from "@mcap/core";
import { FileHandleReadable } from "@mcap/nodejs";
import { loadDecompressHandlers } from "@mcap/support";
import { INDEX_DIR } from "../../recorder/aligned/index-cache.ts";
import { openAlignedEpisode, type OpenAlignedOptions } from "../../recorder/aligned/index.ts";
import { REPO_ROOT } from "../support/fixtures.ts";
import { simEpisode } from "../support/sim-episode.ts";

const REPEAT = Number(process.env.ALIGNED_BENCH_REPEAT ?? 3);

async function findEpisode(): Promise<string> {
  const given = process.argv[2];
  if (given) return resolve(given);
  const lib = join(REPO_ROOT, "tmp", "bench-viewer", "reference-lib");
  if (existsSync(lib)) {
    const ep = readdirSync(lib, { withFileTypes: true }).find((d) => d.isDirectory() && existsSync(join(lib, d.name, "episode.mcap")));
    if (ep) return join(lib, ep.name);
  }
  console.log("no viewer bench episode (run npm run bench:viewer for the 2 GB one): using a 10 s reference-rig episode");
  return simEpisode({ profile: "reference", seconds: 10, seed: 104 });
}

/** Drops `file` from the page cache (best effort); returns the share of it still cached, or undefined when unknown. */
function dropFromPageCache(file: string): number | undefined {
  try {
    execFileSync("dd", [`if=${file}`, "iflag=nocache", "count=0", "status=none"]);
    const out = execFileSync("fincore", ["--bytes", "--noheadings", "--output", "RES,SIZE", file], { encoding: "utf8" }).trim().split(/\s+/);
    return Number(out[0]) / Number(out[1]);
  } catch {
    return undefined;
  }
}

async function timeMs(f: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await f();
  return performance.now() - t0;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const dir = await findEpisode();
  const mcap = join(dir, "episode.mcap");
  const size = statSync(mcap).size;
  const decompress = await loadDecompressHandlers();
  console.log(`bench:aligned — ${dir} (${(size / 1e9).toFixed(2)} GB), ${REPEAT} runs each, median`);

  const summary = async () => {
    const h = await open(mcap, "r");
    try {
      const r = await McapIndexedReader.Initialize({ readable: new FileHandleReadable(h), decompressHandlers: decompress });
      for await (const _ of r.readMetadata());
    } finally {
      await h.close();
    }
  };
  const sequential = async () => {
    const h = await open(mcap, "r");
    const buf = Buffer.allocUnsafe(8 * 1024 * 1024);
    try {
      let pos = 0;
      for (;;) {
        const { bytesRead } = await h.read(buf, 0, buf.byteLength, pos);
        if (bytesRead === 0) break;
        pos += bytesRead;
      }
    } finally {
      await h.close();
    }
  };
  const openClose = (o: OpenAlignedOptions = {}) => async () => (await openAlignedEpisode(dir, o)).close();
  const clearCaches = () => rmSync(join(dir, INDEX_DIR), { recursive: true, force: true });

  await openClose({ indexCache: false, crossModal: false })(); // module and JIT warm-up

  const rows: Array<[string, number[], string]> = [];
  const cold: number[] = [];
  const summaryCold: number[] = [];
  const seqCold: number[] = [];
  const residency: Array<number | undefined> = [];
  for (let i = 0; i < REPEAT; i++) {
    residency.push(dropFromPageCache(mcap));
    summaryCold.push(await timeMs(summary));
    dropFromPageCache(mcap);
    seqCold.push(await timeMs(sequential));
    dropFromPageCache(mcap);
    clearCaches();
    cold.push(await timeMs(openClose()));
  }
  const noCache: number[] = [];
  const noCacheNoXm: number[] = [];
  const warm: number[] = [];
  const summaryWarm: number[] = [];
  const seqWarm: number[] = [];
  for (let i = 0; i < REPEAT; i++) {
    summaryWarm.push(await timeMs(summary));
    seqWarm.push(await timeMs(sequential));
    noCacheNoXm.push(await timeMs(openClose({ indexCache: false, crossModal: false })));
    clearCaches();
    noCache.push(await timeMs(openClose()));
    warm.push(await timeMs(openClose()));
  }
  const known = residency.filter((r): r is number => r !== undefined);
  const dropNote = known.length === 0 ? "page cache drop not verifiable here" : `file still in page cache after drop: ${(Math.max(...known) * 100).toFixed(0)}% (worst run)`;
  rows.push(
    ["summary section only (cold)", summaryCold, "baseline"],
    ["sequential read of the file (cold)", seqCold, "baseline"],
    ["open, no caches (cold)", cold, "index + fit + cross-modal"],
    ["summary section only (page cache warm)", summaryWarm, "baseline"],
    ["sequential read of the file (page cache warm)", seqWarm, "baseline"],
    ["open, no caches, no cross-modal (warm)", noCacheNoXm, "index + fit"],
    ["open, no caches (warm)", noCache, "index + fit + cross-modal"],
    ["open with .index caches (warm)", warm, "goal < 500 ms"],
  );
  const seqC = median(seqCold);
  const seqW = median(seqWarm);
  for (const [label, xs, note] of rows) {
    const m = median(xs);
    const vs = label.includes("cold") ? `${(m / seqC).toFixed(3)}× sequential cold` : `${(m / seqW).toFixed(3)}× sequential warm`;
    console.log(`${label.padEnd(46)} ${m.toFixed(0).padStart(7)} ms   ${vs.padEnd(26)} ${note}`);
  }
  console.log(`sequential read: ${(size / 1e6 / (seqC / 1000)).toFixed(0)} MB/s cold, ${(size / 1e6 / (seqW / 1000)).toFixed(0)} MB/s warm; ${dropNote}`);
  const w = median(warm);
  console.log(`warm open ${w.toFixed(0)} ms: ${w < 500 ? "meets" : "misses"} the < 500 ms goal`);
}

await main();
