import { closeSync, openSync, writeSync } from 'node:fs';
import { InputError } from '../data/errors.js';
import { readLongSeries } from '../data/long-series.js';
import { FREQ_DEFAULTS, type Freq, addPeriods, formatPeriod } from '../numerics/calendar.js';
import { type BatchForecast, type BatchOptions, type Fallback } from '../engine/forecast-batch.js';
import { forecastParallel } from '../engine/parallel-forecast.js';
import { allocateFlat, quantileAt, quantileRow, seriesMean } from '../engine/quantile-view.js';
import { makeBatch } from '../engine/series-batch.js';
import { DEFAULT_LEVELS } from '../models/contract.js';
import { MODELS } from '../models/registry.js';
import { exportText } from '../data/csv-format.js';
import { forecastSeriesGlobal, trainSeriesGlobal } from '../global/series-global.js';
import { checkHorizon } from './horizon-limit.js';

/** Options of `forecastWorkspace` (and `shopcast forecast`). */
export interface ForecastOptions {
  /** the series' period; the workspace has `day` and `week` */
  freq: Freq;
  /** `auto` (the engine's choice per series), a statistical model's name, `global` or `ensemble` */
  model: string;
  /** periods to forecast (default: the frequency's usual, e.g. 28 days, 13 weeks) */
  horizon?: number | undefined;
  /** periods per seasonal cycle (default: the frequency's usual, e.g. 7 for days) */
  seasonLength?: number | undefined;
  /** use only data up to this date */
  asOf?: string | undefined;
  /** worker threads (default: all cores) */
  threads?: number | undefined;
  /** where forecasts.csv goes ('-' for standard output) */
  out: string;
  /** series done so far, of the total */
  onProgress?: (done: number, total: number) => void;
  /** the quantile levels written (default DEFAULT_LEVELS: p05, p25, p50, p75, p95); plain series only */
  levels?: readonly number[] | undefined;
}

/** What a forecast run did; the forecasts themselves are in the file `out`. */
export interface ForecastSummary {
  /** series forecast */
  series: number;
  /** periods forecast */
  horizon: number;
  season_length: number;
  /** the model asked for */
  model: string;
  /** how many series got each concrete model */
  models_used: Record<string, number>;
  /**
   * series not forecast as given, and why: those that fell back to a simpler model (`used` is not
   * `model`), and those whose missing values were carried forward for the model (`imputed` > 0)
   */
  fallbacks: Fallback[];
  /** input rows rejected (long-form series files) */
  rows_rejected: number;
  /** periods with no row in a long-form series file, taken as 0 (no sales) */
  periods_filled?: number;
  /** where forecasts.csv was written */
  out: string;
  /** the global model: training rows and seconds, and the ensemble's weights */
  global?: {
    train_rows: number;
    valid_rows: number;
    training_seconds: number;
    ensemble_weight_mean?: number;
    ensemble_weight_quantiles?: number;
  };
}

/** Prepared series: ids with their first period and values (NaN: unknown), oldest first. */
export interface ForecastInput {
  ids: string[];
  /** each series' first period, ms since the epoch (UTC) */
  starts: number[];
  values: Float64Array[];
  /** periods are written with a time of day (hourly series) */
  withTime: boolean;
  /** input rows rejected while reading */
  rejected: number;
  /** periods with no row, taken as 0 (long-form series files) */
  filled?: number;
}

/** Refuses a model name that is neither a statistical model nor one of `others` (for `command`'s message). */
export function checkModelName(command: string, model: string, others: readonly string[] = ['auto']): void {
  if (MODELS[model] === undefined && !others.includes(model))
    throw new InputError(
      `${command}: unknown model '${model}' (known: ${[...others, ...Object.keys(MODELS)].join(', ')})`,
    );
}

export function checkForecastOptions(o: ForecastOptions): { h: number; m: number } {
  checkModelName('forecast', o.model, ['auto', 'auto-meta', 'global', 'ensemble']);
  const h = o.horizon ?? FREQ_DEFAULTS[o.freq].horizon;
  const m = o.seasonLength ?? FREQ_DEFAULTS[o.freq].seasonLength;
  if (!Number.isInteger(h) || h < 1)
    throw new InputError(`forecast: horizon must be a whole number ≥ 1, got ${h}`, { field: 'horizon' });
  checkHorizon('forecast', h, Infinity, o.freq); // the 3-year cap before any work; runForecast checks the history
  if (!Number.isInteger(m) || m < 1)
    throw new InputError(`forecast: seasonLength must be a whole number ≥ 1, got ${m}`, { field: 'seasonLength' });
  const levels = o.levels ?? DEFAULT_LEVELS;
  if (levels.length === 0 || levels.some((l, i) => !(l > 0 && l < 1) || (i > 0 && l <= levels[i - 1]!)))
    throw new InputError(
      `forecast: levels must be increasing quantile levels between 0 and 1 (e.g. 0.025,0.5,0.975), got ` +
        levels.join(','),
      { field: 'levels' },
    );
  return { h, m };
}

/** One row of the output contract: sku, period, mean, one value per level, model (values rounded to 4 decimals). */
export type ForecastRow = [sku: string, date: string, mean: number, ...rest: (number | string)[]];

const round4 = (v: number): number => Math.round(v * 1e4) / 1e4;

/** What `forecastRows` reads of the series: their codes, first periods and lengths (not their values). */
export type ForecastDates = Pick<ForecastInput, 'ids' | 'starts' | 'withTime'> & {
  values: readonly { readonly length: number }[];
};

/** The rows of the output contract (DESIGN.md), series by series, period by period. */
export function* forecastRows(input: ForecastDates, fc: BatchForecast, freq: Freq): Generator<ForecastRow> {
  const L = fc.levels.length;
  const h = fc.h;
  for (let i = 0; i < input.ids.length; i++) {
    const n = input.values[i]!.length;
    const mean = seriesMean(fc, i);
    for (let t = 0; t < h; t++) {
      const row: ForecastRow = [
        input.ids[i]!,
        formatPeriod(addPeriods(input.starts[i]!, freq, n + t), input.withTime),
        round4(mean[t]!),
      ];
      for (let l = 0; l < L; l++) row.push(round4(quantileAt(fc, i, l, t)));
      row.push(fc.models[i]!);
      yield row;
    }
  }
}

/** A quantile level's column: 0.05 → p05, 0.5 → p50, 0.025 → p02.5, 0.975 → p97.5. */
export function levelColumn(level: number): string {
  const pct = Math.round(level * 1000) / 10;
  return `p${pct < 10 ? '0' : ''}${pct}`;
}

/** Writes the output contract: sku,date,mean,p05,p25,p50,p75,p95,model (DESIGN.md). */
export function writeForecasts(path: string, input: ForecastInput, fc: BatchForecast, freq: Freq): void {
  const fd = path === '-' ? 1 : openSync(path, 'w');
  const quantileColumns = fc.levels.map(levelColumn).join(',');
  let buf = `sku,date,mean,${quantileColumns},model\n`;
  for (const row of forecastRows(input, fc, freq)) {
    // model names such as ETS(A,N,A) hold commas
    buf += row.map((v) => (typeof v === 'string' ? exportText(v) : String(v))).join(',') + '\n';
    if (buf.length > 1 << 20) {
      writeSync(fd, buf);
      buf = '';
    }
  }
  writeSync(fd, buf);
  if (fd !== 1) closeSync(fd);
}

/** How many series got each concrete model. */
export function modelsUsed(fc: BatchForecast): Record<string, number> {
  const used: Record<string, number> = {};
  for (const name of fc.models) used[name] = (used[name] ?? 0) + 1;
  return used;
}

/** Checks the horizon against the longest of the series (horizon-limit.ts). */
export function checkSeriesHorizon(input: ForecastInput, h: number, freq: Freq): void {
  checkHorizon(
    'forecast',
    h,
    input.values.reduce((n, v) => Math.max(n, v.length), 0),
    freq,
  );
}

/** Writes a batch forecast of plain series to forecasts.csv and returns what every such forecast reports. */
export function writtenSummary(
  input: ForecastInput,
  o: ForecastOptions,
  fc: BatchForecast,
  p: { h: number; m: number; model: string },
): ForecastSummary {
  writeForecasts(o.out, input, fc, o.freq);
  return {
    series: input.ids.length,
    horizon: p.h,
    season_length: p.m,
    model: p.model,
    models_used: modelsUsed(fc),
    fallbacks: fc.fallbacks,
    rows_rejected: input.rejected,
    ...(input.filled === undefined ? {} : { periods_filled: input.filled }),
    out: o.out,
  };
}

/**
 * Forecasts prepared series with the chosen model and writes forecasts.csv; `adjust`, when given, changes the
 * forecasts in place before they are written (the workspace's closed days, forecast-workspace.ts); `engine` sets how
 * `auto` backtests and combines (the workspace's demand: DEMAND_AUTO).
 */
export async function runForecast(
  input: ForecastInput,
  o: ForecastOptions,
  adjust?: (fc: BatchForecast) => void,
  engine: Pick<BatchOptions, 'auto'> = {},
): Promise<ForecastSummary> {
  const { h, m } = checkForecastOptions(o);
  checkSeriesHorizon(input, h, o.freq);
  const batch = makeBatch(input.ids, input.values);
  const fc = await forecastParallel(
    batch,
    { model: o.model, h, levels: o.levels ?? DEFAULT_LEVELS, seasonLength: m, nonNegative: true, ...engine },
    o.threads,
    o.onProgress,
  );
  adjust?.(fc);
  return writtenSummary(input, o, fc, { h, m, model: o.model });
}

/**
 * The global model on plain series: gradient-boosted trees learned across all of them on normalised windows
 * (global/series-global.ts), each series forecast from its end, as a flat batch forecast (model `global`) with the
 * training's size and time. The library's `forecast` and `runSeriesGlobal` both call it.
 */
export async function seriesGlobalBatch(
  values: readonly Float64Array[],
  p: { h: number; m: number; levels: readonly number[]; threads?: number; nonNegative?: boolean },
): Promise<{ fc: BatchForecast; rows: number; seconds: number }> {
  const { h, m, levels } = p;
  const n = values.length;
  let model;
  try {
    model = await trainSeriesGlobal(values, {
      h,
      seasonLength: m,
      levels,
      ...(p.threads === undefined ? {} : { threads: p.threads }),
    });
  } catch (e) {
    if (e instanceof RangeError) throw new InputError(`forecast --model global: ${e.message}`, { field: 'model' });
    throw e;
  }
  const per = forecastSeriesGlobal(model, values, h, levels, { nonNegative: p.nonNegative ?? true });
  const fc: BatchForecast = {
    ...allocateFlat(n, h, levels),
    levels: [...levels],
    models: new Array<string>(n).fill('global'),
    fallbacks: [],
  };
  per.forEach((f, i) => {
    seriesMean(fc, i).set(f.mean);
    f.quantiles.forEach((q, l) => quantileRow(fc, i, l).set(q));
  });
  return { fc, rows: model.rows, seconds: model.seconds };
}

/** The global model on plain series (seriesGlobalBatch), written as `runForecast` writes, model `global`. */
export async function runSeriesGlobal(input: ForecastInput, o: ForecastOptions): Promise<ForecastSummary> {
  const { h, m } = checkForecastOptions(o);
  checkSeriesHorizon(input, h, o.freq);
  const n = input.ids.length;
  o.onProgress?.(0, n);
  const levels = o.levels ?? DEFAULT_LEVELS;
  const { fc, rows, seconds } = await seriesGlobalBatch(input.values, {
    h,
    m,
    levels,
    ...(o.threads === undefined ? {} : { threads: o.threads }),
  });
  o.onProgress?.(n, n);
  return {
    ...writtenSummary(input, o, fc, { h, m, model: o.model }),
    global: { train_rows: rows, valid_rows: 0, training_seconds: seconds },
  };
}

/**
 * Forecasts plain series in long form (`sku,date,units`) from a CSV file: with a statistical model or `auto` per
 * series, or with `global`, learned across all of them.
 */
export async function forecastSeriesFile(path: string, o: ForecastOptions): Promise<ForecastSummary> {
  // auto-meta learns its combination weights across all the series given (forecast-meta.ts)
  if (o.model === 'auto-meta') return (await import('./forecast-meta.js')).forecastMetaFile(path, o);
  checkForecastOptions(o);
  if (o.model === 'ensemble')
    throw new InputError(
      `forecast: the ensemble model weighs the global model against auto on the workspace's daily demand; for ` +
        `plain series use --model global (learned across the series) or auto, or forecast the workspace`,
      { field: 'model' },
    );
  const s = await readLongSeries(path, o.freq, o.asOf);
  if (s.ids.length === 0) throw new InputError(`${path}: no series${o.asOf === undefined ? '' : ` up to ${o.asOf}`}`);
  const input = { ...s, rejected: s.rejected.length, filled: s.filled };
  return o.model === 'global' ? runSeriesGlobal(input, o) : runForecast(input, o);
}
