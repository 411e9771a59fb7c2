// teledemo_msgs/TactileArray readers: the pressure grid (row-major rows × cols, kPa), the
// optional shear components, and the pad's total (Σ pressure, kPa·taxel — the same signal the
// contact detector in recorder/detect uses).
import { num, nums, type Obj } from "./values.ts";

export interface TactileGrid {
  rows: number;
  cols: number;
  pressure: ArrayLike<number>;
  shearX: ArrayLike<number> | null;
  shearY: ArrayLike<number> | null;
}

export function tactileGrid(value: Obj): TactileGrid | undefined {
  const pressure = nums(value["pressure"]);
  if (!pressure || pressure.length === 0) return undefined;
  let rows = num(value["rows"]) ?? 0;
  let cols = num(value["cols"]) ?? 0;
  if (rows * cols !== pressure.length) {
    // no usable shape: a square grid if it is one, else one row
    const side = Math.round(Math.sqrt(pressure.length));
    [rows, cols] = side * side === pressure.length ? [side, side] : [1, pressure.length];
  }
  const sx = nums(value["shear_x"]);
  const sy = nums(value["shear_y"]);
  const hasShear = !!sx && !!sy && sx.length === pressure.length && sy.length === pressure.length;
  return { rows, cols, pressure, shearX: hasShear ? sx : null, shearY: hasShear ? sy : null };
}

export function tactileTotal(value: Obj): number {
  const p = nums(value["pressure"]);
  if (!p) return 0;
  let s = 0;
  for (let i = 0; i < p.length; i++) s += p[i]!;
  return s;
}

/** A pad total for display, whole kPa·taxel; noise that rounds to zero reads "0", never "-0". */
export function formatTactileTotal(total: number): string {
  if (!Number.isFinite(total)) return "—";
  const r = Math.round(total);
  return r === 0 ? "0" : String(r);
}
