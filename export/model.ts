// The export's middle: one episode resampled on a fixed-rate grid of the corrected timeline,
// mapped to dataset features. Produced by export/resample (from the aligned episode reader and a
// mapping file), consumed by the format writers (export/lerobot, export/hdf5). Writers never read
// MCAP or labels themselves.

export type NumericDtype = "float32" | "float64" | "int64" | "bool";

export interface NumericFeature {
  key: string;
  dtype: NumericDtype;
  /** Per-frame shape, e.g. [16] for a 16-dof state, [16, 16] for a tactile pad. */
  shape: number[];
  /** Element names where they exist (joint names, "fx".."tz"), else null. */
  names: string[] | null;
  /** frames × prod(shape), row-major; for bool 0/1. */
  data: Float64Array;
  /** Which source stream(s) it came from, for the report and the dataset card. */
  sources: string[];
}

export interface VideoFeature {
  key: string;
  /** "rgb" (rgb8 / bgr8 / compressed sources converted to rgb24) or "depth" (16UC1 millimetres). */
  pixel: "rgb" | "depth";
  width: number;
  height: number;
  sources: string[];
  /**
   * Frames in grid order, exactly one per grid point (the nearest image within tolerance; a grid
   * point beyond tolerance repeats nothing — the episode is flagged/dropped by policy before
   * writers run). rgb: width*height*3 bytes; depth: width*height uint16 (little-endian bytes).
   */
  frames(): AsyncIterable<Uint8Array>;
}

export interface FrameLabel {
  /** Phase type (subtask). */
  type: string;
  startFrame: number;
  /** Inclusive. */
  endFrame: number;
  /** Exact frame timestamps (s from episode start) of startFrame / endFrame. */
  startS: number;
  endS: number;
}

export interface FrameEvent {
  type: string;
  target: string;
  frame: number;
  tS: number;
}

export interface EpisodeLabelsForExport {
  annotator: string | null;
  instruction: string;
  phases: FrameLabel[];
  events: FrameEvent[];
  graspOutcome: "success" | "failure" | "partial" | null;
  failureModes: string[];
  quality: { decision: "accept" | "reject" | null; reason: string };
}

export interface StreamAlignmentReport {
  topic: string;
  feature: string;
  mode: "interpolate" | "nearest";
  toleranceMs: number;
  /** |skew| percentiles over the grid (ms). */
  staleness: { p50Ms: number; p99Ms: number; maxMs: number };
  /** Grid frames whose sample was beyond tolerance. */
  framesBeyondTolerance: number;
  /** Gaps in the source longer than the tolerance: [startS, endS] from episode start. */
  gaps: Array<[number, number]>;
}

export interface ResampledEpisode {
  episodeId: string;
  /** Episode folder or .mcap path it came from. */
  source: string;
  fps: number;
  /** Grid times on the corrected timeline (ns); frame i is at t0 + i/fps exactly. */
  gridNs: bigint[];
  /** frame_index / fps, seconds (what LeRobot calls timestamp). */
  timestamps: Float64Array;
  task: string;
  numeric: NumericFeature[];
  videos: VideoFeature[];
  labels: EpisodeLabelsForExport;
  report: StreamAlignmentReport[];
  /** Policy outcome: flags raised (e.g. "stale:/camera/head/image_raw"). */
  flags: string[];
  /** Recorded facts (teledemo.episode) for attributes / metadata. */
  facts: Record<string, string>;
}

/** A format writer: lerobot, hdf5 (ACT/ALOHA), robomimic. */
export interface DatasetWriter {
  readonly format: "lerobot" | "hdf5" | "robomimic";
  /** Called once before any episode. `resume`: the output exists; keep what is already exported. */
  open(outDir: string, options: { fps: number; resume: boolean; video: VideoOptions }): Promise<void>;
  /** Episode ids already in the output (for resume). */
  exportedEpisodes(): Promise<Set<string>>;
  /** Writes one episode; writers may be called concurrently from --jobs workers only through their own queue. */
  writeEpisode(episode: ResampledEpisode): Promise<void>;
  /** Finishes metadata and runs the self-check (re-reading what was written); throws on mismatch. */
  close(): Promise<{ selfCheck: string[] }>;
}

export interface VideoOptions {
  /** "auto": AV1 (libsvtav1 / libaom-av1) when ffmpeg has it, else H.264 (libx264). */
  codec: "auto" | "av1" | "h264";
  crf: number;
  gop: number;
}
