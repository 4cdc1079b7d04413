/**
 * The Optimised Theta Model (OTM) and the Dynamic Optimised Theta Model (DOTM) of Fiorucci,
 * Pellegrini, Louzada, Petropoulos & Koehler (2016), "Models for optimising the theta method and
 * their relationship to state space models", IJF 32(4):
 *
 *   Y_t = μ_t + ε_t,   μ_t = ℓ_{t−1} + (1 − 1/θ)·[(1 − α)^{t−1}·A + (1 − (1 − α)^t)/α·B],
 *   ℓ_t = α·Y_t + (1 − α)·ℓ_{t−1},
 *
 * with A, B the intercept and slope of the least-squares line through the whole series (OTM) or,
 * in DOTM, through Y_1…Y_{t−1}, updated at each step:
 *   Ȳ_t = ((t − 1)Ȳ_{t−1} + Y_t)/t,  B_t = (t − 2)/(t + 1)·B_{t−1} + 6(Y_t − Ȳ_{t−1})/(t(t + 1)),
 *   A_t = Ȳ_t − (t + 1)/2·B_t.
 * Forecast: ℓ_n + (1 − 1/θ)·[(1 − α)^n·A_n + ((h − 1) + (1 − (1 − α)^{n+1})/α)·B_n].
 *
 * Parameters (ℓ₀, α, θ) minimise the in-sample one-step MSE with α ∈ [0.1, 0.99], θ ≥ 1 (the
 * paper's bounds). For a given α the errors are linear in ℓ₀ and w = 1 − 1/θ, so those two are
 * solved exactly by least squares (w kept in [0, 1)) and only α is searched (a grid, then golden
 * section). Seasonality as in thetaf (multiplicative classical decomposition when the lag-m
 * autocorrelation is significant). Intervals: σ·sqrt(1 + (h − 1)α²), the SES variance, since A
 * and B enter as known.
 */
import { normalQuantile } from '../numerics/normal.js';
import type { Forecaster } from './contract.js';
import { thetaDeseasonalise } from './theta.js';

export type ThetaVariant = 'otm' | 'dotm';

export interface OptimizedThetaFit {
  variant: ThetaVariant;
  alpha: number;
  theta: number;
  level0: number;
  /** the level ℓ_n and the line A_n, B_n at the end of the series */
  level: number;
  a: number;
  b: number;
  n: number;
  sigma2: number;
  fitted: Float64Array;
  seasonal: Float64Array | undefined;
}

/**
 * The least-squares lines through each prefix: A[t], B[t] for Y_1…Y_{t+1} (0-based t), by the
 * DOTM recursion. B[0] = 0, A[0] = Y_1.
 */
export function prefixLines(x: Float64Array): { A: Float64Array; B: Float64Array } {
  const n = x.length;
  const A = new Float64Array(n);
  const B = new Float64Array(n);
  let mean = 0;
  let b = 0;
  for (let i = 0; i < n; i++) {
    const t = i + 1;
    const y = x[i]!;
    if (t === 1) {
      mean = y;
      b = 0;
    } else {
      b = ((t - 2) / (t + 1)) * b + (6 * (y - mean)) / (t * (t + 1));
      mean = ((t - 1) * mean + y) / t;
    }
    B[i] = b;
    A[i] = mean - ((t + 1) / 2) * b;
  }
  return { A, B };
}

interface Solved {
  mse: number;
  level0: number;
  w: number;
}

const W_MAX = 1 - 1e-10;

/**
 * The bracket of μ for 0-based step i with decay = (1 − α)^i: decay·A + (1 − decay·(1 − α))/α·B,
 * with the whole-series line (OTM) or the line through the values before step i (DOTM, i ≥ 1).
 */
function lineTerm(
  variant: ThetaVariant,
  lines: { A: Float64Array; B: Float64Array },
  i: number,
  decay: number,
  alpha: number,
): number {
  const at = variant === 'dotm' ? i - 1 : lines.A.length - 1;
  return decay * lines.A[at]! + ((1 - decay * (1 - alpha)) / alpha) * lines.B[at]!;
}

/**
 * For a given α: the one-step errors are e_t = z_t − c_t·ℓ₀ − w·g_t with z_t = Y_t − ℓ⁰_{t−1}
 * (the SES level started at 0), c_t = (1 − α)^{t−1}, g_t the bracket of μ_t; ℓ₀ and w by least
 * squares, w clamped to [0, 1).
 */
function solveForAlpha(
  x: Float64Array,
  alpha: number,
  variant: ThetaVariant,
  lines: { A: Float64Array; B: Float64Array },
): Solved {
  const n = x.length;
  const first = variant === 'dotm' ? 1 : 0;
  let szz = 0;
  let scc = 0;
  let sgg = 0;
  let szc = 0;
  let szg = 0;
  let scg = 0;
  let l0 = 0; // SES level from 0
  let decay = 1; // (1 − α)^{t−1}
  for (let i = 0; i < n; i++) {
    if (i >= first) {
      const g = lineTerm(variant, lines, i, decay, alpha);
      const z = x[i]! - l0;
      const c = decay;
      szz += z * z;
      scc += c * c;
      sgg += g * g;
      szc += z * c;
      szg += z * g;
      scg += c * g;
    }
    l0 = alpha * x[i]! + (1 - alpha) * l0;
    decay *= 1 - alpha;
  }
  const sse = (l: number, w: number): number =>
    szz + l * l * scc + w * w * sgg - 2 * l * szc - 2 * w * szg + 2 * l * w * scg;
  const det = scc * sgg - scg * scg;
  let level0: number;
  let w: number;
  if (det > 1e-12 * scc * sgg) {
    level0 = (szc * sgg - szg * scg) / det;
    w = (szg * scc - szc * scg) / det;
  } else {
    level0 = scc > 0 ? szc / scc : 0;
    w = 0;
  }
  if (!(w >= 0 && w <= W_MAX)) {
    w = w > W_MAX ? W_MAX : 0;
    level0 = scc > 0 ? (szc - w * scg) / scc : 0;
  }
  const count = n - first;
  return { mse: Math.max(0, sse(level0, w)) / Math.max(1, count), level0, w };
}

export function fitOptimizedTheta(y: Float64Array, m: number, variant: ThetaVariant): OptimizedThetaFit {
  const n = y.length;
  const name = variant.toUpperCase();
  if (n < 4) throw new RangeError(`${name}: need at least 4 observations, got ${n}`);
  for (let i = 0; i < n; i++)
    if (!Number.isFinite(y[i]!)) throw new RangeError(`${name}: the series has missing or infinite values`);
  const { x, seasonal } = thetaDeseasonalise(y, m);
  const lines = prefixLines(x);
  // α: the best of a grid, then golden section in the bracket around it
  const lo = 0.1;
  const hi = 0.99;
  const grid = 18;
  let bestK = 0;
  let bestMse = Infinity;
  const at = (k: number): number => lo + ((hi - lo) * k) / grid;
  for (let k = 0; k <= grid; k++) {
    const mse = solveForAlpha(x, at(k), variant, lines).mse;
    if (mse < bestMse) {
      bestMse = mse;
      bestK = k;
    }
  }
  let a = at(Math.max(0, bestK - 1));
  let b = at(Math.min(grid, bestK + 1));
  const g = (Math.sqrt(5) - 1) / 2;
  let c = b - g * (b - a);
  let d = a + g * (b - a);
  let fc = solveForAlpha(x, c, variant, lines).mse;
  let fd = solveForAlpha(x, d, variant, lines).mse;
  for (let it = 0; it < 40 && b - a > 1e-9; it++) {
    if (fc < fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - g * (b - a);
      fc = solveForAlpha(x, c, variant, lines).mse;
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + g * (b - a);
      fd = solveForAlpha(x, d, variant, lines).mse;
    }
  }
  let alpha = (a + b) / 2;
  if (bestMse < solveForAlpha(x, alpha, variant, lines).mse) alpha = at(bestK);
  return thetaAtAlpha(y, x, seasonal, lines, variant, alpha);
}

/**
 * The model at a given α on y (θ and ℓ₀ by least squares, as in the fit): a fit's α applied to a
 * longer series with the same start, without searching α again (`auto`'s backtests). O(n).
 */
export function fitOptimizedThetaAt(
  y: Float64Array,
  m: number,
  variant: ThetaVariant,
  alpha: number,
): OptimizedThetaFit {
  const { x, seasonal } = thetaDeseasonalise(y, m);
  return thetaAtAlpha(y, x, seasonal, prefixLines(x), variant, alpha);
}

function thetaAtAlpha(
  y: Float64Array,
  x: Float64Array,
  seasonal: Float64Array | undefined,
  lines: { A: Float64Array; B: Float64Array },
  variant: ThetaVariant,
  alpha: number,
): OptimizedThetaFit {
  const n = y.length;
  const best = solveForAlpha(x, alpha, variant, lines);
  // the fitted path with the chosen parameters
  const w = best.w;
  const fitted = new Float64Array(n).fill(NaN);
  let level = best.level0;
  let decay = 1;
  let sse = 0;
  for (let i = 0; i < n; i++) {
    // DOTM has no line before its first value: that step is not predicted
    if (variant === 'otm' || i >= 1) {
      const mu = level + w * lineTerm(variant, lines, i, decay, alpha);
      fitted[i] = seasonal === undefined ? mu : (mu * y[i]!) / x[i]!;
      sse += (x[i]! - mu) ** 2;
    }
    level = alpha * x[i]! + (1 - alpha) * level;
    decay *= 1 - alpha;
  }
  const count = variant === 'dotm' ? n - 1 : n;
  return {
    variant,
    alpha,
    theta: 1 / (1 - w),
    level0: best.level0,
    level,
    a: lines.A[n - 1]!,
    b: lines.B[n - 1]!,
    n,
    sigma2: sse / Math.max(1, count),
    fitted,
    seasonal,
  };
}

export function predictOptimizedTheta(fit: OptimizedThetaFit, h: number, levels: readonly number[]) {
  const { alpha, n } = fit;
  const w = 1 - 1 / fit.theta;
  const decayN = (1 - alpha) ** n;
  const mean = new Float64Array(h);
  for (let i = 0; i < h; i++) {
    mean[i] = fit.level + w * (decayN * fit.a + (i + (1 - decayN * (1 - alpha)) / alpha) * fit.b);
    if (fit.seasonal !== undefined) mean[i] = mean[i]! * fit.seasonal[i % fit.seasonal.length]!;
  }
  const sd = Math.sqrt(fit.sigma2);
  const quantiles = levels.map((level) => {
    const z = normalQuantile(level);
    return {
      level,
      values: mean.map(
        (mu, i) =>
          mu +
          z *
            sd *
            Math.sqrt(1 + i * alpha * alpha) *
            (fit.seasonal === undefined ? 1 : fit.seasonal[i % fit.seasonal.length]!),
      ),
    };
  });
  const label = fit.variant === 'otm' ? 'OTM' : 'DOTM';
  return { mean, quantiles, model: fit.seasonal === undefined ? label : `${label} (seasonal)` };
}

export function optimizedThetaForecaster(variant: ThetaVariant): Forecaster<OptimizedThetaFit> {
  return {
    name: variant,
    capabilities: { intervals: 'analytic', acceptsNaN: false, acceptsNegative: true, minLength: 4, seasonal: true },
    fit: (y, ctx) => fitOptimizedTheta(y, ctx.seasonLength, variant),
    fittedValues: (fit) => fit.fitted,
    predict: (fit, h, levels) => predictOptimizedTheta(fit, h, levels),
  };
}
