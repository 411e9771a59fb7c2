// The panel grid: panels in a CSS grid, each with a header to move (drag, or ◀ ▶), resize (cycle
// column/row span) and hide it; hidden panels come back from the "panels" menu. The layout is
// remembered per rig profile in localStorage.
import type { Panel } from "../panels/contract.ts";
import { clear, h } from "./dom.ts";

interface LayoutState {
  order: string[];
  hidden: string[];
  spans: Record<string, { w: number; h: number }>;
}

const MAX_W = 3;
const MAX_H = 2;

export class PanelGrid {
  readonly element: HTMLElement;
  readonly menu: HTMLElement;
  private state: LayoutState;
  private readonly frames = new Map<string, HTMLElement>();
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly panels: readonly Panel[],
    private readonly storageKey: string,
  ) {
    this.state = this.load();
    this.element = h("div", { class: "panel-grid", id: "panel-grid" });
    this.menu = h("div", { class: "panel-menu" });
    for (const p of panels) this.frames.set(p.id, this.frame(p));
    this.render();
    if (panels.length === 0) this.element.append(h("div", { class: "empty-panels muted", text: "No panel has data to show for this episode." }));
  }

  /** Called when visibility or sizes change (visible topics and canvases depend on it). */
  onChange(l: () => void): void {
    this.listeners.add(l);
  }

  visiblePanels(): Panel[] {
    const hidden = new Set(this.state.hidden);
    return this.panels.filter((p) => !hidden.has(p.id));
  }

  private load(): LayoutState {
    const ids = this.panels.map((p) => p.id);
    let saved: Partial<LayoutState> = {};
    try {
      saved = JSON.parse(localStorage.getItem(this.storageKey) ?? "{}") as Partial<LayoutState>;
    } catch {
      saved = {};
    }
    const order = (Array.isArray(saved.order) ? saved.order : []).filter((id) => ids.includes(id));
    for (const id of ids) if (!order.includes(id)) order.push(id);
    const hidden = (Array.isArray(saved.hidden) ? saved.hidden : []).filter((id) => ids.includes(id));
    const spans: LayoutState["spans"] = {};
    for (const [id, s] of Object.entries(saved.spans ?? {})) {
      if (ids.includes(id) && s && typeof s.w === "number" && typeof s.h === "number") spans[id] = { w: clamp(s.w, 1, MAX_W), h: clamp(s.h, 1, MAX_H) };
    }
    return { order, hidden, spans };
  }

  private save(): void {
    localStorage.setItem(this.storageKey, JSON.stringify(this.state));
  }

  private frame(p: Panel): HTMLElement {
    const btn = (label: string, title: string, action: () => void): HTMLButtonElement => {
      const b = h("button", { class: "icon", title, "aria-label": `${title} ${p.title}`, text: label });
      b.addEventListener("click", (ev) => {
        ev.stopPropagation();
        action();
      });
      return b;
    };
    const header = h(
      "div",
      { class: "panel-header", draggable: "true" },
      h("span", { class: "panel-title", text: p.title }),
      h(
        "span",
        { class: "panel-buttons" },
        btn("◀", "move left", () => this.move(p.id, -1)),
        btn("▶", "move right", () => this.move(p.id, 1)),
        btn("⇔", "wider/narrower", () => this.cycle(p.id, "w")),
        btn("⇕", "taller/shorter", () => this.cycle(p.id, "h")),
        btn("✕", "hide", () => this.setHidden(p.id, true)),
      ),
    );
    const frame = h("section", { class: "panel", "data-panel": p.id }, header, h("div", { class: "panel-body" }, p.element));
    header.addEventListener("dragstart", (ev) => {
      ev.dataTransfer?.setData("text/x-teledemo-panel", p.id);
      frame.classList.add("dragging");
    });
    header.addEventListener("dragend", () => frame.classList.remove("dragging"));
    frame.addEventListener("dragover", (ev) => {
      if (ev.dataTransfer?.types.includes("text/x-teledemo-panel")) ev.preventDefault();
    });
    frame.addEventListener("drop", (ev) => {
      const id = ev.dataTransfer?.getData("text/x-teledemo-panel");
      if (!id || id === p.id) return;
      ev.preventDefault();
      const order = this.state.order.filter((x) => x !== id);
      order.splice(order.indexOf(p.id), 0, id);
      this.state.order = order;
      this.commit();
    });
    return frame;
  }

  move(id: string, delta: number): void {
    const order = this.state.order;
    const i = order.indexOf(id);
    const j = clamp(i + delta, 0, order.length - 1);
    if (i < 0 || i === j) return;
    order.splice(i, 1);
    order.splice(j, 0, id);
    this.commit();
  }

  cycle(id: string, dim: "w" | "h"): void {
    const s = this.state.spans[id] ?? { w: 1, h: 1 };
    const max = dim === "w" ? MAX_W : MAX_H;
    s[dim] = s[dim] >= max ? 1 : s[dim] + 1;
    this.state.spans[id] = s;
    this.commit();
  }

  setHidden(id: string, hidden: boolean): void {
    this.state.hidden = this.state.hidden.filter((x) => x !== id);
    if (hidden) this.state.hidden.push(id);
    this.commit();
  }

  private commit(): void {
    this.save();
    this.render();
    for (const l of [...this.listeners]) l();
  }

  private render(): void {
    const hidden = new Set(this.state.hidden);
    for (const id of this.state.order) {
      const f = this.frames.get(id);
      if (!f) continue;
      const span = this.state.spans[id] ?? { w: 1, h: 1 };
      f.style.gridColumn = `span ${span.w}`;
      f.style.gridRow = `span ${span.h}`;
      f.hidden = hidden.has(id);
      this.element.append(f); // re-appending moves it: DOM order = grid order
    }
    clear(this.menu);
    if (this.state.hidden.length > 0) {
      const sel = h("select", { "aria-label": "show hidden panel" }, h("option", { value: "", text: `hidden panels (${this.state.hidden.length})` }));
      for (const id of this.state.hidden) sel.append(h("option", { value: id, text: this.panels.find((p) => p.id === id)?.title ?? id }));
      sel.addEventListener("change", () => {
        if (sel.value) this.setHidden(sel.value, false);
      });
      this.menu.append(sel);
    }
    requestAnimationFrame(() => {
      for (const p of this.visiblePanels()) p.resize();
    });
  }
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}
