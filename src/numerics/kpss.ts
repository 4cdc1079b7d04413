import { isConstant } from './summation.js';

/**
 * KPSS statistic for level stationarity (Kwiatkowski, Phillips, Schmidt & Shin 1992), as urca's
 * ur.kpss(type = "mu") computes it: e = y − mean(y), η = Σ S_t² / n² with S the partial sums of
 * e, over the Newey–West long-run variance with Bartlett weights and `lags` lags. O(n · lags).
 */
export function kpssStatistic(y: ArrayLike<number>, lags: number): number {
  const n = y.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += y[i]!;
  mean /= n;
  const e = new Float64Array(n);
  for (let i = 0; i < n; i++) e[i] = y[i]! - mean;
  let s = 0;
  let eta = 0;
  for (let i = 0; i < n; i++) {
    s += e[i]!;
    eta += s * s;
  }
  eta /= n * n;
  let s2 = 0;
  for (let i = 0; i < n; i++) s2 += e[i]! * e[i]!;
  s2 /= n;
  for (let l = 1; l <= lags; l++) {
    let c = 0;
    for (let i = l; i < n; i++) c += e[i]! * e[i - l]!;
    s2 += (2 * (1 - l / (lags + 1)) * c) / n;
  }
  return eta / s2;
}

/** 5 % critical value of the level-stationarity KPSS test (KPSS 1992, table 1). */
export const KPSS_CRITICAL_5 = 0.463;

export function difference(y: ArrayLike<number>, lag = 1): Float64Array {
  const out = new Float64Array(Math.max(0, y.length - lag));
  for (let i = lag; i < y.length; i++) out[i - lag] = y[i]! - y[i - lag]!;
  return out;
}

/**
 * Number of first differences that make y level-stationary by repeated KPSS tests at 5 %
 * (Hyndman & Khandakar 2008; R's ndiffs with lags ⌊3√n / 13⌋), at most maxD.
 */
export function ndiffs(y: ArrayLike<number>, maxD = 2): number {
  let x: Float64Array = Float64Array.from(y as ArrayLike<number>);
  let d = 0;
  if (isConstant(x)) return 0;
  const test = (v: Float64Array): boolean =>
    kpssStatistic(v, Math.trunc((3 * Math.sqrt(v.length)) / 13)) > KPSS_CRITICAL_5;
  let dodiff = test(x);
  while (dodiff && d < maxD) {
    d++;
    x = difference(x);
    if (x.length < 2 || isConstant(x)) return d;
    dodiff = test(x);
  }
  return d;
}
