// The recorder node's ROS 2 parameters: what this recording session is, declared with
// descriptors the ROS 2 way so `ros2 param list/get/describe /teledemo_recorder` shows them.
// They are fixed for the life of the process (the episode library, the profile and the source
// cannot change under an open episode), so they are read-only: `ros2 param set` is refused.
import type { ParameterValue, RuntimeNode } from "../../nodes/runtime/api.ts";

export interface RecorderSessionFacts {
  libraryDir: string;
  /** Rig profile name ("" when recording every topic of the graph). */
  rigProfile: string;
  source: string;
  compression: string;
  /** Length of each episode, s (0: until stopped). */
  episodeTimeS: number;
  /** Episodes to record (0: until stopped). */
  episodes: number;
  task: string;
  operator: string;
}

const DESCRIPTIONS: Record<keyof RecorderSessionFacts, [name: string, description: string]> = {
  libraryDir: ["library_dir", "episode library: one folder per episode (episode.mcap + episode.json)"],
  rigProfile: ["rig_profile", "rig profile whose topics are recorded (empty: every topic of the graph)"],
  source: ["source", "where messages come from: sim, ros or bridge"],
  compression: ["compression", "MCAP chunk compression: none or zstd"],
  episodeTimeS: ["episode_time_s", "length of each episode in seconds on the recorder clock (0: until stopped)"],
  episodes: ["episodes", "episodes to record (0: until stopped)"],
  task: ["task", "language instruction written into every episode"],
  operator: ["operator", "teleoperator written into every episode"],
};

/** Declares every fact as a read-only parameter; returns the parameter names. */
export function declareRecorderParameters(node: RuntimeNode, facts: RecorderSessionFacts): string[] {
  const names: string[] = [];
  for (const key of Object.keys(DESCRIPTIONS) as Array<keyof RecorderSessionFacts>) {
    const [name, description] = DESCRIPTIONS[key];
    // ROS types a parameter by its declared default: a count is an integer (bigint), seconds a double.
    const value: ParameterValue = key === "episodes" ? BigInt(facts.episodes) : facts[key];
    node.declareParameter(name, value, { description, readOnly: true });
    names.push(name);
  }
  return names;
}
