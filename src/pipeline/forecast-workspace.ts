import { InputError } from '../data/errors.js';
import type { BatchForecast } from '../engine/forecast-batch.js';
import { DAY_MS, isoDate } from '../numerics/calendar.js';
import { readDemandPanel } from '../store/demand-panel.js';
import { saveGlobalModel } from '../store/models.js';
import type { Workspace } from '../store/workspace.js';
import { forecastEnsemble } from '../global/ensemble.js';
import { forecastGlobal, trainGlobal } from '../global/global-model.js';
import { loadPanel } from './panels.js';
import { checkHorizon } from './horizon-limit.js';
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
 * unknown (the models carry the last value over them). Writes forecasts.csv to `o.out`. The
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
    checkHorizon(
      'forecast',
      h,
      panel.units.reduce((n, u) => Math.max(n, u.length), 0),
      'day',
    );
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
  return runForecast(await workspaceSeries(ws, o.freq, o.asOf), o);
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
