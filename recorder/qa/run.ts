// runQa: one episode's QA report, cached as `<episode>/qa.json` (atomic; keyed on the recording
// files' sizes and mtimes, alignment.json's, and the thresholds, so a stale cache is never used).
import { existsSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { open } from "node:fs/promises";
import { join, resolve } from "node:path";
import { McapIndexedReader } from "@mcap/core";
import { FileHandleReadable } from "@mcap/nodejs";
import { loadDecompressHandlers } from "@mcap/support";
import { parseCalibration } from "../../calibration/index.ts";
import { ALIGNMENT_FILE, type AlignedEpisode } from "../aligned/api.ts";
import { openAlignedEpisode } from "../aligned/reader.ts";
import { episodeProfile } from "../aligned/profile.ts";
import { recordingFiles } from "../aligned/source.ts";
import { EPISODE_SIDECAR } from "../episode/layout.ts";
import {
  DEFAULT_QA_THRESHOLDS,
  QA_FILE,
  QA_SCHEMA,
  QA_VERSION,
  statusOf,
  type QaFinding,
  type QaOptions,
  type QaReport,
  type QaThresholds,
} from "./api.ts";
import { isArmJoint, jerkFindings, motionFindings, skewFindings, streamFindings, streamStats, type JointSeries, type SkewTally, type StreamTimes } from "./checks.ts";

/** Cache key: what the report depends on. */
export function qaKey(path: string, thresholds: QaThresholds): string {
  const files = recordingFiles(path);
  const parts = files.map((f) => {
    const st = statSync(f);
    return `${f}:${st.size}:${st.mtimeMs}`;
  });
  const dir = resolve(path);
  const alignment = join(dir, ALIGNMENT_FILE);
  if (statSync(dir).isDirectory() && existsSync(alignment)) parts.push(`${ALIGNMENT_FILE}:${statSync(alignment).mtimeMs}`);
  return `v${QA_VERSION}|${parts.join("|")}|${JSON.stringify(thresholds)}`;
}

/** The cached report if it is still valid. */
export function readCachedQa(dir: string, key: string): QaReport | undefined {
  const file = join(dir, QA_FILE);
  if (!existsSync(file)) return undefined;
  try {
    const raw = JSON.parse(readFileSync(file, "utf8")) as Partial<QaReport>;
    if (raw.schema !== QA_SCHEMA || raw.version !== QA_VERSION || raw.key !== key || !Array.isArray(raw.findings)) return undefined;
    return { ...(raw as QaReport), cached: true };
  } catch {
    return undefined;
  }
}

function writeCachedQa(dir: string, report: QaReport): void {
  const file = join(dir, QA_FILE);
  const tmp = `${file}.tmp-${process.pid}-${Date.now()}`;
  const { cached: _cached, ...rest } = report;
  try {
    writeFileSync(tmp, `${JSON.stringify(rest, null, 2)}\n`);
    renameSync(tmp, file);
  } catch {
    // a read-only library still gets its report, just not cached
  }
}

export async function runQa(path: string, options: QaOptions = {}): Promise<QaReport> {
  const thresholds: QaThresholds = { ...DEFAULT_QA_THRESHOLDS, ...options.thresholds };
  const full = resolve(path);
  const key = qaKey(full, thresholds); // throws a clear error for a path that is not a recording
  const isFolder = statSync(full).isDirectory();
  // only teledemo episode folders get a qa.json: other tools' bags are never written into
  const useCache = options.cache !== false && isFolder && existsSync(join(full, EPISODE_SIDECAR));
  if (useCache && !options.force) {
    const cached = readCachedQa(full, key);
    if (cached) return cached;
  }
  let report: QaReport;
  let episode: AlignedEpisode | undefined;
  try {
    episode = await openAlignedEpisode(full);
    report = await check(full, episode, thresholds, key);
  } catch (err) {
    report = {
      schema: QA_SCHEMA,
      version: QA_VERSION,
      path: full,
      status: "fail",
      findings: [{ check: "unreadable", severity: "fail", message: `${path}: ${(err as Error).message}` }],
      streams: [],
      durationS: 0,
      checkedAt: new Date().toISOString(),
      thresholds,
      key,
    };
  } finally {
    await episode?.close();
  }
  if (useCache) writeCachedQa(full, report);
  return report;
}

/** Topics the QA leaves out of rate/gap/skew checks: what the stack itself adds once. */
const isSideTopic = (topic: string): boolean => topic.startsWith("/calibration/") || topic.startsWith("/teledemo/") || topic === "/tf_static";

async function check(path: string, ep: AlignedEpisode, th: QaThresholds, key: string): Promise<QaReport> {
  const facts = ep.facts;
  const profile = episodeProfile(facts.rig_profile);
  const expected = new Map<string, { hz: number; kind: string; toleranceMs?: number }>();
  for (const s of profile?.streams ?? []) expected.set(s.topic, { hz: s.rate_hz, kind: s.kind, ...(s.tolerance_ms !== undefined ? { toleranceMs: s.tolerance_ms } : {}) });
  const durationS = Number(ep.endNs - ep.startNs) / 1e9;
  const toS = (ns: bigint): number => Number(ns - ep.startNs) / 1e9;
  const findings: QaFinding[] = [];

  // Rates, gaps, clock jumps.
  const times: StreamTimes[] = [];
  const topics = new Set([...ep.streams.map((s) => s.topic), ...expected.keys()]);
  for (const topic of [...topics].sort()) {
    if (isSideTopic(topic)) continue;
    const info = ep.streams.find((s) => s.topic === topic);
    const list = ep.correctedTimes?.(topic) ?? [];
    const exp = expected.get(topic);
    times.push({ topic, type: info?.type ?? "", times: [...list], segments: info?.segments ?? 0, ...(exp ? { expectedHz: exp.hz } : {}) });
  }
  for (const s of times) findings.push(...streamFindings(s, durationS, toS, th));

  // Idle stretches, hesitations, jerk: the arm's joint states.
  const jointTopic =
    profile?.streams.find((s) => s.kind === "joint_states")?.topic ?? ep.streams.find((s) => s.type === "sensor_msgs/msg/JointState" && s.messageCount > 0)?.topic;
  if (jointTopic && ep.streams.some((s) => s.topic === jointTopic && s.messageCount >= 3)) {
    const series = await jointSeries(ep, jointTopic, toS);
    if (series.positions.length > 0 && (series.positions[0]?.length ?? 0) > 0) {
      findings.push(...motionFindings(series, durationS, th));
      findings.push(...jerkFindings(series, th));
    }
  }

  // Sync skew at the pivot camera's frames.
  const pivot = profile?.pivot_topic ?? ep.streams.find((s) => s.kind === "image" && s.messageCount > 1)?.topic;
  if (pivot) {
    const tally = await skewTally(ep, pivot, expected);
    if (tally) findings.push(...skewFindings(tally, th));
  }

  // Recorder flags and calibration age.
  findings.push(...flagFindings(facts));
  const age = await calibrationAgeDays(ep, facts);
  if (age !== undefined && age > th.maxCalibrationAgeDays && !findings.some((f) => f.check === "stale-calibration")) {
    findings.push({
      check: "stale-calibration",
      severity: "warn",
      message: `the calibration was ${age.toFixed(0)} days old when the episode was recorded (limit ${th.maxCalibrationAgeDays})`,
      value: Math.round(age),
      threshold: th.maxCalibrationAgeDays,
    });
  }

  return {
    schema: QA_SCHEMA,
    version: QA_VERSION,
    path,
    ...(facts.id ? { id: facts.id } : {}),
    status: statusOf(findings),
    findings,
    streams: times.map((s) => streamStats(s, durationS)),
    durationS: Math.round(durationS * 1000) / 1000,
    checkedAt: new Date().toISOString(),
    thresholds: th,
    key,
  };
}

async function jointSeries(ep: AlignedEpisode, topic: string, toS: (ns: bigint) => number): Promise<JointSeries> {
  const series: JointSeries = { topic, t: [], positions: [], speed: [] };
  let arm: number[] | undefined;
  let names: string[] | undefined;
  for await (const m of ep.messages({ topics: [topic] })) {
    let msg;
    try {
      msg = m.decode();
    } catch {
      continue;
    }
    const name = Array.isArray(msg.name) ? (msg.name as string[]) : [];
    if (!names || name.join() !== names.join()) {
      names = name;
      arm = name.map((n, i) => (isArmJoint(n) ? i : -1)).filter((i) => i >= 0);
    }
    const pos = toArray(msg.position);
    const vel = toArray(msg.velocity);
    const idx = arm ?? [];
    series.t.push(toS(m.correctedNs));
    series.positions.push(Float64Array.from(idx.map((i) => pos[i] ?? Number.NaN)));
    series.speed.push(vel.length === pos.length && vel.length > 0 ? Math.max(0, ...idx.map((i) => Math.abs(vel[i] ?? 0))) : Number.NaN);
  }
  return series;
}

function toArray(a: unknown): number[] {
  if (Array.isArray(a)) return a as number[];
  if (ArrayBuffer.isView(a)) return Array.from(a as unknown as ArrayLike<number>);
  return [];
}

async function skewTally(ep: AlignedEpisode, pivot: string, expected: Map<string, { hz: number; kind: string; toleranceMs?: number }>): Promise<SkewTally | undefined> {
  const all = ep.correctedTimes?.(pivot);
  if (!all || all.length === 0) return undefined;
  const streams = ep.streams.filter((s) => s.topic !== pivot && !isSideTopic(s.topic) && s.kind !== "other" && s.messageCount > 1);
  if (streams.length === 0) return undefined;
  // Frames before every stream started or after one ended are the episode's edges, not skew.
  let from = all[0]!;
  let to = all[all.length - 1]!;
  for (const s of streams) {
    const t = ep.correctedTimes?.(s.topic);
    if (!t || t.length === 0) continue;
    if (t[0]! > from) from = t[0]!;
    if (t[t.length - 1]! < to) to = t[t.length - 1]!;
  }
  const grid = all.filter((t) => t >= from && t <= to);
  if (grid.length === 0) return undefined;
  const tolerance = new Map<string, bigint>();
  for (const s of streams) {
    const ms = expected.get(s.topic)?.toleranceMs;
    const period = s.periodNs ?? 0n;
    // Continuous streams interpolate: beyond 1.5 periods a bracket is a gap. Images and clouds
    // take the nearest frame: the profile's tolerance, else half their period.
    const tol = s.kind === "continuous" ? (period * 3n) / 2n : ms !== undefined ? BigInt(Math.round(ms * 1e6)) : period / 2n;
    tolerance.set(s.topic, tol > period / 2n ? tol : period / 2n);
  }
  const tally: SkewTally = { pivot, frames: 0, perStream: new Map(), badFrames: 0 };
  for (const s of streams) tally.perStream.set(s.topic, { bad: 0, worstMs: 0, toleranceMs: Number(tolerance.get(s.topic)!) / 1e6 });
  for await (const { states } of ep.resample(grid, { topics: streams.map((s) => s.topic), toleranceNs: tolerance })) {
    tally.frames++;
    let bad = false;
    for (const [topic, st] of states) {
      const entry = tally.perStream.get(topic)!;
      const ms = Math.abs(Number(st.skewNs)) / 1e6;
      if (ms > entry.worstMs) entry.worstMs = ms;
      if (st.status !== "ok") {
        entry.bad++;
        bad = true;
      }
    }
    if (bad) tally.badFrames++;
  }
  return tally;
}

const BRIDGE_GAP_FINDING =
  "recorder flag bridge_gap: the foxglove_bridge connection dropped during the episode; every stream has a hole across each gap (spans in the teledemo.bridge_gap.N metadata records)";

function flagFindings(facts: Readonly<Record<string, string>>): QaFinding[] {
  let flags: string[] = [];
  try {
    const parsed: unknown = JSON.parse(facts.flags ?? "[]");
    if (Array.isArray(parsed)) flags = parsed.filter((f): f is string => typeof f === "string");
  } catch {
    flags = [];
  }
  const out: QaFinding[] = [];
  for (const flag of flags) {
    if (flag === "calibration_stale") out.push({ check: "stale-calibration", severity: "warn", message: "the recorder flagged the calibration as stale (older than its --max-calibration-age)" });
    else if (flag === "write_error" || flag === "no_messages") out.push({ check: "recorder-flag", severity: "fail", message: `recorder flag ${flag}` });
    else if (flag === "bridge_gap") out.push({ check: "recorder-flag", severity: "warn", message: BRIDGE_GAP_FINDING });
    else out.push({ check: "recorder-flag", severity: "warn", message: `recorder flag ${flag}` });
  }
  return out;
}

/** Age (days) of the calibration attached to the episode when it was recorded. */
async function calibrationAgeDays(ep: AlignedEpisode, facts: Readonly<Record<string, string>>): Promise<number | undefined> {
  const startMs = facts.start_time ? Date.parse(facts.start_time) : Number.NaN;
  const file = ep.files[0];
  if (!Number.isFinite(startMs) || !file) return undefined;
  const handle = await open(file, "r");
  try {
    const reader = await McapIndexedReader.Initialize({ readable: new FileHandleReadable(handle), decompressHandlers: await loadDecompressHandlers() });
    for await (const a of reader.readAttachments({ name: "calibration/calibration.yaml" })) {
      const cal = parseCalibration(new TextDecoder().decode(a.data), `${file} calibration/calibration.yaml`);
      const created = Date.parse(cal.provenance.created);
      return Number.isFinite(created) ? (startMs - created) / 86_400_000 : undefined;
    }
    return undefined;
  } catch {
    return undefined;
  } finally {
    await handle.close();
  }
}
