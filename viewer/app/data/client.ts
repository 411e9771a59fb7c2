// The main thread's handle on the data worker: request/reply by id.
import type { WorkerEnvelope, WorkerReply, WorkerReplyEnvelope, WorkerRequest } from "./protocol.ts";

type ReplyOf<K extends WorkerReply["kind"]> = Extract<WorkerReply, { kind: K }>;

export class DataWorkerClient {
  private readonly worker: Worker;
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (r: WorkerReply) => void; reject: (e: Error) => void }>();

  constructor(url = "/worker.js") {
    this.worker = new Worker(url);
    this.worker.addEventListener("message", (ev: MessageEvent<WorkerReplyEnvelope>) => {
      const w = this.waiting.get(ev.data.id);
      if (!w) return;
      this.waiting.delete(ev.data.id);
      if (ev.data.kind === "error") w.reject(new Error(ev.data.error));
      else w.resolve(ev.data);
    });
    this.worker.addEventListener("error", (ev) => {
      const err = new Error(`data worker: ${ev.message || "failed to start"}`);
      for (const w of this.waiting.values()) w.reject(err);
      this.waiting.clear();
    });
  }

  request<K extends WorkerReply["kind"]>(req: WorkerRequest, expect: K): Promise<ReplyOf<K>> {
    const id = this.nextId++;
    const env: WorkerEnvelope = { ...req, id };
    return new Promise<WorkerReply>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage(env);
    }).then((r) => {
      if (r.kind !== expect) throw new Error(`data worker answered ${r.kind} to ${req.kind}`);
      return r as ReplyOf<K>;
    });
  }

  terminate(): void {
    this.worker.terminate();
    for (const w of this.waiting.values()) w.reject(new Error("data worker stopped"));
    this.waiting.clear();
  }
}
