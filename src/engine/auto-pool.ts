/**
 * The candidates `auto` backtests, each able to forecast from several origins of one series. The
 * models estimated by search (ETS, Theta, DOTM, MSTL) are fitted once, at the earliest origin, and
 * then run forward over the later data with the same parameters (the states, the seasonal
 * adjustment and the Theta lines are recomputed; nothing is re-estimated): a multi-origin
 * backtest for about the price of one fit (Tashman 2000 calls this a fixed-origin-parameter
 * rolling evaluation). Cheap rules (naive, seasonal naive, window average, the intermittent
 * family) are refitted at each origin.
 *
 * Seasonal adjustment for the ETS members is the classical multiplicative decomposition of the M4
 * benchmarks (`thetaDeseasonalise`, applied when the lag-m autocorrelation is significant), so
 * ETS can use a season longer than its own limit of 24 (weekly data: 52).
 */
import type { FitContext, Forecast } from '../models/contract.js';
import { seasonalityTest } from '../numerics/acf.js';
import { classicalSeasonal } from '../numerics/decompose.js';
import { autoEts, predictEts } from '../models/auto-ets.js';
import { type EtsFit, etsParams, extendEts } from '../models/ets-core.js';
import { extendMstl, fitMstl, mstlParams, predictMstl, type MstlFit } from '../models/mstl.js';
import {
  fitOptimizedTheta,
  fitOptimizedThetaAt,
  predictOptimizedTheta,
  type OptimizedThetaFit,
} from '../models/optimized-theta.js';
import {
  extendTheta,
  fitTheta,
  predictTheta,
  thetaDeseasonalise,
  thetaParams,
  type ThetaFit,
} from '../models/theta.js';
import { MODELS } from '../models/registry.js';
import { autoArima, predictArima } from '../models/auto-arima.js';
import type { ArimaFit } from '../models/arima-core.js';

/**
 * A candidate of the pool: its forecasts from each origin (ascending ends of y), undefined where it cannot fit; and
 * its forecast from the end of a longer series with the parameters it estimated (`params`, `resume`), which is what
 * `forecasts` gives at a later end: a live update runs the last fit forward without estimating again (auto-choice.ts
 * `resumeAuto`).
 */
export interface PoolMember {
  name: string;
  forecasts(y: Float64Array, ends: readonly number[], h: number, levels: readonly number[]): (Forecast | undefined)[];
  /**
   * the parameters the last `forecasts` call estimated, without the per-observation arrays (what `resume` reads);
   * undefined for a rule refitted at every end, or when no end could fit
   */
  params(): unknown;
  /** the forecast from y's end with `params` (undefined for a rule), as `forecasts` gives it at that end */
  resume(params: unknown, y: Float64Array, h: number, levels: readonly number[]): Forecast | undefined;
}

const EMPTY = new Float64Array(0);

/** Runs `f`, giving undefined for a numerical failure or a forecast that is not finite. */
function attempt(f: () => Forecast): Forecast | undefined {
  try {
    const fc = f();
    return fc.mean.every(Number.isFinite) ? fc : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A member estimated once at the first end and extended to the later ones. `compact` keeps of a fit what `extend`
 * reads (the parameters and initial states, not the fitted values): extending depends on the parameters only, so the
 * compact fit extended to any end gives what the full one gives.
 */
function fixedParams<F>(
  name: string,
  fit: (y: Float64Array) => F,
  extend: (fit: F, y: Float64Array) => F,
  predict: (fit: F, h: number, levels: readonly number[]) => Forecast,
  compact: (fit: F) => F,
): PoolMember {
  let fitted: F | undefined;
  return {
    name,
    forecasts: (y, ends, h, levels) => {
      fitted = undefined;
      return ends.map((end) =>
        attempt(() => {
          const part = y.subarray(0, end);
          fitted = fitted === undefined ? fit(part) : extend(fitted, part);
          return predict(fitted, h, levels);
        }),
      );
    },
    params: () => (fitted === undefined ? undefined : compact(fitted)),
    resume: (params, y, h, levels) => attempt(() => predict(extend(params as F, y), h, levels)),
  };
}

/** A registered model refitted at every end (for rules whose fit costs O(n)). */
function refitted(name: string, model: string, seasonLength: number): PoolMember {
  const f = MODELS[model]!.forecaster;
  const ctx: FitContext = { seasonLength };
  const at = (y: Float64Array, h: number, levels: readonly number[]): Forecast | undefined =>
    attempt(() => f.predict(f.fit(y, ctx), h, levels, ctx));
  return {
    name,
    forecasts: (y, ends, h, levels) => ends.map((end) => at(y.subarray(0, end), h, levels)),
    params: () => undefined,
    resume: (_params, y, h, levels) => at(y, h, levels),
  };
}

/** A seasonal adjustment: the last season's figures and whether they multiply or add. */
interface Adjustment {
  figures: Float64Array;
  multiplicative: boolean;
}

/**
 * The series adjusted for season m: the M4 benchmarks' multiplicative classical decomposition when
 * the lag-m autocorrelation is significant; when a multiplicative figure is near zero (a shop's
 * closed day or night hours) the additive decomposition under the same test instead, so that
 * seasonal data with zeros are still adjusted. O(n).
 */
function seasonallyAdjusted(y: Float64Array, m: number): { x: Float64Array; adjustment: Adjustment | undefined } {
  if (m <= 1) return { x: y, adjustment: undefined };
  const multiplicative = thetaDeseasonalise(y, m);
  if (multiplicative.seasonal !== undefined)
    return { x: multiplicative.x, adjustment: { figures: multiplicative.seasonal, multiplicative: true } };
  if (!seasonalityTest(y, m, 2 * m + 1)) return { x: y, adjustment: undefined };
  const s = classicalSeasonal(y, m, 'A');
  return { x: y.map((v, t) => v - s[t]!), adjustment: { figures: s.slice(y.length - m), multiplicative: false } };
}

/** A fit of the seasonally adjusted series with the adjustment to put back. */
interface Adjusted<F> {
  fit: F;
  adjustment: Adjustment | undefined;
}

/**
 * A member that fits a non-seasonal model to the seasonally adjusted series (seasonallyAdjusted), runs it forward
 * on the longer adjusted series and puts the season back into its forecasts (reseasonalise).
 */
function adjustedMember<F>(
  name: string,
  m: number,
  fit: (x: Float64Array) => F,
  extend: (fit: F, x: Float64Array) => F,
  predict: (fit: F, h: number, levels: readonly number[]) => Forecast,
  compact: (fit: F) => F,
): PoolMember {
  return fixedParams<Adjusted<F>>(
    name,
    (y) => {
      const { x, adjustment } = seasonallyAdjusted(y, m);
      return { fit: fit(x), adjustment };
    },
    (a, y) => {
      const { x, adjustment } = seasonallyAdjusted(y, m);
      return { fit: extend(a.fit, x), adjustment };
    },
    (a, h, levels) => reseasonalise(predict(a.fit, h, levels), a.adjustment),
    // the adjustment is recomputed from the data at every end
    (a) => ({ fit: compact(a.fit), adjustment: undefined }),
  );
}

/** ETS (the given model letters, no season) on the seasonally adjusted series, re-seasonalised. */
function adjustedEts(name: string, model: string, m: number): PoolMember {
  return adjustedMember<EtsFit>(
    name,
    m,
    (x) => autoEts(x, 1, { model, optCrit: model === 'ZZN' ? 'lik' : 'mse' }),
    extendEts,
    predictEts,
    etsParams,
  );
}

/**
 * Non-seasonal AutoARIMA on the seasonally adjusted series, re-seasonalised, its stepwise search bounded to p, q ≤
 * maxOrder: fast (a state of at most three values, where a seasonal ARIMA of daily data has 2·7 + 1 and of hours
 * 2·24 + 1 and costs 1–4 CPU-s a series). Run forward by filtering the longer adjusted series with the same
 * coefficients (forecastArima recomputes the state from the data it is given).
 */
function adjustedArima(m: number, maxOrder: number): PoolMember {
  return adjustedMember<ArimaFit>(
    'arima',
    m,
    (x) => autoArima(x, { m: 1, maxP: maxOrder, maxQ: maxOrder }),
    (fit, x) => ({ ...fit, x }),
    predictArima,
    // forecastArima reads the coefficients, σ² and the series it is given
    (fit) => ({ ...fit, x: EMPTY, residuals: EMPTY }),
  );
}

/** A forecast of the adjusted series with the last season's figures put back, repeated. */
function reseasonalise(fc: Forecast, adjustment: Adjustment | undefined): Forecast {
  if (adjustment === undefined) return fc;
  const { figures, multiplicative } = adjustment;
  const m = figures.length;
  const apply = (v: Float64Array): Float64Array =>
    v.map((x, t) => (multiplicative ? x * figures[t % m]! : x + figures[t % m]!));
  return {
    mean: apply(fc.mean),
    quantiles: fc.quantiles.map((q) => ({ level: q.level, values: apply(q.values) })),
    model: `${fc.model} (seasonally adjusted)`,
  };
}

/**
 * The seasonal periods a frequency suggests for season length m (hourly 24: also the week of 168
 * hours; daily 7: also the year of 365 days), kept when the series holds more than two cycles and
 * its autocorrelation at that lag is significant (the M4 benchmarks' 90 % test). The longer period
 * is tested on the series summed over blocks of the shorter one (hours to days, lag 7; days to
 * weeks, lag 52): the test's standard error sums the squared autocorrelations below the lag, which
 * a strong short cycle makes so large that no yearly season of daily data would pass, and the daily
 * cycle alone would pass lag 168. A smooth yearly season over two or three years still rarely passes
 * (Rossmann: 21 of the first 100 stores), so MSTL over all the suggested periods is a member too (autoPool).
 */
export function testedPeriods(y: Float64Array, m: number): number[] {
  return suggestedPeriods(m).filter((p) => {
    if (y.length <= 2 * p) return false;
    if (p === m) return seasonalityTest(y, p, 2 * p + 1);
    const blocks = blockSums(y, m);
    const lag = Math.round(p / m);
    return seasonalityTest(blocks, lag, 2 * lag + 1);
  });
}

/** Sums of y over consecutive blocks of `size` values, the last ending at y's end (a partial first one dropped). */
function blockSums(y: Float64Array, size: number): Float64Array {
  const k = Math.floor(y.length / size);
  const first = y.length - k * size;
  const out = new Float64Array(k);
  for (let b = 0; b < k; b++) {
    let s = 0;
    for (let i = first + b * size; i < first + (b + 1) * size; i++) s += y[i]!;
    out[b] = s;
  }
  return out;
}

/** The periods the frequency suggests for season length m (before testing): 24 → 24 and 168, 7 → 7 and 365. */
export function suggestedPeriods(m: number): number[] {
  return m === 24 ? [24, 168] : m === 7 ? [7, 365] : m > 1 ? [m] : [];
}

/**
 * The pool for a series with season length m and tested periods. The rules auto must never lose
 * to: a window average, naive (not for intermittent demand: mostly a zero, sometimes a spike), and
 * for each period the data show (testedPeriods) seasonal naive and, for hourly and daily data, the
 * seasonal window average (each position's mean over the last four cycles). A seasonal rule for a
 * period the data do not show only wins a short backtest by luck: on Online Retail's daily SKUs it
 * took 0.8172 → 0.8314 in WRMSSE. Then for regular series SES, damped trend and AutoETS on the
 * adjusted series, Theta and DOTM; for intermittent series TSB, ADIDA, IMAPA, Theta and SES; and
 * MSTL over the tested periods for both (a shop's hours: closed at night, intermittent by their
 * zeros, yet seasonal), and MSTL over all the suggested periods when a test dropped one.
 */
export function autoPool(m: number, periods: readonly number[], n: number, intermittent: boolean): PoolMember[] {
  // naive (the last value) is no rule for intermittent demand: mostly a zero, sometimes a spike
  const pool: PoolMember[] = intermittent ? [] : [refitted('naive', 'naive', 1)];
  // the seasonal window average for hours and days (a shop's opening pattern), not for longer seasons
  const shortCycles = m === 24 || m === 7;
  // seasonal naive always for the season length; for the other suggested periods, and the seasonal window average,
  // only where the data show that season
  for (const p of suggestedPeriods(m)) {
    const shown = periods.includes(p);
    if (n > p && (shown || p === m)) pool.push(refitted(`snaive${p}`, 'snaive', p));
    if (n > p && shown && shortCycles) pool.push(refitted(`seasonal-window-average${p}`, 'seasonal-window-average', p));
  }
  pool.push(refitted('window-average', 'window-average', 1));
  const theta = fixedParams<ThetaFit>(
    'theta',
    (y) => fitTheta(y, m),
    (fit, y) => extendTheta(fit, y, m),
    (fit, h, levels) => predictTheta(fit, h, levels),
    thetaParams,
  );
  if (intermittent) {
    pool.push(refitted('tsb', 'tsb', 1), refitted('adida', 'adida', 1), refitted('imapa', 'imapa', 1));
    pool.push(theta, adjustedEts('ses', 'ANN', m));
  } else
    pool.push(
      adjustedEts('ses', 'ANN', m),
      adjustedEts('damped', 'AAdN', m),
      adjustedEts('ets', 'ZZN', m),
      theta,
      fixedParams<OptimizedThetaFit>(
        'dotm',
        (y) => fitOptimizedTheta(y, m, 'dotm'),
        (fit, y) => fitOptimizedThetaAt(y, m, 'dotm', fit.alpha),
        (fit, h, levels) => predictOptimizedTheta(fit, h, levels),
        // a later end re-solves the Theta lines at the same α
        (fit) => ({ ...fit, fitted: EMPTY, seasonal: undefined }),
      ),
    );
  // ARIMA on the adjusted series for regular ones: orders up to 2 for hours and days (Rossmann's first 100 stores:
  // auto MASE 0.505 → 0.484), up to 1 for longer seasons, where orders up to 2 doubled auto's time on M4 Weekly
  // (48 series/s) for OWA 0.7197 → 0.7184
  if (!intermittent) pool.push(adjustedArima(m, shortCycles ? 2 : 1));
  const mstlMember = (name: string, ps: readonly number[]): PoolMember =>
    fixedParams<MstlFit>(
      name,
      (y) => fitMstl(y, ps),
      (fit, y) => extendMstl(fit, y),
      (fit, h, levels) => predictMstl(fit, h, levels),
      mstlParams,
    );
  if (periods.length > 0) pool.push(mstlMember('mstl', periods));
  // and over every period the frequency suggests that fits twice, when the tests dropped the longer one: a yearly
  // season of daily data rarely passes a test on two or three years, yet the backtests pick it where it helps
  // (Rossmann's stores: auto MASE 0.557 → 0.505 on the first 100); not for the season length alone (Online Retail's
  // daily SKUs: WRMSSE 0.8098 → 0.8116 with MSTL(7) where the weekly test fails)
  const all = suggestedPeriods(m).filter((p) => n > 2 * p);
  if (all.some((p) => p > m && !periods.includes(p))) pool.push(mstlMember('mstl-all', all));
  return pool;
}
