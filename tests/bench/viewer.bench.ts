// npm run bench:viewer — the viewer in headless chromium on a ~2 GB reference-rig episode
// (recorded once into tmp/bench-viewer/, reused after): time from opening the episode to the
// first complete frame (every visible panel drawn once), seek latency over 50 random seeks, and
// the worker's decode throughput as a multiple of real time. Baselines measured in the same run
// and page: one HTTP Range request of a 4 MiB chunk (the floor under a seek) and a plain
// streaming download of the whole file (the floor under decoding everything).
import { existsSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { runCli } from "../support/cli-child.ts";
import { REPO_ROOT } from "../support/fixtures.ts";
import { seededRandom } from "../support/random.ts";
import { launchBrowser, openEpisode, startViewServer, telemetry } from "../viewer/support/browser.ts";

const LIB = join(REPO_ROOT, "tmp", "bench-viewer", "reference-lib");
const SEEKS = Number(process.env.BENCH_SEEKS ?? 50);

function episodeDirs(): string[] {
  if (!existsSync(LIB)) return [];
  return readdirSync(LIB, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(LIB, d.name, "episode.mcap")))
    .map((d) => join(LIB, d.name));
}

if (episodeDirs().length === 0) {
  console.log("recording the 18 s reference-rig episode (about 2 GB) into tmp/bench-viewer/ (once) ...");
  const staging = `${LIB}.staging`;
  rmSync(staging, { recursive: true, force: true });
  const r = await runCli(["record", "--profile", "reference", "--speed", "max", "--episode-time", "18", "--reset-time", "0.5", "--out", staging, "--task", "pick up the cube", "--operator", "bench", "--min-free", "3GB", "--json"], 1_800_000);
  if (r.code !== 0) throw new Error(`recording failed (exit ${r.code}): ${r.stderr}`);
  renameSync(staging, LIB);
}
const episodeDir = episodeDirs()[0]!;
const id = episodeDir.split("/").pop()!;
const bytes = statSync(join(episodeDir, "episode.mcap")).size;
console.log(`episode ${id}: ${(bytes / 1e9).toFixed(2)} GB`);

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};

const server = await startViewServer(LIB);
const session = await launchBrowser();
type Hooks = { hooks: Record<string, (...a: unknown[]) => unknown> };
try {
  const { page } = session;
  // Cold: the first open after the server started (the server opens the episode and its alignment).
  const coldWall = Date.now();
  const cold = await openEpisode(page, server.url, id, 600_000);
  const coldWallMs = Date.now() - coldWall;
  // Warm: open it again in a fresh page load (server caches warm, browser cache cold: the worker re-reads).
  await page.goto("about:blank");
  const warmWall = Date.now();
  const warm = await openEpisode(page, server.url, id, 600_000);
  const warmWallMs = Date.now() - warmWall;
  const durationS = (await page.evaluate(() => fetch(location.pathname.replace(/\/$/, "") + "/api/episodes").then((r) => r.json()))) as Array<{ id: string; durationS: number }>;
  const dur = durationS.find((e) => e.id === id)!.durationS;

  // Seeks: uniformly random playhead positions (seeded), each awaited until its frame is drawn.
  const rnd = seededRandom(42);
  const seekMs: number[] = [];
  for (let i = 0; i < SEEKS; i++) {
    const s = rnd() * dur;
    seekMs.push((await page.evaluate((t) => (window as unknown as { __teledemo: Hooks }).__teledemo.hooks["seek"]!(t), s).catch((err: unknown) => { throw new Error(`seek ${i} to ${s.toFixed(2)} s: ${String(err)}; page errors: ${session.errors.join("; ")}`); })) as number);
    if (i === 0) console.log(`first seek ${seekMs[0]!.toFixed(0)} ms`);
  }
  // Baseline for a seek: one 4 MiB range request of the same file from the page.
  const url = `/files/${encodeURIComponent(id)}/episode.mcap`;
  const rangeMs = (await page.evaluate(
    async ({ u, size }) => {
      const out: number[] = [];
      for (let i = 0; i < 10; i++) {
        const off = Math.floor(((i + 0.5) / 10) * (size - (8 << 20)));
        const t = performance.now();
        const r = await fetch(u, { headers: { Range: `bytes=${off}-${off + (4 << 20) - 1}` } });
        await r.arrayBuffer();
        out.push(performance.now() - t);
      }
      return out;
    },
    { u: url, size: bytes },
  )) as number[];

  // Decode everything in the worker; baseline: stream the whole file in the page, discarding it.
  const decode = (await page.evaluate(() => (window as unknown as { __teledemo: Hooks }).__teledemo.hooks["decodeAll"]!(true))) as { messages: number; bytes: number; elapsedMs: number };
  const downloadMs = (await page.evaluate(async (u) => {
    const t = performance.now();
    const r = await fetch(u);
    const reader = r.body!.getReader();
    for (;;) {
      const { done } = await reader.read();
      if (done) break;
    }
    return performance.now() - t;
  }, url)) as number;
  const t = await telemetry(page);

  const p50 = pct(seekMs, 50);
  const p95 = pct(seekMs, 95);
  const rangeMed = pct(rangeMs, 50);
  const realtime = (dur * 1000) / decode.elapsedMs;
  console.log(`\nviewer on ${(bytes / 1e9).toFixed(2)} GB, ${dur.toFixed(1)} s episode, ${t.firstFramePanels.length} panels (${t.firstFramePanels.join(", ")})`);
  console.log(`first complete frame   cold ${cold.firstFrameMs!.toFixed(0)} ms (page load to frame ${coldWallMs} ms; server detail ${cold.marks["detail"]?.toFixed(0)} ms)   warm ${warm.firstFrameMs!.toFixed(0)} ms (page load to frame ${warmWallMs} ms)   goal < 1000 ms`);
  console.log(`  warm milestones: ${Object.entries(warm.marks).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(", ")}`);
  console.log(`  worker reads: ${JSON.stringify(await page.evaluate(() => (window as unknown as { __teledemo: Hooks }).__teledemo.hooks["stats"]!()))}`);
  console.log(`seek latency over ${SEEKS} random seeks   p50 ${p50.toFixed(0)} ms   p95 ${p95.toFixed(0)} ms   max ${Math.max(...seekMs).toFixed(0)} ms   goal p95 < 150 ms`);
  console.log(`  baseline: one 4 MiB range request ${rangeMed.toFixed(1)} ms (median)   p95 seek / range = ${(p95 / rangeMed).toFixed(1)}×`);
  // The worker decodes only what the panels show: the visible topics over the whole episode,
  // against the episode's duration (how much faster than playback can consume them).
  console.log(`decode the visible topics' ${decode.messages} messages (${(decode.bytes / 1e9).toFixed(2)} GB) over the whole episode in ${(decode.elapsedMs / 1000).toFixed(2)} s = ${realtime.toFixed(2)}× real time   goal ≥ 2×`);
  console.log(`  baseline: plain download of the file ${(downloadMs / 1000).toFixed(2)} s (${(bytes / 1e6 / (downloadMs / 1000)).toFixed(0)} MB/s)   decode / download = ${(decode.elapsedMs / downloadMs).toFixed(2)}×`);
  if (session.errors.length > 0) console.log(`page errors: ${session.errors.join("; ")}`);
} finally {
  await session.close();
  await server.stop();
}
