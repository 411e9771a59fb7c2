// Speed of the sensor renderers on a representative scene (table, walls, box, two arms of 8
// capsules, 4 finger boxes), at the reference profile's resolutions. A script, not a test:
//   node launch/bin/run-ts.js tests/sim/render/render-speed.ts
import { createCameraRenderer, createLidar, packPointCloud2, type CameraRenderSpec } from "../../../nodes/sim/render/index.ts";
import { HEAD_CAMERA_POSE, LIDAR_POSE, representativeScene, wristCameraPose } from "./scene-fixtures.ts";

const HEAD_COLOR: CameraRenderSpec = { width: 640, height: 480, fx: 604.2, fy: 603.8, cx: 318.6, cy: 241.3, distortion_model: "plumb_bob", D: [0.082, -0.154, 0.0004, -0.0003, 0.051] };
const HEAD_DEPTH: CameraRenderSpec = { width: 640, height: 480, fx: 580, fy: 580, cx: 319.5, cy: 239.5, distortion_model: "plumb_bob", D: [0, 0, 0, 0, 0], depth_scale: 0.001 };
const WRIST: CameraRenderSpec = { width: 640, height: 480, fx: 388.5, fy: 388.1, cx: 321.2, cy: 238.7, distortion_model: "plumb_bob", D: [-0.046, 0.032, 0.0002, 0.0001, -0.006] };
const LIDAR = { frame: "lidar_link", rings: 32, columns: 1024, vertical_fov_deg: [-22.5, 22.5] as [number, number], max_range_m: 20 };

const FRAMES = Number(process.argv[2] ?? 120);
const scenes = Array.from({ length: 30 }, (_, i) => representativeScene(i * 0.1));

// CPU time of this process is what "one core" means; wall time is shown beside it because on a
// shared machine the two differ by however long other processes held the core. The best of a few
// batches is reported, as other processes only ever make a batch slower.
function time(label: string, frames: number, body: (i: number) => void): number {
  for (let i = 0; i < 10; i++) body(i); // warm up the JIT
  let cpuMs = Infinity, wallMs = Infinity;
  const batch = Math.max(1, Math.round(frames / 4));
  for (let b = 0; b < 4; b++) {
    const wall0 = process.hrtime.bigint();
    const cpu0 = process.cpuUsage();
    for (let i = 0; i < batch; i++) body(b * batch + i);
    const cpu = process.cpuUsage(cpu0);
    cpuMs = Math.min(cpuMs, (cpu.user + cpu.system) / 1000 / batch);
    wallMs = Math.min(wallMs, Number(process.hrtime.bigint() - wall0) / 1e6 / batch);
  }
  console.log(`${label.padEnd(50)} cpu ${cpuMs.toFixed(2).padStart(6)} ms   wall ${wallMs.toFixed(2).padStart(6)} ms`);
  return cpuMs;
}

// A fixed reference loop, to tell a slow machine from a slow renderer.
const probe = new Float32Array(640 * 480 * 3).map((_, i) => (i % 97) / 97);
const probeOut = new Uint8Array(640 * 480 * 3);
time("machine probe: 640x480x3 multiply-store pass", 50, () => {
  for (let i = 0; i < probe.length; i++) probeOut[i] = probe[i]! * 200;
});

const rgb = new Uint8Array(640 * 480 * 3);
const depth = new Uint16Array(640 * 480);
const head = createCameraRenderer(HEAD_COLOR, { cacheStatic: true });
const headDepth = createCameraRenderer(HEAD_DEPTH, { cacheStatic: true });
const wrist = createCameraRenderer(WRIST, { cacheStatic: false });
const headUncached = createCameraRenderer(HEAD_COLOR, { cacheStatic: false });
const lidar = createLidar(LIDAR);
const cloud = lidar.createScan();

const results: Record<string, number> = {};
results.head = time("head colour 640x480 (static cache), per frame", FRAMES, (i) => head.render(scenes[i % 30]!, HEAD_CAMERA_POSE, { rgb }));
results.depth = time("head depth 640x480 (static cache), per frame", FRAMES, (i) => headDepth.render(scenes[i % 30]!, HEAD_CAMERA_POSE, { depth }));
results.wrist = time("wrist colour 640x480 (moving), per frame", FRAMES, (i) => wrist.render(scenes[i % 30]!, wristCameraPose(1, i * 0.05), { rgb }));
time("head colour 640x480 uncached (culled), per frame", Math.max(10, FRAMES / 4), (i) => headUncached.render(scenes[i % 30]!, HEAD_CAMERA_POSE, { rgb }));
results.lidar = time("lidar 32x1024 sweep", FRAMES, (i) => lidar.scan(scenes[i % 30]!, LIDAR_POSE, 0.1, cloud));
results.pack = time("PointCloud2 packing of a sweep", FRAMES, () => packPointCloud2(cloud));

// The reference rig at 2× real time: per wall second, 2 × (30 × (2 head + 2 wrist) frames + 10 sweeps).
const perSimSecond = 30 * (results.head! + results.depth! + 2 * results.wrist!) + 10 * (results.lidar! + results.pack!);
console.log(`rig sensors per simulated second: ${perSimSecond.toFixed(1)} ms → ${(1000 / perSimSecond).toFixed(2)}× real time on one core`);

// The same rig on the world model's own scene (table, slab, tray, floor, wall, 7-DoF arms,
// grippers, object) through a demonstration, with the cameras where the profile mounts them.
const { loadRigProfile } = await import("../../../nodes/rig/profile.ts");
const { createDemo } = await import("../../../nodes/sim/world/index.ts");
const profile = loadRigProfile(new URL("../../../launch/profiles/reference.yaml", import.meta.url).pathname);
const demo = createDemo({ seed: 3, profile, noise: false });
const times = Array.from({ length: 60 }, (_, i) => (i / 60) * demo.duration);
const worldScenes = times.map((t) => demo.sceneAt(t));
const pose = (frame: string) => times.map((t) => demo.framePoseAt(frame, t));
const headPoses = pose("head_camera_color_optical_frame");
const depthPoses = pose("head_camera_depth_optical_frame");
const wristPoses = pose("left_wrist_camera_optical_frame");
const lidarPoses = pose("lidar_link");
const specOf = (name: string) => profile.cameras.find((c) => c.name === name)!;
// Configured as the rig's producers configure them: no image noise.
const wHead = createCameraRenderer(specOf("head_camera_color"), { cacheStatic: true });
const wDepth = createCameraRenderer(specOf("head_camera_depth"), { cacheStatic: true });
const wWrist = createCameraRenderer(specOf("left_wrist_camera"));
const wRight = createCameraRenderer(specOf("right_wrist_camera"));
const rightPoses = pose("right_wrist_camera_optical_frame");
const wLidar = createLidar(profile.lidar!);
const wCloud = wLidar.createScan();
console.log(`\nworld model scene (seed 3, ${worldScenes[0]!.static.length} static + ${worldScenes[0]!.dynamic.length} dynamic primitives):`);
const w: Record<string, number> = {};
w.head = time("head colour (static cache)", FRAMES, (i) => wHead.render(worldScenes[i % 60]!, headPoses[i % 60]!, { rgb }, i));
w.depth = time("head depth (static cache)", FRAMES, (i) => wDepth.render(worldScenes[i % 60]!, depthPoses[i % 60]!, { depth }));
w.wrist = time("left wrist colour (moving)", FRAMES, (i) => wWrist.render(worldScenes[i % 60]!, wristPoses[i % 60]!, { rgb }, i));
w.right = time("right wrist colour (moving)", FRAMES, (i) => wRight.render(worldScenes[i % 60]!, rightPoses[i % 60]!, { rgb }, i));
w.lidar = time("lidar sweep", FRAMES, (i) => wLidar.scan(worldScenes[i % 60]!, lidarPoses[i % 60]!, 0.1, wCloud));
const worldPerSecond = 30 * (w.head! + w.depth! + w.wrist! + w.right!) + 10 * (w.lidar! + results.pack!);
console.log(`rig sensors per simulated second: ${worldPerSecond.toFixed(1)} ms → ${(1000 / worldPerSecond).toFixed(2)}× real time on one core`);
