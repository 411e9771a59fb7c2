// The teledemo.episode metadata record: what a researcher needs to know about a demonstration
// without reading its messages. Values are strings (MCAP metadata is Map<string, string>);
// structured values are JSON.
import type { Outcome } from "./layout.ts";

export interface RobotInfo {
  model: string;
  hardware_revision: string;
  firmware: Record<string, string>;
}

/** Build facts the recorder is given by its caller (recorder/ must not import launch/). */
export interface BuildInfo {
  version: string;
  commit: string | undefined;
}

export interface EpisodeFacts {
  id: string;
  task: string;
  operator: string;
  /** "sim" | "ros" | "bridge". */
  source: string;
  rigProfile: string;
  robot: RobotInfo | undefined;
  build: BuildInfo;
  startNs: bigint;
  endNs: bigint | undefined;
  outcome: Outcome;
  flags: string[];
  /** Index of this episode in the session (1-based) and the session's planned count. */
  index: number;
  planned: number | undefined;
  /** Simulated episodes: the simulator's truth (rig.groundTruth()), JSON-serializable. */
  simGroundTruth?: unknown;
}

export const EPISODE_RECORD_VERSION = "1";

export function episodeRecord(f: EpisodeFacts): Record<string, string> {
  const record: Record<string, string> = {
    schema_version: EPISODE_RECORD_VERSION,
    id: f.id,
    task: f.task,
    operator: f.operator,
    source: f.source,
    rig_profile: f.rigProfile,
    robot: JSON.stringify(f.robot ?? null),
    teledemo_version: f.build.version,
    teledemo_commit: f.build.commit ?? "",
    start_ns: f.startNs.toString(),
    end_ns: f.endNs === undefined ? "" : f.endNs.toString(),
    start_time: isoOf(f.startNs),
    end_time: f.endNs === undefined ? "" : isoOf(f.endNs),
    outcome: f.outcome,
    flags: JSON.stringify(f.flags),
    episode_index: String(f.index),
    episodes_planned: f.planned === undefined ? "" : String(f.planned),
  };
  if (f.simGroundTruth !== undefined) record.sim_ground_truth = JSON.stringify(f.simGroundTruth);
  return record;
}

function isoOf(ns: bigint): string {
  const ms = Number(ns / 1_000_000n);
  return Number.isFinite(ms) && ms > 0 ? new Date(ms).toISOString() : "";
}
