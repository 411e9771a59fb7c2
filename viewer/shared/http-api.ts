// The viewer's HTTP contract, shared by the server (viewer/server) and the browser app
// (viewer/app). Types only plus path builders: the server validates everything it receives with
// zod (recorder/labels/schema.ts for labels); the app trusts nothing it did not ask for.
//
// Auth: when the server binds a non-loopback host it prints a token; every /api and /files
// request must carry it as `Authorization: Bearer <token>` (the app reads it from the page URL's
// `#token=` fragment and sends the header; /files also accepts `?token=` for <video>/<img>, and
// so does the WS /api/record/ws upgrade, since browsers cannot set headers on a WebSocket).
//
// Endpoints
//   GET  /api/config                                   → ViewerConfig
//   GET  /api/episodes                                 → EpisodeSummary[]
//   GET  /api/episodes/:id                             → EpisodeDetail
//   GET  /files/:id/:file                              → the episode's MCAP bytes; honours Range (206), HEAD
//   GET  /api/episodes/:id/labels                      → { annotators: string[] }
//   GET  /api/episodes/:id/labels/:annotator           → LabelsFile (revision 0 and empty content when none yet)
//   PUT  /api/episodes/:id/labels/:annotator           ← SaveLabelsRequest → SaveLabelsResponse | 409 StaleRevision | 400/422 ApiError
//   GET  /api/episodes/:id/suggestions                 → Suggestions
//   GET  /api/episodes/:id/agreement                   → AgreementReport
//   GET  /api/record                                   → RecordEndpoint (is a recorder running for this library?)
//   WS   /api/record/ws                                → proxied to the running recorder's ws control API
//                                                        (recorder/control/ws-control.ts protocol)
import type { AlignmentFileJson, StreamKind } from "../../recorder/aligned/api.ts";
import type { LabelsContent, LabelsFile } from "../../recorder/labels/schema.ts";

export interface ApiError {
  error: string;
  /** zod issue paths and messages for malformed bodies. */
  issues?: Array<{ path: string; message: string }>;
}

export interface PhaseType {
  name: string;
  /** "1".."9" */
  hotkey: string;
  color: string;
}

export interface ViewerConfig {
  phaseTypes: PhaseType[];
  eventTypes: string[];
  /** Contact targets: tactile pads and wrists. */
  eventTargets: string[];
  failureModes: string[];
  /** Extra/overridden hotkeys, action → key. */
  hotkeys: Record<string, string>;
  /** Default annotator name (from the config or the OS user). */
  annotator: string;
  /** Snap distance for phase boundaries to detected events (ms). */
  snapMs: number;
}

export type QaStatus = "pass" | "warn" | "fail";

export interface EpisodeSummary {
  id: string;
  task: string;
  operator: string;
  /** ISO 8601 start time. */
  start: string;
  durationS: number;
  outcome: string;
  flags: string[];
  profile: string;
  qa: { status: QaStatus; reasons: string[] } | null;
  labels: { annotators: string[]; status: "none" | "in_progress" | "accepted" | "rejected" };
}

export interface EpisodeFile {
  name: string;
  /** URL relative to the server root, e.g. /files/<id>/episode.mcap */
  url: string;
  bytes: number;
}

export interface EpisodeStream {
  topic: string;
  type: string;
  kind: StreamKind;
  messageCount: number;
  /** ns as decimal string */
  periodNs: string | null;
}

export interface EpisodeDetail {
  summary: EpisodeSummary;
  facts: Record<string, string>;
  files: EpisodeFile[];
  streams: EpisodeStream[];
  /** Corrected timeline bounds, ns as decimal strings. */
  startNs: string;
  endNs: string;
  /** Clock models: the app maps header stamps to corrected time with these. */
  alignment: AlignmentFileJson;
  /** The rig's URDF (from the episode's attachments) when recorded, for drawing the arms. */
  urdf: string | null;
}

export interface SaveLabelsRequest {
  /** The revision the client's edit was based on (0 for a new file). */
  baseRevision: number;
  content: LabelsContent;
}

export interface SaveLabelsResponse {
  revision: number;
  updated: string;
}

export interface StaleRevision extends ApiError {
  currentRevision: number;
  current: LabelsFile;
}

export interface EventSuggestion {
  id: string;
  type: "onset" | "release" | "slip" | "impact";
  target: string;
  tNs: string;
  confidence: number;
}

export interface PhaseSuggestion {
  id: string;
  type: string;
  startNs: string;
  endNs: string;
  confidence: number;
}

export interface Suggestions {
  events: EventSuggestion[];
  phases: PhaseSuggestion[];
}

export interface AgreementPair {
  a: string;
  b: string;
  phaseBoundaryMaeMs: number | null;
  eventF1: number | null;
  cohensKappa: number | null;
}

export interface AgreementReport {
  annotators: string[];
  pairs: AgreementPair[];
}

export interface RecordEndpoint {
  running: boolean;
  /** The recorder's library and control port when running. */
  library?: string;
  port?: number;
}

export const api = {
  config: () => "/api/config",
  episodes: () => "/api/episodes",
  episode: (id: string) => `/api/episodes/${encodeURIComponent(id)}`,
  file: (id: string, file: string) => `/files/${encodeURIComponent(id)}/${encodeURIComponent(file)}`,
  labelsList: (id: string) => `/api/episodes/${encodeURIComponent(id)}/labels`,
  labels: (id: string, annotator: string) => `/api/episodes/${encodeURIComponent(id)}/labels/${encodeURIComponent(annotator)}`,
  suggestions: (id: string) => `/api/episodes/${encodeURIComponent(id)}/suggestions`,
  agreement: (id: string) => `/api/episodes/${encodeURIComponent(id)}/agreement`,
  record: () => "/api/record",
  recordWs: () => "/api/record/ws",
} as const;
