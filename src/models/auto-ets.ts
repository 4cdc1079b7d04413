/**
 * AutoETS: every admissible ETS(error, trend, season) model fitted by maximum likelihood, the one
 * with the lowest AICc kept (Hyndman, Koehler, Snyder & Grose 2002; Hyndman & Khandakar 2008),
 * with the candidate set of R's `forecast::ets` (no multiplicative trend unless asked; no additive
 * error with multiplicative trend or season; multiplicative errors and seasons only for positive
 * data; seasons only for 1 < m ≤ 24).
 */
import { etsInitialSeasonal } from '../numerics/decompose.js';
import { normalQuantile } from '../numerics/normal.js';
import { mulberry32, normalSource } from '../numerics/random.js';
import { quantileSorted } from '../numerics/quantile.js';
import { isConstant } from '../numerics/summation.js';
import type { Capabilities, Forecast, Forecaster, FitContext } from './contract.js';
import {
  type EtsFit,
  type EtsSpec,
  type ErrorType,
  type SeasonType,
  type TrendType,
  etsName,
  etsPointForecast,
  fitEts,
  class2ForecastVariance,
  linearForecastVariance,
  simulateEts,
} from './ets-core.js';

/** Options of AutoETS (R `ets`): restrict the model family, the information criterion, the loss. */
export interface AutoEtsOptions {
  /** three letters for error, trend, season: A, M, N or Z (choose); default 'ZZZ' */
  model?: string;
  /** true, false, or undefined to try both */
  damped?: boolean;
  ic?: 'aicc' | 'aic' | 'bic';
  optCrit?: 'lik' | 'mse';
  allowMultiplicativeTrend?: boolean;
  maxit?: number;
}

function letters<T extends string>(c: string, all: readonly T[], what: string): T[] {
  if (c === 'Z') return [...all];
  if ((all as readonly string[]).includes(c)) return [c as T];
  throw new RangeError(`autoEts: ${what} must be one of ${all.join(', ')} or Z, got '${c}'`);
}

/** A constant series: R's ets returns SES with α = 0.99999 started at the first value. */
function constantFit(y: Float64Array): EtsFit {
  const spec: EtsSpec = { error: 'A', trend: 'N', season: 'N', damped: false, m: 1 };
  const n = y.length;
  return {
    spec,
    params: { alpha: 0.99999, beta: NaN, gamma: NaN, phi: 1 },
    initState: Float64Array.of(y[0]!),
    lastState: Float64Array.of(y[n - 1]!),
    fitted: new Float64Array(n).fill(y[0]!),
    residuals: new Float64Array(n),
    sigma2: 0,
    loglik: Infinity,
    aic: -Infinity,
    aicc: -Infinity,
    bic: -Infinity,
    mse: 0,
    np: 2,
    n,
  };
}

/** Fits the candidate ETS models and returns the best by information criterion. O(models · iterations · n). */
export function autoEts(y: Float64Array, m: number, options: AutoEtsOptions = {}): EtsFit {
  const n = y.length;
  if (n < 4) throw new RangeError(`autoEts: need at least 4 observations, got ${n}`);
  for (let i = 0; i < n; i++)
    if (!Number.isFinite(y[i]!)) throw new RangeError('autoEts: the series has missing or infinite values');
  if (isConstant(y)) return constantFit(y);
  const model = (options.model ?? 'ZZZ').toUpperCase();
  if (model.length !== 3) throw new RangeError(`autoEts: model must have three letters, got '${model}'`);
  let positive = true;
  for (let i = 0; i < n; i++) if (y[i]! <= 0) positive = false;
  const errors = letters<ErrorType>(model[0]!, ['A', 'M'], 'error');
  const trends = letters<TrendType>(
    model[1]!,
    options.allowMultiplicativeTrend || model[1] === 'M' ? ['N', 'A', 'M'] : ['N', 'A'],
    'trend',
  );
  let seasons = letters<SeasonType>(model[2]!, ['N', 'A', 'M'], 'season');
  if (m <= 1 || m > 24 || n <= m) {
    if (model[2] !== 'Z' && model[2] !== 'N')
      throw new RangeError(
        `autoEts: a seasonal model needs 1 < m ≤ 24 and more than m observations (m = ${m}, n = ${n})`,
      );
    seasons = ['N'];
  }
  const dampings = options.damped === undefined ? [true, false] : [options.damped];
  const ic = options.ic ?? 'aicc';
  const restrict = model === 'ZZZ' || model.includes('Z');
  let best: EtsFit | undefined;
  let lastError: unknown;
  for (const error of errors)
    for (const trend of trends)
      for (const season of seasons)
        for (const damped of dampings) {
          if (trend === 'N' && damped) continue;
          if (restrict) {
            if (error === 'A' && (trend === 'M' || season === 'M')) continue;
            if (error === 'M' && trend === 'M' && season === 'A') continue;
          }
          if (!positive && (error === 'M' || season === 'M' || trend === 'M')) continue;
          const spec: EtsSpec = { error, trend, season, damped, m: season === 'N' ? 1 : m };
          let fit: EtsFit;
          try {
            fit = fitEts(y, spec, { seasonal: etsInitialSeasonal, maxit: options.maxit, optCrit: options.optCrit });
          } catch (e) {
            lastError = e;
            continue;
          }
          const v = fit[ic];
          if (Number.isFinite(v) && (best === undefined || v < best[ic])) best = fit;
        }
  if (best === undefined)
    throw new RangeError(
      `autoEts: no model could be fitted (${(lastError as Error | undefined)?.message ?? 'no candidate'})`,
    );
  return best;
}

const SIM_PATHS = 5000;

/**
 * Point forecasts and quantiles of a fitted ETS model: analytic (normal, with the class-1 or class-2
 * variance of Hyndman et al. 2008, ch. 6) where it exists, from simulated sample paths otherwise.
 */
export function predictEts(fit: EtsFit, h: number, levels: readonly number[], normal?: () => number): Forecast {
  const mean = etsPointForecast(fit.spec, fit.params.phi, fit.lastState, h);
  const linear = fit.spec.error === 'A' && fit.spec.trend !== 'M' && fit.spec.season !== 'M';
  const class2 = fit.spec.error === 'M' && fit.spec.trend !== 'M' && fit.spec.season === 'N';
  let quantiles: { level: number; values: Float64Array }[];
  if (fit.sigma2 === 0) quantiles = levels.map((level) => ({ level, values: Float64Array.from(mean) }));
  else if (linear || class2) {
    const v = linear ? linearForecastVariance(fit, h) : class2ForecastVariance(fit, mean);
    quantiles = levels.map((level) => {
      const z = normalQuantile(level);
      return { level, values: mean.map((mu, i) => mu + z * Math.sqrt(v[i]!)) };
    });
  } else {
    const paths = simulateEts(fit, h, SIM_PATHS, normal ?? normalSource(mulberry32(0x5eed)));
    quantiles = levels.map((level) => ({ level, values: new Float64Array(h) }));
    const col = new Float64Array(SIM_PATHS);
    for (let t = 0; t < h; t++) {
      for (let p = 0; p < SIM_PATHS; p++) col[p] = paths[p * h + t]!;
      col.sort();
      for (const q of quantiles) q.values[t] = quantileSorted(col, q.level);
    }
  }
  return { mean, quantiles, model: etsName(fit.spec) };
}

/**
 * The capabilities of AutoETS restricted by `options` (as autoEts checks them): an explicitly
 * seasonal model (third letter A or M) needs 1 < m ≤ 24 and more than m observations; intervals
 * are simulated when a candidate may have a multiplicative trend or season, or multiplicative
 * errors with an additive season (no analytic variance: predictEts).
 */
export function autoEtsCapabilities(options: AutoEtsOptions = {}): Capabilities {
  const [error, trend, season] = (options.model ?? 'ZZZ').toUpperCase();
  const multiplicativeTrend = trend === 'M' || (trend === 'Z' && options.allowMultiplicativeTrend === true);
  const multiplicativeSeason = season === 'M' || season === 'Z';
  const mixed = (error === 'M' || error === 'Z') && (season === 'A' || season === 'Z');
  return {
    intervals: multiplicativeTrend || multiplicativeSeason || mixed ? 'simulated' : 'analytic',
    acceptsNaN: false,
    acceptsNegative: true,
    minLength: 4,
    seasonal: true,
    ...(season === 'A' || season === 'M' ? { needsSeason: { maxLength: 24, cycles: 1 } } : {}),
  };
}

/** AutoETS as a forecaster of the shared contract. */
export function autoEtsForecaster(options: AutoEtsOptions = {}, name = 'ets'): Forecaster<EtsFit> {
  return {
    name,
    capabilities: autoEtsCapabilities(options),
    fit: (y: Float64Array, ctx: FitContext) => autoEts(y, ctx.seasonLength, options),
    fittedValues: (fit) => fit.fitted,
    predict: (fit, h, levels, ctx) => predictEts(fit, h, levels, ctx.normal),
  };
}
