// The MCAP storage plugin: files exactly as `ros2 bag record -s mcap` writes them — profile
// "ros2", schema encoding "ros2msg", message encoding "cdr", channel metadata
// `offered_qos_profiles` (rosbag2's QoS YAML), and a `rosbag2` metadata record whose
// `serialized_metadata` is this file's bag metadata — plus side channels for our own data.
import { basename } from "node:path";
import { McapFileWriter } from "../mcap/writer.ts";
import { offeredQosYaml, bagMetadataYaml, ROSBAG2_NO_START, type BagTopicSummary } from "./rosbag2-yaml.ts";
import { typeDescriptionHash } from "./type-hash.ts";
import type { EpisodeStorage, SideChannel, StorageCloseResult, StorageOpenOptions, TopicMetadata } from "./storage.ts";

const encoder = new TextEncoder();

interface OpenTopic {
  meta: TopicMetadata;
  channelId: number;
  qosYaml: string;
  /** RIHS01 type hash, "" when unknown. */
  typeHash: string;
}

export class McapStorage implements EpisodeStorage {
  private readonly topics = new Map<string, OpenTopic>();
  private readonly side = new Map<string, number>();
  private readonly schemaIds = new Map<string, number>();

  private constructor(
    private readonly writer: McapFileWriter,
    private readonly options: StorageOpenOptions,
  ) {}

  static async open(path: string, options: StorageOpenOptions): Promise<McapStorage> {
    const writer = await McapFileWriter.create(path, {
      profile: "ros2",
      library: options.library,
      compression: options.compression,
      chunkSize: options.chunkSize,
      ...(options.chunkCrc === undefined ? {} : { chunkCrc: options.chunkCrc }),
      sink: options.failAfterBytes === undefined ? {} : { failAfterBytes: options.failAfterBytes },
    });
    return new McapStorage(writer, options);
  }

  get path(): string {
    return this.writer.path;
  }
  get needsDrain(): boolean {
    return this.writer.needsDrain;
  }
  get error(): Error | undefined {
    return this.writer.error;
  }
  get size(): number {
    return this.writer.size;
  }
  drain(): Promise<void> {
    return this.writer.drain();
  }

  hasTopic(name: string): boolean {
    return this.topics.has(name);
  }

  createTopic(topic: TopicMetadata): void {
    if (this.topics.has(topic.name)) return;
    const schemaKey = `ros2msg\u0000${topic.type}`;
    let schemaId = this.schemaIds.get(schemaKey);
    if (schemaId === undefined) {
      // A type without a known definition still gets a schema record (empty text) so the bytes
      // are kept; readers that need the definition will say what is missing.
      schemaId = this.writer.addSchema({ name: topic.type, encoding: "ros2msg", data: encoder.encode(topic.schemaText) });
      this.schemaIds.set(schemaKey, schemaId);
    }
    const qosYaml = offeredQosYaml(topic.offeredQos);
    const typeHash = this.typeHash(topic.type, topic.schemaText);
    // rosbag2 Jazzy: channel metadata offered_qos_profiles and topic_type_hash (when known)
    const metadata = new Map([["offered_qos_profiles", qosYaml]]);
    if (typeHash !== "") metadata.set("topic_type_hash", typeHash);
    const channelId = this.writer.addChannel({ schemaId, topic: topic.name, messageEncoding: "cdr", metadata });
    this.topics.set(topic.name, { meta: topic, channelId, qosYaml, typeHash });
  }

  private readonly typeHashes = new Map<string, string>();

  /** RIHS01 of a type from its schema text; "" (as rosbag2 writes for unknown types) when it cannot be computed. */
  private typeHash(type: string, schemaText: string): string {
    const key = `${type}\u0000${schemaText}`;
    let hash = this.typeHashes.get(key);
    if (hash === undefined) {
      try {
        hash = schemaText === "" ? "" : typeDescriptionHash(type, schemaText);
      } catch {
        hash = "";
      }
      this.typeHashes.set(key, hash);
    }
    return hash;
  }

  write(topic: string, data: Uint8Array, logTimeNs: bigint, publishTimeNs: bigint): void {
    const t = this.topics.get(topic);
    if (t === undefined) throw new Error(`${this.path}: write to ${topic}, which was never created`);
    this.writer.addMessage(t.channelId, logTimeNs, publishTimeNs, data);
  }

  createSideChannel(channel: SideChannel): void {
    if (this.side.has(channel.topic)) return;
    const key = `${channel.schemaEncoding}\u0000${channel.schemaName}`;
    let schemaId = this.schemaIds.get(key);
    if (schemaId === undefined) {
      schemaId = this.writer.addSchema({ name: channel.schemaName, encoding: channel.schemaEncoding, data: channel.schemaData });
      this.schemaIds.set(key, schemaId);
    }
    this.side.set(channel.topic, this.writer.addChannel({ schemaId, topic: channel.topic, messageEncoding: channel.messageEncoding, metadata: new Map() }));
  }

  writeSide(topic: string, data: Uint8Array, logTimeNs: bigint, publishTimeNs: bigint): void {
    const id = this.side.get(topic);
    if (id === undefined) throw new Error(`${this.path}: write to side channel ${topic}, which was never created`);
    this.writer.addMessage(id, logTimeNs, publishTimeNs, data);
  }

  writeMetadata(name: string, entries: Record<string, string>): void {
    this.writer.addMetadata(name, new Map(Object.entries(entries)));
  }

  writeAttachment(a: { name: string; mediaType: string; data: Uint8Array; logTimeNs: bigint; createTimeNs?: bigint }): void {
    this.writer.addAttachment({ name: a.name, mediaType: a.mediaType, data: a.data, logTime: a.logTimeNs, createTime: a.createTimeNs ?? a.logTimeNs });
  }

  async flush(): Promise<void> {
    await this.writer.flush();
  }

  handOff(): void {
    this.writer.handOff();
  }

  async close(): Promise<StorageCloseResult> {
    if (this.writer.error === undefined) {
      // The rosbag2 record describes the file; it is written from the totals so far (all chunks
      // are finished by addMetadata), so its counts match the statistics.
      this.writer.addMetadata("rosbag2", new Map([["serialized_metadata", this.bagMetadata()]]));
    }
    const totals = await this.writer.close();
    const counts = totals.channelMessageCounts;
    return {
      path: this.path,
      messageCount: totals.messageCount,
      bytes: totals.bytesWritten,
      startNs: totals.messageStartTime,
      endNs: totals.messageEndTime,
      topics: [...this.topics.values()].map((t) => ({ name: t.meta.name, type: t.meta.type, messageCount: counts.get(t.channelId) ?? 0, offeredQosYaml: t.qosYaml, typeDescriptionHash: t.typeHash })),
      ...("recoveredFromError" in totals && totals.recoveredFromError !== undefined ? { writeError: totals.recoveredFromError } : {}),
    };
  }

  private bagMetadata(): string {
    const totals = this.writer.totals();
    const rosCounts = [...this.topics.values()].reduce((n, t) => n + (totals.channelMessageCounts.get(t.channelId) ?? 0), 0);
    const start = totals.messageStartTime;
    const duration = start === undefined || totals.messageEndTime === undefined ? 0n : totals.messageEndTime - start;
    const topics: BagTopicSummary[] = [...this.topics.values()].map((t) => ({
      name: t.meta.name,
      type: t.meta.type,
      serializationFormat: "cdr",
      offeredQosProfiles: t.qosYaml,
      typeDescriptionHash: t.typeHash,
      messageCount: totals.channelMessageCounts.get(t.channelId) ?? 0,
    }));
    const startingTimeNs = start ?? ROSBAG2_NO_START;
    return bagMetadataYaml({
      startingTimeNs,
      durationNs: duration,
      messageCount: rosCounts,
      topics,
      compressionFormat: "",
      compressionMode: "",
      files: [{ path: basename(this.path), startingTimeNs, durationNs: duration, messageCount: rosCounts }],
      rosDistro: this.options.rosDistro ?? process.env.ROS_DISTRO ?? "",
    });
  }
}
