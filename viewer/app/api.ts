// The app's HTTP client: JSON calls to the viewer server with the auth token. The token arrives
// once in the page URL's `#token=` fragment (never sent to the server in a URL), is kept in
// sessionStorage for this tab and travels as `Authorization: Bearer`.
import type { ApiError } from "../shared/http-api.ts";

const TOKEN_KEY = "teledemo.token";

/** Reads `token=` from the fragment (then removes it from the address bar) or from sessionStorage. */
export function initToken(): string | null {
  const m = /(?:^#|[#&?])token=([^&]+)/.exec(location.hash);
  if (m) {
    const token = decodeURIComponent(m[1]!);
    sessionStorage.setItem(TOKEN_KEY, token);
    const rest = location.hash.replace(/[#&?]?token=[^&]+&?/, "").replace(/^#?&/, "#");
    history.replaceState(null, "", `${location.pathname}${location.search}${rest.length > 1 ? rest : "#/"}`);
    return token;
  }
  return sessionStorage.getItem(TOKEN_KEY);
}

/** The token of this tab, if any (the record page's WebSocket carries it as ?token=). */
export function currentToken(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function authHeaders(): Record<string, string> {
  const t = sessionStorage.getItem(TOKEN_KEY);
  return t ? { Authorization: `Bearer ${t}` } : {};
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    message: string,
  ) {
    super(message);
  }
}

async function parse<T>(res: Response, path: string): Promise<T> {
  const text = await res.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = text;
  }
  if (!res.ok) {
    const err = (body as ApiError | null)?.error;
    throw new HttpError(res.status, body, `${path}: HTTP ${res.status}${typeof err === "string" ? ` — ${err}` : ""}`);
  }
  return body as T;
}

export async function getJson<T>(path: string): Promise<T> {
  const res = await fetch(path, { headers: { Accept: "application/json", ...authHeaders() } });
  return parse<T>(res, path);
}

export async function putJson<T>(path: string, body: unknown): Promise<T> {
  const res = await fetch(path, { method: "PUT", headers: { "Content-Type": "application/json", Accept: "application/json", ...authHeaders() }, body: JSON.stringify(body) });
  return parse<T>(res, path);
}
