// What `teledemo info` reports about an episode, an MCAP file, a rosbag2 bag folder (possibly
// split over several files) or a whole episode library. Indexed files are read through their
// summary with @mcap/core; files without one (a crash, a cut-short copy) are scanned record by
// record, and the report says so.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { open } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { McapIndexedReader } from "@mcap/core";
import { FileHandleReadable } from "@mcap/nodejs";
import { loadDecompressHandlers } from "@mcap/support";
import { parse as parseYaml } from "yaml";
import { McapFormatError, scanMcap } from "../mcap/scan.ts";
import { EPISODE_FILE, EPISODE_SIDECAR, EPISODE_METADATA, readSidecar, type EpisodeSidecar } from "../episode/layout.ts";

export type FileHealth = "ok" | "unindexed" | "truncated" | "corrupt";

export interface InspectOptions {
  /** Also read every record of indexed files: chunk CRCs, counts against the statistics. */
  verify?: boolean;
}

export interface TopicReport {
  topic: string;
  type: string;
  schemaEncoding: string;
  messageEncoding: string;
  messageCount: number;
  /** Messages per second over the recording's duration (0 if it is shorter than a message). */
  rateHz: number;
  hasOfferedQos: boolean;
}

export interface FileReport {
  path: string;
  bytes: number;
  profile: string;
  library: string;
  health: FileHealth;
  /** How the file was read and what is wrong with it, one line each. */
  healthDetail: string[];
  indexed: boolean;
  startNs: string | undefined;
  endNs: string | undefined;
  durationS: number;
  messageCount: number;
  chunkCount: number;
  compression: string[];
  topics: TopicReport[];
  /** Metadata records by name (the last record of each name wins); repeated names counted. */
  metadata: Record<string, Record<string, string>>;
  metadataCounts: Record<string, number>;
  attachments: Array<{ name: string; mediaType: string; bytes: number }>;
  calibration: { present: boolean; channels: string[]; attachments: string[] };
}

export interface RecordingReport {
  kind: "episode" | "file" | "bag";
  path: string;
  files: FileReport[];
  /** Topics merged over all files. */
  topics: TopicReport[];
  startNs: string | undefined;
  endNs: string | undefined;
  durationS: number;
  messageCount: number;
  health: FileHealth;
  /** The teledemo.episode record (last one), parsed. */
  episode?: Record<string, unknown>;
  sidecar?: EpisodeSidecar;
  flags: string[];
  calibrationPresent: boolean;
}

export interface LibraryReport {
  kind: "library";
  path: string;
  episodes: RecordingReport[];
  problems: Array<{ path: string; error: string }>;
}

export class InfoError extends Error {}

const CALIBRATION_SCHEMAS = new Set(["foxglove.CameraCalibration", "foxglove.FrameTransforms", "foxglove.FrameTransform"]);

export async function inspectPath(path: string, options: InspectOptions = {}): Promise<RecordingReport | LibraryReport> {
  const full = resolve(path);
  if (!existsSync(full)) throw new InfoError(`${path}: no such file or directory`);
  const st = statSync(full);
  if (st.isFile()) {
    if (basename(full) === "metadata.yaml") return inspectBag(dirname(full), options);
    if (basename(full) === EPISODE_SIDECAR) return inspectEpisode(dirname(full), options);
    return recording("file", full, [await inspectFile(full, options)]);
  }
  if (existsSync(join(full, EPISODE_FILE)) || existsSync(join(full, EPISODE_SIDECAR))) return inspectEpisode(full, options);
  if (existsSync(join(full, "metadata.yaml"))) return inspectBag(full, options);
  const entries = readdirSync(full, { withFileTypes: true });
  const episodes = entries.filter((e) => e.isDirectory() && (existsSync(join(full, e.name, EPISODE_FILE)) || existsSync(join(full, e.name, EPISODE_SIDECAR))));
  if (episodes.length > 0 || entries.length === 0) {
    const report: LibraryReport = { kind: "library", path: full, episodes: [], problems: [] };
    for (const e of episodes.sort((a, b) => a.name.localeCompare(b.name))) {
      try {
        report.episodes.push(await inspectEpisode(join(full, e.name), options));
      } catch (err) {
        report.problems.push({ path: join(full, e.name), error: (err as Error).message });
      }
    }
    return report;
  }
  const mcaps = entries.filter((e) => e.isFile() && e.name.endsWith(".mcap")).map((e) => join(full, e.name)).sort();
  if (mcaps.length > 0) return recording("bag", full, await Promise.all(mcaps.map((f) => inspectFile(f, options))));
  throw new InfoError(`${path}: not an episode, an MCAP file, a rosbag2 bag or an episode library (no ${EPISODE_FILE}, metadata.yaml or .mcap files in it)`);
}

async function inspectEpisode(dir: string, options: InspectOptions): Promise<RecordingReport> {
  const sidecar = existsSync(join(dir, EPISODE_SIDECAR)) ? readSidecar(dir) : undefined;
  const files = sidecar?.files?.length ? sidecar.files.map((f) => join(dir, f)) : [join(dir, EPISODE_FILE)];
  const present = files.filter((f) => existsSync(f));
  if (present.length === 0) throw new InfoError(`${dir}: episode folder without its MCAP file (${files.map((f) => basename(f)).join(", ")})`);
  const report = recording("episode", dir, await Promise.all(present.map((f) => inspectFile(f, options))));
  if (sidecar !== undefined) {
    report.sidecar = sidecar;
    // A recording stopped by a full disk could not write its final record: the sidecar knows more.
    report.flags = [...new Set([...report.flags, ...sidecar.flags])];
    if (report.episode !== undefined && report.episode.outcome === "in_progress") report.episode.outcome = sidecar.outcome;
  }
  return report;
}

async function inspectBag(dir: string, options: InspectOptions): Promise<RecordingReport> {
  const metaPath = join(dir, "metadata.yaml");
  let info: { relative_file_paths?: string[] } | undefined;
  try {
    info = (parseYaml(readFileSync(metaPath, "utf8")) as { rosbag2_bagfile_information?: { relative_file_paths?: string[] } })?.rosbag2_bagfile_information;
  } catch (err) {
    throw new InfoError(`${metaPath}: not valid YAML: ${(err as Error).message}`);
  }
  if (info === undefined) throw new InfoError(`${metaPath}: no rosbag2_bagfile_information in it`);
  const files = (info.relative_file_paths ?? []).map((f) => join(dir, f));
  const missing = files.filter((f) => !existsSync(f));
  if (missing.length > 0) throw new InfoError(`${metaPath} lists files that are missing: ${missing.map((f) => basename(f)).join(", ")}`);
  const nonMcap = files.filter((f) => !f.endsWith(".mcap"));
  if (nonMcap.length > 0) throw new InfoError(`${metaPath}: only MCAP bags are supported, not ${nonMcap.map((f) => basename(f)).join(", ")}`);
  return recording("bag", dir, await Promise.all(files.map((f) => inspectFile(f, options))));
}

function recording(kind: RecordingReport["kind"], path: string, files: FileReport[]): RecordingReport {
  const merged = new Map<string, TopicReport>();
  let start: bigint | undefined;
  let end: bigint | undefined;
  for (const f of files) {
    if (f.startNs !== undefined && (start === undefined || BigInt(f.startNs) < start)) start = BigInt(f.startNs);
    if (f.endNs !== undefined && (end === undefined || BigInt(f.endNs) > end)) end = BigInt(f.endNs);
    for (const t of f.topics) {
      const m = merged.get(t.topic);
      if (m === undefined) merged.set(t.topic, { ...t });
      else m.messageCount += t.messageCount;
    }
  }
  const durationS = start === undefined || end === undefined ? 0 : Number(end - start) / 1e9;
  const topics = [...merged.values()].map((t) => ({ ...t, rateHz: rate(t.messageCount, durationS) })).sort((a, b) => a.topic.localeCompare(b.topic));
  const order: FileHealth[] = ["corrupt", "truncated", "unindexed"];
  const health: FileHealth = order.find((h) => files.some((f) => f.health === h)) ?? "ok";
  const episodeText = [...files].reverse().map((f) => f.metadata[EPISODE_METADATA]).find((m) => m !== undefined);
  const episode = episodeText === undefined ? undefined : parseEpisodeRecord(episodeText);
  const flags = Array.isArray(episode?.flags) ? (episode.flags as string[]) : [];
  return {
    kind,
    path,
    files,
    topics,
    startNs: start?.toString(),
    endNs: end?.toString(),
    durationS,
    messageCount: files.reduce((n, f) => n + f.messageCount, 0),
    health,
    ...(episode === undefined ? {} : { episode }),
    flags,
    calibrationPresent: files.some((f) => f.calibration.present),
  };
}

/** The teledemo.episode record: string values, JSON where a value is structured. */
function parseEpisodeRecord(record: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(record)) {
    if (/^[[{]/.test(v)) {
      try {
        out[k] = JSON.parse(v);
        continue;
      } catch {
        // keep the text
      }
    }
    out[k] = v;
  }
  return out;
}

function rate(count: number, durationS: number): number {
  // Below a millisecond the span says nothing about a rate (test bags with synthetic stamps).
  return durationS >= 1e-3 && count > 1 ? (count - 1) / durationS : 0;
}

export async function inspectFile(path: string, options: InspectOptions = {}): Promise<FileReport> {
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    throw new InfoError(`${path}: no such file`);
  }
  const handle = await open(path, "r");
  let reader: McapIndexedReader | undefined;
  let indexError: string | undefined;
  try {
    try {
      reader = await McapIndexedReader.Initialize({ readable: new FileHandleReadable(handle), decompressHandlers: await loadDecompressHandlers() });
    } catch (err) {
      indexError = (err as Error).message;
    }
    if (reader !== undefined) {
      const report = await fromIndex(path, size, reader);
      if (options.verify === true) await verify(report);
      return report;
    }
  } finally {
    await handle.close();
  }
  return fromScan(path, indexError ?? "no summary");
}

async function fromIndex(path: string, size: number, reader: McapIndexedReader): Promise<FileReport> {
  const stats = reader.statistics;
  const counts = new Map<number, number>();
  let messageCount = 0;
  let start: bigint | undefined;
  let end: bigint | undefined;
  const detail: string[] = ["read through its summary (indexed)"];
  if (stats !== undefined) {
    for (const [id, n] of stats.channelMessageCounts) counts.set(id, Number(n));
    messageCount = Number(stats.messageCount);
    if (messageCount > 0) {
      start = stats.messageStartTime;
      end = stats.messageEndTime;
    }
  } else {
    detail.push("no statistics record: messages counted one by one");
    for await (const m of reader.readMessages()) {
      counts.set(m.channelId, (counts.get(m.channelId) ?? 0) + 1);
      messageCount++;
      if (start === undefined || m.logTime < start) start = m.logTime;
      if (end === undefined || m.logTime > end) end = m.logTime;
    }
  }
  const durationS = start === undefined || end === undefined ? 0 : Number(end - start) / 1e9;
  const topics = [...reader.channelsById.values()].map((c) => topicReport(c, reader.schemasById.get(c.schemaId), counts.get(c.id) ?? 0, durationS));
  const metadata: Record<string, Record<string, string>> = {};
  const metadataCounts: Record<string, number> = {};
  for await (const m of reader.readMetadata()) {
    metadata[m.name] = Object.fromEntries(m.metadata);
    metadataCounts[m.name] = (metadataCounts[m.name] ?? 0) + 1;
  }
  const attachments = reader.attachmentIndexes.map((a) => ({ name: a.name, mediaType: a.mediaType, bytes: Number(a.dataSize) }));
  return {
    path,
    bytes: size,
    profile: reader.header.profile,
    library: reader.header.library,
    health: "ok",
    healthDetail: detail,
    indexed: true,
    startNs: start?.toString(),
    endNs: end?.toString(),
    durationS,
    messageCount,
    chunkCount: reader.chunkIndexes.length,
    compression: [...new Set(reader.chunkIndexes.map((c) => c.compression || "none"))],
    topics,
    metadata,
    metadataCounts,
    attachments,
    calibration: calibrationOf(topics, attachments),
  };
}

async function fromScan(path: string, indexError: string): Promise<FileReport> {
  const metadata: Record<string, Record<string, string>> = {};
  const metadataCounts: Record<string, number> = {};
  const attachments: FileReport["attachments"] = [];
  const compression = new Set<string>();
  let report;
  try {
    report = await scanMcap(path, {
      metadata: (name, map) => {
        metadata[name] = Object.fromEntries(map);
        metadataCounts[name] = (metadataCounts[name] ?? 0) + 1;
      },
      attachment: (a) => attachments.push({ name: a.name, mediaType: a.mediaType, bytes: a.data.byteLength }),
      chunk: (c) => compression.add(c.compression || "none"),
    });
  } catch (err) {
    if (err instanceof McapFormatError) throw new InfoError(err.message);
    throw err;
  }
  const truncated = report.tornBytes > 0 || !report.hasFooter;
  const detail = [
    `no usable index (${indexError}): read by scanning every record`,
    truncated
      ? `truncated: ${report.tornBytes > 0 ? `the last ${report.tornBytes} bytes are an incomplete record` : "it ends without a footer"}; ${report.validDataEnd} of ${report.fileSize} bytes are complete records — 'teledemo recover' rebuilds an indexed copy`
      : "complete (footer present) but without a summary",
    ...report.problems,
  ];
  const durationS = report.startNs === undefined || report.endNs === undefined ? 0 : Number(report.endNs - report.startNs) / 1e9;
  const topics = [...report.channels.values()].map((c) => topicReport(c, report.schemas.get(c.schemaId), report.channelMessageCounts.get(c.id) ?? 0, durationS));
  return {
    path,
    bytes: report.fileSize,
    profile: report.profile ?? "",
    library: report.library ?? "",
    health: truncated ? "truncated" : "unindexed",
    healthDetail: detail,
    indexed: false,
    startNs: report.startNs?.toString(),
    endNs: report.endNs?.toString(),
    durationS,
    messageCount: report.messageCount,
    chunkCount: report.chunks,
    compression: [...compression],
    topics,
    metadata,
    metadataCounts,
    attachments,
    calibration: calibrationOf(topics, attachments),
  };
}

/** Reads every record of an indexed file and checks it against its summary. */
async function verify(report: FileReport): Promise<void> {
  const scan = await scanMcap(report.path);
  const problems = [...scan.problems];
  if (scan.messageCount !== report.messageCount) problems.push(`the statistics say ${report.messageCount} messages, the file holds ${scan.messageCount} readable ones`);
  if (problems.length === 0) {
    report.healthDetail.push(`verified: ${scan.chunks} chunks read${scan.chunks > 0 ? " and CRC-checked" : ""}, ${scan.messageCount} messages as the statistics say`);
    return;
  }
  report.health = "corrupt";
  report.healthDetail.push(...problems.map((p) => `verify: ${p}`), "'teledemo recover' writes a copy with every readable record");
}

function calibrationOf(topics: TopicReport[], attachments: FileReport["attachments"]): FileReport["calibration"] {
  const channels = topics.filter((t) => CALIBRATION_SCHEMAS.has(t.type) || t.topic.startsWith("/calibration/")).map((t) => t.topic);
  const files = attachments.filter((a) => /calib|\.urdf$|camera_info/i.test(a.name)).map((a) => a.name);
  return { present: channels.length > 0 || files.length > 0, channels, attachments: files };
}

/** One topic's line of a report, from its channel and schema records. */
function topicReport(
  channel: { topic: string; messageEncoding: string; metadata: Map<string, string> },
  schema: { name: string; encoding: string } | undefined,
  messageCount: number,
  durationS: number,
): TopicReport {
  return {
    topic: channel.topic,
    type: schema?.name ?? "",
    schemaEncoding: schema?.encoding ?? "",
    messageEncoding: channel.messageEncoding,
    messageCount,
    rateHz: rate(messageCount, durationS),
    hasOfferedQos: channel.metadata.has("offered_qos_profiles"),
  };
}
