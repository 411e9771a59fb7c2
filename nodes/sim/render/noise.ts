// Deterministic per-pixel sensor noise: an integer hash of (seed, frame, byte index), so a replay
// of the same frames gives the same bytes and no random state is carried between frames.

/** A well-mixed 32-bit hash (murmur3 finaliser). */
export function hash32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/**
 * Adds uniform integer noise in [−amplitude, amplitude] to every byte, clamped to 0..255. The hash
 * is evaluated once per pixel and its bytes shared by the channels, to keep the pass cheap.
 */
export function addImageNoise(rgb: Uint8Array, amplitude: number, seed: number, frame: number): void {
  if (amplitude <= 0) return;
  const span = 2 * amplitude + 1;
  const base = hash32(seed ^ Math.imul(frame + 1, 0x9e3779b1));
  const pixels = rgb.length / 3;
  for (let i = 0; i < pixels; i++) {
    const h = hash32(base ^ Math.imul(i, 0x27d4eb2d));
    const j = i * 3;
    let c = rgb[j]! + ((h & 0xff) % span) - amplitude;
    rgb[j] = c < 0 ? 0 : c > 255 ? 255 : c;
    c = rgb[j + 1]! + (((h >>> 8) & 0xff) % span) - amplitude;
    rgb[j + 1] = c < 0 ? 0 : c > 255 ? 255 : c;
    c = rgb[j + 2]! + (((h >>> 16) & 0xff) % span) - amplitude;
    rgb[j + 2] = c < 0 ? 0 : c > 255 ? 255 : c;
  }
}
