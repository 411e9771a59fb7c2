// `teledemo view`'s HTTP server (node:http): the browser app's files, the JSON API of
// viewer/shared/http-api.ts, the episodes' files by byte range, and the record page's ws relay.
//
// Security: binds 127.0.0.1 unless told otherwise; on any other host every /api, /files and ws
// request must carry the token printed at start. Files are served only from the library's
// episodes (whitelisted names, resolved real paths inside the library). Strict CSP, nosniff, no
// CORS.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { labelsContent } from "../../recorder/labels/schema.ts";
import {
  AnnotatorNameError,
  checkAnnotator,
  LabelsFileError,
  listAnnotators,
  readAllLabels,
  readLabels,
  saveLabels,
} from "../../recorder/labels/store.ts";
import { agreementFrameRate, agreementReport } from "../../recorder/labels/agreement.ts";
import type { AgreementReport, EpisodeSummary, SaveLabelsResponse, StaleRevision, Suggestions, ViewerConfig } from "../shared/http-api.ts";
import { loadAppBundle, type AppBundle } from "./app-bundle.ts";
import { HttpError, readJson, sendError, sendJson } from "./body.ts";
import { EpisodeService } from "./episodes.ts";
import { serveFile } from "./files.ts";
import { Library, type LibraryEpisode } from "./library.ts";
import { recordEndpoint, RecordProxy } from "./record-proxy.ts";
import { hasToken, isLoopbackHost, newToken, setSecurityHeaders } from "./security.ts";
import { SuggestionService } from "./suggestions.ts";

export const DEFAULT_PORT = 8790;
/** Labels bodies above this are refused (413) before parsing. */
export const LABELS_BODY_LIMIT = 5 * 1024 * 1024;

export interface ViewerServerOptions {
  /** Episode, bag, .mcap file or library folder. */
  path: string;
  config: ViewerConfig;
  host?: string;
  port?: number;
  /** Force a token even on loopback (tests); a token is always required off loopback. */
  token?: string;
  /** Skip bundling the app (API-only tests). */
  serveApp?: boolean;
}

export interface ViewerServer {
  readonly url: string;
  /** The URL to open: with `#token=` when a token is required. */
  readonly openUrl: string;
  readonly host: string;
  readonly port: number;
  readonly token: string | undefined;
  readonly library: Library;
  readonly appProblem: string | undefined;
  close(): Promise<void>;
}

/** Splits a raw request path into decoded segments; refuses anything that could traverse. */
export function pathSegments(rawPath: string): string[] {
  const segments = rawPath.split("/").slice(1);
  return segments.map((s) => {
    let d: string;
    try {
      d = decodeURIComponent(s);
    } catch {
      throw new HttpError(400, "malformed percent-encoding in the path");
    }
    if (d === "." || d === ".." || /[\\/\0]/.test(d)) throw new HttpError(400, "path segment not allowed");
    return d;
  });
}

export async function startViewerServer(o: ViewerServerOptions): Promise<ViewerServer> {
  const library = new Library(o.path);
  const episodes = new EpisodeService(library);
  const suggestions = new SuggestionService(episodes);
  const host = o.host ?? "127.0.0.1";
  const token = o.token ?? (isLoopbackHost(host) ? undefined : newToken());
  const proxy = new RecordProxy(library.root);
  const app: AppBundle = o.serveApp === false ? { files: new Map(), problem: "not served (serveApp: false)" } : await loadAppBundle();

  const episodeOr404 = (id: string): LibraryEpisode => {
    const e = library.get(id);
    if (!e) throw new HttpError(404, `no episode ${JSON.stringify(id)} in this library`);
    return e;
  };

  async function handleApi(req: IncomingMessage, res: ServerResponse, seg: string[]): Promise<void> {
    const method = req.method ?? "GET";
    const get = method === "GET" || method === "HEAD";
    // seg[0] === "api"
    if (seg.length === 2 && seg[1] === "config" && get) return sendJson(res, 200, o.config);
    if (seg.length === 2 && seg[1] === "record" && get) return sendJson(res, 200, recordEndpoint(library.root));
    if (seg[1] === "episodes") {
      if (seg.length === 2 && get) {
        library.refresh();
        const list: EpisodeSummary[] = await Promise.all(library.list().map((e) => episodes.summary(e)));
        return sendJson(res, 200, list);
      }
      const e = episodeOr404(seg[2] ?? "");
      if (seg.length === 3 && get) return sendJson(res, 200, await episodes.detail(e));
      if (seg.length === 4 && seg[3] === "suggestions" && get) {
        const s: Suggestions = await suggestions.of(e);
        return sendJson(res, 200, s);
      }
      if (seg.length === 4 && seg[3] === "agreement" && get) return sendJson(res, 200, await agreement(e));
      if (seg.length === 4 && seg[3] === "labels" && get) return sendJson(res, 200, { annotators: await listAnnotators(e.labelsBase) });
      if (seg.length === 5 && seg[3] === "labels") {
        const annotator = annotatorOr400(seg[4]!);
        if (get) {
          const summary = await episodes.summary(e);
          return sendJson(res, 200, await readLabels(e.labelsBase, e.id, annotator, summary.task));
        }
        if (method === "PUT") return putLabels(req, res, e, annotator);
        res.setHeader("Allow", "GET, HEAD, PUT");
        throw new HttpError(405, `${method} not allowed here`);
      }
    }
    if (!get && method !== "PUT") throw new HttpError(405, `${method} not allowed`);
    throw new HttpError(404, "no such API endpoint");
  }

  function annotatorOr400(name: string): string {
    try {
      return checkAnnotator(name);
    } catch (err) {
      throw new HttpError(400, (err as Error).message);
    }
  }

  async function putLabels(req: IncomingMessage, res: ServerResponse, e: LibraryEpisode, annotator: string): Promise<void> {
    const body = await readJson(req, LABELS_BODY_LIMIT);
    if (typeof body !== "object" || body === null || Array.isArray(body)) throw new HttpError(422, "expected a JSON object {baseRevision, content}");
    const { baseRevision, content, ...rest } = body as Record<string, unknown>;
    const issues: Array<{ path: string; message: string }> = [];
    if (Object.keys(rest).length > 0) issues.push({ path: Object.keys(rest).join(","), message: "unknown field" });
    if (typeof baseRevision !== "number" || !Number.isInteger(baseRevision) || baseRevision < 0) issues.push({ path: "baseRevision", message: "a non-negative integer" });
    const parsed = labelsContent.safeParse(content);
    if (!parsed.success) for (const i of parsed.error.issues.slice(0, 50)) issues.push({ path: ["content", ...i.path.map(String)].join("."), message: i.message });
    if (issues.length > 0 || !parsed.success) throw new HttpError(422, "labels do not match the schema", { issues });
    const result = await saveLabels(e.labelsBase, { episodeId: e.id, annotator, baseRevision: baseRevision as number, content: parsed.data });
    if (!result.ok) {
      const stale: StaleRevision = {
        error: `stale revision: the labels were saved at revision ${result.current.revision} since revision ${String(baseRevision)}`,
        currentRevision: result.current.revision,
        current: result.current,
      };
      return sendJson(res, 409, stale);
    }
    const ok: SaveLabelsResponse = { revision: result.file.revision, updated: result.file.updated };
    return sendJson(res, 200, ok);
  }

  async function agreement(e: LibraryEpisode): Promise<AgreementReport> {
    const { files } = await readAllLabels(e.labelsBase);
    const detail = await episodes.detail(e);
    const streams = detail.streams.map((s) => ({ topic: s.topic, kind: s.kind, periodNs: s.periodNs === null ? undefined : BigInt(s.periodNs) }));
    const r = agreementReport(files, { startNs: BigInt(detail.startNs), endNs: BigInt(detail.endNs), frameRateHz: agreementFrameRate(streams) });
    return { annotators: r.annotators, pairs: r.pairs };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    setSecurityHeaders(req, res);
    const rawPath = (req.url ?? "/").split("?")[0] ?? "/";
    const url = new URL(req.url ?? "/", "http://viewer.invalid");
    const seg = pathSegments(rawPath);
    const method = req.method ?? "GET";
    if (seg[0] === "api" || seg[0] === "files") {
      if (token !== undefined && !hasToken(req, url, token, seg[0] === "files")) {
        res.setHeader("WWW-Authenticate", 'Bearer realm="teledemo"');
        throw new HttpError(401, "missing or wrong token (Authorization: Bearer <token>)");
      }
      if (seg[0] === "api") return handleApi(req, res, seg);
      if (method !== "GET" && method !== "HEAD") {
        res.setHeader("Allow", "GET, HEAD");
        throw new HttpError(405, `${method} not allowed on files`);
      }
      if (seg.length !== 3) throw new HttpError(404, "expected /files/<episode>/<file>");
      const e = episodeOr404(seg[1]!);
      const path = library.servableFile(e, seg[2]!);
      if (!path) throw new HttpError(404, `episode ${e.id} has no file ${JSON.stringify(seg[2])}`);
      return serveFile(req, res, path);
    }
    if (method !== "GET" && method !== "HEAD") {
      res.setHeader("Allow", "GET, HEAD");
      throw new HttpError(405, `${method} not allowed`);
    }
    const file = app.files.get(rawPath === "/" ? "/index.html" : rawPath);
    if (!file) throw new HttpError(404, "not found");
    res.statusCode = 200;
    res.setHeader("Content-Type", file.type);
    res.setHeader("Content-Length", String(file.body.byteLength));
    res.setHeader("Cache-Control", "no-cache");
    res.end(method === "HEAD" ? undefined : file.body);
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (err instanceof HttpError) return sendError(res, err.status, err.message, err.extra);
      if (err instanceof AnnotatorNameError) return sendError(res, 400, err.message);
      if (err instanceof LabelsFileError) return sendError(res, 500, err.message);
      sendError(res, 500, (err as Error).message ?? String(err));
    });
  });

  server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? "/", "http://viewer.invalid");
    const refuse = (status: string) => socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    if (url.pathname !== "/api/record/ws") return refuse("404 Not Found");
    // Browsers cannot set headers on a ws upgrade: the token may come as ?token=.
    if (token !== undefined && !hasToken(req, url, token, true)) return refuse("401 Unauthorized");
    // A page on another origin must not drive the recorder through the user's browser.
    const origin = req.headers.origin;
    if (origin !== undefined && req.headers.host !== undefined && origin !== `http://${req.headers.host}`) return refuse("403 Forbidden");
    proxy.upgrade(req, socket, head);
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(o.port ?? DEFAULT_PORT, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const urlHost = address.family === "IPv6" || host.includes(":") ? `[${host}]` : host;
  const url = `http://${urlHost}:${address.port}/`;
  return {
    url,
    openUrl: token ? `${url}#token=${token}` : url,
    host,
    port: address.port,
    token,
    library,
    appProblem: app.problem,
    async close() {
      proxy.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await episodes.close();
    },
  };
}
