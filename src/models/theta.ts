/**
 * The standard Theta method (Assimakopoulos & Nikolopoulos 2000) in the form of Hyndman & Billah
 * (2003), as R's `thetaf` computes it: simple exponential smoothing of the (seasonally adjusted)
 * series plus half the slope of its linear trend, b/2 · (h − 1 + (1 − (1 − α)ⁿ)/α); seasonality,
 * when the lag-m autocorrelation is significant, removed by a multiplicative classical
 * decomposition and put back. Intervals: SES's, σ·sqrt(1 + (h − 1)α²).
 */
import { seasonalityTest } from '../numerics/acf.js';
import { classicalSeasonal } from '../numerics/decompose.js';
import { normalQuantile } from '../numerics/normal.js';
import { isConstant } from '../numerics/summation.js';
import type { Forecaster } from './contract.js';
import { type EtsFit, etsParams, etsPointForecast, extendEts, fitEts } from './ets-core.js';

export interface ThetaFit {
  ses: EtsFit;
  /** half the slope of the least-squares line through the (adjusted) series */
  drift: number;
  n: number;
  /** seasonal indices of the last m periods, oldest first, when the series was seasonal */
  seasonal: Float64Array | undefined;
  fitted: Float64Array;
}

/**
 * The seasonal adjustment of the Theta methods (thetaf, M4 benchmarks): when the lag-m
 * autocorrelation is significant, divide by the multiplicative classical-decomposition indices.
 * Returns the adjusted series and the indices of the last m periods (undefined: not seasonal).
 */
export function thetaDeseasonalise(
  y: Float64Array,
  m: number,
): { x: Float64Array; seasonal: Float64Array | undefined } {
  if (m > 1 && seasonalityTest(y, m, 2 * m + 1)) {
    const s = classicalSeasonal(y, m, 'M');
    if (s.every((v) => Math.abs(v) >= 1e-4)) return { x: y.map((v, i) => v / s[i]!), seasonal: s.slice(y.length - m) };
  }
  return { x: y, seasonal: undefined };
}

export function fitTheta(y: Float64Array, m: number): ThetaFit {
  const n = y.length;
  if (n < 4) throw new RangeError(`theta: need at least 4 observations, got ${n}`);
  for (let i = 0; i < n; i++)
    if (!Number.isFinite(y[i]!)) throw new RangeError('theta: the series has missing or infinite values');
  const { x, seasonal } = thetaDeseasonalise(y, m);
  const ses = isConstant(x)
    ? ({
        spec: { error: 'A', trend: 'N', season: 'N', damped: false, m: 1 },
        params: { alpha: 0.99999, beta: NaN, gamma: NaN, phi: 1 },
        lastState: Float64Array.of(x[n - 1]!),
        fitted: new Float64Array(n).fill(x[0]!),
        sigma2: 0,
      } as unknown as EtsFit)
    : fitEts(
        x,
        { error: 'A', trend: 'N', season: 'N', damped: false, m: 1 },
        { seasonal: () => new Float64Array(0), optCrit: 'mse' },
      );
  return thetaWith(y, x, seasonal, ses);
}

/** The Theta fit from its SES part: the slope of the line through (0, x0), (1, x1), … and the fitted values. */
function thetaWith(y: Float64Array, x: Float64Array, seasonal: Float64Array | undefined, ses: EtsFit): ThetaFit {
  const n = y.length;
  const tbar = (n - 1) / 2;
  let xbar = 0;
  for (let i = 0; i < n; i++) xbar += x[i]!;
  xbar /= n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (i - tbar) * (x[i]! - xbar);
    sxx += (i - tbar) * (i - tbar);
  }
  const fitted = seasonal === undefined ? ses.fitted : ses.fitted.map((v, i) => (v * y[i]!) / x[i]!);
  return { ses, drift: sxx > 0 ? sxy / sxx / 2 : 0, n, seasonal, fitted };
}

/**
 * The fit without its per-observation arrays: what `extendTheta` reads (the SES parameters and initial state), kept
 * where a fit is stored to be run forward later (auto-pool.ts).
 * @example extendTheta(thetaParams(fit), longer, m) // as extendTheta(fit, longer, m)
 */
export function thetaParams(fit: ThetaFit): ThetaFit {
  return { ...fit, ses: etsParams(fit.ses), fitted: new Float64Array(0), seasonal: undefined };
}

/**
 * The fit's smoothing parameter applied to y, a longer series with the same start: seasonal
 * indices, SES states and the slope recomputed, α kept (`auto`'s backtests). A fit of a constant
 * series is refitted. O(n).
 */
export function extendTheta(fit: ThetaFit, y: Float64Array, m: number): ThetaFit {
  if (fit.ses.initState === undefined) return fitTheta(y, m);
  const { x, seasonal } = thetaDeseasonalise(y, m);
  return thetaWith(y, x, seasonal, extendEts(fit.ses, x));
}

export function predictTheta(fit: ThetaFit, h: number, levels: readonly number[]) {
  const alpha = Math.max(1e-10, fit.ses.params.alpha);
  const base = etsPointForecast(fit.ses.spec, 1, fit.ses.lastState, h);
  const mean = new Float64Array(h);
  const tail = (1 - (1 - alpha) ** fit.n) / alpha;
  for (let i = 0; i < h; i++) {
    mean[i] = base[i]! + fit.drift * (i + tail);
    if (fit.seasonal !== undefined) mean[i] = mean[i]! * fit.seasonal[i % fit.seasonal.length]!;
  }
  const sd = Math.sqrt(fit.ses.sigma2);
  const quantiles = levels.map((level) => {
    const z = normalQuantile(level);
    return { level, values: mean.map((mu, i) => mu + z * sd * Math.sqrt(i * alpha * alpha + 1)) };
  });
  return { mean, quantiles, model: fit.seasonal === undefined ? 'Theta' : 'Theta (seasonal)' };
}

export const thetaForecaster: Forecaster<ThetaFit> = {
  name: 'theta',
  capabilities: { intervals: 'analytic', acceptsNaN: false, acceptsNegative: true, minLength: 4, seasonal: true },
  fit: (y, ctx) => fitTheta(y, ctx.seasonLength),
  fittedValues: (fit) => fit.fitted,
  predict: (fit, h, levels) => predictTheta(fit, h, levels),
};
