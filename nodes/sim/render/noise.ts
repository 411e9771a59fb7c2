// Deterministic sensor noise for colour images: a function of (seed, frame index, pixel), so a
// replay of the same frames gives the same bytes and no random state is carried between frames.
// Hashing every byte of every frame costs more than rendering a static camera, so the noise
// values come from a table made once per seed, read from a hashed offset on each row, and are
// added four bytes at a time with per-byte saturation.

/** A well-mixed 32-bit hash (murmur3 finaliser). */
export function hash32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

const OFFSETS = 1 << 16;
const HIGH = 0x80808080;
const LOW = 0x7f7f7f7f;

/** Per-byte a + b, saturating at 255, in four byte lanes of a 32-bit word. */
export function addSaturated(a: number, b: number): number {
  const sum = ((a & LOW) + (b & LOW)) ^ ((a ^ b) & HIGH);
  const carry = ((a & b) | ((a | b) & ~sum)) & HIGH;
  return (sum | Math.imul(carry >>> 7, 255)) >>> 0;
}

/** Per-byte a − b, saturating at 0, in four byte lanes of a 32-bit word. */
export function subtractSaturated(a: number, b: number): number {
  const diff = ((a | HIGH) - (b & LOW)) ^ ((a ^ ~b) & HIGH);
  const borrow = ((~a & b) | (~(a ^ b) & diff)) & HIGH;
  return (diff & ~Math.imul(borrow >>> 7, 255)) >>> 0;
}

export class ImageNoise {
  /** Per byte, the positive and the negative part of the noise value (one of them is 0). */
  private readonly up: Uint8Array;
  private readonly down: Uint8Array;
  private readonly up32: Uint32Array;
  private readonly down32: Uint32Array;

  /** Uniform integer noise in [−amplitude, amplitude] for images with rows of `rowBytes` bytes. */
  constructor(
    readonly amplitude: number,
    readonly seed: number,
    private readonly rowBytes: number,
  ) {
    if (!(Number.isInteger(amplitude) && amplitude >= 0 && amplitude <= 127)) {
      throw new Error(`image noise: amplitude must be an integer within 0..127, got ${amplitude}`);
    }
    // Long enough that any offset below OFFSETS plus a whole row stays inside: no wrap per byte.
    const length = OFFSETS + Math.ceil(rowBytes / 4) * 4;
    this.up = new Uint8Array(length);
    this.down = new Uint8Array(length);
    const span = 2 * amplitude + 1;
    for (let i = 0; i < length; i++) {
      const v = (hash32(seed ^ Math.imul(i + 1, 0x9e3779b1)) % span) - amplitude;
      if (v > 0) this.up[i] = v;
      else this.down[i] = -v;
    }
    this.up32 = new Uint32Array(this.up.buffer);
    this.down32 = new Uint32Array(this.down.buffer);
  }

  /** Adds this frame's noise to an rgb8 image in place, clamped to 0..255. */
  apply(rgb: Uint8Array, frame: number): void {
    if (this.amplitude === 0) return;
    const rowBytes = this.rowBytes;
    const base = hash32(this.seed ^ Math.imul(frame + 1, 0x85ebca6b));
    const words = rowBytes % 4 === 0 && rgb.byteOffset % 4 === 0 && rgb.length % 4 === 0;
    const pixels32 = words ? new Uint32Array(rgb.buffer, rgb.byteOffset, rgb.length / 4) : undefined;
    for (let start = 0, row = 0; start < rgb.length; start += rowBytes, row++) {
      // Word-aligned offsets, so the byte and word paths read the same noise for each byte.
      const offset = hash32(base ^ Math.imul(row + 1, 0x27d4eb2d)) & (OFFSETS - 4);
      const end = Math.min(start + rowBytes, rgb.length);
      if (pixels32) {
        const up = this.up32, down = this.down32;
        for (let j = start >> 2, k = offset >> 2, e = end >> 2; j < e; j++, k++) {
          pixels32[j] = subtractSaturated(addSaturated(pixels32[j]!, up[k]!), down[k]!);
        }
      } else {
        const up = this.up, down = this.down;
        for (let j = start, k = offset; j < end; j++, k++) {
          const c = rgb[j]! + up[k]! - down[k]!;
          rgb[j] = c < 0 ? 0 : c > 255 ? 255 : c;
        }
      }
    }
  }
}
