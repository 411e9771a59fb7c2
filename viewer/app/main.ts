// The viewer app's entry: hash routing between the episode browser (#/) and an episode
// (#/episode/<id>) and the record page (#/record); the auth token is taken from the fragment once (api.ts).
import { initToken } from "./api.ts";
import { telemetry } from "./telemetry.ts";
import { mountBrowserPage } from "./ui/browser-page.ts";
import { clear, h } from "./ui/dom.ts";
import { mountEpisodePage } from "./ui/episode-page.ts";
import { mountRecordPage } from "./record/page.ts";

const root = document.getElementById("app")!;
let unmount: (() => void) | null = null;
let routeSeq = 0;

window.addEventListener("error", (ev) => {
  // The browser reports a resize that settles over two frames as an "error"; it is not one.
  if (/ResizeObserver loop/.test(String(ev.message))) return;
  telemetry.pageError(String(ev.message));
});
window.addEventListener("unhandledrejection", (ev) => telemetry.pageError(String(ev.reason instanceof Error ? ev.reason.message : ev.reason)));

async function route(): Promise<void> {
  const seq = ++routeSeq;
  unmount?.();
  unmount = null;
  const m = /^#\/episode\/([^/?#]+)/.exec(location.hash);
  try {
    const u = m ? await mountEpisodePage(root, decodeURIComponent(m[1]!)) : /^#\/record\b/.test(location.hash) ? await mountRecordPage(root) : await mountBrowserPage(root);
    if (seq === routeSeq) unmount = u;
    else u();
  } catch (err) {
    clear(root);
    root.append(h("div", { class: "status-line error", text: `viewer error: ${err instanceof Error ? err.message : String(err)}` }), h("a", { href: "#/", text: "← episodes" }));
  }
}

initToken();
window.addEventListener("hashchange", () => void route());
void route();
