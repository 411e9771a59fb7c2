// The aligned episode reader on a real simulated episode (recorded by the CLI) and on the
// fixtures other tools wrote: corrected times against the simulator's clock truth, ordering,
// stateAt against the decoded neighbours, resample == stateAt, and `teledemo align`.
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALIGNMENT_FILE, openAlignedEpisode, type AlignedEpisode, type AlignedMessage } from "../../recorder/aligned/index.ts";
import { episodeProfile, simTruth } from "../../recorder/aligned/profile.ts";
import { runCli } from "../support/cli-child.ts";
import { fixturePath } from "../support/fixtures.ts";
import { simEpisode } from "../support/sim-episode.ts";

let dir: string;
let ep: AlignedEpisode;
let all: AlignedMessage[];

beforeAll(async () => {
  const source = await simEpisode({ profile: "small", seconds: 4, seed: 7 });
  dir = join(mkdtempSync(join(tmpdir(), "aligned-")), "episode");
  cpSync(source, dir, { recursive: true });
  rmSync(join(dir, ALIGNMENT_FILE), { force: true });
  ep = await openAlignedEpisode(dir, { alignment: "computed" });
  all = [];
  for await (const m of ep.messages()) all.push(m);
}, 600_000);

afterAll(async () => {
  await ep?.close();
  if (dir) rmSync(join(dir, ".."), { recursive: true, force: true });
});

const abs = (x: bigint): bigint => (x < 0n ? -x : x);

describe("aligned reader on a simulated episode", () => {
  it("recovers each sample's capture time (+ its sensor's fixed latency) from the stamp, within 0.5 ms", () => {
    const truth = simTruth(ep.facts, episodeProfile(ep.facts.rig_profile))!;
    expect(truth).toBeDefined();
    let checked = 0;
    const worstByTopic = new Map<string, number>();
    for (const m of all) {
      const t = truth.forTopic(m.topic);
      if (!t || m.stampNs === undefined) continue;
      // stamp = host + offset + drift·(host − epoch)  ⇒  host capture time from the stamp
      const stampRel = Number(m.stampNs - truth.epochNs);
      const hostRel = (stampRel - t.clock.offsetNs) / (1 + t.clock.driftPpm * 1e-6);
      const expected = Number(truth.epochNs - ep.startNs) + hostRel + t.clock.latencyMs * 1e6;
      const err = Math.abs(Number(m.correctedNs - ep.startNs) - expected);
      worstByTopic.set(m.topic, Math.max(worstByTopic.get(m.topic) ?? 0, err));
      checked++;
    }
    expect(checked).toBeGreaterThan(1000);
    for (const [topic, err] of worstByTopic) expect(err, topic).toBeLessThan(0.5e6);
    // every stamped stream of the profile got a computed model
    const stamped = ep.streams.filter((s) => truth.forTopic(s.topic));
    expect(stamped.length).toBeGreaterThan(10);
    for (const s of stamped) expect(s.source, s.topic).toBe("computed");
  });

  it("iterates every message once, ordered by corrected time", () => {
    expect(all.length).toBe(ep.streams.reduce((n, s) => n + s.messageCount, 0));
    for (let i = 1; i < all.length; i++) expect(all[i]!.correctedNs >= all[i - 1]!.correctedNs).toBe(true);
    expect(all[0]!.correctedNs).toBe(ep.startNs);
    expect(all[all.length - 1]!.correctedNs).toBe(ep.endNs);
  });

  it("a time window gives exactly the messages whose corrected time is in it", async () => {
    const from = ep.startNs + 1_000_000_000n;
    const to = from + 500_000_000n;
    const got: AlignedMessage[] = [];
    for await (const m of ep.messages({ startNs: from, endNs: to, topics: ["/joint_states", "/head_camera/color/image_raw"] })) got.push(m);
    const want = all.filter((m) => m.correctedNs >= from && m.correctedNs < to && (m.topic === "/joint_states" || m.topic === "/head_camera/color/image_raw"));
    expect(got.map((m) => `${m.topic}@${m.logNs}`)).toEqual(want.map((m) => `${m.topic}@${m.logNs}`));
  });

  it("stateAt interpolates continuous streams between the decoded neighbours and picks the nearest image", async () => {
    const t = ep.startNs + 2_003_000_000n;
    const states = await ep.stateAt(t);
    const js = all.filter((m) => m.topic === "/joint_states");
    const before = js.filter((m) => m.correctedNs <= t).at(-1)!;
    const after = js.find((m) => m.correctedNs > t)!;
    const w = Number(t - before.correctedNs) / Number(after.correctedNs - before.correctedNs);
    const pa = before.decode().position as Float64Array;
    const pb = after.decode().position as Float64Array;
    const s = states.get("/joint_states")!;
    expect(s.status).toBe("ok");
    const pos = s.value!.data[s.value!.fields.indexOf("position")]!;
    for (let i = 0; i < pa.length; i++) expect(pos[i]).toBeCloseTo(pa[i]! + (pb[i]! - pa[i]!) * w, 9);
    expect(abs(s.skewNs) <= after.correctedNs - before.correctedNs).toBe(true);
    // images: the nearest frame in corrected time
    const imgs = all.filter((m) => m.topic === "/head_camera/color/image_raw");
    const nearest = imgs.reduce((a, b) => (abs(b.correctedNs - t) < abs(a.correctedNs - t) ? b : a));
    const img = states.get("/head_camera/color/image_raw")!;
    expect(img.message!.logNs).toBe(nearest.logNs);
    expect(img.skewNs).toBe(nearest.correctedNs - t);
    // the IMU orientation is a unit quaternion after slerp
    const q = states.get("/imu/data")!.value!.data[0]!;
    expect(Math.hypot(q[0]!, q[1]!, q[2]!, q[3]!)).toBeCloseTo(1, 9);
  });

  it("resample gives exactly what stateAt gives on every grid point", async () => {
    const grid: bigint[] = [];
    for (let t = ep.startNs - 50_000_000n; t <= ep.endNs + 50_000_000n; t += 97_000_000n) grid.push(t);
    const topics = ["/joint_states", "/imu/data", "/left_wrist/ft", "/head_camera/color/image_raw", "/lidar/points", "/tactile/left_gripper/left_pad"];
    let n = 0;
    for await (const row of ep.resample(grid, { topics })) {
      expect(row.tNs).toBe(grid[n]);
      const direct = await ep.stateAt(row.tNs, { topics });
      for (const topic of topics) {
        const a = row.states.get(topic)!;
        const b = direct.get(topic)!;
        expect([a.status, a.skewNs, a.message?.logNs], `${topic} at ${n}`).toEqual([b.status, b.skewNs, b.message?.logNs]);
        expect(JSON.stringify(a.value ? a.value.data.map((d) => [...d]) : null)).toBe(JSON.stringify(b.value ? b.value.data.map((d) => [...d]) : null));
      }
      n++;
    }
    expect(n).toBe(grid.length);
  });

  it("teledemo align writes alignment.json, never touches the MCAP, and the reader then uses it", async () => {
    const mcap = join(dir, "episode.mcap");
    const hash = () => createHash("sha256").update(readFileSync(mcap)).digest("hex");
    const before = hash();
    const r = await runCli(["align", dir, "--json"], 300_000);
    expect(r.code, r.stderr).toBe(0);
    expect(hash()).toBe(before);
    expect(existsSync(join(dir, ALIGNMENT_FILE))).toBe(true);
    const out = JSON.parse(r.stdout) as { streams: Array<{ topic: string; segments: number; truth?: { offsetErrorMs: number } }> };
    const js = out.streams.find((s) => s.topic === "/joint_states")!;
    expect(js.segments).toBe(1);
    for (const s of out.streams) if (s.truth) expect(Math.abs(s.truth.offsetErrorMs), s.topic).toBeLessThan(0.5);
    const again = await openAlignedEpisode(dir);
    try {
      expect(again.streams.find((s) => s.topic === "/joint_states")!.source).toBe("alignment-file");
      const file = JSON.parse(readFileSync(join(dir, ALIGNMENT_FILE), "utf8")) as { streams: Record<string, { crossModalOffsetNs: string }> };
      for (const s of again.streams) expect(s.crossModalOffsetNs.toString()).toBe(file.streams[s.topic]!.crossModalOffsetNs);
    } finally {
      await again.close();
    }
    const bad = await runCli(["align", join(dir, "nope")]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/no such file or directory/);
  }, 300_000);
});

describe("aligned reader on recordings other tools wrote", () => {
  const cases: Array<[string, number]> = [
    ["rosbag2/wbag", 6074],
    ["rosbag2/array_msgs_0.mcap", 2],
    ["rosbag2/base_msgs_0.mcap", 3],
    ["rosbag2/only_topics.mcap", 7],
    ["rosbag2/cdr_test", 7],
    ["truncated/test_sample.mcap", 14],
    ["truncated/test_sample_truncated.mcap", 14],
  ];
  for (const [path, count] of cases) {
    it(`opens ${path}`, async () => {
      const e = await openAlignedEpisode(fixturePath(path));
      try {
        let n = 0;
        let last = -1n;
        for await (const m of e.messages()) {
          expect(m.correctedNs >= last).toBe(true);
          last = m.correctedNs;
          m.decode();
          n++;
        }
        expect(n).toBe(count);
        expect(e.streams.reduce((a, s) => a + s.messageCount, 0)).toBe(count);
        const mid = await e.stateAt((e.startNs + e.endNs) / 2n);
        expect(mid.size).toBe(e.streams.length);
      } finally {
        await e.close();
      }
    });
  }
  it("the split bag's files are all read, in order", async () => {
    const e = await openAlignedEpisode(fixturePath("rosbag2/wbag"));
    try {
      expect(e.files.map((f) => f.split("/").pop())).toEqual(["wbag_0.mcap", "wbag_1.mcap", "wbag_2.mcap", "wbag_3.mcap", "wbag_4.mcap"]);
    } finally {
      await e.close();
    }
  });
  it("names the problem for a path that is not a recording", async () => {
    await expect(openAlignedEpisode(fixturePath("nope.mcap"))).rejects.toThrow(/no such file or directory/);
  });
});
