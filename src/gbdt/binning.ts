/**
 * Feature binning for histogram-based trees (Ke et al. 2017, LightGBM; Chen & Guestrin 2016):
 * each feature's values are mapped to at most `maxBins` ordered bins. Bin 0 holds missing values
 * (NaN); a feature with few distinct values gets one bin per value, otherwise the bin edges are
 * quantiles of the (sampled) values. A split "bin ≤ b" is stored as the raw threshold
 * `upper[b]`, so trees predict on raw values without the bins.
 */

export interface FeatureBins {
  /** upper edge of bins 1…k (bin b covers (upper[b−2], upper[b−1]]; the last is +∞) */
  upper: Float64Array;
  /** number of bins including the missing bin 0 */
  count: number;
}

export interface BinnedMatrix {
  rows: number;
  features: number;
  /** column-major bin codes: codes[f·rows + i] */
  codes: Uint8Array;
  bins: FeatureBins[];
}

/** The bins of one feature from its values (column of a column-major matrix). */
export function featureBins(values: ArrayLike<number>, maxBins = 255, sampleSize = 200_000): FeatureBins {
  const n = values.length;
  const step = n > sampleSize ? n / sampleSize : 1;
  const sample: number[] = [];
  for (let x = 0; x < n; x += step) {
    const v = values[Math.floor(x)]!;
    if (!Number.isNaN(v)) sample.push(v);
  }
  sample.sort((a, b) => a - b);
  const distinct: number[] = [];
  for (const v of sample) if (distinct.length === 0 || distinct[distinct.length - 1] !== v) distinct.push(v);
  const usable = maxBins - 1; // bin 0 is for missing values
  let upper: number[];
  if (distinct.length <= usable) {
    // one bin per value, edges half-way between neighbours
    upper = distinct.slice(0, -1).map((v, i) => (v + distinct[i + 1]!) / 2);
  } else {
    upper = [];
    for (let b = 1; b < usable; b++) {
      const v = sample[Math.min(sample.length - 1, Math.floor((b * sample.length) / usable))]!;
      // the edge is the midpoint below the quantile value, so that equal values share a bin
      const idx = lowerBound(distinct, v);
      const edge = idx > 0 ? (distinct[idx - 1]! + distinct[idx]!) / 2 : distinct[0]!;
      if (upper.length === 0 || edge > upper[upper.length - 1]!) upper.push(edge);
    }
  }
  upper.push(Infinity);
  return { upper: Float64Array.from(upper), count: upper.length + 1 };
}

function lowerBound(sorted: ArrayLike<number>, v: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Bin code of a value: 0 for NaN, else 1 + the first bin whose upper edge is ≥ v. */
export function binOf(bins: FeatureBins, v: number): number {
  if (Number.isNaN(v)) return 0;
  return 1 + lowerBound(bins.upper, v);
}

/** Bins every column of a column-major matrix X (X[f·rows + i]). */
export function binMatrix(
  X: Float64Array | Float32Array,
  rows: number,
  features: number,
  maxBins = 255,
  given?: FeatureBins[],
): BinnedMatrix {
  if (maxBins > 256) throw new RangeError('binMatrix: at most 256 bins (bin codes are bytes)');
  const codes = new Uint8Array(rows * features);
  const bins: FeatureBins[] = [];
  for (let f = 0; f < features; f++) {
    const col = X.subarray(f * rows, (f + 1) * rows);
    const fb = given?.[f] ?? featureBins(col, maxBins);
    bins.push(fb);
    for (let i = 0; i < rows; i++) codes[f * rows + i] = binOf(fb, col[i]!);
  }
  return { rows, features, codes, bins };
}
