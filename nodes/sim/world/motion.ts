// Time-parameterised motion primitives: minimum-jerk blends (zero velocity and acceleration at both
// ends, so consecutive segments join smoothly), Cartesian pose segments and a uniform-knot cubic
// Hermite spline for joint trajectories with an analytic derivative.
import { quat } from "gl-matrix";
import { type Mat4, type Quat64, newMat4, newQuat } from "./rigid.ts";

/** Minimum-jerk progress s(u) = 10u³ − 15u⁴ + 6u⁵ for u in [0, 1], and ds/du. */
export function minJerk(u: number): number {
  if (u <= 0) return 0;
  if (u >= 1) return 1;
  return u * u * u * (10 + u * (-15 + 6 * u));
}
export function minJerkRate(u: number): number {
  if (u <= 0 || u >= 1) return 0;
  const v = u * (1 - u);
  return 30 * v * v;
}

/** A scalar trajectory made of min-jerk moves between held values (a gripper opening, say). */
export class ScalarProfile {
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];
  private readonly from: number[] = [];
  private readonly to: number[] = [];
  constructor(private readonly initial: number) {}

  /** Append a move ending at `t1`; segments must be added in time order and not overlap. */
  moveTo(t0: number, t1: number, value: number): this {
    const prev = this.to.length > 0 ? this.to[this.to.length - 1]! : this.initial;
    this.starts.push(t0);
    this.ends.push(t1);
    this.from.push(prev);
    this.to.push(value);
    return this;
  }

  get last(): number {
    return this.to.length > 0 ? this.to[this.to.length - 1]! : this.initial;
  }

  value(t: number): number {
    let v = this.initial;
    for (let i = 0; i < this.starts.length; i++) {
      if (t < this.starts[i]!) return v;
      const d = this.ends[i]! - this.starts[i]!;
      if (t < this.ends[i]!) return this.from[i]! + (this.to[i]! - this.from[i]!) * minJerk((t - this.starts[i]!) / d);
      v = this.to[i]!;
    }
    return v;
  }

  rate(t: number): number {
    for (let i = 0; i < this.starts.length; i++) {
      if (t < this.starts[i]!) return 0;
      if (t < this.ends[i]!) {
        const d = this.ends[i]! - this.starts[i]!;
        return ((this.to[i]! - this.from[i]!) * minJerkRate((t - this.starts[i]!) / d)) / d;
      }
    }
    return 0;
  }

  /** First time in [a, b] at which the profile crosses `level` (bisection; profile monotone there). */
  crossing(level: number, a: number, b: number): number | undefined {
    const fa = this.value(a) - level, fb = this.value(b) - level;
    if (fa === 0) return a;
    if (fa * fb > 0) return undefined;
    let lo = a, hi = b;
    for (let i = 0; i < 60; i++) {
      const mid = 0.5 * (lo + hi);
      const fm = this.value(mid) - level;
      if (fm === 0) return mid;
      if (fm * fa < 0) hi = mid;
      else lo = mid;
    }
    return 0.5 * (lo + hi);
  }
}

export interface CartesianKey {
  position: readonly [number, number, number];
  orientation: Quat64;
}

interface PoseSegment {
  t0: number;
  t1: number;
  a: CartesianKey;
  b: CartesianKey;
}

/** A tool-centre-point path: min-jerk moves (position lerp, orientation slerp) between held poses. */
export class PosePath {
  private readonly segments: PoseSegment[] = [];
  private current: CartesianKey;
  private time: number;
  constructor(start: CartesianKey, t0: number) {
    this.current = start;
    this.time = t0;
  }
  get now(): number {
    return this.time;
  }
  get pose(): CartesianKey {
    return this.current;
  }
  moveTo(key: CartesianKey, duration: number): this {
    this.segments.push({ t0: this.time, t1: this.time + duration, a: this.current, b: key });
    this.current = key;
    this.time += duration;
    return this;
  }
  hold(duration: number): this {
    return this.moveTo(this.current, duration);
  }
  /** Move with a pause part-way (an operator's hesitation): stop at `fraction` for `pause` seconds. */
  moveWithPause(key: CartesianKey, duration: number, fraction: number, pause: number): this {
    const a = this.current;
    const mid: CartesianKey = {
      position: [0, 1, 2].map((i) => a.position[i]! + (key.position[i]! - a.position[i]!) * fraction) as unknown as [number, number, number],
      orientation: quat.slerp(newQuat(), a.orientation, key.orientation, fraction) as Quat64,
    };
    // a stop costs time: each half is slightly slower than its share of the direct move
    this.moveTo(mid, duration * Math.max(0.35, fraction) * 1.1);
    this.hold(pause);
    return this.moveTo(key, duration * Math.max(0.35, 1 - fraction) * 1.1);
  }

  /** Pose at time t, written to `out` (held before the first and after the last segment). */
  sample(t: number, out: Mat4 = newMat4()): Mat4 {
    const segs = this.segments;
    let seg: PoseSegment | undefined;
    let s = 0;
    if (segs.length === 0 || t <= segs[0]!.t0) {
      seg = segs[0];
      s = 0;
    } else {
      for (const g of segs) {
        seg = g;
        if (t < g.t1) break;
      }
      s = seg ? minJerk((t - seg.t0) / Math.max(seg.t1 - seg.t0, 1e-9)) : 0;
    }
    const a = seg ? seg.a : this.current;
    const b = seg ? seg.b : this.current;
    const q = quat.slerp(this.tmpQ, a.orientation, b.orientation, s);
    this.tmpP[0] = a.position[0] + (b.position[0] - a.position[0]) * s;
    this.tmpP[1] = a.position[1] + (b.position[1] - a.position[1]) * s;
    this.tmpP[2] = a.position[2] + (b.position[2] - a.position[2]) * s;
    out.fill(0);
    // rotation from quaternion, then translation
    const x = q[0]!, y = q[1]!, z = q[2]!, w = q[3]!;
    out[0] = 1 - 2 * (y * y + z * z); out[1] = 2 * (x * y + z * w); out[2] = 2 * (x * z - y * w);
    out[4] = 2 * (x * y - z * w); out[5] = 1 - 2 * (x * x + z * z); out[6] = 2 * (y * z + x * w);
    out[8] = 2 * (x * z + y * w); out[9] = 2 * (y * z - x * w); out[10] = 1 - 2 * (x * x + y * y);
    out[12] = this.tmpP[0]; out[13] = this.tmpP[1]; out[14] = this.tmpP[2]; out[15] = 1;
    return out;
  }
  private readonly tmpQ = newQuat();
  private readonly tmpP = new Float64Array(3);
}

/**
 * Cubic Hermite spline through uniformly spaced knots of a multi-channel signal (channel-major per
 * knot), tangents by central differences. Position, velocity and acceleration come from the same
 * polynomial, so they are exactly consistent. Held constant outside the knot range.
 */
export class UniformSpline {
  private readonly tangents: Float64Array;
  readonly count: number;
  constructor(
    readonly t0: number,
    readonly dt: number,
    readonly channels: number,
    private readonly knots: Float64Array,
  ) {
    this.count = knots.length / channels;
    const n = this.count;
    this.tangents = new Float64Array(knots.length);
    for (let k = 0; k < n; k++) {
      const a = Math.max(0, k - 1), b = Math.min(n - 1, k + 1);
      // end knots get zero slope: trajectories start and end at rest
      if (k === 0 || k === n - 1) continue;
      for (let c = 0; c < channels; c++) {
        this.tangents[k * channels + c] = (knots[b * channels + c]! - knots[a * channels + c]!) / ((b - a) * dt);
      }
    }
  }
  get t1(): number {
    return this.t0 + (this.count - 1) * this.dt;
  }

  /** Writes position and velocity of every channel at t into out arrays (at `offset`). */
  evaluate(t: number, pos: Float64Array, vel: Float64Array | undefined, offset = 0): void {
    const C = this.channels;
    let x = (t - this.t0) / this.dt;
    if (!(x > 0)) x = 0;
    const last = this.count - 1;
    if (x >= last) {
      for (let c = 0; c < C; c++) {
        pos[offset + c] = this.knots[last * C + c]!;
        if (vel) vel[offset + c] = 0;
      }
      return;
    }
    const i = Math.floor(x);
    const u = x - i;
    const u2 = u * u, u3 = u2 * u;
    const h00 = 2 * u3 - 3 * u2 + 1, h10 = u3 - 2 * u2 + u, h01 = -2 * u3 + 3 * u2, h11 = u3 - u2;
    const d00 = 6 * u2 - 6 * u, d10 = 3 * u2 - 4 * u + 1, d01 = -6 * u2 + 6 * u, d11 = 3 * u2 - 2 * u;
    const dt = this.dt;
    const a = i * C, b = a + C;
    for (let c = 0; c < C; c++) {
      const p0 = this.knots[a + c]!, p1 = this.knots[b + c]!;
      const m0 = this.tangents[a + c]! * dt, m1 = this.tangents[b + c]! * dt;
      pos[offset + c] = h00 * p0 + h10 * m0 + h01 * p1 + h11 * m1;
      if (vel) vel[offset + c] = (d00 * p0 + d10 * m0 + d01 * p1 + d11 * m1) / dt;
    }
  }
}
