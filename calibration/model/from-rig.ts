// Builds a RigCalibration from the plain data a rig profile states (cameras with fx/fy/cx/cy/D,
// static frames with xyz + rpy). Structural types keep calibration/ free of imports from nodes/.
import { transformFromXyzRpy } from "../math/rigid.ts";
import { pinholeCamera } from "./camera.ts";
import type { DistortionModel, Provenance, RigCalibration } from "./types.ts";

export interface RigCameraData {
  name: string;
  optical_frame: string;
  width: number;
  height: number;
  fx: number;
  fy: number;
  cx: number;
  cy: number;
  distortion_model?: DistortionModel;
  D?: readonly number[];
}

export interface RigStaticFrameData {
  parent: string;
  child: string;
  xyz: readonly [number, number, number] | readonly number[];
  /** roll, pitch, yaw (fixed axes X, Y, Z), radians. */
  rpy: readonly [number, number, number] | readonly number[];
}

export interface RigData {
  name?: string;
  root_frame?: string;
  cameras?: readonly RigCameraData[];
  static_frames?: readonly RigStaticFrameData[];
}

export interface FromRigOptions {
  /** Defaults to the current time. */
  created?: string;
  id?: string;
  who?: string;
  sourceFiles?: string[];
  timeOffsetsNs?: Record<string, bigint>;
}

export function calibrationFromRigData(rig: RigData, options: FromRigOptions = {}): RigCalibration {
  const created = options.created ?? new Date().toISOString();
  const provenance: Provenance = {
    id: options.id ?? `${rig.name ?? "rig"}-profile-${created}`,
    created,
    method: "rig-profile",
    residuals: {},
    who: options.who ?? "",
    sourceFiles: options.sourceFiles ?? [],
  };
  return {
    rootFrame: rig.root_frame ?? "base_link",
    cameras: (rig.cameras ?? []).map((c) =>
      pinholeCamera({
        name: c.name,
        frame: c.optical_frame,
        width: c.width,
        height: c.height,
        fx: c.fx,
        fy: c.fy,
        cx: c.cx,
        cy: c.cy,
        distortionModel: c.distortion_model ?? "plumb_bob",
        ...(c.D ? { D: c.D } : {}),
      }),
    ),
    extrinsics: (rig.static_frames ?? []).map((f) => ({ parent: f.parent, child: f.child, ...transformFromXyzRpy(f.xyz, f.rpy) })),
    timeOffsetsNs: { ...(options.timeOffsetsNs ?? {}) },
    provenance,
  };
}
