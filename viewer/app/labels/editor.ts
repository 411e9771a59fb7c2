// The annotator's labels for one episode and every edit to them as an undoable command
// (snapshots before/after: labels are small, and a snapshot cannot get out of step with the
// data the way inverse operations can). Edits made here are what autosave sends.
import type { ContactEventLabel, LabelsContent, PhaseLabel } from "../../../recorder/labels/schema.ts";
import type { EventSuggestion, PhaseSuggestion, Suggestions } from "../../shared/http-api.ts";

export type Selection = { kind: "phase" | "event"; id: string } | null;

interface Command {
  description: string;
  before: LabelsContent;
  after: LabelsContent;
  selectionAfter: Selection;
}

let idCounter = 0;
export function newId(prefix: string): string {
  idCounter = (idCounter + 1) % 1e6;
  return `${prefix}-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6).toString(36)}${idCounter.toString(36)}`;
}

const clone = (c: LabelsContent): LabelsContent => structuredClone(c);
const ns = (s: string): bigint => BigInt(s);

export type ChangeReason = "edit" | "undo" | "redo" | "load" | "select";

export class LabelsEditor {
  private undoStack: Command[] = [];
  private redoStack: Command[] = [];
  private listeners = new Set<(reason: ChangeReason, description: string) => void>();
  selection: Selection = null;
  /** Phase type the next new phase gets (1–9 choose it). */
  armedPhaseType: string;
  /** Bumped on every content change (autosave compares). */
  version = 0;

  constructor(
    public content: LabelsContent,
    phaseTypes: readonly string[],
  ) {
    this.armedPhaseType = phaseTypes[0] ?? "phase";
  }

  on(listener: (reason: ChangeReason, description: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(reason: ChangeReason, description: string): void {
    for (const l of [...this.listeners]) l(reason, description);
  }

  /** Replaces the content (server load, conflict resolution); clears the command stack. */
  load(content: LabelsContent): void {
    this.content = clone(content);
    this.undoStack = [];
    this.redoStack = [];
    this.selection = null;
    this.version++;
    this.emit("load", "loaded");
  }

  get canUndo(): boolean {
    return this.undoStack.length > 0;
  }
  get canRedo(): boolean {
    return this.redoStack.length > 0;
  }

  /** Applies an edit as one undoable command. */
  edit(description: string, mutate: (draft: LabelsContent) => Selection | void): void {
    const before = clone(this.content);
    const draft = clone(this.content);
    const sel = mutate(draft);
    const selectionAfter = sel === undefined ? this.selection : sel;
    this.undoStack.push({ description, before, after: clone(draft), selectionAfter });
    if (this.undoStack.length > 500) this.undoStack.shift();
    this.redoStack = [];
    this.content = draft;
    this.selection = selectionAfter;
    this.version++;
    this.emit("edit", description);
  }

  undo(): string | null {
    const c = this.undoStack.pop();
    if (!c) return null;
    this.redoStack.push(c);
    this.content = clone(c.before);
    if (this.selection && !this.exists(this.selection)) this.selection = null;
    this.version++;
    this.emit("undo", c.description);
    return c.description;
  }

  redo(): string | null {
    const c = this.redoStack.pop();
    if (!c) return null;
    this.undoStack.push(c);
    this.content = clone(c.after);
    this.selection = c.selectionAfter && this.exists(c.selectionAfter) ? c.selectionAfter : null;
    this.version++;
    this.emit("redo", c.description);
    return c.description;
  }

  select(sel: Selection): void {
    this.selection = sel;
    this.emit("select", "selected");
  }

  private exists(sel: NonNullable<Selection>): boolean {
    return sel.kind === "phase" ? this.content.phases.some((p) => p.id === sel.id) : this.content.events.some((e) => e.id === sel.id);
  }

  selectedPhase(): PhaseLabel | undefined {
    const s = this.selection;
    return s?.kind === "phase" ? this.content.phases.find((p) => p.id === s.id) : undefined;
  }

  selectedEvent(): ContactEventLabel | undefined {
    const s = this.selection;
    return s?.kind === "event" ? this.content.events.find((e) => e.id === s.id) : undefined;
  }

  /**
   * The phase [ and ] act on: the selected one, else the one strictly around the playhead (at a
   * boundary a new phase begins, so labelling back-to-back phases needs no deselecting).
   */
  currentPhase(tNs: bigint): PhaseLabel | undefined {
    return this.selectedPhase() ?? this.content.phases.find((p) => ns(p.startNs) < tNs && tNs < ns(p.endNs));
  }
}

// ---- operations (keyboard and mouse both go through these) ----

/** Snaps t to the nearest detected event within snapMs (boundaries land on contact instants). */
export function snap(tNs: bigint, suggestions: Suggestions | null, snapMs: number): bigint {
  if (!suggestions || snapMs <= 0) return tNs;
  const limit = BigInt(Math.round(snapMs * 1e6));
  let best = tNs;
  let bestD = limit + 1n;
  for (const e of suggestions.events) {
    const t = ns(e.tNs);
    const d = t > tNs ? t - tNs : tNs - t;
    if (d <= limit && d < bestD) {
      best = t;
      bestD = d;
    }
  }
  return best;
}

const sortPhases = (d: LabelsContent): void => {
  d.phases.sort((a, b) => (ns(a.startNs) < ns(b.startNs) ? -1 : ns(a.startNs) > ns(b.startNs) ? 1 : 0));
};
const sortEvents = (d: LabelsContent): void => {
  d.events.sort((a, b) => (ns(a.tNs) < ns(b.tNs) ? -1 : ns(a.tNs) > ns(b.tNs) ? 1 : 0));
};

/** `[`: the current phase starts at t (a new phase of the armed type when there is none). */
export function setPhaseStart(ed: LabelsEditor, tNs: bigint): void {
  const cur = ed.currentPhase(tNs);
  if (cur) {
    ed.edit(`phase ${cur.type} start set`, (d) => {
      const p = d.phases.find((x) => x.id === cur.id)!;
      p.startNs = tNs.toString();
      if (ns(p.endNs) < tNs) p.endNs = tNs.toString();
      sortPhases(d);
      return { kind: "phase", id: p.id };
    });
    return;
  }
  const id = newId("phase");
  const type = ed.armedPhaseType;
  ed.edit(`phase ${type} added`, (d) => {
    d.phases.push({ id, type, startNs: tNs.toString(), endNs: tNs.toString(), source: "manual" });
    sortPhases(d);
    return { kind: "phase", id };
  });
}

/**
 * `]`: the current phase ends at t (a new phase from the previous phase's end when there is
 * none). The phase is then complete: it is deselected so the next 1–9 arms the next phase's type.
 */
export function setPhaseEnd(ed: LabelsEditor, tNs: bigint, episodeStartNs: bigint): void {
  const cur = ed.currentPhase(tNs);
  if (cur) {
    ed.edit(`phase ${cur.type} end set`, (d) => {
      const p = d.phases.find((x) => x.id === cur.id)!;
      p.endNs = tNs.toString();
      if (ns(p.startNs) > tNs) p.startNs = tNs.toString();
      sortPhases(d);
      return null;
    });
    return;
  }
  let start = episodeStartNs;
  for (const p of ed.content.phases) if (ns(p.endNs) <= tNs && ns(p.endNs) > start) start = ns(p.endNs);
  const id = newId("phase");
  const type = ed.armedPhaseType;
  ed.edit(`phase ${type} added`, (d) => {
    d.phases.push({ id, type, startNs: start.toString(), endNs: tNs.toString(), source: "manual" });
    sortPhases(d);
    return null;
  });
}

/** 1–9: arm a phase type; a selected phase takes it too. */
export function choosePhaseType(ed: LabelsEditor, type: string): void {
  ed.armedPhaseType = type;
  const sel = ed.selectedPhase();
  if (sel && sel.type !== type) {
    ed.edit(`phase ${sel.type} → ${type}`, (d) => {
      d.phases.find((p) => p.id === sel.id)!.type = type;
    });
  } else ed.select(ed.selection);
}

/** `c`: a contact event at t; the target defaults to the nearest suggestion's. */
export function addContactEvent(ed: LabelsEditor, tNs: bigint, suggestions: Suggestions | null, targets: readonly string[], type: ContactEventLabel["type"] = "onset"): string {
  let target = targets[0] ?? "contact";
  let bestD: bigint | null = null;
  for (const s of suggestions?.events ?? []) {
    const d = ns(s.tNs) > tNs ? ns(s.tNs) - tNs : tNs - ns(s.tNs);
    if (bestD === null || d < bestD) {
      bestD = d;
      target = s.target;
    }
  }
  const id = newId("event");
  ed.edit(`event ${type} added`, (d) => {
    d.events.push({ id, type, target, tNs: tNs.toString(), source: "manual" });
    sortEvents(d);
    return { kind: "event", id };
  });
  return id;
}

export function updateEvent(ed: LabelsEditor, id: string, patch: Partial<Pick<ContactEventLabel, "type" | "target" | "tNs">>): void {
  ed.edit(`event ${patch.type ?? patch.target ?? "time"} changed`, (d) => {
    const e = d.events.find((x) => x.id === id);
    if (e) Object.assign(e, patch);
    sortEvents(d);
  });
}

export function deleteSelected(ed: LabelsEditor): boolean {
  const sel = ed.selection;
  if (!sel) return false;
  if (sel.kind === "phase") {
    const p = ed.selectedPhase();
    if (!p) return false;
    ed.edit(`phase ${p.type} removed`, (d) => {
      d.phases = d.phases.filter((x) => x.id !== p.id);
      return null;
    });
  } else {
    const e = ed.selectedEvent();
    if (!e) return false;
    ed.edit(`event ${e.type} removed`, (d) => {
      d.events = d.events.filter((x) => x.id !== e.id);
      return null;
    });
  }
  return true;
}

export type OpenSuggestion = { kind: "event"; s: EventSuggestion; distanceNs: bigint } | { kind: "phase"; s: PhaseSuggestion; distanceNs: bigint };

/** Suggestions neither accepted nor rejected yet. */
export function openSuggestions(content: LabelsContent, suggestions: Suggestions | null): { events: EventSuggestion[]; phases: PhaseSuggestion[] } {
  const used = new Set<string>(content.rejectedSuggestions);
  for (const p of content.phases) if (p.suggestionId) used.add(p.suggestionId);
  for (const e of content.events) if (e.suggestionId) used.add(e.suggestionId);
  return { events: (suggestions?.events ?? []).filter((s) => !used.has(s.id)), phases: (suggestions?.phases ?? []).filter((s) => !used.has(s.id)) };
}

/** The open suggestion under the playhead (phases containing it) or nearest to it. */
export function nearestSuggestion(content: LabelsContent, suggestions: Suggestions | null, tNs: bigint): OpenSuggestion | null {
  const open = openSuggestions(content, suggestions);
  let best: OpenSuggestion | null = null;
  const abs = (x: bigint): bigint => (x < 0n ? -x : x);
  for (const s of open.events) {
    const d = abs(ns(s.tNs) - tNs);
    if (!best || d < best.distanceNs) best = { kind: "event", s, distanceNs: d };
  }
  for (const s of open.phases) {
    const a = ns(s.startNs);
    const b = ns(s.endNs);
    const d = tNs >= a && tNs <= b ? 0n : tNs < a ? a - tNs : tNs - b;
    // An event exactly here wins over the phase around it.
    if (!best || d < best.distanceNs) best = { kind: "phase", s, distanceNs: d };
  }
  return best;
}

export function acceptSuggestion(ed: LabelsEditor, sug: OpenSuggestion): void {
  if (sug.kind === "event") {
    const s = sug.s;
    const id = newId("event");
    ed.edit(`suggested event ${s.type} accepted`, (d) => {
      d.events.push({ id, type: s.type, target: s.target, tNs: s.tNs, source: "suggestion", suggestionId: s.id });
      sortEvents(d);
      return { kind: "event", id };
    });
  } else {
    const s = sug.s;
    const id = newId("phase");
    ed.edit(`suggested phase ${s.type} accepted`, (d) => {
      d.phases.push({ id, type: s.type, startNs: s.startNs, endNs: s.endNs, source: "suggestion", suggestionId: s.id });
      sortPhases(d);
      return { kind: "phase", id };
    });
  }
}

export function rejectSuggestion(ed: LabelsEditor, sug: OpenSuggestion): void {
  ed.edit(`suggestion ${sug.s.type} rejected`, (d) => {
    d.rejectedSuggestions.push(sug.s.id);
  });
}

/** n / p: the next/previous event time (labelled events, phase boundaries, open event suggestions). */
export function adjacentEventTime(content: LabelsContent, suggestions: Suggestions | null, tNs: bigint, direction: 1 | -1): bigint | null {
  const times: bigint[] = [];
  for (const e of content.events) times.push(ns(e.tNs));
  for (const p of content.phases) times.push(ns(p.startNs), ns(p.endNs));
  for (const s of openSuggestions(content, suggestions).events) times.push(ns(s.tNs));
  let best: bigint | null = null;
  // 1 ms dead band so pressing n on an event moves to the next one.
  const eps = 1_000_000n;
  for (const t of times) {
    if (direction > 0 && t > tNs + eps && (best === null || t < best)) best = t;
    if (direction < 0 && t < tNs - eps && (best === null || t > best)) best = t;
  }
  return best;
}

/** Merge for a save conflict: theirs, plus my labels they do not have (by id); mine win on the episode form only if theirs is empty. */
export function mergeContent(mine: LabelsContent, theirs: LabelsContent): LabelsContent {
  const out = structuredClone(theirs);
  const phaseIds = new Set(out.phases.map((p) => p.id));
  for (const p of mine.phases) if (!phaseIds.has(p.id)) out.phases.push(structuredClone(p));
  const eventIds = new Set(out.events.map((e) => e.id));
  for (const e of mine.events) if (!eventIds.has(e.id)) out.events.push(structuredClone(e));
  out.rejectedSuggestions = [...new Set([...out.rejectedSuggestions, ...mine.rejectedSuggestions])];
  const ep = out.episode;
  if (ep.graspOutcome === null) ep.graspOutcome = mine.episode.graspOutcome;
  if (ep.failureModes.length === 0) ep.failureModes = [...mine.episode.failureModes];
  if (!ep.instruction) ep.instruction = mine.episode.instruction;
  if (ep.quality.decision === null) ep.quality = { ...mine.episode.quality };
  if (!ep.notes) ep.notes = mine.episode.notes;
  sortPhases(out);
  sortEvents(out);
  return out;
}
