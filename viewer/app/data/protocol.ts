// Messages between the app (main thread) and the data worker. Times are corrected-timeline ns
// (bigint; structured clone carries bigints). Every request carries an id; the worker answers
// each with exactly one reply of the same id (or an error).
import type { AlignmentFileJson } from "../../../recorder/aligned/api.ts";
import type { DecodedMessage } from "../panels/contract.ts";

export interface OpenRequest {
  kind: "open";
  /** The episode's files in order (split episodes: several; one timeline). */
  files: Array<{ url: string; bytes: number }>;
  alignment: AlignmentFileJson;
  /** Sent as `Authorization: Bearer` on range requests. */
  token: string | null;
}

/** The error a load or lookup answers with when a newer seek made it pointless. */
export const SUPERSEDED = "superseded by a newer seek";

export interface LoadRequest {
  kind: "load";
  topics: string[];
  /** Corrected-time window [fromNs, toNs). */
  fromNs: bigint;
  toNs: bigint;
  /** The seek this load belongs to: abandoned (error reply) once a newer seek's lookup arrives. */
  epoch?: number;
}

export interface LatestRequest {
  kind: "latest";
  topics: string[];
  tNs: bigint;
  /** Seek number (increasing): older seeks' lookups and loads stop when a newer one arrives. */
  epoch?: number;
}

export interface AllRequest {
  kind: "all";
  topics: string[];
}

/** Decode every message of the episode without posting it back (throughput measurement). */
export interface DecodeAllRequest {
  kind: "decodeAll";
  /** Only these topics (what the panels show); every topic when absent. */
  topics?: string[];
}

export interface StatsRequest {
  kind: "stats";
}

export type WorkerRequest = OpenRequest | LoadRequest | LatestRequest | AllRequest | DecodeAllRequest | StatsRequest;
export type WorkerEnvelope = WorkerRequest & { id: number };

export interface TopicInfo {
  topic: string;
  schema: string;
  schemaEncoding: string;
  messageEncoding: string;
  messageCount: number;
  /** Why this topic cannot be shown (unsupported encoding or compression, bad schema). */
  unsupported: string | null;
}

export interface OpenReply {
  kind: "opened";
  topics: TopicInfo[];
  /** Problems that did not stop opening (e.g. a file read without its index). */
  problems: string[];
  /** How each file is read: "indexed" (range requests) or "stream" (whole file, no usable index). */
  modes: Array<"indexed" | "stream">;
}

export interface MessagesReply {
  kind: "messages";
  messages: DecodedMessage[];
  /** Decode failures in this batch, per topic (first message of each). */
  errors: Array<{ topic: string; error: string }>;
}

export interface DecodeAllReply {
  kind: "decodedAll";
  messages: number;
  bytes: number;
  elapsedMs: number;
}

export interface StatsReply {
  kind: "stats";
  rangeRequests: number;
  bytesFetched: number;
  cacheHits: number;
  cacheBytes: number;
  /** Chunks fetched and parsed (indexed files). */
  chunksRead?: number;
}

export interface ErrorReply {
  kind: "error";
  error: string;
}

export type WorkerReply = OpenReply | MessagesReply | DecodeAllReply | StatsReply | ErrorReply;
export type WorkerReplyEnvelope = WorkerReply & { id: number };
