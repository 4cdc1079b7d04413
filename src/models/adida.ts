/**
 * ADIDA (Nikolopoulos et al. 2011): aggregate the series into non-overlapping buckets of k periods
 * (counted back from the end), forecast the bucket totals by optimised SES, and spread the
 * forecast evenly over the k periods. k defaults to the mean interval between demands. IMAPA
 * (Petropoulos & Kourentzes 2015) averages the ADIDA forecasts of every k from 1 to that interval.
 * Quantiles: a demand of the mean observed size occurring with the probability that gives the
 * forecast mean (intermittentQuantiles), so they agree with it; mean 0 gives 0 at every level.
 */
import type { Forecaster } from './contract.js';
import {
  checkDemand,
  demandsAndIntervals,
  intermittentQuantiles,
  optimiseAlpha,
  sesLevels,
} from './intermittent-common.js';

export interface AdidaFit {
  level: number;
  y: Float64Array;
  name: string;
  /** the in-sample one-step forecasts, computed when first asked for (25 refits: no forecast needs them) */
  fitted: () => Float64Array;
}

/** Per-period forecast of ADIDA at aggregation level k. */
export function adidaLevel(y: Float64Array, k: number): number {
  const buckets = Math.floor(y.length / k);
  if (buckets < 1) return y.reduce((a, b) => a + b, 0) / y.length;
  const agg = new Float64Array(buckets);
  const start = y.length - buckets * k;
  for (let b = 0; b < buckets; b++) for (let j = 0; j < k; j++) agg[b] = agg[b]! + y[start + b * k + j]!;
  const l = sesLevels(agg, optimiseAlpha(agg, 0.01, 0.99));
  return l[l.length - 1]! / k;
}

function meanInterval(y: Float64Array): number {
  const { intervals } = demandsAndIntervals(y);
  return intervals.length === 0 ? 1 : Math.max(1, Math.round(intervals.reduce((a, b) => a + b, 0) / intervals.length));
}

function fit(y: Float64Array, multi: boolean): AdidaFit {
  checkDemand(multi ? 'imapa' : 'adida', y);
  const K = meanInterval(y);
  const forecastAt = (series: Float64Array): number => {
    if (!multi) return adidaLevel(series, K);
    let s = 0;
    for (let k = 1; k <= K; k++) s += adidaLevel(series, k);
    return s / K;
  };
  // in-sample one-step forecasts from expanding windows (last 24 at most)
  let fitted: Float64Array | undefined;
  const fittedValues = (): Float64Array => {
    if (fitted !== undefined) return fitted;
    fitted = new Float64Array(y.length).fill(NaN);
    for (let t = Math.max(K * 2, y.length - 24); t < y.length; t++) fitted[t] = forecastAt(y.subarray(0, t));
    return fitted;
  };
  return { level: forecastAt(y), fitted: fittedValues, y, name: multi ? 'IMAPA' : 'ADIDA' };
}

function forecaster(multi: boolean): Forecaster<AdidaFit> {
  return {
    name: multi ? 'imapa' : 'adida',
    capabilities: { intervals: 'analytic', acceptsNaN: false, acceptsNegative: false, minLength: 1, seasonal: false },
    fit: (y) => fit(y, multi),
    fittedValues: (f) => f.fitted(),
    predict(f, h, levels) {
      const mean = new Float64Array(h).fill(f.level);
      return { mean, quantiles: intermittentQuantiles(f.y, mean, levels), model: f.name };
    },
  };
}

export const adidaForecaster = forecaster(false);
export const imapaForecaster = forecaster(true);
