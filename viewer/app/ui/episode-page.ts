// The episode page: panels fed by the data worker, the transport (play/pause, speed, frame and
// second steps), the timeline with label and suggestion tracks, keyboard-first labeling with
// undo/redo and autosave, and the conflict banner when someone else saved first.
import { PANEL_FACTORIES } from "teledemo:panels";
import { emptyLabelsContent, type LabelsFile } from "../../../recorder/labels/schema.ts";
import { api, type EpisodeDetail, type Suggestions, type ViewerConfig } from "../../shared/http-api.ts";
import { authHeaders, getJson, HttpError } from "../api.ts";
import { DataWorkerClient } from "../data/client.ts";
import { Loader } from "../data/loader.ts";
import { MessageStore } from "../data/store.ts";
import { Autosave, type SaveStatus } from "../labels/autosave.ts";
import {
  acceptSuggestion,
  addContactEvent,
  adjacentEventTime,
  choosePhaseType,
  deleteSelected,
  LabelsEditor,
  mergeContent,
  nearestSuggestion,
  rejectSuggestion,
  setPhaseEnd,
  setPhaseStart,
  snap,
} from "../labels/editor.ts";
import type { Panel, PanelContext } from "../panels/contract.ts";
import { Playback, SPEEDS } from "../playback/playback.ts";
import { telemetry } from "../telemetry.ts";
import { clear, fmtSeconds, h } from "./dom.ts";
import { Hotkeys } from "./hotkeys.ts";
import { PanelGrid } from "./layout.ts";
import { LabelsForm } from "./labels-form.ts";
import { Timeline } from "./timeline.ts";

const ANNOTATOR_KEY = "teledemo.annotator";
const NAME_RE = /^[A-Za-z0-9_-]{1,64}$/;
const HEAVY_SCHEMAS = /(^|\/)(Image|CompressedImage|PointCloud2|RawImage|CompressedVideo|PointCloud)$/;

async function optional<T>(p: Promise<T>): Promise<T | null> {
  try {
    return await p;
  } catch {
    return null;
  }
}

export async function mountEpisodePage(root: HTMLElement, id: string): Promise<() => void> {
  clear(root);
  const t0 = performance.now();
  telemetry.reset(id);
  const status = h("div", { class: "status-line", text: "opening episode…" });
  root.append(status);
  let config: ViewerConfig;
  let episode: EpisodeDetail;
  try {
    [config, episode] = await Promise.all([getJson<ViewerConfig>(api.config()), getJson<EpisodeDetail>(api.episode(id))]);
  } catch (err) {
    status.textContent = `could not open episode ${id}: ${err instanceof Error ? err.message : String(err)}`;
    status.classList.add("error");
    root.prepend(h("header", { class: "topbar" }, h("a", { href: "#/", class: "back", text: "← episodes" })));
    return () => undefined;
  }
  telemetry.mark("detail");
  const startNs = BigInt(episode.startNs);
  const endNs = BigInt(episode.endNs) > startNs ? BigInt(episode.endNs) : startNs + 1n;
  const disposers: Array<() => void> = [];

  // ---- labels ----
  const savedName = localStorage.getItem(ANNOTATOR_KEY);
  let annotator = savedName && NAME_RE.test(savedName) ? savedName : config.annotator;
  const suggestionsP = optional(getJson<Suggestions>(api.suggestions(id)));
  const loadLabels = async (name: string): Promise<LabelsFile | null> => {
    try {
      return await getJson<LabelsFile>(api.labels(id, name));
    } catch (err) {
      if (err instanceof HttpError && err.status === 404) return null;
      throw err;
    }
  };
  const [labelsFile, annotatorList] = await Promise.all([loadLabels(annotator), optional(getJson<{ annotators: string[] }>(api.labelsList(id)))]);
  let suggestions: Suggestions | null = null;
  const editor = new LabelsEditor(labelsFile?.content ?? emptyLabelsContent(episode.summary.task), config.phaseTypes.map((p) => p.name));
  let autosave = new Autosave(id, annotator, editor, labelsFile?.revision ?? 0);

  // ---- data ----
  const client = new DataWorkerClient();
  disposers.push(() => client.terminate());
  const store = new MessageStore();
  const problems = h("div", { class: "problems", id: "problems" });
  const addProblem = (text: string): void => {
    if (Array.from(problems.children).some((c) => c.textContent === text)) return;
    problems.append(h("div", { class: "problem", text }));
    telemetry.event("problem", text);
  };
  const opened = await client
    .request({ kind: "open", files: episode.files.filter((f) => /\.mcap$/i.test(f.name)).map((f) => ({ url: f.url, bytes: f.bytes })), alignment: episode.alignment, token: authHeaders().Authorization?.slice(7) ?? null }, "opened")
    .catch((err: unknown) => {
      addProblem(`could not read the recording: ${err instanceof Error ? err.message : String(err)}`);
      return null;
    });
  telemetry.mark("workerOpened");
  status.remove();
  for (const p of opened?.problems ?? []) addProblem(p);
  for (const t of opened?.topics ?? []) if (t.unsupported) addProblem(`${t.topic}: ${t.unsupported}`);

  const kindOf = new Map(episode.streams.map((s) => [s.topic, s.kind]));
  const schemaOf = new Map((opened?.topics ?? []).map((t) => [t.topic, t.schema]));
  const isHeavy = (topic: string): boolean => {
    const k = kindOf.get(topic);
    return k === "image" || k === "pointcloud" || HEAVY_SCHEMAS.test(schemaOf.get(topic) ?? "");
  };
  const loader = new Loader(client, store, startNs, endNs, isHeavy, { onError: addProblem });
  // Small topics (tf_static, calibration, static camera_info) are loaded whole, before panels draw.
  const small = (opened?.topics ?? []).filter((t) => !t.unsupported && t.messageCount > 0 && t.messageCount <= 64).map((t) => t.topic);
  await loader.loadAll(small).catch((err: unknown) => addProblem(`loading ${small.join(", ")}: ${err instanceof Error ? err.message : String(err)}`));
  telemetry.mark("smallTopics");

  // ---- panels ----
  const settingsKey = (i: number): string => `teledemo.panel-settings.${episode.summary.profile || "default"}.${i}`;
  const panels: Panel[] = [];
  PANEL_FACTORIES.forEach((factory, i) => {
    const ctx: PanelContext = {
      episode,
      config,
      data: store,
      seek: (t) => playback.seek(t),
      saveSettings: (s) => localStorage.setItem(settingsKey(i), JSON.stringify(s)),
      loadSettings: () => {
        try {
          const v: unknown = JSON.parse(localStorage.getItem(settingsKey(i)) ?? "{}");
          return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
        } catch {
          return {};
        }
      },
    };
    try {
      const made = factory(ctx);
      if (made) panels.push(...made);
    } catch (err) {
      addProblem(`a panel could not be created: ${err instanceof Error ? err.message : String(err)}`);
    }
  });
  disposers.push(() => {
    for (const p of panels) {
      try {
        p.dispose();
      } catch {
        /* disposing a broken panel must not stop the others */
      }
    }
  });
  const grid = new PanelGrid(panels, `teledemo.layout.v1.${episode.summary.profile || "default"}`);
  const visibleTopics = (): string[] => {
    const out = new Set<string>();
    for (const p of grid.visiblePanels()) for (const t of p.topics()) out.add(t);
    return [...out];
  };

  // ---- playback ----
  const stepPeriod = (): { topic: string | null; periodNs: bigint } => {
    const images = episode.streams.filter((s) => s.kind === "image" && s.messageCount > 1);
    const head = images.find((s) => /head/.test(s.topic) && /color|rgb|image_raw/.test(s.topic)) ?? [...images].sort((a, b) => b.messageCount - a.messageCount)[0];
    if (head) return { topic: head.topic, periodNs: head.periodNs ? BigInt(head.periodNs) : BigInt(Math.round(Number(endNs - startNs) / head.messageCount)) };
    return { topic: null, periodNs: 33_333_333n };
  };
  const pivot = stepPeriod();
  const playback = new Playback(startNs, endNs, (t, dir) => {
    if (pivot.topic) {
      // The pivot camera's next/previous frame when loaded, else one period.
      const m = dir > 0 ? store.next(pivot.topic, t) : store.latest(pivot.topic, t - 1n);
      if (m && (dir > 0 ? m.tNs - t : t - m.tNs) <= pivot.periodNs * 2n) return m.tNs;
    }
    return t + BigInt(dir) * pivot.periodNs;
  });
  disposers.push(() => playback.dispose());

  // ---- header / transport ----
  const playBtn = h("button", { id: "play", class: "primary", text: "▶ play" });
  const speed = h("select", { id: "speed", "aria-label": "speed" }, ...SPEEDS.map((s) => h("option", { value: String(s), text: `${s}×` })));
  speed.value = "1";
  const timeLabel = h("span", { class: "time", id: "time" });
  const saveLabel = h("span", { class: "save-status", id: "save-status" });
  const annotatorInput = h("input", { id: "annotator", list: "annotators", value: annotator, size: 12, "aria-label": "annotator" });
  const datalist = h("datalist", { id: "annotators" }, ...[...new Set([config.annotator, ...(annotatorList?.annotators ?? [])])].map((a) => h("option", { value: a })));
  const hotkeys = new Hotkeys(config.hotkeys);
  const help = h(
    "details",
    { class: "help" },
    h("summary", { text: "keys" }),
    h(
      "div",
      { class: "muted small" },
      `${hotkeys.keyOf("play_pause")} play/pause · ←/→ frame · shift+←/→ 1 s · [ ] phase start/end · ${config.phaseTypes.map((p) => `${p.hotkey} ${p.name}`).join(", ")} · ${hotkeys.keyOf("add_contact")} contact · Enter accept suggestion · x reject · Delete remove · ctrl+z / ctrl+shift+z undo/redo · n/p next/previous event`,
    ),
  );
  const banner = h("div", { class: "banner", id: "conflict-banner", hidden: true });
  const header = h(
    "header",
    { class: "topbar" },
    h("a", { href: "#/", class: "back", text: "← episodes" }),
    h("h1", { text: `${episode.summary.task || "episode"}`, title: id }),
    h("span", { class: "muted small", text: id }),
    h("span", { class: "spacer" }),
    h("label", { class: "small" }, "annotator ", annotatorInput, datalist),
    saveLabel,
    grid.menu,
  );
  const transport = h("div", { class: "transport" }, playBtn, speed, timeLabel, help);
  const form = new LabelsForm(editor, config, startNs);
  const phaseColors = new Map(config.phaseTypes.map((p) => [p.name, p.color]));
  const timeline = new Timeline(
    {
      startNs,
      endNs,
      content: () => editor.content,
      suggestions: () => suggestions,
      selection: () => editor.selection,
      phaseColor: (t) => phaseColors.get(t) ?? "#9e9e9e",
    },
    {
      seek: (t) => playback.seek(t),
      select: (sel) => editor.select(sel),
      accept: (s) => acceptSuggestion(editor, s),
    },
  );
  root.append(header, banner, problems, h("main", { class: "episode-main" }, grid.element, h("aside", { class: "sidebar" }, form.element)), h("footer", { class: "bottom" }, transport, timeline.element));

  // ---- rendering ----
  let renderScheduled = false;
  let firstFrameDone = false;
  const renderPanels = (t: bigint): void => {
    for (const p of grid.visiblePanels()) {
      try {
        p.render(t);
      } catch (err) {
        addProblem(`panel ${p.title}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  };
  const renderAll = (): void => {
    renderScheduled = false;
    const t = playback.tNs;
    renderPanels(t);
    timeline.render(t);
    timeLabel.textContent = `${fmtSeconds(Number(t - startNs) / 1e9)} / ${fmtSeconds(Number(endNs - startNs) / 1e9)}`;
    telemetry.frame();
  };
  const scheduleRender = (): void => {
    if (renderScheduled) return;
    renderScheduled = true;
    requestAnimationFrame(renderAll);
  };
  disposers.push(store.onData(scheduleRender));
  let lastSeek: Promise<void> = Promise.resolve();
  playback.on((s, reason) => {
    playBtn.textContent = s.playing ? "❚❚ pause" : "▶ play";
    if (reason === "seek") {
      const started = performance.now();
      lastSeek = loader.seek(s.tNs).then(() => {
        // Draw synchronously once the latest-before data is in: that frame is the seek's result.
        renderAll();
        telemetry.seekDone(performance.now() - started);
      });
    } else if (reason === "tick") loader.tick(s.tNs);
    scheduleRender();
  });
  grid.onChange(() => {
    void loader.setVisibleTopics(visibleTopics());
    scheduleRender();
  });
  playBtn.addEventListener("click", () => playback.toggle());
  speed.addEventListener("change", () => playback.setSpeed(Number(speed.value)));

  // ---- labels wiring ----
  const showSave = (s: SaveStatus): void => {
    saveLabel.className = `save-status save-${s.state}`;
    saveLabel.textContent =
      s.state === "saved" ? (s.revision > 0 ? `saved (rev ${s.revision})` : "no labels yet") : s.state === "dirty" ? "unsaved changes" : s.state === "saving" ? "saving…" : s.state === "conflict" ? "not saved: conflict" : `save failed: ${s.message}`;
    telemetry.event("save", s.state === "saved" ? `saved ${s.revision}` : s.state);
    if (s.state === "conflict") showConflict(s.theirs);
  };
  const wireAutosave = (): void => {
    autosave.on(showSave);
    showSave(autosave.status);
  };
  wireAutosave();
  const showConflict = (theirs: LabelsFile): void => {
    clear(banner);
    banner.hidden = false;
    const last = theirs.history[theirs.history.length - 1];
    const reload = h("button", { id: "conflict-reload", text: "Reload theirs (drop my unsaved edits)" });
    const merge = h("button", { id: "conflict-merge", class: "primary", text: "Merge: theirs + my new labels, then save" });
    banner.append(
      h("strong", { text: `Not saved: the labels of ${theirs.annotator} were saved elsewhere (revision ${theirs.revision}${last ? `, ${last.at}: ${last.changes.slice(0, 3).join(", ")}` : ""}). ` }),
      h("span", { text: `Their version has ${theirs.content.phases.length} phases and ${theirs.content.events.length} events; yours has ${editor.content.phases.length} phases and ${editor.content.events.length} events. Nothing was overwritten.` }),
      reload,
      merge,
    );
    reload.addEventListener("click", () => {
      editor.load(theirs.content);
      autosave.rebase(theirs.revision, false);
      banner.hidden = true;
    });
    merge.addEventListener("click", () => {
      const merged = mergeContent(editor.content, theirs.content);
      editor.load(merged);
      banner.hidden = true;
      autosave.status = { state: "dirty" };
      autosave.rebase(theirs.revision, true);
    });
  };
  editor.on((reason, description) => {
    form.refresh();
    scheduleRender();
    if (reason !== "select") telemetry.event("label", `${reason}: ${description}`);
  });
  annotatorInput.addEventListener("change", () => {
    const name = annotatorInput.value.trim();
    if (!NAME_RE.test(name)) {
      annotatorInput.setCustomValidity("letters, digits, _ and -");
      annotatorInput.reportValidity();
      return;
    }
    annotatorInput.setCustomValidity("");
    void (async () => {
      await autosave.flush();
      const file = await loadLabels(name);
      annotator = name;
      localStorage.setItem(ANNOTATOR_KEY, name);
      editor.load(file?.content ?? emptyLabelsContent(episode.summary.task));
      autosave = new Autosave(id, annotator, editor, file?.revision ?? 0);
      wireAutosave();
      banner.hidden = true;
    })();
  });

  const onKey = (ev: KeyboardEvent): void => {
    const target = ev.target as HTMLElement | null;
    const typing = target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA" || target.tagName === "SELECT" || target.isContentEditable);
    if (typing) {
      if (ev.key === "Escape") target.blur();
      return;
    }
    const phase = config.phaseTypes.find((p) => p.hotkey === ev.key);
    if (phase && !ev.ctrlKey && !ev.metaKey && !ev.altKey) {
      choosePhaseType(editor, phase.name);
      ev.preventDefault();
      return;
    }
    if (ev.key === "Escape") {
      editor.select(null);
      return;
    }
    const action = hotkeys.action(ev);
    if (!action) return;
    ev.preventDefault();
    const t = playback.tNs;
    const snapped = (): bigint => snap(t, suggestions, config.snapMs);
    switch (action) {
      case "play_pause":
        playback.toggle();
        break;
      case "frame_back":
        playback.step(-1);
        break;
      case "frame_forward":
        playback.step(1);
        break;
      case "second_back":
        playback.stepSeconds(-1);
        break;
      case "second_forward":
        playback.stepSeconds(1);
        break;
      case "phase_start":
        setPhaseStart(editor, snapped());
        break;
      case "phase_end":
        setPhaseEnd(editor, snapped(), startNs);
        break;
      case "add_contact":
        addContactEvent(editor, t, suggestions, config.eventTargets);
        break;
      case "accept_suggestion": {
        const s = nearestSuggestion(editor.content, suggestions, t);
        if (s) acceptSuggestion(editor, s);
        break;
      }
      case "reject_suggestion": {
        const s = nearestSuggestion(editor.content, suggestions, t);
        if (s) rejectSuggestion(editor, s);
        break;
      }
      case "delete":
        deleteSelected(editor);
        break;
      case "undo":
        editor.undo();
        break;
      case "redo":
        editor.redo();
        break;
      case "next_event":
      case "previous_event": {
        const next = adjacentEventTime(editor.content, suggestions, t, action === "next_event" ? 1 : -1);
        if (next !== null) playback.seek(next);
        break;
      }
    }
  };
  document.addEventListener("keydown", onKey);
  disposers.push(() => document.removeEventListener("keydown", onKey));
  const beforeUnload = (ev: BeforeUnloadEvent): void => {
    if (autosave.dirty) {
      void autosave.flush();
      ev.preventDefault();
    }
  };
  window.addEventListener("beforeunload", beforeUnload);
  disposers.push(() => window.removeEventListener("beforeunload", beforeUnload));

  // ---- first frame ----
  await loader.setVisibleTopics(visibleTopics()); // the first seek: latest-before at the start
  renderAll();
  firstFrameDone = true;
  telemetry.firstFrame(performance.now() - t0, grid.visiblePanels().map((p) => p.id));
  void suggestionsP.then((s) => {
    suggestions = s;
    if (!s) addProblem("suggestions are not available for this episode");
    telemetry.mark("suggestions");
    scheduleRender();
  });
  telemetry.attach({
    seek: async (seconds: number) => {
      const started = performance.now();
      playback.pause();
      playback.seek(startNs + BigInt(Math.round(seconds * 1e9)));
      await lastSeek;
      return performance.now() - started;
    },
    // Every topic, or (argument true) only what the panels show, over the whole episode.
    decodeAll: (visibleOnly?: unknown) => client.request({ kind: "decodeAll", topics: visibleOnly === true ? visibleTopics() : undefined }, "decodedAll"),
    stats: () => client.request({ kind: "stats" }, "stats"),
    playhead: () => Number(playback.tNs - startNs) / 1e9,
    labels: () => editor.content,
    flush: () => autosave.flush(),
    topics: () => opened?.topics ?? [],
    visibleTopics,
    panels: () => grid.visiblePanels().map((p) => ({ id: p.id, title: p.title, topics: [...p.topics()] })),
    problems: () => Array.from(problems.children).map((c) => c.textContent ?? ""),
    firstFrameDone: () => firstFrameDone,
  });
  return () => {
    void autosave.flush();
    for (const d of disposers.reverse()) d();
  };
}
