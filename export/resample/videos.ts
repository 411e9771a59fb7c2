// The video features' frame streams. Every camera of an episode is fed from ONE pass of the
// aligned reader over all image topics on the episode's grid (reading an episode is the slow part:
// one pass per camera read the whole file once per camera). Each frame is converted as it goes by
// and queued per camera; the pass waits while any camera's queue is full, so a slow encoder slows
// the reader instead of filling memory (backpressure), and an episode of frames is never held.
//
// Cameras that start iterating together (the LeRobot writer encodes them in parallel) share a
// pass; a camera that starts after a pass has begun (the HDF5 writers write cameras one after the
// other) gets a pass of its own on the same open episode, so sequential consumers never deadlock.
import type { AlignedEpisode } from "../../recorder/aligned/api.ts";
import type { RosMessage } from "../../nodes/runtime/api.ts";
import type { ResampledEpisode, VideoFeature } from "../model.ts";
import { convertImage } from "./images.ts";
import { openEpisode } from "./open.ts";
import type { ResampledCore, VideoPlan } from "./resample.ts";

/** Frames converted ahead per camera before the pass waits for its encoder. */
const QUEUE_DEPTH = 4;

interface Consumer {
  plan: VideoPlan;
  queue: Uint8Array[];
  done: boolean;
  error: Error | undefined;
  /** The consumer stopped iterating (finished, broke off or failed). */
  left: boolean;
  notify: (() => void) | undefined;
}

interface Pass {
  consumers: Consumer[];
  started: boolean;
  space: (() => void) | undefined;
}

/** The episode, opened at most once (or handed over already open) and closed by release(). */
class EpisodeHandle {
  private opening: Promise<AlignedEpisode> | undefined;
  constructor(
    private readonly path: string,
    opened: AlignedEpisode | undefined,
  ) {
    if (opened) this.opening = Promise.resolve(opened);
  }
  get(): Promise<AlignedEpisode> {
    this.opening ??= openEpisode(this.path);
    return this.opening;
  }
  async release(): Promise<void> {
    const opening = this.opening;
    this.opening = undefined;
    if (opening) await (await opening.catch(() => undefined))?.close();
  }
}

class FramePasses {
  private gathering: Pass | undefined;
  private readonly running = new Set<Promise<void>>();

  constructor(
    private readonly handle: EpisodeHandle,
    private readonly path: string,
    private readonly gridNs: readonly bigint[],
  ) {}

  frames(plan: VideoPlan): AsyncIterable<Uint8Array> {
    return { [Symbol.asyncIterator]: () => this.iterate(plan) };
  }

  /** Waits for every pass to end, then closes the episode. */
  async release(): Promise<void> {
    for (const pass of [...this.running]) await pass;
    await this.handle.release();
  }

  // An async generator's body runs at the first next(): that is when a camera joins a pass.
  private async *iterate(plan: VideoPlan): AsyncGenerator<Uint8Array> {
    const c: Consumer = { plan, queue: [], done: false, error: undefined, left: false, notify: undefined };
    const pass = this.join(c);
    try {
      for (;;) {
        const frame = c.queue.shift();
        if (frame) {
          pass.space?.();
          yield frame;
          continue;
        }
        if (c.error) throw c.error;
        if (c.done) return;
        await new Promise<void>((resolve) => (c.notify = resolve));
        c.notify = undefined;
      }
    } finally {
      c.left = true;
      c.queue.length = 0;
      pass.space?.();
    }
  }

  private join(c: Consumer): Pass {
    if (!this.gathering) {
      const pass: Pass = { consumers: [], started: false, space: undefined };
      this.gathering = pass;
      // Start on the next macrotask: cameras whose iteration starts in the same turn share it.
      setImmediate(() => {
        if (this.gathering === pass) this.gathering = undefined;
        pass.started = true;
        const run = this.run(pass);
        this.running.add(run);
        void run.finally(() => this.running.delete(run));
      });
    }
    this.gathering.consumers.push(c);
    return this.gathering;
  }

  private async run(pass: Pass): Promise<void> {
    const wake = (c: Consumer) => c.notify?.();
    try {
      const episode = await this.handle.get();
      const topics = [...new Set(pass.consumers.map((c) => c.plan.topic))];
      const toleranceNs = new Map<string, bigint>();
      for (const { plan } of pass.consumers) if (plan.toleranceNs !== undefined) toleranceNs.set(plan.topic, plan.toleranceNs);
      let i = 0;
      for await (const { states } of episode.resample(this.gridNs, { topics, toleranceNs })) {
        const live = pass.consumers.filter((c) => !c.left);
        if (live.length === 0) return;
        // decode each image once, even when two features read the same topic
        const decoded = new Map<string, RosMessage>();
        for (const c of live) {
          const topic = c.plan.topic;
          let m = decoded.get(topic);
          if (!m) {
            const message = states.get(topic)?.message;
            if (!message) throw new Error(`${this.path}: ${topic} has no image for grid frame ${i}`);
            m = message.decode();
            decoded.set(topic, m);
          }
          c.queue.push(convertImage(m, c.plan.pixel, { width: c.plan.width, height: c.plan.height, encoding: "" }, topic));
          wake(c);
        }
        i++;
        while (pass.consumers.some((c) => !c.left && c.queue.length >= QUEUE_DEPTH)) {
          await new Promise<void>((resolve) => (pass.space = resolve));
          pass.space = undefined;
        }
      }
      if (i !== this.gridNs.length) throw new Error(`${this.path}: the aligned reader gave ${i} frames for ${this.gridNs.length} grid times`);
      for (const c of pass.consumers) {
        c.done = true;
        wake(c);
      }
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err));
      for (const c of pass.consumers) {
        c.error = error;
        wake(c);
      }
    }
  }
}

function videoFeature(passes: FramePasses, plan: VideoPlan): VideoFeature {
  return { key: plan.key, pixel: plan.pixel, width: plan.width, height: plan.height, sources: plan.sources, frames: () => passes.frames(plan) };
}

/** A resampled episode for the writers, plus release() (closes its reader once it is written). */
export type WritableEpisode = ResampledEpisode & { release(): Promise<void> };

/**
 * The writers' view of a resampled episode. `opened`: the reader that resampled it, still open
 * (reused for the frames, so the episode is opened once); otherwise it is opened on first use.
 */
export function toResampledEpisode(core: ResampledCore, opened?: AlignedEpisode): WritableEpisode {
  const { videos, ...rest } = core;
  const passes = new FramePasses(new EpisodeHandle(core.source, opened), core.source, core.gridNs);
  return { ...rest, videos: videos.map((v) => videoFeature(passes, v)), release: () => passes.release() };
}
