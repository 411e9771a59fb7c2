// Browser side of the panel tests: loads decoded messages (tagged JSON from the test), builds a
// DataSource and PanelContext over them, mounts every panel PANEL_FACTORIES yields and exposes
// them on window.harness for the test to drive. Bundled by the test with esbuild.
import { PANEL_FACTORIES } from "../../../viewer/app/panels/index.ts";
import type { DataSource, DecodedMessage, Panel, PanelContext } from "../../../viewer/app/panels/contract.ts";
import type { EpisodeDetail, ViewerConfig } from "../../../viewer/shared/http-api.ts";
import { reviveTagged } from "./tagged.ts";

interface HarnessData {
  episode: EpisodeDetail;
  messages: Record<string, DecodedMessage[]>;
  agreement: unknown;
}

class MemorySource implements DataSource {
  private readonly listeners = new Set<() => void>();
  constructor(private readonly byTopic: Record<string, DecodedMessage[]>) {}
  private upper(list: readonly DecodedMessage[], t: bigint): number {
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid]!.tNs <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
  latest(topic: string, tNs: bigint): DecodedMessage | undefined {
    const list = this.byTopic[topic] ?? [];
    const i = this.upper(list, tNs);
    return i > 0 ? list[i - 1] : undefined;
  }
  range(topic: string, fromNs: bigint, toNs: bigint): readonly DecodedMessage[] {
    const list = this.byTopic[topic] ?? [];
    return list.slice(this.upper(list, fromNs - 1n), this.upper(list, toNs));
  }
  all(topic: string): readonly DecodedMessage[] {
    return this.byTopic[topic] ?? [];
  }
  onData(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

const config: ViewerConfig = { phaseTypes: [], eventTypes: [], eventTargets: [], failureModes: [], hotkeys: {}, annotator: "test", snapMs: 50 };

export interface Harness {
  panels: Panel[];
  seeks: bigint[];
  settings: Record<string, unknown>;
  render(tNs: bigint): void;
  panel(id: string): Panel | undefined;
  /** Mounts a second set of panels for the same data with another URDF (rendered at t); returns their ids. */
  mountWithUrdf(urdf: string, t: bigint): string[];
  extra(id: string): Panel | undefined;
}

async function main(): Promise<Harness> {
  const raw: unknown = await (await fetch("/data.json")).json();
  const data = reviveTagged(raw) as HarnessData;
  const source = new MemorySource(data.messages);
  const seeks: bigint[] = [];
  let settings: Record<string, unknown> = {};
  const ctx: PanelContext = {
    episode: data.episode,
    config,
    data: source,
    seek: (t) => void seeks.push(t),
    saveSettings: (s) => {
      settings = structuredClone(s);
    },
    loadSettings: () => settings,
    fetchJson: <T,>(path: string): Promise<T> => (path.endsWith("/agreement") ? Promise.resolve(data.agreement as T) : Promise.reject(new Error(`no fixture for ${path}`))),
  };
  const panels = mount(ctx, "main");
  return {
    panels,
    seeks,
    get settings() {
      return settings;
    },
    render: (t) => {
      for (const p of panels) p.render(t);
    },
    panel: (id) => panels.find((p) => p.id === id),
    mountWithUrdf: (urdf, t) => {
      const extra = mount({ ...ctx, episode: { ...ctx.episode, urdf } }, "urdf");
      for (const p of extra) p.render(t);
      return extra.map((p) => p.id);
    },
    extra: (id) => extraPanels.find((p) => p.id === id),
  };
}

const extraPanels: Panel[] = [];

/** Every panel the factories yield for ctx, each in a titled frame of the page's grid. */
function mount(ctx: PanelContext, set: string): Panel[] {
  const panels = PANEL_FACTORIES.flatMap((f) => f(ctx) ?? []);
  if (set !== "main") extraPanels.push(...panels);
  const grid = document.getElementById("grid")!;
  for (const p of panels) {
    const frame = document.createElement("section");
    frame.className = "frame";
    frame.dataset["panel"] = p.id;
    frame.dataset["set"] = set;
    const title = document.createElement("h3");
    title.textContent = p.title;
    p.element.classList.add("body");
    frame.append(title, p.element);
    grid.append(frame);
  }
  for (const p of panels) p.resize();
  return panels;
}

(window as unknown as { harnessReady: Promise<Harness> }).harnessReady = main().then((h) => {
  (window as unknown as { harness: Harness }).harness = h;
  return h;
});
