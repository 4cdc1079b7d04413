import { isConstant, mean } from './summation.js';

/**
 * Sample autocorrelations r_1 … r_maxLag (Box & Jenkins; as R's acf): autocovariances with
 * divisor n, over the autocovariance at lag 0. O(n · maxLag).
 */
export function acf(y: ArrayLike<number>, maxLag: number): Float64Array {
  const n = y.length;
  const mu = mean(y);
  let c0 = 0;
  for (let i = 0; i < n; i++) c0 += (y[i]! - mu) ** 2;
  const out = new Float64Array(maxLag);
  for (let k = 1; k <= maxLag; k++) {
    let c = 0;
    for (let i = k; i < n; i++) c += (y[i]! - mu) * (y[i - k]! - mu);
    out[k - 1] = c0 > 0 ? c / c0 : 0;
  }
  return out;
}

/**
 * The seasonality test of the M4 benchmarks and R's thetaf: the lag-m autocorrelation is
 * significant at 90 % (one-sided 95 %) against Bartlett's standard error
 * sqrt((1 + 2 Σ_{k<m} r_k²) / n). Needs m > 1 and n ≥ 3m (thetaf: n > 2m).
 */
export function seasonalityTest(y: ArrayLike<number>, m: number, minLength = 3 * m): boolean {
  const n = y.length;
  if (m <= 1 || n < minLength) return false;
  if (isConstant(y)) return false;
  const r = acf(y, m);
  let s = 0;
  for (let k = 0; k < m - 1; k++) s += r[k]! ** 2;
  const stat = Math.sqrt((1 + 2 * s) / n);
  return Math.abs(r[m - 1]!) / stat > 1.6448536269514722;
}
