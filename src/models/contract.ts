/**
 * The contract every forecaster implements (CONVENTIONS.md §3–6): a pure `fit` that returns an
 * immutable fitted value, and `predict` that turns it into point forecasts and quantiles.
 * Capabilities are declared as data.
 */

/** The quantile levels of the output contract (forecasts.csv: p05, p25, p50, p75, p95). */
export const DEFAULT_LEVELS: readonly number[] = [0.05, 0.25, 0.5, 0.75, 0.95];

export interface Capabilities {
  /** how quantiles are produced */
  intervals: 'analytic' | 'simulated' | 'empirical';
  /** accepts NaN (missing) values inside the series */
  missing: boolean;
  /** shortest series it fits */
  minLength: number;
  /** uses the season length */
  seasonal: boolean;
}

export interface FitContext {
  /** season length (1: none) */
  seasonLength: number;
  /** standard normal random numbers, for simulated intervals (injected: CONVENTIONS.md §10) */
  normal?: () => number;
}

export interface Forecast {
  mean: Float64Array;
  /** one entry per requested level, values for each step */
  quantiles: { level: number; values: Float64Array }[];
  /** the model actually used, e.g. ETS(M,Ad,N) */
  model: string;
}

/** One period of a forecast as the outputs give it: the mean and the five standard quantiles. */
export interface QuantilePoint {
  mean: number;
  p05: number;
  p25: number;
  p50: number;
  p75: number;
  p95: number;
}

export interface Forecaster<F = unknown> {
  name: string;
  capabilities: Capabilities;
  fit(y: Float64Array, ctx: FitContext): F;
  /** fitted one-step-ahead values in-sample (NaN where there is none) */
  fittedValues(fit: F): Float64Array;
  predict(fit: F, h: number, levels: readonly number[], ctx: FitContext): Forecast;
}
