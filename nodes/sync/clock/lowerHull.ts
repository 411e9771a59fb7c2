// Lower convex hull of (x, y) points in float64, kept incrementally.
//
// Why a hull: for one-way delay d = receive − stamp = line(stamp) + latency with latency ≥ 0,
// every observation lies on or above the true line, so the best lines are supporting lines of
// the lower hull. Only hull vertices can ever touch such a line, so they are all we keep:
// O(log n) vertices for i.i.d. positive noise, O(1) amortized per in-order point (Andrew's
// monotone chain). Out-of-order points (non-monotonic stamps) are inserted in O(h).
//
// Coordinates are small relative numbers (ns since a segment's reference), so float64 holds
// them exactly up to 2^53 ns (~104 days).

/** A line y = a + b·x in hull coordinates. */
export interface HullLine {
  readonly a: number;
  readonly b: number;
}

export interface HullVertex {
  readonly x: number;
  readonly y: number;
  /** Caller's label for the point (e.g. its arrival index); -1 when none was given. */
  readonly tag: number;
}

/** >0 when o→p→q turns left (counter-clockwise), i.e. p is strictly below the chord o–q. */
function cross(ox: number, oy: number, px: number, py: number, qx: number, qy: number): number {
  return (px - ox) * (qy - oy) - (py - oy) * (qx - ox);
}

export class LowerHull {
  private xs: number[] = [];
  private ys: number[] = [];
  private tags: number[] = [];

  /**
   * @param maxVertices memory bound; past it the oldest vertex is forgotten, which turns the
   *   hull into (a superset-free approximation of) the hull of the recent points only.
   */
  constructor(private readonly maxVertices = 4096) {}

  get size(): number {
    return this.xs.length;
  }

  vertices(): HullVertex[] {
    return this.xs.map((x, i) => ({ x, y: this.ys[i]!, tag: this.tags[i]! }));
  }

  add(x: number, y: number, tag = -1): void {
    if (!Number.isFinite(x) || !Number.isFinite(y)) return;
    const n = this.xs.length;
    if (n === 0 || x > this.xs[n - 1]!) {
      this.append(x, y, tag);
    } else {
      this.insertOutOfOrder(x, y, tag);
    }
    if (this.xs.length > this.maxVertices) this.removeAt(0);
  }

  /** Adds every vertex of `other`, shifted; the hull of a union is the hull of the hulls. */
  merge(other: LowerHull, dx: number, dy: number): void {
    for (let i = 0; i < other.xs.length; i++) {
      this.add(other.xs[i]! + dx, other.ys[i]! + dy, other.tags[i]!);
    }
  }

  /**
   * The supporting line that maximizes its value at `xq` — for xq = mean x of all points this
   * is the line minimizing the summed vertical distance to all points (Zhang, Liu & Xia 2002)
   * — with its slope restricted to [bMin, bMax] (a physical prior on drift that keeps early,
   * short hulls from producing absurd slopes).
   */
  supportingLine(xq: number, bMin: number, bMax: number): HullLine | undefined {
    const n = this.xs.length;
    if (n === 0) return undefined;
    if (n === 1) {
      const b = Math.min(Math.max(0, bMin), bMax);
      return { a: this.ys[0]! - b * this.xs[0]!, b };
    }
    const e = this.edgeSpanning(xq);
    const slope = this.edgeSlope(e);
    if (slope >= bMin && slope <= bMax) {
      return { a: this.ys[e]! - slope * this.xs[e]!, b: slope };
    }
    const b = slope < bMin ? bMin : bMax;
    const v = this.vertexSupportingSlope(b);
    return { a: this.ys[v]! - b * this.xs[v]!, b };
  }

  private edgeSlope(e: number): number {
    return (this.ys[e + 1]! - this.ys[e]!) / (this.xs[e + 1]! - this.xs[e]!);
  }

  /** Index e of the edge [e, e+1] containing xq (clamped to the first/last edge). */
  private edgeSpanning(xq: number): number {
    let lo = 0;
    let hi = this.xs.length - 2;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.xs[mid]! <= xq) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Vertex where a line of slope b touches the hull: edge slopes increase left to right. */
  private vertexSupportingSlope(b: number): number {
    let lo = 0;
    let hi = this.xs.length - 1; // answer in [0, n-1]: first vertex whose right edge slope ≥ b
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.edgeSlope(mid) >= b) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  private append(x: number, y: number, tag: number): void {
    const xs = this.xs;
    const ys = this.ys;
    let n = xs.length;
    while (n >= 2 && cross(xs[n - 2]!, ys[n - 2]!, xs[n - 1]!, ys[n - 1]!, x, y) <= 0) {
      xs.pop();
      ys.pop();
      this.tags.pop();
      n--;
    }
    xs.push(x);
    ys.push(y);
    this.tags.push(tag);
  }

  private insertOutOfOrder(x: number, y: number, tag: number): void {
    const xs = this.xs;
    const ys = this.ys;
    // i = first vertex with xs[i] ≥ x
    let lo = 0;
    let hi = xs.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (xs[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    let i = lo;
    if (xs[i] === x) {
      if (y >= ys[i]!) return;
      this.removeAt(i);
    } else if (i > 0) {
      // Strictly between two vertices: only a point below their chord changes the hull.
      const x0 = xs[i - 1]!;
      const x1 = xs[i]!;
      const chord = ys[i - 1]! + ((ys[i]! - ys[i - 1]!) * (x - x0)) / (x1 - x0);
      if (y >= chord) return;
    }
    xs.splice(i, 0, x);
    ys.splice(i, 0, y);
    this.tags.splice(i, 0, tag);
    while (i >= 2 && cross(xs[i - 2]!, ys[i - 2]!, xs[i - 1]!, ys[i - 1]!, x, y) <= 0) {
      this.removeAt(i - 1);
      i--;
    }
    while (i + 2 < xs.length && cross(x, y, xs[i + 1]!, ys[i + 1]!, xs[i + 2]!, ys[i + 2]!) <= 0) {
      this.removeAt(i + 1);
    }
  }

  private removeAt(i: number): void {
    this.xs.splice(i, 1);
    this.ys.splice(i, 1);
    this.tags.splice(i, 1);
  }
}
