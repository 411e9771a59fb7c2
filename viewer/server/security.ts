// What every response of the viewer carries, and the token check for non-loopback binds.
//
// The app is same-origin only: a strict CSP (no inline script or style, no foreign origins),
// nosniff, no framing, no CORS headers at all (a foreign page cannot read our API).
import { randomBytes, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";

/** Loopback hosts need no token: only this machine can reach them. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  return h === "localhost" || h === "::1" || /^127(\.\d{1,3}){3}$/.test(h);
}

export function newToken(): string {
  return randomBytes(24).toString("base64url");
}

/**
 * The CSP for one request: connect-src adds the ws URL of this very server (as the browser
 * reached it), so the record page can open /api/record/ws and nothing else.
 */
export function contentSecurityPolicy(hostHeader: string | undefined): string {
  const host = hostHeader && /^[A-Za-z0-9.\-:[\]]+$/.test(hostHeader) ? hostHeader : undefined;
  const connect = ["'self'", ...(host ? [`ws://${host}`] : [])].join(" ");
  return [
    "default-src 'none'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "worker-src 'self'",
    `connect-src ${connect}`,
    "img-src 'self' blob: data:",
    "style-src 'self'",
    "media-src 'self' blob:",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'none'",
  ].join("; ");
}

export function setSecurityHeaders(req: IncomingMessage, res: ServerResponse): void {
  res.setHeader("Content-Security-Policy", contentSecurityPolicy(req.headers.host));
  res.setHeader("X-Content-Type-Options", "nosniff");
  res.setHeader("X-Frame-Options", "DENY");
  res.setHeader("Referrer-Policy", "no-referrer");
  res.setHeader("Cross-Origin-Opener-Policy", "same-origin");
  res.setHeader("Cross-Origin-Resource-Policy", "same-origin");
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * True when the request carries the token: `Authorization: Bearer <token>`, or (only where
 * `allowQuery`: /files, for <video>/<img>, and the ws upgrade, which browsers cannot give headers)
 * `?token=`.
 */
export function hasToken(req: IncomingMessage, url: URL, token: string, allowQuery: boolean): boolean {
  const auth = req.headers.authorization;
  if (typeof auth === "string") {
    const m = /^Bearer\s+(\S+)$/i.exec(auth.trim());
    if (m && same(m[1]!, token)) return true;
  }
  if (allowQuery) {
    const q = url.searchParams.get("token");
    if (q !== null && same(q, token)) return true;
  }
  return false;
}
