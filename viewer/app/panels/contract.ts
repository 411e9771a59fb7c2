// What a panel sees of the app, and what the app asks of a panel. The playback core
// (viewer/app/playback, viewer/app/data) owns time and data; panels (viewer/app/panels/*) only draw.
// Messages are already decoded in the Web Worker; times are corrected-timeline ns (bigint).
import type { EpisodeDetail, ViewerConfig } from "../../shared/http-api.ts";

/** A decoded message as it arrives from the worker. */
export interface DecodedMessage {
  topic: string;
  /** Schema name, e.g. "sensor_msgs/msg/Image" or "foxglove.CameraCalibration". */
  schema: string;
  /** Corrected time (ns). */
  tNs: bigint;
  /** Log (receive) time (ns). */
  logNs: bigint;
  /** The decoded object: ROS messages as @foxglove/rosmsg2-serialization yields them (typed arrays for numeric arrays), protobuf as plain objects. */
  value: Record<string, unknown>;
}

export interface DataSource {
  /** Last message of `topic` at or before corrected time t that is loaded, if any. */
  latest(topic: string, tNs: bigint): DecodedMessage | undefined;
  /**
   * Loaded messages of `topic` in [fromNs, toNs] in time order. Plots ask for a window around the
   * cursor; the core loads ahead and behind and calls `onData` when more arrives.
   */
  range(topic: string, fromNs: bigint, toNs: bigint): readonly DecodedMessage[];
  /** Every message of a latched/once topic (tf_static, calibration), loaded up front. */
  all(topic: string): readonly DecodedMessage[];
  /** Called when newly loaded data could change what a panel shows; returns an unsubscribe. */
  onData(listener: () => void): () => void;
}

export interface PanelContext {
  episode: EpisodeDetail;
  config: ViewerConfig;
  data: DataSource;
  /** Move the playhead (plots and timeline clicks seek). */
  seek(tNs: bigint): void;
  /** Persist panel settings (layout and toggles are remembered in localStorage by the core). */
  saveSettings(settings: Record<string, unknown>): void;
  loadSettings(): Record<string, unknown>;
  /**
   * GET a JSON API path (viewer/shared/http-api.ts `api.*`) with the app's auth header; rejects on
   * a non-2xx status. Optional: panels that need the API (agreement) fall back to plain fetch.
   */
  fetchJson?<T>(path: string): Promise<T>;
}

export interface Panel {
  readonly id: string;
  readonly title: string;
  readonly element: HTMLElement;
  /** Topics this panel needs loaded around the playhead ("visible topics" for seeking/prefetch). */
  topics(): readonly string[];
  /** Draw the state at corrected time t. Called on every playhead move and after onData. */
  render(tNs: bigint): void;
  resize(): void;
  dispose(): void;
}

/** Panels are created by factories; a factory returns null when the episode has no data for it (no empty panels). */
export type PanelFactory = (ctx: PanelContext) => Panel[] | null;
