// The word-at-a-time noise must equal plain per-byte clamped addition.
import { describe, expect, it } from "vitest";
import { addSaturated, hash32, ImageNoise, subtractSaturated } from "../../../nodes/sim/render/noise.ts";

describe("image noise", () => {
  it("saturating lane arithmetic equals per-byte clamping", () => {
    let wrong = 0;
    for (let n = 0; n < 20000; n++) {
      const a = hash32(n * 3 + 1), b = hash32(n * 7 + 2) & 0x7f7f7f7f;
      const sum = addSaturated(a, b), diff = subtractSaturated(a, b);
      for (let lane = 0; lane < 4; lane++) {
        const x = (a >>> (8 * lane)) & 255, y = (b >>> (8 * lane)) & 255;
        if (((sum >>> (8 * lane)) & 255) !== Math.min(255, x + y)) wrong++;
        if (((diff >>> (8 * lane)) & 255) !== Math.max(0, x - y)) wrong++;
      }
    }
    expect(wrong).toBe(0);
  });

  it("aligned (word) and unaligned (byte) buffers get the same noise", () => {
    const noise = new ImageNoise(5, 11, 16 * 3);
    const image = Uint8Array.from({ length: 16 * 9 * 3 }, (_, i) => (i * 37) % 256);
    const aligned = image.slice();
    const unaligned = new Uint8Array(new ArrayBuffer(image.length + 1), 1, image.length);
    unaligned.set(image);
    noise.apply(aligned, 3);
    noise.apply(unaligned, 3);
    expect(Array.from(aligned)).toEqual(Array.from(unaligned));
    let changed = 0;
    for (let i = 0; i < image.length; i++) {
      expect(Math.abs(aligned[i]! - image[i]!)).toBeLessThanOrEqual(5);
      if (aligned[i] !== image[i]) changed++;
    }
    expect(changed).toBeGreaterThan(image.length / 2);
  });
});
