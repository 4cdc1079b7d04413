/**
 * Why the global model forecasts what it does for one SKU and day: exact TreeSHAP contributions
 * of every feature to the mean model's score (gbdt/shap.ts). The score is on the log scale
 * (Tweedie objective) of demand relative to the SKU's level, so each contribution is a factor on
 * the forecast: the forecast is the SKU's level times the model's average day times the product
 * of the factors.
 */
import { featureImportance } from '../gbdt/learner.js';
import { explainRow } from '../gbdt/shap.js';
import { DAY_MS, dayMs, isoDate } from '../numerics/calendar.js';
import { closeForecastDaysInPlace } from '../engine/closed-forecast.js';
import { F, FEATURE_NAMES, skuStats, writeFeatures } from './features.js';
import { type GlobalModel, forecastGlobal } from './global-model.js';
import type { Panel } from './panel.js';

export const FEATURE_WORDS: Record<(typeof FEATURE_NAMES)[number], string> = {
  horizon: 'days ahead of the forecast origin',
  weekday: 'day of the week (0 = Monday)',
  day_of_month: 'day of the month',
  month: 'month',
  day_of_year: 'day of the year',
  last_day: 'units sold on the last day before the origin',
  mean_7: 'mean units per day over the last 7 days',
  mean_28: 'mean units per day over the last 28 days',
  mean_91: 'mean units per day over the last 91 days',
  mean_all: 'mean units per day over the whole history',
  sd_28: 'day-to-day spread over the last 28 days',
  zero_share_28: 'share of days without a sale over the last 28 days',
  days_since_sale: 'days since the last sale',
  same_weekday_4: 'mean of the last 4 values on the same weekday',
  last_year_week: 'mean units per day in the same week a year earlier',
  age_days: 'days since the first sale',
  price_last: 'last selling price',
  price_ratio: 'last price over the usual price',
  promo: 'promotion on the day',
  closed: 'shop closed on the day',
  promo_share_28: 'share of promotion days over the last 28 days',
  trend_28_91: 'recent trend (28-day over 91-day mean)',
  level: "the SKU's level: mean units per day over the last 91 days (demand features are relative to it)",
  q50_35: 'median units per open day over the last 35 open days',
  q75_35: 'upper quartile of units per open day over the last 35 open days',
  q95_35: '95th percentile of units per open day over the last 35 open days',
  q75_14: 'upper quartile of units per open day over the last 14 open days',
  q95_14: '95th percentile of units per open day over the last 14 open days',
  sale_size_91: 'mean units on a day with a sale over the last 91 days',
};

/** One feature's part in a forecast: its value for the (SKU, day) and its TreeSHAP contribution. */
export interface Driver {
  /** the feature's name, e.g. `mean_28` */
  feature: string;
  /** what the feature is, in words */
  meaning: string;
  /** the feature's value (4 decimals), null when missing */
  value: number | null;
  /** contribution to the log score */
  effect: number;
  /** the factor it puts on the forecast, exp(effect) */
  factor: number;
}

/**
 * Why the global model forecasts what it does for one SKU on one day: forecast = baseline × the
 * product of the drivers' factors.
 */
export interface SkuExplanation {
  sku: string;
  /** the forecast day, `YYYY-MM-DD` */
  date: string;
  /** the model's as-of date: the last day of data it was trained on */
  as_of: string;
  /**
   * the mean forecast, units that day, as forecasts.csv has it: 0 when the shop is closed that day, else the model's
   * forecast plus this day's share of the demand of the week's closed days (engine/closed-forecast.ts)
   */
  forecast: number;
  /** the shop is known to be closed that day (a closed weekday or a holiday) */
  closed: boolean;
  /** the model's own forecast, before the closed-day rule: baseline × the drivers' factors */
  model_forecast: number;
  /** the model's average day at this SKU's level: level × exp(base score) */
  baseline: number;
  /** every feature, largest |effect| first */
  drivers: Driver[];
  /** each feature's share of the mean model's total split gain (global, not for this forecast) */
  importance: { feature: string; share: number }[];
}

/** A request that cannot be explained: the SKU has no demand, or the day lies outside the forecast window. */
export class ExplainError extends Error {
  override name = 'ExplainError';
  constructor(
    message: string,
    readonly field: 'sku' | 'date',
  ) {
    super(message);
  }
}

/**
 * Explanations of several (SKU, day) forecasts of a global model trained as of `asOf` for
 * `horizon` days, on the panel it was trained on (its last day the model's as-of date).
 * @example const [e] = explainForecasts({ model, asOf: '2011-10-07', horizon: 28 }, panel, [{ sku: '85123A' }]);
 */
export function explainForecasts(
  stored: { model: GlobalModel; asOf: string; horizon: number },
  panel: Panel,
  requests: readonly { sku: string; date?: string }[],
): SkuExplanation[] {
  const index = new Map(panel.ids.map((id, i) => [id, i]));
  const imp = featureImportance(stored.model.mean);
  const total = imp.reduce((acc, r) => acc + r.gain, 0);
  const importance = imp.map((r) => ({ feature: r.feature, share: total > 0 ? r.gain / total : 0 }));
  const X = new Float32Array(F);
  return requests.map(({ sku, date: dateText }) => {
    const s = index.get(sku);
    if (s === undefined)
      throw new ExplainError(`explain: SKU '${sku}' has no demand in the workspace up to ${stored.asOf}`, 'sku');
    const T = panel.units[s]!.length - 1;
    const first = panel.lastDay + DAY_MS;
    const day = dateText === undefined ? first : dayMs(dateText.slice(0, 10));
    if (Number.isNaN(day)) throw new ExplainError(`explain: date: unreadable date '${dateText}'`, 'date');
    const k = Math.round((day - panel.lastDay) / DAY_MS);
    if (k < 1 || k > stored.horizon)
      throw new ExplainError(
        `explain: date must lie in the model's forecast window, ${isoDate(first)} ` +
          `to ${isoDate(panel.lastDay + stored.horizon * DAY_MS)}`,
        'date',
      );
    const level = writeFeatures(panel, s, skuStats(panel, s), T, k, X, 1, 0);
    const e = explainRow(stored.model.mean, (f) => X[f]!);
    const drivers: Driver[] = FEATURE_NAMES.map((feature, f) => ({
      feature,
      meaning: FEATURE_WORDS[feature],
      value: Number.isNaN(X[f]!) ? null : Math.round(X[f]! * 1e4) / 1e4,
      effect: e.contributions[f]!,
      factor: Math.exp(e.contributions[f]!),
    })).sort((a, b) => Math.abs(b.effect) - Math.abs(a.effect));
    // the SKU's whole forecast window, for the share of the week's closed days this day carries
    const one: Panel = {
      ids: [sku],
      starts: [panel.starts[s]!],
      units: [panel.units[s]!],
      price: [panel.price[s]!],
      promo: [panel.promo[s]!],
      closed: [panel.closed[s]!],
      lastDay: panel.lastDay,
    };
    const window = forecastGlobal(one, stored.model, stored.horizon);
    const closed = panel.closed[s]!.subarray(T + 1, T + 1 + stored.horizon);
    closeForecastDaysInPlace(window, [closed], first);
    return {
      sku,
      date: isoDate(day),
      as_of: stored.asOf,
      forecast: window.mean[k - 1]!,
      closed: closed[k - 1] === 1,
      model_forecast: level * Math.exp(e.raw),
      baseline: level * Math.exp(e.base),
      drivers,
      importance,
    };
  });
}
