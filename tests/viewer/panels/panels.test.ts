// The viewer's panels in headless chromium, fed REAL decoded messages of a recorded simulated
// episode (decoded in Node by the aligned episode reader, corrected times included). Every
// assertion compares what a panel drew with what the data says, computed here independently:
// camera pixels against the image bytes, LiDAR points projected into the depth camera against
// the depth image, the plot cursor and click-to-seek against the window, the heatmap colour of
// the strongest taxel, and the arm link poses against the simulator's own kinematics.
import { join, resolve } from "node:path";
import { build } from "esbuild";
import { McapIndexedReader } from "@mcap/core";
import { FileHandleReadable } from "@mcap/nodejs";
import { open } from "node:fs/promises";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openAlignedEpisode } from "../../../recorder/aligned/index.ts";
import { composeTransforms, makeTransform, type RigidTransform } from "../../../calibration/math/rigid.ts";
import { dynamicTransforms } from "../../../nodes/sim/world/tf-tree.ts";
import { ARM_DOF, armOffset, gripperIndex, gripperJointName, SIDES } from "../../../nodes/sim/world/robot.ts";
import { turbo } from "../../../viewer/app/panels/util/colormap.ts";
import { formatTactileTotal, tactileTotal } from "../../../viewer/app/panels/util/tactile-values.ts";
import { DEFAULT_CONTACT_THRESHOLD } from "../../../viewer/app/panels/scene3d.ts";
import type { DecodedMessage } from "../../../viewer/app/panels/contract.ts";
import type { EpisodeDetail } from "../../../viewer/shared/http-api.ts";
import { simEpisode } from "../../support/sim-episode.ts";
import { REPO_ROOT } from "../../support/fixtures.ts";
import { loadRigProfile } from "../../../nodes/rig/profile.ts";
import { robotUrdf } from "../../../nodes/sim/world/urdf.ts";
import { launchBrowser, screenshot, type BrowserSession } from "../support/browser.ts";
import { stringifyTagged } from "./tagged.ts";

const HERE = resolve(import.meta.dirname);
const ORIGIN = "http://panels.test";

interface Data {
  episode: EpisodeDetail;
  messages: Record<string, DecodedMessage[]>;
}

let session: BrowserSession;
let page: Page;
let data: Data;
let tContact: bigint;
let contactTopic: string;

const latest = (topic: string, t: bigint): DecodedMessage => {
  const list = data.messages[topic] ?? [];
  let found: DecodedMessage | undefined;
  for (const m of list) if (m.tNs <= t) found = m;
  if (!found) throw new Error(`no ${topic} message at or before ${t}`);
  return found;
};

const sum = (a: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]!;
  return s;
};

async function loadEpisode(dir: string): Promise<Data> {
  const aligned = await openAlignedEpisode(dir);
  const messages: Record<string, DecodedMessage[]> = {};
  try {
    for await (const m of aligned.messages()) {
      (messages[m.topic] ??= []).push({ topic: m.topic, schema: m.type, tNs: m.correctedNs, logNs: m.logNs, value: m.decode() as Record<string, unknown> });
    }
  } finally {
    await aligned.close();
  }
  // the rig's URDF attachment, as the server sends it in EpisodeDetail.urdf
  const fh = await open(join(dir, "episode.mcap"), "r");
  let urdf: string | null = null;
  try {
    const reader = await McapIndexedReader.Initialize({ readable: new FileHandleReadable(fh) });
    for await (const a of reader.readAttachments({ name: "calibration/rig.urdf" })) urdf = new TextDecoder().decode(a.data);
  } finally {
    await fh.close();
  }
  const streams = aligned.streams.map((s) => ({ topic: s.topic, type: s.type, kind: s.kind, messageCount: messages[s.topic]?.length ?? 0, periodNs: s.periodNs === undefined ? null : String(s.periodNs) }));
  const episode: EpisodeDetail = {
    summary: { id: "ep", task: "t", operator: "o", start: "", durationS: 0, outcome: "unknown", flags: [], profile: "small", qa: null, labels: { annotators: ["alice", "bob"], status: "in_progress" } },
    facts: { ...aligned.facts },
    files: [],
    streams,
    startNs: String(aligned.startNs),
    endNs: String(aligned.endNs),
    alignment: aligned.alignmentJson(),
    urdf,
  };
  return { episode, messages };
}

beforeAll(async () => {
  const dir = await simEpisode({ profile: "small", seconds: 12, seed: 3 });
  data = await loadEpisode(dir);
  // the instant of the firmest grasp: the tactile message with the largest total pressure
  let best = -Infinity;
  for (const [topic, list] of Object.entries(data.messages)) {
    if (!topic.startsWith("/tactile/")) continue;
    for (const m of list) {
      const s = sum(m.value["pressure"] as Float32Array);
      if (s > best) [best, tContact, contactTopic] = [s, m.tNs, topic];
    }
  }
  expect(best).toBeGreaterThan(500); // the episode really has a grasp
  // only images/clouds near the instants under test travel to the page (the rest would be ~40 MB of JSON)
  const heavy = new Set(data.episode.streams.filter((s) => s.kind === "image" || s.kind === "pointcloud").map((s) => s.topic));
  const sent: Record<string, DecodedMessage[]> = {};
  for (const [topic, list] of Object.entries(data.messages)) {
    sent[topic] = heavy.has(topic) ? list.filter((m) => m.tNs > tContact - 1_000_000_000n && m.tNs <= tContact + 200_000_000n) : list;
  }
  const agreement = { annotators: ["alice", "bob"], pairs: [{ a: "alice", b: "bob", phaseBoundaryMaeMs: 23.5, eventF1: 0.8, cohensKappa: 0.71 }] };
  const body = stringifyTagged({ episode: data.episode, messages: sent, agreement });
  const bundle = await build({ entryPoints: [join(HERE, "harness.ts")], bundle: true, write: false, format: "esm", platform: "browser", target: "chrome110", logLevel: "silent" });
  const js = bundle.outputFiles[0]!.text;
  const html = `<!doctype html><html><head><meta charset="utf-8"><style>
    body{margin:0;background:#15171a;color:#ddd;font-family:sans-serif}
    #grid{display:grid;grid-template-columns:repeat(3,460px);grid-auto-rows:340px;gap:6px;padding:6px}
    .frame{display:flex;flex-direction:column;border:1px solid #333;min-height:0;margin:0}
    .frame h3{margin:0;padding:2px 6px;font-size:12px;background:#222}
    .body{flex:1 1 auto;min-height:0}
  </style><script type="module" src="/harness.js"></script></head><body><div id="grid"></div></body></html>`;
  session = await launchBrowser();
  page = session.page;
  await page.setViewportSize({ width: 1420, height: 2400 });
  await page.route(`${ORIGIN}/**`, (route) => {
    const path = new URL(route.request().url()).pathname;
    if (path === "/") return route.fulfill({ body: html, contentType: "text/html" });
    if (path === "/harness.js") return route.fulfill({ body: js, contentType: "text/javascript" });
    if (path === "/data.json") return route.fulfill({ body, contentType: "application/json" });
    return route.fulfill({ status: 404, body: "not found" });
  });
  await page.goto(`${ORIGIN}/`);
  await page.evaluate(async (t) => {
    const h = await (window as unknown as { harnessReady: Promise<{ render(t: bigint): void }> }).harnessReady;
    h.render(BigInt(t));
  }, String(tContact));
  // the 3D view draws on the next animation frame
  await page.waitForFunction(() => {
    const h = (window as unknown as { harness?: { panel(id: string): { lastStats(): { renders: number } } | undefined } }).harness;
    return (h?.panel("3d")?.lastStats().renders ?? 0) > 0;
  });
}, 300_000);

afterAll(async () => {
  await session?.close();
});

describe("viewer panels on a recorded simulated episode", () => {
  it("offers a panel for every kind of data the episode has", async () => {
    const ids = await page.evaluate(() => (window as unknown as { harness: { panels: Array<{ id: string }> } }).harness.panels.map((p) => p.id));
    const images = data.episode.streams.filter((s) => s.type === "sensor_msgs/msg/Image").map((s) => `camera:${s.topic}`);
    expect(images.length).toBe(4);
    expect(ids).toEqual(expect.arrayContaining(["3d", ...images, "plot:joints", "plot:wrench", "plot:imu", "plot:tactile", "tactile", "agreement"]));
    expect(session.errors).toEqual([]);
    await screenshot(page, "panels-all");
  });

  it("draws the camera image byte for byte", async () => {
    const topic = "/head_camera/color/image_raw";
    const img = latest(topic, tContact);
    const got = await page.evaluate((topic) => {
      const c = document.querySelector<HTMLCanvasElement>(`canvas[data-topic="${topic}"]`)!;
      const d = c.getContext("2d")!.getImageData(0, 0, c.width, c.height).data;
      let s = "";
      for (let i = 0; i < d.length; i++) s += String.fromCharCode(d[i]!);
      return { w: c.width, h: c.height, b64: btoa(s) };
    }, topic);
    const w = img.value["width"] as number;
    const h = img.value["height"] as number;
    const step = img.value["step"] as number;
    const src = img.value["data"] as Uint8Array;
    expect([got.w, got.h]).toEqual([w, h]);
    const rgba = Buffer.from(got.b64, "base64");
    let mismatches = 0;
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        const s = y * step + x * 3;
        const d = (y * w + x) * 4;
        if (rgba[d] !== src[s] || rgba[d + 1] !== src[s + 1] || rgba[d + 2] !== src[s + 2] || rgba[d + 3] !== 255) mismatches++;
      }
    expect(mismatches).toBe(0);
    await page.locator(`section[data-set="main"][data-panel="camera:${topic}"]`).screenshot({ path: join(HERE, "../../../tmp/screenshots/panels-camera-head.png") });
  });

  it("projects LiDAR points onto the depth camera where the depth image agrees", async () => {
    const topic = "/head_camera/depth/image_raw";
    // the toggle, as a user flips it
    await page.locator(`section[data-set="main"][data-panel="camera:${topic}"] input[type=checkbox]`).check();
    const r = await page.evaluate((topic) => {
      const h = (window as unknown as { harness: { panel(id: string): unknown; settings: Record<string, unknown> } }).harness;
      const p = h.panel(`camera:${topic}`) as { drawState(): { imageTNs: bigint | null; projection: { points: { uv: Float32Array; depth: Float32Array; count: number } } | null; projectionProblem: string | null } };
      const s = p.drawState();
      return { imageT: String(s.imageTNs), problem: s.projectionProblem, count: s.projection?.points.count ?? 0, uv: Array.from(s.projection?.points.uv ?? []), depth: Array.from(s.projection?.points.depth ?? []), settings: JSON.stringify(h.settings) };
    }, topic);
    expect(r.problem).toBeNull();
    expect(r.settings).toContain('"project":true');
    const img = latest(topic, tContact);
    expect(r.imageT).toBe(String(img.tNs));
    expect(r.count).toBeGreaterThan(100);
    const w = img.value["width"] as number;
    const step = img.value["step"] as number;
    const bytes = img.value["data"] as Uint8Array;
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const errs: number[] = [];
    for (let i = 0; i < r.count; i++) {
      const u = Math.floor(r.uv[i * 2]!);
      const v = Math.floor(r.uv[i * 2 + 1]!);
      expect(u).toBeLessThan(w);
      const mm = dv.getUint16(v * step + u * 2, true);
      if (mm > 0) errs.push(Math.abs(mm / 1000 - r.depth[i]!));
    }
    errs.sort((a, b) => a - b);
    expect(errs.length).toBeGreaterThan(r.count * 0.8);
    // the same surfaces seen by two sensors: the median point agrees within 3 cm
    expect(errs[Math.floor(errs.length / 2)]!).toBeLessThan(0.03);
    await page.locator(`section[data-set="main"][data-panel="camera:${topic}"]`).screenshot({ path: join(HERE, "../../../tmp/screenshots/panels-depth-lidar.png") });
  });

  it("puts the plot cursor at the playhead and seeks where the plot is clicked", async () => {
    const st = await page.evaluate(() => {
      const h = (window as unknown as { harness: { panel(id: string): unknown } }).harness;
      const p = h.panel("plot:wrench") as { chartStates(): Array<{ cursorX: number; fromNs: bigint; toNs: bigint; width: number; yRange: [number, number] | null }> };
      const s = p.chartStates()[0]!;
      const c = document.querySelector<HTMLCanvasElement>(`section[data-set="main"][data-panel="plot:wrench"] canvas`)!;
      const px = c.getContext("2d")!.getImageData(s.cursorX, Math.floor(c.height / 2), 1, 1).data;
      const rect = c.getBoundingClientRect();
      return { cursorX: s.cursorX, from: String(s.fromNs), to: String(s.toNs), width: s.width, yRange: s.yRange, px: Array.from(px), rect: { x: rect.x, y: rect.y, w: rect.width, h: rect.height } };
    });
    const from = BigInt(st.from);
    const to = BigInt(st.to);
    expect(to - from).toBe(10_000_000_000n); // ±5 s by default
    expect((from + to) / 2n).toBe(tContact);
    // the cursor sits in the middle of the plot area (48 px left margin, 8 px right) and is drawn red
    expect(Math.abs(st.cursorX - (48 + (st.width - 56) / 2))).toBeLessThanOrEqual(1);
    expect(st.px.slice(0, 3)).toEqual([255, 59, 48]);
    // the y range covers the force actually recorded in the window
    const fz = data.messages["/left_wrist/ft"]!.filter((m) => m.tNs >= from && m.tNs <= to).map((m) => (m.value["wrench"] as { force: { x: number; y: number; z: number } }).force);
    const all = fz.flatMap((f) => [f.x, f.y, f.z]);
    expect(st.yRange![0]).toBeLessThanOrEqual(Math.min(...all));
    expect(st.yRange![1]).toBeGreaterThanOrEqual(Math.max(...all));
    // click a quarter of the way into the plot area
    const scale = st.rect.w / st.width;
    const xCanvas = 48 + (st.width - 56) * 0.25;
    await page.mouse.click(st.rect.x + xCanvas * scale, st.rect.y + st.rect.h / 2);
    const seeks = await page.evaluate(() => (window as unknown as { harness: { seeks: bigint[] } }).harness.seeks.map(String));
    expect(seeks.length).toBe(1);
    const expected = from + (to - from) / 4n;
    const nsPerPx = Number(to - from) / (st.width - 56);
    expect(Math.abs(Number(BigInt(seeks[0]!) - expected))).toBeLessThanOrEqual(nsPerPx * 1.5);
    // a series toggle is remembered
    await page.locator(`section[data-set="main"][data-panel="plot:wrench"] input[data-series]`).first().uncheck();
    const settings = await page.evaluate(() => JSON.stringify((window as unknown as { harness: { settings: unknown } }).harness.settings));
    expect(settings).toContain('"plot:wrench":{"hidden":["/left_wrist/ft:wrench.force.x"]}');
    await page.locator(`section[data-set="main"][data-panel="plot:wrench"]`).screenshot({ path: join(HERE, "../../../tmp/screenshots/panels-plot-wrench.png") });
  });

  it("colours the strongest taxel at the top of the heatmap scale", async () => {
    const pads = data.episode.streams.filter((s) => s.topic.startsWith("/tactile/")).map((s) => s.topic);
    let scale = 5;
    for (const t of pads) for (const p of latest(t, tContact).value["pressure"] as Float32Array) scale = Math.max(scale, p);
    const msg = latest(contactTopic, tContact);
    const p = msg.value["pressure"] as Float32Array;
    const cols = msg.value["cols"] as number;
    let iMax = 0;
    for (let i = 1; i < p.length; i++) if (p[i]! > p[iMax]!) iMax = i;
    const r = await page.evaluate(
      ({ topic, iMax, cols }) => {
        const h = (window as unknown as { harness: { panel(id: string): unknown } }).harness;
        const panel = h.panel("tactile") as { padStates(): Array<{ topic: string; maxIndex: number }>; scale(): number };
        const c = document.querySelector<HTMLCanvasElement>(`section[data-set="main"][data-panel="tactile"] canvas[data-topic="${topic}"]`)!;
        const cell = 16;
        const x = (iMax % cols) * cell + 2;
        const y = Math.floor(iMax / cols) * cell + 2;
        return { state: panel.padStates().find((s) => s.topic === topic), scale: panel.scale(), px: Array.from(c.getContext("2d")!.getImageData(x, y, 1, 1).data) };
      },
      { topic: contactTopic, iMax, cols },
    );
    expect(r.state?.maxIndex).toBe(iMax);
    expect(r.scale).toBeCloseTo(scale, 4);
    expect(r.px.slice(0, 3)).toEqual(turbo(p[iMax]! / scale));
    await page.locator(`section[data-set="main"][data-panel="tactile"]`).screenshot({ path: join(HERE, "../../../tmp/screenshots/panels-tactile.png") });
  });

  it("draws the 3D scene: cloud, TF frames, force arrows, the pad in contact, and the arms from /tf", async () => {
    const r = await scene3d("main");
    expect(r.stats.fixedFrame).toBe("base_link");
    expect(r.stats.points).toBeGreaterThan(1000);
    expect(r.stats.frames).toBeGreaterThan(20);
    expect(r.stats.arrows).toBe(2);
    const touching = data.episode.streams.filter((s) => s.topic.startsWith("/tactile/") && sum(latest(s.topic, tContact).value["pressure"] as Float32Array) > DEFAULT_CONTACT_THRESHOLD).map((s) => s.topic);
    expect(touching).toContain(contactTopic);
    expect(r.stats.contacts.sort()).toEqual(touching.sort());
    expect(r.colours).toBeGreaterThan(50);
    expect(r.notBackground).toBeGreaterThan(0.05);
    // the recorded URDF holds the rig's fixed extrinsics only, so the arms follow /tf: the link
    // poses must be the TF chain (latest /tf at t over /tf_static) composed here
    const edges = staticEdges();
    for (const e of tfEdges(latest("/tf", tContact))) edges.set(e.child, e);
    expectPoses(r.poses, edges, ["left_link1", "left_link4", "left_link7", "left_flange", "right_link7", "right_flange", "left_gripper_left_pad", "right_gripper_right_pad"]);
    await page.locator(`section[data-set="main"][data-panel="3d"]`).screenshot({ path: join(HERE, "../../../tmp/screenshots/panels-3d.png") });
  });

  it("poses the arms by forward kinematics of the robot's URDF from /joint_states", async () => {
    const profile = loadRigProfile(join(REPO_ROOT, "launch", "profiles", "small.yaml"));
    const urdf = robotUrdf({ rootFrame: profile.root_frame, staticFrames: profile.static_frames });
    const ids = await page.evaluate(({ urdf, t }) => (window as unknown as { harness: { mountWithUrdf(u: string, t: bigint): string[] } }).harness.mountWithUrdf(urdf, BigInt(t)), { urdf, t: String(tContact) });
    // with arm kinematics the joint plots split per arm
    expect(ids).toEqual(expect.arrayContaining(["3d", "plot:joints:left", "plot:joints:right"]));
    expect(ids).not.toContain("plot:joints");
    await page.waitForFunction(() => {
      const h = (window as unknown as { harness: { extra(id: string): { lastStats(): { renders: number } } | undefined } }).harness;
      return (h.extra("3d")?.lastStats().renders ?? 0) > 0;
    });
    const r = await scene3d("urdf");
    // independent forward kinematics: the simulator's own per-joint transforms from the same joint state
    const js = latest("/joint_states", tContact);
    const names = js.value["name"] as string[];
    const pos = js.value["position"] as Float64Array;
    const byName = new Map(names.map((n, i) => [n, pos[i]!]));
    const q = new Float64Array(2 * ARM_DOF + 2);
    for (const side of SIDES) {
      for (let i = 0; i < ARM_DOF; i++) q[armOffset(side) + i] = byName.get(`${side}_joint${i + 1}`)!;
      q[gripperIndex(side)] = byName.get(gripperJointName(side))!;
    }
    const edges = staticEdges();
    for (const f of dynamicTransforms(q, { position: [0, 0, 0], orientation: [0, 0, 0, 1] }, "base_link")) edges.set(f.child, { child: f.child, parent: f.parent, t: makeTransform(f.transform.position, f.transform.orientation) });
    expectPoses(r.poses, edges, ["left_link1", "left_link4", "left_link7", "left_flange", "right_link2", "right_link7", "right_flange", "left_gripper_left_pad", "left_gripper_right_pad", "right_gripper_right_pad"]);
    await page.locator(`section[data-set="urdf"][data-panel="3d"]`).screenshot({ path: join(HERE, "../../../tmp/screenshots/panels-3d-urdf.png") });
    await page.locator(`section[data-set="urdf"][data-panel="plot:joints:left"]`).screenshot({ path: join(HERE, "../../../tmp/screenshots/panels-plot-joints-left.png") });
  });

  it("keeps a plot's room for its charts: a legend of many series stays on two lines until expanded (remembered)", async () => {
    const sel = `section[data-set="main"][data-panel="plot:joints"]`;
    const series = await page.locator(`${sel} input[data-series]`).count();
    expect(series).toBeGreaterThanOrEqual(28); // 14+ joints × position and velocity
    const measure = () =>
      page.evaluate((s) => {
        const root = document.querySelector(s)!;
        const legend = root.querySelector("input[data-series]")!.closest("label")!.parentElement!;
        const charts = Array.from(root.querySelectorAll<HTMLCanvasElement>("canvas[data-chart]")).reduce((a, c) => a + c.getBoundingClientRect().height, 0);
        return { legend: legend.getBoundingClientRect().height, charts };
      }, sel);
    const collapsed = await measure();
    expect(collapsed.legend).toBeLessThanOrEqual(34);
    expect(collapsed.charts).toBeGreaterThan(4 * collapsed.legend);
    await page.locator(`${sel} button[data-legend-toggle]`).click();
    const expanded = await measure();
    expect(expanded.legend).toBeGreaterThan(collapsed.legend);
    const settings = await page.evaluate(() => JSON.stringify((window as unknown as { harness: { settings: unknown } }).harness.settings));
    expect(settings).toContain('"plot:joints":{"legendExpanded":true}');
    await page.locator(`${sel} button[data-legend-toggle]`).click();
    await page.locator(sel).screenshot({ path: join(HERE, "../../../tmp/screenshots/panels-plot-joints.png") });
  });

  it("never shows a tactile total of \"Σ -0\" for noise around zero", async () => {
    expect([-0.3, -0, 0, 0.4, 12.4, -7.6, -0.5].map(formatTactileTotal)).toEqual(["0", "0", "0", "0", "12", "-8", "0"]);
    // in the page: at the pad message whose total is nearest zero from below (noise after bias removal)
    let pick: { tNs: bigint; topic: string; total: number } | undefined;
    for (const [topic, list] of Object.entries(data.messages)) {
      if (!topic.startsWith("/tactile/")) continue;
      for (const m of list) {
        const total = tactileTotal(m.value);
        if (total < 0 && (!pick || total > pick.total)) pick = { tNs: m.tNs, topic, total };
      }
    }
    if (!pick) return; // this episode's pads never read below zero: the formatter check above stands
    await page.evaluate((t) => (window as unknown as { harness: { render(t: bigint): void } }).harness.render(BigInt(t)), String(pick.tNs));
    const caption = await page.locator(`section[data-set="main"][data-panel="tactile"] canvas[data-topic="${pick.topic}"]`).evaluate((c) => c.previousElementSibling?.textContent ?? "");
    expect(caption.endsWith(`Σ ${formatTactileTotal(pick.total)}`)).toBe(true);
    expect(caption).not.toMatch(/Σ -0$/);
    await page.evaluate((t) => (window as unknown as { harness: { render(t: bigint): void } }).harness.render(BigInt(t)), String(tContact));
  });

  it("shows the annotator agreement table", async () => {
    await page.waitForSelector(`section[data-set="main"][data-panel="agreement"] tr[data-pair="alice|bob"]`);
    const cells = await page.locator(`section[data-set="main"][data-panel="agreement"] tr[data-pair="alice|bob"] td`).allTextContents();
    expect(cells).toEqual(["alice ↔ bob", "23.5 ms", "0.800", "0.710"]);
    expect(session.errors).toEqual([]);
  });
});

interface Edge {
  parent: string;
  child: string;
  t: RigidTransform;
}

type TfMsg = { transforms: Array<{ header: { frame_id: string }; child_frame_id: string; transform: { translation: { x: number; y: number; z: number }; rotation: { x: number; y: number; z: number; w: number } } }> };

function tfEdges(m: DecodedMessage): Edge[] {
  return (m.value as unknown as TfMsg).transforms.map((e) => {
    const { translation: tr, rotation: ro } = e.transform;
    return { parent: e.header.frame_id, child: e.child_frame_id, t: makeTransform([tr.x, tr.y, tr.z], [ro.x, ro.y, ro.z, ro.w]) };
  });
}

function staticEdges(): Map<string, Edge> {
  const edges = new Map<string, Edge>();
  for (const m of data.messages["/tf_static"] ?? []) for (const e of tfEdges(m)) edges.set(e.child, e);
  return edges;
}

function toBase(edges: Map<string, Edge>, frame: string): RigidTransform | undefined {
  let acc = makeTransform([0, 0, 0], [0, 0, 0, 1]);
  let cur = frame;
  for (let i = 0; i < 64 && cur !== "base_link"; i++) {
    const e = edges.get(cur);
    if (!e) return undefined;
    acc = composeTransforms(e.t, acc);
    cur = e.parent;
  }
  return cur === "base_link" ? acc : undefined;
}

function expectPoses(poses: Array<{ link: string; t: number[]; q: number[] }>, edges: Map<string, Edge>, links: string[]): void {
  for (const link of links) {
    const drawn = poses.find((p) => p.link === link);
    const truth = toBase(edges, link);
    expect(drawn, link).toBeDefined();
    expect(truth, link).toBeDefined();
    for (let k = 0; k < 3; k++) expect(Math.abs(drawn!.t[k]! - truth!.translation[k]!), `${link} translation`).toBeLessThan(1e-6);
    const dot = Math.abs(drawn!.q.reduce((s, v, k) => s + v * truth!.rotation[k]!, 0));
    expect(dot, `${link} rotation`).toBeGreaterThan(1 - 1e-9);
  }
}

interface SceneReadout {
  stats: { points: number; frames: number; links: number; arrows: number; contacts: string[]; fixedFrame: string };
  poses: Array<{ link: string; t: number[]; q: number[] }>;
  colours: number;
  notBackground: number;
}

/** The 3D panel of a panel set: its stats, drawn link poses, and how much of its canvas is drawn. */
function scene3d(set: "main" | "urdf"): Promise<SceneReadout> {
  return page.evaluate((set) => {
    const h = (window as unknown as { harness: { panel(id: string): unknown; extra(id: string): unknown } }).harness;
    const p = (set === "main" ? h.panel("3d") : h.extra("3d")) as {
      lastStats(): SceneReadout["stats"];
      linkPoses(): Array<{ link: string; transform: { translation: Float64Array; rotation: Float64Array } }>;
    };
    const gl = document.querySelector<HTMLCanvasElement>(`section[data-set="${set}"] canvas[data-panel="3d"]`)!;
    const c = document.createElement("canvas");
    c.width = gl.width;
    c.height = gl.height;
    const g = c.getContext("2d")!;
    g.drawImage(gl, 0, 0);
    const px = g.getImageData(0, 0, c.width, c.height).data;
    const colours = new Set<number>();
    let notBackground = 0;
    for (let i = 0; i < px.length; i += 4) {
      colours.add((px[i]! << 16) | (px[i + 1]! << 8) | px[i + 2]!);
      if (!(px[i] === 0x1b && px[i + 1] === 0x1e && px[i + 2] === 0x23)) notBackground++;
    }
    return {
      stats: p.lastStats(),
      poses: p.linkPoses().map((l) => ({ link: l.link, t: Array.from(l.transform.translation), q: Array.from(l.transform.rotation) })),
      colours: colours.size,
      notBackground: notBackground / (px.length / 4),
    };
  }, set);
}
