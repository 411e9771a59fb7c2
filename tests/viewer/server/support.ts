// Helpers for the viewer server tests: a writable copy of a simulated library, a server started
// in-process on a free port, and raw HTTP requests (paths sent exactly as given, no normalizing).
import { cpSync, mkdtempSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { loadViewerConfig } from "../../../viewer/server/config.ts";
import { startViewerServer, type ViewerServer, type ViewerServerOptions } from "../../../viewer/server/server.ts";
import { REPO_ROOT } from "../../support/fixtures.ts";
import { resolveProfile } from "../../../launch/cli/profile-arg.ts";

export function copyLibrary(library: string): string {
  const dir = mkdtempSync(join(tmpdir(), "teledemo-view-"));
  const copy = join(dir, "library");
  cpSync(library, copy, { recursive: true });
  return copy;
}

export function testConfig() {
  return loadViewerConfig({ defaultFile: resolve(REPO_ROOT, "launch/labeling.yaml"), annotator: "tester", resolveProfile });
}

export async function startTestServer(path: string, extra: Partial<ViewerServerOptions> = {}): Promise<ViewerServer> {
  return startViewerServer({ path, config: testConfig(), host: "127.0.0.1", port: 0, serveApp: false, ...extra });
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** One HTTP request with the path sent byte for byte (no URL normalization). */
export function raw(base: string, method: string, path: string, headers: Record<string, string> = {}, body?: string | Buffer): Promise<RawResponse> {
  const u = new URL(base);
  return new Promise((resolvePromise, reject) => {
    const req = request({ host: u.hostname, port: u.port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolvePromise({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on("error", reject);
    });
    req.on("error", reject);
    if (body !== undefined) req.end(body);
    else req.end();
  });
}

export async function getJson<T>(base: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; json: T }> {
  const r = await raw(base, "GET", path, headers);
  return { status: r.status, json: JSON.parse(r.body.toString("utf8")) as T };
}

export async function putJson<T>(base: string, path: string, value: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: T }> {
  const r = await raw(base, "PUT", path, { "Content-Type": "application/json", ...headers }, JSON.stringify(value));
  return { status: r.status, json: JSON.parse(r.body.toString("utf8")) as T };
}
