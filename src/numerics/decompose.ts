import { mean } from './summation.js';

/**
 * Seasonal component of a classical decomposition (Kendall & Stuart; as R's `decompose`): the trend
 * is a centred moving average of order m (2×m for even m), the seasonal figure the mean of the
 * detrended values at each position in the cycle, normalised to sum to 0 (additive) or average 1
 * (multiplicative). Returns the seasonal component for every time point. Needs n ≥ 2m.
 */
export function classicalSeasonal(y: Float64Array, m: number, type: 'A' | 'M'): Float64Array {
  const n = y.length;
  if (m < 2 || n < 2 * m) throw new RangeError(`classicalSeasonal: need m ≥ 2 and n ≥ 2m, got m=${m}, n=${n}`);
  const trend = new Float64Array(n).fill(NaN);
  const half = Math.floor(m / 2);
  for (let t = half; t < n - half; t++) {
    let s = 0;
    if (m % 2 === 1) {
      for (let j = -half; j <= half; j++) s += y[t + j]!;
      trend[t] = s / m;
    } else {
      for (let j = -half + 1; j <= half - 1; j++) s += y[t + j]!;
      s += 0.5 * (y[t - half]! + y[t + half]!);
      trend[t] = s / m;
    }
  }
  const sums = new Float64Array(m);
  const counts = new Float64Array(m);
  for (let t = 0; t < n; t++) {
    if (Number.isNaN(trend[t]!)) continue;
    const d = type === 'A' ? y[t]! - trend[t]! : y[t]! / trend[t]!;
    sums[t % m] = sums[t % m]! + d;
    counts[t % m] = counts[t % m]! + 1;
  }
  const figure = new Float64Array(m);
  for (let k = 0; k < m; k++) figure[k] = sums[k]! / counts[k]!;
  const avg = mean(figure);
  for (let k = 0; k < m; k++) figure[k] = type === 'A' ? figure[k]! - avg : figure[k]! / avg;
  const out = new Float64Array(n);
  for (let t = 0; t < n; t++) out[t] = figure[t % m]!;
  return out;
}

/**
 * Solves the least-squares problem min ‖Xβ − y‖ for a small dense X (n × k, row-major) through
 * the normal equations with partial-pivot Gaussian elimination. O(n·k² + k³).
 */
export function leastSquares(X: Float64Array, y: Float64Array, k: number): Float64Array {
  const n = y.length;
  const A = new Float64Array(k * (k + 1));
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < k; a++) {
      const xa = X[i * k + a]!;
      for (let b = 0; b < k; b++) A[a * (k + 1) + b] = A[a * (k + 1) + b]! + xa * X[i * k + b]!;
      A[a * (k + 1) + k] = A[a * (k + 1) + k]! + xa * y[i]!;
    }
  }
  for (let c = 0; c < k; c++) {
    let p = c;
    for (let r = c + 1; r < k; r++) if (Math.abs(A[r * (k + 1) + c]!) > Math.abs(A[p * (k + 1) + c]!)) p = r;
    if (p !== c)
      for (let j = 0; j <= k; j++) {
        const t = A[c * (k + 1) + j]!;
        A[c * (k + 1) + j] = A[p * (k + 1) + j]!;
        A[p * (k + 1) + j] = t;
      }
    const piv = A[c * (k + 1) + c]!;
    if (piv === 0) throw new RangeError('leastSquares: singular design matrix');
    for (let r = 0; r < k; r++) {
      if (r === c) continue;
      const f = A[r * (k + 1) + c]! / piv;
      for (let j = c; j <= k; j++) A[r * (k + 1) + j] = A[r * (k + 1) + j]! - f * A[c * (k + 1) + j]!;
    }
  }
  const beta = new Float64Array(k);
  for (let c = 0; c < k; c++) beta[c] = A[c * (k + 1) + k]! / A[c * (k + 1) + c]!;
  return beta;
}

/**
 * Seasonal component for short series (n < 3m), as R's ets initialisation does it: regress y on a
 * linear trend and one Fourier harmonic, then y − trend (additive) or y / trend (multiplicative).
 */
export function fourierSeasonal(y: Float64Array, m: number, type: 'A' | 'M'): Float64Array {
  const n = y.length;
  const k = m === 2 ? 3 : 4;
  const X = new Float64Array(n * k);
  for (let t = 0; t < n; t++) {
    const tt = t + 1;
    X[t * k] = 1;
    X[t * k + 1] = tt;
    if (m === 2) X[t * k + 2] = Math.cos(Math.PI * tt);
    else {
      X[t * k + 2] = Math.sin((2 * Math.PI * tt) / m);
      X[t * k + 3] = Math.cos((2 * Math.PI * tt) / m);
    }
  }
  const beta = leastSquares(X, y, k);
  const out = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    const tr = beta[0]! + beta[1]! * (t + 1);
    out[t] = type === 'A' ? y[t]! - tr : y[t]! / tr;
  }
  return out;
}

/** The seasonal component ETS initialisation uses: classical decomposition when n ≥ 3m, else the Fourier fit. */
export function etsInitialSeasonal(y: Float64Array, m: number, type: 'A' | 'M'): Float64Array {
  return y.length >= 3 * m ? classicalSeasonal(y, m, type) : fourierSeasonal(y, m, type);
}
