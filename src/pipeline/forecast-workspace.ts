import { InputError } from '../data/errors.js';
import type { BatchForecast } from '../engine/forecast-batch.js';
import { closeForecastDaysInPlace } from '../engine/closed-forecast.js';
import { forecastParallel } from '../engine/parallel-forecast.js';
import { quantileIndex } from '../engine/quantile-view.js';
import { DAY_MS, isoDate } from '../numerics/calendar.js';
import { type SkuDemand, readDemandPanel, readShopClosed } from '../store/demand-panel.js';
import { saveGlobalModel } from '../store/models.js';
import type { Workspace } from '../store/workspace.js';
import type { InventoryPanel } from './inventory-panel.js';
import { forecastEnsemble } from '../global/ensemble.js';
import { forecastGlobal, trainGlobal } from '../global/global-model.js';
import { META_MODEL, forecastMeta, metaBatch } from './forecast-meta.js';
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
import { DEMAND_AUTO } from '../engine/auto-choice.js';

/**
 * The current week when the data ends before its Sunday: partial observed demand, neither dropped
 * nor read as a whole week.
 */
export interface PartWeek {
  /** its Monday, `YYYY-MM-DD` */
  week_start: string;
  /** days of it in the data (1–6, Monday on) */
  days: number;
  /** the share of a week's units the shop sells on those weekdays (its weekday profile over all SKUs) */
  share: number;
  /** each series' units so far this week (same order as `ids`) */
  units: Float64Array;
}

/** Weekly series with the current, incomplete week beside them (`partWeek` asked for and the data ends mid-week). */
export type WeeklyInput = ForecastInput & { partWeek?: PartWeek };

/** What a weekly forecast says of the current week: the first forecast week is it. */
export interface CurrentWeek {
  week_start: string;
  days_observed: number;
  share_of_week: number;
  /** units all SKUs sold in it so far; each SKU's forecast of the week is these plus its remaining days */
  units_sold: number;
  /** SKUs first sold in it (forecast from it alone) */
  new_skus: number;
}

/**
 * Forecasts the clean demand of every SKU in the workspace, daily or weekly (Monday weeks; the
 * current, incomplete week is the first forecast week, its units so far counted, see
 * `forecastWeeks`). Closed days count as zero demand, suspected stock-out and missing days as
 * unknown (the models carry the last value over them). Daily forecasts put nothing on the days
 * the shop is known to be closed (its closed weekdays and holidays): their demand goes to the open
 * days of the same week. Writes forecasts.csv to `o.out`. The
 * `global` and `ensemble` models (daily only) train on the whole panel and store the model for
 * `explainSku`.
 * @example
 * const summary = await forecastWorkspace(ws, { freq: 'week', model: 'auto', out: 'forecasts.csv' });
 * summary.models_used; // how many SKUs each concrete model forecast
 */
export async function forecastWorkspace(
  ws: Workspace,
  o: ForecastOptions,
): Promise<ForecastSummary & { current_week?: CurrentWeek }> {
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
  if (o.freq === 'week') return forecastWeeks(ws, o, h);
  if (o.freq === 'day') return forecastDaily(ws, o);
  const input = await workspaceSeries(ws, o.freq, o.asOf);
  return o.model === META_MODEL ? forecastMeta(input, o) : runForecast(input, o, undefined, DEMAND_ENGINE);
}

/** The workspace's series are a shop's demand, which stock is planned on: `auto` as DEMAND_AUTO. */
const DEMAND_ENGINE = { auto: DEMAND_AUTO };

/**
 * The daily forecast of the statistical engine: as `runForecast`, with the days the shop is known to be closed set
 * to zero and their demand carried by the open days of the same week (engine/closed-forecast.ts).
 */
async function forecastDaily(ws: Workspace, o: ForecastOptions): Promise<ForecastSummary> {
  const { h } = checkForecastOptions(o);
  const input = await workspaceSeries(ws, 'day', o.asOf);
  const lastDay = input.starts[0]! + (input.values[0]!.length - 1) * DAY_MS;
  const closed = await readShopClosed(ws, lastDay + DAY_MS, h);
  const adjust = (fc: BatchForecast): void => {
    closeForecastDaysInPlace(
      fc,
      input.ids.map(() => closed),
      lastDay + DAY_MS,
    );
  };
  return o.model === META_MODEL ? forecastMeta(input, o, adjust) : runForecast(input, o, adjust, DEMAND_ENGINE);
}

/**
 * Weekly forecasts from the complete weeks, the first forecast week being the current one when the
 * data ends mid-week: its forecast is the units already sold plus the forecast of its remaining days
 * (the week's forecast times the share of a week's demand still to come, from the shop's weekday
 * profile), for the mean and every quantile. A SKU first sold this week is forecast from this week
 * alone, read as a whole week (units / share): too little history for more.
 */
async function forecastWeeks(
  ws: Workspace,
  o: ForecastOptions,
  h: number,
): Promise<ForecastSummary & { current_week?: CurrentWeek }> {
  const input = await workspaceSeries(ws, 'week', o.asOf, { partWeek: true });
  const { m } = checkForecastOptions(o);
  const pw = input.partWeek;
  const share = pw === undefined ? 1 : pw.share;
  let fresh = 0;
  const engineValues = input.values.map((v, i) => {
    if (v.length > 0 || pw === undefined) return v;
    fresh++;
    return Float64Array.of(share > 0 ? pw.units[i]! / share : pw.units[i]!);
  });
  const fc =
    o.model === META_MODEL
      ? metaBatch(input.ids, engineValues, {
          h,
          m,
          levels: DEFAULT_LEVELS,
          ...(o.onProgress === undefined ? {} : { onProgress: o.onProgress }),
        }).fc
      : await forecastParallel(
          { ids: input.ids, series: engineValues },
          { model: o.model, h, levels: DEFAULT_LEVELS, seasonLength: m, nonNegative: true, ...DEMAND_ENGINE },
          o.threads,
          o.onProgress,
        );
  let sold = 0;
  if (pw !== undefined)
    for (let i = 0; i < input.ids.length; i++) {
      const u = pw.units[i]!;
      sold += u;
      fc.mean[i * h] = u + (1 - share) * fc.mean[i * h]!;
      for (let l = 0; l < fc.levels.length; l++) {
        const k = quantileIndex(fc, i, l, 0);
        fc.quantiles[k] = u + (1 - share) * fc.quantiles[k]!;
      }
    }
  writeForecasts(o.out, input, fc, 'week');
  return {
    series: input.ids.length,
    horizon: h,
    season_length: m,
    model: o.model,
    models_used: modelsUsed(fc),
    fallbacks: fc.fallbacks,
    rows_rejected: 0,
    out: o.out,
    ...(pw === undefined
      ? {}
      : {
          current_week: {
            week_start: pw.week_start,
            days_observed: pw.days,
            share_of_week: pw.share,
            units_sold: sold,
            new_skus: fresh,
          },
        }),
  };
}

/** What `workspaceSeries` takes of a daily panel read before (a plan's). */
export type ReadPanel = Pick<InventoryPanel, 'ids' | 'firstDay' | 'days' | 'clean' | 'first'>;

/** A panel's first and last day (ms, UTC midnight). */
interface Calendar {
  firstDay: number;
  lastDay: number;
}

/** A panel's days as Monday weeks: its last day (days from the first), each day's weekday, the current week's days. */
interface WeekCalendar {
  lastDay: number;
  /** 0 = Monday */
  weekday: (day: number) => number;
  /** days of the current week in the data (0: the data ends on a Sunday), from `partFrom` */
  partDays: number;
  partFrom: number;
}

/** The WeekCalendar of a panel from its first and last day (ms, UTC midnight). */
function weekCalendar(firstDay: number, lastDayMs: number): WeekCalendar {
  const lastDay = Math.round((lastDayMs - firstDay) / DAY_MS);
  const weekday = (day: number): number => (((Math.floor(firstDay / DAY_MS) + day + 3) % 7) + 7) % 7;
  const partDays = (weekday(lastDay) + 1) % 7;
  return { lastDay, weekday, partDays, partFrom: lastDay - partDays + 1 };
}

/** Adds a SKU's known days to the shop's units per weekday (0 = Monday), by the panel's calendar. */
function addWeekdays(byDay: Float64Array, weeks: WeekCalendar, s: { first: number; clean: Float64Array }): void {
  for (let k = 0; k < s.clean.length; k++) {
    const v = s.clean[k]!;
    const wd = weeks.weekday(s.first + k);
    if (Number.isFinite(v)) byDay[wd] = byDay[wd]! + v;
  }
}

/** The share of a week's units sold on each weekday, from the units per weekday over all SKUs (`addWeekdays`). */
function weekdayShares(byDay: Float64Array): Float64Array {
  let total = 0;
  for (const v of byDay) total += v;
  // a shop with no sales at all: every weekday alike
  return byDay.map((v) => (total > 0 ? v / total : 1 / 7));
}

/**
 * The workspace's demand series per SKU, daily or in Monday weeks, up to `asOf` (the one demand
 * reader: closed days 0, stock-out and missing days unknown). A week's demand is the sum of its
 * known days, unknown when none is known. `starts` are ms since the epoch (UTC midnight).
 *
 * Weekly series hold complete weeks. The data's first week, when the data starts after its Monday,
 * is read as a whole week: its units over the share of a week's demand the shop sells on the days it
 * has (its weekday profile), not as a short week. The current week, when the data ends before its
 * Sunday, is not a whole week: with `partWeek` it comes beside the series (`partWeek`: its days, that
 * share and each SKU's units so far), and a SKU first sold in it is listed with no complete week
 * (an empty series starting that Monday); without, it is left out, as are such SKUs.
 * Weekly series are made as each SKU is read (its daily series not kept: at 100,000 SKUs they were 584 MB beside a
 * plan's panel); the first week's scaling, which needs every SKU's weekday profile, is applied at the end.
 * @example const { ids, values, partWeek } = await workspaceSeries(ws, 'week', '2011-11-30', { partWeek: true });
 */
export async function workspaceSeries(
  ws: Workspace,
  freq: ForecastOptions['freq'],
  asOf?: string,
  o: {
    partWeek?: boolean;
    /**
     * the daily panel as a plan read it up to the same `asOf` (`loadInventoryPanel`: every SKU with sales, its clean
     * series from its first day): taken instead of reading the workspace's demand again
     */
    panel?: ReadPanel;
  } = {},
): Promise<WeeklyInput> {
  if (freq !== 'day' && freq !== 'week')
    throw new InputError(`the workspace has daily demand; freq must be day or week`, { field: 'freq' });
  const ids: string[] = [];
  const starts: number[] = [];
  const values: Float64Array[] = [];
  const partUnits: number[] = [];
  const byDay = new Float64Array(7);
  // the SKUs (by index in `values`) whose first week starts before the data: scaled by the weekday profile at the end
  const scaleFirst: number[] = [];
  // the panel's weeks, the same for every SKU: made from the calendar the first SKU comes with
  let weeksOf: WeekCalendar | undefined;
  const onSku = (s: Pick<SkuDemand, 'sku' | 'first' | 'clean'>, calendar: Calendar): void => {
    if (freq === 'day') {
      ids.push(s.sku);
      starts.push(calendar.firstDay + s.first * DAY_MS);
      values.push(s.clean);
      return;
    }
    weeksOf ??= weekCalendar(calendar.firstDay, calendar.lastDay);
    addWeekdays(byDay, weeksOf, s);
    const { lastDay, weekday, partDays, partFrom } = weeksOf;
    // Monday weeks (1970-01-01 was a Thursday), the complete ones by the last day
    const firstWeek = s.first - weekday(s.first);
    const weeks: number[] = [];
    const sumDays = (from: number, to: number): { sum: number; known: number } => {
      let sum = 0;
      let known = 0;
      for (let d = Math.max(from, s.first); d <= to; d++) {
        const v = s.clean[d - s.first]!;
        if (Number.isNaN(v)) continue;
        sum += v;
        known++;
      }
      return { sum, known };
    };
    for (let w = firstWeek; w + 6 <= lastDay; w += 7) {
      const { sum, known } = sumDays(w, w + 6);
      weeks.push(known === 0 ? NaN : sum);
    }
    const part = partDays > 0 ? sumDays(partFrom, lastDay).sum : 0;
    if (weeks.length === 0 && !(o.partWeek && partDays > 0)) return;
    // a week the data starts inside (before day 0): its days over their share of a week, once the shares are known
    if (firstWeek < 0 && weeks.length > 0 && !Number.isNaN(weeks[0]!)) scaleFirst.push(values.length);
    ids.push(s.sku);
    starts.push(calendar.firstDay + firstWeek * DAY_MS);
    values.push(Float64Array.from(weeks));
    partUnits.push(part);
  };
  // the SKUs of a panel read before (a plan's: the same reader, the same as-of), else read here
  const given = o.panel;
  const panel: Calendar =
    given === undefined
      ? await readDemandPanel(ws, { ...(asOf === undefined ? {} : { asOf }), onSku })
      : { firstDay: given.firstDay, lastDay: given.firstDay + (given.days - 1) * DAY_MS };
  if (given !== undefined)
    given.ids.forEach((sku, i) => {
      const first = given.first[i]!;
      onSku({ sku, first, clean: given.clean[i]!.subarray(first) }, panel);
    });
  if (ids.length === 0)
    throw new InputError(`the workspace has no demand${asOf === undefined ? '' : ` up to ${asOf}`}`);
  const input: WeeklyInput = { ids, starts, values, withTime: false, rejected: 0 };
  if (freq === 'day') return input;
  const { lastDay, weekday, partDays, partFrom } = weeksOf ?? weekCalendar(panel.firstDay, panel.lastDay);
  const shares = weekdayShares(byDay);
  const shareOf = (from: number, to: number): number => {
    let x = 0;
    for (let d = from; d <= to; d++) x += shares[weekday(d)]!;
    return x;
  };
  // the first week's share when the data starts after a Monday; the current week's days when it ends before a Sunday
  const firstShare = shareOf(0, 6 - weekday(0));
  if (firstShare > 0) for (const i of scaleFirst) values[i]![0] = values[i]![0]! / firstShare;
  if (o.partWeek && partDays > 0)
    input.partWeek = {
      week_start: isoDate(panel.firstDay + partFrom * DAY_MS),
      days: partDays,
      share: shareOf(partFrom, lastDay),
      units: Float64Array.from(partUnits),
    };
  return input;
}
