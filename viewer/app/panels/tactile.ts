// Tactile heatmaps: each pad's rows × cols pressure grid (from the message) as coloured cells on
// one shared scale (0 … the largest pressure on any pad at t, at least MIN_SCALE_KPA, so pads are
// comparable and noise stays dark), with shear arrows per taxel when the pad senses shear.
import type { DecodedMessage, Panel, PanelContext, PanelFactory } from "./contract.ts";
import { turbo } from "./util/colormap.ts";
import { el, panelRoot, toggle, toolbar } from "./util/dom.ts";
import { PanelSettings } from "./util/settings.ts";
import { formatTactileTotal, tactileGrid, tactileTotal, type TactileGrid } from "./util/tactile-values.ts";
import { shortName, topicsOf } from "./util/topics.ts";

/** Cell size in canvas pixels. */
export const CELL_PX = 16;
/** The scale never goes below this (kPa): a pad at rest shows noise as near-black. */
export const MIN_SCALE_KPA = 5;

interface PadView {
  topic: string;
  canvas: HTMLCanvasElement;
  /** " · Σ 123" or " · no data" after the pad's name. */
  reading: HTMLElement;
  last: DecodedMessage | undefined;
  grid: TactileGrid | undefined;
}

export interface PadState {
  topic: string;
  rows: number;
  cols: number;
  /** Index (row-major) and value of the largest taxel. */
  maxIndex: number;
  maxKpa: number;
  total: number;
  hasShear: boolean;
}

export class TactilePanel implements Panel {
  readonly id = "tactile";
  readonly title = "Tactile";
  readonly element: HTMLElement;
  private readonly pads: PadView[] = [];
  private readonly settings: PanelSettings;
  private readonly scaleLabel: HTMLElement;
  private scaleKpa = MIN_SCALE_KPA;
  private lastT: bigint | null = null;
  private lastScale = -1;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly ctx: PanelContext,
    topics: string[],
  ) {
    this.settings = new PanelSettings(ctx, this.id);
    this.element = panelRoot();
    const bar = toolbar();
    bar.append(
      toggle("shear arrows", this.settings.bool("shear", true), (v) => {
        this.settings.set("shear", v);
        this.redraw();
      }),
    );
    this.scaleLabel = el("span", { marginLeft: "auto", fontSize: "11px", opacity: "0.8" });
    bar.append(this.scaleLabel, this.colorBar());
    const grid = el("div", { display: "grid", gridTemplateColumns: "repeat(auto-fit, minmax(120px, 1fr))", gap: "6px", padding: "4px", flex: "1 1 auto", minHeight: "0", overflow: "auto" });
    for (const topic of topics) {
      const box = el("div", { display: "flex", flexDirection: "column", alignItems: "center", minWidth: "0" });
      // the pad name may be cut with an ellipsis in a narrow panel; its total never is
      const caption = el("div", { fontSize: "11px", whiteSpace: "nowrap", display: "flex", maxWidth: "100%", minWidth: "0" });
      const name = el("span", { overflow: "hidden", textOverflow: "ellipsis", minWidth: "0" }, shortName(topic));
      name.title = topic;
      const reading = el("span", { flex: "0 0 auto", whiteSpace: "pre" });
      caption.append(name, reading);
      const canvas = el("canvas", { width: "100%", maxWidth: "260px", aspectRatio: "1", imageRendering: "pixelated", background: "#000" });
      canvas.dataset["topic"] = topic;
      canvas.width = CELL_PX;
      canvas.height = CELL_PX;
      box.append(caption, canvas);
      grid.append(box);
      this.pads.push({ topic, canvas, reading, last: undefined, grid: undefined });
    }
    this.element.append(bar, grid);
    this.unsubscribe = ctx.data.onData(() => this.redraw());
  }

  private colorBar(): HTMLCanvasElement {
    const c = el("canvas", { width: "80px", height: "10px", marginLeft: "6px" });
    c.width = 80;
    c.height = 1;
    const g = c.getContext("2d");
    if (g) {
      for (let x = 0; x < 80; x++) {
        const [r, gg, b] = turbo(x / 79);
        g.fillStyle = `rgb(${r},${gg},${b})`;
        g.fillRect(x, 0, 1, 1);
      }
    }
    return c;
  }

  topics(): readonly string[] {
    return this.pads.map((p) => p.topic);
  }

  /** What each pad shows now (for tests). */
  padStates(): PadState[] {
    return this.pads.flatMap((p) => {
      if (!p.grid || !p.last) return [];
      let maxIndex = 0;
      for (let i = 1; i < p.grid.pressure.length; i++) if (p.grid.pressure[i]! > p.grid.pressure[maxIndex]!) maxIndex = i;
      return [{ topic: p.topic, rows: p.grid.rows, cols: p.grid.cols, maxIndex, maxKpa: p.grid.pressure[maxIndex]!, total: tactileTotal(p.last.value), hasShear: !!p.grid.shearX }];
    });
  }

  scale(): number {
    return this.scaleKpa;
  }

  render(tNs: bigint): void {
    this.lastT = tNs;
    let max = MIN_SCALE_KPA;
    let changed = false;
    for (const p of this.pads) {
      const m = this.ctx.data.latest(p.topic, tNs);
      if (m !== p.last) {
        p.last = m;
        p.grid = m ? tactileGrid(m.value) : undefined;
        changed = true;
      }
      const g = p.grid;
      if (g) for (let i = 0; i < g.pressure.length; i++) if (g.pressure[i]! > max) max = g.pressure[i]!;
    }
    if (!changed && max === this.lastScale) return;
    this.scaleKpa = max;
    this.lastScale = max;
    this.scaleLabel.textContent = `0 – ${max.toFixed(1)} kPa`;
    for (const p of this.pads) this.drawPad(p);
  }

  private redraw(): void {
    for (const p of this.pads) p.last = undefined;
    this.lastScale = -1;
    if (this.lastT !== null) this.render(this.lastT);
  }

  private drawPad(p: PadView): void {
    const g0 = p.grid;
    const ctx = p.canvas.getContext("2d");
    if (!ctx) return;
    if (!g0) {
      ctx.clearRect(0, 0, p.canvas.width, p.canvas.height);
      p.reading.textContent = " · no data";
      return;
    }
    const w = g0.cols * CELL_PX;
    const h = g0.rows * CELL_PX;
    if (p.canvas.width !== w || p.canvas.height !== h) {
      p.canvas.width = w;
      p.canvas.height = h;
      p.canvas.style.aspectRatio = `${g0.cols} / ${g0.rows}`;
    }
    for (let r = 0; r < g0.rows; r++) {
      for (let c = 0; c < g0.cols; c++) {
        const [R, G, B] = turbo(Math.max(0, g0.pressure[r * g0.cols + c]!) / this.scaleKpa);
        ctx.fillStyle = `rgb(${R},${G},${B})`;
        ctx.fillRect(c * CELL_PX, r * CELL_PX, CELL_PX, CELL_PX);
      }
    }
    if (g0.shearX && g0.shearY && this.settings.bool("shear", true)) this.drawShear(ctx, g0, g0.shearX, g0.shearY);
    const total = p.last ? tactileTotal(p.last.value) : 0;
    p.reading.textContent = ` · Σ ${formatTactileTotal(total)}`;
  }

  /** Arrows from each cell centre along (shear_x, shear_y): +x along a row (c), +y along a column (r). */
  private drawShear(ctx: CanvasRenderingContext2D, g: TactileGrid, sx: ArrayLike<number>, sy: ArrayLike<number>): void {
    let maxS = 0;
    for (let i = 0; i < sx.length; i++) maxS = Math.max(maxS, Math.hypot(sx[i]!, sy[i]!));
    // scale: 1 kPa of shear (or the largest, if larger) spans most of a cell
    const perKpa = (CELL_PX * 0.9) / Math.max(1, maxS);
    ctx.strokeStyle = "rgba(255,255,255,0.9)";
    ctx.lineWidth = 1;
    for (let r = 0; r < g.rows; r++) {
      for (let c = 0; c < g.cols; c++) {
        const i = r * g.cols + c;
        const dx = sx[i]! * perKpa;
        const dy = sy[i]! * perKpa;
        const len = Math.hypot(dx, dy);
        if (len < 2) continue; // under two pixels: noise, not drawn
        const x0 = c * CELL_PX + CELL_PX / 2;
        const y0 = r * CELL_PX + CELL_PX / 2;
        const x1 = x0 + dx;
        const y1 = y0 + dy;
        const a = Math.atan2(dy, dx);
        ctx.beginPath();
        ctx.moveTo(x0, y0);
        ctx.lineTo(x1, y1);
        ctx.lineTo(x1 - 3 * Math.cos(a - 0.5), y1 - 3 * Math.sin(a - 0.5));
        ctx.moveTo(x1, y1);
        ctx.lineTo(x1 - 3 * Math.cos(a + 0.5), y1 - 3 * Math.sin(a + 0.5));
        ctx.stroke();
      }
    }
  }

  resize(): void {}

  dispose(): void {
    this.unsubscribe();
  }
}

export const tactileFactory: PanelFactory = (ctx) => {
  const topics = topicsOf(ctx.episode, "tactile");
  return topics.length ? [new TactilePanel(ctx, topics)] : null;
};
