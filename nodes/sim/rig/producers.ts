// One producer per stream kind: turns the world at a capture instant into that stream's message.
import type { CameraSpec, LidarSpec, RigProfile, StreamSpec } from "../../rig/profile.ts";
import type { RosMessage } from "../../runtime/api.ts";
import { createCameraRenderer, createLidar, packPointCloud2 } from "../render/index.ts";
import {
  cameraInfoMessage,
  imageMessage,
  imuMessage,
  jointStateMessage,
  pointCloud2Message,
  tactileArrayMessage,
  tfMessage,
  wrenchStampedMessage,
} from "../ros-messages.ts";
import { imageCdr, imuCdr, jointStateCdr, tactileArrayCdr, tfMessageCdr, wrenchStampedCdr } from "../fast-cdr.ts";
import type { PadId, Pose, SceneGeometry, SidePrefix, TactileFrame } from "../types.ts";
import { PAD_IDS } from "../types.ts";
import type { SimDemo } from "./ports.ts";

/** The world at one capture instant; the scene is built at most once however many streams need it. */
export interface Capture {
  stampNs: bigint;
  /** Sequence number of the sample on its sensor (seeds per-frame noise). */
  index: number;
  demo: SimDemo;
  /** Seconds into the demonstration. */
  t: number;
  scene(): SceneGeometry;
}

/** A message object for the rig's encoder, or — for the small, frequent types — its CDR bytes
 * already (fast-cdr.ts: the same bytes the codec would make). */
export type Producer = (capture: Capture) => RosMessage | Uint8Array;

export class ProducerFactory {
  private readonly staticPoses = new Map<string, Pose>();

  /** `fast`: produce CDR bytes directly for the small frequent types (default); false: message objects. */
  constructor(
    private readonly profile: RigProfile,
    private readonly fast = true,
  ) {}

  create(stream: StreamSpec): Producer {
    switch (stream.kind) {
      case "color_image":
      case "depth_image":
        return this.imageProducer(stream, this.camera(stream));
      case "camera_info": {
        const cam = this.camera(stream);
        return (c) => cameraInfoMessage(c.stampNs, stream.frame_id, cam);
      }
      case "pointcloud":
        return this.cloudProducer(stream);
      case "imu":
        return this.fast ? (c) => imuCdr(c.stampNs, stream.frame_id, c.demo.imuAt(c.t)) : (c) => imuMessage(c.stampNs, stream.frame_id, c.demo.imuAt(c.t));
      case "joint_states":
        return this.fast ? (c) => jointStateCdr(c.stampNs, c.demo.jointsAt(c.t)) : (c) => jointStateMessage(c.stampNs, c.demo.jointsAt(c.t));
      case "leader_command":
        return this.fast ? (c) => jointStateCdr(c.stampNs, c.demo.leaderAt(c.t)) : (c) => jointStateMessage(c.stampNs, c.demo.leaderAt(c.t));
      case "wrench": {
        const side = sideOf(stream);
        return this.fast
          ? (c) => wrenchStampedCdr(c.stampNs, stream.frame_id, c.demo.wrenchAt(side, c.t))
          : (c) => wrenchStampedMessage(c.stampNs, stream.frame_id, c.demo.wrenchAt(side, c.t));
      }
      case "tactile":
        return this.tactileProducer(stream);
      case "tf":
        return this.fast ? (c) => tfMessageCdr(c.stampNs, c.demo.transformsAt(c.t)) : (c) => tfMessage(c.stampNs, c.demo.transformsAt(c.t));
      case "tf_static":
        throw new Error(`${stream.topic}: /tf_static is published once at start, not sampled`);
    }
  }

  private camera(stream: StreamSpec): CameraSpec {
    const cam = this.profile.cameras.find((c) => c.name === stream.source);
    if (!cam) throw new Error(`stream ${stream.topic} names camera ${stream.source ?? "(none)"}, not in profile ${this.profile.name}`);
    return cam;
  }

  private imageProducer(stream: StreamSpec, cam: CameraSpec): Producer {
    const isStatic = this.isStaticFrame(cam.optical_frame);
    // No sensor noise on images: a full extra pass per frame that the ≥ 2× real-time budget cannot
    // afford; the renderer supports it (`noise`) for studies that need it.
    const renderer = createCameraRenderer(cam, { cacheStatic: isStatic });
    const depth = stream.kind === "depth_image";
    const pixels = cam.width * cam.height;
    const rgb = depth ? undefined : new Uint8Array(pixels * 3);
    const depthBuf = depth ? new Uint16Array(pixels) : undefined;
    const bytes = depthBuf ? new Uint8Array(depthBuf.buffer) : (rgb as Uint8Array);
    return (c) => {
      renderer.render(c.scene(), this.poseOf(cam.optical_frame, isStatic, c), depth ? { depth: depthBuf } : { rgb }, c.index);
      if (this.fast) return imageCdr(c.stampNs, stream.frame_id, cam.width, cam.height, depth ? "16UC1" : "rgb8", bytes);
      return imageMessage(c.stampNs, stream.frame_id, cam.width, cam.height, depth ? "16UC1" : "rgb8", bytes);
    };
  }

  private cloudProducer(stream: StreamSpec): Producer {
    const spec: LidarSpec | undefined = this.profile.lidar;
    if (!spec) throw new Error(`stream ${stream.topic} is a point cloud but profile ${this.profile.name} has no lidar section`);
    const isStatic = this.isStaticFrame(spec.frame);
    const lidar = createLidar(spec, { cacheStatic: isStatic });
    const scan = lidar.createScan();
    const data = new Uint8Array(spec.rings * spec.columns * 24);
    const period = 1 / stream.rate_hz;
    return (c) => {
      lidar.scan(c.scene(), this.poseOf(spec.frame, isStatic, c), period, scan);
      const body = packPointCloud2(scan, data);
      return pointCloud2Message(c.stampNs, stream.frame_id, {
        height: body.height,
        width: body.width,
        fields: body.fields,
        pointStep: body.point_step,
        data: body.data,
        isDense: body.is_dense,
      });
    };
  }

  private tactileProducer(stream: StreamSpec): Producer {
    const pad = stream.source ?? stream.frame_id;
    if (!(PAD_IDS as readonly string[]).includes(pad)) {
      throw new Error(`tactile stream ${stream.topic}: source must be one of ${PAD_IDS.join(", ")}, got ${pad}`);
    }
    const [rows, cols] = stream.shape ?? [16, 16];
    const n = rows * cols;
    // One reusable frame per stream: the message is serialized before the next sample is made.
    const frame: TactileFrame = { rows, cols, pressure: new Float32Array(n), shearX: new Float32Array(n), shearY: new Float32Array(n) };
    if (this.fast) return (c) => tactileArrayCdr(c.stampNs, stream.frame_id, pad, c.demo.tactileAt(pad as PadId, c.t, frame));
    return (c) => tactileArrayMessage(c.stampNs, stream.frame_id, pad, c.demo.tactileAt(pad as PadId, c.t, frame));
  }

  private poseOf(frame: string, isStatic: boolean, c: Capture): Pose {
    if (!isStatic) return c.demo.framePoseAt(frame, c.t);
    let pose = this.staticPoses.get(frame);
    if (!pose) {
      pose = c.demo.framePoseAt(frame, c.t);
      this.staticPoses.set(frame, pose);
    }
    return pose;
  }

  /** A frame whose chain to the root is made of the profile's static frames only. */
  private isStaticFrame(frame: string): boolean {
    const parents = new Map(this.profile.static_frames.map((f) => [f.child, f.parent]));
    let current = frame;
    for (let i = 0; i <= parents.size && current !== this.profile.root_frame; i++) {
      const parent = parents.get(current);
      if (parent === undefined) return false;
      current = parent;
    }
    return current === this.profile.root_frame;
  }
}

function sideOf(stream: StreamSpec): SidePrefix {
  const side = stream.source ?? (stream.frame_id.startsWith("left") ? "left" : "right");
  if (side !== "left" && side !== "right") throw new Error(`wrench stream ${stream.topic}: source must be left or right, got ${side}`);
  return side;
}
