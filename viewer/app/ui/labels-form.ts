// The episode-level labels form (grasp outcome, failure modes from the taxonomy, language
// instruction, quality accept/reject with reason, notes) and the editor for the selected label.
// Every change goes through the editor as an undoable command.
import { CONTACT_EVENT_TYPES, GRASP_OUTCOMES, type EpisodeLabels } from "../../../recorder/labels/schema.ts";
import type { ViewerConfig } from "../../shared/http-api.ts";
import { updateEvent, type LabelsEditor } from "../labels/editor.ts";
import { clear, h } from "./dom.ts";

export class LabelsForm {
  readonly element: HTMLElement;
  private readonly selected: HTMLElement;
  private readonly outcome: HTMLSelectElement;
  private readonly failures: HTMLInputElement[];
  private readonly instruction: HTMLTextAreaElement;
  private readonly decision: HTMLSelectElement;
  private readonly reason: HTMLInputElement;
  private readonly notes: HTMLTextAreaElement;
  private pending: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly editor: LabelsEditor,
    private readonly config: ViewerConfig,
    private readonly originNs: bigint,
  ) {
    this.outcome = h("select", { id: "grasp-outcome", name: "graspOutcome" }, h("option", { value: "", text: "—" }), ...GRASP_OUTCOMES.map((o) => h("option", { value: o, text: o })));
    this.failures = config.failureModes.map((m) => h("input", { type: "checkbox", value: m, name: "failureModes" }));
    this.instruction = h("textarea", { id: "instruction", rows: 2, name: "instruction" });
    this.decision = h("select", { id: "quality-decision", name: "quality" }, h("option", { value: "", text: "—" }), h("option", { value: "accept", text: "accept" }), h("option", { value: "reject", text: "reject" }));
    this.reason = h("input", { id: "quality-reason", type: "text", placeholder: "reason", name: "qualityReason" });
    this.notes = h("textarea", { id: "notes", rows: 3, name: "notes" });
    this.selected = h("div", { class: "selected-label", id: "selected-label" });
    this.element = h(
      "form",
      { class: "labels-form", id: "labels-form" },
      h("h3", { text: "Selected" }),
      this.selected,
      h("h3", { text: "Episode" }),
      h("label", {}, "grasp outcome ", this.outcome),
      h("fieldset", {}, h("legend", { text: "failure modes" }), ...this.failures.map((c) => h("label", { class: "check" }, c, ` ${c.value}`))),
      h("label", { class: "block" }, "instruction", this.instruction),
      h("label", {}, "quality ", this.decision),
      this.reason,
      h("label", { class: "block" }, "notes", this.notes),
    );
    this.element.addEventListener("submit", (ev) => ev.preventDefault());
    this.outcome.addEventListener("change", () => this.commit("grasp outcome"));
    this.decision.addEventListener("change", () => this.commit("quality"));
    for (const c of this.failures) c.addEventListener("change", () => this.commit("failure modes"));
    for (const t of [this.instruction, this.reason, this.notes]) {
      t.addEventListener("input", () => {
        if (this.pending) clearTimeout(this.pending);
        this.pending = setTimeout(() => this.commit("text"), 500);
      });
      t.addEventListener("change", () => this.commit("text"));
    }
    this.refresh();
  }

  private read(): EpisodeLabels {
    return {
      graspOutcome: (this.outcome.value || null) as EpisodeLabels["graspOutcome"],
      failureModes: this.failures.filter((c) => c.checked).map((c) => c.value),
      instruction: this.instruction.value,
      quality: { decision: (this.decision.value || null) as EpisodeLabels["quality"]["decision"], reason: this.reason.value },
      notes: this.notes.value,
    };
  }

  private commit(what: string): void {
    if (this.pending) {
      clearTimeout(this.pending);
      this.pending = null;
    }
    const next = this.read();
    const cur = this.editor.content.episode;
    if (JSON.stringify(next) === JSON.stringify(cur)) return;
    const changed = what === "text" ? (next.instruction !== cur.instruction ? "instruction" : next.notes !== cur.notes ? "notes" : "quality reason") : what;
    this.editor.edit(`episode ${changed} changed`, (d) => {
      d.episode = next;
    });
  }

  /** Shows the editor's state (after undo/redo/load); leaves a field alone while it is being typed in. */
  refresh(): void {
    const e = this.editor.content.episode;
    const active = document.activeElement;
    if (active !== this.outcome) this.outcome.value = e.graspOutcome ?? "";
    for (const c of this.failures) c.checked = e.failureModes.includes(c.value);
    if (active !== this.instruction) this.instruction.value = e.instruction;
    if (active !== this.decision) this.decision.value = e.quality.decision ?? "";
    if (active !== this.reason) this.reason.value = e.quality.reason;
    if (active !== this.notes) this.notes.value = e.notes;
    this.renderSelected();
  }

  private renderSelected(): void {
    clear(this.selected);
    const s = (ns: string): string => `${(Number(BigInt(ns) - this.originNs) / 1e9).toFixed(3)} s`;
    const p = this.editor.selectedPhase();
    const ev = this.editor.selectedEvent();
    if (p) {
      this.selected.append(h("div", { text: `phase ${p.type}: ${s(p.startNs)} – ${s(p.endNs)}${p.source === "suggestion" ? " (from a suggestion)" : ""}` }));
    } else if (ev) {
      const type = h("select", { id: "event-type", "aria-label": "event type" }, ...CONTACT_EVENT_TYPES.map((t) => h("option", { value: t, text: t })));
      type.value = ev.type;
      const targets = this.config.eventTargets.includes(ev.target) ? this.config.eventTargets : [ev.target, ...this.config.eventTargets];
      const target = h("select", { id: "event-target", "aria-label": "event target" }, ...targets.map((t) => h("option", { value: t, text: t })));
      target.value = ev.target;
      type.addEventListener("change", () => updateEvent(this.editor, ev.id, { type: type.value as (typeof CONTACT_EVENT_TYPES)[number] }));
      target.addEventListener("change", () => updateEvent(this.editor, ev.id, { target: target.value }));
      this.selected.append(h("div", { text: `event at ${s(ev.tNs)}` }), h("label", {}, "type ", type), h("label", {}, " target ", target));
    } else {
      this.selected.append(h("div", { class: "muted", text: `nothing selected — next phase type: ${this.editor.armedPhaseType}` }));
    }
  }
}
