// Depth as upstream LeRobot stores it: millimetre depth → 12-bit codes on a log scale
// (lerobot/datasets/depth_utils.py quantize_depth: depth_min 0.01 m, depth_max 10 m, shift 3.5 m,
// use_log), carried in a gray12le HEVC stream. The parameters go into info.json so a reader can
// dequantize.

export const DEPTH_QMAX = 4095;

export interface DepthQuantization {
  depthMinM: number;
  depthMaxM: number;
  shiftM: number;
  useLog: boolean;
}

export const DEFAULT_DEPTH_QUANTIZATION: DepthQuantization = { depthMinM: 0.01, depthMaxM: 10, shiftM: 3.5, useLog: true };

/** Builds a 65536-entry table: uint16 millimetres → 12-bit code (one lookup per pixel). */
export function depthQuantizationTable(q: DepthQuantization = DEFAULT_DEPTH_QUANTIZATION): Uint16Array {
  const table = new Uint16Array(65536);
  // Math in millimetres, as upstream does for integer (mm) input.
  const min = Math.fround(q.depthMinM * 1000);
  const max = Math.fround(q.depthMaxM * 1000);
  const shift = Math.fround(q.shiftM * 1000);
  const logMin = Math.log(min + shift);
  const logMax = Math.log(max + shift);
  for (let mm = 0; mm < 65536; mm++) {
    const norm = q.useLog ? (Math.log(mm + shift) - logMin) / (logMax - logMin) : (mm - min) / (max - min);
    // np.rint rounds half to even; the difference only matters exactly on .5, which log values never hit.
    table[mm] = Math.min(DEPTH_QMAX, Math.max(0, Math.round(norm * DEPTH_QMAX)));
  }
  return table;
}

/** Inverse of the quantization: 12-bit code → millimetres (what a reader gets back). */
export function dequantizeDepth(code: number, q: DepthQuantization = DEFAULT_DEPTH_QUANTIZATION): number {
  const min = q.depthMinM * 1000;
  const max = q.depthMaxM * 1000;
  const shift = q.shiftM * 1000;
  const norm = code / DEPTH_QMAX;
  if (!q.useLog) return min + norm * (max - min);
  const logMin = Math.log(min + shift);
  const logMax = Math.log(max + shift);
  return Math.exp(logMin + norm * (logMax - logMin)) - shift;
}

/** uint16 LE millimetre frame → gray12le frame (uint16 LE codes) through the table. */
export function quantizeDepthFrame(frame: Uint8Array, table: Uint16Array, out?: Uint8Array): Uint8Array {
  const n = frame.byteLength >> 1;
  const dst = out ?? new Uint8Array(n * 2);
  for (let i = 0, j = 0; i < n; i++, j += 2) {
    const code = table[frame[j]! | (frame[j + 1]! << 8)]!;
    dst[j] = code & 0xff;
    dst[j + 1] = code >> 8;
  }
  return dst;
}
