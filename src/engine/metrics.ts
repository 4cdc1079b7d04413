/**
 * Forecast accuracy measures (Hyndman & Koehler 2006; M4: Makridakis et al. 2020; M5:
 * Makridakis et al. 2022). `y` the actual values, `f` the forecasts, same length; `insample` the
 * training series for the scaled measures. NaN actuals are skipped.
 */

function pairs(
  y: ArrayLike<number>,
  f: ArrayLike<number>,
  fn: (a: number, b: number) => number,
): { sum: number; n: number } {
  let sum = 0;
  let n = 0;
  for (let i = 0; i < y.length; i++) {
    if (!Number.isFinite(y[i]!)) continue;
    sum += fn(y[i]!, f[i]!);
    n++;
  }
  return { sum, n };
}

/**
 * Mean absolute error: Σ|y − f| / n over the finite actuals.
 * @example mae([10, 12, 14], [11, 12, 13]) // → 0.667
 */
export function mae(y: ArrayLike<number>, f: ArrayLike<number>): number {
  const p = pairs(y, f, (a, b) => Math.abs(a - b));
  return p.sum / p.n;
}

/**
 * Root mean squared error: √(Σ(y − f)² / n) over the finite actuals.
 * @example rmse([10, 12, 14], [11, 12, 13]) // → 0.816
 */
export function rmse(y: ArrayLike<number>, f: ArrayLike<number>): number {
  const p = pairs(y, f, (a, b) => (a - b) ** 2);
  return Math.sqrt(p.sum / p.n);
}

/**
 * Symmetric MAPE in percent, as the M4 competition defines it: mean of 200·|y − f| / (|y| + |f|)
 * (0 where both are 0).
 * @example smape([10, 12, 14], [11, 12, 13]) // → 5.644
 */
export function smape(y: ArrayLike<number>, f: ArrayLike<number>): number {
  const p = pairs(y, f, (a, b) =>
    Math.abs(a) + Math.abs(b) === 0 ? 0 : (200 * Math.abs(a - b)) / (Math.abs(a) + Math.abs(b)),
  );
  return p.sum / p.n;
}

/**
 * The scale of the scaled measures: mean absolute (or, `squared`, mean squared) in-sample
 * difference at lag m — the in-sample error of the (seasonal) naive forecast.
 * @example naiveScale([8, 9, 10, 9, 11], 1, false) // → 1.25
 */
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

/**
 * MASE (Hyndman & Koehler 2006): MAE over the in-sample MAE of the seasonal naive forecast at lag m.
 * @example mase([10, 12, 14], [11, 12, 13], [8, 9, 10, 9, 11]) // → 0.533
 */
export function mase(y: ArrayLike<number>, f: ArrayLike<number>, insample: ArrayLike<number>, m = 1): number {
  return mae(y, f) / naiveScale(insample, m, false);
}

/**
 * RMSSE (M5): RMSE over the root in-sample mean squared naive (lag-1) difference.
 * @example rmsse([10, 12, 14], [11, 12, 13], [8, 9, 10, 9, 11]) // → 0.617
 */
export function rmsse(y: ArrayLike<number>, f: ArrayLike<number>, insample: ArrayLike<number>): number {
  return rmse(y, f) / Math.sqrt(naiveScale(insample, 1, true));
}

/**
 * WAPE: Σ|y − f| / Σ|y| (a volume-weighted error, defined for intermittent demand).
 * @example wape([10, 12, 14], [11, 12, 13]) // → 0.0556
 */
export function wape(y: ArrayLike<number>, f: ArrayLike<number>): number {
  const num = pairs(y, f, (a, b) => Math.abs(a - b));
  const den = pairs(y, f, (a) => Math.abs(a));
  return num.sum / den.sum;
}

/**
 * Mean error f − y (positive: over-forecast).
 * @example bias([10, 12, 14], [11, 12, 13]) // → 0
 */
export function bias(y: ArrayLike<number>, f: ArrayLike<number>): number {
  const p = pairs(y, f, (a, b) => b - a);
  return p.sum / p.n;
}

/**
 * Pinball (quantile) loss at level τ: mean of τ(y − q) if y ≥ q else (1 − τ)(q − y).
 * @example pinball([10, 12, 14], [11, 12, 13], 0.9) // → 0.333
 */
export function pinball(y: ArrayLike<number>, q: ArrayLike<number>, tau: number): number {
  const p = pairs(y, q, (a, b) => (a >= b ? tau * (a - b) : (1 - tau) * (b - a)));
  return p.sum / p.n;
}

/**
 * Share of the finite actuals inside [lower, upper] (a 90 % band should cover about 0.9).
 * @example coverage([10, 12, 14], [9, 12, 15], [11, 13, 16]) // → 0.667
 */
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

/**
 * Overall Weighted Average (M4): the mean of sMAPE and MASE, each relative to Naive2's.
 * @example owa(8.5, 2.4, 9.161, 2.777) // → 0.896 (Naive2 on M4 Weekly: sMAPE 9.161, MASE 2.777)
 */
export function owa(smapeValue: number, maseValue: number, smapeNaive2: number, maseNaive2: number): number {
  return 0.5 * (smapeValue / smapeNaive2 + maseValue / maseNaive2);
}
