// Fingertip tactile pads: a pressure blob where the object's face touches the pad, scaled so the
// pad's total normal force is the grip force; shear from the load the object hangs on the fingers,
// stick-slip vibration while it slides; zero plus taxel noise out of contact.
//
// Pad geometry: rows run along pad x (the tool axis, root → tip), columns along pad y. The object's
// face covers the pad below its top edge (pad x > edge); the edge moves as the object slides.
import type { PadId, SidePrefix, TactileFrame } from "../../types.ts";
import type { GraspModel } from "../grasp.ts";
import type { KinCache } from "../kin-cache.ts";
import type { LoadModel } from "../load.ts";
import { GRIPPER, PAD_AXES } from "../robot.ts";
import { rotateOutOfFrame, takeF32 } from "../rigid.ts";
import { NoiseStream, sampleKey } from "../rng.ts";

const PRESSURE_NOISE = 0.15; // kPa
const SHEAR_NOISE = 0.05; // kPa
/** Width of the blob (elastomer dome + finger compliance), metres. */
const BLOB_SIGMA = 0.0065;
/** Softness of the object's edge on the pad, metres. */
const EDGE_SOFTNESS = 0.001;
const VIBRATION_HZ = 118;

interface PadLayout {
  rows: number;
  cols: number;
  xs: Float64Array;
  ys: Float64Array;
  /** Σ of the blob weights with the grasp-time edge: normalises pressure to the grip force. */
  nominalSum: number;
  /** Per-row Gaussian and per-column Gaussian (fixed: the blob centre does not move on the pad). */
  gx: Float64Array;
  gy: Float64Array;
  gySum: number;
  taxelArea: number;
}

export function makeTactileFrame(rows: number, cols: number): TactileFrame {
  const n = rows * cols;
  return { rows, cols, pressure: takeF32(n), shearX: takeF32(n), shearY: takeF32(n) };
}

export class TactileSensor {
  private readonly layouts = new Map<PadId, PadLayout>();
  private readonly noise: Map<PadId, NoiseStream>;
  private readonly rowW = new Float64Array(4096);

  constructor(
    seed: number,
    private readonly activeSide: SidePrefix,
    shapes: Record<PadId, [number, number]>,
    private readonly padOffsets: Record<PadId, [number, number]>,
    private readonly cache: KinCache,
    private readonly grasp: GraspModel,
    private readonly load: LoadModel,
    private readonly noiseOn: boolean,
  ) {
    this.noise = new Map();
    for (const pad of Object.keys(shapes) as PadId[]) {
      const [rows, cols] = shapes[pad];
      this.layouts.set(pad, this.layout(pad, rows, cols));
      this.noise.set(pad, new NoiseStream(seed, `tactile:${pad}`));
    }
  }

  private layout(pad: PadId, rows: number, cols: number): PadLayout {
    const L = GRIPPER.padLength, W = GRIPPER.padWidth;
    const xs = Float64Array.from({ length: rows }, (_, r) => ((r + 0.5) / rows - 0.5) * L);
    const ys = Float64Array.from({ length: cols }, (_, c) => ((c + 0.5) / cols - 0.5) * W);
    const [cx, cy] = this.padOffsets[pad];
    const gx = xs.map((x) => Math.exp(-0.5 * ((x - cx) / BLOB_SIGMA) ** 2));
    const gy = ys.map((y) => Math.exp(-0.5 * ((y - cy) / BLOB_SIGMA) ** 2));
    const gySum = gy.reduce((a, b) => a + b, 0);
    let rowSum = 0;
    for (let r = 0; r < rows; r++) rowSum += gx[r]! * edgeCover(xs[r]!, this.grasp.topEdge0);
    return { rows, cols, xs, ys, nominalSum: rowSum * gySum, gx, gy, gySum, taxelArea: (L / rows) * (W / cols) };
  }

  shape(pad: PadId): [number, number] {
    const l = this.layouts.get(pad);
    if (!l) throw new Error(`world model: no tactile stream for pad ${pad} in the rig profile`);
    return [l.rows, l.cols];
  }

  /** Fills `out` (allocated when absent or of the wrong size) with the pad's reading at t. */
  at(pad: PadId, t: number, out?: TactileFrame): TactileFrame {
    const lay = this.layouts.get(pad);
    if (!lay) throw new Error(`world model: no tactile stream for pad ${pad} in the rig profile`);
    const { rows, cols } = lay;
    const frame = out && out.rows === rows && out.cols === cols ? out : makeTactileFrame(rows, cols);
    const side: SidePrefix = pad.startsWith("left_") ? "left" : "right";
    const finger = pad.endsWith("_left_pad") ? "left" : "right";
    const g = this.grasp;
    const force = side === this.activeSide ? g.gripForce(t) : 0;

    if (force > 0) {
      const edge = g.topEdge0 + g.slide(t);
      // kPa per unit weight: force / (area · Σw) / 1000
      const scale = force / (lay.taxelArea * lay.nominalSum) / 1000;
      let rowSum = 0;
      for (let r = 0; r < rows; r++) {
        const w = lay.gx[r]! * edgeCover(lay.xs[r]!, edge);
        this.rowW[r] = w * scale;
        rowSum += w;
      }
      // shear: half the load each pad, projected on the pad plane, spread like the pressure
      const normalTotal = (force * rowSum * lay.gySum) / lay.nominalSum;
      let kx = 0, ky = 0;
      if (normalTotal > 1e-9) {
        const L = this.load.load(t);
        const flange = this.cache.at(t).frames(side).flange;
        const ax = rotateOutOfFrame(flange, PAD_AXES[finger].x);
        const ay = rotateOutOfFrame(flange, PAD_AXES[finger].y);
        const f = L.force;
        kx = (0.5 * (f[0]! * ax[0] + f[1]! * ax[1] + f[2]! * ax[2])) / normalTotal;
        ky = (0.5 * (f[0]! * ay[0] + f[1]! * ay[1] + f[2]! * ay[2])) / normalTotal;
        const v = g.slideRate(t);
        if (v > 0) kx += Math.min(0.4, 4 * v) * Math.sin(2 * Math.PI * VIBRATION_HZ * (t - (g.times.slip ?? t)));
      }
      for (let r = 0; r < rows; r++) {
        const wr = this.rowW[r]!;
        const base = r * cols;
        for (let c = 0; c < cols; c++) {
          const p = wr * lay.gy[c]!;
          frame.pressure[base + c] = p;
          frame.shearX[base + c] = p * kx;
          frame.shearY[base + c] = p * ky;
        }
      }
    } else {
      frame.pressure.fill(0);
      frame.shearX.fill(0);
      frame.shearY.fill(0);
    }

    if (this.noiseOn) {
      const n = this.noise.get(pad)!;
      const h = n.sample(sampleKey(t));
      const N = rows * cols;
      const { pressure, shearX, shearY } = frame;
      for (let i = 0; i < N; i++) {
        pressure[i] = pressure[i]! + PRESSURE_NOISE * n.triangularAt(h, i);
        shearX[i] = shearX[i]! + SHEAR_NOISE * n.triangularAt(h, i + N);
        shearY[i] = shearY[i]! + SHEAR_NOISE * n.triangularAt(h, i + 2 * N);
      }
    }
    return frame;
  }
}

/** Share of a taxel row at pad x that the object's face covers, given the face's top edge. */
function edgeCover(x: number, edge: number): number {
  const u = (x - edge) / EDGE_SOFTNESS + 0.5;
  return u <= 0 ? 0 : u >= 1 ? 1 : u * u * (3 - 2 * u);
}
