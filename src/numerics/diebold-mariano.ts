/**
 * The Diebold–Mariano test of equal predictive accuracy (Diebold & Mariano 1995, "Comparing predictive accuracy",
 * J. Business & Economic Statistics 13(3)) with the small-sample correction of Harvey, Leybourne & Newbold (1997,
 * "Testing the equality of prediction mean squared errors", Int. J. Forecasting 13(2)), as R forecast::dm.test
 * computes it (variance estimator "acf", alternative "two.sided").
 *
 * With the loss differential d_t = |e1_t|^p − |e2_t|^p, t = 1…n, its mean d̄ and its autocovariances
 * γ_k = (1/n) Σ_{t=1}^{n−k} (d_t − d̄)(d_{t+k} − d̄), the statistic is
 *   DM = d̄ / √((γ_0 + 2 Σ_{k=1}^{h−1} γ_k) / n),
 * multiplied by the HLN factor √((n + 1 − 2h + h(h − 1)/n) / n), and compared with Student's t on n − 1 degrees of
 * freedom: p = 2 P(T_{n−1} ≤ −|DM|). A negative statistic says the first forecast has the smaller loss.
 */
import { logGamma } from './count-distribution.js';

/** Relative precision of the continued fraction below. */
const EPS = 1e-15;
/** Smallest magnitude the modified Lentz method lets a denominator take (avoids division by zero). */
const TINY = 1e-300;

/**
 * The continued fraction of the incomplete beta function (Abramowitz & Stegun 26.5.8), evaluated by the modified
 * Lentz method (Lentz 1976; Thompson & Barnett 1986); converges fast for x < (a + 1) / (a + b + 2).
 */
function betaContinuedFraction(a: number, b: number, x: number): number {
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let f = d;
  for (let m = 1; m <= 10_000; m++) {
    const m2 = 2 * m;
    // even step: d_{2m} = m(b − m)x / ((a + 2m − 1)(a + 2m))
    let num = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + num * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + num / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    f *= d * c;
    // odd step: d_{2m+1} = −(a + m)(a + b + m)x / ((a + 2m)(a + 2m + 1))
    num = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + num * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + num / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    f *= delta;
    if (Math.abs(delta - 1) < EPS) return f;
  }
  return f;
}

/**
 * The regularised incomplete beta function I_x(a, b), a, b > 0, x in [0, 1]: the continued fraction where it
 * converges, else the symmetry I_x(a, b) = 1 − I_{1−x}(b, a) (Abramowitz & Stegun 26.5.2, 26.5.8).
 * @example regularizedBeta(0.5, 2, 3) // → 0.6875
 */
export function regularizedBeta(x: number, a: number, b: number): number {
  if (!(a > 0 && b > 0) || !(x >= 0 && x <= 1)) throw new RangeError(`regularizedBeta: need a, b > 0 and x in [0, 1]`);
  if (x === 0 || x === 1) return x;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x));
  if (x < (a + 1) / (a + b + 2)) return (front * betaContinuedFraction(a, b, x)) / a;
  return 1 - (front * betaContinuedFraction(b, a, 1 - x)) / b;
}

/**
 * Student's t distribution function P(T_ν ≤ t) = 1 − ½ I_{ν/(ν+t²)}(ν/2, ½) for t ≥ 0 (and by symmetry below 0).
 * @example studentTCdf(-2, 10) // → 0.03669402 (R: pt(-2, 10))
 */
export function studentTCdf(t: number, df: number): number {
  if (!(df > 0)) throw new RangeError(`studentTCdf: df must be > 0, got ${df}`);
  if (Number.isNaN(t)) return NaN;
  if (!Number.isFinite(t)) return t > 0 ? 1 : 0;
  const tail = 0.5 * regularizedBeta(df / (df + t * t), df / 2, 0.5);
  return t < 0 ? tail : 1 - tail;
}

/** Options of `dieboldMariano`. */
export interface DieboldMarianoOptions {
  /** forecast horizon: autocovariances up to lag h − 1 enter the variance (h ≥ 1) */
  h: number;
  /** loss |e|^power: 1 absolute, 2 squared (default 2, as R) */
  power?: 1 | 2;
}

/**
 * The Diebold–Mariano test with the Harvey–Leybourne–Newbold correction (module comment), two-sided, as
 * `forecast::dm.test(e1, e2, h = h, power = power)`. `e1`, `e2`: the two forecasts' errors on the same targets, in
 * time order (NaN pairs are dropped). When h > 1 gives a variance ≤ 0 the test proceeds with h = 1, as R does, and
 * `h` in the result says so. O(n·h).
 * Throws a RangeError for fewer than 3 pairs, different lengths, or a zero variance (identical losses).
 * @example dieboldMariano(e1, e2, { h: 1, power: 2 }) // → { statistic: -2.1, p_value: 0.04, h: 1, n: 40 }
 */
export function dieboldMariano(
  e1: Float64Array,
  e2: Float64Array,
  o: DieboldMarianoOptions,
): { statistic: number; p_value: number; h: number; n: number } {
  if (e1.length !== e2.length) throw new RangeError(`dieboldMariano: e1 has ${e1.length} errors, e2 ${e2.length}`);
  if (!Number.isInteger(o.h) || o.h < 1) throw new RangeError(`dieboldMariano: h must be a whole number ≥ 1`);
  const power = o.power ?? 2;
  const d: number[] = [];
  for (let t = 0; t < e1.length; t++) {
    const v = Math.abs(e1[t]!) ** power - Math.abs(e2[t]!) ** power;
    if (Number.isFinite(v)) d.push(v);
  }
  const n = d.length;
  if (n < 3) throw new RangeError(`dieboldMariano: need at least 3 pairs of errors, got ${n}`);
  let mean = 0;
  for (const v of d) mean += v;
  mean /= n;
  const gamma = (k: number): number => {
    let s = 0;
    for (let t = 0; t + k < n; t++) s += (d[t]! - mean) * (d[t + k]! - mean);
    return s / n;
  };
  let h = Math.min(o.h, n);
  let variance = gamma(0);
  for (let k = 1; k < h; k++) variance += 2 * gamma(k);
  variance /= n;
  if (!(variance > 0)) {
    if (h === 1) throw new RangeError('dieboldMariano: the loss differential has zero variance');
    h = 1;
    variance = gamma(0) / n;
    if (!(variance > 0)) throw new RangeError('dieboldMariano: the loss differential has zero variance');
  }
  const hln = Math.sqrt((n + 1 - 2 * h + (h / n) * (h - 1)) / n);
  const statistic = (mean / Math.sqrt(variance)) * hln;
  return { statistic, p_value: 2 * studentTCdf(-Math.abs(statistic), n - 1), h, n };
}
