/**
 * The forecasters by name, as `--model` names them. Each entry also names its fallback, used by
 * the engine when a series cannot be fitted (too short, constant, missing values…).
 */
import { adidaForecaster, imapaForecaster } from './adida.js';
import { autoArimaForecaster } from './auto-arima.js';
import { autoEtsForecaster } from './auto-ets.js';
import { crostonForecaster } from './croston.js';
import { tsbForecaster } from './tsb.js';
import type { Forecaster } from './contract.js';
import { driftForecaster } from './random-walk-drift.js';
import { historicAverageForecaster } from './historic-average.js';
import { mstlForecaster } from './mstl.js';
import { naiveForecaster } from './naive.js';
import { seasonalNaiveForecaster } from './seasonal-naive.js';
import { optimizedThetaForecaster } from './optimized-theta.js';
import { thetaForecaster } from './theta.js';
import { seasonalWindowAverageForecaster, windowAverageForecaster } from './window-average.js';

/**
 * A model of the registry: the forecaster, the model the engine falls back to for a series it declines, and a line
 * saying what it is.
 */
export interface ModelEntry {
  forecaster: Forecaster;
  /** the model to use for a series this one cannot fit */
  fallback: string | undefined;
  description: string;
}

const entry = (forecaster: Forecaster<never>, fallback: string | undefined, description: string): ModelEntry => ({
  forecaster: forecaster as unknown as Forecaster,
  fallback,
  description,
});

/**
 * Every statistical model by the name `--model` and `forecast({ models })` take.
 * @example MODELS['ets']!.fallback // → 'naive'
 */
export const MODELS: Record<string, ModelEntry> = {
  naive: entry(naiveForecaster as Forecaster<never>, 'mean', 'the last value'),
  snaive: entry(seasonalNaiveForecaster as Forecaster<never>, 'naive', 'the value one season ago'),
  mean: entry(historicAverageForecaster as Forecaster<never>, undefined, 'the mean of the history'),
  drift: entry(driftForecaster as Forecaster<never>, 'naive', 'random walk with drift'),
  'window-average': entry(windowAverageForecaster() as Forecaster<never>, 'mean', 'mean of the last 28 values'),
  'seasonal-window-average': entry(
    seasonalWindowAverageForecaster() as Forecaster<never>,
    'window-average',
    'per-position mean of the last 4 seasons',
  ),
  ses: entry(
    autoEtsForecaster({ model: 'ANN', optCrit: 'mse' }, 'ses') as Forecaster<never>,
    'naive',
    'simple exponential smoothing, ETS(A,N,N)',
  ),
  holt: entry(
    autoEtsForecaster({ model: 'AAN', damped: false, optCrit: 'mse' }, 'holt') as Forecaster<never>,
    'ses',
    "Holt's linear trend, ETS(A,A,N)",
  ),
  damped: entry(
    autoEtsForecaster({ model: 'AAN', damped: true, optCrit: 'mse' }, 'damped') as Forecaster<never>,
    'ses',
    'damped trend, ETS(A,Ad,N)',
  ),
  'holt-winters': entry(
    autoEtsForecaster({ model: 'AAA', damped: false, optCrit: 'mse' }, 'holt-winters') as Forecaster<never>,
    'holt',
    'Holt-Winters additive, ETS(A,A,A)',
  ),
  ets: entry(autoEtsForecaster({}, 'ets') as Forecaster<never>, 'naive', 'AutoETS: every ETS model, best AICc'),
  theta: entry(thetaForecaster as Forecaster<never>, 'naive', 'the standard Theta method (R thetaf)'),
  otm: entry(
    optimizedThetaForecaster('otm') as Forecaster<never>,
    'theta',
    'Optimised Theta Model (Fiorucci et al. 2016)',
  ),
  dotm: entry(
    optimizedThetaForecaster('dotm') as Forecaster<never>,
    'theta',
    'Dynamic Optimised Theta Model (Fiorucci et al. 2016)',
  ),
  mstl: entry(
    mstlForecaster as Forecaster<never>,
    'ets',
    'MSTL: STL per seasonal period (daily: 7 and 365) + ETS on the adjusted series (R mstl/stlf)',
  ),
  arima: entry(
    autoArimaForecaster() as Forecaster<never>,
    'naive',
    'AutoARIMA: KPSS differencing, stepwise AICc search (R auto.arima, non-seasonal)',
  ),
  croston: entry(
    crostonForecaster('classic', 'croston') as Forecaster<never>,
    'mean',
    "Croston's method, alpha 0.1 (R croston)",
  ),
  'croston-optimized': entry(
    crostonForecaster('optimized', 'croston-optimized') as Forecaster<never>,
    'croston',
    'Croston with optimised smoothing',
  ),
  sba: entry(crostonForecaster('sba', 'sba') as Forecaster<never>, 'croston', 'Syntetos-Boylan approximation'),
  tsb: entry(tsbForecaster as Forecaster<never>, 'croston', 'Teunter-Syntetos-Babai'),
  adida: entry(adidaForecaster as Forecaster<never>, 'croston', 'aggregate-disaggregate intermittent demand'),
  imapa: entry(imapaForecaster as Forecaster<never>, 'adida', 'multiple aggregation levels (IMAPA)'),
};

/**
 * The names of the registered models, in registry order.
 * @example modelNames().includes('theta') // → true
 */
export function modelNames(): string[] {
  return Object.keys(MODELS);
}
