// Rebuilds a valid, indexed MCAP file from one that was cut short (SIGKILL, power loss) or lost
// its summary: every complete record is kept, a torn tail and chunks that fail their CRC are
// dropped, and the summary and indexes are rebuilt. The original is never modified.
import { existsSync } from "node:fs";
import { stat } from "node:fs/promises";
import { basename } from "node:path";
import { bagMetadataYaml, ROSBAG2_NO_START } from "../storage/rosbag2-yaml.ts";
import type { ChunkCompression } from "./compression.ts";
import { scanMcap, type ScanReport } from "./scan.ts";
import { McapFileWriter } from "./writer.ts";

export interface RecoverOptions {
  /** Output path; default `<name>.recovered.mcap` beside the input. */
  out?: string;
  /** Chunk compression of the rebuilt file; default: what the input's chunks used. */
  compression?: ChunkCompression;
  /** Replace an existing output file. */
  overwrite?: boolean;
  library?: string;
}

export interface RecoverReport {
  input: string;
  output: string;
  inputBytes: number;
  outputBytes: number;
  /** Bytes of the input after its last complete record (the torn tail). */
  droppedBytes: number;
  droppedChunks: Array<{ offset: number; problem: string }>;
  messages: number;
  topics: Array<{ topic: string; messages: number }>;
  startNs: bigint | undefined;
  /** Log time of the last message kept: data after it was lost. */
  lastMessageNs: bigint | undefined;
  metadataRecords: number;
  attachments: number;
  /** The input was already complete (summary and footer present). */
  inputWasComplete: boolean;
  /** The input ended with a footer (it was closed), whatever else was wrong with it. */
  inputHadFooter: boolean;
  problems: string[];
}

export class RecoverError extends Error {}

export function defaultRecoveredPath(input: string): string {
  return input.endsWith(".mcap") ? `${input.slice(0, -".mcap".length)}.recovered.mcap` : `${input}.recovered.mcap`;
}

export async function recoverMcap(input: string, options: RecoverOptions = {}): Promise<RecoverReport> {
  const output = options.out ?? defaultRecoveredPath(input);
  if (output === input) throw new RecoverError(`refusing to write the recovered file over its input ${input}`);
  if (!options.overwrite && existsSync(output)) throw new RecoverError(`${output} already exists (pass --force to replace it)`);

  // First pass: what is in the file (profile, compression).
  let firstCompression: string | undefined;
  const pre = await scanMcap(input, { chunk: (c) => (firstCompression ??= c.compression) });
  const compression: ChunkCompression = options.compression ?? (firstCompression === "zstd" ? "zstd" : "none");
  const writer = await McapFileWriter.create(output, {
    profile: pre.profile ?? "",
    library: pre.library ?? options.library ?? "teledemo recover",
    compression,
  });
  const schemaIds = new Map<number, number>();
  const channelIds = new Map<number, number>();
  const rosbag2Records: Array<Map<string, string>> = [];
  const otherMetadata: Array<{ name: string; map: Map<string, string> }> = [];
  let lastNs: bigint | undefined;
  const report = await scanMcap(input, {
    schema: (s) => schemaIds.set(s.id, writer.addSchema({ name: s.name, encoding: s.encoding, data: s.data })),
    channel: (c) => {
      const schemaId = c.schemaId === 0 ? 0 : (schemaIds.get(c.schemaId) ?? 0);
      channelIds.set(c.id, writer.addChannel({ schemaId, topic: c.topic, messageEncoding: c.messageEncoding, metadata: c.metadata }));
    },
    message: (m) => {
      const id = channelIds.get(m.channelId);
      if (id === undefined) return;
      writer.addMessage(id, m.logTime, m.publishTime, m.data);
      if (lastNs === undefined || m.logTime > lastNs) lastNs = m.logTime;
    },
    metadata: (name, map) => {
      if (name === "rosbag2") rosbag2Records.push(map);
      else {
        otherMetadata.push({ name, map });
        writer.addMetadata(name, map);
      }
    },
    attachment: (a) => writer.addAttachment(a),
    // Read no faster than the copy is written: memory stays bounded on multi-GB files.
    afterRecord: () => (writer.needsDrain ? writer.drain() : undefined),
  });
  const inputWasComplete = report.hasFooter && report.tornBytes === 0 && report.badChunks.length === 0;
  const topics = [...report.channels.values()].map((c) => ({ topic: c.topic, messages: report.channelMessageCounts.get(c.id) ?? 0 }));
  writer.addMetadata(
    "teledemo.recovery",
    new Map([
      ["source", basename(input)],
      ["source_bytes", String(report.fileSize)],
      ["dropped_bytes", String(report.tornBytes)],
      ["dropped_chunks", String(report.badChunks.length)],
      ["messages", String(report.messageCount)],
      ["last_message_ns", lastNs === undefined ? "" : lastNs.toString()],
      ["problems", report.problems.join("\n")],
      ["recovered_at", new Date().toISOString()],
    ]),
  );
  if (report.profile === "ros2") writer.addMetadata("rosbag2", new Map([["serialized_metadata", rebuiltBagMetadata(report, output, rosbag2Records)]]));
  await writer.close();
  return {
    input,
    output,
    inputBytes: report.fileSize,
    outputBytes: (await stat(output)).size,
    droppedBytes: report.tornBytes,
    droppedChunks: report.badChunks,
    messages: report.messageCount,
    topics,
    startNs: report.startNs,
    lastMessageNs: lastNs,
    metadataRecords: report.metadataCount,
    attachments: report.attachmentCount,
    inputWasComplete,
    inputHadFooter: report.hasFooter,
    problems: report.problems,
  };
}

/** The rosbag2 record for the rebuilt file: counts from what was kept, QoS from the channels. */
function rebuiltBagMetadata(report: ScanReport, output: string, previous: Array<Map<string, string>>): string {
  const distro = /ros_distro:\s*(\S+)/.exec(previous.at(-1)?.get("serialized_metadata") ?? "")?.[1] ?? "";
  const rosChannels = [...report.channels.values()].filter((c) => c.messageEncoding === "cdr");
  const count = rosChannels.reduce((n, c) => n + (report.channelMessageCounts.get(c.id) ?? 0), 0);
  const start = report.startNs ?? ROSBAG2_NO_START;
  const duration = report.startNs === undefined || report.endNs === undefined ? 0n : report.endNs - report.startNs;
  return bagMetadataYaml({
    startingTimeNs: start,
    durationNs: duration,
    messageCount: count,
    topics: rosChannels.map((c) => ({
      name: c.topic,
      type: report.schemas.get(c.schemaId)?.name ?? "",
      serializationFormat: "cdr",
      offeredQosProfiles: c.metadata.get("offered_qos_profiles") ?? "",
      typeDescriptionHash: c.metadata.get("topic_type_hash"),
      messageCount: report.channelMessageCounts.get(c.id) ?? 0,
    })),
    compressionFormat: "",
    compressionMode: "",
    files: [{ path: basename(output), startingTimeNs: start, durationNs: duration, messageCount: count }],
    rosDistro: distro.replace(/^"|"$/g, ""),
  });
}
