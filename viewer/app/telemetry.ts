// window.__teledemo: timings and events of the open page, for the browser tests and
// `npm run bench:viewer` (first complete frame, seek latencies, label/save events) plus a few
// hooks they drive (seek, decode-all). Read-only for users; costs nothing when unused.

export interface TelemetryHooks {
  [name: string]: (...args: never[]) => unknown;
}

interface TelemetryState {
  episode: string | null;
  /** ms since the page (episode) was opened, per milestone. */
  marks: Record<string, number>;
  /** ms from opening the episode to the first frame with every visible panel rendered once. */
  firstFrameMs: number | null;
  firstFramePanels: string[];
  seekMs: number[];
  frames: number;
  events: Array<{ at: number; kind: string; detail: string }>;
  pageErrors: string[];
  hooks: TelemetryHooks;
}

const state: TelemetryState = { episode: null, marks: {}, firstFrameMs: null, firstFramePanels: [], seekMs: [], frames: 0, events: [], pageErrors: [], hooks: {} };
let origin = performance.now();

export const telemetry = {
  reset(episode: string | null): void {
    origin = performance.now();
    state.episode = episode;
    state.marks = {};
    state.firstFrameMs = null;
    state.firstFramePanels = [];
    state.seekMs = [];
    state.frames = 0;
    state.events = [];
    state.hooks = {};
  },
  mark(name: string): void {
    state.marks[name] = performance.now() - origin;
  },
  event(kind: string, detail: string): void {
    state.events.push({ at: performance.now() - origin, kind, detail });
    if (state.events.length > 2000) state.events.splice(0, 1000);
  },
  frame(): void {
    state.frames++;
  },
  firstFrame(ms: number, panels: string[]): void {
    state.firstFrameMs = ms;
    state.firstFramePanels = panels;
    state.marks["firstFrame"] = ms;
  },
  seekDone(ms: number): void {
    state.seekMs.push(ms);
  },
  attach(hooks: TelemetryHooks): void {
    state.hooks = hooks;
  },
  pageError(message: string): void {
    state.pageErrors.push(message);
  },
};

(globalThis as unknown as { __teledemo: TelemetryState }).__teledemo = state;
