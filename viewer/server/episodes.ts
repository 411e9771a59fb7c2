// What the API says about episodes: summaries for the browser (fast: from the sidecar, or one
// `teledemo info` pass for recordings without one, cached), details from the aligned episode
// reader (streams, corrected bounds, clock models; opened episodes kept in a small LRU), QA
// results, label status and the rig URDF from the recording's attachments.
import { open as openFile, stat } from "node:fs/promises";
import { McapIndexedReader } from "@mcap/core";
import { FileHandleReadable } from "@mcap/nodejs";
import { loadDecompressHandlers } from "@mcap/support";
import type { DecompressHandlers } from "@mcap/core";
import { basename } from "node:path";
import type { AlignedEpisode, AlignmentFileJson, StreamKind } from "../../recorder/aligned/api.ts";
import { ALIGNMENT_SCHEMA, ALIGNMENT_VERSION } from "../../recorder/aligned/api.ts";
import { inspectPath, type RecordingReport } from "../../recorder/info/inspect.ts";
import { listAnnotators, readLabelsFile } from "../../recorder/labels/store.ts";
import type { EpisodeDetail, EpisodeFile, EpisodeStream, EpisodeSummary, QaStatus } from "../shared/http-api.ts";
import { api } from "../shared/http-api.ts";
import type { Library, LibraryEpisode } from "./library.ts";

export const URDF_ATTACHMENT = "calibration/rig.urdf";

type OpenAligned = (path: string) => Promise<AlignedEpisode>;
type QaResult = { status: QaStatus; reasons: string[] };

/** Loads a module that another part of the project provides, or undefined while it does not exist. */
async function optionalModule(spec: string): Promise<Record<string, unknown> | undefined> {
  try {
    return (await import(spec)) as Record<string, unknown>;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") return undefined;
    throw err;
  }
}

let alignedLoader: Promise<OpenAligned | undefined> | undefined;

/** The aligned reader (recorder/aligned/reader.ts), or undefined when it is not there. */
export function alignedReader(): Promise<OpenAligned | undefined> {
  alignedLoader ??= optionalModule("../../recorder/aligned/reader.ts").then((m) => {
    const f = m?.openAlignedEpisode;
    return typeof f === "function" ? (f as OpenAligned) : undefined;
  });
  return alignedLoader;
}

interface QaModule {
  /** `cache`: read/write <episode>/qa.json (only for our episode folders: never into someone's bag). */
  run: (path: string, options: { cache: boolean }) => Promise<unknown>;
  cached: ((path: string) => unknown) | undefined;
}

let qaLoader: Promise<QaModule | undefined> | undefined;

/** QA (recorder/qa): runQa, and a cache-only read when the module offers one. */
function qaModule(): Promise<QaModule | undefined> {
  qaLoader ??= (async () => {
    const m = await optionalModule("../../recorder/qa/index.ts");
    const run = m?.runQa;
    if (typeof run !== "function") return undefined;
    const readCached = m?.readCachedQa;
    const key = m?.qaKey;
    const thresholds = m?.DEFAULT_QA_THRESHOLDS;
    const cached =
      typeof readCached === "function" && typeof key === "function"
        ? (path: string) => (readCached as (d: string, k: string) => unknown)(path, (key as (p: string, t: unknown) => string)(path, thresholds))
        : undefined;
    return { run: run as QaModule["run"], cached };
  })();
  return qaLoader;
}

/** Adapts a QA report ({status, findings[]}) to the API's {status, reasons}. */
function qaResult(r: unknown): QaResult | null {
  if (!r || typeof r !== "object") return null;
  const o = r as { status?: unknown; findings?: unknown };
  const status = o.status === "pass" || o.status === "warn" || o.status === "fail" ? o.status : undefined;
  if (!status) return null;
  const findings = Array.isArray(o.findings) ? (o.findings as Array<{ check?: unknown; topic?: unknown; message?: unknown }>) : [];
  const reasons = findings.map((f) => `${String(f.check ?? "qa")}${typeof f.topic === "string" ? ` ${f.topic}` : ""}: ${String(f.message ?? "")}`);
  return { status, reasons };
}

export function kindOfType(type: string): StreamKind {
  if (type.endsWith("/Image") || type.endsWith("/CompressedImage")) return "image";
  if (type.endsWith("/PointCloud2")) return "pointcloud";
  if (/(JointState|WrenchStamped|Wrench|Imu|TactileArray|Twist|TwistStamped|Vector3Stamped|PoseStamped|Float64|Float32)$/.test(type)) return "continuous";
  return "other";
}

function isoOfNs(ns: string | bigint | undefined): string {
  if (ns === undefined || ns === "") return "";
  const ms = Number(BigInt(ns) / 1_000_000n);
  return ms > 0 && Number.isFinite(ms) ? new Date(ms).toISOString() : "";
}

interface CachedReport {
  mtimeMs: number;
  report: Promise<RecordingReport>;
}

export class EpisodeService {
  private readonly reports = new Map<string, CachedReport>();
  private readonly qa = new Map<string, { mtimeMs: number; done: boolean; result: Promise<QaResult | null> }>();
  private qaQueue: Promise<unknown> = Promise.resolve();
  private readonly opened = new Map<string, Promise<AlignedEpisode>>();
  private decompress: Promise<DecompressHandlers> | undefined;
  private readonly timelines = new Map<string, { key: string; timeline: Promise<Omit<EpisodeDetail, "summary" | "files">> }>();

  constructor(
    readonly library: Library,
    private readonly options: { maxOpen?: number } = {},
  ) {}

  private async recordingMtime(e: LibraryEpisode): Promise<number> {
    let m = 0;
    for (const f of e.recordings) {
      try {
        m = Math.max(m, (await stat(f)).mtimeMs);
      } catch {
        // a file that vanished: the report will say so
      }
    }
    return m;
  }

  /** `teledemo info`'s report of a recording (cached while its files do not change). */
  async report(e: LibraryEpisode): Promise<RecordingReport> {
    const mtimeMs = await this.recordingMtime(e);
    const cached = this.reports.get(e.openPath);
    if (cached && cached.mtimeMs === mtimeMs) return cached.report;
    const report = inspectPath(e.openPath).then((r) => {
      if (r.kind === "library") throw new Error(`${e.openPath}: is a library, not a recording`);
      return r;
    });
    this.reports.set(e.openPath, { mtimeMs, report });
    report.catch(() => this.reports.delete(e.openPath));
    return report;
  }

  /**
   * QA of an episode. With `wait` false (the episode list) only a cached result is returned at
   * once and a missing one is computed in the background, one episode at a time, so listing a
   * large library stays fast; the next listing shows it.
   */
  async qaOf(e: LibraryEpisode, wait: boolean): Promise<QaResult | null> {
    const qa = await qaModule();
    if (!qa) return null;
    const mtimeMs = await this.recordingMtime(e);
    const hit = this.qa.get(e.openPath);
    if (hit && hit.mtimeMs === mtimeMs) return wait ? hit.result : hit.done ? hit.result : null;
    if (!wait && qa.cached && e.kind === "episode") {
      try {
        const c = qaResult(qa.cached(e.openPath));
        if (c) return c;
      } catch {
        // no usable cache: compute below
      }
    }
    const entry = { mtimeMs, done: false, result: Promise.resolve<QaResult | null>(null) };
    const run: Promise<QaResult | null> = this.qaQueue.then(() => qa.run(e.openPath, { cache: e.kind === "episode" })).then(qaResult, () => null);
    this.qaQueue = run;
    entry.result = run.then((r) => {
      entry.done = true;
      return r;
    });
    this.qa.set(e.openPath, entry);
    return wait ? entry.result : null;
  }

  async labelStatus(e: LibraryEpisode): Promise<EpisodeSummary["labels"]> {
    const annotators = await listAnnotators(e.labelsBase);
    if (annotators.length === 0) return { annotators, status: "none" };
    // The most recently saved decision wins: a later reviewer's accept/reject is the current one.
    let latest: { at: string; decision: "accept" | "reject" | null } | undefined;
    for (const a of annotators) {
      try {
        const f = await readLabelsFile(e.labelsBase, a);
        if (f && (latest === undefined || f.updated > latest.at)) latest = { at: f.updated, decision: f.content.episode.quality.decision };
      } catch {
        // a corrupt file counts as "in progress"; the labels endpoint reports the error
      }
    }
    const status = latest?.decision === "accept" ? "accepted" : latest?.decision === "reject" ? "rejected" : "in_progress";
    return { annotators, status };
  }

  async summary(e: LibraryEpisode, waitForQa = false): Promise<EpisodeSummary> {
    const [qa, labels] = await Promise.all([this.qaOf(e, waitForQa), this.labelStatus(e)]);
    const s = e.sidecar;
    if (s) {
      return {
        id: e.id,
        task: s.task,
        operator: s.operator,
        start: isoOfNs(s.start_ns),
        durationS: s.duration_s,
        outcome: s.outcome,
        flags: s.flags,
        profile: s.profile,
        qa,
        labels,
      };
    }
    let r: RecordingReport | undefined;
    let problem: string | undefined;
    try {
      r = await this.report(e);
    } catch (err) {
      problem = (err as Error).message;
    }
    const facts = (r?.episode ?? {}) as Record<string, unknown>;
    const str = (k: string) => (typeof facts[k] === "string" ? (facts[k] as string) : "");
    const flags = [...(r?.flags ?? [])];
    if (r && r.health !== "ok") flags.push(`health:${r.health}`);
    if (problem) flags.push("unreadable");
    if (e.sidecarError) flags.push("bad_sidecar");
    return {
      id: e.id,
      task: str("task"),
      operator: str("operator"),
      start: isoOfNs(r?.startNs),
      durationS: r?.durationS ?? 0,
      outcome: str("outcome") || "unknown",
      flags,
      profile: str("rig_profile") || (r?.files[0]?.profile ?? ""),
      qa,
      labels,
    };
  }

  /** The aligned episode, opened once and kept in an LRU of `maxOpen` (default 4). */
  aligned(e: LibraryEpisode): Promise<AlignedEpisode> | undefined {
    const hit = this.opened.get(e.openPath);
    if (hit) {
      this.opened.delete(e.openPath);
      this.opened.set(e.openPath, hit);
      return hit;
    }
    return undefined;
  }

  async openAligned(e: LibraryEpisode): Promise<AlignedEpisode | undefined> {
    const hit = this.aligned(e);
    if (hit) return hit;
    const openAligned = await alignedReader();
    if (!openAligned) return undefined;
    const p = openAligned(e.openPath);
    this.opened.set(e.openPath, p);
    p.catch(() => this.opened.delete(e.openPath));
    const max = this.options.maxOpen ?? 4;
    while (this.opened.size > max) {
      const [oldest, episode] = this.opened.entries().next().value as [string, Promise<AlignedEpisode>];
      this.opened.delete(oldest);
      void episode.then((x) => x.close()).catch(() => undefined);
    }
    return p;
  }

  async files(e: LibraryEpisode): Promise<EpisodeFile[]> {
    const names = [...e.recordings.map((f) => basename(f)), ...(e.kind === "file" ? [] : ["episode.json", "metadata.yaml", "alignment.json", "qa.json"])];
    const out: EpisodeFile[] = [];
    for (const name of names) {
      const path = this.library.servableFile(e, name);
      if (!path) continue;
      out.push({ name, url: api.file(e.id, name), bytes: (await stat(path)).size });
    }
    return out;
  }

  private decompressHandlers(): Promise<DecompressHandlers> {
    this.decompress ??= loadDecompressHandlers();
    return this.decompress;
  }

  /** The rig URDF attached to the recording (first file that has one), or null. */
  async urdf(e: LibraryEpisode): Promise<string | null> {
    for (const file of e.recordings) {
      let handle;
      try {
        handle = await openFile(file, "r");
        const reader = await McapIndexedReader.Initialize({ readable: new FileHandleReadable(handle), decompressHandlers: await this.decompressHandlers() });
        if (!reader.attachmentIndexes.some((a) => a.name === URDF_ATTACHMENT)) continue;
        for await (const a of reader.readAttachments({ name: URDF_ATTACHMENT })) return new TextDecoder().decode(a.data);
      } catch {
        // unindexed/truncated files: no attachment index to read from
      } finally {
        await handle?.close();
      }
    }
    return null;
  }

  /** Cache key of an episode's timeline: its recordings' and alignment file's modification times. */
  private async timelineKey(e: LibraryEpisode): Promise<string> {
    let alignMtime = 0;
    const alignPath = e.kind === "file" ? null : this.library.servableFile(e, "alignment.json");
    if (alignPath) alignMtime = await stat(alignPath).then((s) => s.mtimeMs, () => 0);
    return `${await this.recordingMtime(e)}:${alignMtime}`;
  }

  async detail(e: LibraryEpisode): Promise<EpisodeDetail> {
    // QA is not awaited here either: on a large recording it takes long, and opening an episode
    // must not wait for it (the list shows it once computed). The timeline part (streams, clock
    // models, URDF) is computed once per recording version: reopening an episode answers at once.
    const key = await this.timelineKey(e);
    let cached = this.timelines.get(e.openPath);
    if (!cached || cached.key !== key) {
      cached = { key, timeline: this.timeline(e) };
      this.timelines.set(e.openPath, cached);
      const mine = cached;
      mine.timeline.catch(() => {
        if (this.timelines.get(e.openPath) === mine) this.timelines.delete(e.openPath);
      });
    }
    const [summary, files, timeline] = await Promise.all([this.summary(e, false), this.files(e), cached.timeline]);
    return { summary, files, ...timeline };
  }

  private async timeline(e: LibraryEpisode): Promise<Omit<EpisodeDetail, "summary" | "files">> {
    const urdf = await this.urdf(e);
    let aligned: AlignedEpisode | undefined;
    let alignError: string | undefined;
    try {
      aligned = await this.openAligned(e);
    } catch (err) {
      alignError = (err as Error).message;
    }
    if (aligned) {
      return {
        facts: { ...aligned.facts },
        streams: aligned.streams.map((s) => ({ topic: s.topic, type: s.type, kind: s.kind, messageCount: s.messageCount, periodNs: s.periodNs === undefined ? null : s.periodNs.toString() })),
        startNs: aligned.startNs.toString(),
        endNs: aligned.endNs.toString(),
        alignment: aligned.alignmentJson(),
        urdf,
      };
    }
    // No aligned reader for this recording (not available, or it could not open the file, e.g. a
    // truncated one): receive time is the timeline, which is what the recording itself says.
    const r = await this.report(e);
    const facts: Record<string, string> = {};
    for (const [k, v] of Object.entries(r.episode ?? {})) facts[k] = typeof v === "string" ? v : JSON.stringify(v);
    if (alignError) facts.alignment_error = alignError;
    const streams: EpisodeStream[] = r.topics.map((t) => ({
      topic: t.topic,
      type: t.type,
      kind: kindOfType(t.type),
      messageCount: t.messageCount,
      periodNs: t.rateHz > 0 ? BigInt(Math.round(1e9 / t.rateHz)).toString() : null,
    }));
    const alignment: AlignmentFileJson = {
      schema: ALIGNMENT_SCHEMA,
      version: ALIGNMENT_VERSION,
      producer: "viewer (receive time)",
      created: new Date().toISOString(),
      streams: Object.fromEntries(r.topics.map((t) => [t.topic, { type: t.type, source: "receive-time" as const, crossModalOffsetNs: "0" }])),
    };
    return { facts, streams, startNs: r.startNs ?? "0", endNs: r.endNs ?? "0", alignment, urdf };
  }

  async close(): Promise<void> {
    const all = [...this.opened.values()];
    this.opened.clear();
    await Promise.all(all.map((p) => p.then((x) => x.close()).catch(() => undefined)));
  }
}
