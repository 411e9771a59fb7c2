// Chunk CRC-32 off the main thread: one worker computes zlib's crc32 over chunk buffers that live
// in shared memory, so the thread that receives messages keeps filling the next chunk (and
// keeping the disk busy) instead of spending ~0.7 ms per MB on checksums.
import { Worker } from "node:worker_threads";

const WORKER_SOURCE = `
const { parentPort } = require("node:worker_threads");
const { crc32 } = require("node:zlib");
parentPort.on("message", ({ id, buffer, offset, length }) => {
  parentPort.postMessage({ id, crc: crc32(new Uint8Array(buffer, offset, length)) });
});
`;

export class CrcWorker {
  private readonly worker: Worker;
  private readonly waiting = new Map<number, (crc: number) => void>();
  private nextId = 1;

  constructor() {
    this.worker = new Worker(WORKER_SOURCE, { eval: true });
    this.worker.unref();
    this.worker.on("message", ({ id, crc }: { id: number; crc: number }) => {
      const resolve = this.waiting.get(id);
      this.waiting.delete(id);
      resolve?.(crc >>> 0);
    });
  }

  /** CRC-32 of `bytes`, which must be a view of a SharedArrayBuffer. */
  crc32(bytes: Uint8Array): Promise<number> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.worker.postMessage({ id, buffer: bytes.buffer, offset: bytes.byteOffset, length: bytes.byteLength });
    });
  }

  terminate(): Promise<number> {
    return this.worker.terminate();
  }
}

/** A Buffer over fresh shared memory (what CrcWorker can read without a copy). */
export function sharedBuffer(size: number): Buffer {
  return Buffer.from(new SharedArrayBuffer(size));
}
