/**
 * Random walk with drift: the last value plus h times the average change (y_n − y_1)/(n − 1),
 * intervals σ·√(h(1 + h/(n − 1))) (FPP3 §5.2; R's rwf(drift = TRUE)).
 */
import type { Forecaster } from './contract.js';
import { checkFinite, normalQuantiles, residualSd } from './baseline-common.js';

export interface DriftFit {
  last: number;
  slope: number;
  sd: number;
  n: number;
  fitted: Float64Array;
}

export const driftForecaster: Forecaster<DriftFit> = {
  name: 'drift',
  capabilities: { intervals: 'analytic', acceptsNaN: false, acceptsNegative: true, minLength: 2, seasonal: false },
  fit(y) {
    checkFinite('drift', y, 2);
    const n = y.length;
    const slope = (y[n - 1]! - y[0]!) / (n - 1);
    const fitted = new Float64Array(n).fill(NaN);
    for (let i = 1; i < n; i++) fitted[i] = y[i - 1]! + slope;
    return { last: y[n - 1]!, slope, sd: residualSd(y, fitted, 1), n, fitted };
  },
  fittedValues: (fit) => fit.fitted,
  predict(fit, h, levels) {
    const mean = new Float64Array(h);
    for (let i = 0; i < h; i++) mean[i] = fit.last + (i + 1) * fit.slope;
    return {
      mean,
      quantiles: normalQuantiles(mean, (k) => fit.sd * Math.sqrt(k * (1 + k / (fit.n - 1))), levels),
      model: 'Drift',
    };
  },
};
