// The playhead: play/pause, speed, seek and frame steps on the corrected timeline, advanced by a
// requestAnimationFrame loop. Listeners hear every move; the episode page redraws panels then.

export const SPEEDS = [0.1, 0.25, 0.5, 1, 1.5, 2, 3, 4] as const;

export interface PlaybackState {
  tNs: bigint;
  playing: boolean;
  speed: number;
}

/** Where a frame step goes from t: the next/previous pivot sample, or t ± one period. */
export type FrameStepper = (tNs: bigint, direction: 1 | -1) => bigint;

export class Playback {
  private t: bigint;
  private playingFlag = false;
  private speedValue = 1;
  private lastFrameMs: number | null = null;
  private raf = 0;
  private readonly listeners = new Set<(s: PlaybackState, reason: "tick" | "seek" | "state") => void>();

  constructor(
    readonly startNs: bigint,
    readonly endNs: bigint,
    private readonly stepper: FrameStepper,
  ) {
    this.t = startNs;
  }

  get state(): PlaybackState {
    return { tNs: this.t, playing: this.playingFlag, speed: this.speedValue };
  }

  get tNs(): bigint {
    return this.t;
  }

  on(listener: (s: PlaybackState, reason: "tick" | "seek" | "state") => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(reason: "tick" | "seek" | "state"): void {
    const s = this.state;
    for (const l of [...this.listeners]) l(s, reason);
  }

  play(): void {
    if (this.playingFlag) return;
    if (this.t >= this.endNs) this.t = this.startNs;
    this.playingFlag = true;
    this.lastFrameMs = null;
    this.raf = requestAnimationFrame(this.frame);
    this.emit("state");
  }

  pause(): void {
    if (!this.playingFlag) return;
    this.playingFlag = false;
    cancelAnimationFrame(this.raf);
    this.emit("state");
  }

  toggle(): void {
    if (this.playingFlag) this.pause();
    else this.play();
  }

  setSpeed(speed: number): void {
    this.speedValue = Math.min(4, Math.max(0.1, speed));
    this.emit("state");
  }

  seek(tNs: bigint): void {
    this.t = tNs < this.startNs ? this.startNs : tNs > this.endNs ? this.endNs : tNs;
    this.lastFrameMs = null;
    this.emit("seek");
  }

  step(direction: 1 | -1): void {
    this.pause();
    this.seek(this.stepper(this.t, direction));
  }

  stepSeconds(seconds: number): void {
    this.pause();
    this.seek(this.t + BigInt(Math.round(seconds * 1e9)));
  }

  dispose(): void {
    cancelAnimationFrame(this.raf);
    this.listeners.clear();
  }

  private readonly frame = (nowMs: number): void => {
    if (!this.playingFlag) return;
    if (this.lastFrameMs !== null) {
      // Cap a frame's advance: a backgrounded tab must not jump seconds ahead when it returns.
      const dt = Math.min(100, nowMs - this.lastFrameMs);
      this.t += BigInt(Math.round(dt * 1e6 * this.speedValue));
    }
    this.lastFrameMs = nowMs;
    if (this.t >= this.endNs) {
      this.t = this.endNs;
      this.emit("tick");
      this.pause();
      return;
    }
    this.emit("tick");
    this.raf = requestAnimationFrame(this.frame);
  };
}
