// Helpers shared by the recorder tests: temp dirs and reading MCAP files with @mcap/core.
import { mkdtempSync, rmSync } from "node:fs";
import { open } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { McapIndexedReader } from "@mcap/core";
import { FileHandleReadable } from "@mcap/nodejs";
import { loadDecompressHandlers } from "@mcap/support";

export function tempDir(prefix = "teledemo-rec-"): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export async function withIndexedReader<T>(path: string, fn: (reader: McapIndexedReader) => Promise<T>): Promise<T> {
  const handle = await open(path);
  try {
    const reader = await McapIndexedReader.Initialize({ readable: new FileHandleReadable(handle), decompressHandlers: await loadDecompressHandlers() });
    return await fn(reader);
  } finally {
    await handle.close();
  }
}

export const FIXTURES = new URL("../../../shared/fixtures/", import.meta.url).pathname;
