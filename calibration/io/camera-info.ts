// sensor_msgs/msg/CameraInfo as a plain object (the shape the ROS 2 CDR codecs produce).
import { DISTORTION_MODELS, type CameraModel, type DistortionModel } from "../model/types.ts";
import { joinNanoseconds, splitNanoseconds } from "./time.ts";

export interface RosTime {
  sec: number;
  nanosec: number;
}

export interface RegionOfInterest {
  x_offset: number;
  y_offset: number;
  height: number;
  width: number;
  do_rectify: boolean;
}

export interface CameraInfoMessage {
  header: { stamp: RosTime; frame_id: string };
  height: number;
  width: number;
  distortion_model: string;
  d: number[];
  k: number[];
  r: number[];
  p: number[];
  binning_x: number;
  binning_y: number;
  roi: RegionOfInterest;
}

export class CameraInfoError extends Error {}

export function cameraInfoFromModel(camera: CameraModel, stampNs = 0n): CameraInfoMessage {
  const { sec, nsec } = splitNanoseconds(stampNs);
  return {
    header: { stamp: { sec, nanosec: nsec }, frame_id: camera.frame },
    height: camera.height,
    width: camera.width,
    distortion_model: camera.distortionModel,
    d: [...camera.D],
    k: [...camera.K],
    r: [...camera.R],
    p: [...camera.P],
    binning_x: 0,
    binning_y: 0,
    roi: { x_offset: 0, y_offset: 0, height: 0, width: 0, do_rectify: false },
  };
}

/** Some decoders name the field `nsec` (ROS 1 style); accept both. */
export function cameraInfoStampNs(msg: { header: { stamp: { sec: number; nanosec?: number; nsec?: number } } }): bigint {
  const s = msg.header.stamp;
  return joinNanoseconds(s.sec, s.nanosec ?? s.nsec ?? 0);
}

export function checkedDistortionModel(model: string, where: string): DistortionModel {
  // An all-zero D with an empty model is how some drivers say "no distortion".
  if (model === "") return "plumb_bob";
  if (!(DISTORTION_MODELS as readonly string[]).includes(model)) {
    throw new CameraInfoError(`${where}: unsupported distortion_model "${model}" (expected one of ${DISTORTION_MODELS.join(", ")})`);
  }
  return model as DistortionModel;
}

function checkedArray(values: ArrayLike<number>, n: number | undefined, what: string): number[] {
  const arr = Array.from(values);
  if (n !== undefined && arr.length !== n) throw new CameraInfoError(`${what} has ${arr.length} values, expected ${n}`);
  if (arr.some((v) => !Number.isFinite(v))) throw new CameraInfoError(`${what} contains a non-finite value`);
  return arr;
}

/**
 * The camera a CameraInfo describes. Binning and ROI are not part of a calibration: a message
 * with them set describes a transformed image, so we refuse it rather than store wrong K/P.
 */
export function modelFromCameraInfo(
  msg: Pick<CameraInfoMessage, "header" | "height" | "width" | "distortion_model"> & {
    d: ArrayLike<number>;
    k: ArrayLike<number>;
    r: ArrayLike<number>;
    p: ArrayLike<number>;
    binning_x?: number;
    binning_y?: number;
    roi?: RegionOfInterest;
  },
  name: string = msg.header.frame_id,
): CameraModel {
  const where = `CameraInfo ${msg.header.frame_id || name}`;
  if ((msg.binning_x ?? 0) > 1 || (msg.binning_y ?? 0) > 1) throw new CameraInfoError(`${where}: binned CameraInfo (binning ${msg.binning_x}×${msg.binning_y}) does not describe the full-resolution calibration`);
  if (msg.roi && (msg.roi.width !== 0 || msg.roi.height !== 0) && (msg.roi.width !== msg.width || msg.roi.height !== msg.height)) {
    throw new CameraInfoError(`${where}: a region of interest is set; it does not describe the full-resolution calibration`);
  }
  return {
    name,
    frame: msg.header.frame_id,
    width: msg.width,
    height: msg.height,
    distortionModel: checkedDistortionModel(msg.distortion_model, where),
    D: checkedArray(msg.d, undefined, `${where} d`),
    K: checkedArray(msg.k, 9, `${where} k`),
    R: checkedArray(msg.r, 9, `${where} r`),
    P: checkedArray(msg.p, 12, `${where} p`),
  };
}
