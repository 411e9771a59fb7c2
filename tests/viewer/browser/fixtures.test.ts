// Every file in ../shared/fixtures (written by rosbag2 and other tools: split zstd bags, test_msgs
// types, a truncated file) opens in the viewer without a page error; each panel shown has data
// on its topics (no empty panels); what cannot be read is reported on the page, not thrown.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EpisodeSummary } from "../../../viewer/shared/http-api.ts";
import { FIXTURES_DIR } from "../../support/fixtures.ts";
import { launchBrowser, openEpisode, screenshot, startViewServer, type BrowserSession, type ViewServer } from "../support/browser.ts";

let server: ViewServer;
let session: BrowserSession;
let episodes: EpisodeSummary[] = [];

type Hooks = { hooks: Record<string, () => unknown> };

beforeAll(async () => {
  server = await startViewServer(FIXTURES_DIR);
  session = await launchBrowser();
  const res = await fetch(`${server.url}/api/episodes`);
  episodes = (await res.json()) as EpisodeSummary[];
}, 300_000);

afterAll(async () => {
  await session?.close();
  await server?.stop();
});

describe("fixtures in chromium", () => {
  it("lists the fixtures as episodes", () => {
    const ids = episodes.map((e) => e.id).join(" ");
    for (const name of ["array_msgs_0", "base_msgs_0", "cdr_test", "only_topics", "wbag", "test_sample_truncated"]) expect(ids).toContain(name);
  });

  it("opens every fixture without a page error and shows no panel without data", async () => {
    const { page } = session;
    const report: string[] = [];
    for (const e of episodes) {
      const before = session.errors.length;
      await openEpisode(page, server.url, e.id, 60_000);
      const state = await page.evaluate(() => {
        const h = (window as unknown as { __teledemo: Hooks & { pageErrors: string[] } }).__teledemo;
        return {
          topics: h.hooks["topics"]!() as Array<{ topic: string; messageCount: number; unsupported: string | null }>,
          panels: h.hooks["panels"]!() as Array<{ id: string; topics: string[] }>,
          problems: h.hooks["problems"]!() as string[],
          pageErrors: h.pageErrors,
        };
      });
      // The worker decodes every message it can read (zstd chunks of the split bag included).
      const decoded = (await page.evaluate(() => (window as unknown as { __teledemo: Hooks }).__teledemo.hooks["decodeAll"]!())) as { messages: number };
      const expected = state.topics.filter((t) => t.unsupported === null).reduce((a, t) => a + t.messageCount, 0);
      if (e.id.endsWith("_truncated")) expect(decoded.messages, e.id).toBeGreaterThan(0);
      else expect(decoded.messages, e.id).toBe(expected);
      await screenshot(page, `fixture-${e.id.replace(/[^A-Za-z0-9_.-]/g, "_")}`);
      report.push(`${e.id}: ${decoded.messages} messages decoded, ${state.panels.length} panels; problems: ${state.problems.join(" | ") || "none"}`);
      expect(state.pageErrors, e.id).toEqual([]);
      expect(session.errors.slice(before), e.id).toEqual([]);
      const readable = new Set(state.topics.filter((t) => t.messageCount > 0 && t.unsupported === null).map((t) => t.topic));
      for (const p of state.panels) {
        // a panel is there only for data the file has
        expect(p.topics.some((t) => readable.has(t)), `${e.id}: panel ${p.id} (${p.topics.join(", ")})`).toBe(true);
      }
      if (e.id.endsWith("_truncated")) expect(state.problems.join(" ")).toMatch(/truncated|ends early|index/i);
    }
    console.log(report.join("\n"));
  });
});
