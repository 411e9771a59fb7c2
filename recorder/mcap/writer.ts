// A chunked, fully indexed MCAP writer built for sustained recording:
// - each message is copied once, straight into the open chunk's buffer;
// - finished chunks are compressed (zstd or none) and handed to an asynchronous FileSink, so the
//   caller fills the next chunk while the previous one is written;
// - `flush()` closes the open chunk early and fsyncs (the crash-safety timer calls it);
// - the summary (schemas, channels, statistics, chunk/metadata/attachment indexes, summary
//   offsets) is computed at close from what actually reached the disk, so a writer stopped by a
//   full disk still closes a valid file.
import { crc32 } from "node:zlib";
import { ByteWriter } from "./byte-writer.ts";
import { MCAP_MAGIC, Opcode } from "./constants.ts";
import { FileSink, type FileSinkOptions } from "./file-sink.ts";
import { createCompressor, type ChunkCompression, type Compressor } from "./compression.ts";
import { CrcWorker, sharedBuffer } from "./crc-worker.ts";

export interface McapWriterOptions {
  profile: string;
  library: string;
  compression: ChunkCompression;
  /** Target uncompressed chunk size, bytes. */
  chunkSize?: number;
  /** Stop accepting writes above this many queued bytes (see `needsDrain`). */
  highWaterMark?: number;
  /** Compute each chunk's CRC-32 (default true; costs ~0.7 ms per MB on one core). */
  chunkCrc?: boolean;
  /** Compute uncompressed chunks' CRCs on a worker thread (default true). */
  crcThread?: boolean;
  sink?: FileSinkOptions;
}

export interface SchemaInfo {
  name: string;
  encoding: string;
  data: Uint8Array;
}

export interface ChannelInfo {
  schemaId: number;
  topic: string;
  messageEncoding: string;
  metadata: ReadonlyMap<string, string>;
}

interface ChunkIndexEntry {
  start: bigint;
  end: bigint;
  offset: number;
  length: number;
  indexOffsets: Map<number, number>;
  indexLength: number;
  compression: string;
  compressedSize: number;
  uncompressedSize: number;
  counts: Map<number, number>;
  /** File offset after this chunk and its message indexes. */
  fileEnd: number;
}

interface OffsetIndex {
  offset: number;
  length: number;
  fileEnd: number;
}

interface MetadataIndexEntry extends OffsetIndex {
  name: string;
}

interface AttachmentIndexEntry extends OffsetIndex {
  logTime: bigint;
  createTime: bigint;
  dataSize: number;
  name: string;
  mediaType: string;
}

export interface WriterTotals {
  messageCount: number;
  messageStartTime: bigint | undefined;
  messageEndTime: bigint | undefined;
  channelMessageCounts: Map<number, number>;
  chunkCount: number;
  bytesWritten: number;
}

const DEFAULT_CHUNK = 4 << 20;
const MESSAGE_OVERHEAD = 1 + 8 + 2 + 4 + 8 + 8;

export class McapFileWriter {
  readonly path: string;
  private readonly sink: FileSink;
  private readonly compressor: Compressor;
  private readonly chunkSize: number;
  private readonly highWaterMark: number;
  private readonly chunkCrc: boolean;
  private readonly poolLimit: number;
  private readonly crcWorker: CrcWorker | undefined;
  private readonly alloc: (size: number) => Buffer;
  private readonly schemas: Array<SchemaInfo & { id: number }> = [];
  private readonly channels: Array<ChannelInfo & { id: number }> = [];
  private readonly sequences: number[] = [];
  private readonly chunks: ChunkIndexEntry[] = [];
  private readonly metadataIndexes: MetadataIndexEntry[] = [];
  private readonly attachmentIndexes: AttachmentIndexEntry[] = [];
  private readonly pool: Buffer[] = [];
  // open chunk
  private buf: Buffer;
  private used = 0;
  private chunkStart = 0n;
  private chunkEnd = 0n;
  private chunkHasMessages = false;
  private index = new Map<number, { times: bigint[]; offsets: number[] }>();
  private closed = false;
  private headerLength = 0;

  private constructor(sink: FileSink, compressor: Compressor, options: McapWriterOptions) {
    this.path = sink.path;
    this.sink = sink;
    this.compressor = compressor;
    this.chunkSize = options.chunkSize ?? DEFAULT_CHUNK;
    this.highWaterMark = options.highWaterMark ?? 48 << 20;
    this.chunkCrc = options.chunkCrc ?? true;
    // Enough recycled chunk buffers for everything that can be in flight: fresh 4 MB buffers cost
    // page faults and GC pressure on every chunk.
    this.poolLimit = Math.ceil(this.highWaterMark / this.chunkSize) + 2;
    const threaded = this.chunkCrc && options.compression === "none" && options.crcThread !== false;
    this.crcWorker = threaded ? new CrcWorker() : undefined;
    this.alloc = threaded ? sharedBuffer : (size) => Buffer.allocUnsafe(size);
    this.buf = this.alloc(this.chunkSize);
  }

  static async create(path: string, options: McapWriterOptions): Promise<McapFileWriter> {
    const compressor = await createCompressor(options.compression);
    const sink = await FileSink.create(path, options.sink);
    const writer = new McapFileWriter(sink, compressor, options);
    const header = new ByteWriter(256);
    header.raw(MCAP_MAGIC);
    const token = header.beginRecord(Opcode.Header);
    header.string(options.profile).string(options.library);
    header.endRecord(token);
    const bytes = header.take();
    sink.enqueue([bytes]);
    writer.headerLength = bytes.length;
    return writer;
  }

  /** The first write error (e.g. ENOSPC); the writer accepts no more data once set. */
  get error(): NodeJS.ErrnoException | undefined {
    return this.sink.error;
  }

  /** True when the disk lags: callers that can wait should `await drain()`. */
  get needsDrain(): boolean {
    return this.sink.pendingBytes > this.highWaterMark;
  }

  /** Waits until the disk has caught up to half the high-water mark (not all the way: the
   * disk stays busy while the caller refills). */
  drain(): Promise<void> {
    return this.sink.waitForSpace(this.highWaterMark / 2);
  }

  /** Waits until everything queued is written. */
  drainAll(): Promise<void> {
    return this.sink.drain();
  }

  /** Bytes of the file so far, including the open chunk. */
  get size(): number {
    return this.sink.end + this.used;
  }

  addSchema(info: SchemaInfo): number {
    const id = this.schemas.length + 1;
    this.schemas.push({ ...info, id });
    this.appendToChunk(schemaRecord({ ...info, id }));
    return id;
  }

  addChannel(info: ChannelInfo): number {
    const id = this.channels.length + 1; // channel ids from 1, as rosbag2 numbers them
    this.channels.push({ ...info, id });
    this.sequences.push(0);
    this.appendToChunk(channelRecord({ ...info, id }));
    return id;
  }

  /** Copies one message into the open chunk (the only copy of its bytes). */
  addMessage(channelId: number, logTime: bigint, publishTime: bigint, data: Uint8Array): void {
    if (this.closed) throw new Error(`${this.path}: write after close`);
    const total = MESSAGE_OVERHEAD + data.byteLength;
    if (this.used + total > this.buf.length) {
      if (this.used > 0) this.finishChunk();
      if (total > this.buf.length) this.buf = this.alloc(total);
    }
    const buf = this.buf;
    let p = this.used;
    const offset = p;
    buf[p] = Opcode.Message;
    buf.writeBigUInt64LE(BigInt(total - 9), p + 1);
    buf.writeUInt16LE(channelId, p + 9);
    const seq = this.sequences[channelId - 1] ?? 0;
    this.sequences[channelId - 1] = (seq + 1) >>> 0;
    buf.writeUInt32LE(seq, p + 11);
    buf.writeBigUInt64LE(logTime, p + 15);
    buf.writeBigUInt64LE(publishTime, p + 23);
    p += MESSAGE_OVERHEAD;
    buf.set(data, p);
    this.used = p + data.byteLength;
    if (!this.chunkHasMessages) {
      this.chunkStart = logTime;
      this.chunkEnd = logTime;
      this.chunkHasMessages = true;
    } else {
      if (logTime < this.chunkStart) this.chunkStart = logTime;
      if (logTime > this.chunkEnd) this.chunkEnd = logTime;
    }
    let entry = this.index.get(channelId);
    if (entry === undefined) {
      entry = { times: [], offsets: [] };
      this.index.set(channelId, entry);
    }
    entry.times.push(logTime);
    entry.offsets.push(offset);
    if (this.used >= this.chunkSize) this.finishChunk();
  }

  addMetadata(name: string, metadata: ReadonlyMap<string, string>): void {
    this.finishChunk();
    const w = new ByteWriter(256);
    const token = w.beginRecord(Opcode.Metadata);
    w.string(name).stringMap(metadata);
    w.endRecord(token);
    const bytes = w.take();
    const offset = this.sink.enqueue([bytes]);
    this.metadataIndexes.push({ offset, length: bytes.length, name, fileEnd: offset + bytes.length });
  }

  addAttachment(a: { name: string; mediaType: string; data: Uint8Array; logTime: bigint; createTime: bigint }): void {
    this.finishChunk();
    const w = new ByteWriter(256 + a.data.byteLength);
    const token = w.beginRecord(Opcode.Attachment);
    w.u64(a.logTime).u64(a.createTime).string(a.name).string(a.mediaType).u64(a.data.byteLength).raw(a.data);
    const crc = crc32(w.view().subarray(9));
    w.u32(crc);
    w.endRecord(token);
    const bytes = w.take();
    const offset = this.sink.enqueue([bytes]);
    this.attachmentIndexes.push({
      offset,
      length: bytes.length,
      fileEnd: offset + bytes.length,
      logTime: a.logTime,
      createTime: a.createTime,
      dataSize: a.data.byteLength,
      name: a.name,
      mediaType: a.mediaType,
    });
  }

  /** Closes the open chunk, writes everything queued and fsyncs. */
  async flush(): Promise<void> {
    if (this.closed) return;
    this.finishChunk();
    await this.sink.sync();
  }

  /** Closes the open chunk and queues its write, without an fsync. */
  handOff(): void {
    if (!this.closed) this.finishChunk();
  }

  totals(): WriterTotals {
    return totalsOf(this.chunks);
  }

  /**
   * Finishes the file: data end, summary, footer, magic; fsync; close. After a write failure the
   * torn tail is cut off first and the summary describes only what reached the disk.
   */
  async close(): Promise<WriterTotals & { recoveredFromError?: string }> {
    if (this.closed) return this.totals();
    this.finishChunk();
    await this.sink.drain();
    let recoveredFromError: string | undefined;
    const failure = this.sink.error;
    if (failure !== undefined) {
      recoveredFromError = failure.message;
      const good = this.sink.goodEnd;
      // Keep only records wholly before the last completed write.
      const keepEnd = Math.max(
        this.headerEnd(),
        ...this.chunks.filter((c) => c.fileEnd <= good).map((c) => c.fileEnd),
        ...this.metadataIndexes.filter((m) => m.fileEnd <= good).map((m) => m.fileEnd),
        ...this.attachmentIndexes.filter((m) => m.fileEnd <= good).map((m) => m.fileEnd),
      );
      prune(this.chunks, keepEnd);
      prune(this.metadataIndexes, keepEnd);
      prune(this.attachmentIndexes, keepEnd);
      await this.sink.truncate(keepEnd);
      this.sink.resetAfterFailure(keepEnd);
    }
    this.closed = true;
    const summary = this.summaryBytes(this.sink.end);
    this.sink.enqueue([summary]);
    await this.sink.sync();
    const totals = this.totals();
    const secondFailure = this.sink.error;
    await this.sink.close();
    void this.crcWorker?.terminate();
    if (secondFailure !== undefined) {
      throw new Error(`${this.path}: could not finish the file (${secondFailure.message}); run 'teledemo recover' on it`);
    }
    return recoveredFromError === undefined ? totals : { ...totals, recoveredFromError };
  }

  private headerEnd(): number {
    return this.headerLength;
  }

  private appendToChunk(record: Uint8Array): void {
    if (this.used + record.length > this.buf.length) {
      if (this.used > 0) this.finishChunk();
      if (record.length > this.buf.length) this.buf = this.alloc(record.length);
    }
    this.buf.set(record, this.used);
    this.used += record.length;
  }

  private finishChunk(): void {
    if (this.used === 0) return;
    const records = this.buf.subarray(0, this.used);
    const uncompressedSize = this.used;
    const offThread = this.crcWorker !== undefined && records.buffer instanceof SharedArrayBuffer;
    const crc = this.chunkCrc && !offThread ? crc32(records) : 0;
    const { compression, data } = this.compressor.compress(records);
    const compressedOwnsBuffer = data !== records;

    const header = new ByteWriter(64);
    const token = header.beginRecord(Opcode.Chunk);
    header.u64(this.chunkStart).u64(this.chunkEnd).u64(uncompressedSize).u32(crc).string(compression).u64(data.byteLength);
    // the record length covers the data that follows the header
    const headerBytes = header.take();
    headerBytes.writeBigUInt64LE(BigInt(headerBytes.length - 9 + data.byteLength), token);

    const offset = this.sink.end;
    const chunkLength = headerBytes.length + data.byteLength;
    const indexWriter = new ByteWriter(64 + 16 * 1024);
    const indexOffsets = new Map<number, number>();
    const counts = new Map<number, number>();
    for (const [channelId, entry] of [...this.index].sort((a, b) => a[0] - b[0])) {
      indexOffsets.set(channelId, offset + chunkLength + indexWriter.length);
      counts.set(channelId, entry.times.length);
      const t = indexWriter.beginRecord(Opcode.MessageIndex);
      indexWriter.u16(channelId).u32(entry.times.length * 16);
      for (let i = 0; i < entry.times.length; i++) indexWriter.u64(entry.times[i] as bigint).u64(entry.offsets[i] as number);
      indexWriter.endRecord(t);
    }
    const indexBytes = indexWriter.take();
    const buffer = this.buf;
    const fileEnd = offset + chunkLength + indexBytes.length;
    // header: opcode (1) + length (8) + start (8) + end (8) + uncompressed size (8), then the CRC
    const ready = offThread ? this.crcWorker!.crc32(records).then((c) => headerBytes.writeUInt32LE(c, 33), () => undefined /* CRC 0: "not computed", still valid */) : undefined;
    this.sink.enqueue([headerBytes, data, indexBytes], compressedOwnsBuffer ? undefined : () => this.recycle(buffer), ready);
    this.chunks.push({
      start: this.chunkHasMessages ? this.chunkStart : 0n,
      end: this.chunkHasMessages ? this.chunkEnd : 0n,
      offset,
      length: chunkLength,
      indexOffsets,
      indexLength: indexBytes.length,
      compression,
      compressedSize: data.byteLength,
      uncompressedSize,
      counts,
      fileEnd,
    });
    // next chunk
    if (compressedOwnsBuffer && buffer.length === this.chunkSize) {
      this.used = 0; // compressed copy is queued; the buffer can be refilled now
    } else {
      this.buf = this.pool.pop() ?? this.alloc(this.chunkSize);
      this.used = 0;
    }
    this.chunkHasMessages = false;
    this.index = new Map();
  }

  private recycle(buffer: Buffer): void {
    if (buffer.length === this.chunkSize && this.pool.length < this.poolLimit) this.pool.push(buffer);
  }

  private summaryBytes(dataEnd: number): Buffer {
    const w = new ByteWriter(1 << 16);
    let t = w.beginRecord(Opcode.DataEnd);
    w.u32(0); // data section CRC not computed (allowed by the spec)
    w.endRecord(t);
    const summaryStart = dataEnd + w.length;
    const groups: Array<{ opcode: number; start: number; length: number }> = [];
    const group = (opcode: number, write: () => void) => {
      const start = w.length;
      write();
      if (w.length > start) groups.push({ opcode, start: dataEnd + start, length: w.length - start });
    };
    group(Opcode.Schema, () => {
      for (const s of this.schemas) w.raw(schemaRecord(s));
    });
    group(Opcode.Channel, () => {
      for (const c of this.channels) w.raw(channelRecord(c));
    });
    const totals = this.totals();
    group(Opcode.Statistics, () => {
      t = w.beginRecord(Opcode.Statistics);
      w.u64(totals.messageCount)
        .u16(this.schemas.length)
        .u32(this.channels.length)
        .u32(this.attachmentIndexes.length)
        .u32(this.metadataIndexes.length)
        .u32(this.chunks.length)
        .u64(totals.messageStartTime ?? 0n)
        .u64(totals.messageEndTime ?? 0n);
      const at = w.length;
      w.u32(0);
      let n = 0;
      for (const [id, count] of [...totals.channelMessageCounts].sort((a, b) => a[0] - b[0])) {
        w.u16(id).u64(count);
        n += 10;
      }
      w.view().writeUInt32LE(n, at);
      w.endRecord(t);
    });
    group(Opcode.MetadataIndex, () => {
      for (const m of this.metadataIndexes) {
        t = w.beginRecord(Opcode.MetadataIndex);
        w.u64(m.offset).u64(m.length).string(m.name);
        w.endRecord(t);
      }
    });
    group(Opcode.AttachmentIndex, () => {
      for (const a of this.attachmentIndexes) {
        t = w.beginRecord(Opcode.AttachmentIndex);
        w.u64(a.offset).u64(a.length).u64(a.logTime).u64(a.createTime).u64(a.dataSize).string(a.name).string(a.mediaType);
        w.endRecord(t);
      }
    });
    group(Opcode.ChunkIndex, () => {
      for (const c of this.chunks) {
        t = w.beginRecord(Opcode.ChunkIndex);
        w.u64(c.start).u64(c.end).u64(c.offset).u64(c.length);
        const at = w.length;
        w.u32(0);
        for (const [id, off] of c.indexOffsets) w.u16(id).u64(off);
        w.view().writeUInt32LE(c.indexOffsets.size * 10, at);
        w.u64(c.indexLength).string(c.compression).u64(c.compressedSize).u64(c.uncompressedSize);
        w.endRecord(t);
      }
    });
    const summaryOffsetStart = dataEnd + w.length;
    for (const g of groups) {
      t = w.beginRecord(Opcode.SummaryOffset);
      w.u8(g.opcode).u64(g.start).u64(g.length);
      w.endRecord(t);
    }
    const hasSummary = groups.length > 0;
    const crcStart = summaryStart - dataEnd;
    w.u8(Opcode.Footer).u64(20);
    w.u64(hasSummary ? summaryStart : 0).u64(hasSummary ? summaryOffsetStart : 0);
    const crc = hasSummary ? crc32(w.view().subarray(crcStart)) : 0;
    w.u32(crc);
    w.raw(MCAP_MAGIC);
    return w.take();
  }
}

function prune<T extends { fileEnd: number }>(list: T[], keepEnd: number): void {
  const kept = list.filter((e) => e.fileEnd <= keepEnd);
  list.length = 0;
  list.push(...kept);
}

function totalsOf(chunks: readonly ChunkIndexEntry[]): WriterTotals {
  let messageCount = 0;
  let start: bigint | undefined;
  let end: bigint | undefined;
  const perChannel = new Map<number, number>();
  for (const c of chunks) {
    let n = 0;
    for (const [id, count] of c.counts) {
      perChannel.set(id, (perChannel.get(id) ?? 0) + count);
      n += count;
    }
    if (n === 0) continue;
    messageCount += n;
    if (start === undefined || c.start < start) start = c.start;
    if (end === undefined || c.end > end) end = c.end;
  }
  const last = chunks[chunks.length - 1];
  return { messageCount, messageStartTime: start, messageEndTime: end, channelMessageCounts: perChannel, chunkCount: chunks.length, bytesWritten: last?.fileEnd ?? 0 };
}

function schemaRecord(s: SchemaInfo & { id: number }): Buffer {
  const w = new ByteWriter(64 + s.data.byteLength + s.name.length);
  const t = w.beginRecord(Opcode.Schema);
  w.u16(s.id).string(s.name).string(s.encoding).bytes32(s.data);
  w.endRecord(t);
  return w.take();
}

function channelRecord(c: ChannelInfo & { id: number }): Buffer {
  const w = new ByteWriter(256);
  const t = w.beginRecord(Opcode.Channel);
  w.u16(c.id).u16(c.schemaId).string(c.topic).string(c.messageEncoding).stringMap(c.metadata);
  w.endRecord(t);
  return w.take();
}
