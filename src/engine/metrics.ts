/**
 * Forecast accuracy measures (Hyndman & Koehler 2006; M4: Makridakis et al. 2020; M5:
 * Makridakis et al. 2022). `y` the actual values, `f` the forecasts, same length; `insample` the
 * training series for the scaled measures. NaN actuals are skipped.
 */

function pairs(y: ArrayLike<number>, f: ArrayLike<number>, fn: (a: number, b: number) => number): { sum: number; n: number } {
  let sum = 0;
  let n = 0;
  for (let i = 0; i < y.length; i++) {
    if (!Number.isFinite(y[i]!)) continue;
    sum += fn(y[i]!, f[i]!);
    n++;
  }
  return { sum, n };
}

export function mae(y: ArrayLike<number>, f: ArrayLike<number>): number {
  const p = pairs(y, f, (a, b) => Math.abs(a - b));
  return p.sum / p.n;
}

export function rmse(y: ArrayLike<number>, f: ArrayLike<number>): number {
  const p = pairs(y, f, (a, b) => (a - b) ** 2);
  return Math.sqrt(p.sum / p.n);
}

/** Symmetric MAPE in percent, as the M4 competition defines it: 200·|y − f| / (|y| + |f|). */
export function smape(y: ArrayLike<number>, f: ArrayLike<number>): number {
  const p = pairs(y, f, (a, b) => (Math.abs(a) + Math.abs(b) === 0 ? 0 : (200 * Math.abs(a - b)) / (Math.abs(a) + Math.abs(b))));
  return p.sum / p.n;
}

/** Mean absolute (m = 1) or squared in-sample seasonal difference at lag m. */
export function naiveScale(insample: ArrayLike<number>, m: number, squared: boolean): number {
  let s = 0;
  let n = 0;
  for (let i = m; i < insample.length; i++) {
    const d = insample[i]! - insample[i - m]!;
    if (!Number.isFinite(d)) continue;
    s += squared ? d * d : Math.abs(d);
    n++;
  }
  return s / n;
}

/** MASE: MAE over the in-sample MAE of the seasonal naive forecast at lag m. */
export function mase(y: ArrayLike<number>, f: ArrayLike<number>, insample: ArrayLike<number>, m = 1): number {
  return mae(y, f) / naiveScale(insample, m, false);
}

/** RMSSE (M5): RMSE over the root in-sample mean squared naive (lag-1) difference. */
export function rmsse(y: ArrayLike<number>, f: ArrayLike<number>, insample: ArrayLike<number>): number {
  return rmse(y, f) / Math.sqrt(naiveScale(insample, 1, true));
}

/** WAPE: Σ|y − f| / Σ|y|. */
export function wape(y: ArrayLike<number>, f: ArrayLike<number>): number {
  const num = pairs(y, f, (a, b) => Math.abs(a - b));
  const den = pairs(y, f, (a) => Math.abs(a));
  return num.sum / den.sum;
}

/** Mean error f − y (positive: over-forecast). */
export function bias(y: ArrayLike<number>, f: ArrayLike<number>): number {
  const p = pairs(y, f, (a, b) => b - a);
  return p.sum / p.n;
}

/** Pinball (quantile) loss at level τ: mean of τ(y − q) if y ≥ q else (1 − τ)(q − y). */
export function pinball(y: ArrayLike<number>, q: ArrayLike<number>, tau: number): number {
  const p = pairs(y, q, (a, b) => (a >= b ? tau * (a - b) : (1 - tau) * (b - a)));
  return p.sum / p.n;
}

/** Share of actuals inside [lower, upper]. */
export function coverage(y: ArrayLike<number>, lower: ArrayLike<number>, upper: ArrayLike<number>): number {
  let inside = 0;
  let n = 0;
  for (let i = 0; i < y.length; i++) {
    if (!Number.isFinite(y[i]!)) continue;
    n++;
    if (y[i]! >= lower[i]! && y[i]! <= upper[i]!) inside++;
  }
  return inside / n;
}

/** Overall Weighted Average (M4): the mean of sMAPE and MASE, each relative to Naive2's. */
export function owa(smapeValue: number, maseValue: number, smapeNaive2: number, maseNaive2: number): number {
  return 0.5 * (smapeValue / smapeNaive2 + maseValue / maseNaive2);
}
