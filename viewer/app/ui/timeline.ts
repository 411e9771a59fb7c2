// The timeline at the bottom of the episode page: a time axis, tracks for labelled phases,
// suggested phases, labelled contact events and suggested events, and the playhead. Click or
// drag seeks; clicking a label selects it; double-clicking a suggestion accepts it.
import type { LabelsContent } from "../../../recorder/labels/schema.ts";
import type { Suggestions } from "../../shared/http-api.ts";
import { openSuggestions, type OpenSuggestion, type Selection } from "../labels/editor.ts";
import { h } from "./dom.ts";

export interface TimelineModel {
  startNs: bigint;
  endNs: bigint;
  content(): LabelsContent;
  suggestions(): Suggestions | null;
  selection(): Selection;
  phaseColor(type: string): string;
}

export interface TimelineActions {
  seek(tNs: bigint): void;
  select(sel: Selection): void;
  accept(s: OpenSuggestion): void;
}

const TRACKS = ["phases", "suggested phases", "events", "suggested events"] as const;
const AXIS_H = 18;
const TRACK_H = 20;
const LABEL_W = 118;

export class Timeline {
  readonly element: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly ctx: CanvasRenderingContext2D;
  private tNs: bigint;
  private dragging = false;

  constructor(
    private readonly model: TimelineModel,
    private readonly actions: TimelineActions,
  ) {
    this.tNs = model.startNs;
    this.canvas = h("canvas", { class: "timeline-canvas", id: "timeline", "aria-label": "timeline" });
    this.element = h("div", { class: "timeline" }, this.canvas);
    const ctx = this.canvas.getContext("2d");
    if (!ctx) throw new Error("no 2D canvas");
    this.ctx = ctx;
    this.canvas.addEventListener("pointerdown", (ev) => this.pointer(ev, "down"));
    this.canvas.addEventListener("pointermove", (ev) => {
      if (this.dragging) this.pointer(ev, "move");
    });
    const up = (): void => {
      this.dragging = false;
    };
    this.canvas.addEventListener("pointerup", up);
    this.canvas.addEventListener("pointercancel", up);
    this.canvas.addEventListener("dblclick", (ev) => {
      const hit = this.hit(ev.offsetX, ev.offsetY);
      if (hit?.kind === "suggestion") this.actions.accept(hit.s);
    });
    // Redraw on the next frame, not inside the observer: drawing sets the canvas size, which would re-trigger it.
    new ResizeObserver(() => requestAnimationFrame(() => this.render(this.tNs))).observe(this.element);
  }

  get height(): number {
    return AXIS_H + TRACKS.length * TRACK_H + 4;
  }

  private x(tNs: bigint, width: number): number {
    const span = Number(this.model.endNs - this.model.startNs) || 1;
    return LABEL_W + (Number(tNs - this.model.startNs) / span) * (width - LABEL_W - 8);
  }

  private t(x: number, width: number): bigint {
    const span = Number(this.model.endNs - this.model.startNs);
    const f = Math.min(1, Math.max(0, (x - LABEL_W) / Math.max(1, width - LABEL_W - 8)));
    return this.model.startNs + BigInt(Math.round(f * span));
  }

  private pointer(ev: PointerEvent, phase: "down" | "move"): void {
    const width = this.canvas.clientWidth;
    if (phase === "down") {
      const hit = this.hit(ev.offsetX, ev.offsetY);
      if (hit?.kind === "phase") this.actions.select({ kind: "phase", id: hit.id });
      else if (hit?.kind === "event") this.actions.select({ kind: "event", id: hit.id });
      this.dragging = true;
      this.canvas.setPointerCapture(ev.pointerId);
    }
    if (ev.offsetX >= LABEL_W - 4) this.actions.seek(this.t(ev.offsetX, width));
  }

  private hit(x: number, y: number): { kind: "phase" | "event"; id: string } | { kind: "suggestion"; s: OpenSuggestion } | null {
    const width = this.canvas.clientWidth;
    const track = Math.floor((y - AXIS_H) / TRACK_H);
    const content = this.model.content();
    const open = openSuggestions(content, this.model.suggestions());
    const near = (t: string): boolean => Math.abs(this.x(BigInt(t), width) - x) <= 5;
    const inside = (a: string, b: string): boolean => this.x(BigInt(a), width) - 3 <= x && x <= this.x(BigInt(b), width) + 3;
    if (track === 0) {
      const p = [...content.phases].reverse().find((ph) => inside(ph.startNs, ph.endNs));
      return p ? { kind: "phase", id: p.id } : null;
    }
    if (track === 1) {
      const s = open.phases.find((ph) => inside(ph.startNs, ph.endNs));
      return s ? { kind: "suggestion", s: { kind: "phase", s, distanceNs: 0n } } : null;
    }
    if (track === 2) {
      const e = content.events.find((ev) => near(ev.tNs));
      return e ? { kind: "event", id: e.id } : null;
    }
    if (track === 3) {
      const s = open.events.find((ev) => near(ev.tNs));
      return s ? { kind: "suggestion", s: { kind: "event", s, distanceNs: 0n } } : null;
    }
    return null;
  }

  render(tNs: bigint): void {
    this.tNs = tNs;
    const dpr = window.devicePixelRatio || 1;
    const width = Math.max(200, this.element.clientWidth);
    const height = this.height;
    if (this.canvas.width !== Math.round(width * dpr) || this.canvas.height !== Math.round(height * dpr)) {
      this.canvas.width = Math.round(width * dpr);
      this.canvas.height = Math.round(height * dpr);
      this.canvas.style.height = `${height}px`;
    }
    const c = this.ctx;
    c.setTransform(dpr, 0, 0, dpr, 0, 0);
    c.clearRect(0, 0, width, height);
    c.font = "11px system-ui, sans-serif";
    c.textBaseline = "middle";
    // axis
    const durS = Number(this.model.endNs - this.model.startNs) / 1e9;
    const step = niceStep(durS / Math.max(1, (width - LABEL_W) / 80));
    c.fillStyle = "#8a919e";
    c.strokeStyle = "#2c313a";
    for (let s = 0; s <= durS + 1e-9; s += step) {
      const x = this.x(this.model.startNs + BigInt(Math.round(s * 1e9)), width);
      c.beginPath();
      c.moveTo(x + 0.5, AXIS_H - 4);
      c.lineTo(x + 0.5, height);
      c.stroke();
      c.fillText(`${s.toFixed(step < 1 ? 1 : 0)}s`, x + 2, AXIS_H / 2);
    }
    TRACKS.forEach((name, i) => {
      const y = AXIS_H + i * TRACK_H;
      c.fillStyle = i % 2 === 0 ? "#1a1d22" : "#1d2026";
      c.fillRect(0, y, width, TRACK_H);
      c.fillStyle = "#8a919e";
      c.fillText(name, 6, y + TRACK_H / 2);
    });
    const content = this.model.content();
    const open = openSuggestions(content, this.model.suggestions());
    const sel = this.model.selection();
    // phases
    for (const p of content.phases) {
      const x0 = this.x(BigInt(p.startNs), width);
      const x1 = Math.max(x0 + 2, this.x(BigInt(p.endNs), width));
      const y = AXIS_H + 2;
      c.fillStyle = this.model.phaseColor(p.type);
      c.fillRect(x0, y, x1 - x0, TRACK_H - 4);
      if (sel?.kind === "phase" && sel.id === p.id) {
        c.strokeStyle = "#ffffff";
        c.lineWidth = 2;
        c.strokeRect(x0, y, x1 - x0, TRACK_H - 4);
        c.lineWidth = 1;
      }
      c.fillStyle = "#101214";
      if (x1 - x0 > 30) c.fillText(p.type, x0 + 3, y + (TRACK_H - 4) / 2);
    }
    for (const p of open.phases) {
      const x0 = this.x(BigInt(p.startNs), width);
      const x1 = Math.max(x0 + 2, this.x(BigInt(p.endNs), width));
      const y = AXIS_H + TRACK_H + 3;
      c.globalAlpha = 0.45;
      c.fillStyle = this.model.phaseColor(p.type);
      c.fillRect(x0, y, x1 - x0, TRACK_H - 6);
      c.globalAlpha = 1;
      c.strokeStyle = this.model.phaseColor(p.type);
      c.setLineDash([3, 2]);
      c.strokeRect(x0 + 0.5, y + 0.5, x1 - x0 - 1, TRACK_H - 7);
      c.setLineDash([]);
      c.fillStyle = "#e4e6eb";
      if (x1 - x0 > 30) c.fillText(p.type, x0 + 3, y + (TRACK_H - 6) / 2);
    }
    const eventColor: Record<string, string> = { onset: "#4caf50", release: "#4fa3ff", slip: "#f0b429", impact: "#ef5350" };
    for (const e of content.events) {
      const x = this.x(BigInt(e.tNs), width);
      const y = AXIS_H + 2 * TRACK_H;
      c.fillStyle = eventColor[e.type] ?? "#e4e6eb";
      c.beginPath();
      c.moveTo(x, y + 3);
      c.lineTo(x + 5, y + TRACK_H / 2);
      c.lineTo(x, y + TRACK_H - 3);
      c.lineTo(x - 5, y + TRACK_H / 2);
      c.closePath();
      c.fill();
      if (sel?.kind === "event" && sel.id === e.id) {
        c.strokeStyle = "#ffffff";
        c.lineWidth = 2;
        c.stroke();
        c.lineWidth = 1;
      }
    }
    for (const e of open.events) {
      const x = this.x(BigInt(e.tNs), width);
      const y = AXIS_H + 3 * TRACK_H;
      c.strokeStyle = eventColor[e.type] ?? "#e4e6eb";
      c.globalAlpha = 0.4 + 0.6 * Math.min(1, Math.max(0, e.confidence));
      c.beginPath();
      c.moveTo(x + 0.5, y + 3);
      c.lineTo(x + 0.5, y + TRACK_H - 3);
      c.stroke();
      c.globalAlpha = 1;
    }
    // playhead
    const px = this.x(tNs, width);
    c.strokeStyle = "#ffffff";
    c.beginPath();
    c.moveTo(px + 0.5, 0);
    c.lineTo(px + 0.5, height);
    c.stroke();
  }
}

function niceStep(raw: number): number {
  const steps = [0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600];
  return steps.find((s) => s >= raw) ?? 600;
}
