// One producer per stream kind: turns the world at a capture instant into that stream's message.
import { mat4 } from "gl-matrix";
import type { CameraSpec, LidarSpec, RigProfile, StreamSpec } from "../../rig/profile.ts";
import type { RosMessage } from "../../runtime/api.ts";
import { FrameResolver } from "../frames.ts";
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
import type { PadId, SceneGeometry, SidePrefix, WorldState } from "../types.ts";
import type { RenderFactory } from "./ports.ts";

/** The world at one capture instant, computed at most once however many streams need it. */
export interface Capture {
  stampNs: bigint;
  state(): WorldState;
  scene(): SceneGeometry;
}

export type Producer = (capture: Capture) => RosMessage;

export class ProducerFactory {
  private readonly cameraPoseCache = new Map<string, mat4>();

  constructor(
    private readonly profile: RigProfile,
    private readonly frames: FrameResolver,
    private readonly render: RenderFactory,
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
        return (c) => imuMessage(c.stampNs, stream.frame_id, c.state().imu);
      case "joint_states":
        return (c) => jointStateMessage(c.stampNs, c.state().joints);
      case "leader_command":
        return (c) => jointStateMessage(c.stampNs, c.state().leaderCommand);
      case "wrench": {
        const side = sideOf(stream);
        return (c) => wrenchStampedMessage(c.stampNs, stream.frame_id, c.state().wrench[side]);
      }
      case "tactile": {
        const pad = (stream.source ?? stream.frame_id) as PadId;
        return (c) => {
          const frame = c.state().tactile[pad];
          if (!frame) throw new Error(`the world has no tactile pad ${pad} (stream ${stream.topic})`);
          return tactileArrayMessage(c.stampNs, stream.frame_id, pad, frame);
        };
      }
      case "tf":
        return (c) => tfMessage(c.stampNs, c.state().dynamicTransforms);
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
    const isStatic = this.frames.isStatic(cam.optical_frame);
    const renderer = this.render.camera(cam, { isStatic });
    const depth = stream.kind === "depth_image";
    const pixels = cam.width * cam.height;
    const rgb = depth ? undefined : new Uint8Array(pixels * 3);
    const depthBuf = depth ? new Uint16Array(pixels) : undefined;
    const bytes = depthBuf ? new Uint8Array(depthBuf.buffer) : (rgb as Uint8Array);
    return (c) => {
      const pose = this.poseOf(cam.optical_frame, isStatic, c);
      renderer.render(c.scene(), pose, depth ? { depth: depthBuf } : { rgb });
      return imageMessage(c.stampNs, stream.frame_id, cam.width, cam.height, depth ? "16UC1" : "rgb8", bytes);
    };
  }

  private cloudProducer(stream: StreamSpec): Producer {
    const lidar: LidarSpec | undefined = this.profile.lidar;
    if (!lidar) throw new Error(`stream ${stream.topic} is a point cloud but profile ${this.profile.name} has no lidar section`);
    const scanner = this.render.lidar(lidar);
    const isStatic = this.frames.isStatic(lidar.frame);
    const period = 1 / stream.rate_hz;
    return (c) => {
      const pose = this.poseOf(lidar.frame, isStatic, c);
      const cloud = scanner.scan(c.scene(), pose, period);
      return pointCloud2Message(c.stampNs, stream.frame_id, cloud);
    };
  }

  private poseOf(frame: string, isStatic: boolean, c: Capture): mat4 {
    if (isStatic) {
      let m = this.cameraPoseCache.get(frame);
      if (!m) {
        m = this.frames.resolve(frame, []);
        this.cameraPoseCache.set(frame, m);
      }
      return m;
    }
    return this.frames.resolve(frame, c.state().dynamicTransforms);
  }
}

function sideOf(stream: StreamSpec): SidePrefix {
  const side = stream.source ?? (stream.frame_id.startsWith("left") ? "left" : "right");
  if (side !== "left" && side !== "right") throw new Error(`wrench stream ${stream.topic}: source must be left or right, got ${side}`);
  return side;
}
