// Resampling in parallel: N worker threads (real CPU parallelism; each opens its own episode
// reader, and the main thread opens it once more for the video frames), or in the calling
// thread for --jobs 1 (one open per episode, shared with the frames). Both paths run the same resampleOpen, so
// --jobs never changes the output.
import { Worker } from "node:worker_threads";
import type { AlignedEpisode } from "../../recorder/aligned/api.ts";
import { resampleOpen, type ResampleRequest, type ResampledCore } from "../resample/resample.ts";
import { openEpisode } from "../resample/open.ts";
import { describeFailure, type JobReply } from "./protocol.ts";

/**
 * A resampled episode, or why not. `open`: the reader that resampled it, still open (inline
 * pool), for the video frames to reuse — the caller closes it (toResampledEpisode(..).release()).
 */
export type JobResult = (Extract<JobReply, { ok: true }>["core"] & { open?: AlignedEpisode }) | { failed: true; skip: boolean; message: string };

export interface ResamplePool {
  run(request: ResampleRequest): Promise<JobResult>;
  close(): Promise<void>;
}

export function createPool(jobs: number): ResamplePool {
  if (jobs <= 1) return inlinePool();
  return new WorkerPool(jobs);
}

/** --jobs 1: resample in this thread and keep the reader open, so the episode is opened once. */
async function resampleInline(request: ResampleRequest): Promise<ResampledCore & { open: AlignedEpisode }> {
  const episode = await openEpisode(request.path);
  try {
    return { ...(await resampleOpen(episode, request)), open: episode };
  } catch (err) {
    await episode.close();
    throw err;
  }
}

function inlinePool(): ResamplePool {
  return {
    run: (request) => resampleInline(request).catch((err: unknown) => ({ failed: true as const, ...describeFailure(err) })),
    close: async () => {},
  };
}

// Worker threads do not inherit the tsx loader: each registers it, then imports the worker module.
const BOOT = `
const { workerData } = require("node:worker_threads");
import(workerData.tsx).then((m) => { m.register(); return import(workerData.module); })
  .catch((err) => { console.error(err); process.exit(1); });
`;

class WorkerPool implements ResamplePool {
  readonly #workers: Array<{ worker: Worker; busy: boolean }> = [];
  readonly #queue: Array<{ id: number; request: ResampleRequest }> = [];
  readonly #pending = new Map<number, (r: JobResult) => void>();
  #next = 0;
  #broken: Error | undefined;

  constructor(jobs: number) {
    const workerData = { tsx: import.meta.resolve("tsx/esm/api"), module: new URL("./worker.ts", import.meta.url).href };
    for (let i = 0; i < jobs; i++) {
      const worker = new Worker(BOOT, { eval: true, workerData });
      const slot = { worker, busy: false };
      worker.on("message", (reply: JobReply) => {
        slot.busy = false;
        const done = this.#pending.get(reply.id);
        this.#pending.delete(reply.id);
        done?.(reply.ok ? reply.core : { failed: true, skip: reply.skip, message: reply.message });
        this.#pump();
      });
      worker.on("error", (err) => this.#fail(err));
      worker.on("exit", (code) => {
        if (code !== 0) this.#fail(new Error(`an export worker exited with code ${code}`));
      });
      this.#workers.push(slot);
    }
  }

  run(request: ResampleRequest): Promise<JobResult> {
    if (this.#broken) return Promise.resolve({ failed: true, skip: false, message: this.#broken.message });
    const id = this.#next++;
    return new Promise((resolve) => {
      this.#pending.set(id, resolve);
      this.#queue.push({ id, request });
      this.#pump();
    });
  }

  #pump(): void {
    for (const slot of this.#workers) {
      if (slot.busy) continue;
      const job = this.#queue.shift();
      if (!job) return;
      slot.busy = true;
      slot.worker.postMessage(job);
    }
  }

  #fail(err: Error): void {
    this.#broken ??= err;
    for (const [id, done] of this.#pending) {
      this.#pending.delete(id);
      done({ failed: true, skip: false, message: `export worker failed: ${err.message}` });
    }
  }

  async close(): Promise<void> {
    this.#broken ??= new Error("pool closed");
    await Promise.all(this.#workers.map((w) => w.worker.terminate()));
  }
}
