// Deterministic sensor noise for colour images: a function of (seed, frame index, pixel), so a
// replay of the same frames gives the same bytes and no random state is carried between frames.
// Hashing every byte of every frame costs more than rendering a static camera, so the noise
// values come from a table made once per seed, read from a hashed offset on each row.

/** A well-mixed 32-bit hash (murmur3 finaliser). */
export function hash32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

const OFFSETS = 1 << 16;

export class ImageNoise {
  private readonly table: Int8Array;

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
    this.table = new Int8Array(OFFSETS + rowBytes);
    const span = 2 * amplitude + 1;
    for (let i = 0; i < this.table.length; i++) this.table[i] = (hash32(seed ^ Math.imul(i + 1, 0x9e3779b1)) % span) - amplitude;
  }

  /** Adds this frame's noise to an rgb8 image in place, clamped to 0..255. */
  apply(rgb: Uint8Array, frame: number): void {
    if (this.amplitude === 0) return;
    const clamped = new Uint8ClampedArray(rgb.buffer, rgb.byteOffset, rgb.length);
    const table = this.table, rowBytes = this.rowBytes;
    const base = hash32(this.seed ^ Math.imul(frame + 1, 0x85ebca6b));
    for (let start = 0, row = 0; start < rgb.length; start += rowBytes, row++) {
      const offset = hash32(base ^ Math.imul(row + 1, 0x27d4eb2d)) & (OFFSETS - 1);
      const end = Math.min(start + rowBytes, rgb.length);
      for (let j = start, k = offset; j < end; j++, k++) clamped[j] = clamped[j]! + table[k]!;
    }
  }
}
