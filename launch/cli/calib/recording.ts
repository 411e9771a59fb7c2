// Everything `teledemo calib` needs from a recording (a teledemo episode, a rosbag2 bag, any
// MCAP file), read in one pass with the recorder's record scanner: the calibration the recorder
// embedded (YAML attachment and foxglove protobuf channels), /tf_static, /tf, camera_info, the
// frame of every sensor topic, URDF attachments, and a bounded sample of LiDAR sweeps paired
// with the nearest depth images for the geometric checks.
import { protobufFromBinaryDescriptor } from "@mcap/support";
import {
  CalibrationFormatError,
  cameraInfoStampNs,
  fromFoxgloveCameraCalibration,
  fromFoxgloveFrameTransform,
  joinNanoseconds,
  makeTransform,
  modelFromCameraInfo,
  parseCalibration,
  parseUrdf,
  type CameraInfoMessage,
  type CameraModel,
  type RigCalibration,
  type StaticTransform,
  type UrdfJoint,
} from "../../../calibration/index.ts";
import { createCodec, createDefaultRegistry, type MessageCodec, type MessageRegistry } from "../../../nodes/messages/index.ts";
import { inspectPath, InfoError, type RecordingReport } from "../../../recorder/info/inspect.ts";
import { McapFormatError, scanMcap, type ScannedChannel, type ScannedSchema } from "../../../recorder/mcap/scan.ts";
import { UsageError } from "../command.ts";

export interface CameraInfoSeen {
  topic: string;
  /** Distinct messages (by content), with how many times each was seen. */
  distinct: Array<{ message: CameraInfoMessage; count: number }>;
  count: number;
}

export interface TfSnapshot {
  logTimeNs: bigint;
  /** child → parent_T_child, latest per child at that time. */
  transforms: Map<string, StaticTransform>;
}

export interface DepthFrame {
  topic: string;
  frame: string;
  logTimeNs: bigint;
  width: number;
  height: number;
  /** Metres, row-major; NaN = no return (converted on first use). */
  readonly metres: Float32Array;
}

/** A depth image kept as a copy of its bytes and converted to metres only if a check uses it. */
function lazyDepthFrame(topic: string, logTimeNs: bigint, img: RosImage): DepthFrame {
  const raw: RosImage = { ...img, data: img.data.slice() };
  let metres: Float32Array | undefined;
  return {
    topic,
    frame: img.header.frame_id.replace(/^\//, ""),
    logTimeNs,
    width: img.width,
    height: img.height,
    get metres() {
      metres ??= depthMetres(raw) ?? new Float32Array(raw.width * raw.height).fill(NaN);
      return metres;
    },
  };
}

export interface LidarSweep {
  topic: string;
  frame: string;
  logTimeNs: bigint;
  /** xyz interleaved, finite points only, in `frame`. */
  points: Float64Array;
  /** Moving transforms (/tf) in force at the sweep. */
  tf: Map<string, StaticTransform>;
  /** Nearest depth image per depth topic. */
  depth: Map<string, DepthFrame>;
}

export interface RecordingData {
  kind: RecordingReport["kind"];
  path: string;
  files: string[];
  health: RecordingReport["health"];
  healthDetail: string[];
  startNs: bigint | undefined;
  topics: Array<{ topic: string; type: string; messages: number }>;
  /** The teledemo.episode record, parsed (undefined for other recordings). */
  episode: Record<string, unknown> | undefined;
  /** Calibration from calibration/calibration.yaml (teledemo episodes). */
  embeddedYaml: RigCalibration | undefined;
  /** Calibration rebuilt from the foxglove.CameraCalibration / FrameTransforms channels. */
  embeddedChannels: RigCalibration | undefined;
  tfStatic: StaticTransform[];
  tfStaticTopicPresent: boolean;
  /** Every parent → child edge seen on /tf. */
  tfEdges: Array<{ parent: string; child: string }>;
  /** The moving transforms (/tf) in force at the end of the recording. */
  tfLast: Map<string, StaticTransform>;
  cameraInfos: CameraInfoSeen[];
  /** header.frame_id of each topic's first message (empty string: none). */
  sensorFrames: Map<string, string>;
  urdfJoints: UrdfJoint[];
  urdfNames: string[];
  lidar: LidarSweep[];
  depthTopics: string[];
  /** Problems reading the recording (decode failures, unreadable attachments). */
  problems: string[];
}

const MAX_SWEEPS = 24;
const CALIBRATION_YAML = "calibration/calibration.yaml";

/** Reads an episode folder, a rosbag2 bag (folder or metadata.yaml) or an MCAP file. */
export async function readRecording(path: string): Promise<RecordingData> {
  let report;
  try {
    report = await inspectPath(path);
  } catch (err) {
    if (err instanceof InfoError || err instanceof McapFormatError) throw new UsageError(err.message);
    throw err;
  }
  if (report.kind === "library") throw new UsageError(`${path} is an episode library (${report.episodes.length} episodes); give one episode folder or file`);
  const data: RecordingData = {
    kind: report.kind,
    path: report.path,
    files: report.files.map((f) => f.path),
    health: report.health,
    healthDetail: report.files.flatMap((f) => (f.health === "ok" ? [] : f.healthDetail.map((d) => `${f.path}: ${d}`))),
    startNs: report.startNs === undefined ? undefined : BigInt(report.startNs),
    topics: report.topics.map((t) => ({ topic: t.topic, type: t.type, messages: t.messageCount })),
    episode: report.episode,
    embeddedYaml: undefined,
    embeddedChannels: undefined,
    tfStatic: [],
    tfStaticTopicPresent: false,
    tfEdges: [],
    tfLast: new Map(),
    cameraInfos: [],
    sensorFrames: new Map(),
    urdfJoints: [],
    urdfNames: [],
    lidar: [],
    depthTopics: [],
    problems: [],
  };
  const registry = createDefaultRegistry();
  const codec = createCodec(registry);
  const state = new ScanState(data, registry, codec);
  for (const file of data.files) await state.scan(file);
  state.finish();
  return data;
}

function jsonStable(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === "bigint" ? x.toString() : ArrayBuffer.isView(x) ? Array.from(x as unknown as ArrayLike<number>) : x));
}

function tfFromRos(t: { header: { frame_id: string }; child_frame_id: string; transform: { translation: { x: number; y: number; z: number }; rotation: { x: number; y: number; z: number; w: number } } }): StaticTransform {
  const { translation: p, rotation: q } = t.transform;
  return { parent: t.header.frame_id.replace(/^\//, ""), child: t.child_frame_id.replace(/^\//, ""), ...makeTransform([p.x, p.y, p.z], [q.x, q.y, q.z, q.w]) };
}

interface RosImage {
  header: { frame_id: string };
  height: number;
  width: number;
  encoding: string;
  is_bigendian: number | boolean;
  step: number;
  data: Uint8Array;
}

interface RosPointCloud2 {
  header: { frame_id: string };
  height: number;
  width: number;
  fields: Array<{ name: string; offset: number; datatype: number; count: number }>;
  is_bigendian: boolean;
  point_step: number;
  row_step: number;
  data: Uint8Array;
}

function depthMetres(img: RosImage): Float32Array | undefined {
  const n = img.width * img.height;
  const out = new Float32Array(n);
  const le = !img.is_bigendian;
  const bytesPer = img.encoding === "32FC1" ? 4 : img.encoding === "16UC1" || img.encoding === "mono16" ? 2 : 0;
  if (bytesPer === 0 || img.step < img.width * bytesPer || img.data.byteLength < img.step * img.height) return undefined;
  // Fast path: little-endian, packed rows, aligned: read through a typed view.
  if (le && img.step === img.width * bytesPer && img.data.byteOffset % bytesPer === 0) {
    if (bytesPer === 2) {
      const mm = new Uint16Array(img.data.buffer, img.data.byteOffset, n);
      for (let i = 0; i < n; i++) out[i] = mm[i] === 0 ? NaN : mm[i]! / 1000;
    } else {
      const m = new Float32Array(img.data.buffer, img.data.byteOffset, n);
      for (let i = 0; i < n; i++) out[i] = m[i]! > 0 && Number.isFinite(m[i]) ? m[i]! : NaN;
    }
    return out;
  }
  const view = new DataView(img.data.buffer, img.data.byteOffset, img.data.byteLength);
  for (let v = 0; v < img.height; v++) {
    for (let u = 0; u < img.width; u++) {
      const at = v * img.step + u * bytesPer;
      if (bytesPer === 2) {
        const mm = view.getUint16(at, le);
        out[v * img.width + u] = mm === 0 ? NaN : mm / 1000;
      } else {
        const m = view.getFloat32(at, le);
        out[v * img.width + u] = m > 0 && Number.isFinite(m) ? m : NaN;
      }
    }
  }
  return out;
}

function cloudPoints(c: RosPointCloud2): Float64Array | undefined {
  const field = (name: string) => c.fields.find((f) => f.name === name);
  const fx = field("x");
  const fy = field("y");
  const fz = field("z");
  if (!fx || !fy || !fz) return undefined;
  if (![fx, fy, fz].every((f) => f.datatype === 7 || f.datatype === 8)) return undefined;
  const view = new DataView(c.data.buffer, c.data.byteOffset, c.data.byteLength);
  const le = !c.is_bigendian;
  const read = (f: { offset: number; datatype: number }, base: number): number => (f.datatype === 7 ? view.getFloat32(base + f.offset, le) : view.getFloat64(base + f.offset, le));
  const n = c.width * c.height;
  const out = new Float64Array(n * 3);
  let k = 0;
  for (let row = 0; row < c.height; row++) {
    for (let col = 0; col < c.width; col++) {
      const base = row * c.row_step + col * c.point_step;
      if (base + c.point_step > c.data.byteLength) break;
      const x = read(fx, base);
      const y = read(fy, base);
      const z = read(fz, base);
      if (Number.isFinite(x) && Number.isFinite(y) && Number.isFinite(z)) {
        out[k++] = x;
        out[k++] = y;
        out[k++] = z;
      }
    }
  }
  return out.slice(0, k);
}

class ScanState {
  private readonly schemas = new Map<number, ScannedSchema>();
  private readonly channels = new Map<number, ScannedChannel>();
  private readonly protoTypes = new Map<number, { decode(b: Uint8Array): unknown; toObject(m: unknown, o: object): Record<string, unknown> } | null>();
  private readonly added = new Set<number>();
  private readonly undecodable = new Set<string>();
  private readonly tfState = new Map<string, StaticTransform>();
  private readonly tfEdgeKeys = new Set<string>();
  private readonly infos = new Map<string, CameraInfoSeen & { keys: Map<string, number> }>();
  private readonly fxCameras = new Map<string, { camera: CameraModel; stampNs: bigint }>();
  private fxTransforms: StaticTransform[] | undefined;
  private fxStampNs: bigint | undefined;
  /** Previous and latest depth frame per depth topic. */
  private readonly depthPrev = new Map<string, DepthFrame>();
  private readonly depthLast = new Map<string, DepthFrame>();
  private pending: LidarSweep[] = [];
  /** Image topics whose first message was not a depth image: never decoded again. */
  private readonly plainImageTopics = new Set<string>();
  private sweepIndex = 0;
  private sweepStride = 1;

  constructor(
    private readonly data: RecordingData,
    private readonly registry: MessageRegistry,
    private readonly codec: MessageCodec,
  ) {}

  async scan(file: string): Promise<void> {
    this.schemas.clear();
    this.channels.clear();
    this.protoTypes.clear();
    this.added.clear();
    try {
      await scanMcap(file, {
        schema: (s) => this.schemas.set(s.id, s),
        channel: (c) => this.channels.set(c.id, c),
        message: (m) => this.onMessage(m.channelId, m.logTime, m.data),
        attachment: (a) => this.onAttachment(file, a.name, a.data),
      });
    } catch (err) {
      if (err instanceof McapFormatError) throw new UsageError(err.message);
      throw err;
    }
  }

  finish(): void {
    for (const s of this.pending) this.settle(s);
    this.pending.length = 0;
    const d = this.data;
    d.tfEdges = [...this.tfEdgeKeys].map((k) => {
      const [parent, child] = k.split("\u0000") as [string, string];
      return { parent, child };
    });
    d.tfLast = new Map(this.tfState);
    d.cameraInfos = [...this.infos.values()].map(({ keys: _keys, ...rest }) => rest);
    if (this.fxCameras.size > 0 || this.fxTransforms) {
      const stamp = this.fxStampNs ?? [...this.fxCameras.values()][0]?.stampNs ?? 0n;
      d.embeddedChannels = {
        rootFrame: d.embeddedYaml?.rootFrame ?? "base_link",
        cameras: [...this.fxCameras.values()].map((c) => c.camera),
        extrinsics: this.fxTransforms ?? [],
        timeOffsetsNs: {},
        provenance: { id: "episode-calibration-channels", created: isoOfNs(stamp), method: "foxglove-channels", residuals: {}, who: "", sourceFiles: d.files },
      };
    }
    d.lidar.sort((a, b) => (a.logTimeNs < b.logTimeNs ? -1 : 1));
  }

  private decodeCdr(channel: ScannedChannel, bytes: Uint8Array): Record<string, unknown> | undefined {
    const schema = this.schemas.get(channel.schemaId);
    if (!schema || schema.encoding !== "ros2msg") return undefined;
    if (!this.added.has(schema.id)) {
      this.added.add(schema.id);
      try {
        if (!this.registry.has(schema.name)) this.registry.addSchema(schema.name, new TextDecoder().decode(schema.data), { origin: "recording" });
      } catch (err) {
        this.problem(channel.topic, `its schema ${schema.name} could not be read (${(err as Error).message})`);
      }
    }
    try {
      return this.codec.decode(schema.name, bytes) as Record<string, unknown>;
    } catch (err) {
      this.problem(channel.topic, `a ${schema.name} message could not be decoded (${(err as Error).message})`);
      return undefined;
    }
  }

  private problem(topic: string, text: string): void {
    if (this.undecodable.has(topic)) return;
    this.undecodable.add(topic);
    this.data.problems.push(`${topic}: ${text}`);
  }

  private decodeProto(channel: ScannedChannel, bytes: Uint8Array): Record<string, unknown> | undefined {
    let type = this.protoTypes.get(channel.schemaId);
    if (type === undefined) {
      const schema = this.schemas.get(channel.schemaId);
      try {
        type = schema && schema.encoding === "protobuf" ? (protobufFromBinaryDescriptor(schema.data).lookupType(schema.name) as never) : null;
      } catch (err) {
        this.problem(channel.topic, `its protobuf schema could not be read (${(err as Error).message})`);
        type = null;
      }
      this.protoTypes.set(channel.schemaId, type);
    }
    if (!type) return undefined;
    try {
      return type.toObject(type.decode(bytes), { longs: Number, defaults: true });
    } catch (err) {
      this.problem(channel.topic, `a protobuf message could not be decoded (${(err as Error).message})`);
      return undefined;
    }
  }

  private onAttachment(file: string, name: string, bytes: Uint8Array): void {
    const text = () => new TextDecoder().decode(bytes);
    if (name === CALIBRATION_YAML || /(^|\/)calibration\.ya?ml$/.test(name)) {
      try {
        this.data.embeddedYaml = parseCalibration(text(), `${file} attachment ${name}`);
      } catch (err) {
        if (!(err instanceof CalibrationFormatError)) throw err;
        this.data.problems.push(err.message);
      }
    } else if (/\.urdf$/i.test(name)) {
      try {
        const model = parseUrdf(text(), `${file} attachment ${name}`);
        this.data.urdfJoints.push(...model.joints);
        this.data.urdfNames.push(name);
      } catch (err) {
        this.data.problems.push((err as Error).message);
      }
    }
  }

  private onMessage(channelId: number, logTime: bigint, bytes: Uint8Array): void {
    const channel = this.channels.get(channelId);
    if (!channel) return;
    const schemaName = this.schemas.get(channel.schemaId)?.name ?? "";
    if (channel.messageEncoding === "protobuf") {
      if (schemaName === "foxglove.CameraCalibration") this.onFoxgloveCamera(channel, bytes);
      else if (schemaName === "foxglove.FrameTransforms" || schemaName === "foxglove.FrameTransform") this.onFoxgloveTransforms(channel, schemaName, bytes);
      return;
    }
    if (channel.messageEncoding !== "cdr") return;
    const type = schemaName.replace("/msg/", "/");
    const topic = channel.topic;
    if (type === "tf2_msgs/TFMessage") {
      const msg = this.decodeCdr(channel, bytes) as { transforms: Parameters<typeof tfFromRos>[0][] } | undefined;
      if (!msg) return;
      const isStatic = topic === "/tf_static" || topic.endsWith("/tf_static");
      if (isStatic) this.data.tfStaticTopicPresent = true;
      for (const t of msg.transforms) {
        const tf = tfFromRos(t);
        if (isStatic) {
          const i = this.data.tfStatic.findIndex((e) => e.child === tf.child);
          if (i >= 0) this.data.tfStatic[i] = tf;
          else this.data.tfStatic.push(tf);
        } else {
          this.tfState.set(tf.child, tf);
          this.tfEdgeKeys.add(`${tf.parent}\u0000${tf.child}`);
        }
      }
      if (!this.data.sensorFrames.has(topic)) this.data.sensorFrames.set(topic, "");
      return;
    }
    const known = this.data.sensorFrames.has(topic);
    const interesting = type === "sensor_msgs/CameraInfo" || type === "sensor_msgs/PointCloud2" || (type === "sensor_msgs/Image" && !this.plainImageTopics.has(topic)) || !known;
    if (!interesting) return;
    const msg = this.decodeCdr(channel, bytes);
    if (!msg) return;
    if (!known) {
      const header = msg.header as { frame_id?: unknown } | undefined;
      this.data.sensorFrames.set(topic, typeof header?.frame_id === "string" ? header.frame_id.replace(/^\//, "") : "");
    }
    if (type === "sensor_msgs/CameraInfo") this.onCameraInfo(topic, msg as unknown as CameraInfoMessage);
    else if (type === "sensor_msgs/Image") this.onImage(topic, logTime, msg as unknown as RosImage);
    else if (type === "sensor_msgs/PointCloud2") this.onCloud(topic, logTime, msg as unknown as RosPointCloud2);
  }

  private onCameraInfo(topic: string, msg: CameraInfoMessage): void {
    let seen = this.infos.get(topic);
    if (!seen) {
      seen = { topic, distinct: [], count: 0, keys: new Map() };
      this.infos.set(topic, seen);
    }
    seen.count++;
    const plain: CameraInfoMessage = {
      ...msg,
      header: { stamp: msg.header.stamp, frame_id: msg.header.frame_id.replace(/^\//, "") },
      d: Array.from(msg.d),
      k: Array.from(msg.k),
      r: Array.from(msg.r),
      p: Array.from(msg.p),
    };
    const key = jsonStable({ ...plain, header: { frame_id: plain.header.frame_id } });
    const index = seen.keys.get(key);
    if (index !== undefined) seen.distinct[index]!.count++;
    else if (seen.distinct.length < 8) {
      seen.keys.set(key, seen.distinct.length);
      seen.distinct.push({ message: plain, count: 1 });
    }
  }

  private onImage(topic: string, logTime: bigint, img: RosImage): void {
    if (!/^(16UC1|32FC1|mono16)$/.test(img.encoding) || !/depth/i.test(topic + img.header.frame_id)) {
      this.plainImageTopics.add(topic);
      return;
    }
    const bytesPer = img.encoding === "32FC1" ? 4 : 2;
    if (img.step < img.width * bytesPer || img.data.byteLength < img.step * img.height) {
      this.problem(topic, `a ${img.encoding} image with ${img.data.byteLength} bytes for ${img.width}×${img.height} (step ${img.step})`);
      return;
    }
    if (!this.data.depthTopics.includes(topic)) this.data.depthTopics.push(topic);
    const frame = lazyDepthFrame(topic, logTime, img);
    const last = this.depthLast.get(topic);
    if (last) this.depthPrev.set(topic, last);
    this.depthLast.set(topic, frame);
    // Sweeps waiting for the depth image after them can now choose.
    for (let i = this.pending.length - 1; i >= 0; i--) {
      const s = this.pending[i]!;
      if (!s.depth.has(topic) && s.logTimeNs <= logTime) {
        const before = last && last.logTimeNs <= s.logTimeNs ? last : undefined;
        s.depth.set(topic, before && s.logTimeNs - before.logTimeNs < logTime - s.logTimeNs ? before : frame);
      }
      if (this.data.depthTopics.every((t) => s.depth.has(t))) {
        this.pending.splice(i, 1);
        this.settle(s);
      }
    }
  }

  private onCloud(topic: string, logTime: bigint, cloud: RosPointCloud2): void {
    // Keep a bounded, evenly thinned sample of sweeps: when full, keep every other one.
    const index = this.sweepIndex++;
    if (index % this.sweepStride !== 0) return;
    const points = cloudPoints(cloud);
    if (!points) {
      this.problem(topic, "a PointCloud2 without float x, y, z fields");
      return;
    }
    const sweep: LidarSweep = { topic, frame: cloud.header.frame_id.replace(/^\//, ""), logTimeNs: logTime, points, tf: new Map(this.tfState), depth: new Map() };
    this.pending.push(sweep);
    const kept = this.data.lidar.length + this.pending.length;
    if (kept > MAX_SWEEPS) {
      // Keep every other sweep of the whole sample (settled and still waiting for depth alike).
      this.sweepStride *= 2;
      const all = [...this.data.lidar.map((x) => ({ x, settled: true })), ...this.pending.map((x) => ({ x, settled: false }))].sort((a, b) => (a.x.logTimeNs < b.x.logTimeNs ? -1 : 1));
      const keep = all.filter((_, i) => i % 2 === 0);
      this.data.lidar = keep.filter((k) => k.settled).map((k) => k.x);
      this.pending = keep.filter((k) => !k.settled).map((k) => k.x);
    }
  }

  /** A sweep whose next depth image never came takes the last one before it. */
  private settle(s: LidarSweep): void {
    for (const t of this.data.depthTopics) {
      if (s.depth.has(t)) continue;
      const last = this.depthLast.get(t);
      if (last) s.depth.set(t, last);
    }
    this.data.lidar.push(s);
  }

  private onFoxgloveCamera(channel: ScannedChannel, bytes: Uint8Array): void {
    const m = this.decodeProto(channel, bytes);
    if (!m) return;
    const ts = (m.timestamp ?? {}) as { seconds?: number; nanos?: number };
    const stampNs = joinNanoseconds(Number(ts.seconds ?? 0), Number(ts.nanos ?? 0));
    const name = channel.topic.startsWith("/calibration/cameras/") ? channel.topic.slice("/calibration/cameras/".length) : String(m.frame_id);
    try {
      const camera = fromFoxgloveCameraCalibration(
        {
          timestamp: { sec: 0, nsec: 0 },
          frame_id: String(m.frame_id ?? ""),
          width: Number(m.width ?? 0),
          height: Number(m.height ?? 0),
          distortion_model: String(m.distortion_model ?? ""),
          D: Array.from((m.D as number[]) ?? []),
          K: Array.from((m.K as number[]) ?? []) as never,
          R: Array.from((m.R as number[]) ?? []) as never,
          P: Array.from((m.P as number[]) ?? []) as never,
        },
        name,
      );
      this.fxCameras.set(name, { camera, stampNs });
    } catch (err) {
      this.problem(channel.topic, (err as Error).message);
    }
  }

  private onFoxgloveTransforms(channel: ScannedChannel, schemaName: string, bytes: Uint8Array): void {
    const m = this.decodeProto(channel, bytes);
    if (!m) return;
    const list = (schemaName === "foxglove.FrameTransforms" ? (m.transforms as Record<string, unknown>[]) : [m]) ?? [];
    const out: StaticTransform[] = this.fxTransforms ?? [];
    for (const t of list) {
      const ts = (t.timestamp ?? {}) as { seconds?: number; nanos?: number };
      this.fxStampNs ??= joinNanoseconds(Number(ts.seconds ?? 0), Number(ts.nanos ?? 0));
      const tr = (t.translation ?? {}) as { x?: number; y?: number; z?: number };
      const q = (t.rotation ?? {}) as { x?: number; y?: number; z?: number; w?: number };
      out.push(
        fromFoxgloveFrameTransform({
          timestamp: { sec: 0, nsec: 0 },
          parent_frame_id: String(t.parent_frame_id ?? ""),
          child_frame_id: String(t.child_frame_id ?? ""),
          translation: { x: tr.x ?? 0, y: tr.y ?? 0, z: tr.z ?? 0 },
          rotation: { x: q.x ?? 0, y: q.y ?? 0, z: q.z ?? 0, w: q.w ?? 1 },
        }),
      );
    }
    this.fxTransforms = out;
  }
}

export function isoOfNs(ns: bigint): string {
  return new Date(Number(ns / 1_000_000n)).toISOString();
}

/** The calibration a recording states through its topics: /tf_static extrinsics + one camera per camera_info topic. */
export function calibrationFromTopics(data: RecordingData, rootFrame = "base_link"): RigCalibration {
  const cameras: CameraModel[] = [];
  const problems: string[] = [];
  for (const info of data.cameraInfos) {
    const first = info.distinct[0];
    if (!first) continue;
    const name = info.topic.replace(/^\//, "").replace(/\/camera_info$/, "").replace(/\//g, "_") || first.message.header.frame_id;
    try {
      cameras.push(modelFromCameraInfo(first.message, name));
    } catch (err) {
      problems.push(`${info.topic}: ${(err as Error).message}`);
    }
  }
  data.problems.push(...problems);
  const created = data.startNs !== undefined ? isoOfNs(data.startNs) : new Date(0).toISOString();
  return {
    rootFrame,
    cameras,
    extrinsics: [...data.tfStatic],
    timeOffsetsNs: {},
    provenance: { id: `topics-of-${data.path.split("/").filter(Boolean).pop() ?? "recording"}`, created, method: "tf_static+camera_info", residuals: {}, who: "", sourceFiles: data.files },
  };
}

/** The first CameraInfo stamp of a topic (for reports). */
export function firstCameraInfoStamp(info: CameraInfoSeen): bigint | undefined {
  const m = info.distinct[0]?.message;
  return m ? cameraInfoStampNs(m) : undefined;
}

/** Edges for frame connectivity from URDF joints (any type: connectivity, not pose). */
export function urdfEdges(joints: readonly UrdfJoint[]): Array<{ parent: string; child: string }> {
  return joints.map((j) => ({ parent: j.parent, child: j.child }));
}

