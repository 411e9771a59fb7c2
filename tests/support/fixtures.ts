// Locates the shared, read-only fixtures written by real ROS 2 tools and reads them with
// @mcap/core, so every test reads fixtures the same way and none hard-codes absolute paths.
import { open } from "node:fs/promises";
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { McapIndexedReader, McapStreamReader } from "@mcap/core";
import type { DecompressHandlers, TypedMcapRecord, TypedMcapRecords } from "@mcap/core";
import { FileHandleReadable } from "@mcap/nodejs";
import { loadDecompressHandlers } from "@mcap/support";

/** The repository root (this file lives at tests/support/fixtures.ts). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** The shared fixtures folder: `../shared/fixtures` relative to the repo root. */
export const FIXTURES_DIR = resolve(REPO_ROOT, "..", "shared", "fixtures");

/** Absolute path of a fixture, e.g. `fixturePath("rosbag2/array_msgs_0.mcap")`. */
export function fixturePath(relativePath: string): string {
  return resolve(FIXTURES_DIR, relativePath);
}

let decompressHandlersPromise: Promise<DecompressHandlers> | undefined;

/** zstd/lz4/bz2 handlers; loading them instantiates wasm, so it is done once per process. */
export function decompressHandlers(): Promise<DecompressHandlers> {
  decompressHandlersPromise ??= loadDecompressHandlers();
  return decompressHandlersPromise;
}

export type McapSchema = TypedMcapRecords["Schema"];
export type McapChannel = TypedMcapRecords["Channel"];
export type McapMessage = TypedMcapRecords["Message"];

/** A message with its channel and schema resolved, which is what most tests want. */
export interface FixtureMessage {
  message: McapMessage;
  channel: McapChannel;
  schema: McapSchema | undefined;
}

/**
 * Opens an indexed MCAP fixture and runs `body` with the reader; the file handle is closed
 * afterwards even if `body` throws.
 */
export async function withIndexedFixture<T>(
  relativePath: string,
  body: (reader: McapIndexedReader) => Promise<T>,
): Promise<T> {
  const handle = await open(fixturePath(relativePath), "r");
  try {
    const reader = await McapIndexedReader.Initialize({
      readable: new FileHandleReadable(handle),
      decompressHandlers: await decompressHandlers(),
    });
    return await body(reader);
  } finally {
    await handle.close();
  }
}

/** Every message of an indexed fixture, in log-time order, with channel and schema. */
export async function readIndexedMessages(relativePath: string): Promise<FixtureMessage[]> {
  return withIndexedFixture(relativePath, async (reader) => {
    const out: FixtureMessage[] = [];
    for await (const message of reader.readMessages()) {
      const channel = reader.channelsById.get(message.channelId);
      if (!channel) throw new Error(`${relativePath}: message on unknown channel ${message.channelId}`);
      out.push({ message, channel, schema: reader.schemasById.get(channel.schemaId) });
    }
    return out;
  });
}

/** Every schema of an indexed fixture (from its summary section). */
export async function readIndexedSchemas(relativePath: string): Promise<McapSchema[]> {
  return withIndexedFixture(relativePath, async (reader) => [...reader.schemasById.values()]);
}

/** What a streaming pass over a file found; `complete` is false for files cut short. */
export interface StreamedFixture {
  schemas: Map<number, McapSchema>;
  channels: Map<number, McapChannel>;
  messages: FixtureMessage[];
  records: TypedMcapRecord[];
  complete: boolean;
  /** The parse error that stopped reading, if any (expected for truncated files). */
  error: Error | undefined;
}

/**
 * Reads a fixture front to back with McapStreamReader. This works for files without a
 * summary section (e.g. a recording cut short by a crash), where the indexed reader fails.
 */
export async function readStreamedFixture(relativePath: string): Promise<StreamedFixture> {
  const reader = new McapStreamReader({ decompressHandlers: await decompressHandlers() });
  const result: StreamedFixture = {
    schemas: new Map(),
    channels: new Map(),
    messages: [],
    records: [],
    complete: false,
    error: undefined,
  };
  try {
    reader.append(readFileSync(fixturePath(relativePath)));
    for (let record = reader.nextRecord(); record; record = reader.nextRecord()) {
      result.records.push(record);
      if (record.type === "Schema") result.schemas.set(record.id, record);
      else if (record.type === "Channel") result.channels.set(record.id, record);
      else if (record.type === "Message") {
        const channel = result.channels.get(record.channelId);
        if (!channel) throw new Error(`${relativePath}: message on unknown channel ${record.channelId}`);
        result.messages.push({ message: record, channel, schema: result.schemas.get(channel.schemaId) });
      }
    }
  } catch (error) {
    result.error = error instanceof Error ? error : new Error(String(error));
  }
  result.complete = reader.done();
  return result;
}

/** Decodes a schema's data as UTF-8 text (ros2msg schemas are text). */
export function schemaText(schema: McapSchema): string {
  return new TextDecoder().decode(schema.data);
}
