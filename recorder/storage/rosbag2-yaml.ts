// rosbag2's YAML shapes, written the way rosbag2 (yaml-cpp) lays them out: the per-topic
// `offered_qos_profiles` string and the bag metadata (`serialized_metadata`, version 8, as
// rosbag2 on Jazzy/Rolling writes it into its MCAP `rosbag2` metadata record and metadata.yaml).
import type { QosProfile } from "../../nodes/runtime/api.ts";

// rmw enum values, as rosbag2 serializes them.
const HISTORY = { keep_last: 1, keep_all: 2 } as const;
const RELIABILITY = { reliable: 1, best_effort: 2 } as const;
const DURABILITY = { transient_local: 1, volatile: 2 } as const;
/** rmw's "infinite" duration as rosbag2 writes it. */
const INFINITE = { sec: 9223372036, nsec: 854775807 };

/** One entry per publisher offering the topic, as `ros2 bag record` stores them. */
export function offeredQosYaml(profiles: readonly QosProfile[]): string {
  if (profiles.length === 0) return "";
  return profiles
    .map((q) =>
      [
        `- history: ${HISTORY[q.history]}`,
        `  depth: ${q.history === "keep_all" ? 0 : q.depth}`,
        `  reliability: ${RELIABILITY[q.reliability]}`,
        `  durability: ${DURABILITY[q.durability]}`,
        `  deadline:`,
        `    sec: ${INFINITE.sec}`,
        `    nsec: ${INFINITE.nsec}`,
        `  lifespan:`,
        `    sec: ${INFINITE.sec}`,
        `    nsec: ${INFINITE.nsec}`,
        `  liveliness: 1`,
        `  liveliness_lease_duration:`,
        `    sec: ${INFINITE.sec}`,
        `    nsec: ${INFINITE.nsec}`,
        `  avoid_ros_namespace_conventions: false`,
      ].join("\n"),
    )
    .join("\n");
}

export interface BagTopicSummary {
  name: string;
  type: string;
  serializationFormat: string;
  offeredQosProfiles: string;
  typeDescriptionHash?: string;
  messageCount: number;
}

export interface BagFileSummary {
  path: string;
  startingTimeNs: bigint;
  durationNs: bigint;
  messageCount: number;
}

export interface BagMetadata {
  startingTimeNs: bigint;
  durationNs: bigint;
  messageCount: number;
  topics: BagTopicSummary[];
  compressionFormat: string;
  compressionMode: string;
  files: BagFileSummary[];
  rosDistro: string;
}

/** rosbag2's "no messages" starting time (int64 max). */
export const ROSBAG2_NO_START = 9223372036854775807n;

const q = (s: string): string => (s === "" ? '""' : /^[A-Za-z0-9_/.\-]+$/.test(s) && !/^[0-9.\-]+$/.test(s) ? s : JSON.stringify(s));

export function bagMetadataYaml(m: BagMetadata, indent = ""): string {
  const lines = [
    `version: 8`,
    `storage_identifier: mcap`,
    `duration:`,
    `  nanoseconds: ${m.durationNs}`,
    `starting_time:`,
    `  nanoseconds_since_epoch: ${m.startingTimeNs}`,
    `message_count: ${m.messageCount}`,
    `topics_with_message_count:`,
  ];
  if (m.topics.length === 0) lines.push(`  []`);
  for (const t of m.topics) {
    lines.push(
      `  - topic_metadata:`,
      `      name: ${q(t.name)}`,
      `      type: ${q(t.type)}`,
      `      serialization_format: ${q(t.serializationFormat)}`,
      `      offered_qos_profiles: ${JSON.stringify(t.offeredQosProfiles)}`,
    );
    lines.push(`      type_description_hash: ${q(t.typeDescriptionHash ?? "")}`);
    lines.push(`    message_count: ${t.messageCount}`);
  }
  lines.push(`compression_format: ${q(m.compressionFormat)}`, `compression_mode: ${q(m.compressionMode)}`, `relative_file_paths:`);
  for (const f of m.files) lines.push(`  - ${q(f.path)}`);
  lines.push(`files:`);
  for (const f of m.files) {
    lines.push(
      `  - path: ${q(f.path)}`,
      `    starting_time:`,
      `      nanoseconds_since_epoch: ${f.startingTimeNs}`,
      `    duration:`,
      `      nanoseconds: ${f.durationNs}`,
      `    message_count: ${f.messageCount}`,
    );
  }
  lines.push(`custom_data: ~`, `ros_distro: ${q(m.rosDistro)}`);
  return lines.map((l) => indent + l).join("\n");
}

/** metadata.yaml beside a bag folder's files. */
export function bagMetadataFile(m: BagMetadata): string {
  return `rosbag2_bagfile_information:\n${bagMetadataYaml(m, "  ")}\n`;
}
