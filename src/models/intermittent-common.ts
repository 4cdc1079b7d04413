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

/**
 * `sesMse` at three smoothing constants in one pass over x (at least 2 values), into out[0..2]: each with the same
 * operations in the same order as `sesMse`, so the same numbers; the three recurrences, independent, run side by side.
 */
function sesMse3(x: ArrayLike<number>, a0: number, a1: number, a2: number, out: Float64Array): void {
  let l0 = x[0]!;
  let l1 = l0;
  let l2 = l0;
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  for (let i = 1; i < x.length; i++) {
    const v = x[i]!;
    const e0 = v - l0;
    const e1 = v - l1;
    const e2 = v - l2;
    s0 += e0 * e0;
    s1 += e1 * e1;
    s2 += e2 * e2;
    l0 += a0 * e0;
    l1 += a1 * e1;
    l2 += a2 * e2;
  }
  out[0] = s0 / (x.length - 1);
  out[1] = s1 / (x.length - 1);
  out[2] = s2 / (x.length - 1);
}

/** Golden-section steps of `optimiseAlpha` (even: they are taken two at a time). */
const GOLDEN_STEPS = 40;

/**
 * The α in [lo, hi] with the smallest in-sample SES error, by golden-section search (Kiefer 1953), 40 steps. Each step
 * evaluates one new point, which depends on the comparison of the step before; but both of the next step's possible
 * points are known before that comparison. So each pass over x evaluates a step's point and both candidates for the
 * next step (`sesMse3`), and takes two steps: the same points, errors and answer as one step a pass, in half the passes
 * (an SES recurrence is bound by its latency: three side by side cost little more than one).
 */
export function optimiseAlpha(x: ArrayLike<number>, lo = 0.1, hi = 0.3): number {
  if (x.length < 3) return lo;
  const g = (Math.sqrt(5) - 1) / 2;
  let a = lo;
  let b = hi;
  let c = b - g * (b - a);
  let d = a + g * (b - a);
  const f = new Float64Array(3);
  sesMse3(x, c, d, d, f);
  let fc = f[0]!;
  let fd = f[1]!;
  for (let it = 0; it < GOLDEN_STEPS; it += 2) {
    // this step: the low side (b moves to d, the new c is evaluated) or the high side (a moves to c, the new d)
    const low = fc < fd;
    const a1 = low ? a : c;
    const b1 = low ? d : b;
    const p = low ? b1 - g * (b1 - a1) : a1 + g * (b1 - a1);
    // the inner points after it, and the next step's new point on either side
    const c1 = low ? p : d;
    const d1 = low ? c : p;
    const nextLow = d1 - g * (d1 - a1);
    const nextHigh = c1 + g * (b1 - c1);
    sesMse3(x, p, nextLow, nextHigh, f);
    const fp = f[0]!;
    [a, b, c, d] = [a1, b1, c1, d1];
    [fc, fd] = low ? [fp, fc] : [fd, fp];
    if (fc < fd) {
      b = d;
      d = c;
      fd = fc;
      c = nextLow;
      fc = f[1]!;
    } else {
      a = c;
      c = d;
      fc = fd;
      d = nextHigh;
      fd = f[2]!;
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
