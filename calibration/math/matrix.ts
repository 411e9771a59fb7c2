// A small dense row-major matrix of float64. Calibration problems are tiny (at most a few
// hundred unknowns), so clarity beats blocking or sparse storage here.

export class Matrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array;

  constructor(rows: number, cols: number, data?: ArrayLike<number>) {
    if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 0) {
      throw new RangeError(`invalid matrix shape ${rows}×${cols}`);
    }
    this.rows = rows;
    this.cols = cols;
    if (data === undefined) {
      this.data = new Float64Array(rows * cols);
    } else {
      if (data.length !== rows * cols) {
        throw new RangeError(`matrix ${rows}×${cols} needs ${rows * cols} values, got ${data.length}`);
      }
      this.data = Float64Array.from(data);
    }
  }

  static zeros(rows: number, cols: number): Matrix {
    return new Matrix(rows, cols);
  }

  static identity(n: number): Matrix {
    const m = new Matrix(n, n);
    for (let i = 0; i < n; i++) m.set(i, i, 1);
    return m;
  }

  /** Builds a matrix from an array of equally long rows. */
  static fromRows(rows: readonly (readonly number[])[]): Matrix {
    const r = rows.length;
    const c = r === 0 ? 0 : rows[0]!.length;
    const m = new Matrix(r, c);
    rows.forEach((row, i) => {
      if (row.length !== c) throw new RangeError(`row ${i} has ${row.length} values, expected ${c}`);
      row.forEach((v, j) => m.set(i, j, v));
    });
    return m;
  }

  get(i: number, j: number): number {
    return this.data[i * this.cols + j]!;
  }

  set(i: number, j: number, v: number): void {
    this.data[i * this.cols + j] = v;
  }

  addAt(i: number, j: number, v: number): void {
    this.data[i * this.cols + j] = this.data[i * this.cols + j]! + v;
  }

  clone(): Matrix {
    return new Matrix(this.rows, this.cols, this.data);
  }

  transpose(): Matrix {
    const t = new Matrix(this.cols, this.rows);
    for (let i = 0; i < this.rows; i++) for (let j = 0; j < this.cols; j++) t.set(j, i, this.get(i, j));
    return t;
  }

  mul(b: Matrix): Matrix {
    if (this.cols !== b.rows) throw new RangeError(`cannot multiply ${this.rows}×${this.cols} by ${b.rows}×${b.cols}`);
    const out = new Matrix(this.rows, b.cols);
    for (let i = 0; i < this.rows; i++) {
      for (let k = 0; k < this.cols; k++) {
        const a = this.get(i, k);
        if (a === 0) continue;
        for (let j = 0; j < b.cols; j++) out.addAt(i, j, a * b.get(k, j));
      }
    }
    return out;
  }

  mulVec(v: ArrayLike<number>): Float64Array {
    if (v.length !== this.cols) throw new RangeError(`cannot multiply ${this.rows}×${this.cols} by a vector of ${v.length}`);
    const out = new Float64Array(this.rows);
    for (let i = 0; i < this.rows; i++) {
      let s = 0;
      for (let j = 0; j < this.cols; j++) s += this.get(i, j) * v[j]!;
      out[i] = s;
    }
    return out;
  }

  /** AᵀA without forming Aᵀ, the Gram matrix used by normal equations. */
  gram(): Matrix {
    const n = this.cols;
    const g = new Matrix(n, n);
    for (let r = 0; r < this.rows; r++) {
      const base = r * n;
      for (let i = 0; i < n; i++) {
        const a = this.data[base + i]!;
        if (a === 0) continue;
        for (let j = i; j < n; j++) g.addAt(i, j, a * this.data[base + j]!);
      }
    }
    for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) g.set(i, j, g.get(j, i));
    return g;
  }

  /** Aᵀv. */
  mulTransposeVec(v: ArrayLike<number>): Float64Array {
    if (v.length !== this.rows) throw new RangeError(`cannot multiply (${this.rows}×${this.cols})ᵀ by a vector of ${v.length}`);
    const out = new Float64Array(this.cols);
    for (let r = 0; r < this.rows; r++) {
      const x = v[r]!;
      if (x === 0) continue;
      for (let j = 0; j < this.cols; j++) out[j] = out[j]! + this.get(r, j) * x;
    }
    return out;
  }

  column(j: number): Float64Array {
    const out = new Float64Array(this.rows);
    for (let i = 0; i < this.rows; i++) out[i] = this.get(i, j);
    return out;
  }

  toRows(): number[][] {
    const rows: number[][] = [];
    for (let i = 0; i < this.rows; i++) rows.push(Array.from(this.data.subarray(i * this.cols, (i + 1) * this.cols)));
    return rows;
  }
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

export function norm(a: ArrayLike<number>): number {
  return Math.sqrt(dot(a, a));
}
