// Inter-annotator agreement: one row per annotator pair with the phase-boundary mean absolute
// error, event F1 at 50 ms and Cohen's κ on per-frame phase labels (GET /api/episodes/:id/agreement).
// Only offered when the episode has labels from at least two annotators.
import { api, type AgreementPair, type AgreementReport } from "../../shared/http-api.ts";
import type { Panel, PanelContext, PanelFactory } from "./contract.ts";
import { el, panelRoot, toolbar } from "./util/dom.ts";
import { arr, num, obj, str } from "./util/values.ts";

/** Validates the server's answer (the app trusts nothing it did not ask for). */
export function parseAgreement(raw: unknown): AgreementReport {
  const o = obj(raw);
  const annotators = arr(o?.["annotators"])?.filter((a): a is string => typeof a === "string");
  const pairs = arr(o?.["pairs"]);
  if (!annotators || !pairs) throw new Error("agreement: the server's answer has no annotators/pairs");
  const nullableNum = (v: unknown): number | null => (v === null || v === undefined ? null : (num(v) ?? null));
  return {
    annotators,
    pairs: pairs.flatMap((p): AgreementPair[] => {
      const q = obj(p);
      const a = str(q?.["a"]);
      const b = str(q?.["b"]);
      if (!q || !a || !b) return [];
      return [{ a, b, phaseBoundaryMaeMs: nullableNum(q["phaseBoundaryMaeMs"]), eventF1: nullableNum(q["eventF1"]), cohensKappa: nullableNum(q["cohensKappa"]) }];
    }),
  };
}

async function getJson(ctx: PanelContext, path: string): Promise<unknown> {
  if (ctx.fetchJson) return ctx.fetchJson<unknown>(path);
  const r = await fetch(path, { headers: { accept: "application/json" } });
  if (!r.ok) throw new Error(`${path}: HTTP ${r.status}`);
  return r.json();
}

const cell = (text: string, align: "left" | "right" = "right") => {
  const td = el("td", { padding: "3px 8px", textAlign: align, borderBottom: "1px solid rgba(128,128,128,0.25)" }, text);
  return td;
};

export class AgreementPanel implements Panel {
  readonly id = "agreement";
  readonly title = "Annotator agreement";
  readonly element: HTMLElement;
  private readonly body: HTMLElement;
  private readonly status: HTMLElement;
  private loaded: Promise<void> | null = null;
  report: AgreementReport | null = null;

  constructor(private readonly ctx: PanelContext) {
    this.element = panelRoot();
    const bar = toolbar();
    const refresh = el("button", { fontSize: "12px" }, "refresh");
    refresh.addEventListener("click", () => void this.load());
    this.status = el("span", { marginLeft: "8px", opacity: "0.75", fontSize: "11px" });
    bar.append(refresh, this.status);
    this.body = el("div", { flex: "1 1 auto", overflow: "auto", padding: "4px" });
    this.element.append(bar, this.body);
  }

  topics(): readonly string[] {
    return [];
  }

  render(): void {
    this.loaded ??= this.load();
  }

  /** Fetches and shows the report; resolves when the table is drawn. */
  load(): Promise<void> {
    this.status.textContent = "loading…";
    this.loaded = getJson(this.ctx, api.agreement(this.ctx.episode.summary.id))
      .then((raw) => {
        this.report = parseAgreement(raw);
        this.show(this.report);
        this.status.textContent = `${this.report.annotators.length} annotators`;
      })
      .catch((err: unknown) => {
        this.status.textContent = `could not load agreement: ${err instanceof Error ? err.message : String(err)}`;
      });
    return this.loaded;
  }

  private show(report: AgreementReport): void {
    if (report.annotators.length < 2 || report.pairs.length === 0) {
      this.body.replaceChildren(el("div", { opacity: "0.7" }, "Agreement needs labels from at least two annotators."));
      return;
    }
    const table = el("table", { borderCollapse: "collapse", fontSize: "12px", width: "100%" });
    const head = el("tr");
    for (const [h, align] of [["annotators", "left"], ["phase boundary MAE", "right"], ["event F1 @50 ms", "right"], ["Cohen's κ", "right"]] as const) {
      const th = el("th", { padding: "3px 8px", textAlign: align, borderBottom: "1px solid rgba(128,128,128,0.6)", fontWeight: "600" }, h);
      head.append(th);
    }
    table.append(head);
    const f = (v: number | null, digits: number, unit = "") => (v === null || !Number.isFinite(v) ? "—" : `${v.toFixed(digits)}${unit}`);
    for (const p of report.pairs) {
      const tr = el("tr");
      tr.dataset["pair"] = `${p.a}|${p.b}`;
      tr.append(cell(`${p.a} ↔ ${p.b}`, "left"), cell(f(p.phaseBoundaryMaeMs, 1, " ms")), cell(f(p.eventF1, 3)), cell(f(p.cohensKappa, 3)));
      table.append(tr);
    }
    this.body.replaceChildren(table);
  }

  resize(): void {}
  dispose(): void {}
}

export const agreementFactory: PanelFactory = (ctx) => (ctx.episode.summary.labels.annotators.length >= 2 ? [new AgreementPanel(ctx)] : null);
