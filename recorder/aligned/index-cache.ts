// The per-episode message index cache, `<episode>/.index/stamps.bin`: every file's FileIndex
// (log times, header stamps, record positions) so that a second open reads no message index and
// no message bytes. Written atomically (temp file + rename), only inside teledemo episode
// folders (where episode.json exists: never beside another tool's bag). Versioned, checksummed
// and keyed by each MCAP file's name, size, mtime and chunk/channel layout: any mismatch or
// damage makes the reader rebuild the index (and say why in `problems`).
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { z } from "zod";
import { EPISODE_SIDECAR } from "../episode/layout.ts";
import { writeFileAtomic } from "./atomic.ts";
import type { FileIndex } from "./mcap-index.ts";

export const INDEX_DIR = ".index";
export const INDEX_FILE = "stamps.bin";
const MAGIC = "TDSTIDX1";
/** Bumped whenever what the index holds (or how stamps are read) changes. */
export const INDEX_CACHE_VERSION = 1;
const HASH_BYTES = 32;

/** What identifies the MCAP file an index was built from. */
export interface FileKey {
  name: string;
  size: number;
  mtimeMs: number;
  chunks: number;
  /** channel id → topic */
  channels: Record<string, string>;
}

const headerSchema = z.object({
  version: z.literal(INDEX_CACHE_VERSION),
  files: z.array(
    z.object({
      name: z.string(),
      size: z.number(),
      mtimeMs: z.number(),
      chunks: z.number().int().nonnegative(),
      channels: z.record(z.string(), z.string()),
      count: z.number().int().nonnegative(),
    }),
  ),
});

/** `<dir>/.index/stamps.bin` when `dir` is a teledemo episode folder, else undefined (never cache elsewhere). */
export function indexCachePath(dir: string | undefined): string | undefined {
  if (dir === undefined || !existsSync(join(dir, EPISODE_SIDECAR))) return undefined;
  return join(dir, INDEX_DIR, INDEX_FILE);
}

const pad8 = (n: number): number => (n + 7) & ~7;

function columns(ix: FileIndex): ArrayBufferView[] {
  return [ix.logTime, ix.stamp, ix.offset, ix.length, ix.chunk, ix.channel];
}

export function writeIndexCache(path: string, entries: ReadonlyArray<{ key: FileKey; index: FileIndex }>): void {
  const header = Buffer.from(JSON.stringify({ version: INDEX_CACHE_VERSION, files: entries.map((e) => ({ ...e.key, count: e.index.count })) }));
  const parts: Uint8Array[] = [Buffer.from(MAGIC, "latin1")];
  const len = Buffer.alloc(4);
  len.writeUInt32LE(header.byteLength);
  parts.push(len, header, new Uint8Array(pad8(12 + header.byteLength) - (12 + header.byteLength)));
  for (const e of entries) {
    for (const c of columns(e.index)) {
      const bytes = new Uint8Array(c.buffer, c.byteOffset, c.byteLength);
      parts.push(bytes, new Uint8Array(pad8(bytes.byteLength) - bytes.byteLength));
    }
  }
  const hash = createHash("sha256");
  for (const p of parts) hash.update(p);
  parts.push(hash.digest());
  writeFileAtomic(path, Buffer.concat(parts));
}

const sameKey = (a: FileKey, b: FileKey): boolean =>
  a.name === b.name && a.size === b.size && a.mtimeMs === b.mtimeMs && a.chunks === b.chunks && JSON.stringify(a.channels) === JSON.stringify(b.channels);

/**
 * Reads the cache and returns each file's index, or a reason why it cannot be used (absent:
 * `undefined` reason and no indexes). Never throws.
 */
export function readIndexCache(path: string, keys: readonly FileKey[]): { indexes?: FileIndex[]; problem?: string } {
  if (!existsSync(path)) return {};
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (err) {
    return { problem: `${path}: unreadable (${(err as Error).message})` };
  }
  const bad = (why: string) => ({ problem: `${path}: ${why}; index rebuilt` });
  if (buf.byteLength < 12 + HASH_BYTES || buf.toString("latin1", 0, 8) !== MAGIC) return bad("not a teledemo index cache");
  const body = buf.subarray(0, buf.byteLength - HASH_BYTES);
  if (!createHash("sha256").update(body).digest().equals(buf.subarray(buf.byteLength - HASH_BYTES))) return bad("checksum mismatch (damaged)");
  const headerLen = buf.readUInt32LE(8);
  let header: z.infer<typeof headerSchema>;
  try {
    const parsed = headerSchema.safeParse(JSON.parse(buf.toString("utf8", 12, 12 + headerLen)));
    if (!parsed.success) return bad(`unknown header (${parsed.error.issues[0]?.message ?? "invalid"})`);
    header = parsed.data;
  } catch {
    return bad("header is not JSON");
  }
  if (header.files.length !== keys.length || header.files.some((f, i) => !sameKey(f, keys[i]!))) return { problem: `${path}: built for other recording files (changed since); index rebuilt` };
  let p = pad8(12 + headerLen);
  const indexes: FileIndex[] = [];
  // Copies into fresh, aligned arrays (the file buffer's offsets need not be aligned).
  const take = <T>(n: number, bytesPer: number, make: (ab: ArrayBuffer) => T): T => {
    const bytes = n * bytesPer;
    if (p + bytes > body.byteLength) throw new Error("cut short");
    const ab = new ArrayBuffer(bytes);
    new Uint8Array(ab).set(body.subarray(p, p + bytes));
    p += pad8(bytes);
    return make(ab);
  };
  try {
    for (const f of header.files) {
      const n = f.count;
      indexes.push({
        count: n,
        logTime: take(n, 8, (ab) => new BigInt64Array(ab)),
        stamp: take(n, 8, (ab) => new BigInt64Array(ab)),
        offset: take(n, 8, (ab) => new Float64Array(ab)),
        length: take(n, 8, (ab) => new Float64Array(ab)),
        chunk: take(n, 4, (ab) => new Uint32Array(ab)),
        channel: take(n, 2, (ab) => new Uint16Array(ab)),
      });
    }
  } catch {
    return bad("cut short");
  }
  if (p !== body.byteLength) return bad("unexpected length");
  for (const [k, ix] of indexes.entries()) {
    const chunks = header.files[k]!.chunks;
    for (let i = 0; i < ix.count; i++) if (ix.chunk[i]! >= chunks) return bad("chunk number out of range");
  }
  return { indexes };
}

export function fileKey(file: string, size: number, mtimeMs: number, chunks: number, channels: ReadonlyMap<number, { topic: string }>): FileKey {
  return { name: basename(file), size, mtimeMs, chunks, channels: Object.fromEntries([...channels].map(([id, c]) => [String(id), c.topic])) };
}
