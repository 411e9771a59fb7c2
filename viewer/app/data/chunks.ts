// Chunk-level reading of an indexed MCAP file, driven by the summary's chunk indexes alone: a
// query picks the chunks that overlap its log-time range AND (per the chunk index's message index
// offsets) hold one of its channels, fetches each with one exact Range request, parses the chunk's
// records once (messages are views into the chunk buffer, never copies) and keeps the parsed
// chunks in an LRU. @mcap/core's readMessages opens a cursor (and reads the message indexes) of
// every chunk in the time range whatever the topics: on a 2 GB file that is hundreds of reads
// before the first message of a one-message topic.
import type { DecompressHandlers, McapTypes } from "@mcap/core";
import type { RawMessage } from "./mcap-source.ts";

/** Reads `size` bytes at `offset` of the file with one request (no block cache). */
export type ReadExact = (offset: number, size: number) => Promise<Uint8Array>;

export interface ParsedChunk {
  /** Messages in log-time order (stable for equal times). */
  messages: RawMessage[];
  bytes: number;
}

const OP_CHUNK = 0x06;
const OP_MESSAGE = 0x05;

/** Parses a Chunk record (opcode and length prefix included) into its messages. */
export function parseChunk(record: Uint8Array, handlers: DecompressHandlers, where: string): ParsedChunk {
  const view = new DataView(record.buffer, record.byteOffset, record.byteLength);
  if (record.byteLength < 9 || view.getUint8(0) !== OP_CHUNK) throw new Error(`${where}: not a chunk record`);
  let p = 9;
  p += 16; // message start/end time
  const uncompressedSize = view.getBigUint64(p, true);
  p += 8 + 4; // uncompressed size, crc
  const compLen = view.getUint32(p, true);
  p += 4;
  const compression = new TextDecoder().decode(record.subarray(p, p + compLen));
  p += compLen;
  const recordsLen = Number(view.getBigUint64(p, true));
  p += 8;
  if (p + recordsLen > record.byteLength) throw new Error(`${where}: chunk records run past the chunk (${recordsLen} bytes)`);
  let records = record.subarray(p, p + recordsLen);
  if (compression !== "" && records.byteLength > 0) {
    const d = handlers[compression];
    if (!d) throw new Error(`${where}: unsupported chunk compression ${compression}`);
    records = d(records, uncompressedSize);
  }
  return { messages: parseMessages(records, where), bytes: records.byteLength };
}

function parseMessages(records: Uint8Array, where: string): RawMessage[] {
  const v = new DataView(records.buffer, records.byteOffset, records.byteLength);
  const out: RawMessage[] = [];
  let sorted = true;
  let p = 0;
  while (p + 9 <= records.byteLength) {
    const op = v.getUint8(p);
    const len = Number(v.getBigUint64(p + 1, true));
    const start = p + 9;
    const end = start + len;
    if (end > records.byteLength) throw new Error(`${where}: record at ${p} runs past the chunk`);
    if (op === OP_MESSAGE) {
      if (len < 22) throw new Error(`${where}: message record at ${p} is too short`);
      const m: RawMessage = { channelId: v.getUint16(start, true), logTime: v.getBigUint64(start + 6, true), data: records.subarray(start + 22, end) };
      if (out.length > 0 && m.logTime < out[out.length - 1]!.logTime) sorted = false;
      out.push(m);
    }
    p = end;
  }
  if (!sorted) out.sort((a, b) => (a.logTime < b.logTime ? -1 : a.logTime > b.logTime ? 1 : 0));
  return out;
}

export interface ChunkQuery {
  channelIds: ReadonlySet<number> | null;
  startLogNs?: bigint;
  endLogNs?: bigint;
  reverse?: boolean;
  readAhead?: number;
  /** Polled between chunk runs: true stops the read (and its read-ahead) early. */
  cancelled?: () => boolean;
}

/** Chunks read ahead of the one being yielded (keeps the network busy while decoding). */
const READ_AHEAD = 4;

export class ChunkStore {
  private readonly lru = new Map<bigint, ParsedChunk>(); // insertion order = LRU order
  private readonly pending = new Map<bigint, Promise<ParsedChunk>>();
  private cached = 0;
  chunksRead = 0;

  constructor(
    private readonly where: string,
    private readonly index: readonly McapTypes.ChunkIndex[],
    private readonly readExact: ReadExact,
    private readonly handlers: DecompressHandlers,
    private readonly maxBytes = 256 << 20,
  ) {}

  get cachedBytes(): number {
    return this.cached;
  }

  /** The chunk's messages, from the LRU or one Range request (concurrent callers share it). */
  load(ci: McapTypes.ChunkIndex): Promise<ParsedChunk> {
    const key = ci.chunkStartOffset;
    const hit = this.lru.get(key);
    if (hit) {
      this.lru.delete(key);
      this.lru.set(key, hit);
      return Promise.resolve(hit);
    }
    let p = this.pending.get(key);
    if (!p) {
      p = this.readExact(Number(ci.chunkStartOffset), Number(ci.chunkLength)).then((bytes) => {
        this.chunksRead++;
        const parsed = parseChunk(bytes, this.handlers, `${this.where} chunk at ${ci.chunkStartOffset}`);
        this.remember(key, parsed);
        return parsed;
      });
      this.pending.set(key, p);
      const done = (): void => void this.pending.delete(key);
      p.then(done, done);
    }
    return p;
  }

  private remember(key: bigint, c: ParsedChunk): void {
    this.lru.set(key, c);
    this.cached += c.bytes;
    for (const [k, v] of this.lru) {
      if (this.cached <= this.maxBytes || k === key) break;
      this.lru.delete(k);
      this.cached -= v.bytes;
    }
  }

  /** Chunks that may hold a message of the query, grouped into runs of time-overlapping chunks, in time order. */
  clusters(q: ChunkQuery): McapTypes.ChunkIndex[][] {
    const picked = this.index.filter((ci) => {
      if (q.endLogNs !== undefined && ci.messageStartTime > q.endLogNs) return false;
      if (q.startLogNs !== undefined && ci.messageEndTime < q.startLogNs) return false;
      if (!q.channelIds || ci.messageIndexOffsets.size === 0) return true; // no message indexes: may hold anything
      for (const id of q.channelIds) if (ci.messageIndexOffsets.has(id)) return true;
      return false;
    });
    picked.sort((a, b) => (a.messageStartTime < b.messageStartTime ? -1 : a.messageStartTime > b.messageStartTime ? 1 : 0));
    const out: McapTypes.ChunkIndex[][] = [];
    let end = -1n;
    for (const ci of picked) {
      const last = out[out.length - 1];
      if (last && ci.messageStartTime <= end) last.push(ci);
      else out.push([ci]);
      if (ci.messageEndTime > end) end = ci.messageEndTime;
    }
    return out;
  }

  /** Messages of the query in log-time order (or reversed), chunk run by chunk run, reading ahead. */
  async *read(q: ChunkQuery): AsyncGenerator<RawMessage, void, void> {
    const runs = this.clusters(q);
    if (q.reverse) runs.reverse();
    const loadRun = (run: McapTypes.ChunkIndex[]): Promise<ParsedChunk[]> => Promise.all(run.map((ci) => this.load(ci)));
    const ahead: Array<Promise<ParsedChunk[]>> = [];
    for (let i = 0; i < runs.length; i++) {
      if (q.cancelled?.()) return;
      while (ahead.length <= (q.readAhead ?? READ_AHEAD) && i + ahead.length < runs.length) {
        const next = loadRun(runs[i + ahead.length]!);
        next.catch(() => undefined); // a read-ahead the caller never reaches (it stopped early) must not be an unhandled rejection
        ahead.push(next);
      }
      const chunks = await ahead.shift()!;
      const msgs = chunks.length === 1 ? chunks[0]!.messages : mergeSorted(chunks.map((c) => c.messages));
      const keep = (m: RawMessage): boolean =>
        (q.channelIds === null || q.channelIds.has(m.channelId)) && (q.startLogNs === undefined || m.logTime >= q.startLogNs) && (q.endLogNs === undefined || m.logTime <= q.endLogNs);
      if (q.reverse) {
        for (let j = msgs.length - 1; j >= 0; j--) if (keep(msgs[j]!)) yield msgs[j]!;
      } else {
        for (const m of msgs) if (keep(m)) yield m;
      }
    }
  }
}

function mergeSorted(lists: RawMessage[][]): RawMessage[] {
  const all = lists.flat();
  all.sort((a, b) => (a.logTime < b.logTime ? -1 : a.logTime > b.logTime ? 1 : 0));
  return all;
}
