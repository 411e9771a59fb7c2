// A rig profile describes one station: its streams (topic, type, rate, frame, QoS), its cameras'
// intrinsics, its static frame tree, and for the simulator each sensor's clock imperfections.
// Profiles are YAML files in launch/profiles/; this module validates them at the edge.
import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { z } from "zod";

const vec3 = z.tuple([z.number(), z.number(), z.number()]);

const qosSchema = z
  .object({
    history: z.enum(["keep_last", "keep_all"]).default("keep_last"),
    depth: z.number().int().positive().default(10),
    reliability: z.enum(["reliable", "best_effort"]).default("reliable"),
    durability: z.enum(["volatile", "transient_local"]).default("volatile"),
  })
  .strict();

/** How a simulated sensor's clock and transport differ from the host's. */
const simClockSchema = z
  .object({
    /** sensor clock minus host clock at episode start, milliseconds. */
    offset_ms: z.number().default(0),
    /** sensor clock rate error, parts per million. */
    drift_ppm: z.number().min(-1000).max(1000).default(0),
    /** fixed part of transport latency (sensor stamp → host receive), milliseconds. */
    latency_ms: z.number().min(0).default(1),
    /** mean of the exponential jitter added to the latency, milliseconds. */
    jitter_ms: z.number().min(0).default(0.5),
    /** probability that a message is delayed by a latency spike (heavy tail). */
    spike_probability: z.number().min(0).max(1).default(0.01),
    /** largest spike, milliseconds; spikes are Pareto-distributed below it. */
    spike_max_ms: z.number().min(0).default(20),
    /** probability that a message is lost in transport. */
    drop_probability: z.number().min(0).max(1).default(0.001),
  })
  .strict();

export const STREAM_KINDS = [
  "color_image",
  "depth_image",
  "camera_info",
  "pointcloud",
  "imu",
  "joint_states",
  "leader_command",
  "wrench",
  "tactile",
  "tf",
  "tf_static",
] as const;
export type StreamKind = (typeof STREAM_KINDS)[number];

const streamSchema = z
  .object({
    topic: z.string().regex(/^\/[A-Za-z0-9_/]+$/, "a ROS topic name such as /imu/data"),
    type: z.string().regex(/^[A-Za-z0-9_]+\/msg\/[A-Za-z0-9_]+$/, "a ROS 2 type such as sensor_msgs/msg/Imu"),
    kind: z.enum(STREAM_KINDS),
    /** Expected publication rate, Hz; 0 for latched topics such as /tf_static. */
    rate_hz: z.number().min(0),
    frame_id: z.string().default(""),
    /** The sensor this stream comes from: streams of one sensor share its clock (camera image + camera_info). */
    sensor: z.string(),
    /** Camera name (for image/camera_info kinds), tactile pad id, or wrist side. */
    source: z.string().optional(),
    /** For images: rows × cols; for the LiDAR: rings × columns; for tactile: rows × cols. */
    shape: z.tuple([z.number().int().positive(), z.number().int().positive()]).optional(),
    encoding: z.string().optional(),
    qos: qosSchema.default({ history: "keep_last", depth: 10, reliability: "reliable", durability: "volatile" }),
    /** Alignment tolerance for nearest-sample lookups, milliseconds. */
    tolerance_ms: z.number().positive().optional(),
  })
  .strict();

const cameraSchema = z
  .object({
    name: z.string(),
    /** The optical frame (REP 104: z forward, x right, y down). */
    optical_frame: z.string(),
    width: z.number().int().positive(),
    height: z.number().int().positive(),
    fx: z.number().positive(),
    fy: z.number().positive(),
    cx: z.number(),
    cy: z.number(),
    distortion_model: z.enum(["plumb_bob", "rational_polynomial", "equidistant"]).default("plumb_bob"),
    D: z.array(z.number()).default([0, 0, 0, 0, 0]),
    /** Depth cameras: metres per unit of the 16UC1 image. */
    depth_scale: z.number().positive().optional(),
  })
  .strict();

const staticFrameSchema = z
  .object({
    parent: z.string(),
    child: z.string(),
    xyz: vec3,
    /** roll, pitch, yaw in radians (fixed axes X, Y, Z), as URDF and tf2 static_transform_publisher. */
    rpy: vec3,
  })
  .strict();

const lidarSchema = z
  .object({
    frame: z.string(),
    rings: z.number().int().positive(),
    columns: z.number().int().positive(),
    vertical_fov_deg: z.tuple([z.number(), z.number()]),
    max_range_m: z.number().positive(),
  })
  .strict();

export const rigProfileSchema = z
  .object({
    name: z.string(),
    description: z.string().default(""),
    robot: z
      .object({
        model: z.string(),
        hardware_revision: z.string(),
        firmware: z.record(z.string(), z.string()).default({}),
      })
      .strict(),
    /** The frame everything hangs from (REP 105 base_link). */
    root_frame: z.string().default("base_link"),
    /** The stream whose frames the synchronizer aligns everything else to. */
    pivot_topic: z.string(),
    streams: z.array(streamSchema).min(1),
    cameras: z.array(cameraSchema).default([]),
    lidar: lidarSchema.optional(),
    static_frames: z.array(staticFrameSchema).default([]),
    /** Simulated-rig settings per sensor; absent for a real robot. */
    sim: z
      .object({
        clocks: z.record(z.string(), simClockSchema.partial()).default({}),
        default_clock: simClockSchema.partial().default({}),
      })
      .strict()
      .optional(),
  })
  .strict();

export type RigProfile = z.infer<typeof rigProfileSchema>;
export type StreamSpec = RigProfile["streams"][number];
export type CameraSpec = RigProfile["cameras"][number];
export type LidarSpec = NonNullable<RigProfile["lidar"]>;
export type StaticFrameSpec = RigProfile["static_frames"][number];
export type SimClockSpec = z.infer<typeof simClockSchema>;
export type QosSpec = z.infer<typeof qosSchema>;

export class ProfileError extends Error {}

/** Parse and validate a profile; every problem is reported with its path inside the file. */
export function parseRigProfile(text: string, source: string): RigProfile {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    throw new ProfileError(`${source}: not valid YAML: ${(err as Error).message}`);
  }
  const result = rigProfileSchema.safeParse(raw);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `  ${i.path.join(".") || "(root)"}: ${i.message}`).join("\n");
    throw new ProfileError(`${source}: invalid rig profile:\n${problems}`);
  }
  const profile = result.data;
  checkReferences(profile, source);
  return profile;
}

function checkReferences(profile: RigProfile, source: string): void {
  const topics = new Set<string>();
  for (const s of profile.streams) {
    if (topics.has(s.topic)) throw new ProfileError(`${source}: topic ${s.topic} is listed twice`);
    topics.add(s.topic);
    const needsCamera = s.kind === "color_image" || s.kind === "depth_image" || s.kind === "camera_info";
    if (needsCamera && !profile.cameras.some((c) => c.name === s.source)) {
      throw new ProfileError(`${source}: stream ${s.topic} names camera "${s.source ?? ""}", which the profile does not define`);
    }
  }
  if (!topics.has(profile.pivot_topic)) {
    throw new ProfileError(`${source}: pivot_topic ${profile.pivot_topic} is not one of the profile's streams`);
  }
}

export function loadRigProfile(path: string): RigProfile {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new ProfileError(`cannot read rig profile ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return parseRigProfile(text, path);
}

/** The clock settings of one simulated sensor: profile default overlaid by the sensor's own. */
export function simClockFor(profile: RigProfile, sensor: string): SimClockSpec {
  const base = simClockSchema.parse({});
  return { ...base, ...(profile.sim?.default_clock ?? {}), ...(profile.sim?.clocks[sensor] ?? {}) };
}
