import { InputError } from '../data/errors.js';
import type { BatchForecast } from '../engine/forecast-batch.js';
import { periodTime } from '../data/periods.js';
import { type Workspace, asOfDateSql } from '../store/workspace.js';
import { forecastEnsemble } from '../global/ensemble.js';
import { forecastGlobal, trainGlobal } from '../global/global-model.js';
import { loadPanel } from '../global/panel.js';
import { saveGlobalModel } from '../global/store.js';
import { DEFAULT_LEVELS } from '../models/contract.js';
import { type ForecastInput, type ForecastOptions, type ForecastSummary, checkForecastOptions, modelsUsed, runForecast, writeForecasts } from './forecast-series.js';
import { ensureCleanTables } from './ingest.js';

/**
 * Forecasts the clean demand of every SKU in the workspace, daily or weekly (Monday weeks, only
 * complete ones). Closed days count as zero demand, suspected stock-out and missing days as
 * unknown (the models carry the last value over them).
 */
export async function forecastWorkspace(ws: Workspace, o: ForecastOptions): Promise<ForecastSummary> {
  const { h } = checkForecastOptions(o);
  if (o.model === 'global' || o.model === 'ensemble') {
    if (o.freq !== 'day') throw new InputError(`forecast: the ${o.model} model forecasts daily demand; use --freq day`);
    const panel = await loadPanel(ws, o.asOf, h);
    const threads = o.threads === undefined ? {} : { threads: o.threads };
    const model = await trainGlobal(panel, { h, levels: DEFAULT_LEVELS, ...threads });
    await saveGlobalModel(ws, model, new Date(panel.lastDay).toISOString().slice(0, 10), h);
    const global: NonNullable<ForecastSummary['global']> = { train_rows: model.rows.train, valid_rows: model.rows.valid, training_seconds: model.seconds };
    let fc: BatchForecast;
    if (o.model === 'ensemble') {
      const e = await forecastEnsemble(panel, model, h, DEFAULT_LEVELS, o.threads);
      fc = e.forecast;
      global.ensemble_weight_mean = e.weights.mean;
      global.ensemble_weight_quantiles = e.weights.quantiles;
    } else fc = forecastGlobal(panel, model, h);
    const input: ForecastInput = { ids: panel.ids, starts: panel.starts, values: panel.units, withTime: false, rejected: 0 };
    writeForecasts(o.out, input, fc, 'day');
    return { series: panel.ids.length, horizon: h, season_length: 7, model: o.model, models_used: modelsUsed(fc), fallbacks: fc.fallbacks, rows_rejected: 0, out: o.out, global };
  }
  return runForecast(await workspaceSeries(ws, o.freq, o.asOf), o);
}

/** The workspace's demand series per SKU, daily or in complete Monday weeks, up to `asOf`. */
export async function workspaceSeries(ws: Workspace, freq: ForecastOptions['freq'], asOfText?: string): Promise<ForecastInput> {
  const o = { freq, asOf: asOfText };
  if (o.freq !== 'day' && o.freq !== 'week') throw new InputError(`the workspace has daily demand; --freq must be day or week`);
  await ensureCleanTables(ws);
  const asOf = asOfDateSql(o.asOf, '--as-of');
  const value = `CASE WHEN closed THEN 0 WHEN stockout OR missing THEN NULL ELSE units END`;
  const sql =
    o.freq === 'day'
      ? `SELECT sku, date::VARCHAR AS period, ${value} AS v FROM daily_demand WHERE date <= ${asOf} ORDER BY sku, date`
      : `SELECT sku, period::VARCHAR AS period, v FROM (
           SELECT sku, date_trunc('week', date)::DATE AS period, CASE WHEN count(v) = 0 THEN NULL ELSE sum(v) END AS v,
             max(date) AS last_day, count(*) AS days
           FROM (SELECT sku, date, ${value} AS v FROM daily_demand WHERE date <= ${asOf}) GROUP BY sku, period)
         WHERE period + INTERVAL 6 DAY <= (SELECT least(max(date), ${asOf}) FROM daily_demand) ORDER BY sku, period`;
  const rows = await ws.all(sql);
  const ids: string[] = [];
  const starts: number[] = [];
  const values: Float64Array[] = [];
  let cur: number[] = [];
  for (let i = 0; i <= rows.length; i++) {
    const r = rows[i];
    if (i === rows.length || r!['sku'] !== ids[ids.length - 1]) {
      if (ids.length > 0) values.push(Float64Array.from(cur));
      if (i === rows.length) break;
      ids.push(r!['sku'] as string);
      starts.push(periodTime(r!['period'] as string));
      cur = [];
    }
    const v = r!['v'];
    cur.push(v === null ? NaN : (v as number));
  }
  if (ids.length === 0) throw new InputError(`the workspace has no demand${o.asOf === undefined ? '' : ` up to ${o.asOf}`}`);
  return { ids, starts, values, withTime: false, rejected: 0 };
}
