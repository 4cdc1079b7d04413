/**
 * `auto`, the engine's own forecaster: a pool of candidates that fits the data (auto-pool.ts: the
 * rules it must never lose to — naive, seasonal naive per suggested period, window average — then
 * SES, damped trend and AutoETS on the seasonally adjusted series, Theta, DOTM, and MSTL over the
 * tested seasonal periods; TSB, ADIDA and IMAPA for intermittent demand) is backtested from
 * several rolling origins, and the members are combined with weights learned from their backtest
 * errors (forecast combination: Bates & Granger 1969; Makridakis et al. 2020 on M4). Quantiles
 * are the weighted members' quantiles, calibrated on the combination's backtest errors.
 */
import {
  type Capabilities,
  type Forecast,
  type Forecaster,
  type FitContext,
  declineReason,
} from '../models/contract.js';
import { MODELS, type ModelEntry } from '../models/registry.js';
import { normalQuantile } from '../numerics/normal.js';
import { autoPool, testedPeriods } from './auto-pool.js';

export const AUTO_CANDIDATES: readonly string[] = ['ets', 'dotm', 'damped'];
/** Candidates for intermittent series (average inter-demand interval ≥ 1.32: Syntetos, Boylan & Croston 2005). */
export const INTERMITTENT_CANDIDATES: readonly string[] = ['tsb', 'adida', 'imapa'];

/** Average interval between non-zero values (ADI); Infinity without any. */
export function averageDemandInterval(y: Float64Array): number {
  let count = 0;
  for (let i = 0; i < y.length; i++) if (y[i]! > 0) count++;
  return count === 0 ? Infinity : y.length / count;
}

/** The candidates for y: the intermittent ones for non-negative series with ADI ≥ 1.32. */
export function autoCandidates(y: Float64Array): readonly string[] {
  let nonNegative = true;
  for (let i = 0; i < y.length && nonNegative; i++) nonNegative = y[i]! >= 0;
  return nonNegative && averageDemandInterval(y) >= 1.32 ? INTERMITTENT_CANDIDATES : AUTO_CANDIDATES;
}

/**
 * Why `auto` declines y: none of its candidates for y accepts it by their declared capabilities
 * (undefined when one does). O(n · candidates).
 */
export function autoDeclineReason(
  y: Float64Array,
  seasonLength: number,
  given?: readonly string[],
): string | undefined {
  const candidates = given ?? autoCandidates(y);
  const reasons: string[] = [];
  for (const c of candidates) {
    const why = declineReason(MODELS[c]!.forecaster.capabilities, y, seasonLength);
    if (why === undefined) return undefined;
    reasons.push(`${c}: ${why}`);
  }
  return `none of its candidates accepts the series (${reasons.join('; ')})`;
}

/** How `auto` backtests and combines (the defaults are what bench:m4 and bench:hourly chose). */
export interface AutoOptions {
  /** rolling origins of the backtest, h apart, the last one h before the end */
  origins: number;
  /** history kept before the earliest origin, in multiples of the longest suggested period (at least 12·h) */
  cycles: number;
  /**
   * how the members' forecasts are combined: inverse squared backtest error, the best three's (or five's) mean, or all
   * equal
   */
  combine: 'inverse-squared' | 'top3' | 'top3-inverse' | 'top5' | 'mean';
  /**
   * how a member's backtest errors are scaled to rank it: 'by-series' (default) MASE for regular series and RMSSE for
   * intermittent ones; 'squared' RMSSE for every series — for demand that stock is planned on, whose forecast must get
   * the mean right (absolute errors reward the median)
   */
  error?: 'by-series' | 'squared';
  /** how the members' quantiles are combined: their weighted mean (default) or weighted median (`combine`) */
  quantiles?: QuantileCombination;
}

export const AUTO_DEFAULTS: AutoOptions = { origins: 3, cycles: 3, combine: 'top3' };

/**
 * `auto` for a shop's daily demand (the workspace's forecasts, the plan, the live refresh): members ranked by squared
 * errors and the best five averaged. Chosen on Online Retail at two validation origins before the benchmark's (as of
 * 2011-08-12 and 2011-09-09: squared errors better at both for three, four and five members, five best on average;
 * bench/RESULTS.md, issue #21), not on the scored period. Its quantiles are the members' weighted median (`combine`):
 * a spiky series can make one member's interval run away (a multiplicative-error ETS: a 95 % quantile of 4·10⁹ units
 * a week for a mean of 2,745), which an average passes on; at the same validation origins the median's WSPL was
 * lower or equal (0.2865 → 0.2805, 0.4376 → 0.4376).
 */
export const DEMAND_AUTO: AutoOptions = { ...AUTO_DEFAULTS, combine: 'top5', error: 'squared', quantiles: 'median' };

/** The in-sample mean absolute one-step change of y[0..end) (1 when zero or undefined): the scale of errors. */
function naiveScale(y: Float64Array, end: number): number {
  let s = 0;
  for (let i = 1; i < end; i++) s += Math.abs(y[i]! - y[i - 1]!);
  return s / Math.max(1, end - 1) || 1;
}

/**
 * Weighted combination of forecasts (weights sum to 1): the weighted mean of their means, and of each quantile either
 * the weighted mean (quantile averaging, 'mean') or the weighted median ('median': robust to one member whose interval
 * runs away, as a multiplicative-error ETS on a spiky series does; the COVID-19 Forecast Hub's ensemble moved from the
 * mean to the median of its members' quantiles for the same reason: Ray et al. 2023, Int. J. Forecasting 39(3)).
 * Either keeps the quantiles in order of level, as each member's are.
 */
function combine(
  members: Forecast[],
  weights: readonly number[],
  h: number,
  how: QuantileCombination = 'mean',
): Omit<Forecast, 'model'> {
  const mean = new Float64Array(h);
  const quantiles = members[0]!.quantiles.map((q) => ({ level: q.level, values: new Float64Array(h) }));
  members.forEach((f, k) => {
    const w = weights[k]!;
    for (let t = 0; t < h; t++) {
      mean[t] = mean[t]! + w * f.mean[t]!;
      if (how === 'mean')
        for (let l = 0; l < quantiles.length; l++)
          quantiles[l]!.values[t] = quantiles[l]!.values[t]! + w * f.quantiles[l]!.values[t]!;
    }
  });
  if (how === 'median') {
    const values = new Float64Array(members.length);
    for (let l = 0; l < quantiles.length; l++)
      for (let t = 0; t < h; t++) {
        members.forEach((f, k) => (values[k] = f.quantiles[l]!.values[t]!));
        quantiles[l]!.values[t] = weightedMedian(values, weights);
      }
  }
  return { mean, quantiles };
}

/** How `auto` combines its members' quantiles (`combine`). */
export type QuantileCombination = 'mean' | 'median';

/**
 * The weighted median of values (weights ≥ 0 summing to 1): the smallest value whose cumulative weight, in increasing
 * order, exceeds one half; the mean of it and the next value when the cumulative weight reaches one half exactly (with
 * equal weights: the ordinary median). O(k²) for k values: k is a handful of members.
 * @example weightedMedian(Float64Array.of(3, 1e9, 2), [1 / 3, 1 / 3, 1 / 3]) // 3
 */
export function weightedMedian(values: Float64Array, weights: readonly number[]): number {
  const k = values.length;
  if (ORDER.length < k) ORDER = new Int32Array(2 * k);
  const order = ORDER;
  // insertion sort of the indices by value (ties by index): k is a handful, and this runs for every level, step and
  // origin of every series, where a sort with a comparator allocated
  let total = 0;
  for (let i = 0; i < k; i++) {
    total += weights[i]!;
    let j = i;
    while (j > 0 && values[order[j - 1]!]! > values[i]!) {
      order[j] = order[j - 1]!;
      j--;
    }
    order[j] = i;
  }
  let cum = 0;
  for (let i = 0; i < k; i++) {
    cum += weights[order[i]!]!;
    // a relative tolerance: weights of 1/3 sum to 0.49999… or 0.50000…1
    if (Math.abs(cum - total / 2) <= 1e-12 * total && i + 1 < k)
      return (values[order[i]!]! + values[order[i + 1]!]!) / 2;
    if (cum > total / 2) return values[order[i]!]!;
  }
  return values[order[k - 1]!]!;
}

/** weightedMedian's index buffer, grown as needed (one thread runs one series at a time) */
let ORDER = new Int32Array(16);

/** Combination weights from each member's mean scaled backtest error (Infinity: unusable). */
export function weightsFor(errors: readonly number[], how: AutoOptions['combine']): number[] {
  const usable = errors.map((e) => Number.isFinite(e));
  let w: number[];
  if (how === 'mean') w = errors.map((_, k) => (usable[k] ? 1 : 0));
  else if (how === 'top3' || how === 'top3-inverse' || how === 'top5') {
    const ranked = errors
      .map((e, k) => [e, k] as const)
      .filter(([e]) => Number.isFinite(e))
      .sort((a, b) => a[0] - b[0])
      .slice(0, how === 'top5' ? 5 : 3)
      .map(([, k]) => k);
    w = errors.map((e, k) => (ranked.includes(k) ? (how === 'top3-inverse' ? 1 / Math.max(e, 1e-9) ** 2 : 1) : 0));
  } else w = errors.map((e) => (Number.isFinite(e) ? 1 / Math.max(e, 1e-9) ** 2 : 0));
  const total = w.reduce((a, b) => a + b, 0);
  return total > 0 ? w.map((v) => v / total) : w;
}

/** The most `calibration` narrows intervals: 3·h backtest errors per series are too few to trust more. */
const CALIBRATION_FLOOR = 0.8;

/**
 * The factor that rescales the quantiles around the mean so that they match the combination's
 * backtest errors: the root mean square of those errors standardised by the spread the members'
 * quantiles imply (their outermost pair read as a normal interval), at least CALIBRATION_FLOOR — a
 * variance calibration on held-out errors, in the spirit of split-conformal intervals.
 */
function calibration(errors: readonly { actual: number; fc: Omit<Forecast, 'model'>; t: number }[]): number {
  let s = 0;
  let k = 0;
  for (const { actual, fc, t } of errors) {
    const qs = fc.quantiles;
    if (qs.length < 2) return 1;
    const lo = qs[0]!;
    const hi = qs[qs.length - 1]!;
    const z = normalQuantile(hi.level) - normalQuantile(lo.level);
    const sd = (hi.values[t]! - lo.values[t]!) / z;
    if (!(sd > 0)) continue;
    const e = (actual - fc.mean[t]!) / sd;
    s += e * e;
    k++;
  }
  return k === 0 ? 1 : Math.max(CALIBRATION_FLOOR, Math.sqrt(s / k));
}

/** Every member's forecasts from each origin of one series, and their backtest errors: what `auto` combines. */
export interface PoolRun {
  /** the members' names (auto-pool.ts), in pool order */
  names: string[];
  /** the history used: the series from the window's start */
  z: Float64Array;
  /** the ends of the training data in z, oldest first; the last is z.length (the real forecast) */
  ends: number[];
  h: number;
  /** runs[k][o]: member k's forecast from ends[o] (undefined: it could not fit there) */
  runs: (Forecast | undefined)[][];
  /**
   * each member's backtest error: the mean over origins of the scaled MAE, or RMSSE (`squared`, or
   * `AutoOptions.error` 'squared'); Infinity: missing or no backtest
   */
  errors: number[];
  /** an intermittent series: the combination's backtest error is RMSSE rather than MASE, its intervals not rescaled */
  squared: boolean;
  /** where z starts in the series given, the season length, the tested periods and the pool they made */
  start: number;
  seasonLength: number;
  periods: number[];
  intermittent: boolean;
  /** each member's estimated parameters (PoolMember.params), for `resumeAuto` */
  params: unknown[];
  /** how the members' quantiles are combined (AutoOptions.quantiles) */
  quantiles: QuantileCombination;
}

/**
 * Runs the pool (autoPool) on one series: every
 * member backtested from `origins` rolling origins h apart (fitted once, run forward:
 * auto-pool.ts) on the recent history, each scored by its mean absolute error scaled by the
 * in-sample naive error at that origin. Throws RangeError when no member can forecast the series.
 */
export function runPool(
  y: Float64Array,
  h: number,
  levels: readonly number[],
  seasonLength: number,
  options: AutoOptions = AUTO_DEFAULTS,
): PoolRun {
  const m = seasonLength;
  const intermittent = autoCandidates(y) === INTERMITTENT_CANDIDATES;
  const suggestedMax = m === 24 ? 168 : m === 7 ? 365 : m;
  const keep = Math.max(options.cycles * suggestedMax, 12 * h);
  const n = y.length;
  // the origins: ends of the training data, oldest first, each leaving at least max(2h, 8) values
  const minTrain = Math.max(2 * h, 8);
  // origins h apart; a series too short for that gets them closer (at least one period apart)
  const room = n - h - minTrain;
  const step = options.origins > 1 ? Math.min(h, Math.max(1, Math.floor(room / (options.origins - 1)))) : h;
  const origins: number[] = [];
  for (let k = options.origins - 1; k >= 0; k--) if (n - h - k * step >= minTrain) origins.push(n - h - k * step);
  const start = Math.max(0, (origins[0] ?? n) - keep);
  const z = y.subarray(start);
  const ends = [...origins.map((o) => o - start), z.length];
  const periods = testedPeriods(z.subarray(0, ends[0]), m);
  const pool = autoPool(m, periods, z.length, intermittent);
  const runs = pool.map((member) => member.forecasts(z, ends, h, levels));
  const last = ends.length - 1;
  if (runs.every((r) => r[last] === undefined)) throw new RangeError('auto: no candidate could fit the series');
  const errors = runs.map((r) => {
    if (r[last] === undefined || last === 0) return Infinity;
    let e = 0;
    for (let o = 0; o < last; o++) {
      const fc = r[o];
      if (fc === undefined) return Infinity;
      e += scaledError(z, ends[o]!, fc.mean, intermittent || options.error === 'squared');
    }
    return e / last;
  });
  return {
    names: pool.map((p) => p.name),
    z,
    ends,
    h,
    runs,
    errors,
    squared: intermittent,
    start,
    seasonLength: m,
    periods,
    intermittent,
    params: pool.map((p) => p.params()),
    quantiles: options.quantiles ?? 'mean',
  };
}

/**
 * The backtest error of a forecast from `end` against z's following values, scaled by z[0..end):
 * MAE over the in-sample naive MAE (MASE) for regular series; for intermittent ones the root mean
 * squared error over the in-sample naive RMS change (RMSSE), because absolute errors are minimised
 * by the median, which for intermittent demand is often zero (Kolassa 2016), while stock needs the mean.
 */
function scaledError(z: Float64Array, end: number, mean: Float64Array, squared: boolean): number {
  if (squared) {
    let a = 0;
    let s = 0;
    for (let t = 0; t < mean.length; t++) a += (z[end + t]! - mean[t]!) ** 2;
    for (let i = 1; i < end; i++) s += (z[i]! - z[i - 1]!) ** 2;
    return Math.sqrt(a / mean.length / (s / Math.max(1, end - 1) || 1));
  }
  let a = 0;
  for (let t = 0; t < mean.length; t++) a += Math.abs(z[end + t]! - mean[t]!);
  return a / mean.length / naiveScale(z, end);
}

/**
 * Combines a pool run with the given weights (one per member, summing to 1; members with weight 0
 * or no final forecast are left out, and equal weights over those that fit are used when none is
 * left). Intervals are the weighted members' quantiles, rescaled around the mean by the
 * combination's own backtest errors (`calibration`).
 */
export function combinePool(run: PoolRun, weights: readonly number[]): Forecast {
  const { runs, ends, z, h, names } = run;
  const last = ends.length - 1;
  let w = weights.map((v, k) => (runs[k]![last] === undefined || (last > 0 && run.errors[k] === Infinity) ? 0 : v));
  if (w.every((v) => v === 0)) w = runs.map((r) => (r[last] === undefined ? 0 : 1));
  const total = w.reduce((a, b) => a + b, 0);
  w = w.map((v) => v / total);
  const used = w.map((_, k) => k).filter((k) => w[k]! > 0);
  const at = (o: number): Omit<Forecast, 'model'> =>
    combine(
      used.map((k) => runs[k]![o]!),
      used.map((k) => w[k]!),
      h,
      run.quantiles,
    );
  const final = at(last);
  // the combination's backtest errors, standardised by its own interval, rescale the final quantiles
  const residuals: { actual: number; fc: Omit<Forecast, 'model'>; t: number }[] = [];
  let backtest = 0;
  for (let o = 0; o < last; o++) {
    const fc = at(o);
    for (let t = 0; t < h; t++) residuals.push({ actual: z[ends[o]! + t]!, fc, t });
    backtest += scaledError(z, ends[o]!, fc.mean, run.squared) / last;
  }
  // intermittent members' quantiles come from their demand process (occurrence and size), not a normal spread
  const c = run.squared ? 1 : calibration(residuals);
  const members = used.map((k) => ({ name: names[k]!, weight: w[k]!, model: runs[k]![last]!.model }));
  const state: AutoState = {
    start: run.start,
    seasonLength: run.seasonLength,
    periods: run.periods,
    intermittent: run.intermittent,
    members: used.map((k) => ({ name: names[k]!, weight: w[k]!, params: run.params[k] })),
    calibration: c,
    ...(run.quantiles === 'mean' ? {} : { quantiles: run.quantiles }),
    ...(last > 0 ? { backtestMase: backtest } : {}),
  };
  return { ...finish(final, c, members), ...(last > 0 ? { backtestMase: backtest } : {}), state };
}

/**
 * The combined forecast with its quantiles rescaled by c around the mean (`calibration`), named after its members
 * (the member's own model when there is one, else `Ensemble(ets 0.33, …)` over weights of at least 0.005).
 */
function finish(
  final: Omit<Forecast, 'model'>,
  c: number,
  members: readonly { name: string; weight: number; model: string }[],
): Forecast {
  const h = final.mean.length;
  if (c !== 1)
    for (const q of final.quantiles)
      for (let t = 0; t < h; t++) q.values[t] = final.mean[t]! + c * (q.values[t]! - final.mean[t]!);
  const named = members
    .filter((m) => m.weight >= 0.005)
    .sort((a, b) => b.weight - a.weight)
    .map((m) => (members.length === 1 ? m.model : `${m.name} ${m.weight.toFixed(2)}`));
  const model = members.length === 1 ? named[0]! : `Ensemble(${named.join(', ')})`;
  return { ...final, model };
}

/**
 * What `auto` chose for a series and estimated, enough to forecast it again from a longer series without a backtest
 * or a fit (`resumeAuto`): the window's start, the pool it ran (season length, tested periods, intermittent or not),
 * the members combined with their weights and estimated parameters, and the interval calibration.
 */
export interface AutoState {
  start: number;
  seasonLength: number;
  periods: number[];
  intermittent: boolean;
  members: { name: string; weight: number; params: unknown }[];
  calibration: number;
  /** how the members' quantiles were combined; absent: their mean (states stored before the choice existed) */
  quantiles?: QuantileCombination;
  backtestMase?: number;
}

/**
 * `auto`'s forecast from the end of y, a longer series with the same beginning, by the choice and parameters of an
 * earlier run (its AutoState): each member run forward over y with the parameters it estimated then (the rules
 * refitted, as at a later origin of the backtest), combined with the same weights and calibrated by the same factor.
 * With the series the state was made from it gives exactly what `autoForecast` gave. A live update's forecast
 * between two full fits (statsforecast's `forward` is the same idea); undefined when a member cannot run forward
 * (the caller fits anew). O(n · members), no optimisation.
 * @example const fc = resumeAuto(autoForecast(y, 28, levels, ctx).state as AutoState, longer, 28, levels);
 */
export function resumeAuto(
  state: AutoState,
  y: Float64Array,
  h: number,
  levels: readonly number[],
): Forecast | undefined {
  const z = y.subarray(state.start);
  const pool = autoPool(state.seasonLength, state.periods, z.length, state.intermittent);
  const fcs: Forecast[] = [];
  for (const m of state.members) {
    const member = pool.find((p) => p.name === m.name);
    const fc = member?.resume(m.params, z, h, levels);
    if (fc === undefined) return undefined;
    fcs.push(fc);
  }
  const final = combine(
    fcs,
    state.members.map((m) => m.weight),
    h,
    state.quantiles ?? 'mean',
  );
  const members = state.members.map((m, k) => ({ name: m.name, weight: m.weight, model: fcs[k]!.model }));
  const fc = finish(final, state.calibration, members);
  return state.backtestMase === undefined ? fc : { ...fc, backtestMase: state.backtestMase };
}

/**
 * Forecasts one series by `auto`: the pool run on it (runPool), combined with weights learned from
 * the members' backtest errors (by default the mean of the three best: AUTO_DEFAULTS) and intervals
 * calibrated on the backtest (combinePool). Throws RangeError when no member fits.
 */
export function autoForecast(
  y: Float64Array,
  h: number,
  levels: readonly number[],
  ctx: FitContext,
  options: AutoOptions = AUTO_DEFAULTS,
): Forecast {
  const run = runPool(y, h, levels, ctx.seasonLength, options);
  return combinePool(run, weightsFor(run.errors, options.combine));
}

/** What `auto` declares: its candidates take no NaN; ETS among them may simulate its intervals. */
export const AUTO_CAPABILITIES: Capabilities = {
  intervals: 'simulated',
  acceptsNaN: false,
  acceptsNegative: true,
  minLength: 1,
  seasonal: true,
};

/** The series `auto` keeps: its choice is made at predict time, because the backtest depends on h. */
export interface AutoFit {
  y: Float64Array;
  seasonLength: number;
}

/**
 * `auto` in the shared contract. Its fit only keeps the series: which candidates it uses is decided
 * by a backtest over the last h values, so everything happens in `predict` (≡ autoForecast).
 * It has no in-sample fitted values of its own (all NaN).
 */
export const autoForecaster: Forecaster<AutoFit> = autoForecasterWith(AUTO_DEFAULTS);

/** `auto` in the shared contract, backtesting and combining as `options` say (autoForecaster: AUTO_DEFAULTS). */
function autoForecasterWith(options: AutoOptions): Forecaster<AutoFit> {
  return {
    name: 'auto',
    capabilities: AUTO_CAPABILITIES,
    fit: (y, ctx) => ({ y: Float64Array.from(y), seasonLength: ctx.seasonLength }),
    fittedValues: (fit) => new Float64Array(fit.y.length).fill(NaN),
    predict: (fit, h, levels, ctx) =>
      autoForecast(fit.y, h, levels, { ...ctx, seasonLength: fit.seasonLength }, options),
  };
}

/** A registry entry for a composite model: `declines` adds the reasons its members' capabilities give. */
export interface CompositeEntry extends ModelEntry {
  /** why the model declines y beyond its own capabilities (undefined: it accepts it) */
  declines?: (y: Float64Array, seasonLength: number) => string | undefined;
  /**
   * the forecast from the end of y, a longer series, resumed from the `Forecast.state` of an earlier forecast of it
   * (undefined: it cannot; the series is then fitted)
   */
  resume?: (state: unknown, y: Float64Array, h: number, levels: readonly number[]) => Forecast | undefined;
}

/** `auto` as the engine runs it: fallback naive when none of its candidates accepts the series. */
const ENTRIES = new WeakMap<AutoOptions, CompositeEntry>();

export const AUTO_ENTRY: CompositeEntry = autoEntryWith(AUTO_DEFAULTS);

/**
 * `auto`'s engine entry backtesting and combining as `options` say (the same object gives the same entry). A resumed
 * forecast keeps the members and weights its state holds, whatever the options.
 * @example autoEntryWith(DEMAND_AUTO).forecaster.name // 'auto'
 */
export function autoEntryWith(options: AutoOptions): CompositeEntry {
  const known = ENTRIES.get(options);
  if (known !== undefined) return known;
  const entry = {
    forecaster: autoForecasterWith(options) as unknown as Forecaster,
    fallback: 'naive',
    description:
      `per series, the mean of the ${options.combine === 'top5' ? 'five' : 'three'} best of a pool (naive, seasonal ` +
      'naive, window average, SES, damped, ETS, Theta, DOTM, ARIMA, MSTL; intermittent: TSB, ADIDA, IMAPA) in a ' +
      `backtest from ${options.origins} rolling origins` +
      (options.error === 'squared' ? ', ranked by squared errors' : ''),
    declines: (y: Float64Array, seasonLength: number) => autoDeclineReason(y, seasonLength),
    resume: (state: unknown, y: Float64Array, h: number, levels: readonly number[]) =>
      resumeAuto(state as AutoState, y, h, levels),
  };
  ENTRIES.set(options, entry);
  return entry;
}
