// sensor_msgs/Image → the writers' frame layout: rgb24 (rgb8, bgr8, rgba8, bgra8, mono8) or
// little-endian uint16 depth (16UC1 / mono16, millimetres). Rows honour `step` (padding) and
// `is_bigendian`. CompressedImage is not decoded here (it would need an ffmpeg per frame).
import type { RosMessage } from "../../nodes/runtime/api.ts";

export const RGB_ENCODINGS = ["rgb8", "bgr8", "rgba8", "bgra8", "mono8"] as const;
export const DEPTH_ENCODINGS = ["16UC1", "mono16"] as const;

export interface ImageHeader {
  width: number;
  height: number;
  encoding: string;
}

export class ImageError extends Error {}

export function imageHeader(m: RosMessage, type: string): ImageHeader {
  if (type.endsWith("CompressedImage")) throw new ImageError(`sensor_msgs/CompressedImage sources are not supported by export (decode them to sensor_msgs/Image first)`);
  if (!type.endsWith("/Image")) throw new ImageError(`type ${type} is not sensor_msgs/msg/Image`);
  return { width: Number(m.width), height: Number(m.height), encoding: String(m.encoding) };
}

export function checkEncoding(pixel: "rgb" | "depth", encoding: string, topic: string): void {
  const ok = pixel === "rgb" ? (RGB_ENCODINGS as readonly string[]).includes(encoding) : (DEPTH_ENCODINGS as readonly string[]).includes(encoding);
  if (!ok) {
    const allowed = pixel === "rgb" ? RGB_ENCODINGS : DEPTH_ENCODINGS;
    throw new ImageError(`${topic}: image encoding "${encoding}" cannot be exported as ${pixel} (supported: ${allowed.join(", ")})`);
  }
}

function bytesOf(m: RosMessage): Uint8Array {
  const d = m.data;
  if (d instanceof Uint8Array) return d;
  if (Array.isArray(d)) return Uint8Array.from(d as number[]);
  throw new ImageError("image message without a byte array");
}

/** One frame as rgb24 (width*height*3) or depth uint16 LE (width*height*2). */
export function convertImage(m: RosMessage, pixel: "rgb" | "depth", expect: ImageHeader, topic: string): Uint8Array {
  const width = Number(m.width);
  const height = Number(m.height);
  const encoding = String(m.encoding);
  if (width !== expect.width || height !== expect.height) throw new ImageError(`${topic}: image size changed from ${expect.width}×${expect.height} to ${width}×${height} within the episode`);
  checkEncoding(pixel, encoding, topic);
  const data = bytesOf(m);
  const step = Number(m.step);
  if (pixel === "depth") {
    const out = new Uint8Array(width * height * 2);
    const big = Number(m.is_bigendian) !== 0;
    if (step < width * 2 || data.length < step * (height - 1) + width * 2) throw new ImageError(`${topic}: depth image data too short (${data.length} bytes for ${width}×${height}, step ${step})`);
    for (let y = 0; y < height; y++) {
      const row = y * step;
      const o = y * width * 2;
      if (!big) out.set(data.subarray(row, row + width * 2), o);
      else for (let x = 0; x < width * 2; x += 2) {
        out[o + x] = data[row + x + 1]!;
        out[o + x + 1] = data[row + x]!;
      }
    }
    return out;
  }
  const channels = encoding === "mono8" ? 1 : encoding === "rgba8" || encoding === "bgra8" ? 4 : 3;
  if (step < width * channels || data.length < step * (height - 1) + width * channels) throw new ImageError(`${topic}: image data too short (${data.length} bytes for ${width}×${height} ${encoding}, step ${step})`);
  const out = new Uint8Array(width * height * 3);
  if (encoding === "rgb8" && step === width * 3) {
    out.set(data.subarray(0, width * height * 3));
    return out;
  }
  const swap = encoding === "bgr8" || encoding === "bgra8";
  for (let y = 0; y < height; y++) {
    let i = y * step;
    let o = y * width * 3;
    for (let x = 0; x < width; x++, i += channels, o += 3) {
      if (channels === 1) {
        out[o] = out[o + 1] = out[o + 2] = data[i]!;
      } else if (swap) {
        out[o] = data[i + 2]!;
        out[o + 1] = data[i + 1]!;
        out[o + 2] = data[i]!;
      } else {
        out[o] = data[i]!;
        out[o + 1] = data[i + 1]!;
        out[o + 2] = data[i + 2]!;
      }
    }
  }
  return out;
}
