// sensor_msgs/Image → RGBA pixels for a canvas. Colour encodings are copied byte for byte
// (rgb8 pixel (r,g,b) becomes (r,g,b,255)); depth (16UC1/mono16 in mm, 32FC1 in m) is
// colourised with turbo between the frame's nearest and farthest valid depth (0 = no data, black).
import { TURBO_LUT } from "./colormap.ts";
import { bytes, num, str, type Obj } from "./values.ts";

export interface RgbaImage {
  width: number;
  height: number;
  rgba: Uint8ClampedArray<ArrayBuffer>;
  encoding: string;
  /** Depth range used for colouring (metres), for depth images. */
  depthRange?: [number, number];
}

export const SUPPORTED_ENCODINGS = ["rgb8", "bgr8", "rgba8", "bgra8", "mono8", "8UC1", "mono16", "16UC1", "32FC1", "8UC3"] as const;

export function imageToRgba(value: Obj): RgbaImage | { error: string } {
  const width = num(value["width"]) ?? 0;
  const height = num(value["height"]) ?? 0;
  const encoding = (str(value["encoding"]) ?? "").toLowerCase();
  const data = bytes(value["data"]);
  if (!data || width <= 0 || height <= 0) return { error: "image without data or size" };
  const bigEndian = value["is_bigendian"] === true || value["is_bigendian"] === 1;
  const bpp: Record<string, number> = { rgb8: 3, bgr8: 3, "8uc3": 3, rgba8: 4, bgra8: 4, mono8: 1, "8uc1": 1, mono16: 2, "16uc1": 2, "32fc1": 4 };
  const px = bpp[encoding];
  if (px === undefined) return { error: `encoding ${encoding || "(none)"} is not shown (supported: ${SUPPORTED_ENCODINGS.join(", ")})` };
  const step = num(value["step"]) || width * px;
  if (step * (height - 1) + width * px > data.byteLength) return { error: `image data is ${data.byteLength} bytes, ${width}x${height} ${encoding} needs ${step * height}` };
  const rgba = new Uint8ClampedArray(width * height * 4);
  const out: RgbaImage = { width, height, rgba, encoding };
  if (encoding === "mono16" || encoding === "16uc1" || encoding === "32fc1") {
    const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
    const depth = new Float32Array(width * height);
    const scale = encoding === "32fc1" ? 1 : 0.001;
    let lo = Infinity;
    let hi = -Infinity;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const o = y * step + x * px;
        const raw = encoding === "32fc1" ? dv.getFloat32(o, !bigEndian) : dv.getUint16(o, !bigEndian);
        const d = raw * scale;
        depth[y * width + x] = d;
        if (d > 0 && Number.isFinite(d)) {
          if (d < lo) lo = d;
          if (d > hi) hi = d;
        }
      }
    }
    const span = hi > lo ? hi - lo : 1;
    for (let i = 0; i < depth.length; i++) {
      const d = depth[i]!;
      const o = i * 4;
      rgba[o + 3] = 255;
      if (!(d > 0) || !Number.isFinite(d)) continue;
      const k = Math.round(((d - lo) / span) * 255) * 3;
      rgba[o] = TURBO_LUT[k]!;
      rgba[o + 1] = TURBO_LUT[k + 1]!;
      rgba[o + 2] = TURBO_LUT[k + 2]!;
    }
    if (hi >= lo) out.depthRange = [lo, hi];
    return out;
  }
  const swap = encoding === "bgr8" || encoding === "bgra8";
  for (let y = 0; y < height; y++) {
    let s = y * step;
    let d = y * width * 4;
    for (let x = 0; x < width; x++, s += px, d += 4) {
      if (px === 1) {
        const v = data[s]!;
        rgba[d] = v;
        rgba[d + 1] = v;
        rgba[d + 2] = v;
      } else {
        rgba[d] = data[swap ? s + 2 : s]!;
        rgba[d + 1] = data[s + 1]!;
        rgba[d + 2] = data[swap ? s : s + 2]!;
      }
      rgba[d + 3] = px === 4 ? data[s + 3]! : 255;
    }
  }
  return out;
}
