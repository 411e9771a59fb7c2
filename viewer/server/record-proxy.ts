// The record page's backend: a `teledemo record --control-port N --out <library>` announces
// itself in `<library>/.teledemo-recorder.json` ({pid, port, started}); the viewer reports it at
// GET /api/record (only while that pid is alive) and relays WS /api/record/ws to the recorder's
// ws control API on 127.0.0.1 — the recorder itself never listens beyond loopback.
import { readFileSync, renameSync, unlinkSync, writeFileSync } from "node:fs";
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { join } from "node:path";
import { WebSocket, WebSocketServer, type RawData } from "ws";
import { z } from "zod";
import type { RecordEndpoint } from "../shared/http-api.ts";

export const RECORDER_FILE = ".teledemo-recorder.json";

const announcement = z.object({ pid: z.number().int().positive(), port: z.number().int().min(1).max(65535), started: z.string() });
export type RecorderAnnouncement = z.infer<typeof announcement>;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The running recorder of a library, or undefined (no file, a malformed one, or a dead pid). */
export function runningRecorder(library: string): RecorderAnnouncement | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(join(library, RECORDER_FILE), "utf8"));
  } catch {
    return undefined;
  }
  const parsed = announcement.safeParse(raw);
  if (!parsed.success || !alive(parsed.data.pid)) return undefined;
  return parsed.data;
}

export function recordEndpoint(library: string): RecordEndpoint {
  const r = runningRecorder(library);
  return r ? { running: true, library, port: r.port } : { running: false };
}

/** Relays browser ws connections to the recorder's control socket, message for message. */
export class RecordProxy {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 1 << 20 });

  constructor(private readonly library: string) {}

  /** Handles an (already authorized) upgrade of /api/record/ws. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const rec = runningRecorder(this.library);
    if (!rec) {
      socket.end("HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\nno recorder is running for this library\n");
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (client) => {
      const upstream = new WebSocket(`ws://127.0.0.1:${rec.port}`);
      const pending: Array<{ data: RawData; binary: boolean }> = [];
      client.on("message", (data, binary) => {
        if (upstream.readyState === WebSocket.OPEN) upstream.send(data, { binary });
        else if (pending.length < 100) pending.push({ data, binary });
      });
      upstream.on("open", () => {
        for (const p of pending.splice(0)) upstream.send(p.data, { binary: p.binary });
      });
      upstream.on("message", (data, binary) => {
        if (client.readyState === WebSocket.OPEN) client.send(data, { binary });
      });
      const closeBoth = (code?: number, reason?: string) => {
        const c = code !== undefined && code >= 1000 && code < 5000 && code !== 1005 && code !== 1006 ? code : 1011;
        if (client.readyState === WebSocket.OPEN || client.readyState === WebSocket.CONNECTING) client.close(c, reason);
        if (upstream.readyState === WebSocket.OPEN || upstream.readyState === WebSocket.CONNECTING) upstream.terminate();
      };
      upstream.on("close", (code, reason) => closeBoth(code === 1000 ? 1000 : 1011, code === 1000 ? reason.toString() : "recorder connection closed"));
      upstream.on("error", () => closeBoth(1011, "recorder not reachable"));
      client.on("close", () => {
        if (upstream.readyState === WebSocket.OPEN) upstream.close();
        else if (upstream.readyState === WebSocket.CONNECTING) upstream.terminate();
      });
      client.on("error", () => upstream.terminate());
    });
  }

  close(): void {
    for (const c of this.wss.clients) c.terminate();
    this.wss.close();
  }
}

/**
 * Announces a running recorder's control port in `<library>/.teledemo-recorder.json` (written
 * atomically) for `teledemo view`; returns the function that removes it (only if it is still ours).
 */
export function announceRecorder(library: string, port: number): () => void {
  const path = join(library, RECORDER_FILE);
  const mine: RecorderAnnouncement = { pid: process.pid, port, started: new Date().toISOString() };
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, `${JSON.stringify(mine)}\n`);
  renameSync(tmp, path);
  const remove = () => {
    try {
      const now = JSON.parse(readFileSync(path, "utf8")) as { pid?: unknown };
      if (now.pid === process.pid) unlinkSync(path);
    } catch {
      // already gone
    }
  };
  // a crash that skips the normal shutdown still removes it on the way out
  process.once("exit", remove);
  return () => {
    process.off("exit", remove);
    remove();
  };
}
