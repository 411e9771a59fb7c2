// What to load when: the playhead's policy over the worker. A seek first asks for the last
// message of each visible topic before the target (one backward index lookup: enough to draw a
// complete frame), then fills 1-second windows around it; playback keeps windows ahead loaded.
// Light topics (plots: joint states, wrenches, IMU, tactile) keep a wide window for the plots'
// history; heavy ones (images, point clouds) a narrow one and are trimmed behind the playhead.
import type { DecodedMessage } from "../panels/contract.ts";
import type { DataWorkerClient } from "./client.ts";
import { SUPERSEDED } from "./protocol.ts";
import type { MessageStore } from "./store.ts";

const WINDOW_NS = 1_000_000_000n;
const LIGHT_BEHIND = 6;
const LIGHT_AHEAD = 4;
const HEAVY_BEHIND = 1;
const HEAVY_AHEAD = 2;
/** Parallel window requests (the worker decodes one at a time anyway; two keep the pipe full). */
const MAX_IN_FLIGHT = 2;
/** How long the playhead rests after a seek before the windows around it load. */
const SETTLE_MS = 250;

export interface LoaderEvents {
  /** A seek's latest-before lookup arrived (the frame at the target can be drawn completely). */
  onSeekData?(tNs: bigint, messages: readonly DecodedMessage[]): void;
  onError?(message: string): void;
}

export class Loader {
  private visible: string[] = [];
  private heavy = new Set<string>();
  private readonly loaded = new Map<string, Set<number>>(); // "light"|"heavy" → window indexes
  private readonly inFlight = new Set<string>(); // `${class}:${k}`
  private generation = 0;
  private playheadNs: bigint;
  private readonly reportedErrors = new Set<string>();

  constructor(
    private readonly client: DataWorkerClient,
    private readonly store: MessageStore,
    private readonly startNs: bigint,
    private readonly endNs: bigint,
    private readonly isHeavy: (topic: string) => boolean,
    private readonly events: LoaderEvents = {},
  ) {
    this.playheadNs = startNs;
    this.loaded.set("light", new Set());
    this.loaded.set("heavy", new Set());
  }

  /** Loads every message of small/latched topics (tf_static, calibration, camera_info of static rigs) up front. */
  async loadAll(topics: string[]): Promise<void> {
    if (topics.length === 0) return;
    const r = await this.client.request({ kind: "all", topics }, "messages");
    this.report(r.errors);
    this.store.insert(r.messages);
  }

  /** Resolves when the topics just made visible have their latest-before data. */
  setVisibleTopics(topics: readonly string[]): Promise<void> {
    const next = [...new Set(topics)].sort();
    if (next.join("\n") === this.visible.join("\n")) return Promise.resolve();
    const added = next.filter((t) => !this.visible.includes(t));
    this.visible = next;
    this.heavy = new Set(next.filter((t) => this.isHeavy(t)));
    // New topics need their windows: forget what was loaded (duplicates are dropped on insert).
    if (added.length > 0) {
      for (const s of this.loaded.values()) s.clear();
      return this.seek(this.playheadNs);
    }
    return Promise.resolve();
  }

  /** Jump: latest-before lookup for every visible topic, then the windows. Resolves when the lookup is in. */
  async seek(tNs: bigint): Promise<void> {
    this.playheadNs = tNs;
    const gen = ++this.generation;
    if (this.visible.length > 0) {
      const r = await this.client.request({ kind: "latest", topics: this.visible, tNs, epoch: gen }, "messages");
      this.report(r.errors);
      this.store.insert(r.messages);
      if (gen === this.generation) this.events.onSeekData?.(tNs, r.messages);
    }
    // The windows around the target (plot history, frames ahead) load once the playhead rests:
    // while the user scrubs, each seek's lookup has the network and the worker to itself.
    if (gen === this.generation) setTimeout(() => gen === this.generation && this.tick(tNs), SETTLE_MS);
  }

  /** Called every frame with the playhead: keeps the windows around it loaded. */
  tick(tNs: bigint): void {
    this.playheadNs = tNs;
    const k = this.windowOf(tNs);
    const light = this.visible.filter((t) => !this.heavy.has(t));
    const heavy = this.visible.filter((t) => this.heavy.has(t));
    const wants: Array<{ cls: "light" | "heavy"; k: number; topics: string[] }> = [];
    // Nearest first: the current window, then ahead, then behind.
    const order = (behind: number, ahead: number): number[] => {
      const ks = [k];
      for (let d = 1; d <= Math.max(behind, ahead); d++) {
        if (d <= ahead) ks.push(k + d);
        if (d <= behind) ks.push(k - d);
      }
      return ks;
    };
    if (heavy.length > 0) for (const w of order(HEAVY_BEHIND, HEAVY_AHEAD)) wants.push({ cls: "heavy", k: w, topics: heavy });
    if (light.length > 0) for (const w of order(LIGHT_BEHIND, LIGHT_AHEAD)) wants.push({ cls: "light", k: w, topics: light });
    for (const w of wants) {
      if (this.inFlight.size >= MAX_IN_FLIGHT) break;
      if (w.k < 0 || this.windowStart(w.k) >= this.endNs + 1n) continue;
      const done = this.loaded.get(w.cls)!;
      const key = `${w.cls}:${w.k}`;
      if (done.has(w.k) || this.inFlight.has(key)) continue;
      this.inFlight.add(key);
      const from = this.windowStart(w.k);
      this.client
        .request({ kind: "load", topics: w.topics, fromNs: from, toNs: from + WINDOW_NS, epoch: this.generation }, "messages")
        .then((r) => {
          done.add(w.k);
          this.report(r.errors);
          this.store.insert(r.messages);
        })
        .catch((err: unknown) => {
          const message = err instanceof Error ? err.message : String(err);
          // A window abandoned because the user seeked elsewhere is not a problem; it reloads if needed.
          if (!message.includes(SUPERSEDED)) this.events.onError?.(message);
        })
        .finally(() => {
          this.inFlight.delete(key);
          this.tick(this.playheadNs);
        });
    }
    this.trimHeavy(k);
  }

  private trimHeavy(k: number): void {
    const keepFrom = this.windowStart(k - HEAVY_BEHIND - 1);
    const keepTo = this.windowStart(k + HEAVY_AHEAD + 2);
    const done = this.loaded.get("heavy")!;
    for (const w of [...done]) if (w < k - HEAVY_BEHIND - 1 || w > k + HEAVY_AHEAD + 1) done.delete(w);
    for (const t of this.heavy) this.store.trim(t, keepFrom, keepTo);
  }

  private windowOf(tNs: bigint): number {
    return Number((tNs - this.startNs) / WINDOW_NS);
  }

  private windowStart(k: number): bigint {
    return this.startNs + BigInt(k) * WINDOW_NS;
  }

  private report(errors: Array<{ topic: string; error: string }>): void {
    for (const e of errors) {
      const key = `${e.topic}: ${e.error}`;
      if (this.reportedErrors.has(key)) continue;
      this.reportedErrors.add(key);
      this.events.onError?.(`could not decode ${key}`);
    }
  }
}
