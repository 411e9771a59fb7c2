// The episode QA contract: per episode pass / warn / fail with reasons, cached beside the
// episode as qa.json. `teledemo qa`, the export's --filter and the viewer's episode browser
// call runQa (./run.ts); the checks are pure functions of the aligned episode (./checks.ts).

export type QaStatus = "pass" | "warn" | "fail";

export type QaCheck =
  /** A stream's rate below its expected rate (rig profile, else its own median rate). */
  | "under-rate"
  /** A stream expected by the rig profile has no message at all. */
  | "missing-stream"
  /** Silence in a stream much longer than its period. */
  | "gap"
  /** A sensor clock jumped: its clock model has more than one segment. */
  | "clock-jump"
  /** Arms still (joint speed ≈ 0) for a long stretch mid-episode. */
  | "idle"
  /** Several short stops mid-episode. */
  | "hesitation"
  /** Jerk outliers in the joint positions (spikes, teleoperation glitches). */
  | "jerk"
  /** Aligned streams too far from the pivot camera's frames. */
  | "sync-skew"
  /** Calibration flagged stale by the recorder or older than the allowed age. */
  | "stale-calibration"
  /** A flag the recorder set on the episode (paused, write_error, under_rate:…, calibration_…). */
  | "recorder-flag"
  /** The episode could not be read. */
  | "unreadable";

export interface QaFinding {
  check: QaCheck;
  severity: "warn" | "fail";
  /** The stream concerned, when one is. */
  topic?: string;
  /** Human-readable reason, with numbers. */
  message: string;
  /** Where on the episode's timeline (s from its start), when it is a stretch. */
  startS?: number;
  endS?: number;
  /** The measured value and the threshold it crossed, in the check's unit. */
  value?: number;
  threshold?: number;
}

export interface QaStreamStats {
  topic: string;
  type: string;
  messages: number;
  rateHz: number;
  /** Rig profile's rate when known. */
  expectedHz?: number;
  /** Longest silence, s. */
  maxGapS: number;
  segments: number;
}

export interface QaThresholds {
  /** Rate below this fraction of expected: warn; below underRateFail: fail. */
  underRateWarn: number;
  underRateFail: number;
  /** A gap longer than max(gapPeriods × period, gapMinS): warn; longer than gapFailS: fail. */
  gapPeriods: number;
  gapMinS: number;
  gapFailS: number;
  /** Joint speed below this (rad/s, max over arm joints) counts as still. */
  idleSpeedRadS: number;
  /** A still stretch mid-episode at least this long: idle (warn). */
  idleS: number;
  /** Idle stretches covering more than this fraction of the episode: fail. */
  idleFailFraction: number;
  /** Still stretches mid-episode from hesitationMinS to idleS are hesitations; more than maxHesitations: warn. */
  hesitationMinS: number;
  maxHesitations: number;
  /** Jerk samples beyond jerkMadK × MAD above the median (and above jerkMinRadS3) are outliers; more than maxJerkOutliers events (outliers within 5 samples are one event): warn. */
  jerkMadK: number;
  jerkMinRadS3: number;
  maxJerkOutliers: number;
  /** Pivot frames with a stream beyond tolerance: more than skewWarnFraction → warn, skewFailFraction → fail. */
  skewWarnFraction: number;
  skewFailFraction: number;
  /** Calibration older than this (days) when recorded: stale. */
  maxCalibrationAgeDays: number;
}

export const DEFAULT_QA_THRESHOLDS: Readonly<QaThresholds> = {
  underRateWarn: 0.9,
  underRateFail: 0.5,
  gapPeriods: 10,
  gapMinS: 0.25,
  gapFailS: 2,
  idleSpeedRadS: 0.03,
  idleS: 5,
  idleFailFraction: 0.5,
  hesitationMinS: 2.5,
  maxHesitations: 1,
  jerkMadK: 25,
  jerkMinRadS3: 50,
  maxJerkOutliers: 0,
  skewWarnFraction: 0.02,
  skewFailFraction: 0.2,
  maxCalibrationAgeDays: 90,
};

export const QA_FILE = "qa.json";
export const QA_SCHEMA = "teledemo/qa";
export const QA_VERSION = 1;

export interface QaReport {
  schema: typeof QA_SCHEMA;
  version: typeof QA_VERSION;
  /** Episode folder or recording path. */
  path: string;
  /** Episode id (teledemo.episode), when known. */
  id?: string;
  status: QaStatus;
  findings: QaFinding[];
  streams: QaStreamStats[];
  durationS: number;
  checkedAt: string;
  thresholds: QaThresholds;
  /** Cache key: the recording files' sizes and mtimes plus the thresholds. */
  key: string;
  /** True when this report came from qa.json rather than a fresh run. */
  cached?: boolean;
}

export interface QaOptions {
  thresholds?: Partial<QaThresholds>;
  /** Read and write `<episode>/qa.json` (default true; only for episode folders). */
  cache?: boolean;
  /** Ignore a valid cached report and recompute (still writes the cache). */
  force?: boolean;
}

/** Signature of ./run.ts runQa (kept here so callers can depend on the contract alone). */
export type RunQa = (path: string, options?: QaOptions) => Promise<QaReport>;

/** Worst status of a list of findings. */
export function statusOf(findings: readonly QaFinding[]): QaStatus {
  if (findings.some((f) => f.severity === "fail")) return "fail";
  if (findings.length > 0) return "warn";
  return "pass";
}
