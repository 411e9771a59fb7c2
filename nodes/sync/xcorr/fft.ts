// Minimal iterative radix-2 complex FFT and the linear cross-correlation built on it.
// Small on purpose: lag estimation needs one forward pair and one inverse per call.

export function nextPowerOfTwo(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

/** In-place FFT of (re, im); length must be a power of two. inverse=true includes the 1/N. */
export function fft(re: Float64Array, im: Float64Array, inverse = false): void {
  const n = re.length;
  if (im.length !== n) throw new RangeError("fft: re and im lengths differ");
  if (n === 0 || (n & (n - 1)) !== 0) throw new RangeError(`fft: length ${n} is not a power of two`);
  // Bit-reversal permutation.
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      let t = re[i]!;
      re[i] = re[j]!;
      re[j] = t;
      t = im[i]!;
      im[i] = im[j]!;
      im[j] = t;
    }
  }
  const sign = inverse ? 1 : -1;
  for (let len = 2; len <= n; len *= 2) {
    const half = len / 2;
    const ang = (sign * 2 * Math.PI) / len;
    // Twiddles computed directly per k (not by repeated multiplication) to keep error O(ε).
    for (let k = 0; k < half; k++) {
      const wr = Math.cos(ang * k);
      const wi = Math.sin(ang * k);
      for (let i = k; i < n; i += len) {
        const j = i + half;
        const xr = re[j]! * wr - im[j]! * wi;
        const xi = re[j]! * wi + im[j]! * wr;
        re[j] = re[i]! - xr;
        im[j] = im[i]! - xi;
        re[i] = re[i]! + xr;
        im[i] = im[i]! + xi;
      }
    }
  }
  if (inverse) {
    for (let i = 0; i < n; i++) {
      re[i] = re[i]! / n;
      im[i] = im[i]! / n;
    }
  }
}

/**
 * s[m] = Σ_{i<a.length} a[i]·b[i+m] for m = 0 … b.length − a.length (b is the longer,
 * lag-extended signal). FFT when long, direct sum when short; both give the same numbers.
 */
export function slidingDot(a: Float64Array, b: Float64Array, method: "auto" | "fft" | "direct" = "auto"): Float64Array {
  const n = a.length;
  const shifts = b.length - n + 1;
  if (shifts <= 0) throw new RangeError("slidingDot: b must be at least as long as a");
  const useFft = method === "fft" || (method === "auto" && n * shifts > 2_000_000);
  const out = new Float64Array(shifts);
  if (!useFft) {
    for (let m = 0; m < shifts; m++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += a[i]! * b[i + m]!;
      out[m] = s;
    }
    return out;
  }
  // Circular correlation of zero-padded copies; size ≥ b.length means no index wraps.
  const size = nextPowerOfTwo(b.length);
  const ar = new Float64Array(size);
  const ai = new Float64Array(size);
  const br = new Float64Array(size);
  const bi = new Float64Array(size);
  ar.set(a);
  br.set(b);
  fft(ar, ai);
  fft(br, bi);
  // conj(A)·B
  for (let k = 0; k < size; k++) {
    const r = ar[k]! * br[k]! + ai[k]! * bi[k]!;
    const i = ar[k]! * bi[k]! - ai[k]! * br[k]!;
    ar[k] = r;
    ai[k] = i;
  }
  fft(ar, ai, true);
  out.set(ar.subarray(0, shifts));
  return out;
}
