// ffmpeg as a child process: encoder discovery, codec choice and the command lines the dataset
// writers use. Frames go in on stdin as raw video (never a folder of PNGs), so an episode's video
// is streamed through the encoder without holding its frames.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import type { VideoOptions } from "../model.ts";

const execFileAsync = promisify(execFile);

export const FFMPEG = process.env.TELEDEMO_FFMPEG ?? "ffmpeg";
export const FFPROBE = process.env.TELEDEMO_FFPROBE ?? "ffprobe";

let encodersCache: Promise<Set<string>> | undefined;

/** Names of the video encoders this ffmpeg build has (`ffmpeg -encoders`), cached per process. */
export function availableEncoders(): Promise<Set<string>> {
  encodersCache ??= execFileAsync(FFMPEG, ["-hide_banner", "-encoders"], { maxBuffer: 8 << 20 })
    .then(({ stdout }) => {
      const names = new Set<string>();
      for (const line of stdout.split("\n")) {
        // " V....D libx264   libx264 H.264 ..." — flags column starts with V for video encoders.
        const m = /^\s*V[A-Z.]{5}\s+(\S+)/.exec(line);
        if (m?.[1]) names.add(m[1]);
      }
      return names;
    })
    .catch((err: unknown) => {
      encodersCache = undefined;
      throw new Error(`cannot run ${FFMPEG} -encoders (is ffmpeg installed?): ${err instanceof Error ? err.message : String(err)}`);
    });
  return encodersCache;
}

/** A concrete encoder choice, with what info.json records about it. */
export interface EncoderChoice {
  /** ffmpeg encoder name (libsvtav1, libaom-av1, libx264, libx265). */
  encoder: string;
  /** Codec name as ffprobe reports it (av1, h264, hevc). */
  codec: string;
  /** Output pixel format. */
  pixFmt: string;
  gop: number;
  crf: number;
  /** Encoder preset where one applies (svt-av1 preset number, x264/x265 preset name), else null. */
  preset: number | string | null;
}

/**
 * RGB streams: AV1 when ffmpeg has an AV1 encoder (libsvtav1 first, as upstream LeRobot's default,
 * then libaom-av1), else H.264 (libx264); always yuv420p.
 */
export async function chooseRgbEncoder(options: VideoOptions, size?: { width: number; height: number }): Promise<EncoderChoice> {
  const encoders = await availableEncoders();
  // SVT-AV1 refuses frames under 64 pixels on a side; libaom-av1 takes them.
  const svtFits = !size || (size.width >= 64 && size.height >= 64);
  const av1 = ["libsvtav1", "libaom-av1"].filter((e) => svtFits || e !== "libsvtav1").find((e) => encoders.has(e));
  let encoder: string;
  if (options.codec === "h264") encoder = "libx264";
  else if (options.codec === "av1") {
    if (!av1) throw new Error("--codec av1: this ffmpeg has no AV1 encoder (libsvtav1 or libaom-av1); use --codec h264");
    encoder = av1;
  } else encoder = av1 ?? "libx264";
  if (!encoders.has(encoder)) throw new Error(`ffmpeg has no ${encoder} encoder`);
  const codec = encoder === "libx264" ? "h264" : "av1";
  // svt-av1 preset 12 is upstream LeRobot's default (fast; quality comes from crf); aom's
  // cpu-used 8 is its fastest good-quality mode; x264 keeps its own default preset.
  const preset = encoder === "libsvtav1" ? 12 : encoder === "libaom-av1" ? 8 : null;
  return { encoder, codec, pixFmt: "yuv420p", gop: options.gop, crf: options.crf, preset };
}

/**
 * Depth streams, as upstream LeRobot stores depth: 12-bit log-quantized codes in HEVC Main 12,
 * gray12le (export/video/depth.ts does the quantization).
 */
export async function chooseDepthEncoder(options: VideoOptions): Promise<EncoderChoice> {
  const encoders = await availableEncoders();
  if (!encoders.has("libx265")) throw new Error("depth video needs ffmpeg's libx265 encoder (HEVC Main 12, gray12le), which this ffmpeg lacks");
  return { encoder: "libx265", codec: "hevc", pixFmt: "gray12le", gop: options.gop, crf: options.crf, preset: null };
}

/** Input description of the raw frames written to ffmpeg's stdin. */
export interface RawInput {
  pixFmt: "rgb24" | "gray12le";
  width: number;
  height: number;
  fps: number;
}

/** ffmpeg arguments: raw frames on stdin → one mp4 file. */
export function encodeArgs(input: RawInput, choice: EncoderChoice, outPath: string, threads?: number): string[] {
  const args = ["-hide_banner", "-nostdin", "-loglevel", "error", "-y"];
  args.push("-f", "rawvideo", "-pix_fmt", input.pixFmt, "-s", `${input.width}x${input.height}`, "-framerate", String(input.fps), "-i", "pipe:0");
  args.push("-an", "-c:v", choice.encoder, "-pix_fmt", choice.pixFmt, "-g", String(choice.gop), "-crf", String(choice.crf));
  if (choice.encoder === "libsvtav1") {
    args.push("-preset", String(choice.preset ?? 12));
    if (threads) args.push("-svtav1-params", `lp=${threads}`);
  } else if (choice.encoder === "libaom-av1") {
    args.push("-cpu-used", String(choice.preset ?? 8), "-row-mt", "1");
    if (threads) args.push("-threads", String(threads));
  } else if (choice.encoder === "libx265") {
    args.push("-x265-params", "log-level=error");
    if (threads) args.push("-threads", String(threads));
  } else if (threads) args.push("-threads", String(threads));
  args.push(...mp4TimingArgs(input.fps), "-f", "mp4", outPath);
  return args;
}

/**
 * Constant frame rate in the container: frame i is presented at exactly i / fps, and the file's
 * duration is exact too. The movie header's default 1 ms timescale rounds a 1/15 s multiple, and
 * the concat demuxer starts each appended episode at that rounded duration — an offset beyond
 * LeRobot's 1e-4 s decoding tolerance; a movie timescale equal to the track's keeps it exact.
 */
export function mp4TimingArgs(fps: number): string[] {
  const ts = String(timescaleFor(fps));
  return ["-fps_mode", "passthrough", "-video_track_timescale", ts, "-movie_timescale", ts];
}

/** A track timescale in which i / fps is an integer tick for every frame (fps is an integer in LeRobot). */
export function timescaleFor(fps: number): number {
  const f = Math.round(fps);
  // A multiple of fps close to 90 kHz keeps ffmpeg's muxer happy and timestamps exact.
  return f * Math.max(1, Math.round(90_000 / f));
}
