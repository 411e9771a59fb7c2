// Chunk decompression for @mcap/core in the worker. zstd through @foxglove/wasm-zstd (its wasm
// is served as /wasm-zstd.wasm beside worker.js, loaded only when a zstd chunk first appears);
// other compressions are reported per file, never a crash.
import type { DecompressHandlers } from "@mcap/core";

type Zstd = typeof import("@foxglove/wasm-zstd");

let zstd: Promise<Zstd> | undefined;

/** wasm-zstd copies its output through Node's Buffer; the browser has none, so give it the two calls it makes. */
function installBufferShim(): void {
  const g = globalThis as unknown as { Buffer?: unknown };
  if (g.Buffer !== undefined) return;
  g.Buffer = {
    allocUnsafe: (n: number) => new Uint8Array(n),
    from: (ab: ArrayBuffer) => {
      const view = new Uint8Array(ab) as Uint8Array & { copy?: unknown };
      view.copy = (target: Uint8Array, targetStart: number, sourceStart: number, sourceEnd: number) => {
        target.set(view.subarray(sourceStart, sourceEnd), targetStart);
        return sourceEnd - sourceStart;
      };
      return view;
    },
  };
}

export async function loadZstd(): Promise<Zstd> {
  zstd ??= (async () => {
    installBufferShim();
    const mod = (await import("@foxglove/wasm-zstd")) as Zstd & { default?: Zstd };
    const z = mod.default ?? mod;
    await z.isLoaded;
    return z;
  })();
  return zstd;
}

/** Handlers for the compressions found in a file's chunk indexes; loads zstd first when needed. */
export async function decompressHandlers(compressions: Iterable<string>): Promise<{ handlers: DecompressHandlers; unsupported: string[] }> {
  const handlers: DecompressHandlers = {};
  const unsupported: string[] = [];
  for (const c of new Set(compressions)) {
    if (c === "") continue;
    if (c === "zstd") {
      const z = await loadZstd();
      handlers["zstd"] = (buffer, decompressedSize) => z.decompress(buffer, Number(decompressedSize));
    } else {
      unsupported.push(c);
    }
  }
  return { handlers, unsupported };
}
