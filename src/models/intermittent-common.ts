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
