/**
 * `shopcast/models`: every forecaster of the engine, each a value with its declared capabilities
 * (`capabilities.minLength`, `.missing`, `.intervals`, `.seasonal`) and the one contract of
 * models/contract.ts: `fit(y, ctx)` returns an immutable fitted value, `predict(fit, h, levels, ctx)`
 * the mean and quantiles.
 *
 * @example
 * import { models } from 'shopcast/models';
 * const ets = models.ets();
 * const fit = ets.fit(Float64Array.from([12, 15, 14, 18, 21, 19, 24, 26]), { seasonLength: 1 });
 * const f = ets.predict(fit, 3, [0.1, 0.5, 0.9], { seasonLength: 1 });
 * f.model; // e.g. 'ETS(A,A,N)'
 */
import { adidaForecaster, imapaForecaster } from './adida.js';
import { type AutoArimaOptions, autoArimaForecaster } from './auto-arima.js';
import { type AutoEtsOptions, autoEtsForecaster } from './auto-ets.js';
import type { Forecaster } from './contract.js';
import { crostonForecaster } from './croston.js';
import { historicAverageForecaster } from './historic-average.js';
import { mstlForecaster } from './mstl.js';
import { naiveForecaster } from './naive.js';
import { optimizedThetaForecaster } from './optimized-theta.js';
import { driftForecaster } from './random-walk-drift.js';
import { MODELS, type ModelEntry, modelNames } from './registry.js';
import { seasonalNaiveForecaster } from './seasonal-naive.js';
import { thetaForecaster } from './theta.js';
import { tsbForecaster } from './tsb.js';
import { seasonalWindowAverageForecaster, windowAverageForecaster } from './window-average.js';

export type { Capabilities, FitContext, Forecast, Forecaster, QuantilePoint } from './contract.js';
export { DEFAULT_LEVELS } from './contract.js';
export type { AutoArimaOptions, AutoEtsOptions, ModelEntry };
export { MODELS, modelNames };

/**
 * The model registry as factories, one per model (names as in `--model`, camel-cased). Each call
 * returns the forecaster; options where the model has them.
 * @example
 * const theta = models.theta();
 * theta.capabilities.minLength; // the shortest series it fits
 * const f = theta.predict(theta.fit(y, { seasonLength: 12 }), 6, [0.05, 0.95], { seasonLength: 12 });
 */
export const models = {
  /** the last value */
  naive: (): Forecaster<unknown> => naiveForecaster as Forecaster<unknown>,
  /** the value one season ago */
  snaive: (): Forecaster<unknown> => seasonalNaiveForecaster as Forecaster<unknown>,
  /** the mean of the history */
  mean: (): Forecaster<unknown> => historicAverageForecaster as Forecaster<unknown>,
  /** random walk with drift */
  drift: (): Forecaster<unknown> => driftForecaster as Forecaster<unknown>,
  /** mean of the last `window` values (default 28) */
  windowAverage: (window?: number): Forecaster<unknown> => windowAverageForecaster(window) as Forecaster<unknown>,
  /** per-position mean of the last `window` seasons (default 4) */
  seasonalWindowAverage: (window?: number): Forecaster<unknown> =>
    seasonalWindowAverageForecaster(window) as Forecaster<unknown>,
  /** AutoETS (Hyndman et al. 2008; R `ets`): every ETS model, best AICc; `{ model: 'AAN', damped: true }` fixes one */
  ets: (options: AutoEtsOptions = {}): Forecaster<unknown> => autoEtsForecaster(options, 'ets') as Forecaster<unknown>,
  /** AutoARIMA (Hyndman & Khandakar 2008; R `auto.arima`) */
  arima: (options: AutoArimaOptions = {}): Forecaster<unknown> => autoArimaForecaster(options) as Forecaster<unknown>,
  /** the standard Theta method (R `thetaf`) */
  theta: (): Forecaster<unknown> => thetaForecaster as Forecaster<unknown>,
  /** Optimised Theta Model (Fiorucci et al. 2016) */
  otm: (): Forecaster<unknown> => optimizedThetaForecaster('otm') as Forecaster<unknown>,
  /** Dynamic Optimised Theta Model (Fiorucci et al. 2016) */
  dotm: (): Forecaster<unknown> => optimizedThetaForecaster('dotm') as Forecaster<unknown>,
  /** MSTL: STL per seasonal period + ETS on the adjusted series (R `mstl`/`stlf`) */
  mstl: (): Forecaster<unknown> => mstlForecaster as Forecaster<unknown>,
  /** Croston's method, alpha 0.1 (R `croston`) */
  croston: (): Forecaster<unknown> => crostonForecaster('classic', 'croston') as Forecaster<unknown>,
  /** Croston with optimised smoothing */
  crostonOptimized: (): Forecaster<unknown> =>
    crostonForecaster('optimized', 'croston-optimized') as Forecaster<unknown>,
  /** Syntetos–Boylan approximation */
  sba: (): Forecaster<unknown> => crostonForecaster('sba', 'sba') as Forecaster<unknown>,
  /** Teunter–Syntetos–Babai */
  tsb: (): Forecaster<unknown> => tsbForecaster as Forecaster<unknown>,
  /** aggregate–disaggregate intermittent demand approach */
  adida: (): Forecaster<unknown> => adidaForecaster as Forecaster<unknown>,
  /** multiple aggregation levels (IMAPA) */
  imapa: (): Forecaster<unknown> => imapaForecaster as Forecaster<unknown>,
} as const;
