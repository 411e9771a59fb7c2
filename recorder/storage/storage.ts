// The storage boundary between the recorder and the file format, shaped like rosbag2's storage
// plugin interface: the recorder creates topics and writes serialized messages with their
// times; only the plugin (mcap-storage.ts) knows MCAP's insides.
import type { QosProfile } from "../../nodes/runtime/api.ts";
import type { ChunkCompression } from "../mcap/compression.ts";

export interface TopicMetadata {
  /** ROS topic name. */
  name: string;
  /** ROS type, e.g. "sensor_msgs/msg/Image". */
  type: string;
  /** The ros2msg schema text (rosbag2's concatenation), or "" when the definition is unknown. */
  schemaText: string;
  /** What each publisher offers on the topic (from getPublishersInfoByTopic). */
  offeredQos: QosProfile[];
}

/** Data the stack adds (calibration, clock models, QA) on a non-ROS channel. */
export interface SideChannel {
  topic: string;
  /** e.g. "foxglove.CameraCalibration". */
  schemaName: string;
  /** "protobuf" with a binary FileDescriptorSet, or "jsonschema". */
  schemaEncoding: string;
  schemaData: Uint8Array;
  /** "protobuf" or "json". */
  messageEncoding: string;
}

export interface StorageOpenOptions {
  compression: ChunkCompression;
  /** Target chunk size in bytes (uncompressed). */
  chunkSize?: number;
  /** CRC-32 of every chunk (default true). */
  chunkCrc?: boolean;
  /** Written as the MCAP header's library, e.g. "teledemo 0.1.0". */
  library: string;
  /** Written into the rosbag2 record; default $ROS_DISTRO or "". */
  rosDistro?: string;
  /** Test hook: behave as if the disk fills after this many bytes. */
  failAfterBytes?: number;
}

export interface StorageTopicStats {
  name: string;
  type: string;
  messageCount: number;
  /** rosbag2's offered_qos_profiles YAML ("" for side channels). */
  offeredQosYaml: string;
  /** REP-2011 RIHS01 type hash ("" when the definition is unknown), as rosbag2 Jazzy records it. */
  typeDescriptionHash?: string;
}

export interface StorageCloseResult {
  path: string;
  messageCount: number;
  bytes: number;
  startNs: bigint | undefined;
  endNs: bigint | undefined;
  topics: StorageTopicStats[];
  /** Set when the disk failed (e.g. ENOSPC) and the file was closed with what had reached it. */
  writeError?: string;
}

export interface EpisodeStorage {
  readonly path: string;
  /** Registers a ROS topic; must precede writes to it. Creating a known topic again is a no-op. */
  createTopic(topic: TopicMetadata): void;
  hasTopic(name: string): boolean;
  /** Copies `data` (CDR) into the file. Times are int64 ns: log = receive, publish = send. */
  write(topic: string, data: Uint8Array, logTimeNs: bigint, publishTimeNs: bigint): void;
  createSideChannel(channel: SideChannel): void;
  writeSide(topic: string, data: Uint8Array, logTimeNs: bigint, publishTimeNs: bigint): void;
  writeMetadata(name: string, entries: Record<string, string>): void;
  writeAttachment(attachment: { name: string; mediaType: string; data: Uint8Array; logTimeNs: bigint; createTimeNs?: bigint }): void;
  /** Everything written so far reaches the disk (fsync). */
  flush(): Promise<void>;
  /** Hands buffered data to the OS without waiting for an fsync (a SIGKILL then loses nothing of
   * it); used while a previous flush's fsync is still running. */
  handOff?(): void;
  /** True when writes outpace the disk; await `drain()` if you can. */
  readonly needsDrain: boolean;
  drain(): Promise<void>;
  /** The first write error (ENOSPC, EIO); writes are discarded once it is set. */
  readonly error: Error | undefined;
  /** File size so far, bytes. */
  readonly size: number;
  close(): Promise<StorageCloseResult>;
}
