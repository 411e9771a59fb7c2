// Where an episode's clock models come from, best first: `<episode>/alignment.json` (written by
// `teledemo align`), the clock models the recorder wrote live on /teledemo/clock_model, or an
// offline two-pass fit of the (header stamp, receive time) pairs computed when the episode is
// opened. This module turns each into per-topic SegmentedClockModels.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { ClockModel, SegmentedClockModel, type ClockSegment } from "../../nodes/sync/clock/clockModel.ts";
import { fitClockModelOffline, type ClockPair, type OfflineClockFit } from "../../nodes/sync/clock/offline.ts";
import { clockModelFromJson } from "../../nodes/sync/clock/serialization.ts";
import type { RosMessage } from "../../nodes/runtime/api.ts";
import { ALIGNMENT_FILE, ALIGNMENT_SCHEMA, ALIGNMENT_VERSION, type AlignmentFileJson } from "./api.ts";

/** Fewer stamped samples than this: the stream runs on receive time (no fit is meaningful). */
export const MIN_FIT_SAMPLES = 8;

const nsString = z.string().regex(/^-?\d+$/, "expected an integer nanosecond string");

const alignmentFileSchema = z.object({
  schema: z.literal(ALIGNMENT_SCHEMA),
  version: z.literal(ALIGNMENT_VERSION),
  producer: z.string(),
  created: z.string(),
  streams: z.record(
    z.string(),
    z.object({
      type: z.string(),
      source: z.enum(["alignment-file", "recorded", "computed", "receive-time"]),
      clockModel: z.unknown().optional(),
      crossModalOffsetNs: nsString,
    }),
  ),
  crossModal: z.array(z.object({ reference: z.string(), target: z.string(), offsetNs: nsString, confidence: z.number() })).optional(),
});

/** Reads and validates `<dir>/alignment.json`; undefined when absent; throws naming the problem. */
export function readAlignmentFile(dir: string): AlignmentFileJson | undefined {
  const path = join(dir, ALIGNMENT_FILE);
  if (!existsSync(path)) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw new Error(`${path}: not readable JSON: ${(err as Error).message}`);
  }
  const parsed = alignmentFileSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`${path}: not an alignment file: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  return parsed.data as AlignmentFileJson;
}

/** A stream's model from an alignment file entry (throws ClockModelJsonError naming the field). */
export function modelFromAlignmentEntry(entry: AlignmentFileJson["streams"][string]): { model: SegmentedClockModel | undefined; crossNs: bigint } {
  const crossNs = BigInt(entry.crossModalOffsetNs);
  if (entry.clockModel === undefined || entry.source === "receive-time") return { model: undefined, crossNs };
  const model = clockModelFromJson(entry.clockModel);
  return { model: model.segments.length > 0 ? model : undefined, crossNs };
}

export function medianPeriodNs(pairs: readonly ClockPair[]): number {
  const stamps = pairs.map((p) => p.stampNs).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const gaps: number[] = [];
  for (let i = 1; i < stamps.length; i++) {
    const d = Number(stamps[i]! - stamps[i - 1]!);
    if (d > 0) gaps.push(d);
  }
  gaps.sort((a, b) => a - b);
  return gaps[Math.floor(gaps.length / 2)] ?? 0;
}

/** Offline two-pass fit of one stream's pairs (sorted by receive time here). */
export function fitPairs(pairs: ClockPair[]): OfflineClockFit | undefined {
  if (pairs.length < MIN_FIT_SAMPLES) return undefined;
  pairs.sort((a, b) => (a.receiveNs < b.receiveNs ? -1 : a.receiveNs > b.receiveNs ? 1 : 0));
  const fit = fitClockModelOffline(pairs, { expectedPeriodNs: medianPeriodNs(pairs) });
  return fit.segments.length > 0 ? fit : undefined;
}

interface RosTimeLike {
  sec: number;
  nanosec?: number;
  nsec?: number;
}

const rosNs = (t: RosTimeLike): bigint => BigInt(t.sec) * 1_000_000_000n + BigInt(t.nanosec ?? t.nsec ?? 0);

/**
 * Recorded teledemo_msgs/ClockModel messages → per-topic models. The last message of each
 * (topic, segment_index) is the final estimate. A message gives the segment's offset at its first
 * stamp and its drift; the receive spans and stamp ranges the segment chooser needs come from the
 * stream's own pairs (split where the next segment's first stamp appears).
 */
export function modelsFromRecorded(messages: readonly RosMessage[], pairsByTopic: ReadonlyMap<string, ClockPair[]>): Map<string, SegmentedClockModel> {
  const latest = new Map<string, Map<number, RosMessage>>();
  for (const m of messages) {
    const topic = typeof m.topic === "string" ? m.topic : undefined;
    const index = typeof m.segment_index === "number" ? m.segment_index : undefined;
    if (topic === undefined || index === undefined) continue;
    let byIndex = latest.get(topic);
    if (!byIndex) latest.set(topic, (byIndex = new Map()));
    byIndex.set(index, m);
  }
  const out = new Map<string, SegmentedClockModel>();
  for (const [topic, byIndex] of latest) {
    const pairs = pairsByTopic.get(topic);
    if (!pairs || pairs.length === 0) continue;
    const heads = [...byIndex.entries()]
      .sort(([a], [b]) => a - b)
      .map(([, m]) => {
        const validFrom = rosNs(m.valid_from as RosTimeLike);
        const offset = BigInt(m.offset_ns as bigint | number);
        return { validFrom, model: new ClockModel(validFrom, validFrom + offset, Number(m.drift_ppm) * 1e-6), count: Number(m.sample_count) };
      });
    const sorted = [...pairs].sort((a, b) => (a.receiveNs < b.receiveNs ? -1 : a.receiveNs > b.receiveNs ? 1 : 0));
    const segments: ClockSegment[] = [];
    let k = 0;
    let span: { from: bigint; to: bigint; first: bigint; last: bigint } | undefined;
    const close = () => {
      const h = heads[k];
      if (h && span) segments.push({ model: h.model, validFromStampNs: span.from, validToStampNs: span.to, firstReceiveNs: span.first, lastReceiveNs: span.last, count: h.count });
    };
    for (const p of sorted) {
      const next = heads[k + 1];
      if (next !== undefined && p.stampNs === next.validFrom && span !== undefined) {
        close();
        k++;
        span = undefined;
      }
      if (span === undefined) span = { from: p.stampNs, to: p.stampNs, first: p.receiveNs, last: p.receiveNs };
      else {
        if (p.stampNs < span.from) span.from = p.stampNs;
        if (p.stampNs > span.to) span.to = p.stampNs;
        span.last = p.receiveNs;
      }
    }
    close();
    if (segments.length > 0) out.set(topic, new SegmentedClockModel(segments));
  }
  return out;
}
