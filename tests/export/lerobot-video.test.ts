// The LeRobot writer's video and stats building blocks against independent references: frames
// encoded through ffmpeg's stdin decode back (ffmpeg) close to what went in — RGB by PSNR, depth
// through upstream's 12-bit log quantization within its resolution — appended files keep every
// frame at i / fps, and the stats port reproduces numpy's numbers on data with known answers.
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { FrameEncoder } from "../../export/video/encode.ts";
import { chooseDepthEncoder, chooseRgbEncoder } from "../../export/video/ffmpeg.ts";
import { appendVideo, probeVideo } from "../../export/video/probe.ts";
import { DEPTH_QMAX, dequantizeDepth, depthQuantizationTable, quantizeDepthFrame } from "../../export/video/depth.ts";
import { aggregateStats, imageSampleIndices, vectorStats } from "../../export/lerobot/stats.ts";

const dir = mkdtempSync(join(tmpdir(), "teledemo-lerobot-video-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const W = 96;
const H = 64;
const FPS = 15;

function decode(path: string, pixFmt: string): Buffer {
  return execFileSync("ffmpeg", ["-v", "error", "-i", path, "-f", "rawvideo", "-pix_fmt", pixFmt, "pipe:1"], { maxBuffer: 1 << 28 });
}

describe("video encoding through ffmpeg's stdin", () => {
  it("RGB frames decode back close to the input (PSNR), AV1 yuv420p by default", async () => {
    const choice = await chooseRgbEncoder({ codec: "auto", crf: 20, gop: 2 }, { width: W, height: H });
    expect(choice.codec).toBe("av1");
    const frames: Uint8Array[] = [];
    for (let f = 0; f < 8; f++) {
      const b = new Uint8Array(W * H * 3);
      for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) b.set([(x * 2 + f * 8) & 255, y * 3, 128], (y * W + x) * 3);
      frames.push(b);
    }
    const path = join(dir, "rgb.mp4");
    const enc = new FrameEncoder({ pixFmt: "rgb24", width: W, height: H, fps: FPS }, choice, path);
    for (const f of frames) await enc.write(f);
    expect((await enc.finish()).frames).toBe(8);
    const out = decode(path, "rgb24");
    expect(out.length).toBe(8 * W * H * 3);
    let se = 0;
    for (let f = 0; f < 8; f++) for (let i = 0; i < W * H * 3; i++) se += (out[f * W * H * 3 + i]! - frames[f]![i]!) ** 2;
    const psnr = 10 * Math.log10((255 * 255) / (se / out.length));
    expect(psnr).toBeGreaterThan(30);
    const p = await probeVideo(path);
    expect([p.codec, p.pixFmt, p.width, p.height, p.fps]).toEqual(["av1", "yuv420p", W, H, FPS]);
  });

  it("H.264 when asked", async () => {
    const choice = await chooseRgbEncoder({ codec: "h264", crf: 23, gop: 2 }, { width: W, height: H });
    const path = join(dir, "h264.mp4");
    const enc = new FrameEncoder({ pixFmt: "rgb24", width: W, height: H, fps: FPS }, choice, path);
    for (let f = 0; f < 3; f++) await enc.write(new Uint8Array(W * H * 3).fill(f * 40));
    await enc.finish();
    expect((await probeVideo(path)).codec).toBe("h264");
  });

  it("depth: 12-bit log codes in HEVC gray12le decode back to millimetres within about a quantization step", async () => {
    const table = depthQuantizationTable();
    // Monotone, and the step at 1 m is about a millimetre or two (upstream's log scale).
    expect(table[0]).toBe(0);
    expect(table[10_000]).toBe(DEPTH_QMAX);
    expect(table[1000]!).toBeLessThan(table[1010]!);
    const mm = new Uint16Array(W * H);
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) mm[y * W + x] = 400 + x * 20 + y * 5;
    const raw = new Uint8Array(mm.buffer);
    const choice = await chooseDepthEncoder({ codec: "auto", crf: 0, gop: 1 });
    const path = join(dir, "depth.mp4");
    const enc = new FrameEncoder({ pixFmt: "gray12le", width: W, height: H, fps: FPS }, choice, path);
    for (let f = 0; f < 3; f++) await enc.write(quantizeDepthFrame(raw, table));
    await enc.finish();
    const p = await probeVideo(path);
    expect([p.codec, p.pixFmt]).toEqual(["hevc", "gray12le"]);
    const out = decode(path, "gray12le");
    let worst = 0;
    let sum = 0;
    for (let i = 0; i < W * H; i++) {
      const code = out.readUInt16LE(i * 2);
      const back = dequantizeDepth(code);
      const step = dequantizeDepth(table[mm[i]!]! + 1) - dequantizeDepth(table[mm[i]!]!);
      const err = Math.abs(back - mm[i]!) / step;
      worst = Math.max(worst, err);
      sum += err;
    }
    // HEVC at crf 0 is near-lossless (not lossless): on average within a quantization step.
    console.log(`depth round trip: mean ${(sum / (W * H)).toFixed(2)}, worst ${worst.toFixed(2)} quantization steps`);
    expect(sum / (W * H)).toBeLessThan(1);
    expect(worst).toBeLessThan(10);
  });

  it("appending by stream copy keeps every frame at i / fps", async () => {
    const choice = await chooseRgbEncoder({ codec: "auto", crf: 30, gop: 2 }, { width: W, height: H });
    const parts = [5, 7].map((n, k) => {
      const path = join(dir, `part${k}.mp4`);
      return { n, path };
    });
    for (const { n, path } of parts) {
      const enc = new FrameEncoder({ pixFmt: "rgb24", width: W, height: H, fps: FPS }, choice, path);
      for (let f = 0; f < n; f++) await enc.write(new Uint8Array(W * H * 3).fill(f * 20));
      await enc.finish();
    }
    const target = join(dir, "joined.mp4");
    copyFileSync(parts[0]!.path, target);
    await appendVideo(target, parts[1]!.path, FPS);
    const p = await probeVideo(target);
    expect(p.packetTimes).toHaveLength(12);
    p.packetTimes.forEach((t, i) => expect(Math.abs(t - i / FPS)).toBeLessThan(1e-4));
  });

  it("a frame of the wrong size is refused with the file named", async () => {
    const choice = await chooseRgbEncoder({ codec: "h264", crf: 23, gop: 2 });
    const path = join(dir, "bad.mp4");
    const enc = new FrameEncoder({ pixFmt: "rgb24", width: W, height: H, fps: FPS }, choice, path);
    await expect(enc.write(new Uint8Array(10))).rejects.toThrow(/bad\.mp4: frame 0 has 10 bytes/);
    enc.abort();
  });
});

describe("stats as upstream's compute_stats", () => {
  it("min, max, mean, population std and histogram quantiles", () => {
    // 0..999 in one column, 2×that in another: numpy gives mean 499.5, std 288.6749902572095.
    const n = 1000;
    const v = new Float64Array(n * 2);
    for (let i = 0; i < n; i++) {
      v[i * 2] = i;
      v[i * 2 + 1] = 2 * i;
    }
    const s = vectorStats(v, n, 2);
    expect(s.min).toEqual([0, 0]);
    expect(s.max).toEqual([999, 1998]);
    expect(s.mean).toEqual([499.5, 999]);
    expect(s.std[0]).toBeCloseTo(288.6749902572095, 9);
    expect(s.count).toEqual([1000]);
    // Quantiles from 5000 bins: within a bin width of the exact order statistics.
    expect(Math.abs(s.q50[0]! - 499.5)).toBeLessThan(1);
    expect(Math.abs(s.q01[0]! - 10)).toBeLessThan(1);
    expect(Math.abs(s.q99[1]! - 1979)).toBeLessThan(2);
  });

  it("aggregates episodes like aggregate_stats: weighted mean, parallel variance, quantile envelope", () => {
    const a = vectorStats([0, 1, 2, 3], 4, 1);
    const b = vectorStats([10, 11], 2, 1);
    const all = vectorStats([0, 1, 2, 3, 10, 11], 6, 1);
    const agg = aggregateStats([{ x: a }, { x: b }]).x!;
    expect(agg.mean[0]).toBeCloseTo(all.mean[0]!, 12);
    expect(agg.std[0]).toBeCloseTo(all.std[0]!, 12);
    expect(agg.count).toEqual([6]);
    expect(agg.q10[0]).toBe(Math.min(a.q10[0]!, b.q10[0]!));
    expect(agg.q90[0]).toBe(Math.max(a.q90[0]!, b.q90[0]!));
  });

  it("samples image frames as upstream's sample_indices", () => {
    expect(imageSampleIndices(5)).toEqual([0, 1, 2, 3, 4]);
    const s = imageSampleIndices(1000);
    expect(s).toHaveLength(177);
    expect(s[0]).toBe(0);
    expect(s.at(-1)).toBe(999);
  });
});
