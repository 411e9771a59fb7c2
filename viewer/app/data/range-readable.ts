// An @mcap/core IReadable over HTTP Range requests with a block cache: the file is read in
// fixed-size blocks kept in an LRU; a read fetches its missing blocks in as few requests as
// possible (adjacent missing blocks coalesce into one Range), and concurrent reads of the
// same block share one request.
import type { IReadable } from "@mcap/core";

const BLOCK = 1 << 20; // 1 MiB

export interface RangeStats {
  rangeRequests: number;
  bytesFetched: number;
  cacheHits: number;
}

export class HttpRangeReadable implements IReadable {
  private readonly blocks = new Map<number, Uint8Array>(); // insertion order = LRU order
  private readonly pending = new Map<number, Promise<void>>();
  private cacheBytes = 0;
  readonly stats: RangeStats = { rangeRequests: 0, bytesFetched: 0, cacheHits: 0 };

  constructor(
    private readonly url: string,
    private readonly fileSize: number,
    private readonly headers: Record<string, string>,
    private readonly maxCacheBytes = 384 << 20,
  ) {}

  get cachedBytes(): number {
    return this.cacheBytes;
  }

  async size(): Promise<bigint> {
    return BigInt(this.fileSize);
  }

  async read(offsetBig: bigint, sizeBig: bigint): Promise<Uint8Array> {
    const offset = Number(offsetBig);
    const size = Number(sizeBig);
    if (offset < 0 || size < 0 || offset + size > this.fileSize) {
      throw new Error(`${this.url}: read of ${size} bytes at ${offset} is outside the file (${this.fileSize} bytes)`);
    }
    if (size === 0) return new Uint8Array(0);
    const first = Math.floor(offset / BLOCK);
    const last = Math.floor((offset + size - 1) / BLOCK);
    await this.ensure(first, last);
    // One block: a view, no copy (the common case for small records).
    if (first === last) {
      const b = this.touch(first);
      return b.subarray(offset - first * BLOCK, offset - first * BLOCK + size);
    }
    const out = new Uint8Array(size);
    for (let i = first; i <= last; i++) {
      const b = this.touch(i);
      const blockStart = i * BLOCK;
      const from = Math.max(offset, blockStart) - blockStart;
      const to = Math.min(offset + size, blockStart + b.byteLength) - blockStart;
      out.set(b.subarray(from, to), blockStart + from - offset);
    }
    return out;
  }

  /** One Range request for exactly these bytes, not cached here (chunks are cached parsed, by the caller). */
  async readExact(offset: number, size: number): Promise<Uint8Array> {
    if (offset < 0 || size <= 0 || offset + size > this.fileSize) {
      throw new Error(`${this.url}: read of ${size} bytes at ${offset} is outside the file (${this.fileSize} bytes)`);
    }
    this.stats.rangeRequests++;
    const end = offset + size;
    const res = await fetch(this.url, { headers: { ...this.headers, Range: `bytes=${offset}-${end - 1}` } });
    if (res.status !== 206 && res.status !== 200) throw new Error(`${this.url}: HTTP ${res.status} for bytes ${offset}-${end - 1}`);
    const body = new Uint8Array(await res.arrayBuffer());
    const data = res.status === 200 ? body.subarray(offset, end) : body;
    if (data.byteLength !== size) throw new Error(`${this.url}: expected ${size} bytes at ${offset}, got ${data.byteLength}`);
    this.stats.bytesFetched += size;
    return data;
  }

  private touch(i: number): Uint8Array {
    const b = this.blocks.get(i);
    if (b === undefined) throw new Error(`${this.url}: block ${i} evicted while in use`);
    this.blocks.delete(i);
    this.blocks.set(i, b);
    return b;
  }

  private async ensure(first: number, last: number): Promise<void> {
    const waits: Promise<void>[] = [];
    let runStart = -1;
    const flush = (end: number): void => {
      if (runStart < 0) return;
      waits.push(this.fetchRun(runStart, end));
      runStart = -1;
    };
    for (let i = first; i <= last; i++) {
      if (this.blocks.has(i)) {
        this.stats.cacheHits++;
        flush(i - 1);
      } else if (this.pending.has(i)) {
        flush(i - 1);
        waits.push(this.pending.get(i)!);
      } else if (runStart < 0) {
        runStart = i;
      }
    }
    flush(last);
    await Promise.all(waits);
    // A block evicted by a concurrent read between fetch and use: fetch again.
    for (let i = first; i <= last; i++) if (!this.blocks.has(i)) return this.ensure(first, last);
  }

  private fetchRun(firstBlock: number, lastBlock: number): Promise<void> {
    const start = firstBlock * BLOCK;
    const end = Math.min(this.fileSize, (lastBlock + 1) * BLOCK); // exclusive
    const p = (async () => {
      this.stats.rangeRequests++;
      const res = await fetch(this.url, { headers: { ...this.headers, Range: `bytes=${start}-${end - 1}` } });
      if (res.status !== 206 && res.status !== 200) throw new Error(`${this.url}: HTTP ${res.status} for bytes ${start}-${end - 1}`);
      const body = new Uint8Array(await res.arrayBuffer());
      // A server that ignores Range answers 200 with the whole file.
      const data = res.status === 200 ? body.subarray(start, end) : body;
      if (data.byteLength !== end - start) throw new Error(`${this.url}: expected ${end - start} bytes at ${start}, got ${data.byteLength}`);
      this.stats.bytesFetched += data.byteLength;
      for (let i = firstBlock; i <= lastBlock; i++) {
        const from = i * BLOCK - start;
        this.insert(i, data.subarray(from, Math.min(data.byteLength, from + BLOCK)));
      }
    })();
    for (let i = firstBlock; i <= lastBlock; i++) this.pending.set(i, p);
    return p.finally(() => {
      for (let i = firstBlock; i <= lastBlock; i++) if (this.pending.get(i) === p) this.pending.delete(i);
    });
  }

  private insert(i: number, block: Uint8Array): void {
    const old = this.blocks.get(i);
    if (old) this.cacheBytes -= old.byteLength;
    this.blocks.set(i, block);
    this.cacheBytes += block.byteLength;
    for (const [k, b] of this.blocks) {
      if (this.cacheBytes <= this.maxCacheBytes) break;
      if (k === i) continue;
      this.blocks.delete(k);
      this.cacheBytes -= b.byteLength;
    }
  }
}
