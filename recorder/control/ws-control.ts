// A small JSON control API over WebSocket for the episode workflow (the viewer's record page will
// use it). Requests: {"id"?: any, "action": "start"|"stop"|"discard"|"mark_success"|"mark_failure"|
// "pause"|"resume"|"shutdown"|"status"}. Each gets {"id", "ok", "state", "episode", "error"?}.
// Every controller event is broadcast as {"event": {...}, "state", "episode", "elapsedS", "health"}
// where health is the open episode's per-stream live health (recorder/health/stream-health.ts
// LiveStreamHealth[]: rate vs expected, gaps, latency percentiles, status); while an episode
// records, {"event": {"kind": "health"}, ...} is broadcast every `healthIntervalMs` (default 1 s).
import { WebSocketServer, type WebSocket } from "ws";
import type { ControllerEvent, EpisodeController } from "../episode/controller.ts";

export const WS_ACTIONS = ["start", "stop", "discard", "mark_success", "mark_failure", "pause", "resume", "shutdown", "status"] as const;
export type WsAction = (typeof WS_ACTIONS)[number];

export interface WsControl {
  readonly port: number;
  close(): Promise<void>;
}

export async function startWsControl(controller: EpisodeController, options: { port: number; host?: string; healthIntervalMs?: number }): Promise<WsControl> {
  const server = new WebSocketServer({ port: options.port, host: options.host ?? "127.0.0.1" });
  await new Promise<void>((resolve, reject) => {
    server.once("listening", () => resolve());
    server.once("error", reject);
  });
  const clients = new Set<WebSocket>();
  const status = () => ({ state: controller.state, episode: controller.episodeIndex, elapsedS: controller.phaseElapsedS(), health: controller.liveHealth() });
  const broadcast = (event: object) => {
    if (clients.size === 0) return;
    const text = JSON.stringify({ event, ...status() });
    for (const c of clients) c.send(text);
  };
  controller.on((e: ControllerEvent) => {
    broadcast(e.kind === "episode_closed" ? { kind: e.kind, index: e.index, id: e.episode.sidecar.id, path: e.episode.path, outcome: e.episode.sidecar.outcome } : e);
  });
  const healthTimer = setInterval(() => {
    if (controller.state === "recording" || controller.state === "paused") broadcast({ kind: "health" });
  }, options.healthIntervalMs ?? 1000);
  healthTimer.unref?.();
  server.on("connection", (socket) => {
    clients.add(socket);
    socket.on("close", () => clients.delete(socket));
    socket.on("message", async (raw) => {
      let request: { id?: unknown; action?: unknown };
      try {
        request = JSON.parse(raw.toString()) as { id?: unknown; action?: unknown };
      } catch {
        socket.send(JSON.stringify({ ok: false, error: "not JSON" }));
        return;
      }
      const action = request.action as WsAction;
      if (!WS_ACTIONS.includes(action)) {
        socket.send(JSON.stringify({ id: request.id, ok: false, error: `unknown action ${JSON.stringify(request.action)}; one of ${WS_ACTIONS.join(", ")}` }));
        return;
      }
      try {
        if (action === "start") await controller.start();
        else if (action === "stop") await controller.stop();
        else if (action === "discard") await controller.discard();
        else if (action === "mark_success") controller.markOutcome("success");
        else if (action === "mark_failure") controller.markOutcome("failure");
        else if (action === "pause") await controller.pause();
        else if (action === "resume") await controller.resume();
        else if (action === "shutdown") void controller.shutdown("stopped over the control API");
        socket.send(JSON.stringify({ id: request.id, ok: true, ...status() }));
      } catch (err) {
        socket.send(JSON.stringify({ id: request.id, ok: false, error: (err as Error).message, ...status() }));
      }
    });
  });
  const address = server.address();
  return {
    port: typeof address === "object" && address !== null ? address.port : options.port,
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(healthTimer);
        for (const c of clients) c.terminate();
        server.close(() => resolve());
      }),
  };
}
