// The labels sidecar: one file per annotator beside the episode,
//   <episode>/labels/<annotator>.json
// schema-versioned and validated at every edge (HTTP API, export, agreement). Times are int64
// nanoseconds on the episode's corrected timeline, as decimal strings (JSON has no int64).
// Storage (atomic writes, revisions, 409 on stale revision): ./store.ts.
import { z } from "zod";

export const LABELS_DIR = "labels";
export const LABELS_SCHEMA = "teledemo/labels";
export const LABELS_VERSION = 1;

const nsString = z.string().regex(/^-?\d{1,20}$/, "an integer nanosecond time as a decimal string");
const id = z.string().min(1).max(64).regex(/^[A-Za-z0-9_.:-]+$/, "letters, digits, _ . : -");
/** Annotator names become file names: keep them to a safe alphabet. */
export const annotatorName = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, "letters, digits, _ and -");

export const CONTACT_EVENT_TYPES = ["onset", "release", "slip", "impact"] as const;
export const GRASP_OUTCOMES = ["success", "failure", "partial"] as const;
export const LABEL_SOURCES = ["manual", "suggestion"] as const;

export const phaseLabel = z
  .object({
    id,
    /** A phase type from the project taxonomy (e.g. approach, grasp, lift, ...). */
    type: z.string().min(1).max(64),
    startNs: nsString,
    endNs: nsString,
    source: z.enum(LABEL_SOURCES),
    /** The suggestion this came from, when accepted from one. */
    suggestionId: z.string().max(128).optional(),
  })
  .strict()
  .refine((p) => BigInt(p.startNs) <= BigInt(p.endNs), { message: "phase starts after it ends" });

export const contactEventLabel = z
  .object({
    id,
    type: z.enum(CONTACT_EVENT_TYPES),
    /** What touched: a tactile pad id (e.g. left_finger_a) or a wrist (left_wrist / right_wrist). */
    target: z.string().min(1).max(64),
    tNs: nsString,
    source: z.enum(LABEL_SOURCES),
    suggestionId: z.string().max(128).optional(),
  })
  .strict();

export const episodeLabels = z
  .object({
    graspOutcome: z.enum(GRASP_OUTCOMES).nullable(),
    /** Failure modes from the project taxonomy. */
    failureModes: z.array(z.string().min(1).max(64)).max(32),
    /** The language instruction (defaults to the recorded task). */
    instruction: z.string().max(2000),
    quality: z.object({ decision: z.enum(["accept", "reject"]).nullable(), reason: z.string().max(2000) }).strict(),
    notes: z.string().max(20000),
  })
  .strict();

/** What a client sends to save: the content plus the revision it was based on. */
export const labelsContent = z
  .object({
    phases: z.array(phaseLabel).max(1000),
    events: z.array(contactEventLabel).max(10000),
    episode: episodeLabels,
    /** Suggestion ids the annotator rejected (accepted ones are referenced by suggestionId). */
    rejectedSuggestions: z.array(z.string().max(128)).max(10000),
  })
  .strict();

export const labelsHistoryEntry = z
  .object({
    revision: z.number().int().nonnegative(),
    annotator: annotatorName,
    at: z.string(),
    /** Human-readable list of what changed, e.g. "phase grasp added", "event onset removed". */
    changes: z.array(z.string()).max(1000),
  })
  .strict();

export const labelsFile = z
  .object({
    schema: z.literal(LABELS_SCHEMA),
    version: z.literal(LABELS_VERSION),
    episodeId: z.string(),
    annotator: annotatorName,
    /** Incremented by every save; a save based on an older revision is refused (HTTP 409). */
    revision: z.number().int().nonnegative(),
    updated: z.string(),
    content: labelsContent,
    history: z.array(labelsHistoryEntry),
  })
  .strict();

export type PhaseLabel = z.infer<typeof phaseLabel>;
export type ContactEventLabel = z.infer<typeof contactEventLabel>;
export type EpisodeLabels = z.infer<typeof episodeLabels>;
export type LabelsContent = z.infer<typeof labelsContent>;
export type LabelsFile = z.infer<typeof labelsFile>;

export function emptyLabelsContent(task = ""): LabelsContent {
  return {
    phases: [],
    events: [],
    episode: { graspOutcome: null, failureModes: [], instruction: task, quality: { decision: null, reason: "" }, notes: "" },
    rejectedSuggestions: [],
  };
}
