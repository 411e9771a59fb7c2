// The record page (#/record): while `teledemo record --control-port N --out <this library>` runs,
// the page talks to the recorder's ws control API through the viewer server's relay
// (/api/record/ws): the session state, the open episode and its elapsed time, live stream health,
// the episode controls and a log of the recorder's events. With no recorder running it says how
// to start one and looks again every few seconds; a dropped connection is re-established the same way.
import { api, type RecordEndpoint } from "../../shared/http-api.ts";
import { currentToken, getJson } from "../api.ts";
import { clear, fmtSeconds, h } from "../ui/dom.ts";
import { HealthView } from "./health-view.ts";
import { actionsFor, describeEvent, parseIncoming, type Broadcast, type RecordAction, type Reply } from "./protocol.ts";

const RETRY_MS = 2000;
const LOG_LINES = 200;

const BUTTONS: Array<{ action: RecordAction; label: string; title: string; cls?: string }> = [
  { action: "start", label: "start / next episode", title: "open the next episode now (between episodes: without waiting out the reset time)", cls: "primary" },
  { action: "stop", label: "stop & save", title: "close the open episode and keep it; the next one starts after the reset time" },
  { action: "mark_success", label: "mark success", title: "mark the open episode's grasp outcome as success" },
  { action: "mark_failure", label: "mark failure", title: "mark the open episode's grasp outcome as failure" },
  { action: "pause", label: "pause", title: "stop storing messages without ending the episode" },
  { action: "resume", label: "resume", title: "store messages again" },
  { action: "discard", label: "discard", title: "drop the open episode; the next one records it again" },
  { action: "shutdown", label: "end session", title: "close the open episode and stop the recorder" },
];

function wsUrl(): string {
  const u = new URL(api.recordWs(), location.href);
  u.protocol = location.protocol === "https:" ? "wss:" : "ws:";
  const token = currentToken();
  if (token) u.searchParams.set("token", token);
  return u.toString();
}

export async function mountRecordPage(root: HTMLElement): Promise<() => void> {
  clear(root);
  let disposed = false;
  let socket: WebSocket | null = null;
  let retry: ReturnType<typeof setTimeout> | undefined;
  let nextId = 1;
  let state = "disconnected";

  const conn = h("span", { class: "record-conn", id: "record-conn", text: "connecting…" });
  const stateEl = h("span", { class: "record-state", id: "record-state", text: "—" });
  const episodeEl = h("span", { id: "record-episode", text: "—" });
  const elapsedEl = h("span", { id: "record-elapsed", text: "—" });
  const message = h("div", { class: "status-line", id: "record-message" });
  const buttons = new Map<RecordAction, HTMLButtonElement>();
  for (const b of BUTTONS) {
    const el = h("button", { type: "button", class: b.cls, title: b.title, "data-action": b.action, text: b.label, disabled: true });
    el.addEventListener("click", () => send(b.action));
    buttons.set(b.action, el);
  }
  const health = new HealthView();
  const log = h("ol", { class: "record-log", id: "record-log" });

  root.append(
    h("header", { class: "topbar" }, h("a", { href: "#/", text: "← episodes" }), h("h1", { text: "teledemo — record" }), h("span", { class: "spacer" }), conn),
    message,
    h(
      "section",
      { class: "record-section record-status" },
      h("dl", {}, h("dt", { text: "state" }), h("dd", {}, stateEl), h("dt", { text: "episode" }), h("dd", {}, episodeEl), h("dt", { text: "elapsed" }), h("dd", {}, elapsedEl)),
      h("div", { class: "record-controls", id: "record-controls" }, ...buttons.values()),
    ),
    health.el,
    h("section", { class: "record-section" }, h("h2", { text: "events" }), log),
  );

  const setMessage = (text: string, error = false): void => {
    message.textContent = text;
    message.hidden = text === "";
    message.classList.toggle("error", error);
  };

  const addLog = (text: string): void => {
    const time = new Date().toISOString().slice(11, 19);
    log.prepend(h("li", { text: `${time}  ${text}` }));
    while (log.children.length > LOG_LINES) log.lastElementChild?.remove();
  };

  const apply = (m: Reply | Broadcast): void => {
    if (m.state !== undefined) state = m.state;
    stateEl.textContent = state;
    stateEl.className = `record-state state-${state}`;
    root.dataset.recordState = state;
    if (m.episode !== undefined) episodeEl.textContent = m.episode > 0 ? `#${m.episode}` : "—";
    if (m.elapsedS !== undefined && m.elapsedS !== null) elapsedEl.textContent = `${fmtSeconds(m.elapsedS)}${state === "resetting" ? " (reset)" : ""}`;
    if (m.health) health.update(m.health);
    const allowed = actionsFor(state);
    for (const [action, el] of buttons) el.disabled = socket?.readyState !== WebSocket.OPEN || !allowed.has(action);
  };

  const disableAll = (): void => {
    for (const el of buttons.values()) el.disabled = true;
  };

  function send(action: RecordAction): void {
    if (!socket || socket.readyState !== WebSocket.OPEN) return;
    if (action === "shutdown" && !window.confirm("End the recording session? The open episode is closed and the recorder exits.")) return;
    if (action !== "status") addLog(`→ ${action.replace(/_/g, " ")}`);
    socket.send(JSON.stringify({ id: nextId++, action }));
  }

  const scheduleRetry = (): void => {
    if (disposed || retry !== undefined) return;
    retry = setTimeout(() => {
      retry = undefined;
      void connect();
    }, RETRY_MS);
  };

  async function connect(): Promise<void> {
    if (disposed) return;
    let endpoint: RecordEndpoint;
    try {
      endpoint = await getJson<RecordEndpoint>(api.record());
    } catch (err) {
      conn.textContent = "viewer unreachable";
      setMessage(`could not ask the viewer for a running recorder: ${err instanceof Error ? err.message : String(err)}`, true);
      scheduleRetry();
      return;
    }
    if (disposed) return;
    if (!endpoint.running) {
      conn.textContent = "no recorder";
      root.dataset.recordState = "none";
      disableAll();
      setMessage("No recorder is running for this library. Start one with: teledemo record --out <this library> --control-port 0 (the page connects by itself).");
      scheduleRetry();
      return;
    }
    const ws = new WebSocket(wsUrl());
    socket = ws;
    conn.textContent = `connecting to the recorder (port ${endpoint.port ?? "?"})…`;
    ws.addEventListener("open", () => {
      if (disposed) return ws.close();
      conn.textContent = `connected · control port ${endpoint.port ?? "?"}`;
      setMessage("");
      addLog("connected to the recorder");
      send("status");
    });
    ws.addEventListener("message", (ev) => {
      const incoming = parseIncoming(typeof ev.data === "string" ? ev.data : "");
      if (incoming.type === "invalid") return addLog(incoming.error);
      if (incoming.type === "broadcast") {
        if (incoming.broadcast.event.kind !== "health") addLog(describeEvent(incoming.broadcast.event));
        return apply(incoming.broadcast);
      }
      if (!incoming.reply.ok) addLog(`refused: ${incoming.reply.error ?? "unknown error"}`);
      apply(incoming.reply);
    });
    ws.addEventListener("close", (ev) => {
      if (socket === ws) socket = null;
      disableAll();
      if (disposed) return;
      conn.textContent = "disconnected";
      addLog(`connection closed${ev.reason ? `: ${ev.reason}` : ""}`);
      scheduleRetry();
    });
  }

  await connect();
  return () => {
    disposed = true;
    if (retry !== undefined) clearTimeout(retry);
    socket?.close();
  };
}
