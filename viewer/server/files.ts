// Serves one file of an episode: GET and HEAD, a single byte range (206; 416 when unsatisfiable),
// ETag (size + mtime) with If-None-Match / If-Range, Last-Modified / If-Modified-Since. The
// browser app's indexed MCAP reader pulls the file through these ranges. Multiple ranges in one
// request are answered with the whole file (allowed by RFC 9110 §14.2).
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { pipeline } from "node:stream/promises";

export type ByteRange = { start: number; end: number };

/**
 * Parses a Range header against a file size: a range (inclusive end), "unsatisfiable" (→ 416),
 * or undefined (ignore the header: absent, not bytes, several ranges, or malformed).
 */
export function parseRange(header: string | undefined, size: number): ByteRange | "unsatisfiable" | undefined {
  if (header === undefined) return undefined;
  const m = /^bytes=\s*(\d*)\s*-\s*(\d*)\s*$/.exec(header.trim());
  if (!m) return header.trim().startsWith("bytes=") && !header.includes(",") ? "unsatisfiable" : undefined;
  const [, a, b] = m;
  if (a === "" && b === "") return "unsatisfiable";
  if (a === "") {
    // suffix range: the last N bytes
    const n = Number(b);
    if (!Number.isSafeInteger(n) || n === 0 || size === 0) return "unsatisfiable";
    return { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(a);
  let end = b === "" ? size - 1 : Number(b);
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end)) return "unsatisfiable";
  if (start >= size || end < start) return "unsatisfiable";
  if (end >= size) end = size - 1;
  return { start, end };
}

function etagOf(size: number, mtimeMs: number): string {
  return `"${size.toString(16)}-${Math.floor(mtimeMs).toString(16)}"`;
}

function contentTypeOf(path: string): string {
  if (path.endsWith(".mcap")) return "application/octet-stream";
  if (path.endsWith(".json")) return "application/json; charset=utf-8";
  if (path.endsWith(".yaml")) return "text/yaml; charset=utf-8";
  return "application/octet-stream";
}

export async function serveFile(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  const st = await stat(path);
  const size = st.size;
  const etag = etagOf(size, st.mtimeMs);
  const lastModified = new Date(Math.floor(st.mtimeMs / 1000) * 1000).toUTCString();
  res.setHeader("Accept-Ranges", "bytes");
  res.setHeader("ETag", etag);
  res.setHeader("Last-Modified", lastModified);
  res.setHeader("Cache-Control", "no-cache");
  res.setHeader("Content-Type", contentTypeOf(path));

  const inm = req.headers["if-none-match"];
  const ims = req.headers["if-modified-since"];
  const notModified = inm !== undefined ? inm.split(",").some((t) => t.trim() === etag || t.trim() === "*") : ims !== undefined && Date.parse(ims) >= Date.parse(lastModified);
  if (notModified) {
    res.statusCode = 304;
    res.end();
    return;
  }

  let range = parseRange(req.headers.range, size);
  // If-Range: only honour the range when the validator still matches.
  const ifRange = req.headers["if-range"];
  if (range !== undefined && ifRange !== undefined && ifRange !== etag && ifRange !== lastModified) range = undefined;

  if (range === "unsatisfiable") {
    res.statusCode = 416;
    res.setHeader("Content-Range", `bytes */${size}`);
    res.setHeader("Content-Type", "text/plain; charset=utf-8");
    res.end("range not satisfiable\n");
    return;
  }
  const start = range?.start ?? 0;
  const end = range?.end ?? size - 1;
  const length = size === 0 ? 0 : end - start + 1;
  res.statusCode = range ? 206 : 200;
  if (range) res.setHeader("Content-Range", `bytes ${start}-${end}/${size}`);
  res.setHeader("Content-Length", String(length));
  if (req.method === "HEAD" || length === 0) {
    res.end();
    return;
  }
  await pipeline(createReadStream(path, { start, end }), res);
}
