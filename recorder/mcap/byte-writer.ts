// A growable little-endian buffer for the small MCAP records (schemas, channels, metadata, the
// summary). Bulk message data never goes through here: it is copied once, straight into a chunk.

const encoder = new TextEncoder();

export class ByteWriter {
  private buf: Buffer;
  private pos = 0;

  constructor(initialCapacity = 4096) {
    this.buf = Buffer.allocUnsafe(initialCapacity);
  }

  get length(): number {
    return this.pos;
  }

  private ensure(extra: number): void {
    if (this.pos + extra <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + extra) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  u8(v: number): this {
    this.ensure(1);
    this.buf[this.pos++] = v;
    return this;
  }
  u16(v: number): this {
    this.ensure(2);
    this.buf.writeUInt16LE(v, this.pos);
    this.pos += 2;
    return this;
  }
  u32(v: number): this {
    this.ensure(4);
    this.buf.writeUInt32LE(v >>> 0, this.pos);
    this.pos += 4;
    return this;
  }
  u64(v: bigint | number): this {
    this.ensure(8);
    this.buf.writeBigUInt64LE(BigInt(v), this.pos);
    this.pos += 8;
    return this;
  }
  raw(bytes: Uint8Array): this {
    this.ensure(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
    return this;
  }
  /** uint32 length-prefixed UTF-8. */
  string(s: string): this {
    const bytes = encoder.encode(s);
    return this.u32(bytes.length).raw(bytes);
  }
  /** uint32 length-prefixed bytes. */
  bytes32(bytes: Uint8Array): this {
    return this.u32(bytes.length).raw(bytes);
  }
  /** Map<string, string>: uint32 byte length, then key/value strings. */
  stringMap(map: ReadonlyMap<string, string>): this {
    const lengthAt = this.pos;
    this.u32(0);
    const start = this.pos;
    for (const [k, v] of map) this.string(k).string(v);
    this.buf.writeUInt32LE(this.pos - start, lengthAt);
    return this;
  }
  /** Begins a record: opcode + placeholder length; returns a token for endRecord. */
  beginRecord(opcode: number): number {
    this.u8(opcode);
    const at = this.pos;
    this.u64(0);
    return at;
  }
  endRecord(token: number): void {
    this.buf.writeBigUInt64LE(BigInt(this.pos - token - 8), token);
  }
  /** A view of the bytes written so far (valid until the next write). */
  view(): Buffer {
    return this.buf.subarray(0, this.pos);
  }
  /** A copy of the bytes written so far. */
  take(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.pos));
  }
  reset(): void {
    this.pos = 0;
  }
}
