// The viewer end to end in headless chromium: the real `teledemo view` server on a simulated
// library, the episode browser, playback, seeking, keyboard labeling (two phases, a contact
// event, an accepted suggestion), undo/redo, autosave, a reload that finds every label again —
// in the app and in the sidecar file on disk — and the conflict banner when a second client
// saved first. Screenshots of the main views go to tmp/screenshots/.
import { cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labelsFile, type LabelsContent } from "../../../recorder/labels/schema.ts";
import type { Suggestions } from "../../../viewer/shared/http-api.ts";
import { simLibrary } from "../../support/sim-episode.ts";
import { launchBrowser, openEpisode, screenshot, startViewServer, telemetry, type BrowserSession, type ViewServer } from "../support/browser.ts";

const ANNOTATOR = "alice";
let dir: string;
let library: string;
let episodeDir: string;
let episodeId: string;
let server: ViewServer;
let session: BrowserSession;

type Hooks = { hooks: Record<string, (...a: unknown[]) => unknown> };

/** Calls a window.__teledemo hook in the page. */
function hook<T>(name: string, ...args: unknown[]): Promise<T> {
  return session.page.evaluate(([n, a]) => (window as unknown as { __teledemo: Hooks }).__teledemo.hooks[n as string]!(...(a as unknown[])), [name, args] as const) as Promise<T>;
}

const labels = (): Promise<LabelsContent> => hook<LabelsContent>("labels");
const playhead = (): Promise<number> => hook<number>("playhead");

async function seekTo(seconds: number): Promise<void> {
  await hook("seek", seconds);
}

async function press(...keys: string[]): Promise<void> {
  for (const k of keys) await session.page.keyboard.press(k);
}

beforeAll(async () => {
  const lib = await simLibrary({ episodes: 2 });
  dir = mkdtempSync(join(tmpdir(), "teledemo-viewer-"));
  library = join(dir, "library");
  cpSync(lib.library, library, { recursive: true });
  episodeDir = join(library, lib.episodes[0]!.split("/").pop()!);
  episodeId = episodeDir.split("/").pop()!;
  server = await startViewServer(library, ["--annotator", ANNOTATOR]);
  session = await launchBrowser();
}, 600_000);

afterAll(async () => {
  await session?.close();
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("viewer in chromium", () => {
  it("lists the library's episodes and filters them by search", async () => {
    const { page } = session;
    await page.goto(`${server.url}/#/`);
    await page.waitForSelector("tr.episode-row");
    expect(await page.locator("tr.episode-row").count()).toBe(2);
    await screenshot(page, "episode-browser");
    await page.fill("#episode-search", episodeId);
    expect(await page.locator("tr.episode-row").count()).toBe(1);
    await page.fill("#episode-search", "no-such-episode-anywhere");
    expect(await page.locator("tr.episode-row").count()).toBe(0);
    await page.fill("#episode-search", "");
    await page.click(`tr.episode-row[data-id="${episodeId}"] td:nth-child(2)`);
    await page.waitForFunction(() => (window as unknown as { __teledemo?: { firstFrameMs: number | null } }).__teledemo?.firstFrameMs != null, undefined, { timeout: 60_000 });
    expect(page.url()).toContain(`#/episode/${episodeId}`);
  });

  it("opens the episode with its panels and plays, seeks by timeline click and steps frames", async () => {
    const { page } = session;
    const t = await telemetry(page);
    expect(t.firstFramePanels.length).toBeGreaterThan(0);
    expect(await page.locator(".panel:not([hidden])").count()).toBe(t.firstFramePanels.length);
    // play until the playhead has moved, then pause with the keyboard
    await press("Space");
    await page.waitForFunction(() => (window as unknown as { __teledemo: Hooks }).__teledemo.hooks["playhead"]!() as number > 0.3, undefined, { timeout: 30_000 });
    await press("Space");
    const paused = await playhead();
    expect(paused).toBeGreaterThan(0.3);
    expect(await page.textContent("#play")).toContain("play");
    // click the middle of the timeline: the playhead jumps to about half the episode
    const box = (await page.locator("#timeline").boundingBox())!;
    const x0 = box.x + 118;
    const x1 = box.x + box.width - 8;
    await page.mouse.click(x0 + (x1 - x0) * 0.5, box.y + 30);
    const mid = await playhead();
    expect(Math.abs(mid - 2.0)).toBeLessThan(0.15);
    // frame steps move by one camera frame (30 Hz); shift+arrow by one second
    await press("ArrowRight");
    const stepped = (await playhead()) - mid;
    expect(stepped).toBeGreaterThan(0.005);
    expect(stepped).toBeLessThan(0.07);
    await press("Shift+ArrowLeft");
    expect(Math.abs((await playhead()) - (mid + stepped - 1))).toBeLessThan(0.002);
    await page.waitForTimeout(300);
    await screenshot(page, "episode-playback");
    expect(session.errors).toEqual([]);
  });

  it("labels two phases, a contact event and an accepted suggestion with the keyboard; undo/redo", async () => {
    const { page } = session;
    const suggestions = (await page.evaluate(async (id) => (await fetch(`/api/episodes/${encodeURIComponent(id)}/suggestions`)).json(), episodeId)) as Suggestions;
    expect(suggestions.phases.length + suggestions.events.length).toBeGreaterThan(0);

    await seekTo(0.5);
    await press("1", "BracketLeft");
    await seekTo(1.2);
    await press("BracketRight");
    await press("2", "BracketLeft");
    await seekTo(1.9);
    await press("BracketRight");
    let l = await labels();
    expect(l.phases.map((p) => p.type)).toEqual(["approach", "grasp"]);
    expect(l.phases[0]!.endNs).toBe(l.phases[1]!.startNs); // back to back at the same playhead

    await seekTo(2.5);
    await press("c");
    l = await labels();
    expect(l.events).toHaveLength(1);
    expect(l.events[0]!.type).toBe("onset");
    // the chooser for the new event: change its type with the mouse
    await page.selectOption("#event-type", "slip");
    expect((await labels()).events[0]!.type).toBe("slip");

    // Enter accepts the suggestion nearest the playhead: put the playhead on one
    const startNs = BigInt(((await page.evaluate(async (id) => (await fetch(`/api/episodes/${encodeURIComponent(id)}`)).json(), episodeId)) as { startNs: string }).startNs);
    const target = suggestions.events[0] ?? null;
    const phase = suggestions.phases[0];
    const at = target ? BigInt(target.tNs) : (BigInt(phase!.startNs) + BigInt(phase!.endNs)) / 2n;
    await seekTo(Number(at - startNs) / 1e9);
    await page.locator("#event-type").blur();
    await press("Enter");
    l = await labels();
    const accepted = [...l.phases, ...l.events].filter((x) => x.source === "suggestion");
    expect(accepted).toHaveLength(1);
    expect(accepted[0]!.suggestionId).toBe(target ? target.id : phase!.id);

    // undo removes the accepted suggestion, redo brings it back
    await press("Control+z");
    expect([...(await labels()).phases, ...(await labels()).events].filter((x) => x.source === "suggestion")).toHaveLength(0);
    await press("Control+Shift+z");
    expect([...(await labels()).phases, ...(await labels()).events].filter((x) => x.source === "suggestion")).toHaveLength(1);

    // episode form
    await page.selectOption("#grasp-outcome", "success");
    await page.selectOption("#quality-decision", "accept");
    await page.fill("#notes", "clean grasp");
    await page.locator("#notes").blur();
    await page.waitForTimeout(100);
    await screenshot(page, "episode-labeled");
    await hook("flush");
    await page.waitForFunction(() => document.querySelector("#save-status")?.textContent?.startsWith("saved"), undefined, { timeout: 15_000 });
    expect(session.errors).toEqual([]);
  });

  it("finds every label again after a reload, in the app and in the sidecar on disk", async () => {
    const { page } = session;
    const before = await labels();
    await page.reload();
    await openEpisode(page, server.url, episodeId);
    const after = await labels();
    expect(after).toEqual(before);
    expect(after.phases).toHaveLength(before.phases.length);
    expect(after.episode.graspOutcome).toBe("success");
    expect(after.episode.quality.decision).toBe("accept");
    expect(after.episode.notes).toBe("clean grasp");
    const onDisk = labelsFile.parse(JSON.parse(readFileSync(join(episodeDir, "labels", `${ANNOTATOR}.json`), "utf8")));
    expect(onDisk.content).toEqual(before);
    expect(onDisk.annotator).toBe(ANNOTATOR);
    expect(onDisk.revision).toBeGreaterThan(0);
    expect(onDisk.history.length).toBe(onDisk.revision);
    // the timeline draws them: the phases track is not empty where the first phase is
    await screenshot(page, "episode-reloaded");
  });

  it("shows a conflict banner instead of overwriting when another client saved first", async () => {
    const { page, context } = session;
    const other = await context.newPage();
    await openEpisode(other, server.url, episodeId);
    // the other client adds an event and saves
    await other.evaluate(() => (window as unknown as { __teledemo: Hooks }).__teledemo.hooks["seek"]!(3.0));
    await other.keyboard.press("c");
    await other.evaluate(() => (window as unknown as { __teledemo: Hooks }).__teledemo.hooks["flush"]!());
    const theirs = labelsFile.parse(JSON.parse(readFileSync(join(episodeDir, "labels", `${ANNOTATOR}.json`), "utf8")));
    await other.close();
    // this (stale) client edits: the save is refused, the banner says so, nothing is overwritten
    await seekTo(3.5);
    await press("c");
    await hook("flush");
    await page.waitForSelector("#conflict-banner:not([hidden])");
    expect(await page.textContent("#conflict-banner")).toContain("Nothing was overwritten");
    await screenshot(page, "episode-conflict");
    const still = labelsFile.parse(JSON.parse(readFileSync(join(episodeDir, "labels", `${ANNOTATOR}.json`), "utf8")));
    expect(still.revision).toBe(theirs.revision);
    // merge keeps both clients' events and saves on top of their revision
    await page.click("#conflict-merge");
    await hook("flush");
    await page.waitForFunction(() => document.querySelector("#save-status")?.textContent?.startsWith("saved"), undefined, { timeout: 15_000 });
    const merged = labelsFile.parse(JSON.parse(readFileSync(join(episodeDir, "labels", `${ANNOTATOR}.json`), "utf8")));
    expect(merged.revision).toBe(theirs.revision + 1);
    expect(merged.content.events.length).toBe(theirs.content.events.length + 1);
    // the refused PUT is logged by the browser itself; nothing else may be
    expect(session.errors.filter((e) => !e.includes("409 (Conflict)"))).toEqual([]);
  });
});
