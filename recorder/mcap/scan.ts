// Reads an MCAP file record by record from the start, the way recovery must: no trust in the
// summary or footer, every chunk decompressed and CRC-checked, and a torn tail (a record cut
// short by a crash) detected and reported instead of thrown.
import { type FileHandle, open } from "node:fs/promises";
import { crc32 } from "node:zlib";
import type { DecompressHandlers } from "@mcap/core";
import { loadDecompressHandlers } from "@mcap/support";
import { MCAP_MAGIC, Opcode, OPCODE_NAMES } from "./constants.ts";

export interface ScannedSchema {
  id: number;
  name: string;
  encoding: string;
  data: Uint8Array;
}

export interface ScannedChannel {
  id: number;
  schemaId: number;
  topic: string;
  messageEncoding: string;
  metadata: Map<string, string>;
}

export interface ScannedMessage {
  channelId: number;
  sequence: number;
  logTime: bigint;
  publishTime: bigint;
  data: Uint8Array;
}

export interface ScanHandlers {
  schema?(schema: ScannedSchema): void;
  channel?(channel: ScannedChannel): void;
  message?(message: ScannedMessage): void;
  metadata?(name: string, metadata: Map<string, string>): void;
  attachment?(a: { name: string; mediaType: string; logTime: bigint; createTime: bigint; data: Uint8Array }): void;
  /** A chunk began (all of its messages follow before the next call). */
  chunk?(info: { compression: string; uncompressedSize: number }): void;
  /** Awaited after each top-level record: lets a consumer apply backpressure. */
  afterRecord?(): Promise<void> | void;
}

export interface ScanReport {
  path: string;
  fileSize: number;
  profile: string | undefined;
  library: string | undefined;
  /** Bytes up to the end of the last complete record of the data section. */
  validDataEnd: number;
  /** Bytes after validDataEnd that could not be read as complete records (0 for an intact file). */
  tornBytes: number;
  hasDataEnd: boolean;
  hasFooter: boolean;
  chunks: number;
  badChunks: Array<{ offset: number; problem: string }>;
  messageCount: number;
  channelMessageCounts: Map<number, number>;
  startNs: bigint | undefined;
  endNs: bigint | undefined;
  schemas: Map<number, ScannedSchema>;
  channels: Map<number, ScannedChannel>;
  metadataCount: number;
  attachmentCount: number;
  /** One line per problem found. */
  problems: string[];
}

export class McapFormatError extends Error {}

const decoder = new TextDecoder();

class Cursor {
  pos = 0;
  constructor(
    readonly buf: Uint8Array,
    readonly view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength),
  ) {}
  need(n: number, what: string): void {
    if (this.pos + n > this.buf.byteLength) throw new McapFormatError(`${what} runs past the end of its record`);
  }
  u8(): number {
    this.need(1, "u8");
    return this.view.getUint8(this.pos++);
  }
  u16(): number {
    this.need(2, "u16");
    const v = this.view.getUint16(this.pos, true);
    this.pos += 2;
    return v;
  }
  u32(): number {
    this.need(4, "u32");
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }
  u64(): bigint {
    this.need(8, "u64");
    const v = this.view.getBigUint64(this.pos, true);
    this.pos += 8;
    return v;
  }
  string(): string {
    const n = this.u32();
    this.need(n, "string");
    const s = decoder.decode(this.buf.subarray(this.pos, this.pos + n));
    this.pos += n;
    return s;
  }
  bytes(n: number, what: string): Uint8Array {
    this.need(n, what);
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }
  stringMap(): Map<string, string> {
    const n = this.u32();
    const end = this.pos + n;
    this.need(n, "map");
    const map = new Map<string, string>();
    while (this.pos < end) map.set(this.string(), this.string());
    return map;
  }
}

/** Reads a file in large blocks; records are sliced out of the block when they fit. */
class BlockReader {
  private block = Buffer.alloc(0);
  private blockStart = 0;
  constructor(
    private readonly handle: FileHandle,
    readonly size: number,
  ) {}
  async read(position: number, length: number): Promise<Uint8Array> {
    if (position >= this.blockStart && position + length <= this.blockStart + this.block.length) {
      return this.block.subarray(position - this.blockStart, position - this.blockStart + length);
    }
    const want = Math.min(Math.max(length, 8 << 20), this.size - position);
    const buf = Buffer.allocUnsafe(want);
    let got = 0;
    while (got < want) {
      const { bytesRead } = await this.handle.read(buf, got, want - got, position + got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    this.block = buf.subarray(0, got);
    this.blockStart = position;
    return this.block.subarray(0, Math.min(length, got));
  }
}

export interface ScanOptions {
  decompressHandlers?: DecompressHandlers;
}

/** Scans `path` from the start. Throws McapFormatError only if it is not an MCAP file at all. */
export async function scanMcap(path: string, handlers: ScanHandlers = {}, options: ScanOptions = {}): Promise<ScanReport> {
  const handle = await open(path, "r");
  try {
    const size = (await handle.stat()).size;
    const reader = new BlockReader(handle, size);
    const magic = await reader.read(0, MCAP_MAGIC.length);
    if (magic.length < MCAP_MAGIC.length || !MCAP_MAGIC.every((b, i) => magic[i] === b)) {
      throw new McapFormatError(`${path} is not an MCAP file (it does not start with the MCAP magic bytes)`);
    }
    const decompress = options.decompressHandlers ?? (await loadDecompressHandlers());
    const report: ScanReport = {
      path,
      fileSize: size,
      profile: undefined,
      library: undefined,
      validDataEnd: MCAP_MAGIC.length,
      tornBytes: 0,
      hasDataEnd: false,
      hasFooter: false,
      chunks: 0,
      badChunks: [],
      messageCount: 0,
      channelMessageCounts: new Map(),
      startNs: undefined,
      endNs: undefined,
      schemas: new Map(),
      channels: new Map(),
      metadataCount: 0,
      attachmentCount: 0,
      problems: [],
    };
    const onRecord = (opcode: number, body: Uint8Array, where: string): void => {
      const c = new Cursor(body);
      switch (opcode) {
        case Opcode.Schema: {
          const s = { id: c.u16(), name: c.string(), encoding: c.string(), data: new Uint8Array(0) };
          const n = c.u32();
          s.data = c.bytes(n, "schema data").slice();
          if (!report.schemas.has(s.id)) {
            report.schemas.set(s.id, s);
            handlers.schema?.(s);
          }
          break;
        }
        case Opcode.Channel: {
          const ch = { id: c.u16(), schemaId: c.u16(), topic: c.string(), messageEncoding: c.string(), metadata: c.stringMap() };
          if (!report.channels.has(ch.id)) {
            report.channels.set(ch.id, ch);
            handlers.channel?.(ch);
          }
          break;
        }
        case Opcode.Message: {
          const m = { channelId: c.u16(), sequence: c.u32(), logTime: c.u64(), publishTime: c.u64(), data: body.subarray(22) };
          if (!report.channels.has(m.channelId)) {
            report.problems.push(`${where}: message on unknown channel ${m.channelId} skipped`);
            break;
          }
          report.messageCount++;
          report.channelMessageCounts.set(m.channelId, (report.channelMessageCounts.get(m.channelId) ?? 0) + 1);
          if (report.startNs === undefined || m.logTime < report.startNs) report.startNs = m.logTime;
          if (report.endNs === undefined || m.logTime > report.endNs) report.endNs = m.logTime;
          handlers.message?.(m);
          break;
        }
        default:
          break;
      }
    };

    let pos = MCAP_MAGIC.length;
    scan: while (pos < size) {
      if (size - pos < 9) {
        report.tornBytes = size - pos;
        break;
      }
      const prefix = await reader.read(pos, 9);
      const opcode = prefix[0] as number;
      const length = Number(Buffer.from(prefix).readBigUInt64LE(1));
      if (opcode === 0 || !(opcode in OPCODE_NAMES)) {
        // Opcodes above 0x7f are user-defined and legal; zero means we ran into garbage/zeros.
        if (opcode === 0 || opcode < 0x80) {
          report.tornBytes = size - pos;
          report.problems.push(`unreadable bytes at offset ${pos} (opcode 0x${opcode.toString(16)}): treated as a torn tail`);
          break;
        }
      }
      if (pos + 9 + length > size) {
        report.tornBytes = size - pos;
        report.problems.push(`${OPCODE_NAMES[opcode] ?? `record 0x${opcode.toString(16)}`} at offset ${pos} is cut short (${size - pos - 9} of ${length} bytes present)`);
        break;
      }
      const body = await reader.read(pos + 9, length);
      const where = `offset ${pos}`;
      try {
        switch (opcode) {
          case Opcode.Header: {
            const c = new Cursor(body);
            report.profile = c.string();
            report.library = c.string();
            break;
          }
          case Opcode.Chunk: {
            report.chunks++;
            const c = new Cursor(body);
            c.u64();
            c.u64();
            const uncompressedSize = Number(c.u64());
            const crc = c.u32();
            const compression = c.string();
            const n = Number(c.u64());
            const data = c.bytes(n, "chunk records");
            let records: Uint8Array;
            try {
              if (compression === "") records = data;
              else {
                const fn = decompress[compression];
                if (fn === undefined) throw new Error(`unsupported compression "${compression}"`);
                records = fn(data, BigInt(uncompressedSize));
              }
              if (records.byteLength !== uncompressedSize) throw new Error(`decompressed to ${records.byteLength} bytes, expected ${uncompressedSize}`);
              if (crc !== 0 && crc32(records) !== crc) throw new Error("CRC mismatch");
            } catch (err) {
              report.badChunks.push({ offset: pos, problem: (err as Error).message });
              report.problems.push(`chunk at offset ${pos} dropped: ${(err as Error).message}`);
              break;
            }
            handlers.chunk?.({ compression, uncompressedSize });
            const inner = new Cursor(records);
            while (inner.pos < records.byteLength) {
              const op = inner.u8();
              const len = Number(inner.u64());
              const rec = inner.bytes(len, "chunk record");
              onRecord(op, rec, `chunk at offset ${pos}`);
            }
            break;
          }
          case Opcode.Schema:
          case Opcode.Channel:
          case Opcode.Message:
            onRecord(opcode, body, where);
            break;
          case Opcode.Metadata: {
            const c = new Cursor(body);
            const name = c.string();
            const map = c.stringMap();
            report.metadataCount++;
            handlers.metadata?.(name, map);
            break;
          }
          case Opcode.Attachment: {
            const c = new Cursor(body);
            const logTime = c.u64();
            const createTime = c.u64();
            const name = c.string();
            const mediaType = c.string();
            const n = Number(c.u64());
            const data = c.bytes(n, "attachment data");
            const crc = c.u32();
            if (crc !== 0 && crc32(body.subarray(0, body.length - 4)) !== crc) {
              report.problems.push(`attachment ${name} at offset ${pos} dropped: CRC mismatch`);
              break;
            }
            report.attachmentCount++;
            handlers.attachment?.({ name, mediaType, logTime, createTime, data: data.slice() });
            break;
          }
          case Opcode.DataEnd:
            report.hasDataEnd = true;
            pos += 9 + length;
            report.validDataEnd = pos;
            break scan;
          case Opcode.Footer:
            report.hasFooter = true;
            pos += 9 + length;
            report.validDataEnd = pos;
            break scan;
          default:
            break; // message indexes, chunk indexes and user records need nothing here
        }
      } catch (err) {
        if (!(err instanceof McapFormatError)) throw err;
        report.problems.push(`${OPCODE_NAMES[opcode] ?? "record"} at offset ${pos} is malformed (${err.message}); reading stopped there`);
        report.tornBytes = size - pos;
        break;
      }
      pos += 9 + length;
      report.validDataEnd = pos;
      const waiting = handlers.afterRecord?.();
      if (waiting !== undefined) await waiting;
    }
    if (report.hasDataEnd) {
      // The summary and footer follow; only check that the file ends with the magic.
      const tail = size >= 8 ? await reader.read(size - 8, 8) : new Uint8Array(0);
      report.hasFooter = tail.length === 8 && MCAP_MAGIC.every((b, i) => tail[i] === b);
      if (!report.hasFooter) report.problems.push("the data section ends properly but the summary/footer is missing or cut short");
    }
    return report;
  } finally {
    await handle.close();
  }
}
