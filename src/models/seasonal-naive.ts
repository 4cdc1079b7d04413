/** Seasonal naive: the value one season ago, intervals σ·√(⌊(h−1)/m⌋ + 1) (FPP3 §5.2; R's snaive). */
import type { Forecaster } from './contract.js';
import { checkFinite, normalQuantiles, residualSd } from './baseline-common.js';

export interface SeasonalNaiveFit {
  lastSeason: Float64Array;
  sd: number;
  fitted: Float64Array;
  m: number;
}

export const seasonalNaiveForecaster: Forecaster<SeasonalNaiveFit> = {
  name: 'snaive',
  capabilities: { intervals: 'analytic', acceptsNaN: false, acceptsNegative: true, minLength: 1, seasonal: true },
  fit(y, ctx) {
    const m = Math.max(1, Math.min(ctx.seasonLength, y.length));
    checkFinite('snaive', y, 1);
    const fitted = new Float64Array(y.length).fill(NaN);
    for (let i = m; i < y.length; i++) fitted[i] = y[i - m]!;
    return { lastSeason: y.slice(y.length - m), sd: residualSd(y, fitted), fitted, m };
  },
  fittedValues: (fit) => fit.fitted,
  predict(fit, h, levels) {
    const mean = new Float64Array(h);
    for (let i = 0; i < h; i++) mean[i] = fit.lastSeason[i % fit.m]!;
    return {
      mean,
      quantiles: normalQuantiles(mean, (k) => fit.sd * Math.sqrt(Math.floor((k - 1) / fit.m) + 1), levels),
      model: 'SeasonalNaive',
    };
  },
};
