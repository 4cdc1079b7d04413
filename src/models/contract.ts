/**
 * The contract every forecaster implements (CONVENTIONS.md §3–6): a pure `fit` that returns an
 * immutable fitted value, and `predict` that turns it into point forecasts and quantiles.
 * Capabilities are declared as data.
 */

/**
 * The quantile levels of the output contract (forecasts.csv: p05, p25, p50, p75, p95).
 * @example forecast(series, { h: 4, levels: DEFAULT_LEVELS }) // the default when levels are not given
 */
export const DEFAULT_LEVELS: readonly number[] = [0.05, 0.25, 0.5, 0.75, 0.95];

/**
 * What a forecaster can take, declared as data (CONVENTIONS.md §3, sktime's tags). The engine
 * reads these before fitting: a series a model does not accept goes to the model's declared
 * fallback with the reason `declineReason` gives, so that an exception from `fit` only ever means
 * a numerical failure.
 */
export interface Capabilities {
  /** how quantiles are produced ('simulated': from `FitContext.normal`, so they depend on the random stream) */
  intervals: 'analytic' | 'simulated' | 'empirical';
  /** takes NaN (missing) values inside the series; when false the engine fills them first (CONVENTIONS.md §8) */
  acceptsNaN: boolean;
  /** takes negative values (false for the intermittent-demand models: demand is never negative) */
  acceptsNegative: boolean;
  /** shortest series it fits */
  minLength: number;
  /** uses the season length */
  seasonal: boolean;
  /**
   * For a model that cannot do without a season: the season length must be 2…`maxLength` and the
   * series longer than `cycles` seasons. Absent: any season length (seasons used where they fit).
   */
  needsSeason?: { maxLength: number; cycles: number };
}

/**
 * Why a model with capabilities `caps` does not accept series `y` at season length
 * `seasonLength`, or undefined when it does. Pure, O(n).
 *
 * @example declineReason(
 *   { intervals: 'analytic', acceptsNaN: false, acceptsNegative: true, minLength: 4, seasonal: false },
 *   Float64Array.of(1, 2),
 *   1,
 * )
 *   // → 'need at least 4 observations, got 2'
 */
export function declineReason(caps: Capabilities, y: Float64Array, seasonLength: number): string | undefined {
  const n = y.length;
  if (n === 0) return 'no observations';
  if (n < caps.minLength) return `need at least ${caps.minLength} observations, got ${n}`;
  const season = caps.needsSeason;
  if (season !== undefined) {
    if (seasonLength < 2 || seasonLength > season.maxLength)
      return `needs a season length from 2 to ${season.maxLength}, got ${seasonLength}`;
    if (n <= season.cycles * seasonLength)
      return (
        `needs more than ${season.cycles * seasonLength} observations (${season.cycles} × season ` +
        `length ${seasonLength}), got ${n}`
      );
  }
  if (!caps.acceptsNaN || !caps.acceptsNegative)
    for (let i = 0; i < n; i++) {
      const v = y[i]!;
      if (!caps.acceptsNaN && !Number.isFinite(v)) return 'the series has missing or infinite values';
      if (!caps.acceptsNegative && v < 0) return 'negative values (demand cannot be negative)';
    }
  return undefined;
}

/**
 * What `fit` and `predict` are given besides the series: the season length and, for simulated intervals, the random
 * stream.
 */
export interface FitContext {
  /** season length (1: none) */
  seasonLength: number;
  /** standard normal random numbers, for simulated intervals (injected: CONVENTIONS.md §10) */
  normal?: () => number;
}

/** A model's forecast of one series: the mean per step and one quantile row per requested level. */
export interface Forecast {
  mean: Float64Array;
  /** one entry per requested level, values for each step */
  quantiles: { level: number; values: Float64Array }[];
  /** the model actually used, e.g. ETS(M,Ad,N) */
  model: string;
  /**
   * the out-of-sample MASE of the forecast chosen, when the model chose it by a backtest of its own (`auto`: MAE over
   * the last h values scaled by the in-sample naive MAE); absent otherwise
   */
  backtestMase?: number;
  /**
   * what forecasts the series again from a longer series without estimating anything (`auto`: its AutoState, read by
   * engine/auto-choice.ts `resumeAuto`); absent for models that keep none
   */
  state?: unknown;
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

/**
 * The one contract of every model (CONVENTIONS.md §3–4): `fit` returns an immutable fitted value `F`,
 * `predict` turns it into the mean and quantiles; `capabilities` say what it accepts.
 */
export interface Forecaster<F = unknown> {
  name: string;
  capabilities: Capabilities;
  fit(y: Float64Array, ctx: FitContext): F;
  /** fitted one-step-ahead values in-sample (NaN where there is none) */
  fittedValues(fit: F): Float64Array;
  predict(fit: F, h: number, levels: readonly number[], ctx: FitContext): Forecast;
}
