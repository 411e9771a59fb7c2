// A message-level index of one indexed MCAP file, built without reading message payloads:
// every message's (channel, log time, chunk, offset, record length) comes from the chunks'
// MessageIndex records, and the header stamp of a stamped message is read from the first bytes
// of its record (the stamp sits at a fixed CDR offset). For uncompressed chunks only those bytes
// are read (coalesced into few large reads); a compressed chunk must be decompressed whole.
// The same index then serves reads: a window of topics and log times becomes the exact byte
// ranges of the wanted records, so reading small streams never touches the images between them.
import type { FileHandle } from "node:fs/promises";
import type { DecompressHandlers, McapTypes } from "@mcap/core";
import { readHeaderStamp } from "../../nodes/sync/synchronizer/stamp.ts";

/** Message record: opcode(1) length(8) channel(2) sequence(4) log(8) publish(8) data. */
const MESSAGE_OPCODE = 0x05;
const MESSAGE_INDEX_OPCODE = 0x07;
const MESSAGE_HEADER = 31;
/** Stamp bytes needed after the data start: CDR header(4) + sec/nsec(8), TFMessage: + count(4). */
const STAMP_BYTES = 16;
/** Ranges closer than this are read together (one read is cheaper than two seeks). */
const COALESCE_GAP = 64 * 1024;
/** Upper bound of one coalesced read (what a yielded message's buffer can keep alive). */
const MAX_READ = 4 * 1024 * 1024;

/** Per-message columns, sorted by (log time, chunk, offset). */
export interface FileIndex {
  count: number;
  logTime: BigInt64Array;
  /** Header stamp (0 = none: unstamped channel, empty TFMessage, unreadable bytes). */
  stamp: BigInt64Array;
  channel: Uint16Array;
  chunk: Uint32Array;
  /** Record offset inside the chunk's (uncompressed) records. */
  offset: Float64Array;
  /** Upper bound of the record's length (up to the next record of the chunk). */
  length: Float64Array;
}

export interface ChunkLayout {
  /** File position of the chunk's records (uncompressed chunks: where offset 0 is). */
  recordsStart: number;
  compression: string;
  compressedSize: number;
  uncompressedSize: number;
}

export function chunkLayouts(chunkIndexes: readonly McapTypes.ChunkIndex[]): ChunkLayout[] {
  // Chunk record body: start(8) end(8) uncompressed_size(8) crc(4) compression(4+n) records_length(8) records
  return chunkIndexes.map((c) => ({
    recordsStart: Number(c.chunkStartOffset) + 9 + 8 + 8 + 8 + 4 + 4 + Buffer.byteLength(c.compression) + 8,
    compression: c.compression,
    compressedSize: Number(c.compressedSize),
    uncompressedSize: Number(c.uncompressedSize),
  }));
}

interface Range {
  start: number;
  end: number;
}

/** Reads `ranges` (sorted by start) coalesced; calls `use` with each range's bytes. */
async function readCoalesced(handle: FileHandle, ranges: readonly Range[], use: (i: number, bytes: Uint8Array) => void | Promise<void>): Promise<void> {
  let i = 0;
  while (i < ranges.length) {
    const first = ranges[i]!;
    let end = first.end;
    let j = i + 1;
    while (j < ranges.length && ranges[j]!.start <= end + COALESCE_GAP && Math.max(end, ranges[j]!.end) - first.start <= MAX_READ) {
      end = Math.max(end, ranges[j]!.end);
      j++;
    }
    const buf = Buffer.allocUnsafe(end - first.start);
    const { bytesRead } = await handle.read(buf, 0, buf.byteLength, first.start);
    const bytes = new Uint8Array(buf.buffer, buf.byteOffset, bytesRead);
    for (let k = i; k < j; k++) {
      const r = ranges[k]!;
      await use(k, bytes.subarray(r.start - first.start, Math.min(bytesRead, r.end - first.start)));
    }
    i = j;
  }
}

async function readExact(handle: FileHandle, position: number, length: number): Promise<Uint8Array> {
  const buf = Buffer.allocUnsafe(length);
  const { bytesRead } = await handle.read(buf, 0, length, position);
  if (bytesRead < length) throw new Error(`short read at ${position}: ${bytesRead} of ${length} bytes`);
  return new Uint8Array(buf.buffer, buf.byteOffset, length);
}

interface Entry {
  channel: number;
  logTime: bigint;
  chunk: number;
  offset: number;
  length: number;
}

/** Parses a chunk's MessageIndex records (a contiguous region after the chunk). */
function parseMessageIndexes(bytes: Uint8Array, chunk: number, out: Entry[]): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let p = 0;
  while (p + 9 <= bytes.byteLength) {
    const op = bytes[p]!;
    const len = Number(view.getBigUint64(p + 1, true));
    const body = p + 9;
    if (body + len > bytes.byteLength) throw new Error(`message index of chunk ${chunk} is cut short`);
    if (op === MESSAGE_INDEX_OPCODE) {
      const channel = view.getUint16(body, true);
      const n = view.getUint32(body + 2, true);
      for (let q = body + 6; q + 16 <= body + 6 + n; q += 16) {
        out.push({ channel, logTime: view.getBigUint64(q, true), chunk, offset: Number(view.getBigUint64(q + 8, true)), length: 0 });
      }
    }
    p = body + len;
  }
}

/** The message record at the start of `bytes` (possibly only its first bytes). */
export function parseMessageRecord(bytes: Uint8Array, where: string): { logTime: bigint; publishTime: bigint; data: Uint8Array } {
  if (bytes.byteLength < MESSAGE_HEADER || bytes[0] !== MESSAGE_OPCODE) throw new Error(`${where}: no message record there (index and file disagree)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const len = Number(view.getBigUint64(1, true));
  return { logTime: view.getBigUint64(15, true), publishTime: view.getBigUint64(23, true), data: bytes.subarray(MESSAGE_HEADER, Math.min(bytes.byteLength, 9 + len)) };
}

const stampOf = (type: string | undefined, data: Uint8Array): bigint => {
  if (type === undefined) return 0n;
  try {
    return readHeaderStamp(type, data) ?? 0n;
  } catch {
    return 0n;
  }
};

/**
 * Builds the index of an indexed file. `stampTypes`: channel id → ROS type for channels whose
 * messages start with a header stamp.
 */
export async function buildFileIndex(
  handle: FileHandle,
  chunkIndexes: readonly McapTypes.ChunkIndex[],
  stampTypes: ReadonlyMap<number, string>,
  decompress: DecompressHandlers,
  file: string,
): Promise<FileIndex> {
  const layouts = chunkLayouts(chunkIndexes);
  // 1. Message indexes, one read per chunk (they sit right after it).
  const entries: Entry[] = [];
  const idxRanges: Range[] = [];
  const idxChunk: number[] = [];
  chunkIndexes.forEach((c, k) => {
    if (c.messageIndexLength === 0n || c.messageIndexOffsets.size === 0) return;
    const start = Math.min(...[...c.messageIndexOffsets.values()].map(Number));
    idxRanges.push({ start, end: start + Number(c.messageIndexLength) });
    idxChunk.push(k);
  });
  const order = idxRanges.map((_, i) => i).sort((a, b) => idxRanges[a]!.start - idxRanges[b]!.start);
  await readCoalesced(
    handle,
    order.map((i) => idxRanges[i]!),
    (k, bytes) => parseMessageIndexes(bytes, idxChunk[order[k]!]!, entries),
  );
  // Record length bounds: up to the next record of the same chunk.
  entries.sort((a, b) => a.chunk - b.chunk || a.offset - b.offset);
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    const next = entries[i + 1];
    e.length = (next !== undefined && next.chunk === e.chunk ? next.offset : layouts[e.chunk]!.uncompressedSize) - e.offset;
    if (e.length < MESSAGE_HEADER) throw new Error(`${file}: message index of chunk ${e.chunk} points at a record too short for a message`);
  }
  // 2. Header stamps: the first bytes of each stamped record (uncompressed chunks), or the
  // decompressed chunk.
  const stamps = new Map<Entry, bigint>();
  const partial: Entry[] = [];
  const whole = new Map<number, Entry[]>();
  for (const e of entries) {
    if (!stampTypes.has(e.channel)) continue;
    if (layouts[e.chunk]!.compression === "") partial.push(e);
    else {
      let list = whole.get(e.chunk);
      if (!list) whole.set(e.chunk, (list = []));
      list.push(e);
    }
  }
  const ranges = partial.map((e) => {
    const start = layouts[e.chunk]!.recordsStart + e.offset;
    return { start, end: start + Math.min(e.length, MESSAGE_HEADER + STAMP_BYTES) };
  });
  await readCoalesced(handle, ranges, (k, bytes) => {
    const e = partial[k]!;
    stamps.set(e, stampOf(stampTypes.get(e.channel), parseMessageRecord(bytes, `${file} chunk ${e.chunk} offset ${e.offset}`).data));
  });
  for (const [chunk, list] of whole) {
    const records = await chunkRecords(handle, layouts[chunk]!, decompress, file);
    for (const e of list) stamps.set(e, stampOf(stampTypes.get(e.channel), parseMessageRecord(records.subarray(e.offset, e.offset + e.length), `${file} chunk ${chunk} offset ${e.offset}`).data));
  }
  // 3. Columns in (log time, chunk, offset) order.
  entries.sort((a, b) => (a.logTime < b.logTime ? -1 : a.logTime > b.logTime ? 1 : a.chunk - b.chunk || a.offset - b.offset));
  const n = entries.length;
  const index: FileIndex = {
    count: n,
    logTime: new BigInt64Array(n),
    stamp: new BigInt64Array(n),
    channel: new Uint16Array(n),
    chunk: new Uint32Array(n),
    offset: new Float64Array(n),
    length: new Float64Array(n),
  };
  entries.forEach((e, i) => {
    index.logTime[i] = e.logTime;
    index.stamp[i] = stamps.get(e) ?? 0n;
    index.channel[i] = e.channel;
    index.chunk[i] = e.chunk;
    index.offset[i] = e.offset;
    index.length[i] = e.length;
  });
  return index;
}

/** A chunk's records, decompressed. */
export async function chunkRecords(handle: FileHandle, layout: ChunkLayout, decompress: DecompressHandlers, file: string): Promise<Uint8Array> {
  const raw = await readExact(handle, layout.recordsStart, layout.compressedSize);
  if (layout.compression === "") return raw;
  const fn = decompress[layout.compression];
  if (!fn) throw new Error(`${file}: chunk compression "${layout.compression}" is not supported`);
  return fn(raw, BigInt(layout.uncompressedSize));
}

/** First index with logTime ≥ t. */
export function lowerBoundLog(index: FileIndex, t: bigint): number {
  let lo = 0;
  let hi = index.count;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (index.logTime[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export interface IndexedRecord {
  i: number;
  logTime: bigint;
  publishTime: bigint;
  data: Uint8Array;
}

/**
 * The records at the given index positions (ascending), in that order. Uncompressed chunks:
 * exact byte ranges, coalesced, read a few MB at a time; compressed chunks: decompressed once
 * per run of messages from the same chunk.
 */
export async function* readIndexed(
  handle: FileHandle,
  index: FileIndex,
  layouts: readonly ChunkLayout[],
  positions: readonly number[],
  decompress: DecompressHandlers,
  file: string,
): AsyncIterable<IndexedRecord> {
  let k = 0;
  let cached: { chunk: number; records: Uint8Array } | undefined;
  while (k < positions.length) {
    const i0 = positions[k]!;
    const layout0 = layouts[index.chunk[i0]!]!;
    if (layout0.compression !== "") {
      const chunk = index.chunk[i0]!;
      if (cached?.chunk !== chunk) cached = { chunk, records: await chunkRecords(handle, layout0, decompress, file) };
      const off = index.offset[i0]!;
      const r = parseMessageRecord(cached.records.subarray(off, off + index.length[i0]!), `${file} chunk ${chunk} offset ${off}`);
      yield { i: i0, ...r };
      k++;
      continue;
    }
    // A run of uncompressed records, read as coalesced ranges of at most MAX_READ.
    const batch: number[] = [];
    const ranges: Range[] = [];
    while (k < positions.length) {
      const i = positions[k]!;
      const layout = layouts[index.chunk[i]!]!;
      if (layout.compression !== "") break;
      const start = layout.recordsStart + index.offset[i]!;
      const end = start + index.length[i]!;
      const last = ranges[ranges.length - 1];
      // the batch continues while records follow each other closely in the file
      if (last !== undefined && (start < last.start || start > last.end + COALESCE_GAP || end - ranges[0]!.start > MAX_READ)) break;
      batch.push(i);
      ranges.push({ start, end });
      k++;
    }
    const out: IndexedRecord[] = [];
    await readCoalesced(handle, ranges, (j, bytes) => {
      const i = batch[j]!;
      out.push({ i, ...parseMessageRecord(bytes, `${file} chunk ${index.chunk[i]} offset ${index.offset[i]}`) });
    });
    yield* out;
  }
}
