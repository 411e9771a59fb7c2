// npm run bench:export — `teledemo export --format lerobot` of a 60 s reference-rig episode against
// ffmpeg alone encoding the same frames with the same settings, measured in the same run; and the
// speed-up of --jobs 2 over --jobs 1 on two episodes.
//
// The baseline: every camera's frames of the episode (the export's own resampled, converted frames;
// depth already quantized to gray12le) are extracted to raw files first, then the same ffmpeg
// command lines the writer uses run on them, all cameras at once as the writer runs them, with
// the files read from disk instead of stdin. Ratio = export wall time / ffmpeg wall time (goal ≤ 1.2:
// the encoder is the limit).
//
// Env: BENCH_SECONDS (default 60), BENCH_FPS (default 30), BENCH_DIR (scratch folder), BENCH_SKIP_JOBS=1,
// BENCH_SKIP_RATIO=1, BENCH_JOBS_SECONDS (episode length for the --jobs comparison; default BENCH_SECONDS).
import { spawn } from "node:child_process";
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, statfsSync, writeFileSync } from "node:fs";
import { once } from "node:events";
import { join } from "node:path";
import { runCli } from "../support/cli-child.ts";
import { REPO_ROOT } from "../support/fixtures.ts";
import { builtinMappingFor } from "../../export/mapping.ts";
import { resampleEpisode } from "../../export/resample/resample.ts";
import { toResampledEpisode } from "../../export/resample/videos.ts";
import { FFMPEG, chooseDepthEncoder, chooseRgbEncoder, encodeArgs } from "../../export/video/ffmpeg.ts";
import { depthQuantizationTable, quantizeDepthFrame } from "../../export/video/depth.ts";
import { LeRobotWriter } from "../../export/lerobot/writer.ts";
import type { ResampledEpisode } from "../../export/model.ts";
import { open as openFile } from "node:fs/promises";

const FPS = Number(process.env.BENCH_FPS ?? 30);
const VIDEO = { codec: "auto" as const, crf: 30, gop: 2 };
const GB = 1024 ** 3;

// ~110 MB per second of reference-rig recording per episode; raw frames for the baseline
// (3 × 640×480×3 + 640×480×2 bytes per frame) ≈ 3.4 GB per minute at 30 fps.
function neededBytes(seconds: number): number {
  return seconds * (2 * 0.11 * GB + (3.4 * GB) / 60) + 2 * GB;
}
const free = (() => {
  const s = statfsSync(REPO_ROOT);
  return s.bavail * s.bsize;
})();
let seconds = Number(process.env.BENCH_SECONDS ?? 60);
if (neededBytes(seconds) > free) {
  const fits = Math.floor((free - 2 * GB) / (neededBytes(1) - 2 * GB));
  console.log(`only ${(free / GB).toFixed(1)} GB free: using ${fits} s episodes instead of ${seconds} s`);
  seconds = fits;
}

const scratch = mkdtempSync(join(process.env.BENCH_DIR ?? join(REPO_ROOT, "tmp"), "bench-export-"));
process.on("exit", () => rmSync(scratch, { recursive: true, force: true }));

/**
 * Two reference-rig episodes, recorded by the real CLI once and cached under tmp/test-episodes
 * (like tests/support/sim-episode.ts, but without its 10-minute limit: 2 × 60 s of the reference
 * rig is ~13 GB and takes longer than that on a loaded machine).
 */
async function referenceLibrary(seconds: number): Promise<string[]> {
  const library = join(REPO_ROOT, "tmp", "test-episodes", `bench-export-reference-t${seconds}-n2`);
  const list = () => readdirSync(library, { withFileTypes: true }).filter((d) => d.isDirectory() && existsSync(join(library, d.name, "episode.mcap"))).map((d) => join(library, d.name)).sort();
  if (existsSync(join(library, ".complete"))) return list();
  const staging = `${library}.staging-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  const args = ["record", "--source", "sim", "--profile", "reference", "--seed", "7", "--speed", "max", "--out", staging, "--task", "pick up the cube and place it in the bin", "--operator", "bench", "--episodes", "2", "--episode-time", String(seconds), "--reset-time", "0.5", "--min-free", "1GB", "--json"];
  const r = await runCli(args, 6 * 3_600_000);
  if (r.code !== 0) throw new Error(`recording the reference episodes failed (exit ${r.code}):\n${r.stderr.slice(-2000)}`);
  writeFileSync(join(staging, ".complete"), "");
  rmSync(library, { recursive: true, force: true });
  renameSync(staging, library);
  return list();
}

console.log(`recording (or reusing) two ${seconds} s reference-rig episodes ...`);
const [ep0] = (await referenceLibrary(seconds)) as [string, string];

async function exportRun(name: string, episodes: string[], jobs: number): Promise<number> {
  const out = join(scratch, name);
  const t = performance.now();
  const r = await runCli(["export", "--format", "lerobot", "--fps", String(FPS), "--jobs", String(jobs), "--on-stale", "flag", "--out", out, "--json", ...episodes], 3_600_000);
  const s = (performance.now() - t) / 1000;
  if (r.code !== 0) throw new Error(`teledemo export failed (exit ${r.code}):\n${r.stderr.slice(-3000)}\n${r.stdout.slice(-3000)}`);
  rmSync(out, { recursive: true, force: true });
  return s;
}

const lines: string[] = [];

/** Inverse of the depth quantization per pixel (code → mm), for the writer-alone run. */
const codeToMm = (() => {
  const table = depthQuantizationTable();
  const inv = new Uint16Array(4096);
  // The smallest millimetre value of each code: quantizing it gives the same code back.
  for (let mm = 65535; mm >= 0; mm--) inv[table[mm]!] = mm;
  return inv;
})();
function dequantizedDepth(codes: Uint8Array): Uint8Array {
  const out = new Uint8Array(codes.byteLength);
  for (let j = 0; j < codes.byteLength; j += 2) {
    const mm = codeToMm[codes[j]! | (codes[j + 1]! << 8)]!;
    out[j] = mm & 0xff;
    out[j + 1] = mm >> 8;
  }
  return out;
}
if (process.env.BENCH_SKIP_RATIO !== "1") await ratio();

async function ratio(): Promise<void> {
  // 1. The export of one episode, --jobs 1.
  console.log(`exporting one episode (--jobs 1, ${FPS} fps) ...`);
  const exportS = await exportRun("one", [ep0], 1);
  console.log(`  export: ${exportS.toFixed(1)} s`);

  // 2. ffmpeg alone on the same frames.
  console.log("extracting the same frames to raw files for the ffmpeg-only baseline ...");
  const core = await resampleEpisode({ path: ep0, mapping: builtinMappingFor("reference")!.mapping, fps: FPS, onStale: "flag", annotator: undefined });
  const ep = toResampledEpisode(core);
  const frames = core.gridNs.length;
  const table = depthQuantizationTable();
  const raws: Array<{ path: string; args: string[] }> = [];
  for (const v of ep.videos) {
    const path = join(scratch, `${v.key}.raw`);
    const ws = createWriteStream(path);
    for await (const f of v.frames()) if (!ws.write(v.pixel === "depth" ? quantizeDepthFrame(f, table) : f)) await once(ws, "drain");
    ws.end();
    await once(ws, "finish");
    const choice = v.pixel === "depth" ? await chooseDepthEncoder(VIDEO) : await chooseRgbEncoder(VIDEO, v);
    const args = encodeArgs({ pixFmt: v.pixel === "depth" ? "gray12le" : "rgb24", width: v.width, height: v.height, fps: FPS }, choice, join(scratch, `${v.key}.mp4`)).map((a) => (a === "pipe:0" ? path : a));
    raws.push({ path, args });
  }
  await ep.release();

  // The writer alone: the same episode with its frames read back from the raw files (no MCAP
  // reading, alignment or image decoding), to see what the writer adds on top of ffmpeg.
  console.log("writing the episode with its frames from the raw files (the LeRobot writer alone) ...");
  const fromRaw: ResampledEpisode = {
    ...ep,
    videos: ep.videos.map((v, k) => ({
      ...v,
      async *frames() {
        const size = v.width * v.height * (v.pixel === "rgb" ? 3 : 2);
        const fh = await openFile(raws[k]!.path, "r");
        try {
          for (let i = 0; i < frames; i++) {
            const buf = new Uint8Array(size);
            const { bytesRead } = await fh.read(buf, 0, size, i * size);
            if (bytesRead !== size) throw new Error(`${raws[k]!.path}: short read at frame ${i}`);
            // The raw depth file holds quantized codes; hand the writer millimetres again.
            yield v.pixel === "depth" ? dequantizedDepth(buf) : buf;
          }
        } finally {
          await fh.close();
        }
      },
    })),
  };
  const writer = new LeRobotWriter();
  const tw = performance.now();
  await writer.open(join(scratch, "writer-only"), { fps: FPS, resume: false, video: VIDEO });
  await writer.writeEpisode(fromRaw);
  await writer.close();
  const writerS = (performance.now() - tw) / 1000;
  rmSync(join(scratch, "writer-only"), { recursive: true, force: true });
  console.log(`  writer alone: ${writerS.toFixed(1)} s`);

  mkdirSync(scratch, { recursive: true });
  console.log(`running ffmpeg alone on ${raws.length} streams × ${frames} frames ...`);
  const t0 = performance.now();
  await Promise.all(
    raws.map(
      (r) =>
        new Promise<void>((resolve, reject) => {
          const child = spawn(FFMPEG, r.args, { stdio: ["ignore", "ignore", "inherit"] });
          child.on("error", reject);
          child.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`ffmpeg exited ${code}: ${r.args.join(" ")}`))));
        }),
    ),
  );
  const ffmpegS = (performance.now() - t0) / 1000;
  for (const r of raws) rmSync(r.path, { force: true });
  console.log(`  ffmpeg alone: ${ffmpegS.toFixed(1)} s`);

  lines.push(
    `episode: ${seconds} s reference rig, ${frames} frames at ${FPS} fps, ${raws.length} video streams (${raws.map((r) => r.args[r.args.indexOf("-c:v") + 1]).join(", ")})`,
    `export --jobs 1: ${exportS.toFixed(1)} s; ffmpeg alone on the same frames: ${ffmpegS.toFixed(1)} s; ratio ${(exportS / ffmpegS).toFixed(2)}× (goal ≤ 1.2×)`,
    `the LeRobot writer alone (frames from raw files, self-check included): ${writerS.toFixed(1)} s; ${(writerS / ffmpegS).toFixed(2)}× ffmpeg alone`,
  );
}

// 3. --jobs 2 vs --jobs 1 on two episodes.
if (process.env.BENCH_SKIP_JOBS !== "1") {
  const jobsSeconds = Number(process.env.BENCH_JOBS_SECONDS ?? seconds);
  const pair = await referenceLibrary(jobsSeconds);
  console.log(`exporting two ${jobsSeconds} s episodes with --jobs 1, then --jobs 2 ...`);
  const j1 = await exportRun("jobs1", pair, 1);
  console.log(`  --jobs 1: ${j1.toFixed(1)} s`);
  const j2 = await exportRun("jobs2", pair, 2);
  console.log(`  --jobs 2: ${j2.toFixed(1)} s`);
  lines.push(`two ${jobsSeconds} s episodes: --jobs 1 ${j1.toFixed(1)} s, --jobs 2 ${j2.toFixed(1)} s; speed-up ${(j1 / j2).toFixed(2)}×`);
}
console.log("");
for (const l of lines) console.log(l);
console.log(`(machine: ${(await import("node:os")).cpus().length} cores, shared with whatever else runs now; wall-clock times)`);
