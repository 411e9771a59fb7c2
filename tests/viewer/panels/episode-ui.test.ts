// The rest of the viewer's UI promises, in headless chromium against the real `teledemo view`
// server on a simulated library: the episode browser's QA and label-status filters agree with
// the API; the labeling taxonomy (phase types with their keys, failure modes, snap distance)
// comes from the library's project config file `teledemo.yaml`; n / p jump between detected
// events; a phase boundary set near a detected event snaps onto it; Delete removes the selection;
// the panel layout (width, hidden panel) survives a reload.
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LabelsContent } from "../../../recorder/labels/schema.ts";
import type { EpisodeSummary, Suggestions } from "../../../viewer/shared/http-api.ts";
import { simEpisode, simLibrary } from "../../support/sim-episode.ts";
import { launchBrowser, openEpisode, pageHook, screenshot, startViewServer, type BrowserSession, type ViewServer } from "../support/browser.ts";

let dir: string;
let library: string;
let episodeId: string;
let server: ViewServer;
let session: BrowserSession;

const hook = <T>(name: string, ...args: unknown[]): Promise<T> => pageHook<T>(session.page, name, ...args);
const labels = (): Promise<LabelsContent> => hook<LabelsContent>("labels");
const playhead = (): Promise<number> => hook<number>("playhead");

beforeAll(async () => {
  const lib = await simLibrary({ episodes: 2 });
  dir = mkdtempSync(join(tmpdir(), "teledemo-viewer-ui-"));
  library = join(dir, "library");
  cpSync(lib.library, library, { recursive: true });
  // plus a 12 s episode with a real grasp, so there are contacts to detect (the 4 s ones end before it)
  const grasp = await simEpisode({ profile: "small", seconds: 12, seed: 3 });
  episodeId = grasp.split("/").pop()!;
  cpSync(grasp, join(library, episodeId), { recursive: true });
  // the library's own taxonomy overrides launch/labeling.yaml
  writeFileSync(
    join(library, "teledemo.yaml"),
    ["labeling:", "  phase_types:", '    - { name: reach, hotkey: "1", color: "#4e79a7" }', '    - { name: squeeze, hotkey: "2", color: "#f28e2b" }', "  failure_modes: [gripper jam, lost tracking]", "  snap_ms: 150", ""].join("\n"),
  );
  server = await startViewServer(library, ["--annotator", "carol"]);
  session = await launchBrowser();
}, 600_000);

afterAll(async () => {
  await session?.close();
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("viewer UI against the real server", () => {
  it("filters the episode browser by QA status and label status as the API reports them", async () => {
    const { page } = session;
    await page.goto(`${server.url}/#/`);
    await page.waitForSelector("tr.episode-row");
    const eps = (await page.evaluate(async () => (await fetch("/api/episodes")).json())) as EpisodeSummary[];
    expect(eps).toHaveLength(3);
    for (const qa of ["pass", "warn", "fail", "none"]) {
      await page.selectOption("#filter-qa", qa);
      expect(await page.locator("tr.episode-row").count()).toBe(eps.filter((e) => (e.qa?.status ?? "none") === qa).length);
    }
    await page.selectOption("#filter-qa", "");
    for (const st of ["none", "in_progress"]) {
      await page.selectOption("#filter-labels", st);
      expect(await page.locator("tr.episode-row").count()).toBe(eps.filter((e) => e.labels.status === st).length);
    }
    await page.selectOption("#filter-labels", "");
    expect(await page.locator("tr.episode-row").count()).toBe(3);
  });

  it("takes phase types, their keys and failure modes from the library's teledemo.yaml", async () => {
    const { page } = session;
    await openEpisode(page, server.url, episodeId);
    const form = (await page.locator("body").textContent()) ?? "";
    expect(form).toContain("gripper jam");
    expect(form).toContain("lost tracking");
    expect(form).not.toContain("missed grasp"); // the default taxonomy is replaced, not merged
    await hook("seek", 0.4);
    await page.keyboard.press("2");
    await page.keyboard.press("BracketLeft");
    await hook("seek", 0.9);
    await page.keyboard.press("BracketRight");
    const l = await labels();
    expect(l.phases.map((p) => p.type)).toEqual(["squeeze"]);
  });

  it("jumps between detected events with n / p and snaps a boundary onto a nearby event", async () => {
    const { page } = session;
    const s = (await page.evaluate(async (id) => (await fetch(`/api/episodes/${encodeURIComponent(id)}/suggestions`)).json(), episodeId)) as Suggestions;
    const startNs = BigInt((await page.evaluate(async (id) => (await fetch(`/api/episodes/${encodeURIComponent(id)}`)).json(), episodeId)).startNs as string);
    // events on two pads microseconds apart are one stop for n / p (the app's 1 ms dead band)
    const times = s.events
      .map((e) => Number(BigInt(e.tNs) - startNs) / 1e9)
      .sort((a, b) => a - b)
      .filter((t, i, all) => i === 0 || t - all[i - 1]! > 0.001);
    expect(times.length).toBeGreaterThan(0); // the simulated grasp has contacts to detect
    const target = times[0]!;
    await hook("seek", Math.max(0, target - 0.3));
    await page.keyboard.press("n");
    expect(Math.abs((await playhead()) - target)).toBeLessThan(0.002);
    if (times.length > 1) {
      await page.keyboard.press("n");
      expect(Math.abs((await playhead()) - times[1]!)).toBeLessThan(0.002);
      await page.keyboard.press("p");
      expect(Math.abs((await playhead()) - target)).toBeLessThan(0.002);
    }
    // 100 ms before the event (snap_ms 150 from teledemo.yaml): the start lands on the event
    const before = (await labels()).phases.length;
    await hook("seek", target - 0.1);
    await page.keyboard.press("1");
    await page.keyboard.press("BracketLeft");
    const reach = (await labels()).phases.filter((p) => p.type === "reach");
    expect(reach).toHaveLength(1);
    expect(Math.abs(Number(BigInt(reach[0]!.startNs) - startNs) / 1e9 - target)).toBeLessThan(0.002);
    // the new phase is selected: Delete removes it, Ctrl+Z brings it back
    await page.keyboard.press("Delete");
    expect((await labels()).phases.filter((p) => p.type === "reach")).toHaveLength(0);
    expect((await labels()).phases).toHaveLength(before);
    await page.keyboard.press("Control+z");
    expect((await labels()).phases.filter((p) => p.type === "reach")).toHaveLength(1);
  });

  it("remembers the panel layout (a wider panel, a hidden one) across a reload", async () => {
    const { page } = session;
    const ids = await page.locator("section.panel:not([hidden])").evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.panel!));
    expect(ids.length).toBeGreaterThan(2);
    const [wide, gone] = [ids[0]!, ids[1]!];
    await page.locator(`section.panel[data-panel="${wide}"] button[title="wider/narrower"]`).click();
    await page.locator(`section.panel[data-panel="${gone}"] button[title="hide"]`).click();
    const spanOf = (id: string) => page.locator(`section.panel[data-panel="${id}"]`).evaluate((e) => (e as HTMLElement).style.gridColumn);
    expect(await spanOf(wide)).toMatch(/span 2/);
    await page.reload();
    await page.waitForFunction(() => (window as unknown as { __teledemo?: { firstFrameMs: number | null } }).__teledemo?.firstFrameMs != null, undefined, { timeout: 60_000 });
    expect(await spanOf(wide)).toMatch(/span 2/);
    expect(await page.locator(`section.panel[data-panel="${gone}"]`).isHidden()).toBe(true);
    // and it comes back from the hidden-panels menu
    await page.selectOption('select[aria-label="show hidden panel"]', gone);
    expect(await page.locator(`section.panel[data-panel="${gone}"]`).isVisible()).toBe(true);
    await screenshot(page, "episode-layout");
    expect(session.errors).toEqual([]);
  });
});
