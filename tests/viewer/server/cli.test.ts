// `teledemo view` and `teledemo agreement` as real child processes, the labeling config layers,
// and the record page against a real `teledemo record --control-port`.
import { type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { saveLabels } from "../../../recorder/labels/store.ts";
import { emptyLabelsContent } from "../../../recorder/labels/schema.ts";
import { ConfigError, loadViewerConfig } from "../../../viewer/server/config.ts";
import { RECORDER_FILE } from "../../../viewer/server/record-proxy.ts";
import type { EpisodeSummary, RecordEndpoint } from "../../../viewer/shared/http-api.ts";
import { api } from "../../../viewer/shared/http-api.ts";
import { runCli, spawnCli } from "../../support/cli-child.ts";
import { REPO_ROOT } from "../../support/fixtures.ts";
import { simLibrary } from "../../support/sim-episode.ts";
import { copyLibrary, getJson } from "./support.ts";

const children: ChildProcess[] = [];
const dirs: string[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** The first JSON line a child prints that satisfies `pick`. */
function firstJsonLine<T>(child: ChildProcess, pick: (v: Record<string, unknown>) => boolean, timeoutMs = 60_000): Promise<T> {
  return new Promise((resolvePromise, reject) => {
    let buf = "";
    let err = "";
    const timer = setTimeout(() => reject(new Error(`no matching line in ${timeoutMs} ms:\n${buf}\n${err}`)), timeoutMs);
    child.stderr?.on("data", (d: Buffer) => (err += d.toString()));
    child.stdout?.on("data", (d: Buffer) => {
      buf += d.toString();
      for (const line of buf.split("\n")) {
        if (!line.startsWith("{")) continue;
        try {
          const v = JSON.parse(line) as Record<string, unknown>;
          if (pick(v)) {
            clearTimeout(timer);
            resolvePromise(v as T);
            return;
          }
        } catch {
          // a partial line
        }
      }
    });
    child.on("exit", (code) => reject(new Error(`exited with ${code}:\n${buf}\n${err}`)));
  });
}

describe("teledemo view (child process)", () => {
  it("serves a library, prints its URL as JSON, stops on SIGTERM", async () => {
    const lib = await simLibrary({ episodes: 2 });
    const child = spawnCli(["view", lib.library, "--port", "0", "--json"]);
    children.push(child);
    const info = await firstJsonLine<{ url: string; token: string | null; episodes: number }>(child, (v) => typeof v.url === "string");
    expect(info.token).toBeNull();
    expect(info.episodes).toBe(2);
    const list = await getJson<EpisodeSummary[]>(info.url, api.episodes());
    expect(list.json).toHaveLength(2);
    const exit = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
    child.kill("SIGTERM");
    expect(await exit).toBe(0);
  }, 120_000);

  it("fails cleanly on bad input", async () => {
    const missing = await runCli(["view", "/nonexistent/library"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no such file or directory/);
    expect(missing.stderr).not.toMatch(/at .*\.ts:\d+/);
    const port = await runCli(["view", REPO_ROOT, "--port", "70000"]);
    expect(port.code).toBe(2);
    expect(port.stderr).toMatch(/--port/);
  }, 120_000);
});

describe("teledemo agreement (child process)", () => {
  it("prints the pairwise figures as text and JSON", async () => {
    const lib = copyLibrary((await simLibrary({ episodes: 2 })).library);
    dirs.push(resolve(lib, ".."));
    const episode = join(lib, (await simLibrary({ episodes: 2 })).episodes[0]!.split("/").pop()!);
    const t = (ms: number) => String(1_795_336_883_067_000_000n + BigInt(ms) * 1_000_000n);
    const c = emptyLabelsContent();
    await saveLabels(episode, { episodeId: "e", annotator: "ann", baseRevision: 0, content: { ...c, phases: [{ id: "p", type: "grasp", startNs: t(1000), endNs: t(2000), source: "manual" }] } });
    await saveLabels(episode, { episodeId: "e", annotator: "bea", baseRevision: 0, content: { ...c, phases: [{ id: "p", type: "grasp", startNs: t(1020), endNs: t(1960), source: "manual" }] } });
    const json = await runCli(["agreement", episode, "--json"]);
    expect(json.code).toBe(0);
    const r = JSON.parse(json.stdout) as { annotators: string[]; pairs: Array<{ phaseBoundaryMaeMs: number; eventF1: number | null }> };
    expect(r.annotators).toEqual(["ann", "bea"]);
    expect(r.pairs[0]!.phaseBoundaryMaeMs).toBeCloseTo(30, 6);
    expect(r.pairs[0]!.eventF1).toBeNull();
    const text = await runCli(["agreement", episode]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/ann\s+bea\s+30\.0/);
  }, 180_000);
});

describe("labeling config", () => {
  const defaults = resolve(REPO_ROOT, "launch/labeling.yaml");

  it("layers the library's teledemo.yaml and --config over the defaults", () => {
    const dir = mkdtempSync(join(tmpdir(), "teledemo-config-"));
    dirs.push(dir);
    writeFileSync(join(dir, "teledemo.yaml"), "labeling:\n  failure_modes: [knocked over]\n  snap_ms: 40\n  event_targets: [gripper_pad]\n");
    const lib = loadViewerConfig({ defaultFile: defaults, library: dir, annotator: "x" });
    expect(lib.failureModes).toEqual(["knocked over"]);
    expect(lib.snapMs).toBe(40);
    expect(lib.eventTargets).toEqual(["gripper_pad"]);
    expect(lib.phaseTypes).toHaveLength(7);
    const file = join(dir, "mine.yaml");
    writeFileSync(file, "snap_ms: 10\n");
    expect(loadViewerConfig({ defaultFile: defaults, library: dir, file, annotator: "x" }).snapMs).toBe(10);
  });

  it("names the file and key of a bad config", () => {
    const dir = mkdtempSync(join(tmpdir(), "teledemo-config-"));
    dirs.push(dir);
    const file = join(dir, "bad.yaml");
    writeFileSync(file, "phase_types:\n  - { name: grasp, hotkey: '0', color: red }\n");
    expect(() => loadViewerConfig({ defaultFile: defaults, file })).toThrow(ConfigError);
    expect(() => loadViewerConfig({ defaultFile: defaults, file })).toThrow(/bad\.yaml: invalid labeling config: phase_types\.0\.hotkey/);
    writeFileSync(file, "snap_msec: 3\n");
    expect(() => loadViewerConfig({ defaultFile: defaults, file })).toThrow(/snap_msec/);
    expect(() => loadViewerConfig({ defaultFile: defaults, annotator: "../me" })).toThrow(/annotator/);
  });
});

describe("record page with a real recorder", () => {
  it("finds `teledemo record --control-port` on the library and relays its control API", async () => {
    const library = mkdtempSync(join(tmpdir(), "teledemo-live-"));
    dirs.push(library);
    const rec = spawnCli(["record", "--source", "sim", "--profile", "small", "--speed", "1", "--out", library, "--episode-time", "600", "--control-port", "0", "--json", "--min-free", "10MB"]);
    children.push(rec);
    await firstJsonLine(rec, (v) => v.kind === "control", 120_000);
    expect(existsSync(join(library, RECORDER_FILE))).toBe(true);
    const view = spawnCli(["view", library, "--port", "0", "--json"]);
    children.push(view);
    const info = await firstJsonLine<{ url: string }>(view, (v) => typeof v.url === "string");
    const endpoint = await getJson<RecordEndpoint>(info.url, api.record());
    expect(endpoint.json.running).toBe(true);
    const ws = new WebSocket(`${info.url.replace("http", "ws")}api/record/ws`);
    const reply = await new Promise<{ id: number; ok: boolean; state: string }>((resolvePromise, reject) => {
      ws.on("open", () => ws.send(JSON.stringify({ id: 1, action: "status" })));
      ws.on("message", (m) => {
        const v = JSON.parse(m.toString()) as { id?: number; ok: boolean; state: string };
        if (v.id === 1) resolvePromise(v as { id: number; ok: boolean; state: string });
      });
      ws.on("error", reject);
    });
    expect(reply.ok).toBe(true);
    expect(typeof reply.state).toBe("string");
    // stop the recorder through the viewer; it removes its announcement on the way out
    const exited = new Promise<number | null>((r) => rec.on("exit", (code) => r(code)));
    ws.send(JSON.stringify({ id: 2, action: "shutdown" }));
    await exited;
    ws.close();
    expect(existsSync(join(library, RECORDER_FILE))).toBe(false);
    expect((await getJson<RecordEndpoint>(info.url, api.record())).json.running).toBe(false);
    view.kill("SIGTERM");
  }, 180_000);
});
