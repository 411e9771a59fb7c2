// Plain-JSON form of a stream's clock model, as stored beside the recorded episode
// (DESIGN principle 1: alignment is redone from the stored model). Times are int64 ns written
// as decimal strings, because JSON numbers lose nanoseconds past 2^53.

import { ClockModel, SegmentedClockModel, type ClockSegment } from "./clockModel.ts";

export const CLOCK_MODEL_SCHEMA = "teledemo.sync.clock_model";
export const CLOCK_MODEL_VERSION = 1;

export interface ClockSegmentJson {
  refStampNs: string;
  refHostNs: string;
  /** Dimensionless rate error: host advances (1 + drift) ns per stamp ns. */
  drift: number;
  validFromStampNs: string;
  validToStampNs: string;
  firstReceiveNs: string;
  lastReceiveNs: string;
  count: number;
}

export interface ClockModelJson {
  schema: typeof CLOCK_MODEL_SCHEMA;
  version: typeof CLOCK_MODEL_VERSION;
  /** Host times include the constant transport latency (unobservable one-way). */
  minLatencyIncluded: true;
  segments: ClockSegmentJson[];
}

export function clockModelToJson(model: SegmentedClockModel): ClockModelJson {
  return {
    schema: CLOCK_MODEL_SCHEMA,
    version: CLOCK_MODEL_VERSION,
    minLatencyIncluded: true,
    segments: model.segments.map((s) => ({
      refStampNs: s.model.refStampNs.toString(),
      refHostNs: s.model.refHostNs.toString(),
      drift: s.model.drift,
      validFromStampNs: s.validFromStampNs.toString(),
      validToStampNs: s.validToStampNs.toString(),
      firstReceiveNs: s.firstReceiveNs.toString(),
      lastReceiveNs: s.lastReceiveNs.toString(),
      count: s.count,
    })),
  };
}

export class ClockModelJsonError extends Error {
  constructor(path: string, problem: string) {
    super(`clock model JSON: ${path}: ${problem}`);
    this.name = "ClockModelJsonError";
  }
}

function field(obj: Record<string, unknown>, key: string, path: string): unknown {
  if (!(key in obj)) throw new ClockModelJsonError(`${path}.${key}`, "missing");
  return obj[key];
}

function nsField(obj: Record<string, unknown>, key: string, path: string): bigint {
  const v = field(obj, key, path);
  if (typeof v !== "string" || !/^-?\d+$/.test(v)) {
    throw new ClockModelJsonError(`${path}.${key}`, `expected an integer nanosecond string, got ${JSON.stringify(v)}`);
  }
  return BigInt(v);
}

function numberField(obj: Record<string, unknown>, key: string, path: string): number {
  const v = field(obj, key, path);
  if (typeof v !== "number" || !Number.isFinite(v)) {
    throw new ClockModelJsonError(`${path}.${key}`, `expected a finite number, got ${JSON.stringify(v)}`);
  }
  return v;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Parses and validates; throws ClockModelJsonError naming the offending field. */
export function clockModelFromJson(json: unknown): SegmentedClockModel {
  if (!isRecord(json)) throw new ClockModelJsonError("$", "expected an object");
  if (json["schema"] !== CLOCK_MODEL_SCHEMA) {
    throw new ClockModelJsonError("$.schema", `expected "${CLOCK_MODEL_SCHEMA}", got ${JSON.stringify(json["schema"])}`);
  }
  if (json["version"] !== CLOCK_MODEL_VERSION) {
    throw new ClockModelJsonError("$.version", `unsupported version ${JSON.stringify(json["version"])} (this reader knows ${CLOCK_MODEL_VERSION})`);
  }
  if (json["minLatencyIncluded"] !== true) {
    throw new ClockModelJsonError("$.minLatencyIncluded", "expected true");
  }
  const raw = json["segments"];
  if (!Array.isArray(raw)) throw new ClockModelJsonError("$.segments", "expected an array");
  const segments: ClockSegment[] = raw.map((item: unknown, i) => {
    const path = `$.segments[${i}]`;
    if (!isRecord(item)) throw new ClockModelJsonError(path, "expected an object");
    // Fields are checked in the order the format lists them, so errors read top-down.
    const model = new ClockModel(nsField(item, "refStampNs", path), nsField(item, "refHostNs", path), numberField(item, "drift", path));
    const validFromStampNs = nsField(item, "validFromStampNs", path);
    const validToStampNs = nsField(item, "validToStampNs", path);
    const firstReceiveNs = nsField(item, "firstReceiveNs", path);
    const lastReceiveNs = nsField(item, "lastReceiveNs", path);
    const count = numberField(item, "count", path);
    if (!Number.isInteger(count) || count < 0) throw new ClockModelJsonError(`${path}.count`, "expected a non-negative integer");
    return { model, validFromStampNs, validToStampNs, firstReceiveNs, lastReceiveNs, count };
  });
  return new SegmentedClockModel(segments);
}
