// Chunk compression: "" (none) or "zstd" via @foxglove/wasm-zstd (the same library
// @mcap/support decompresses with; Node 20's zlib has no zstd).

export type ChunkCompression = "none" | "zstd";

export interface Compressor {
  /** Returns the input itself when not compressing. */
  compress(records: Uint8Array): { compression: string; data: Uint8Array };
}

export function parseCompression(value: string): ChunkCompression {
  if (value === "none" || value === "zstd") return value;
  throw new Error(`invalid compression "${value}": expected none or zstd`);
}

export async function createCompressor(kind: ChunkCompression, level = 1): Promise<Compressor> {
  if (kind === "none") return { compress: (records) => ({ compression: "", data: records }) };
  const zstd = await loadZstd();
  return { compress: (records) => ({ compression: "zstd", data: zstd.compress(records, level) }) };
}

type Zstd = typeof import("@foxglove/wasm-zstd");
let zstdPromise: Promise<Zstd> | undefined;

export function loadZstd(): Promise<Zstd> {
  zstdPromise ??= (async () => {
    const mod = (await import("@foxglove/wasm-zstd")) as Zstd & { default?: Zstd };
    const zstd = mod.default ?? mod;
    await zstd.isLoaded;
    return zstd;
  })();
  return zstdPromise;
}
