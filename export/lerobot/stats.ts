// Feature statistics exactly as upstream LeRobot computes them (lerobot/datasets/compute_stats.py):
// per episode, one batch through RunningQuantileStats (min, max, mean, std from the mean of
// squares, count, and q01..q99 from a 5000-bin histogram with linear interpolation inside the bin);
// across episodes, aggregate_stats (count-weighted mean, parallel variance, min/max, and the
// conservative quantile envelope: min for q ≤ 50, max above).
// Vectors reduce over frames per element of the last axis (a [8, 8] pad gives [8]-shaped stats, as
// upstream's reshape(-1, last)); images per channel, shape [C, 1, 1], RGB divided by 255.

export const QUANTILES = [0.01, 0.1, 0.5, 0.9, 0.99] as const;
export const QUANTILE_KEYS = ["q01", "q10", "q50", "q90", "q99"] as const;
export const STAT_KEYS = ["min", "max", "mean", "std", "count", ...QUANTILE_KEYS] as const;
export type StatKey = (typeof STAT_KEYS)[number];

/** Stats of one feature: every key an array of `dim` numbers except count ([1]). */
export type FeatureStats = Record<StatKey, number[]>;

const BINS = 5000;

/**
 * Stats over `rows` vectors of length `dim` (row-major `values`), the numpy way: float64
 * accumulation of float32-rounded inputs.
 */
export function vectorStats(values: ArrayLike<number>, rows: number, dim: number, count = rows): FeatureStats {
  if (rows * dim !== values.length) throw new Error(`stats: ${values.length} values for ${rows} × ${dim}`);
  const min = new Array<number>(dim).fill(Infinity);
  const max = new Array<number>(dim).fill(-Infinity);
  const sum = new Array<number>(dim).fill(0);
  const sumSq = new Array<number>(dim).fill(0);
  for (let r = 0; r < rows; r++) {
    const o = r * dim;
    for (let d = 0; d < dim; d++) {
      const v = values[o + d]!;
      if (v < min[d]!) min[d] = v;
      if (v > max[d]!) max[d] = v;
      sum[d]! += v;
      sumSq[d]! += v * v;
    }
  }
  const mean = sum.map((s) => s / rows);
  const std = sumSq.map((s, d) => Math.sqrt(Math.max(0, s / rows - mean[d]! ** 2)));
  const stats: FeatureStats = { min, max, mean, std, count: [count], q01: [], q10: [], q50: [], q90: [], q99: [] };
  if (rows < 2) {
    // Upstream's _compute_basic_stats: quantiles are the mean when there are too few samples.
    for (const k of QUANTILE_KEYS) stats[k] = mean.slice();
    return stats;
  }
  const hist = new Float64Array(BINS);
  for (let d = 0; d < dim; d++) {
    hist.fill(0);
    const lo = min[d]! - 1e-10;
    const hi = max[d]! + 1e-10;
    const width = (hi - lo) / BINS;
    for (let r = 0; r < rows; r++) {
      let b = Math.floor((values[r * dim + d]! - lo) / width);
      if (b < 0) b = 0;
      else if (b >= BINS) b = BINS - 1;
      hist[b]!++;
    }
    QUANTILES.forEach((q, qi) => {
      stats[QUANTILE_KEYS[qi]!].push(histogramQuantile(hist, lo, width, q * rows));
    });
  }
  return stats;
}

/** np.searchsorted(cumsum, target) then linear interpolation within the bin (upstream _compute_single_quantile). */
function histogramQuantile(hist: Float64Array, lo: number, width: number, target: number): number {
  const edge = (i: number) => lo + i * width;
  let cum = 0;
  for (let i = 0; i < hist.length; i++) {
    const before = cum;
    cum += hist[i]!;
    if (cum >= target) {
      if (i === 0) return edge(0);
      const inBin = cum - before;
      if (inBin === 0) return edge(i);
      return edge(i) + ((target - before) / inBin) * width;
    }
  }
  return edge(hist.length);
}

/** Upstream aggregate_feature_stats. */
export function aggregateFeatureStats(list: readonly FeatureStats[]): FeatureStats {
  const first = list[0];
  if (!first) throw new Error("aggregate of no stats");
  const dim = first.mean.length;
  const total = list.reduce((s, x) => s + x.count[0]!, 0);
  const mean = new Array<number>(dim).fill(0);
  for (const s of list) for (let d = 0; d < dim; d++) mean[d]! += (s.mean[d]! * s.count[0]!) / total;
  const variance = new Array<number>(dim).fill(0);
  for (const s of list) for (let d = 0; d < dim; d++) variance[d]! += ((s.std[d]! ** 2 + (s.mean[d]! - mean[d]!) ** 2) * s.count[0]!) / total;
  const pick = (key: StatKey, f: (a: number, b: number) => number) => Array.from({ length: dim }, (_, d) => list.map((s) => s[key][d]!).reduce((a, b) => f(a, b)));
  const out: FeatureStats = {
    min: pick("min", Math.min),
    max: pick("max", Math.max),
    mean,
    std: variance.map(Math.sqrt),
    count: [total],
    q01: pick("q01", Math.min),
    q10: pick("q10", Math.min),
    q50: pick("q50", Math.min),
    q90: pick("q90", Math.max),
    q99: pick("q99", Math.max),
  };
  return out;
}

export function aggregateStats(list: ReadonlyArray<Record<string, FeatureStats>>): Record<string, FeatureStats> {
  const keys = new Set(list.flatMap((s) => Object.keys(s)));
  const out: Record<string, FeatureStats> = {};
  for (const key of [...keys].sort()) out[key] = aggregateFeatureStats(list.flatMap((s) => (s[key] ? [s[key]] : [])));
  return out;
}

/** Upstream estimate_num_samples + sample_indices: which frames of an episode feed the image stats. */
export function imageSampleIndices(frames: number): number[] {
  const minSamples = Math.min(100, frames);
  const num = Math.max(minSamples, Math.min(Math.floor(frames ** 0.75), 10_000));
  if (num <= 1) return frames > 0 ? [0] : [];
  const out: number[] = [];
  for (let i = 0; i < num; i++) out.push(roundHalfEven((i * (frames - 1)) / (num - 1)));
  return out;
}

function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const diff = x - f;
  if (diff > 0.5) return f + 1;
  if (diff < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/** Upstream auto_downsample_height_width: stride so the longer side lands near 150 px (only above 300 px). */
export function imageStride(width: number, height: number): number {
  if (Math.max(width, height) < 300) return 1;
  return Math.max(1, Math.floor((width > height ? width : height) / 150));
}

/**
 * Accumulates the sampled frames of one image stream and yields per-channel stats
 * ([C, 1, 1] on disk). rgb: values / 255; depth: millimetres unchanged.
 */
export class ImageStatsAccumulator {
  private readonly samples: Uint16Array;
  private filled = 0;
  private readonly wanted: Set<number>;
  private sampled = 0;
  private readonly stride: number;
  private readonly channels: number;

  constructor(
    readonly pixel: "rgb" | "depth",
    readonly width: number,
    readonly height: number,
    frames: number,
  ) {
    this.wanted = new Set(imageSampleIndices(frames));
    this.stride = imageStride(width, height);
    this.channels = pixel === "rgb" ? 3 : 1;
    // Sampled pixels are held compactly (uint16 covers rgb8 and 16-bit depth) until stats().
    const per = Math.ceil(height / this.stride) * Math.ceil(width / this.stride) * this.channels;
    this.samples = new Uint16Array(per * this.wanted.size);
  }

  /** Called with every frame in order; keeps the strided pixels of the sampled ones. */
  add(index: number, frame: Uint8Array): void {
    if (!this.wanted.has(index)) return;
    this.sampled++;
    const s = this.stride;
    const out = this.samples;
    let k = this.filled;
    if (this.pixel === "rgb") {
      for (let y = 0; y < this.height; y += s)
        for (let x = 0; x < this.width; x += s) {
          const o = (y * this.width + x) * 3;
          out[k++] = frame[o]!;
          out[k++] = frame[o + 1]!;
          out[k++] = frame[o + 2]!;
        }
    } else {
      for (let y = 0; y < this.height; y += s)
        for (let x = 0; x < this.width; x += s) {
          const o = (y * this.width + x) * 2;
          out[k++] = frame[o]! | (frame[o + 1]! << 8);
        }
    }
    this.filled = k;
  }

  stats(): FeatureStats {
    const values = this.samples.subarray(0, this.filled);
    const raw = vectorStats(values, values.length / this.channels, this.channels, this.sampled);
    if (this.pixel === "depth") return raw;
    const scaled = {} as FeatureStats;
    for (const k of STAT_KEYS) scaled[k] = k === "count" ? raw.count : raw[k].map((v) => v / 255);
    return scaled;
  }
}

/** Stats as stats.json / the episodes parquet store them: images nested [C][1][1], others flat. */
export function statValueForDisk(value: number[], isImage: boolean, key: StatKey): number[] | number[][][] {
  if (!isImage || key === "count") return value;
  return value.map((v) => [[v]]);
}
