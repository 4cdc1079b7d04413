import { InputError } from '../data/errors.js';
import type { BatchForecast } from '../engine/forecast-batch.js';
import { DAY_MS, isoDate } from '../numerics/calendar.js';
import { closeForecastDaysInPlace } from '../engine/closed-forecast.js';
import { forecastParallel } from '../engine/parallel-forecast.js';
import { makeBatch } from '../engine/series-batch.js';
import { readDemandPanel, readShopClosed } from '../store/demand-panel.js';
import { saveGlobalModel } from '../store/models.js';
import type { Workspace } from '../store/workspace.js';
import { forecastEnsemble } from '../global/ensemble.js';
import { forecastGlobal, trainGlobal } from '../global/global-model.js';
import { loadPanel } from './panels.js';
import { DEFAULT_LEVELS } from '../models/contract.js';
import {
  type ForecastInput,
  type ForecastOptions,
  type ForecastSummary,
  checkForecastOptions,
  modelsUsed,
  runForecast,
  writeForecasts,
} from './forecast-series.js';

/**
 * Forecasts the clean demand of every SKU in the workspace, daily or weekly (Monday weeks, only
 * complete ones). Closed days count as zero demand, suspected stock-out and missing days as
 * unknown (the models carry the last value over them). Daily forecasts put nothing on the days
 * the shop is known to be closed (its closed weekdays and holidays): their demand goes to the open
 * days of the same week. Writes forecasts.csv to `o.out`. The
 * `global` and `ensemble` models (daily only) train on the whole panel and store the model for
 * `explainSku`.
 * @example
 * const summary = await forecastWorkspace(ws, { freq: 'week', model: 'auto', out: 'forecasts.csv' });
 * summary.models_used; // how many SKUs each concrete model forecast
 */
export async function forecastWorkspace(ws: Workspace, o: ForecastOptions): Promise<ForecastSummary> {
  const { h } = checkForecastOptions(o);
  if (o.model === 'global' || o.model === 'ensemble') {
    if (o.freq !== 'day')
      throw new InputError(`forecast: the ${o.model} model forecasts daily demand; use freq day`, { field: 'freq' });
    const panel = await loadPanel(ws, o.asOf, h);
    const threads = o.threads === undefined ? {} : { threads: o.threads };
    const model = await trainGlobal(panel, { h, levels: DEFAULT_LEVELS, ...threads });
    await saveGlobalModel(ws, model, isoDate(panel.lastDay), h);
    const global: NonNullable<ForecastSummary['global']> = {
      train_rows: model.rows.train,
      valid_rows: model.rows.valid,
      training_seconds: model.seconds,
    };
    let fc: BatchForecast;
    if (o.model === 'ensemble') {
      const e = await forecastEnsemble(panel, model, h, DEFAULT_LEVELS, o.threads);
      fc = e.forecast;
      global.ensemble_weight_mean = e.weights.mean;
      global.ensemble_weight_quantiles = e.weights.quantiles;
    } else fc = forecastGlobal(panel, model, h);
    closeForecastDaysInPlace(
      fc,
      panel.units.map((u, s) => panel.closed[s]!.subarray(u.length, u.length + h)),
      panel.lastDay + DAY_MS,
    );
    const input: ForecastInput = {
      ids: panel.ids,
      starts: panel.starts,
      values: panel.units,
      withTime: false,
      rejected: 0,
    };
    writeForecasts(o.out, input, fc, 'day');
    return {
      series: panel.ids.length,
      horizon: h,
      season_length: 7,
      model: o.model,
      models_used: modelsUsed(fc),
      fallbacks: fc.fallbacks,
      rows_rejected: 0,
      out: o.out,
      global,
    };
  }
  if (o.freq === 'day') return forecastDaily(ws, o);
  return runForecast(await workspaceSeries(ws, o.freq, o.asOf), o);
}

/**
 * The daily forecast of the statistical engine: as `runForecast`, with the days the shop is known to be closed set
 * to zero and their demand carried by the open days of the same week (engine/closed-forecast.ts).
 */
async function forecastDaily(ws: Workspace, o: ForecastOptions): Promise<ForecastSummary> {
  const { h, m } = checkForecastOptions(o);
  const input = await workspaceSeries(ws, 'day', o.asOf);
  const lastDay = input.starts[0]! + (input.values[0]!.length - 1) * DAY_MS;
  const closed = await readShopClosed(ws, lastDay + DAY_MS, h);
  const fc = await forecastParallel(
    makeBatch(input.ids, input.values),
    { model: o.model, h, levels: DEFAULT_LEVELS, seasonLength: m, nonNegative: true },
    o.threads,
    o.onProgress,
  );
  closeForecastDaysInPlace(
    fc,
    input.ids.map(() => closed),
    lastDay + DAY_MS,
  );
  writeForecasts(o.out, input, fc, o.freq);
  return {
    series: input.ids.length,
    horizon: h,
    season_length: m,
    model: o.model,
    models_used: modelsUsed(fc),
    fallbacks: fc.fallbacks,
    rows_rejected: input.rejected,
    out: o.out,
  };
}

/**
 * The workspace's demand series per SKU, daily or in complete Monday weeks, up to `asOf` (the one
 * demand reader: closed days 0, stock-out and missing days unknown). A week's demand is the sum of
 * its known days, unknown when none is known. `starts` are ms since the epoch (UTC midnight).
 * @example const { ids, values } = await workspaceSeries(ws, 'week', '2011-11-30');
 */
export async function workspaceSeries(
  ws: Workspace,
  freq: ForecastOptions['freq'],
  asOf?: string,
): Promise<ForecastInput> {
  if (freq !== 'day' && freq !== 'week')
    throw new InputError(`the workspace has daily demand; freq must be day or week`, { field: 'freq' });
  const demand = await readDemandPanel(ws, asOf === undefined ? {} : { asOf });
  const ids: string[] = [];
  const starts: number[] = [];
  const values: Float64Array[] = [];
  const lastDay = Math.round((demand.lastDay - demand.firstDay) / DAY_MS);
  for (const s of demand.skus) {
    const start = demand.firstDay + s.first * DAY_MS;
    if (freq === 'day') {
      ids.push(s.sku);
      starts.push(start);
      values.push(s.clean);
      continue;
    }
    // Monday weeks (1970-01-01 was a Thursday), only those that end by the last day
    const offset = (((Math.floor(start / DAY_MS) + 3) % 7) + 7) % 7;
    const firstWeek = s.first - offset;
    const weeks: number[] = [];
    for (let w = firstWeek; w + 6 <= lastDay; w += 7) {
      let sum = 0;
      let known = 0;
      for (let d = Math.max(w, s.first); d <= w + 6; d++) {
        const v = s.clean[d - s.first]!;
        if (Number.isNaN(v)) continue;
        sum += v;
        known++;
      }
      weeks.push(known === 0 ? NaN : sum);
    }
    if (weeks.length === 0) continue;
    ids.push(s.sku);
    starts.push(demand.firstDay + firstWeek * DAY_MS);
    values.push(Float64Array.from(weeks));
  }
  if (ids.length === 0)
    throw new InputError(`the workspace has no demand${asOf === undefined ? '' : ` up to ${asOf}`}`);
  return { ids, starts, values, withTime: false, rejected: 0 };
}
