// The record page's stream health table: one row per topic of the open episode — rate against
// the profile's expected rate, messages, gaps, receive latency p50/p95/p99 and the status the
// recorder computed (ok / under_rate / silent). Rows are keyed by topic and updated in place so
// the table does not flicker at the recorder's 1 Hz health broadcasts.
import { clear, h } from "../ui/dom.ts";
import type { StreamHealth } from "./protocol.ts";

const COLUMNS = ["topic", "rate (Hz)", "expected", "of expected", "messages", "gaps", "latency p50 / p95 / p99 (ms)", "status"];

function fmtHz(x: number | null | undefined): string {
  if (x === null || x === undefined) return "—";
  return x >= 100 ? x.toFixed(0) : x.toFixed(1);
}

function fmtMs(x: number): string {
  return x >= 100 ? x.toFixed(0) : x.toFixed(1);
}

function cells(s: StreamHealth): string[] {
  const ratio = s.expectedHz ? `${Math.round((100 * s.rateHz) / s.expectedHz)} %` : "—";
  const lat = s.latencyMs ? `${fmtMs(s.latencyMs.p50)} / ${fmtMs(s.latencyMs.p95)} / ${fmtMs(s.latencyMs.p99)}` : "—";
  // an expected rate of 0 is a latched topic (/tf_static): published once, no rate to meet
  const expected = s.expectedHz === 0 ? "latched" : fmtHz(s.expectedHz);
  return [s.topic, fmtHz(s.rateHz), expected, ratio, String(s.messages), String(s.gaps), lat, s.status.replace(/_/g, " ")];
}

export class HealthView {
  readonly el: HTMLElement;
  private readonly tbody = h("tbody");
  private readonly empty = h("div", { class: "muted record-empty", text: "no episode open: stream health appears while an episode records" });
  private readonly rows = new Map<string, HTMLTableRowElement>();
  private readonly wrap: HTMLElement;

  constructor() {
    const table = h("table", { class: "episodes record-health", id: "record-health" }, h("thead", {}, h("tr", {}, ...COLUMNS.map((c) => h("th", { text: c })))), this.tbody);
    this.wrap = h("div", { class: "table-wrap" }, table);
    this.wrap.hidden = true;
    this.el = h("section", { class: "record-section" }, h("h2", { text: "stream health" }), this.empty, this.wrap);
  }

  update(health: readonly StreamHealth[]): void {
    this.empty.hidden = health.length > 0;
    this.wrap.hidden = health.length === 0;
    const seen = new Set<string>();
    for (const s of [...health].sort((a, b) => a.topic.localeCompare(b.topic))) {
      seen.add(s.topic);
      let tr = this.rows.get(s.topic);
      if (!tr) {
        tr = h("tr", { class: "health-row", "data-topic": s.topic });
        this.rows.set(s.topic, tr);
      }
      this.tbody.append(tr); // keeps the sorted order
      const values = cells(s);
      if (tr.children.length !== values.length) {
        clear(tr);
        for (let i = 0; i < values.length; i++) tr.append(h("td"));
      }
      values.forEach((v, i) => {
        const td = tr.children[i] as HTMLTableCellElement;
        if (td.textContent !== v) td.textContent = v;
      });
      tr.className = `health-row health-${s.status}`;
      tr.dataset.messages = String(s.messages);
    }
    for (const [topic, tr] of this.rows) {
      if (seen.has(topic)) continue;
      tr.remove();
      this.rows.delete(topic);
    }
  }
}
