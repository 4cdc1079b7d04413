/** Mean of the whole history, intervals σ·√(1 + 1/n) (FPP3 §5.2; R's meanf). */
import { meanVariance } from '../numerics/summation.js';
import type { Forecaster } from './contract.js';
import { checkFinite, normalQuantiles } from './baseline-common.js';

export interface MeanFit {
  mean: number;
  sd: number;
  n: number;
}

export const historicAverageForecaster: Forecaster<MeanFit> = {
  name: 'mean',
  capabilities: { intervals: 'analytic', acceptsNaN: false, acceptsNegative: true, minLength: 1, seasonal: false },
  fit(y) {
    checkFinite('mean', y, 1);
    const mv = meanVariance(y);
    return { mean: mv.mean, sd: Number.isNaN(mv.variance) ? 0 : Math.sqrt(mv.variance), n: y.length };
  },
  fittedValues: (fit) => new Float64Array(fit.n).fill(fit.mean),
  predict(fit, h, levels) {
    const mean = new Float64Array(h).fill(fit.mean);
    return { mean, quantiles: normalQuantiles(mean, () => fit.sd * Math.sqrt(1 + 1 / fit.n), levels), model: 'Mean' };
  },
};
