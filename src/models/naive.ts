/** Naive: the last value, with random-walk intervals σ·√h (Hyndman & Athanasopoulos, *FPP3* §5.2; R's naive). */
import type { Forecaster } from './contract.js';
import { checkFinite, normalQuantiles, residualSd } from './baseline-common.js';

export interface NaiveFit {
  last: number;
  sd: number;
  fitted: Float64Array;
}

export const naiveForecaster: Forecaster<NaiveFit> = {
  name: 'naive',
  capabilities: { intervals: 'analytic', acceptsNaN: false, acceptsNegative: true, minLength: 1, seasonal: false },
  fit(y) {
    checkFinite('naive', y, 1);
    const fitted = new Float64Array(y.length).fill(NaN);
    for (let i = 1; i < y.length; i++) fitted[i] = y[i - 1]!;
    return { last: y[y.length - 1]!, sd: residualSd(y, fitted), fitted };
  },
  fittedValues: (fit) => fit.fitted,
  predict(fit, h, levels) {
    const mean = new Float64Array(h).fill(fit.last);
    return { mean, quantiles: normalQuantiles(mean, (k) => fit.sd * Math.sqrt(k), levels), model: 'Naive' };
  },
};
