// Time-series plots on canvas 2D: joint position/velocity per arm, wrist force-torque, IMU and
// total tactile pressure per pad. Every plot shows the same window around the playhead (±5 s,
// zoomed with the wheel for all plots at once), the playhead as a cursor line in the middle and a
// hover line shared across plots; a click seeks. Series toggles are remembered per panel.
import type { DecodedMessage, Panel, PanelContext, PanelFactory } from "./contract.ts";
import { seriesColor } from "./util/colormap.ts";
import { el, fitCanvas, panelRoot } from "./util/dom.ts";
import { Kinematics } from "./util/kinematics.ts";
import { PanelSettings } from "./util/settings.ts";
import { tactileTotal } from "./util/tactile-values.ts";
import { measuredJointTopic, shortName, topicsOf } from "./util/topics.ts";
import { arr, at, nums, strings, type Obj } from "./util/values.ts";

export interface Series {
  key: string;
  label: string;
  topic: string;
  read(value: Obj): number | undefined;
}

export interface ChartSpec {
  title: string;
  unit: string;
  series: Series[];
  /** Series known only from the data (joint names without a URDF): resolved at the first render that has a message. */
  resolve?: (data: PanelContext["data"], tNs: bigint) => Series[] | undefined;
}

const NS = 1_000_000_000;
const DEFAULT_HALF_WINDOW_S = 5;
const MIN_HALF_WINDOW_S = 0.1;
const MAX_HALF_WINDOW_S = 60;
export const CURSOR_COLOR = "#ff3b30";
const HOVER_COLOR = "rgba(255,255,255,0.45)";
const AXIS_COLOR = "#888";
const GRID_COLOR = "rgba(255,255,255,0.08)";
const MARGIN = { left: 48, right: 8, top: 14, bottom: 16 };

/** Window and hover shared by all plot panels of one episode. */
export class PlotSync {
  halfWindowNs: bigint;
  hoverNs: bigint | null = null;
  readonly panels = new Set<PlotPanel>();
  constructor(private readonly settings: PanelSettings) {
    this.halfWindowNs = BigInt(Math.round(settings.number("halfWindowS", DEFAULT_HALF_WINDOW_S) * NS));
  }
  setHalfWindow(seconds: number): void {
    const s = Math.min(MAX_HALF_WINDOW_S, Math.max(MIN_HALF_WINDOW_S, seconds));
    this.halfWindowNs = BigInt(Math.round(s * NS));
    this.settings.set("halfWindowS", s);
    this.redrawAll();
  }
  redrawAll(): void {
    for (const p of this.panels) p.redraw();
  }
}

/** Index of each joint name, cached per names array (JointState names may come in any order). */
const nameIndex = new WeakMap<readonly string[], Map<string, number>>();
function jointIndex(value: Obj, name: string): number | undefined {
  const names = strings(value["name"]);
  if (!names) return undefined;
  let m = nameIndex.get(names);
  if (!m) {
    m = new Map(names.map((n, i) => [n, i]));
    nameIndex.set(names, m);
  }
  return m.get(name);
}

function jointSeries(topic: string, joint: string, field: "position" | "velocity"): Series {
  return {
    key: `${topic}:${joint}:${field}`,
    label: joint,
    topic,
    read: (v) => {
      const i = jointIndex(v, joint);
      const a = nums(v[field]);
      return i === undefined || !a ? undefined : a[i];
    },
  };
}

function pathSeries(topic: string, label: string, path: string[]): Series {
  return {
    key: `${topic}:${path.join(".")}`,
    label,
    topic,
    read: (v) => {
      const x = at(v, path);
      return typeof x === "number" ? x : undefined;
    },
  };
}

interface ChartView {
  spec: ChartSpec;
  canvas: HTMLCanvasElement;
  /** Pixel x of the cursor at the last draw (canvas pixels), for tests. */
  cursorX: number;
  /** Window drawn at the last draw. */
  fromNs: bigint;
  toNs: bigint;
  yRange: [number, number] | null;
}

export class PlotPanel implements Panel {
  readonly element: HTMLElement;
  private readonly settings: PanelSettings;
  private readonly charts: ChartView[] = [];
  private readonly legend: HTMLElement;
  private readonly legendToggle: HTMLButtonElement;
  private hidden: Set<string>;
  private lastT: bigint | null = null;
  private readonly unsubscribe: () => void;
  private readonly origin: bigint;

  constructor(
    private readonly ctx: PanelContext,
    readonly id: string,
    readonly title: string,
    specs: ChartSpec[],
    private readonly sync: PlotSync,
    /** Topics needed before the series are known (see ChartSpec.resolve). */
    private readonly extraTopics: readonly string[] = [],
  ) {
    this.settings = new PanelSettings(ctx, id);
    this.hidden = new Set((arr(this.settings.get()["hidden"]) ?? []).filter((x): x is string => typeof x === "string"));
    this.origin = BigInt(ctx.episode.startNs || "0");
    this.element = panelRoot();
    // The legend is capped at two lines (scrolling) so a panel with many series (14 joints ×
    // position and velocity) keeps its room for the charts; "all ▾" expands it, remembered.
    this.legend = el("div", { display: "flex", flexWrap: "wrap", alignItems: "center", gap: "1px 8px", padding: "1px 6px", fontSize: "11px", lineHeight: "15px", flex: "0 0 auto", overflowY: "auto" });
    this.legendToggle = el("button", { position: "absolute", right: "4px", top: "1px", fontSize: "10px", padding: "0 4px", lineHeight: "14px", zIndex: "1" });
    this.legendToggle.type = "button";
    this.legendToggle.dataset["legendToggle"] = "";
    this.legendToggle.addEventListener("click", () => {
      this.settings.set("legendExpanded", !this.settings.bool("legendExpanded", false));
      this.applyLegendSize();
    });
    const legendWrap = el("div", { position: "relative", flex: "0 0 auto", display: "flex", flexDirection: "column", minHeight: "0" });
    legendWrap.append(this.legend, this.legendToggle);
    this.element.append(legendWrap);
    for (const spec of specs) {
      const canvas = el("canvas", { flex: "1 1 0", minHeight: "40px", width: "100%", display: "block", cursor: "crosshair" });
      canvas.dataset["chart"] = spec.title;
      const view: ChartView = { spec, canvas, cursorX: -1, fromNs: 0n, toNs: 0n, yRange: null };
      this.attach(view);
      this.charts.push(view);
      this.element.append(canvas);
    }
    this.buildLegend();
    sync.panels.add(this);
    this.unsubscribe = ctx.data.onData(() => this.redraw());
  }

  private applyLegendSize(): void {
    const expanded = this.settings.bool("legendExpanded", false);
    this.legend.style.maxHeight = expanded ? "45%" : "32px";
    this.legend.style.paddingRight = "44px"; // room for the toggle
    this.legendToggle.textContent = expanded ? "less ▴" : "all ▾";
    this.legendToggle.title = expanded ? "show the legend on two lines" : "show the whole legend";
    // only worth a button when the items do not fit on two lines
    requestAnimationFrame(() => {
      this.legendToggle.hidden = !expanded && this.legend.scrollHeight <= this.legend.clientHeight + 1;
    });
  }

  private buildLegend(): void {
    this.legend.replaceChildren();
    const seen = new Set<string>();
    // Charts whose series share labels (position/velocity of the same joints) get a heading
    // per chart in the legend instead of a "(chart)" suffix on every item.
    const multi = this.charts.length > 1 && new Set(this.charts.flatMap((x) => x.spec.series.map((y) => y.label))).size < this.charts.reduce((n, x) => n + x.spec.series.length, 0);
    for (const c of this.charts) {
      if (multi) this.legend.append(el("span", { fontWeight: "600", opacity: "0.75" }, `${c.spec.title}:`));
      c.spec.series.forEach((s, i) => {
        if (seen.has(s.key)) return;
        seen.add(s.key);
        const item = el("label", { display: "inline-flex", alignItems: "center", gap: "3px", cursor: "pointer", userSelect: "none" });
        const box = el("input");
        box.type = "checkbox";
        box.checked = !this.hidden.has(s.key);
        box.dataset["series"] = s.key;
        box.addEventListener("change", () => {
          if (box.checked) this.hidden.delete(s.key);
          else this.hidden.add(s.key);
          this.settings.set("hidden", [...this.hidden]);
          this.redraw();
        });
        const swatch = el("span", { display: "inline-block", width: "10px", height: "3px", background: seriesColor(i) });
        item.title = `${s.label} (${c.spec.title})`;
        box.style.margin = "0";
        item.append(box, swatch, document.createTextNode(s.label));
        this.legend.append(item);
      });
    }
    this.applyLegendSize();
  }

  private timeAt(view: ChartView, clientX: number): bigint {
    const rect = view.canvas.getBoundingClientRect();
    const x = ((clientX - rect.left) / Math.max(1, rect.width)) * view.canvas.width;
    const plotW = view.canvas.width - MARGIN.left - MARGIN.right;
    const f = Math.min(1, Math.max(0, (x - MARGIN.left) / Math.max(1, plotW)));
    return view.fromNs + BigInt(Math.round(f * Number(view.toNs - view.fromNs)));
  }

  private attach(view: ChartView): void {
    view.canvas.addEventListener("click", (ev) => {
      if (view.toNs > view.fromNs) this.ctx.seek(this.timeAt(view, ev.clientX));
    });
    view.canvas.addEventListener("mousemove", (ev) => {
      if (view.toNs <= view.fromNs) return;
      this.sync.hoverNs = this.timeAt(view, ev.clientX);
      this.sync.redrawAll();
    });
    view.canvas.addEventListener("mouseleave", () => {
      this.sync.hoverNs = null;
      this.sync.redrawAll();
    });
    view.canvas.addEventListener(
      "wheel",
      (ev) => {
        ev.preventDefault();
        this.sync.setHalfWindow((Number(this.sync.halfWindowNs) / NS) * (ev.deltaY > 0 ? 1.25 : 0.8));
      },
      { passive: false },
    );
  }

  topics(): readonly string[] {
    return [...new Set([...this.extraTopics, ...this.charts.flatMap((c) => c.spec.series.map((s) => s.topic))])];
  }

  /** The drawn state of each chart (for tests). */
  chartStates(): Array<{ title: string; cursorX: number; fromNs: bigint; toNs: bigint; yRange: [number, number] | null; width: number }> {
    return this.charts.map((c) => ({ title: c.spec.title, cursorX: c.cursorX, fromNs: c.fromNs, toNs: c.toNs, yRange: c.yRange, width: c.canvas.width }));
  }

  render(tNs: bigint): void {
    this.lastT = tNs;
    let resolved = false;
    for (const c of this.charts) {
      if (!c.spec.resolve || c.spec.series.length > 0) continue;
      const series = c.spec.resolve(this.ctx.data, tNs);
      if (series && series.length > 0) {
        c.spec.series = series;
        resolved = true;
      }
    }
    if (resolved) this.buildLegend();
    for (const c of this.charts) this.drawChart(c, tNs);
  }

  redraw(): void {
    if (this.lastT !== null) this.render(this.lastT);
  }

  private drawChart(view: ChartView, t: bigint): void {
    fitCanvas(view.canvas, 120, 40);
    const g = view.canvas.getContext("2d");
    if (!g) return;
    const W = view.canvas.width;
    const H = view.canvas.height;
    const half = this.sync.halfWindowNs;
    const from = t - half;
    const to = t + half;
    view.fromNs = from;
    view.toNs = to;
    const plotW = W - MARGIN.left - MARGIN.right;
    const plotH = H - MARGIN.top - MARGIN.bottom;
    const span = Number(to - from);
    const xOf = (ns: bigint) => MARGIN.left + (Number(ns - from) / span) * plotW;
    g.clearRect(0, 0, W, H);

    // gather visible series
    const lines: Array<{ color: string; xs: Float64Array; ys: Float64Array; n: number }> = [];
    let lo = Infinity;
    let hi = -Infinity;
    const byTopic = new Map<string, readonly DecodedMessage[]>();
    view.spec.series.forEach((s, i) => {
      if (this.hidden.has(s.key)) return;
      let msgs = byTopic.get(s.topic);
      if (!msgs) {
        msgs = this.ctx.data.range(s.topic, from, to);
        byTopic.set(s.topic, msgs);
      }
      const xs = new Float64Array(msgs.length);
      const ys = new Float64Array(msgs.length);
      let n = 0;
      for (const m of msgs) {
        const y = s.read(m.value);
        if (y === undefined || !Number.isFinite(y)) continue;
        xs[n] = xOf(m.tNs);
        ys[n] = y;
        n++;
        if (y < lo) lo = y;
        if (y > hi) hi = y;
      }
      lines.push({ color: seriesColor(i), xs, ys, n });
    });
    if (!(hi >= lo)) {
      lo = -1;
      hi = 1;
      view.yRange = null;
    } else {
      if (hi - lo < 1e-9) {
        lo -= 0.5;
        hi += 0.5;
      }
      const pad = (hi - lo) * 0.05;
      lo -= pad;
      hi += pad;
      view.yRange = [lo, hi];
    }
    const yOf = (y: number) => MARGIN.top + (1 - (y - lo) / (hi - lo)) * plotH;

    // grid and axes
    g.font = "10px sans-serif";
    g.fillStyle = AXIS_COLOR;
    g.strokeStyle = GRID_COLOR;
    g.lineWidth = 1;
    for (const y of niceTicks(lo, hi, Math.max(2, Math.floor(plotH / 30)))) {
      const py = Math.round(yOf(y)) + 0.5;
      g.beginPath();
      g.moveTo(MARGIN.left, py);
      g.lineTo(W - MARGIN.right, py);
      g.stroke();
      g.textAlign = "right";
      g.textBaseline = "middle";
      g.fillText(fmt(y), MARGIN.left - 4, py);
    }
    const s0 = Number(from - this.origin) / NS;
    const s1 = Number(to - this.origin) / NS;
    for (const s of niceTicks(s0, s1, Math.max(2, Math.floor(plotW / 70)))) {
      const px = Math.round(MARGIN.left + ((s - s0) / (s1 - s0)) * plotW) + 0.5;
      g.beginPath();
      g.moveTo(px, MARGIN.top);
      g.lineTo(px, H - MARGIN.bottom);
      g.stroke();
      g.textAlign = "center";
      g.textBaseline = "top";
      g.fillText(`${fmt(s)} s`, px, H - MARGIN.bottom + 2);
    }
    g.textAlign = "left";
    g.textBaseline = "top";
    g.fillText(`${view.spec.title}${view.spec.unit ? ` (${view.spec.unit})` : ""}`, MARGIN.left + 2, 1);

    // series, clipped to the plot area
    g.save();
    g.beginPath();
    g.rect(MARGIN.left, MARGIN.top, plotW, plotH);
    g.clip();
    g.lineWidth = 1.25;
    for (const l of lines) {
      if (l.n === 0) continue;
      g.strokeStyle = l.color;
      g.beginPath();
      g.moveTo(l.xs[0]!, yOf(l.ys[0]!));
      for (let i = 1; i < l.n; i++) g.lineTo(l.xs[i]!, yOf(l.ys[i]!));
      g.stroke();
    }
    g.restore();

    // hover line (shared), then the playhead cursor on top
    const hover = this.sync.hoverNs;
    if (hover !== null && hover >= from && hover <= to) {
      const hx = Math.round(xOf(hover)) + 0.5;
      g.strokeStyle = HOVER_COLOR;
      g.setLineDash([3, 3]);
      g.beginPath();
      g.moveTo(hx, MARGIN.top);
      g.lineTo(hx, H - MARGIN.bottom);
      g.stroke();
      g.setLineDash([]);
    }
    const cx = Math.round(xOf(t));
    view.cursorX = cx;
    g.fillStyle = CURSOR_COLOR;
    g.fillRect(cx - 1, MARGIN.top, 2, plotH);
  }

  resize(): void {
    this.redraw();
  }

  dispose(): void {
    this.sync.panels.delete(this);
    this.unsubscribe();
  }
}

function fmt(v: number): string {
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e4 || a < 1e-2)) return v.toExponential(1);
  return Number(v.toPrecision(3)).toString();
}

/** Round tick values (1, 2, 5 × 10^k) covering [lo, hi]. */
export function niceTicks(lo: number, hi: number, count: number): number[] {
  if (!(hi > lo) || !Number.isFinite(lo) || !Number.isFinite(hi)) return [];
  const raw = (hi - lo) / Math.max(1, count);
  const p = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw) ?? 10 * p;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9 && out.length < 50; v += step) out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return out;
}

/** Arms from the URDF's moving joints: "left_joint1" → arm "left". */
function armsOf(urdf: string | null): Map<string, string[]> {
  const arms = new Map<string, string[]>();
  if (!urdf) return arms;
  let kin: Kinematics;
  try {
    kin = new Kinematics(urdf);
  } catch {
    return arms;
  }
  for (const j of kin.movingJoints()) {
    const cut = j.indexOf("_");
    const arm = cut > 0 ? j.slice(0, cut) : "arm";
    arms.set(arm, [...(arms.get(arm) ?? []), j]);
  }
  return arms;
}

/** Plot panels for what the episode has. */
export interface PlotPanelSpec {
  id: string;
  title: string;
  charts: ChartSpec[];
  topics?: string[];
}

export function plotSpecs(ctx: PanelContext): PlotPanelSpec[] {
  const ep = ctx.episode;
  const out: PlotPanelSpec[] = [];
  const joints = measuredJointTopic(ep);
  if (joints) {
    const arms = armsOf(ep.urdf);
    const chartsFor = (names: string[]): ChartSpec[] => [
      { title: "position", unit: "rad | m", series: names.map((n) => jointSeries(joints, n, "position")) },
      { title: "velocity", unit: "rad/s | m/s", series: names.map((n) => jointSeries(joints, n, "velocity")) },
    ];
    if (arms.size > 0) for (const [arm, names] of arms) out.push({ id: `plot:joints:${arm}`, title: `Joints · ${arm}`, charts: chartsFor(names), topics: [joints] });
    else {
      // no kinematics in the URDF: the joints named by the joint state at the playhead
      const names = (data: PanelContext["data"], t: bigint) => strings(data.latest(joints, t)?.value["name"] ?? data.range(joints, t, t + 5n * BigInt(NS))[0]?.value["name"]);
      out.push({
        id: "plot:joints",
        title: "Joints",
        topics: [joints],
        charts: [
          { title: "position", unit: "rad | m", series: [], resolve: (d, t) => names(d, t)?.map((n) => jointSeries(joints, n, "position")) },
          { title: "velocity", unit: "rad/s | m/s", series: [], resolve: (d, t) => names(d, t)?.map((n) => jointSeries(joints, n, "velocity")) },
        ],
      });
    }
  }
  const wrenches = topicsOf(ep, "wrench");
  if (wrenches.length) {
    const charts: ChartSpec[] = [];
    for (const t of wrenches) {
      charts.push({ title: `force ${shortName(t)}`, unit: "N", series: ["x", "y", "z"].map((a) => pathSeries(t, `F${a}`, ["wrench", "force", a])) });
      charts.push({ title: `torque ${shortName(t)}`, unit: "N·m", series: ["x", "y", "z"].map((a) => pathSeries(t, `T${a}`, ["wrench", "torque", a])) });
    }
    out.push({ id: "plot:wrench", title: "Force-torque", charts });
  }
  const imus = topicsOf(ep, "imu");
  if (imus.length) {
    const charts: ChartSpec[] = [];
    for (const t of imus) {
      charts.push({ title: `angular velocity ${shortName(t)}`, unit: "rad/s", series: ["x", "y", "z"].map((a) => pathSeries(t, `ω${a}`, ["angular_velocity", a])) });
      charts.push({ title: `linear acceleration ${shortName(t)}`, unit: "m/s²", series: ["x", "y", "z"].map((a) => pathSeries(t, `a${a}`, ["linear_acceleration", a])) });
    }
    out.push({ id: "plot:imu", title: "IMU", charts });
  }
  const tactile = topicsOf(ep, "tactile");
  if (tactile.length) {
    out.push({
      id: "plot:tactile",
      title: "Tactile pressure",
      charts: [{ title: "total pressure", unit: "kPa·taxel", series: tactile.map((t) => ({ key: `${t}:total`, label: shortName(t), topic: t, read: (v: Obj) => tactileTotal(v) })) }],
    });
  }
  return out;
}

export const plotsFactory: PanelFactory = (ctx) => {
  const specs = plotSpecs(ctx);
  if (specs.length === 0) return null;
  const sync = new PlotSync(new PanelSettings(ctx, "plots"));
  return specs.map((s) => new PlotPanel(ctx, s.id, s.title, s.charts, sync, s.topics));
};
