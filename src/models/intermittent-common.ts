import { hurdleQuantile } from '../numerics/count-distribution.js';
import { quantileSorted } from '../numerics/quantile.js';

/**
 * Simple exponential smoothing started at the first value (R's ses(initial = "simple")):
 * l_1 = x_1, l_t = l_{t−1} + α(x_t − l_{t−1}). Returns the level after each value.
 */
export function sesLevels(x: ArrayLike<number>, alpha: number): Float64Array {
  const out = new Float64Array(x.length);
  let l = x[0]!;
  out[0] = l;
  for (let i = 1; i < x.length; i++) {
    l += alpha * (x[i]! - l);
    out[i] = l;
  }
  return out;
}

/** In-sample one-step squared error of SES started at the first value. */
export function sesMse(x: ArrayLike<number>, alpha: number): number {
  let l = x[0]!;
  let s = 0;
  for (let i = 1; i < x.length; i++) {
    const e = x[i]! - l;
    s += e * e;
    l += alpha * e;
  }
  return x.length > 1 ? s / (x.length - 1) : 0;
}

/** The α in [lo, hi] with the smallest in-sample SES error, by golden-section search (Kiefer 1953). */
export function optimiseAlpha(x: ArrayLike<number>, lo = 0.1, hi = 0.3): number {
  if (x.length < 3) return lo;
  const g = (Math.sqrt(5) - 1) / 2;
  let a = lo;
  let b = hi;
  let c = b - g * (b - a);
  let d = a + g * (b - a);
  let fc = sesMse(x, c);
  let fd = sesMse(x, d);
  for (let it = 0; it < 40; it++) {
    if (fc < fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - g * (b - a);
      fc = sesMse(x, c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + g * (b - a);
      fd = sesMse(x, d);
    }
  }
  return (a + b) / 2;
}

/** Non-zero demands and the intervals between them (the first interval counts from the start). */
export function demandsAndIntervals(y: Float64Array): { sizes: number[]; intervals: number[]; positions: number[] } {
  const sizes: number[] = [];
  const intervals: number[] = [];
  const positions: number[] = [];
  let last = -1;
  for (let i = 0; i < y.length; i++)
    if (y[i]! > 0) {
      sizes.push(y[i]!);
      intervals.push(i - last);
      positions.push(i);
      last = i;
    }
  return { sizes, intervals, positions };
}

export function checkDemand(name: string, y: Float64Array): void {
  if (y.length < 1) throw new RangeError(`${name}: need at least 1 observation`);
  for (let i = 0; i < y.length; i++) {
    if (!Number.isFinite(y[i]!)) throw new RangeError(`${name}: the series has missing or infinite values`);
    if (y[i]! < 0) throw new RangeError(`${name}: demand cannot be negative`);
  }
}

/**
 * Quantiles for a flat intermittent forecast from the empirical distribution of the in-sample
 * one-step errors (split-conformal style, Vovk et al. 2005), never below zero.
 */
export function empiricalQuantiles(
  y: Float64Array,
  fitted: Float64Array,
  mean: Float64Array,
  levels: readonly number[],
) {
  const errs: number[] = [];
  for (let i = 0; i < y.length; i++) if (Number.isFinite(fitted[i]!)) errs.push(y[i]! - fitted[i]!);
  errs.sort((a, b) => a - b);
  return levels.map((level) => {
    const q = errs.length > 0 ? quantileSorted(errs, level) : 0;
    return { level, values: mean.map((mu) => Math.max(0, mu + q)) };
  });
}

/** The non-zero demand sizes of y: their mean, variance (n − 1), sorted values, and whether all are whole numbers. */
export interface DemandSizes {
  mean: number;
  variance: number;
  sorted: Float64Array;
  whole: boolean;
}

export function demandSizes(y: Float64Array): DemandSizes {
  const sizes = Float64Array.from(demandsAndIntervals(y).sizes).sort();
  const n = sizes.length;
  let mean = 0;
  let m2 = 0;
  // Welford (1962)
  for (let i = 0; i < n; i++) {
    const d = sizes[i]! - mean;
    mean += d / (i + 1);
    m2 += d * (sizes[i]! - mean);
  }
  return { mean, variance: n > 1 ? m2 / (n - 1) : NaN, sorted: sizes, whole: sizes.every(Number.isInteger) };
}

/**
 * Quantiles of an intermittent forecast from its demand process: in each period a demand occurs
 * with probability p and its size has mean z, so that p · z is the forecast mean μ (TSB gives p
 * and z; otherwise z is the mean observed size and p = μ / z, capped at 1 with z = μ).
 *  - whole-number demand: the size is 1 + a count (Poisson, or negative binomial when the sizes
 *    vary more), its index of dispersion that of the observed sizes − 1 (a hurdle shifted count:
 *    Snyder, Ord & Beaumont, IJF 2012): integer quantiles;
 *  - other demand: the observed sizes scaled to mean z (type-7 quantiles).
 * P(0) = 1 − p, so a level ≤ 1 − p gets 0, and a mean of 0 gives 0 at every level.
 */
export function intermittentQuantiles(
  y: Float64Array,
  mean: Float64Array,
  levels: readonly number[],
  occurrence?: { p: number; size: number },
): { level: number; values: Float64Array }[] {
  const sizes = demandSizes(y);
  const dispersion = sizes.sorted.length > 1 && sizes.mean > 1 ? Math.max(1, sizes.variance / (sizes.mean - 1)) : 1;
  const out = levels.map((level) => ({ level, values: new Float64Array(mean.length) }));
  for (let t = 0; t < mean.length; t++) {
    const mu = mean[t]!;
    if (!(mu > 0) || sizes.sorted.length === 0) continue;
    if (t > 0 && mu === mean[t - 1]) {
      // a flat forecast (most intermittent ones): the step before's quantiles, as computed from the same numbers
      for (const q of out) q.values[t] = q.values[t - 1]!;
      continue;
    }
    let z = occurrence !== undefined && occurrence.size > 0 ? occurrence.size : sizes.mean;
    let p = occurrence !== undefined && occurrence.size > 0 ? occurrence.p : mu / z;
    if (p > 1) [p, z] = [1, mu];
    for (const q of out)
      q.values[t] =
        sizes.whole && z >= 1
          ? hurdleQuantile(q.level, p, z, dispersion * (z - 1))
          : q.level <= 1 - p
            ? 0
            : quantileSorted(sizes.sorted, Math.min(1, (q.level - (1 - p)) / p)) * (z / sizes.mean);
  }
  return out;
}
