// `teledemo record` as a user runs it (a real child process): several episodes from the
// simulated rig at max speed, the ws control API and the free-space guard (a disk that really
// fills: full-disk.test.ts).
import { readdirSync, readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readSidecar } from "../../recorder/episode/layout.ts";
import { inspectPath, type LibraryReport, type RecordingReport } from "../../recorder/info/inspect.ts";
import { WebSocket } from "ws";
import { runCli, spawnCli } from "../support/cli-child.ts";
import { tempDir, withIndexedReader } from "./support.ts";

const tmp = tempDir("teledemo-record-cli-");
afterAll(() => tmp.cleanup());

const BASE = ["record", "--profile", "small", "--speed", "max", "--runtime", "local", "--min-free", "1MB"];

describe("teledemo record", () => {
  it("records N episodes with resets into one folder each; latched topics are in every episode", async () => {
    const library = join(tmp.dir, "lib");
    const r = await runCli([...BASE, "--episodes", "2", "--episode-time", "1.5", "--reset-time", "0.5", "--out", library, "--task", "stack the cups", "--operator", "ana", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as { kind: string; episodes?: unknown[] });
    const summary = lines.find((l) => l.kind === "summary")!;
    expect(summary.episodes).toHaveLength(2);
    expect(lines.filter((l) => l.kind === "episode_closed")).toHaveLength(2);
    const dirs = readdirSync(library).sort();
    expect(dirs).toHaveLength(2);
    for (const d of dirs) {
      const sidecar = readSidecar(join(library, d));
      expect(sidecar.task).toBe("stack the cups");
      expect(sidecar.operator).toBe("ana");
      expect(sidecar.duration_s).toBeGreaterThanOrEqual(1.5);
      expect(sidecar.duration_s).toBeLessThan(1.7);
      expect(sidecar.topics.find((t) => t.topic === "/tf_static")?.messages).toBe(1);
      await withIndexedReader(join(library, d, "episode.mcap"), async (reader) => {
        expect(reader.statistics!.messageCount).toBeGreaterThan(500);
      });
    }
    const report = (await inspectPath(library)) as LibraryReport;
    expect(report.episodes.map((e) => e.episode?.task)).toEqual(["stack the cups", "stack the cups"]);
    const text = await runCli(["info", library]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/2 episodes/);
  });

  it("splits an episode over several files like rosbag2; each file stands alone, info reads them as one", async () => {
    const library = join(tmp.dir, "split");
    const r = await runCli([...BASE, "--episodes", "1", "--episode-time", "3", "--out", library, "--max-file-size", "3MB", "--chunk-size", "1MB"]);
    expect(r.code, r.stderr).toBe(0);
    const [dir] = readdirSync(library);
    const sidecar = readSidecar(join(library, dir!));
    expect(sidecar.files.length).toBeGreaterThan(1);
    expect(sidecar.files[0]).toBe("episode.mcap");
    const bag = parseYaml(readFileSync(join(library, dir!, "metadata.yaml"), "utf8")) as { rosbag2_bagfile_information: { relative_file_paths: string[]; message_count: number } };
    expect(bag.rosbag2_bagfile_information.relative_file_paths).toEqual(sidecar.files);
    let total = 0;
    for (const file of sidecar.files) {
      await withIndexedReader(join(library, dir!, file), async (reader) => {
        total += Number(reader.statistics!.messageCount);
        const topics = [...reader.channelsById.values()].map((c) => c.topic);
        expect(topics, file).toContain("/tf_static");
        expect(topics, file).toContain("/calibration/transforms");
        const names: string[] = [];
        for await (const m of reader.readMetadata()) names.push(m.name);
        expect(names, file).toContain("rosbag2");
        expect(names, file).toContain("teledemo.episode");
      });
    }
    expect(total).toBe(sidecar.message_count);
    const report = (await inspectPath(join(library, dir!))) as RecordingReport;
    expect(report.files).toHaveLength(sidecar.files.length);
    expect(report.messageCount).toBe(total);
    expect(report.episode?.outcome).toBe("unknown");
  });

  it("is controlled over the ws JSON API", async () => {
    const library = join(tmp.dir, "ws");
    const child = spawnCli([...BASE.map((a) => (a === "max" ? "2" : a)), "--episodes", "0", "--episode-time", "0", "--reset-time", "0.2", "--out", library, "--json", "--control-port", "0"]);
    let out = "";
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("no control URL")), 20_000);
      child.stdout!.on("data", (d: Buffer) => {
        out += d.toString();
        const m = /"url":"(ws:[^"]+)"/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
    });
    const socket = new WebSocket(url);
    await new Promise((r) => socket.once("open", r));
    const replies: Array<Record<string, unknown>> = [];
    const healthEvents: Array<{ health: Array<{ topic: string; rateHz: number; expectedHz?: number; status: string }> }> = [];
    socket.on("message", (d) => {
      const msg = JSON.parse(d.toString()) as Record<string, unknown>;
      if ("id" in msg || "ok" in msg) replies.push(msg);
      else if ((msg.event as { kind?: string } | undefined)?.kind === "health") healthEvents.push(msg as unknown as (typeof healthEvents)[number]);
    });
    const ask = async (action: string) => {
      const n = replies.length;
      socket.send(JSON.stringify({ id: action, action }));
      while (replies.length === n) await new Promise((r) => setTimeout(r, 10));
      return replies[n]!;
    };
    while (!out.includes('"state":"recording"')) await new Promise((r) => setTimeout(r, 20));
    // live per-stream health is broadcast while the episode records (once a second)
    while (!healthEvents.some((e) => e.health.length > 0)) await new Promise((r) => setTimeout(r, 20));
    const health = healthEvents.filter((e) => e.health.length > 0).at(-1)!.health;
    const ft = health.find((h) => h.topic === "/left_wrist/ft");
    expect(ft?.expectedHz).toBe(200);
    expect(ft?.rateHz).toBeGreaterThan(0);
    const status = await ask("status");
    expect(Array.isArray(status.health)).toBe(true);
    // --json progress lines carry it too
    expect(out).toMatch(/"kind":"progress".*"health":\[\{"topic"/);
    expect((await ask("mark_success")).ok).toBe(true);
    expect((await ask("stop")).ok).toBe(true);
    expect((await ask("bogus")).ok).toBe(false);
    expect((await ask("shutdown")).ok).toBe(true);
    const code = await new Promise((r) => child.on("close", r));
    socket.close();
    expect(code).toBe(0);
    const outcomes = readdirSync(library).map((d) => readSidecar(join(library, d)).outcome);
    expect(outcomes).toContain("success");
  });

  it("refuses to start below the free-space threshold", async () => {
    const r = await runCli([...BASE, "--out", join(tmp.dir, "guard"), "--min-free", "100000TB"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/refusing to start/);
    expect(readdirSync(join(tmp.dir, "guard"))).toHaveLength(0);
  });
});
