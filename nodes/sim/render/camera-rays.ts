// Per-camera precomputation: the undistorted unit ray of every pixel in the optical frame, so a
// frame is a plain per-pixel ray cast. Built once per distinct intrinsics and shared.
import type { CameraSpec } from "../../rig/profile.ts";
import { plumbBobFromD, undistort } from "./plumb-bob.ts";

export type CameraIntrinsics = Pick<CameraSpec, "width" | "height" | "fx" | "fy" | "cx" | "cy" | "distortion_model" | "D">;

export interface CameraRays {
  readonly width: number;
  readonly height: number;
  /** Unit direction per pixel, xyz interleaved, optical frame (z forward, x right, y down). */
  readonly dirs: Float32Array;
  /** 1 where the pixel sees a real direction, 0 where undistortion has no solution. */
  readonly valid: Uint8Array;
  /** Per column / row, the range of x/z (resp. y/z) over its valid pixels: screen-space culling. */
  readonly colMinX: Float64Array;
  readonly colMaxX: Float64Array;
  readonly rowMinY: Float64Array;
  readonly rowMaxY: Float64Array;
  /** Smallest z component over valid rays: a ray distance t implies depth z ≥ t · minDirZ. */
  readonly minDirZ: number;
}

const cache = new Map<string, CameraRays>();

function keyOf(spec: CameraIntrinsics): string {
  return JSON.stringify([spec.width, spec.height, spec.fx, spec.fy, spec.cx, spec.cy, spec.distortion_model, spec.D]);
}

/** The ray table for these intrinsics (pixel centres at integer coordinates, as OpenCV and ROS). */
export function cameraRays(spec: CameraIntrinsics): CameraRays {
  const key = keyOf(spec);
  let rays = cache.get(key);
  if (!rays) {
    rays = buildRays(spec);
    cache.set(key, rays);
  }
  return rays;
}

function buildRays(spec: CameraIntrinsics): CameraRays {
  if (spec.distortion_model !== "plumb_bob") {
    throw new Error(`camera renderer: distortion model "${spec.distortion_model}" is not supported (plumb_bob only)`);
  }
  const { width, height, fx, fy, cx, cy } = spec;
  const d = plumbBobFromD(spec.D);
  const n = width * height;
  const dirs = new Float32Array(n * 3);
  const valid = new Uint8Array(n);
  const colMinX = new Float64Array(width).fill(Infinity);
  const colMaxX = new Float64Array(width).fill(-Infinity);
  const rowMinY = new Float64Array(height).fill(Infinity);
  const rowMaxY = new Float64Array(height).fill(-Infinity);
  let minDirZ = 1;
  const xy = new Float64Array(2);
  for (let v = 0; v < height; v++) {
    for (let u = 0; u < width; u++) {
      const i = v * width + u;
      if (!undistort(d, (u - cx) / fx, (v - cy) / fy, xy)) continue;
      const x = xy[0]!, y = xy[1]!;
      const inv = 1 / Math.sqrt(x * x + y * y + 1);
      dirs[i * 3] = x * inv;
      dirs[i * 3 + 1] = y * inv;
      dirs[i * 3 + 2] = inv;
      valid[i] = 1;
      // Bounds from the stored float32 values, which are what the casts actually use.
      const fz = dirs[i * 3 + 2]!;
      const px = dirs[i * 3]! / fz, py = dirs[i * 3 + 1]! / fz;
      if (px < colMinX[u]!) colMinX[u] = px;
      if (px > colMaxX[u]!) colMaxX[u] = px;
      if (py < rowMinY[v]!) rowMinY[v] = py;
      if (py > rowMaxY[v]!) rowMaxY[v] = py;
      if (fz < minDirZ) minDirZ = fz;
    }
  }
  return { width, height, dirs, valid, colMinX, colMaxX, rowMinY, rowMaxY, minDirZ };
}
