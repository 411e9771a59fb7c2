// foxglove.CameraCalibration and foxglove.FrameTransform(s) as plain objects, field names as
// in @foxglove/schemas, so another module can encode them into MCAP episodes as protobuf.
import type { CameraCalibration, FrameTransform, FrameTransforms } from "@foxglove/schemas";
import { makeTransform } from "../math/rigid.ts";
import { quatCanonical } from "../math/so3.ts";
import type { CameraModel, RigCalibration, StaticTransform } from "../model/types.ts";
import { CameraInfoError, checkedDistortionModel } from "./camera-info.ts";
import { joinNanoseconds, splitNanoseconds } from "./time.ts";

type Nine = CameraCalibration["K"];
type Twelve = CameraCalibration["P"];

function fixed<T extends number[]>(values: readonly number[], n: number, what: string): T {
  if (values.length !== n) throw new CameraInfoError(`${what} has ${values.length} values, expected ${n}`);
  return [...values] as T;
}

export function toFoxgloveCameraCalibration(camera: CameraModel, stampNs = 0n): CameraCalibration {
  return {
    timestamp: splitNanoseconds(stampNs),
    frame_id: camera.frame,
    width: camera.width,
    height: camera.height,
    distortion_model: camera.distortionModel,
    D: [...camera.D],
    K: fixed<Nine>(camera.K, 9, `camera ${camera.name} K`),
    R: fixed<Nine>(camera.R, 9, `camera ${camera.name} R`),
    P: fixed<Twelve>(camera.P, 12, `camera ${camera.name} P`),
  };
}

/** foxglove.CameraCalibration carries no camera name; it defaults to the frame id. */
export function fromFoxgloveCameraCalibration(msg: CameraCalibration, name: string = msg.frame_id): CameraModel {
  const where = `CameraCalibration ${msg.frame_id}`;
  return {
    name,
    frame: msg.frame_id,
    width: msg.width,
    height: msg.height,
    distortionModel: checkedDistortionModel(msg.distortion_model, where),
    D: [...msg.D],
    K: fixed<number[]>(msg.K, 9, `${where} K`),
    R: fixed<number[]>(msg.R, 9, `${where} R`),
    P: fixed<number[]>(msg.P, 12, `${where} P`),
  };
}

export function toFoxgloveFrameTransform(t: StaticTransform, stampNs = 0n): FrameTransform {
  const q = quatCanonical(t.rotation);
  return {
    timestamp: splitNanoseconds(stampNs),
    parent_frame_id: t.parent,
    child_frame_id: t.child,
    translation: { x: t.translation[0]!, y: t.translation[1]!, z: t.translation[2]! },
    rotation: { x: q[0], y: q[1], z: q[2], w: q[3] },
  };
}

export function fromFoxgloveFrameTransform(msg: FrameTransform): StaticTransform {
  const { translation: t, rotation: r } = msg;
  return { parent: msg.parent_frame_id, child: msg.child_frame_id, ...makeTransform([t.x, t.y, t.z], [r.x, r.y, r.z, r.w]) };
}

export function toFoxgloveFrameTransforms(transforms: readonly StaticTransform[], stampNs = 0n): FrameTransforms {
  return { transforms: transforms.map((t) => toFoxgloveFrameTransform(t, stampNs)) };
}

export function fromFoxgloveFrameTransforms(msg: FrameTransforms): StaticTransform[] {
  return msg.transforms.map(fromFoxgloveFrameTransform);
}

export function foxgloveStampNs(msg: { timestamp: { sec: number; nsec: number } }): bigint {
  return joinNanoseconds(msg.timestamp.sec, msg.timestamp.nsec);
}

/** Everything a calibration snapshot in an episode needs, stamped at `stampNs`. */
export function calibrationToFoxglove(cal: RigCalibration, stampNs = 0n): { cameras: CameraCalibration[]; transforms: FrameTransforms } {
  return {
    cameras: cal.cameras.map((c) => toFoxgloveCameraCalibration(c, stampNs)),
    transforms: toFoxgloveFrameTransforms(cal.extrinsics, stampNs),
  };
}
