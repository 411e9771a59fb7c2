// What the rig needs from the world model and the renderers, stated as narrow interfaces so the
// rig can be tested with stand-ins and the implementations can evolve behind them.
import type { mat4 } from "gl-matrix";
import type { CameraSpec, LidarSpec, RigProfile } from "../../rig/profile.ts";
import type { DemoGroundTruth, SceneGeometry, WorldState } from "../types.ts";
import type { PointFieldSpec } from "../ros-messages.ts";

export interface SimDemo {
  /** Seconds from the first to the last instant of the demonstration. */
  readonly duration: number;
  readonly groundTruth: DemoGroundTruth;
  stateAt(t: number): WorldState;
  sceneAt(t: number): SceneGeometry;
}

export type DemoFactory = (seed: number, profile: RigProfile) => SimDemo;

export interface CameraRenderOutput {
  rgb?: Uint8Array;
  depth?: Uint16Array;
}

export interface CameraRenderer {
  render(scene: SceneGeometry, baseTOptical: mat4, out: CameraRenderOutput): void;
}

export interface PackedCloud {
  height: number;
  width: number;
  fields: PointFieldSpec[];
  pointStep: number;
  data: Uint8Array;
  isDense: boolean;
}

export interface LidarScanner {
  /** One sweep; the returned cloud may reuse its buffer on the next call. */
  scan(scene: SceneGeometry, baseTLidar: mat4, sweepPeriodS: number): PackedCloud;
}

export interface RenderFactory {
  camera(spec: CameraSpec, options: { isStatic: boolean }): CameraRenderer;
  lidar(spec: LidarSpec): LidarScanner;
}
