// Debounced autosave of the editor's labels: PUT with the revision the edits were based on.
// A 409 (someone else saved since) stops saving and reports the conflict with their current
// file; nothing is ever overwritten silently — the page lets the annotator reload or merge.
import type { LabelsContent, LabelsFile } from "../../../recorder/labels/schema.ts";
import { api, type SaveLabelsRequest, type SaveLabelsResponse, type StaleRevision } from "../../shared/http-api.ts";
import { HttpError, putJson } from "../api.ts";
import type { LabelsEditor } from "./editor.ts";

export type SaveStatus =
  | { state: "saved"; revision: number; at: string }
  | { state: "dirty" }
  | { state: "saving" }
  | { state: "conflict"; theirs: LabelsFile }
  | { state: "error"; message: string };

const DEBOUNCE_MS = 700;

export class Autosave {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private savedVersion: number;
  private saving: Promise<void> | null = null;
  status: SaveStatus;
  private readonly listeners = new Set<(s: SaveStatus) => void>();

  constructor(
    private readonly episodeId: string,
    private annotator: string,
    private readonly editor: LabelsEditor,
    public revision: number,
  ) {
    this.savedVersion = editor.version;
    this.status = { state: "saved", revision, at: "" };
    editor.on((reason) => {
      if (reason === "select") return;
      if (reason === "load") {
        this.savedVersion = editor.version;
        return;
      }
      this.schedule();
    });
  }

  on(l: (s: SaveStatus) => void): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  private set(s: SaveStatus): void {
    this.status = s;
    for (const l of [...this.listeners]) l(s);
  }

  get dirty(): boolean {
    return this.editor.version !== this.savedVersion;
  }

  /** After a reload or a merge: the revision the next save is based on. */
  rebase(revision: number, markDirty: boolean): void {
    this.revision = revision;
    if (markDirty) {
      this.savedVersion = -1;
      this.schedule();
    } else {
      this.savedVersion = this.editor.version;
      this.set({ state: "saved", revision, at: "" });
    }
  }

  schedule(): void {
    if (this.status.state === "conflict") return; // the banner decides
    if (this.timer) clearTimeout(this.timer);
    this.set({ state: "dirty" });
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, DEBOUNCE_MS);
  }

  /** Saves now if anything changed (waits for a save in progress first). */
  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    while (this.saving) await this.saving;
    if (!this.dirty || this.status.state === "conflict") return;
    this.saving = this.save().finally(() => (this.saving = null));
    await this.saving;
  }

  private async save(): Promise<void> {
    const version = this.editor.version;
    const content: LabelsContent = this.editor.content;
    const body: SaveLabelsRequest = { baseRevision: this.revision, content };
    this.set({ state: "saving" });
    try {
      const r = await putJson<SaveLabelsResponse>(api.labels(this.episodeId, this.annotator), body);
      this.revision = r.revision;
      this.savedVersion = version;
      this.set(this.dirty ? { state: "dirty" } : { state: "saved", revision: r.revision, at: r.updated });
      if (this.dirty) this.schedule();
    } catch (err) {
      if (err instanceof HttpError && err.status === 409) {
        const stale = err.body as StaleRevision;
        this.set({ state: "conflict", theirs: stale.current });
        return;
      }
      this.set({ state: "error", message: err instanceof Error ? err.message : String(err) });
    }
  }
}
