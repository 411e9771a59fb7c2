// Ordered, positioned, asynchronous appends to one file. Callers enqueue byte ranges and go on
// filling the next chunk while the thread pool writes; `sync()` waits for everything queued and
// fsyncs. The first write error (ENOSPC, EIO) stops the sink: later data is discarded and
// `goodEnd` says how much of the file is known complete, so the writer can close a valid file.
import { type FileHandle, open } from "node:fs/promises";

interface Pending {
  parts: Uint8Array[];
  position: number;
  length: number;
  done?: () => void;
  /** The parts may still be completed (a checksum patched in) until this resolves. */
  ready?: Promise<unknown>;
}

const MAX_IOV = 256;

export interface FileSinkOptions {
  /** Test hook: fail with ENOSPC once a write would pass this many bytes. */
  failAfterBytes?: number;
}

export class FileSink {
  private readonly queue: Pending[] = [];
  private pumping: Promise<void> | undefined;
  private position = 0;
  private written = 0;
  private queuedBytes = 0;
  private failure: NodeJS.ErrnoException | undefined;
  private closed = false;
  private spaceWaiters: Array<{ below: number; resolve: () => void }> = [];

  private constructor(
    private readonly handle: FileHandle,
    readonly path: string,
    private readonly options: FileSinkOptions,
  ) {}

  /** Creates (or truncates) `path`. */
  static async create(path: string, options: FileSinkOptions = {}): Promise<FileSink> {
    return new FileSink(await open(path, "w"), path, options);
  }

  /** Logical end of the file: everything enqueued so far. */
  get end(): number {
    return this.position;
  }
  /** Bytes handed to the OS (all writes up to here completed). */
  get goodEnd(): number {
    return this.written;
  }
  /** Bytes enqueued but not yet written. */
  get pendingBytes(): number {
    return this.queuedBytes;
  }
  get error(): NodeJS.ErrnoException | undefined {
    return this.failure;
  }

  /** Appends `parts` at the current end; returns the offset they start at. */
  enqueue(parts: Uint8Array[], done?: () => void, ready?: Promise<unknown>): number {
    const at = this.position;
    let length = 0;
    for (const p of parts) length += p.byteLength;
    this.position += length;
    if (this.failure !== undefined || this.closed) return at;
    this.queue.push({ parts, position: at, length, done, ...(ready === undefined ? {} : { ready }) });
    this.queuedBytes += length;
    this.pumping ??= this.pump();
    return at;
  }

  /** Resolves once everything enqueued so far is written (or the sink failed). */
  async drain(): Promise<void> {
    while (this.pumping !== undefined) await this.pumping;
  }

  /** Resolves once no more than `below` bytes are waiting (or the sink failed): lets a producer
   * keep the disk busy without queuing without bound. */
  waitForSpace(below: number): Promise<void> {
    if (this.queuedBytes <= below || this.failure !== undefined || this.pumping === undefined) return Promise.resolve();
    return new Promise((resolve) => this.spaceWaiters.push({ below, resolve }));
  }

  private wakeSpaceWaiters(): void {
    if (this.spaceWaiters.length === 0) return;
    const ready = this.spaceWaiters.filter((w) => this.queuedBytes <= w.below || this.failure !== undefined || this.queue.length === 0);
    if (ready.length === 0) return;
    this.spaceWaiters = this.spaceWaiters.filter((w) => !ready.includes(w));
    for (const w of ready) w.resolve();
  }

  /** drain + fsync. */
  async sync(): Promise<void> {
    await this.drain();
    if (this.failure !== undefined || this.closed) return;
    try {
      await this.handle.sync();
    } catch (err) {
      // Character devices and some pseudo filesystems cannot fsync; nothing more to do there.
      if ((err as NodeJS.ErrnoException).code !== "EINVAL" && (err as NodeJS.ErrnoException).code !== "ENOTSUP") throw err;
    }
  }

  /** Cuts the file back to `length` (after a failure: drop a torn tail). */
  async truncate(length: number): Promise<void> {
    await this.drain();
    await this.handle.truncate(length);
    this.position = length;
    this.written = Math.min(this.written, length);
  }

  /** Clears a failure so that a final, small write (the summary) can be attempted. */
  resetAfterFailure(position: number): void {
    this.failure = undefined;
    this.position = position;
    this.written = position;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.drain();
    this.closed = true;
    await this.handle.close();
  }

  private async pump(): Promise<void> {
    try {
      while (this.queue.length > 0 && this.failure === undefined) {
        // Coalesce consecutive items into one writev.
        const batch: Pending[] = [];
        const parts: Uint8Array[] = [];
        const start = (this.queue[0] as Pending).position;
        let length = 0;
        while (this.queue.length > 0 && parts.length + (this.queue[0] as Pending).parts.length <= MAX_IOV) {
          const next = this.queue[0] as Pending;
          if (next.ready !== undefined) {
            if (batch.length > 0) break; // write what is complete first
            await next.ready;
          }
          const item = this.queue.shift() as Pending;
          batch.push(item);
          for (const p of item.parts) if (p.byteLength > 0) parts.push(p);
          length += item.length;
          if (length >= 8 << 20) break;
        }
        try {
          await this.writeAll(parts, start, length);
        } catch (err) {
          this.failure = namingFile(err as NodeJS.ErrnoException, this.path);
          this.queuedBytes = 0;
          this.queue.length = 0;
          break;
        }
        this.written = start + length;
        this.queuedBytes -= length;
        for (const item of batch) item.done?.();
        this.wakeSpaceWaiters();
      }
    } finally {
      this.pumping = undefined;
      this.wakeSpaceWaiters();
      for (const w of this.spaceWaiters.splice(0)) w.resolve();
    }
  }

  private async writeAll(parts: Uint8Array[], position: number, length: number): Promise<void> {
    const limit = this.options.failAfterBytes;
    if (limit !== undefined && position + length > limit) {
      // Write what would fit, then fail as a full disk does.
      const fit = Math.max(0, limit - position);
      if (fit > 0) await this.writeAll(concatPrefix(parts, fit), position, fit);
      const err = new Error(`ENOSPC: no space left on device, write '${this.path}'`) as NodeJS.ErrnoException;
      err.code = "ENOSPC";
      throw err;
    }
    let remaining = parts;
    let pos = position;
    let left = length;
    while (left > 0) {
      const { bytesWritten } = await this.handle.writev(remaining, pos);
      if (bytesWritten === 0) throw Object.assign(new Error(`write to ${this.path} made no progress`), { code: "EIO" });
      left -= bytesWritten;
      pos += bytesWritten;
      this.written = pos;
      if (left > 0) remaining = skipBytes(remaining, bytesWritten);
    }
  }
}

/** fs write errors do not name the file ("ENOSPC: no space left on device, write"): add it. */
function namingFile(err: NodeJS.ErrnoException, path: string): NodeJS.ErrnoException {
  if (err.message.includes(path)) return err;
  const named = new Error(`${err.message.replace(/, write$/, "")} (writing ${path})`) as NodeJS.ErrnoException;
  if (err.code !== undefined) named.code = err.code;
  if (err.errno !== undefined) named.errno = err.errno;
  return named;
}

function skipBytes(parts: Uint8Array[], n: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  let skip = n;
  for (const p of parts) {
    if (skip >= p.byteLength) {
      skip -= p.byteLength;
      continue;
    }
    out.push(skip > 0 ? p.subarray(skip) : p);
    skip = 0;
  }
  return out;
}

function concatPrefix(parts: Uint8Array[], n: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  let left = n;
  for (const p of parts) {
    if (left <= 0) break;
    out.push(p.byteLength <= left ? p : p.subarray(0, left));
    left -= Math.min(left, p.byteLength);
  }
  return out;
}
