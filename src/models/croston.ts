/**
 * Croston's method (Croston 1972) for intermittent demand: simple exponential smoothing of the
 * non-zero demand sizes and, separately, of the intervals between them; the forecast per period is
 * size / interval. Classic: α = 0.1 for both, as R's croston; optimised: each α chosen in
 * [0.1, 0.3] by its in-sample error. The SBA variant (Syntetos & Boylan 2005) multiplies by
 * (1 − α/2) to remove Croston's bias.
 */
import type { Forecaster } from './contract.js';
import {
  checkDemand,
  demandsAndIntervals,
  empiricalQuantiles,
  optimiseAlpha,
  sesLevels,
} from './intermittent-common.js';

export interface CrostonFit {
  /** forecast per period */
  level: number;
  fitted: Float64Array;
  y: Float64Array;
  name: string;
}

export type CrostonVariant = 'classic' | 'optimized' | 'sba';

export function fitCroston(y: Float64Array, variant: CrostonVariant, alpha = 0.1): CrostonFit {
  checkDemand(`croston`, y);
  const { sizes, intervals, positions } = demandsAndIntervals(y);
  const n = y.length;
  const fitted = new Float64Array(n).fill(NaN);
  const name = variant === 'sba' ? 'SBA' : variant === 'optimized' ? 'CrostonOptimized' : 'Croston';
  if (sizes.length === 0) return { level: 0, fitted: fitted.fill(0), y, name };
  const aSize = variant === 'optimized' ? optimiseAlpha(sizes) : alpha;
  const aInt = variant === 'optimized' ? optimiseAlpha(intervals) : alpha;
  const z = sesLevels(sizes, aSize);
  const p = sesLevels(intervals, aInt);
  const factor = variant === 'sba' ? 1 - aInt / 2 : 1;
  // one-step forecasts: after the k-th demand, size_k / interval_k until the next demand
  for (let k = 0; k < sizes.length; k++) {
    const from = positions[k]! + 1;
    const to = k + 1 < sizes.length ? positions[k + 1]! : n - 1;
    for (let t = from; t <= to; t++) fitted[t] = (factor * z[k]!) / p[k]!;
  }
  return { level: (factor * z[z.length - 1]!) / p[p.length - 1]!, fitted, y, name };
}

export function crostonForecaster(variant: CrostonVariant, name: string): Forecaster<CrostonFit> {
  return {
    name,
    capabilities: { intervals: 'empirical', acceptsNaN: false, acceptsNegative: false, minLength: 1, seasonal: false },
    fit: (y) => fitCroston(y, variant),
    fittedValues: (fit) => fit.fitted,
    predict(fit, h, levels) {
      const mean = new Float64Array(h).fill(fit.level);
      return { mean, quantiles: empiricalQuantiles(fit.y, fit.fitted, mean, levels), model: fit.name };
    },
  };
}
