// The episode browser: every episode of the library with task, operator, date, duration,
// outcome, QA and label status; a search box and filters; a row opens the episode.
import { api, type EpisodeSummary } from "../../shared/http-api.ts";
import { getJson } from "../api.ts";
import { clear, h } from "./dom.ts";

export async function mountBrowserPage(root: HTMLElement): Promise<() => void> {
  clear(root);
  const status = h("div", { class: "status-line", text: "loading episodes…" });
  root.append(h("header", { class: "topbar" }, h("h1", { text: "teledemo — episodes" }), h("span", { class: "spacer" }), h("a", { href: "#/record", id: "record-link", text: "record ●" })), status);
  let episodes: EpisodeSummary[];
  try {
    episodes = await getJson<EpisodeSummary[]>(api.episodes());
  } catch (err) {
    status.textContent = `could not load the episode list: ${err instanceof Error ? err.message : String(err)}`;
    status.classList.add("error");
    return () => undefined;
  }
  // the user may have left for another page while the list loaded: that page owns root now
  if (!status.isConnected) return () => undefined;
  status.remove();

  const search = h("input", { type: "search", placeholder: "search task, operator, id, flags…", "aria-label": "search", id: "episode-search" });
  const select = (label: string, id: string, values: string[]): HTMLSelectElement =>
    h("select", { "aria-label": label, id }, h("option", { value: "", text: `${label}: all` }), ...values.map((v) => h("option", { value: v, text: v })));
  const uniq = (xs: string[]): string[] => [...new Set(xs)].sort();
  const outcome = select("outcome", "filter-outcome", uniq(episodes.map((e) => e.outcome)));
  const qa = select("QA", "filter-qa", ["pass", "warn", "fail", "none"]);
  const labels = select("labels", "filter-labels", ["none", "in_progress", "accepted", "rejected"]);
  const count = h("span", { class: "muted" });
  const tbody = h("tbody");
  const table = h(
    "table",
    { class: "episodes", id: "episodes" },
    h("thead", {}, h("tr", {}, ...["episode", "task", "operator", "date", "duration", "outcome", "QA", "labels"].map((c) => h("th", { text: c })))),
    tbody,
  );
  root.append(h("div", { class: "filters" }, search, outcome, qa, labels, count), h("div", { class: "table-wrap" }, table));

  const render = (): void => {
    const q = search.value.trim().toLowerCase();
    const rows = episodes.filter((e) => {
      if (outcome.value && e.outcome !== outcome.value) return false;
      if (qa.value && (e.qa?.status ?? "none") !== qa.value) return false;
      if (labels.value && e.labels.status !== labels.value) return false;
      if (!q) return true;
      const hay = [e.id, e.task, e.operator, e.profile, e.outcome, ...e.flags, ...(e.qa?.reasons ?? []), ...e.labels.annotators].join(" ").toLowerCase();
      return q.split(/\s+/).every((w) => hay.includes(w));
    });
    clear(tbody);
    for (const e of rows) {
      const qaCell = h("td", { class: `qa qa-${e.qa?.status ?? "none"}`, text: e.qa ? e.qa.status : "—" });
      if (e.qa && e.qa.reasons.length > 0) qaCell.title = e.qa.reasons.join("\n");
      const qaReasons = e.qa && e.qa.reasons.length > 0 ? h("div", { class: "muted small", text: e.qa.reasons.join("; ") }) : null;
      if (qaReasons) qaCell.append(qaReasons);
      const date = Number.isNaN(Date.parse(e.start)) ? e.start : new Date(e.start).toISOString().replace("T", " ").slice(0, 19);
      const tr = h(
        "tr",
        { class: "episode-row", "data-id": e.id, tabindex: 0 },
        h("td", {}, h("a", { href: `#/episode/${encodeURIComponent(e.id)}`, text: e.id })),
        h("td", { text: e.task || "—" }),
        h("td", { text: e.operator || "—" }),
        h("td", { text: date }),
        h("td", { class: "num", text: `${e.durationS.toFixed(1)} s` }),
        h("td", { class: `outcome outcome-${e.outcome}`, text: e.outcome }),
        qaCell,
        h("td", { class: `labels labels-${e.labels.status}`, text: e.labels.status.replace("_", " ") + (e.labels.annotators.length ? ` (${e.labels.annotators.join(", ")})` : "") }),
      );
      tr.addEventListener("click", (ev) => {
        if ((ev.target as HTMLElement).tagName !== "A") location.hash = `#/episode/${encodeURIComponent(e.id)}`;
      });
      tr.addEventListener("keydown", (ev) => {
        if (ev.key === "Enter") location.hash = `#/episode/${encodeURIComponent(e.id)}`;
      });
      tbody.append(tr);
    }
    count.textContent = `${rows.length} of ${episodes.length} episodes`;
  };
  for (const el of [search, outcome, qa, labels]) el.addEventListener("input", render);
  render();
  search.focus();
  return () => undefined;
}
