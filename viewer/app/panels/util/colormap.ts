// Colour scales for scalar data (depth, intensity, height, pressure). Turbo (Google's polynomial
// fit) reads well on dark and light backgrounds and keeps neighbouring values distinguishable.

/** t in [0, 1] (clamped) → [r, g, b] in 0..255. */
export function turbo(t: number): [number, number, number] {
  const x = Number.isFinite(t) ? Math.min(1, Math.max(0, t)) : 0;
  const r = 34.61 + x * (1172.33 - x * (10793.56 - x * (33300.12 - x * (38394.49 - x * 14825.05))));
  const g = 23.31 + x * (557.33 + x * (1225.33 - x * (3574.96 - x * (1073.77 + x * 707.56))));
  const b = 27.2 + x * (3211.1 - x * (15327.97 - x * (27814.0 - x * (22569.18 - x * 6838.66))));
  return [clamp255(r), clamp255(g), clamp255(b)];
}

function clamp255(v: number): number {
  return Math.max(0, Math.min(255, Math.round(v)));
}

/** 256-entry lookup (r,g,b interleaved) for per-pixel loops. */
export const TURBO_LUT: Uint8Array = (() => {
  const lut = new Uint8Array(256 * 3);
  for (let i = 0; i < 256; i++) lut.set(turbo(i / 255), i * 3);
  return lut;
})();

export function cssRgb([r, g, b]: readonly number[]): string {
  return `rgb(${r},${g},${b})`;
}

/** Distinct series colours (Tableau 10). */
export const SERIES_COLORS = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"] as const;

export function seriesColor(i: number): string {
  return SERIES_COLORS[i % SERIES_COLORS.length]!;
}
