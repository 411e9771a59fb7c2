// Builds the ROS 2 messages a real station's drivers publish, from the simulated world's state.
// Field names and layouts are those of the .msg definitions, so the codec serializes them as-is.
import type { CameraSpec } from "../rig/profile.ts";
import type { RosMessage } from "../runtime/api.ts";
import type { FrameTransform, ImuSample, JointSnapshot, Pose, TactileFrame, Wrench } from "./types.ts";

export interface RosTime {
  sec: number;
  nanosec: number;
}

export function rosTime(ns: bigint): RosTime {
  const sec = ns / 1_000_000_000n;
  return { sec: Number(sec), nanosec: Number(ns - sec * 1_000_000_000n) };
}

export function header(stampNs: bigint, frameId: string): RosMessage {
  return { stamp: rosTime(stampNs), frame_id: frameId };
}

export function imageMessage(stampNs: bigint, frameId: string, width: number, height: number, encoding: "rgb8" | "16UC1", data: Uint8Array): RosMessage {
  const bytesPerPixel = encoding === "rgb8" ? 3 : 2;
  return { header: header(stampNs, frameId), height, width, encoding, is_bigendian: 0, step: width * bytesPerPixel, data };
}

export function cameraInfoMessage(stampNs: bigint, frameId: string, cam: CameraSpec): RosMessage {
  const k = [cam.fx, 0, cam.cx, 0, cam.fy, cam.cy, 0, 0, 1];
  // Monocular camera: R is identity and P = [K | 0] (CameraInfo semantics for an unrectified stream).
  const p = [cam.fx, 0, cam.cx, 0, 0, cam.fy, cam.cy, 0, 0, 0, 1, 0];
  return {
    header: header(stampNs, frameId),
    height: cam.height,
    width: cam.width,
    distortion_model: cam.distortion_model,
    d: Float64Array.from(cam.D),
    k,
    r: [1, 0, 0, 0, 1, 0, 0, 0, 1],
    p,
    binning_x: 0,
    binning_y: 0,
    roi: { x_offset: 0, y_offset: 0, height: 0, width: 0, do_rectify: false },
  };
}

export interface PointFieldSpec {
  name: string;
  offset: number;
  datatype: number;
  count: number;
}

export function pointCloud2Message(
  stampNs: bigint,
  frameId: string,
  cloud: { height: number; width: number; fields: PointFieldSpec[]; pointStep: number; data: Uint8Array; isDense: boolean },
): RosMessage {
  return {
    header: header(stampNs, frameId),
    height: cloud.height,
    width: cloud.width,
    fields: cloud.fields,
    is_bigendian: false,
    point_step: cloud.pointStep,
    row_step: cloud.pointStep * cloud.width,
    data: cloud.data,
    is_dense: cloud.isDense,
  };
}

const UNKNOWN_COVARIANCE = new Float64Array(9);

export function imuMessage(stampNs: bigint, frameId: string, imu: ImuSample): RosMessage {
  const [x, y, z, w] = imu.orientation;
  return {
    header: header(stampNs, frameId),
    orientation: { x, y, z, w },
    orientation_covariance: UNKNOWN_COVARIANCE,
    angular_velocity: vector3(imu.angularVelocity),
    angular_velocity_covariance: UNKNOWN_COVARIANCE,
    linear_acceleration: vector3(imu.linearAcceleration),
    linear_acceleration_covariance: UNKNOWN_COVARIANCE,
  };
}

export function jointStateMessage(stampNs: bigint, joints: Pick<JointSnapshot, "names" | "position"> & Partial<JointSnapshot>): RosMessage {
  return {
    header: header(stampNs, ""),
    name: joints.names,
    position: joints.position,
    velocity: joints.velocity ?? new Float64Array(0),
    effort: joints.effort ?? new Float64Array(0),
  };
}

export function wrenchStampedMessage(stampNs: bigint, frameId: string, wrench: Wrench): RosMessage {
  return { header: header(stampNs, frameId), wrench: { force: vector3(wrench.force), torque: vector3(wrench.torque) } };
}

export function tactileArrayMessage(stampNs: bigint, frameId: string, sensorName: string, frame: TactileFrame): RosMessage {
  return {
    header: header(stampNs, frameId),
    sensor_name: sensorName,
    rows: frame.rows,
    cols: frame.cols,
    pressure: frame.pressure,
    shear_x: frame.shearX,
    shear_y: frame.shearY,
  };
}

export function transformStamped(stampNs: bigint, t: FrameTransform): RosMessage {
  return { header: header(stampNs, t.parent), child_frame_id: t.child, transform: transformFields(t.transform) };
}

export function tfMessage(stampNs: bigint, transforms: readonly FrameTransform[]): RosMessage {
  return { transforms: transforms.map((t) => transformStamped(stampNs, t)) };
}

export function clockMessage(ns: bigint): RosMessage {
  return { clock: rosTime(ns) };
}

function transformFields(pose: Pose): RosMessage {
  const [qx, qy, qz, qw] = pose.orientation;
  return { translation: vector3(pose.position), rotation: { x: qx, y: qy, z: qz, w: qw } };
}

function vector3(v: readonly [number, number, number]): RosMessage {
  return { x: v[0], y: v[1], z: v[2] };
}
