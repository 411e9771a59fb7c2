// Hand-written CDR (XCDR1 little endian, payload padded to 4 bytes) for the simulator's small,
// frequent messages — WrenchStamped (2 kHz), JointState (600 Hz), Imu, TactileArray, TFMessage —
// producing exactly the bytes the generic codec (nodes/messages cdrEncoder) makes from the
// message objects in ros-messages.ts, without building those objects or a size pass: the rig
// spends its time rendering, not serializing. Tests compare every kind byte for byte with the codec.
//
// Rules kept: alignment is relative to the byte after the 4-byte encapsulation header; strings
// are uint32 length (with NUL) + UTF-8 + NUL; a sequence is a uint32 count, and its elements are
// aligned only when there are any (Fast CDR); padding bytes are zero.
import type { FrameTransform, ImuSample, JointSnapshot, TactileFrame, Wrench } from "./types.ts";

const ORIGIN = 4;
const utf8 = new TextEncoder();

class Scratch {
  private buf = new Uint8Array(1 << 16);
  private view = new DataView(this.buf.buffer);
  private o = ORIGIN;

  begin(): this {
    this.buf[0] = 0x00;
    this.buf[1] = 0x01;
    this.buf[2] = 0x00;
    this.buf[3] = 0x00;
    this.o = ORIGIN;
    return this;
  }

  private room(n: number): void {
    if (this.o + n + 8 <= this.buf.length) return;
    const bigger = new Uint8Array(Math.max(this.buf.length * 2, this.o + n + 8));
    bigger.set(this.buf.subarray(0, this.o));
    this.buf = bigger;
    this.view = new DataView(bigger.buffer);
  }

  private align(n: number): void {
    const r = (this.o - ORIGIN) % n;
    if (r === 0) return;
    this.room(n);
    for (let k = r; k < n; k++) this.buf[this.o++] = 0;
  }

  u16(v: number): this {
    this.align(2);
    this.room(2);
    this.view.setUint16(this.o, v, true);
    this.o += 2;
    return this;
  }

  u32(v: number): this {
    this.align(4);
    this.room(4);
    this.view.setUint32(this.o, v, true);
    this.o += 4;
    return this;
  }

  i32(v: number): this {
    this.align(4);
    this.room(4);
    this.view.setInt32(this.o, v, true);
    this.o += 4;
    return this;
  }

  f64(v: number): this {
    this.align(8);
    this.room(8);
    this.view.setFloat64(this.o, v, true);
    this.o += 8;
    return this;
  }

  string(s: string): this {
    this.align(4);
    let ascii = true;
    for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) ascii = false;
    if (ascii) {
      this.room(4 + s.length + 1);
      this.view.setUint32(this.o, s.length + 1, true);
      this.o += 4;
      for (let i = 0; i < s.length; i++) this.buf[this.o++] = s.charCodeAt(i);
    } else {
      const bytes = utf8.encode(s);
      this.room(4 + bytes.length + 1);
      this.view.setUint32(this.o, bytes.length + 1, true);
      this.o += 4;
      this.buf.set(bytes, this.o);
      this.o += bytes.length;
    }
    this.buf[this.o++] = 0;
    return this;
  }

  stamp(ns: bigint): this {
    // as ros-messages rosTime: truncating division (stamps are after 1970)
    const sec = ns / 1_000_000_000n;
    return this.i32(Number(sec)).u32(Number(ns - sec * 1_000_000_000n));
  }

  header(stampNs: bigint, frameId: string): this {
    return this.stamp(stampNs).string(frameId);
  }

  f64Seq(a: ArrayLike<number>): this {
    this.u32(a.length);
    if (a.length === 0) return this;
    this.align(8);
    this.room(8 * a.length);
    for (let i = 0; i < a.length; i++) this.view.setFloat64(this.o + 8 * i, a[i]!, true);
    this.o += 8 * a.length;
    return this;
  }

  /** A fixed-size float64 array (no count). */
  f64Fixed(a: ArrayLike<number>, n: number): this {
    this.align(8);
    this.room(8 * n);
    for (let i = 0; i < n; i++) this.view.setFloat64(this.o + 8 * i, a[i] ?? 0, true);
    this.o += 8 * n;
    return this;
  }

  f32Seq(a: Float32Array): this {
    this.u32(a.length);
    if (a.length === 0) return this;
    this.align(4);
    this.room(4 * a.length);
    for (let i = 0; i < a.length; i++) this.view.setFloat32(this.o + 4 * i, a[i]!, true);
    this.o += 4 * a.length;
    return this;
  }

  stringSeq(a: readonly string[]): this {
    this.u32(a.length);
    for (const s of a) this.string(s);
    return this;
  }

  vec3(v: readonly [number, number, number]): this {
    return this.f64(v[0]).f64(v[1]).f64(v[2]);
  }

  /** What is written so far (a view, valid until the next begin()). */
  written(): Uint8Array {
    return this.buf.subarray(0, this.o);
  }

  u8(v: number): this {
    this.room(1);
    this.buf[this.o++] = v;
    return this;
  }

  /** The payload padded with zeros to a multiple of 4, as a fresh array. */
  finish(): Uint8Array {
    this.align(4);
    return this.buf.slice(0, this.o);
  }
}

const scratch = new Scratch();
const ZERO9 = new Float64Array(9);

export function wrenchStampedCdr(stampNs: bigint, frameId: string, w: Wrench): Uint8Array {
  return scratch.begin().header(stampNs, frameId).vec3(w.force).vec3(w.torque).finish();
}

export function imuCdr(stampNs: bigint, frameId: string, imu: ImuSample): Uint8Array {
  const [x, y, z, w] = imu.orientation;
  const s = scratch.begin().header(stampNs, frameId).f64(x).f64(y).f64(z).f64(w).f64Fixed(ZERO9, 9);
  return s.vec3(imu.angularVelocity).f64Fixed(ZERO9, 9).vec3(imu.linearAcceleration).f64Fixed(ZERO9, 9).finish();
}

const NO_VALUES = new Float64Array(0);

export function jointStateCdr(stampNs: bigint, joints: Pick<JointSnapshot, "names" | "position"> & Partial<JointSnapshot>): Uint8Array {
  return scratch
    .begin()
    .header(stampNs, "")
    .stringSeq(joints.names)
    .f64Seq(joints.position)
    .f64Seq(joints.velocity ?? NO_VALUES)
    .f64Seq(joints.effort ?? NO_VALUES)
    .finish();
}

export function tactileArrayCdr(stampNs: bigint, frameId: string, sensorName: string, frame: TactileFrame): Uint8Array {
  return scratch.begin().header(stampNs, frameId).string(sensorName).u16(frame.rows).u16(frame.cols).f32Seq(frame.pressure).f32Seq(frame.shearX).f32Seq(frame.shearY).finish();
}

export function tfMessageCdr(stampNs: bigint, transforms: readonly FrameTransform[]): Uint8Array {
  const s = scratch.begin().u32(transforms.length);
  for (const t of transforms) {
    const [qx, qy, qz, qw] = t.transform.orientation;
    s.header(stampNs, t.parent).string(t.child).vec3(t.transform.position).f64(qx).f64(qy).f64(qz).f64(qw);
  }
  return s.finish();
}

/**
 * sensor_msgs/Image with `data` copied once into a buffer that is not zero-filled first (only the
 * padding is zeroed): at 30 Hz × 4 cameras the generic path's zero fill plus size pass is
 * measurable.
 */
export function imageCdr(stampNs: bigint, frameId: string, width: number, height: number, encoding: "rgb8" | "16UC1", data: Uint8Array): Uint8Array {
  const step = width * (encoding === "rgb8" ? 3 : 2);
  const head = scratch.begin().header(stampNs, frameId).u32(height).u32(width).string(encoding).u8(0).u32(step).u32(data.byteLength).written();
  const end = head.length + data.byteLength;
  const padded = (end + 3) & ~3; // (end − 4) and end have the same remainder mod 4
  const out = Buffer.allocUnsafeSlow(padded); // never a slice of the shared small-buffer pool
  out.set(head, 0);
  out.set(data, head.length);
  out.fill(0, end, padded);
  return out;
}
