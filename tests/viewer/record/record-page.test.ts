// The record page in headless chromium against a REAL `teledemo record` child (simulated small rig
// at real speed, control port announced on the library): the page finds the recorder through the
// viewer, shows live stream health that keeps updating, and its buttons drive the recorder —
// stop saves the episode folder on disk, "start / next episode" opens the next one without
// waiting out the reset time, mark success lands in the sidecar, "end session" stops the process.
import type { ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EPISODE_SIDECAR, readSidecar, type EpisodeSidecar } from "../../../recorder/episode/layout.ts";
import { RECORDER_FILE } from "../../../viewer/server/record-proxy.ts";
import { spawnCli } from "../../support/cli-child.ts";
import { launchBrowser, screenshot, startViewServer, type BrowserSession, type ViewServer } from "../support/browser.ts";

let library: string;
let recorder: ChildProcess;
let recorderExit: Promise<number | null>;
let server: ViewServer;
let session: BrowserSession;

/** Episode folders with their sidecars, oldest first (ids sort by start time). */
function episodesOnDisk(): EpisodeSidecar[] {
  return readdirSync(library, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(library, d.name, EPISODE_SIDECAR)))
    .map((d) => readSidecar(join(library, d.name)))
    .sort((a, b) => a.id.localeCompare(b.id));
}

async function until(what: string, cond: () => boolean, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const pageState = (): Promise<string | undefined> => session.page.evaluate(() => document.getElementById("app")?.dataset.recordState);

async function waitState(state: string): Promise<void> {
  await session.page.waitForFunction((s) => document.getElementById("app")?.dataset.recordState === s, state, { timeout: 30_000 });
}

/** Sum of the messages column over every health row. */
const shownMessages = (): Promise<number> =>
  session.page.evaluate(() => Array.from(document.querySelectorAll<HTMLElement>("tr.health-row")).reduce((a, tr) => a + Number(tr.dataset.messages ?? 0), 0));

beforeAll(async () => {
  library = mkdtempSync(join(tmpdir(), "teledemo-record-page-"));
  recorder = spawnCli(["record", "--source", "sim", "--profile", "small", "--speed", "1", "--out", library, "--episodes", "0", "--episode-time", "0", "--reset-time", "600", "--control-port", "0", "--min-free", "10MB"]);
  recorderExit = new Promise((r) => recorder.on("exit", (code) => r(code)));
  let err = "";
  recorder.stderr?.on("data", (d: Buffer) => (err += d.toString()));
  await until("the recorder's announcement", () => existsSync(join(library, RECORDER_FILE)) || recorder.exitCode !== null, 120_000);
  if (recorder.exitCode !== null) throw new Error(`teledemo record exited early (${recorder.exitCode}):\n${err}`);
  server = await startViewServer(library);
  session = await launchBrowser();
  session.page.on("dialog", (d) => void d.accept());
}, 240_000);

afterAll(async () => {
  await session?.close();
  await server?.stop();
  if (recorder && recorder.exitCode === null) recorder.kill("SIGKILL");
  if (library) rmSync(library, { recursive: true, force: true });
});

describe("record page with a running recorder", () => {
  it("is linked from the episode browser and shows live stream health that updates", async () => {
    const { page } = session;
    await page.goto(`${server.url}/#/`);
    await page.click("#record-link");
    await waitState("recording");
    expect(page.url()).toContain("#/record");
    await page.waitForFunction(() => document.querySelectorAll("tr.health-row").length > 0, undefined, { timeout: 30_000 });
    const topics = await page.locator("tr.health-row").evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.topic));
    expect(topics).toContain("/joint_states");
    const first = await shownMessages();
    // the recorder broadcasts health every second: the counts grow while the page watches
    await page.waitForFunction((n) => Array.from(document.querySelectorAll<HTMLElement>("tr.health-row")).reduce((a, tr) => a + Number(tr.dataset.messages ?? 0), 0) > n, first, { timeout: 30_000 });
    const row = page.locator('tr.health-row[data-topic="/joint_states"] td');
    const cells = await row.allTextContents();
    expect(Number(cells[1])).toBeGreaterThan(0); // measured rate
    expect(cells[6]).toMatch(/^\d+(\.\d)? \/ \d+(\.\d)? \/ \d+(\.\d)?$/); // latency p50/p95/p99
    expect(["ok", "under rate", "silent"]).toContain(cells[7]);
    expect(await page.locator('button[data-action="stop"]').isEnabled()).toBe(true);
    expect(await page.locator('button[data-action="resume"]').isEnabled()).toBe(false);
    // the episode list that was still loading when the link was clicked does not land on this page
    expect(await page.locator("#episodes").count()).toBe(0);
    await screenshot(page, "record-page");
  });

  it("stop saves the episode on disk; next starts another at once; mark success reaches the sidecar", async () => {
    const { page } = session;
    await page.click('button[data-action="stop"]');
    await waitState("resetting");
    await until("the first episode closed on disk", () => episodesOnDisk().some((e) => e.outcome !== "in_progress"));
    expect(episodesOnDisk()).toHaveLength(1);
    expect(await page.locator("#record-log").textContent()).toMatch(/episode #1 saved/);
    expect(await page.locator('button[data-action="stop"]').isEnabled()).toBe(false);

    // the reset time is 600 s: only the button can have started episode 2
    await page.click('button[data-action="start"]');
    await waitState("recording");
    expect(await page.locator("#record-episode").textContent()).toBe("#2");
    await page.click('button[data-action="mark_success"]');
    await page.waitForFunction(() => /marked success/.test(document.getElementById("record-log")?.textContent ?? ""), undefined, { timeout: 30_000 });
    await page.click('button[data-action="stop"]');
    await waitState("resetting");
    await until("the second episode closed on disk", () => episodesOnDisk().filter((e) => e.outcome !== "in_progress").length === 2);
    const eps = episodesOnDisk();
    expect(eps.map((e) => e.outcome)).toEqual(["unknown", "success"]);
    await screenshot(page, "record-page-resetting");
  });

  it("end session stops the recorder; the page then says no recorder is running", async () => {
    const { page } = session;
    await page.click('button[data-action="shutdown"]');
    expect(await recorderExit).toBe(0);
    expect(existsSync(join(library, RECORDER_FILE))).toBe(false);
    await waitState("none");
    expect(await page.locator("#record-message").textContent()).toMatch(/No recorder is running/);
    expect(await pageState()).toBe("none");
    expect(session.errors).toEqual([]);
  });
});
