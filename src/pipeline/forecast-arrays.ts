/**
 * Forecasting plain series from code, the statsforecast way: many series in (arrays by id, or
 * long-form rows), every series forecast by each model asked for, typed results out. The engine
 * behind it is the one `shopcast forecast` uses: worker threads, declared fallbacks per series.
 */
import { availableParallelism } from 'node:os';
import { InputError } from '../data/errors.js';
import { longRowsToSeries } from '../data/long-series.js';
import { type BacktestRow, backtest as runBacktest } from '../engine/backtest.js';
import { forecastParallel } from '../engine/parallel-forecast.js';
import { quantileRow, seriesMean } from '../engine/quantile-view.js';
import { makeBatch } from '../engine/series-batch.js';
import { DEFAULT_LEVELS } from '../models/contract.js';
import { FREQ_DEFAULTS, type Freq, FREQS, addPeriods, formatPeriod } from '../numerics/calendar.js';
import { metaBatch } from './forecast-meta.js';
import { checkModelName, seriesGlobalBatch } from './forecast-series.js';
import { checkHorizon } from './horizon-limit.js';
import { DEMAND_AUTO } from '../engine/auto-choice.js';

/** One long-form row: a series id, a period and its value (null: missing). */
export interface LongRow {
  sku: string;
  date: string;
  units: number | null;
}

/** One series with its id. */
export interface NamedSeries {
  sku: string;
  values: ArrayLike<number>;
}

/**
 * Series to forecast: one series (an array), a list of `{ sku, values }`, several by id
 * (`{ A: [...], B: [...] }`: JavaScript lists integer-like keys such as `22423` first, so use the
 * list to keep an order), or long-form rows (`[{ sku, date, units }, …]`, which need `freq`).
 * NaN (or null in rows) is a missing value.
 */
export type SeriesInput =
  ArrayLike<number> | readonly NamedSeries[] | Readonly<Record<string, ArrayLike<number>>> | readonly LongRow[];

/** Options of `forecast` over plain series. */
export interface ForecastArraysOptions {
  /** periods to forecast: at most twice the longest series (never below the frequency's usual horizon) and 3 years
   * (`maxHorizon` in horizon-limit.ts) */
  h: number;
  /** frequency: needed for long-form rows; sets the default season length */
  freq?: Freq;
  /** season length (default: the frequency's usual one, else 1) */
  seasonLength?: number;
  /**
   * model name or names (`shopcast/models` lists them; default `auto`, the engine's own choice per series), and two
   * learned across all the series given: `auto-meta` (auto's pool with FFORMA-style combination weights) and
   * `global` (gradient-boosted trees on normalised windows)
   */
  models?: string | readonly string[];
  /** quantile levels in (0, 1) (default 0.05, 0.25, 0.5, 0.75, 0.95) */
  levels?: readonly number[];
  /** worker threads (default: all cores; 1 runs in this thread) */
  threads?: number;
  /** clamp forecasts at zero, as demand is (default true) */
  nonNegative?: boolean;
  /** leave out long-form rows after this date */
  asOf?: string;
  /**
   * the series are a shop's demand, which stock is planned on: `auto` ranks its members by RMSSE and averages the best
   * five, as the workspace's forecasts do (`DEMAND_AUTO`; default false: MASE and the best three)
   */
  demand?: boolean;
}

/** The forecast of one series by one model. */
export interface SeriesForecast {
  /** the series id (`y` for a single array) */
  sku: string;
  /** the model asked for (`auto`, `ets`, …) */
  method: string;
  /** the model that forecast this series, e.g. `ETS(M,Ad,N)` */
  model: string;
  mean: Float64Array;
  quantiles: { level: number; values: Float64Array }[];
  /** why the series fell back to a simpler model than asked, or null */
  fallbackReason: string | null;
  /** the periods forecast (long-form input only) */
  dates?: string[];
}

interface Prepared {
  ids: string[];
  values: Float64Array[];
  starts?: number[];
  withTime?: boolean;
}

function isRows(series: SeriesInput): series is readonly LongRow[] {
  return (
    Array.isArray(series) &&
    series.length > 0 &&
    typeof series[0] === 'object' &&
    series[0] !== null &&
    'date' in series[0]
  );
}

function isNamed(series: SeriesInput): series is readonly NamedSeries[] {
  return (
    Array.isArray(series) &&
    series.length > 0 &&
    typeof series[0] === 'object' &&
    series[0] !== null &&
    'values' in series[0]
  );
}

const toValues = (v: ArrayLike<number>): Float64Array => Float64Array.from(v, (x) => (x == null ? NaN : Number(x)));

function prepare(series: SeriesInput, o: { freq?: Freq; asOf?: string }): Prepared {
  if (isRows(series)) {
    if (o.freq === undefined)
      throw new InputError('forecast: long-form rows need freq (hour, day, week, month, quarter or year)', {
        field: 'freq',
      });
    return longRowsToSeries(series, o.freq, o.asOf);
  }
  const isArray = (x: unknown): x is ArrayLike<number> =>
    Array.isArray(x) || (ArrayBuffer.isView(x) && !(x instanceof DataView));
  if (isNamed(series)) {
    series.forEach((s, k) => {
      if (typeof s.sku !== 'string' || !isArray(s.values))
        throw new InputError(`forecast: series ${k} needs a sku (string) and values (numbers)`, { field: 'series' });
    });
    return { ids: series.map((s) => s.sku), values: series.map((s) => toValues(s.values)) };
  }
  if (isArray(series)) return { ids: ['y'], values: [toValues(series as ArrayLike<number>)] };
  if (typeof series !== 'object' || series === null)
    throw new InputError('forecast: series must be an array, an object of arrays by id, or long-form rows', {
      field: 'series',
    });
  const entries = Object.entries(series as Record<string, ArrayLike<number>>);
  for (const [id, v] of entries)
    if (!isArray(v)) throw new InputError(`forecast: series '${id}' is not an array of numbers`, { field: 'series' });
  return { ids: entries.map(([id]) => id), values: entries.map(([, v]) => toValues(v)) };
}

function checkCommon(o: {
  h: number;
  freq?: Freq;
  seasonLength?: number;
  levels?: readonly number[];
  threads?: number;
}): void {
  if (!Number.isInteger(o.h) || o.h < 1)
    throw new InputError(`forecast: h must be a whole number ≥ 1, got ${o.h}`, { field: 'h' });
  if (o.freq !== undefined && !FREQS.includes(o.freq))
    throw new InputError(`forecast: freq must be one of ${FREQS.join(', ')}, got '${String(o.freq)}'`, {
      field: 'freq',
    });
  if (o.seasonLength !== undefined && (!Number.isInteger(o.seasonLength) || o.seasonLength < 1))
    throw new InputError(`forecast: seasonLength must be a whole number ≥ 1, got ${o.seasonLength}`, {
      field: 'seasonLength',
    });
  if (o.levels !== undefined && (o.levels.length === 0 || o.levels.some((l) => !(l > 0 && l < 1))))
    throw new InputError('forecast: levels must be quantile levels strictly between 0 and 1, e.g. [0.05, 0.5, 0.95]', {
      field: 'levels',
    });
  if (o.threads !== undefined && (!Number.isInteger(o.threads) || o.threads < 1))
    throw new InputError(`forecast: threads must be a whole number ≥ 1, got ${o.threads}`, { field: 'threads' });
}

/** Models learned across all the series of one call (not per series on worker threads). */
const ACROSS_SERIES: ReadonlySet<string> = new Set(['auto-meta', 'global']);

/** The length of the longest series: the history a horizon is measured against (horizon-limit.ts). */
const longest = (input: Prepared): number => input.values.reduce((m, v) => Math.max(m, v.length), 0);

const seasonOf = (o: { freq?: Freq; seasonLength?: number }): number =>
  o.seasonLength ?? (o.freq === undefined ? 1 : FREQ_DEFAULTS[o.freq].seasonLength);

/**
 * Forecasts many series with one or more models (statsforecast's `StatsForecast(models).forecast`).
 * Each series × model gives one result, in input order; a series a model cannot fit falls back to
 * the model's declared fallback and says why in `fallbackReason`.
 *
 * @example
 * import { forecast } from 'shopcast';
 * const [f] = await forecast({ A: [12, 15, 14, 18, 21, 19, 24, 26] }, { h: 3, models: 'ets' });
 * f.mean;                  // Float64Array(3)
 * f.quantiles[2]!.level;   // 0.5
 */
export async function forecast(series: SeriesInput, options: ForecastArraysOptions): Promise<SeriesForecast[]> {
  checkCommon(options);
  const methods =
    options.models === undefined
      ? ['auto']
      : typeof options.models === 'string'
        ? [options.models]
        : [...options.models];
  if (methods.length === 0) throw new InputError('forecast: models must name at least one model', { field: 'models' });
  for (const m of methods) {
    if (m === 'ensemble')
      throw new InputError(
        'forecast: the ensemble weighs the global model against auto on a workspace (prices, promotions, closed ' +
          "days): use forecastWorkspace, or 'global' / 'auto-meta', which learn across the series given",
        { field: 'models' },
      );
    if (!ACROSS_SERIES.has(m)) checkModelName('forecast', m);
  }
  const input = prepare(series, options);
  checkHorizon('forecast', options.h, longest(input), options.freq, 'h');
  const levels = [...(options.levels ?? DEFAULT_LEVELS)].sort((a, b) => a - b);
  const batch = makeBatch(input.ids, input.values);
  const out: SeriesForecast[] = [];
  const perMethod = [];
  const season = seasonOf(options);
  for (const method of methods) {
    if (ACROSS_SERIES.has(method)) {
      const p = { h: options.h, m: season, levels, nonNegative: options.nonNegative ?? true };
      const fc =
        method === 'global'
          ? (await seriesGlobalBatch(input.values, { ...p, threads: options.threads ?? availableParallelism() })).fc
          : metaBatch(input.ids, input.values, p).fc;
      perMethod.push({ method, fc, reasons: new Map(fc.fallbacks.map((f) => [f.id, f.reason])) });
      continue;
    }
    const fc = await forecastParallel(
      batch,
      {
        model: method,
        h: options.h,
        levels,
        seasonLength: season,
        nonNegative: options.nonNegative ?? true,
        ...(options.demand === true ? { auto: DEMAND_AUTO } : {}),
      },
      options.threads ?? availableParallelism(),
    );
    perMethod.push({ method, fc, reasons: new Map(fc.fallbacks.map((f) => [f.id, f.reason])) });
  }
  const h = options.h;
  for (let i = 0; i < input.ids.length; i++) {
    const sku = input.ids[i]!;
    for (const { method, fc, reasons } of perMethod) {
      const f: SeriesForecast = {
        sku,
        method,
        model: fc.models[i]!,
        mean: seriesMean(fc, i).slice(),
        quantiles: levels.map((level, l) => ({ level, values: quantileRow(fc, i, l).slice() })),
        fallbackReason: reasons.get(sku) ?? null,
      };
      if (input.starts !== undefined && options.freq !== undefined) {
        const n = input.values[i]!.length;
        const start = input.starts[i]!;
        const freq = options.freq;
        f.dates = Array.from({ length: h }, (_, t) =>
          formatPeriod(addPeriods(start, freq, n + t), input.withTime ?? false),
        );
      }
      out.push(f);
    }
  }
  return out;
}

/** Options of `backtest`: those of `forecast` (its forecasts are not clamped at zero) and the origins. */
export interface BacktestArraysOptions extends Omit<ForecastArraysOptions, 'nonNegative'> {
  /** rolling origins, each h periods before the last (default 3) */
  origins?: number;
}

/**
 * Rolling-origin accuracy of each model over the series (Tashman 2000): for each origin the models
 * see only the data before it. One row per model: MASE, RMSSE, sMAPE, WAPE, bias, scaled pinball
 * loss, coverage of the outer quantiles and seconds.
 *
 * @example
 * import { backtest } from 'shopcast';
 * const rows = await backtest({ A: series }, { h: 4, origins: 2, models: ['naive', 'ets'] });
 * rows.map((r) => [r.model, r.mase]);
 */
export async function backtest(series: SeriesInput, options: BacktestArraysOptions): Promise<BacktestRow[]> {
  checkCommon(options);
  const origins = options.origins ?? 3;
  if (!Number.isInteger(origins) || origins < 1)
    throw new InputError(`backtest: origins must be a whole number ≥ 1, got ${origins}`, { field: 'origins' });
  const methods =
    options.models === undefined
      ? ['naive', 'snaive', 'theta', 'ets', 'auto']
      : typeof options.models === 'string'
        ? [options.models]
        : [...options.models];
  for (const m of methods) checkModelName('backtest', m);
  const input = prepare(series, options);
  checkHorizon('backtest', options.h, longest(input), options.freq, 'h');
  return runBacktest(
    makeBatch(input.ids, input.values),
    {
      models: methods,
      h: options.h,
      origins,
      seasonLength: seasonOf(options),
      levels: [...(options.levels ?? DEFAULT_LEVELS)].sort((a, b) => a - b),
      threads: options.threads ?? availableParallelism(),
      ...(options.demand === true ? { auto: DEMAND_AUTO } : {}),
    },
    () => performance.now(),
  );
}

export type { BacktestRow };
