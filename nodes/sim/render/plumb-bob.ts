// The plumb_bob (Brown–Conrady) model of sensor_msgs/CameraInfo, D = [k1, k2, p1, p2, k3], in
// normalized image coordinates (x = X/Z, y = Y/Z). The forward map is closed form; its inverse is
// not, so undistortion is solved numerically.

export interface PlumbBob {
  k1: number;
  k2: number;
  p1: number;
  p2: number;
  k3: number;
}

export function plumbBobFromD(D: readonly number[]): PlumbBob {
  return { k1: D[0] ?? 0, k2: D[1] ?? 0, p1: D[2] ?? 0, p2: D[3] ?? 0, k3: D[4] ?? 0 };
}

/** Distort normalized (x, y) into out[0..1]. */
export function distort(d: PlumbBob, x: number, y: number, out: Float64Array): void {
  const r2 = x * x + y * y;
  const radial = 1 + r2 * (d.k1 + r2 * (d.k2 + r2 * d.k3));
  out[0] = x * radial + 2 * d.p1 * x * y + d.p2 * (r2 + 2 * x * x);
  out[1] = y * radial + d.p1 * (r2 + 2 * y * y) + 2 * d.p2 * x * y;
}

const scratch = new Float64Array(2);

/**
 * Undistort (xd, yd) into out[0..1] by Newton's method on the forward model; returns false when
 * no undistorted point maps there (strong distortion folds over near the image corners), so the
 * caller can mark that pixel as seeing nothing rather than showing a wrong direction.
 */
export function undistort(d: PlumbBob, xd: number, yd: number, out: Float64Array, tolerance = 1e-12): boolean {
  let x = xd;
  let y = yd;
  for (let iter = 0; iter < 50; iter++) {
    distort(d, x, y, scratch);
    const ex = scratch[0]! - xd;
    const ey = scratch[1]! - yd;
    // Jacobian of the forward map.
    const r2 = x * x + y * y;
    const radial = 1 + r2 * (d.k1 + r2 * (d.k2 + r2 * d.k3));
    const dRadial = d.k1 + r2 * (2 * d.k2 + 3 * r2 * d.k3); // d radial / d r2
    const j00 = radial + 2 * x * x * dRadial + 2 * d.p1 * y + 6 * d.p2 * x;
    const j01 = 2 * x * y * dRadial + 2 * d.p1 * x + 2 * d.p2 * y;
    const j10 = 2 * x * y * dRadial + 2 * d.p1 * x + 2 * d.p2 * y;
    const j11 = radial + 2 * y * y * dRadial + 6 * d.p1 * y + 2 * d.p2 * x;
    const det = j00 * j11 - j01 * j10;
    if (Math.abs(ex) < tolerance && Math.abs(ey) < tolerance) {
      // A root where the map is orientation-reversing lies beyond the fold: not a real lens ray.
      if (!(det > 0)) return false;
      out[0] = x;
      out[1] = y;
      return true;
    }
    if (!(Math.abs(det) > 1e-12)) break;
    x -= (j11 * ex - j01 * ey) / det;
    y -= (j00 * ey - j10 * ex) / det;
    if (!Number.isFinite(x) || !Number.isFinite(y) || x * x + y * y > 1e6) break;
  }
  return false;
}
