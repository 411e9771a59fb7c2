// ffprobe (an independent reader of what ffmpeg wrote) and stream-copy concatenation of mp4 files.
import { execFile } from "node:child_process";
import { renameSync, rmSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { promisify } from "node:util";
import { z } from "zod";
import { FFMPEG, FFPROBE, mp4TimingArgs } from "./ffmpeg.ts";

const execFileAsync = promisify(execFile);

export interface VideoProbe {
  codec: string;
  pixFmt: string;
  width: number;
  height: number;
  /** r_frame_rate as a number. */
  fps: number;
  /** Presentation times of every packet (s), ascending. */
  packetTimes: number[];
  hasAudio: boolean;
}

const probeSchema = z.object({
  streams: z.array(
    z.object({
      codec_type: z.string(),
      codec_name: z.string().optional(),
      pix_fmt: z.string().optional(),
      width: z.number().optional(),
      height: z.number().optional(),
      r_frame_rate: z.string().optional(),
    }),
  ),
  packets: z.array(z.object({ pts_time: z.string().optional(), stream_index: z.number().optional() })).default([]),
});

/** Probes a video file; packet times locate each episode's span in a concatenated file. */
export async function probeVideo(path: string): Promise<VideoProbe> {
  let stdout: string;
  try {
    ({ stdout } = await execFileAsync(FFPROBE, ["-v", "error", "-show_entries", "stream=codec_type,codec_name,pix_fmt,width,height,r_frame_rate:packet=pts_time,stream_index", "-of", "json", path], { maxBuffer: 256 << 20 }));
  } catch (err) {
    throw new Error(`ffprobe cannot read ${path}: ${err instanceof Error ? err.message.split("\n").slice(0, 3).join(" ") : String(err)}`);
  }
  const parsed = probeSchema.safeParse(JSON.parse(stdout));
  if (!parsed.success) throw new Error(`ffprobe output for ${path} is not what was expected: ${parsed.error.message}`);
  const streams = parsed.data.streams;
  const vIndex = streams.findIndex((s) => s.codec_type === "video");
  const v = streams[vIndex];
  if (!v) throw new Error(`${path} has no video stream`);
  const [num, den] = (v.r_frame_rate ?? "0/1").split("/").map(Number);
  const packetTimes = parsed.data.packets
    .filter((p) => p.stream_index === vIndex && p.pts_time !== undefined)
    .map((p) => Number(p.pts_time))
    .sort((a, b) => a - b);
  return {
    codec: v.codec_name ?? "unknown",
    pixFmt: v.pix_fmt ?? "unknown",
    width: v.width ?? 0,
    height: v.height ?? 0,
    fps: den ? (num ?? 0) / den : 0,
    packetTimes,
    hasAudio: streams.some((s) => s.codec_type === "audio"),
  };
}

/**
 * Appends `segment` to `target` by stream copy (no re-encode), the way LeRobot v3.0 concatenates
 * episodes into one file. Written to a temporary file and renamed, so `target` is never half-written.
 */
export async function appendVideo(target: string, segment: string, fps: number): Promise<void> {
  const list = `${target}.concat.txt`;
  const tmp = `${target}.tmp.mp4`;
  const quote = (p: string) => `file '${p.replace(/'/g, "'\\''")}'`;
  // The concat demuxer resolves relative names against the list's folder: give absolute ones.
  writeFileSync(list, `${quote(resolve(target))}\n${quote(resolve(segment))}\n`);
  try {
    await execFileAsync(FFMPEG, ["-hide_banner", "-nostdin", "-loglevel", "error", "-y", "-f", "concat", "-safe", "0", "-i", list, "-c", "copy", ...mp4TimingArgs(fps).slice(2), "-f", "mp4", tmp], { maxBuffer: 8 << 20 });
    renameSync(tmp, target);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw new Error(`cannot append ${segment} to ${target}: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    rmSync(list, { force: true });
  }
}
