// Browser test helpers shared by the viewer's browser tests and bench:viewer: the real
// `teledemo view` server as a child process, and headless Debian chromium driven by
// playwright-core with a fresh profile, collecting page errors and console errors.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { CLI } from "../../support/cli-child.ts";
import { REPO_ROOT } from "../../support/fixtures.ts";

export const SCREENSHOT_DIR = resolve(REPO_ROOT, "tmp", "screenshots");

export interface ViewServer {
  url: string;
  openUrl: string;
  token: string | null;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Starts `teledemo view <path> --port 0 --json` and waits for its URL line. */
export function startViewServer(path: string, extra: string[] = []): Promise<ViewServer> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [CLI, "view", path, "--port", "0", "--json", ...extra], { stdio: ["ignore", "pipe", "pipe"], cwd: REPO_ROOT });
    let out = "";
    let err = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`teledemo view did not start in 120 s\n${err}`));
    }, 120_000);
    child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const line = out.split("\n").find((l) => l.trim().startsWith("{"));
      if (!line) return;
      clearTimeout(timer);
      const info = JSON.parse(line) as { url: string; openUrl: string; token?: string | null };
      resolvePromise({
        url: info.url.replace(/\/$/, ""),
        openUrl: info.openUrl,
        token: info.token ?? null,
        child,
        stop: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null) return done();
            child.once("exit", () => done());
            child.kill("SIGTERM");
            setTimeout(() => child.kill("SIGKILL"), 5000).unref();
          }),
      });
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`teledemo view exited (${code}) before printing its URL\n${err}`));
    });
  });
}

export interface BrowserSession {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** Uncaught page errors and console errors seen so far. */
  errors: string[];
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<BrowserSession> {
  // launch() gives every browser a fresh temporary profile (user-data-dir) of its own.
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
  page.on("crash", () => errors.push("the page crashed"));
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(`console: ${m.text()}`);
  });
  return {
    browser,
    context,
    page,
    errors,
    close: async () => {
      await browser.close();
    },
  };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

/** The page's window.__teledemo (see viewer/app/telemetry.ts). */
export interface PageTelemetry {
  episode: string | null;
  marks: Record<string, number>;
  firstFrameMs: number | null;
  firstFramePanels: string[];
  seekMs: number[];
  frames: number;
  events: Array<{ at: number; kind: string; detail: string }>;
  pageErrors: string[];
}

export function telemetry(page: Page): Promise<PageTelemetry> {
  return page.evaluate(() => {
    const t = (window as unknown as { __teledemo: PageTelemetry & { hooks: unknown } }).__teledemo;
    return { episode: t.episode, marks: t.marks, firstFrameMs: t.firstFrameMs, firstFramePanels: t.firstFramePanels, seekMs: t.seekMs, frames: t.frames, events: t.events, pageErrors: t.pageErrors };
  });
}

/** Opens an episode page and waits until its first complete frame was drawn. */
export async function openEpisode(page: Page, baseUrl: string, id: string, timeoutMs = 60_000): Promise<PageTelemetry> {
  await page.goto(`${baseUrl}/#/episode/${encodeURIComponent(id)}`);
  await page.waitForFunction(() => (window as unknown as { __teledemo?: { firstFrameMs: number | null } }).__teledemo?.firstFrameMs != null, undefined, { timeout: timeoutMs });
  return telemetry(page);
}

/** Calls a window.__teledemo hook of the episode page (viewer/app/ui/episode-page.ts) and returns its result. */
export function pageHook<T>(page: Page, name: string, ...args: unknown[]): Promise<T> {
  return page.evaluate(([n, a]) => (window as unknown as { __teledemo: { hooks: Record<string, (...x: unknown[]) => unknown> } }).__teledemo.hooks[n as string]!(...(a as unknown[])), [name, args] as const) as Promise<T>;
}
