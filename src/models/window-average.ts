/**
 * Window average: the mean of the last `window` values (a moving average forecast); seasonal
 * window average: for each position in the season, the mean of that position over the last
 * `window` seasons. Intervals from the spread of the in-sample one-step errors of the same rule.
 */
import type { Forecaster } from './contract.js';
import { checkFinite, normalQuantiles, residualSd } from './baseline-common.js';

export interface WindowFit {
  level: Float64Array;
  sd: number;
  fitted: Float64Array;
  name: string;
}

function windowFit(y: Float64Array, m: number, window: number, name: string): WindowFit {
  checkFinite(name, y, 1);
  const n = y.length;
  const k = Math.max(1, Math.min(window, Math.floor(n / m)));
  const fitted = new Float64Array(n).fill(NaN);
  for (let t = k * m; t < n; t++) {
    let s = 0;
    for (let j = 1; j <= k; j++) s += y[t - j * m]!;
    fitted[t] = s / k;
  }
  const level = new Float64Array(m);
  for (let p = 0; p < m; p++) {
    // position p of the next season = index n + p; average of the k values one, two, … seasons before
    let s = 0;
    let c = 0;
    for (let j = 1; j <= k; j++) {
      const t = n + p - j * m;
      if (t >= 0) {
        s += y[t]!;
        c++;
      }
    }
    level[p] = c > 0 ? s / c : y[n - 1]!;
  }
  return { level, sd: residualSd(y, fitted), fitted, name };
}

function makeForecaster(name: string, model: string, seasonal: boolean, window: number): Forecaster<WindowFit> {
  return {
    name,
    capabilities: { intervals: 'empirical', acceptsNaN: false, acceptsNegative: true, minLength: 1, seasonal },
    fit: (y, ctx) => windowFit(y, seasonal ? Math.max(1, ctx.seasonLength) : 1, window, name),
    fittedValues: (fit) => fit.fitted,
    predict(fit, h, levels) {
      const mean = new Float64Array(h);
      for (let i = 0; i < h; i++) mean[i] = fit.level[i % fit.level.length]!;
      return { mean, quantiles: normalQuantiles(mean, () => fit.sd, levels), model };
    },
  };
}

/** Moving average of the last `window` values (default 28, the Online Retail baseline). */
export function windowAverageForecaster(window = 28): Forecaster<WindowFit> {
  return makeForecaster('window-average', `WindowAverage(${window})`, false, window);
}

/** Per-position mean over the last `window` seasons (default 4). */
export function seasonalWindowAverageForecaster(window = 4): Forecaster<WindowFit> {
  return makeForecaster('seasonal-window-average', `SeasonalWindowAverage(${window})`, true, window);
}
