/**
 * `shopcast forecast --series … --model auto-meta`: plain series forecast by `auto`'s pool with
 * combination weights learned across all the series given (engine/auto-meta.ts, in the spirit of
 * FFORMA). The whole collection is one batch (the meta-learner needs every series' backtest), run
 * in this process. Series `auto` declines (too short, nothing but missing values) go through
 * `auto`'s declared fallbacks as in every other forecast; missing values inside a series are
 * carried forward, and recorded, as the batch engine does. Writes the same forecasts.csv.
 */
import { readLongSeries } from '../data/long-series.js';
import { InputError } from '../data/errors.js';
import { autoDeclineReason } from '../engine/auto-choice.js';
import { META_DEFAULTS, type MetaReport, metaAutoForecast } from '../engine/auto-meta.js';
import { type BatchForecast, type Fallback, forecastBatch } from '../engine/forecast-batch.js';
import { allocateFlat, placeSeries, seriesMean, setQuantileStep } from '../engine/quantile-view.js';
import { makeBatch } from '../engine/series-batch.js';
import { DEFAULT_LEVELS, type Forecast } from '../models/contract.js';
import {
  type ForecastInput,
  type ForecastOptions,
  type ForecastSummary,
  checkForecastOptions,
  checkSeriesHorizon,
  writtenSummary,
} from './forecast-series.js';

/** The model name that selects this path. */
export const META_MODEL = 'auto-meta';

/** What the meta-learner did, in the summary (snake case like the rest of it). */
export interface MetaSummary {
  /** series whose weights the meta-learner gave */
  learned: number;
  train_rows: number;
  /** the weighting rule chosen by cross-validation across the series */
  rule: string;
  /** out-of-fold mean scaled MAE at the last backtest origin: pool mean, best three, inverse squared, meta */
  backtest: MetaReport['backtest'];
  /** the five features with the largest split gain */
  top_features: string[];
}

/** Leading missing values dropped, inner ones carried forward (as forecast-batch does for models without NaN). */
function fillMissing(y: Float64Array): { y: Float64Array; filled: number } {
  let start = 0;
  while (start < y.length && !Number.isFinite(y[start]!)) start++;
  const out = y.slice(start);
  let filled = 0;
  for (let i = 1; i < out.length; i++)
    if (!Number.isFinite(out[i]!)) {
      out[i] = out[i - 1]!;
      filled++;
    }
  return { y: out, filled };
}

/** Writes one forecast into series i of a flat batch forecast: clamped at zero (unless not `nonNegative`), quantiles
 * in order per step. */
function place(flat: BatchForecast, i: number, fc: Forecast, nonNegative: boolean): void {
  const L = flat.levels.length;
  const col = new Float64Array(L);
  const mean = seriesMean(flat, i);
  for (let t = 0; t < flat.h; t++) {
    mean[t] = nonNegative ? Math.max(0, fc.mean[t]!) : fc.mean[t]!;
    for (let l = 0; l < L; l++)
      col[l] = nonNegative ? Math.max(0, fc.quantiles[l]!.values[t]!) : fc.quantiles[l]!.values[t]!;
    col.sort();
    setQuantileStep(flat, i, t, col);
  }
  flat.models[i] = fc.model;
}

/**
 * Forecasts series (ids and values, NaN missing) with `auto-meta`: the flat batch forecast (models and
 * fallbacks filled in) and what the meta-learner did. Series `auto` declines go through its fallbacks.
 * O(series · pool cost) plus a few seconds of tree training for thousands of series. The library's `forecast`
 * and `shopcast forecast --model auto-meta` both call it.
 */
export function metaBatch(
  ids: readonly string[],
  values: readonly Float64Array[],
  p: {
    h: number;
    m: number;
    levels: readonly number[];
    nonNegative?: boolean;
    onProgress?: (done: number, total: number) => void;
  },
): { fc: BatchForecast; meta: MetaSummary | undefined } {
  const { h, m, levels } = p;
  const k = ids.length;
  const prepared = values.map(fillMissing);
  const taken: number[] = [];
  const declined: number[] = [];
  prepared.forEach((x, i) => (x.y.length > 0 && autoDeclineReason(x.y, m) === undefined ? taken : declined).push(i));
  const fc: BatchForecast = {
    ...allocateFlat(k, h, levels),
    levels: [...levels],
    models: new Array<string>(k),
    fallbacks: [],
  };
  const fallbacks: Fallback[] = [];
  let meta: MetaSummary | undefined;
  if (taken.length > 0) {
    const { forecasts, report } = metaAutoForecast(
      taken.map((i) => prepared[i]!.y),
      h,
      levels,
      m,
      META_DEFAULTS,
      (done) => p.onProgress?.(done, k),
    );
    taken.forEach((i, j) => {
      place(fc, i, forecasts[j]!, p.nonNegative ?? true);
      const filled = prepared[i]!.filled;
      if (filled > 0)
        fallbacks.push({
          id: ids[i]!,
          model: META_MODEL,
          used: META_MODEL,
          imputed: filled,
          reason: `${filled} missing values carried forward`,
        });
    });
    meta = {
      learned: report.learned,
      train_rows: report.trainRows,
      rule: report.rule,
      backtest: report.backtest,
      top_features: report.importance.slice(0, 5).map((f) => f.feature),
    };
  }
  if (declined.length > 0) {
    // what `auto` itself does with these: its declared fallbacks, reasons recorded
    const rest = forecastBatch(
      makeBatch(
        declined.map((i) => ids[i]!),
        declined.map((i) => values[i]!),
      ),
      { model: 'auto', h, levels, seasonLength: m, nonNegative: p.nonNegative ?? true },
    );
    declined.forEach((i, j) => {
      const one = { ...allocateFlat(1, h, levels) };
      one.mean.set(seriesMean(rest, j));
      one.quantiles.set(rest.quantiles.subarray(j * levels.length * h, (j + 1) * levels.length * h));
      placeSeries(fc, i, one);
      fc.models[i] = rest.models[j]!;
    });
    for (const f of rest.fallbacks) fallbacks.push({ ...f, model: META_MODEL });
  }
  p.onProgress?.(k, k);
  fc.fallbacks = fallbacks;
  return { fc, meta };
}

/**
 * Forecasts prepared series with `auto-meta` and writes forecasts.csv (the output contract of
 * `runForecast`); `adjust`, when given, changes the forecasts in place before they are written (the workspace's
 * closed days, as `runForecast`).
 */
export function forecastMeta(
  input: ForecastInput,
  o: ForecastOptions,
  adjust?: (fc: BatchForecast) => void,
): ForecastSummary & { meta: MetaSummary | undefined } {
  const { h, m } = checkForecastOptions({ ...o, model: 'auto' });
  checkSeriesHorizon(input, h, o.freq);
  const levels = [...(o.levels ?? DEFAULT_LEVELS)].sort((a, b) => a - b);
  const onProgress = o.onProgress;
  const { fc, meta } = metaBatch(input.ids, input.values, { h, m, levels, ...(onProgress ? { onProgress } : {}) });
  adjust?.(fc);
  return { ...writtenSummary(input, o, fc, { h, m, model: META_MODEL }), meta };
}

/** Forecasts plain series in long form (`sku,date,units`) from a CSV file with `auto-meta`. */
export async function forecastMetaFile(
  path: string,
  o: ForecastOptions,
): Promise<ForecastSummary & { meta: MetaSummary | undefined }> {
  checkForecastOptions({ ...o, model: 'auto' });
  const s = await readLongSeries(path, o.freq, o.asOf);
  if (s.ids.length === 0) throw new InputError(`${path}: no series${o.asOf === undefined ? '' : ` up to ${o.asOf}`}`);
  return forecastMeta({ ...s, rejected: s.rejected.length, filled: s.filled }, o);
}
