// The viewer on recordings other tools wrote (../shared/fixtures: rosbag2 files, a split bag, a
// truncated file) — every one listed and described, none crashing the server — and the token
// that guards a non-loopback bind, and the record page's relay to a running recorder.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket, WebSocketServer } from "ws";
import type { EpisodeDetail, EpisodeSummary, RecordEndpoint } from "../../../viewer/shared/http-api.ts";
import { api } from "../../../viewer/shared/http-api.ts";
import { RECORDER_FILE } from "../../../viewer/server/record-proxy.ts";
import type { ViewerServer } from "../../../viewer/server/server.ts";
import { FIXTURES_DIR } from "../../support/fixtures.ts";
import { getJson, raw, startTestServer } from "./support.ts";

describe("fixtures written by other tools", () => {
  let server: ViewerServer;
  beforeAll(async () => {
    server = await startTestServer(FIXTURES_DIR);
  });
  afterAll(async () => server?.close());

  it("lists every recording and describes each without failing", async () => {
    const list = await getJson<EpisodeSummary[]>(server.url, api.episodes());
    expect(list.status).toBe(200);
    const ids = list.json.map((e) => e.id).sort();
    expect(ids).toEqual(
      ["rosbag2~array_msgs_0", "rosbag2~base_msgs_0", "rosbag2~cdr_test", "rosbag2~only_topics", "rosbag2~wbag", "truncated~test_sample", "truncated~test_sample_truncated"].sort(),
    );
    for (const id of ids) {
      const r = await getJson<EpisodeDetail>(server.url, api.episode(id));
      expect(r.status, id).toBe(200);
      expect(r.json.files.length, id).toBeGreaterThan(0);
      expect(r.json.streams.length, id).toBeGreaterThan(0);
      expect(r.json.urdf, id).toBeNull();
      // the browser can range-read the first recording file
      const first = r.json.files.find((f) => f.name.endsWith(".mcap"))!;
      const head = await raw(server.url, "GET", first.url, { Range: "bytes=0-7" });
      expect(head.status, id).toBe(206);
      expect(head.body.subarray(1, 5).toString("latin1"), id).toBe("MCAP");
    }
    const wbag = await getJson<EpisodeDetail>(server.url, api.episode("rosbag2~wbag"));
    expect(wbag.json.files.filter((f) => f.name.endsWith(".mcap"))).toHaveLength(5);
    expect(wbag.json.files.map((f) => f.name)).toContain("metadata.yaml");
    const imu = await getJson<EpisodeDetail>(server.url, api.episode("rosbag2~array_msgs_0"));
    expect(imu.json.streams.map((s) => s.type)).toEqual(expect.arrayContaining(["sensor_msgs/msg/Imu", "sensor_msgs/msg/JointState"]));
    // suggestions on a recording without tactile/FT data: none, not an error
    const sug = await getJson<{ events: unknown[] }>(server.url, api.suggestions("rosbag2~array_msgs_0"));
    expect(sug.status).toBe(200);
    expect(sug.json.events).toEqual([]);
  });
});

describe("token on a non-loopback bind", () => {
  let server: ViewerServer;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "teledemo-token-"));
    server = await startTestServer(join(FIXTURES_DIR, "rosbag2", "array_msgs_0.mcap"), { host: "0.0.0.0" });
  });
  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("prints a token and refuses API and file requests without it", async () => {
    expect(server.token).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(server.openUrl).toContain(`#token=${server.token}`);
    const base = `http://127.0.0.1:${server.port}/`;
    expect((await raw(base, "GET", api.episodes())).status).toBe(401);
    expect((await raw(base, "GET", api.episodes(), { Authorization: "Bearer wrong" })).status).toBe(401);
    expect((await raw(base, "GET", `${api.episodes()}?token=${server.token}`)).status).toBe(401);
    const ok = await getJson<EpisodeSummary[]>(base, api.episodes(), { Authorization: `Bearer ${server.token}` });
    expect(ok.status).toBe(200);
    const file = api.file(ok.json[0]!.id, "array_msgs_0.mcap");
    expect((await raw(base, "GET", file)).status).toBe(401);
    expect((await raw(base, "GET", `${file}?token=${server.token}`, { Range: "bytes=0-3" })).status).toBe(206);
    expect((await raw(base, "PUT", api.labels(ok.json[0]!.id, "x"), { "Content-Type": "application/json" }, "{}")).status).toBe(401);
    // the app shell itself is public (it holds no data); it reads the token from the URL fragment
    expect((await raw(base, "GET", "/")).status).toBe(404 /* serveApp: false in tests */);
  });
});

describe("record page relay", () => {
  let server: ViewerServer;
  let library: string;
  let recorder: WebSocketServer;
  beforeAll(async () => {
    library = mkdtempSync(join(tmpdir(), "teledemo-rec-"));
    // a stand-in for the recorder's ws control API: answers every request with its action
    recorder = new WebSocketServer({ port: 0, host: "127.0.0.1" });
    await new Promise<void>((r) => recorder.once("listening", () => r()));
    recorder.on("connection", (s) => s.on("message", (m) => s.send(JSON.stringify({ ok: true, echo: JSON.parse(m.toString()) }))));
    server = await startTestServer(library, { token: "t0ken-for-the-test-1234" });
  });
  afterAll(async () => {
    await server?.close();
    recorder?.close();
    rmSync(library, { recursive: true, force: true });
  });

  const auth = { Authorization: "Bearer t0ken-for-the-test-1234" };

  it("reports no recorder, a dead one as none, and a live one with its port", async () => {
    expect((await getJson<RecordEndpoint>(server.url, api.record(), auth)).json).toEqual({ running: false });
    writeFileSync(join(library, RECORDER_FILE), JSON.stringify({ pid: 2 ** 22 + 12345, port: 1, started: "x" }));
    expect((await getJson<RecordEndpoint>(server.url, api.record(), auth)).json).toEqual({ running: false });
    const port = (recorder.address() as { port: number }).port;
    writeFileSync(join(library, RECORDER_FILE), JSON.stringify({ pid: process.pid, port, started: new Date().toISOString() }));
    expect((await getJson<RecordEndpoint>(server.url, api.record(), auth)).json).toEqual({ running: true, library, port });
  });

  it("relays ws messages both ways, only with the token", async () => {
    const wsUrl = `ws://127.0.0.1:${server.port}${api.recordWs()}`;
    const refused = await new Promise<number>((resolve) => {
      const ws = new WebSocket(wsUrl);
      ws.on("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
      ws.on("open", () => resolve(101));
      ws.on("error", () => resolve(-1));
    });
    expect(refused).toBe(401);
    const ws = new WebSocket(`${wsUrl}?token=t0ken-for-the-test-1234`);
    const reply = await new Promise<unknown>((resolve, reject) => {
      ws.on("open", () => ws.send(JSON.stringify({ id: 7, action: "status" })));
      ws.on("message", (m) => resolve(JSON.parse(m.toString())));
      ws.on("error", reject);
    });
    expect(reply).toEqual({ ok: true, echo: { id: 7, action: "status" } });
    ws.close();
  });
});
