/**
 * Forecast monitoring in SQL: stored forecasts (`forecast_runs`, `forecast_skus`, `forecast_values`) joined with the
 * actuals they forecast (`daily_demand.units`), and the model roles in `meta`.
 *
 * A day is scored when its demand is known: `units` not NULL (closed days and days a daily-sales file lacks are
 * NULL), not a suspected stock-out (`stockout`: a zero that is lost sales, not demand), and within the data (a day
 * after the last day of data has no `daily_demand` row). The MASE scale of a forecast is the in-sample mean absolute
 * seasonal difference (lag MASE_SEASON = 7) of its SKU's demand over the 365 days up to and including the run's
 * origin: mean |y_t − y_{t−7}| over the days t in (origin − 365, origin] where both days are scored days
 * (Hyndman & Koehler 2006, "Another look at measures of forecast accuracy", IJF 22(4)).
 */
import { derivedTablesExist } from './clean.js';
export { lastDemandDay } from './launches.js';
import { type Sql, joinSql, raw, sql } from './sql.js';
import type { Workspace } from './workspace.js';

/** The seasonal lag of the MASE scale (days: a week). */
export const MASE_SEASON = 7;
/** Days of history before a run's origin that its MASE scale is measured over. */
export const MASE_SCALE_DAYS = 365;

/** The quantile columns of `forecast_values` with their levels, lowest first. */
export const QUANTILE_COLUMNS: readonly { column: string; level: number }[] = [
  { column: 'p005', level: 0.005 },
  { column: 'p05', level: 0.05 },
  { column: 'p25', level: 0.25 },
  { column: 'p50', level: 0.5 },
  { column: 'p75', level: 0.75 },
  { column: 'p95', level: 0.95 },
  { column: 'p995', level: 0.995 },
];

/** A day whose demand is known (see the module comment), for `daily_demand` aliased `dd`. */
const SCORED_DAY = raw('dd.units IS NOT NULL AND NOT dd.closed AND NOT dd.stockout');

/**
 * Pinball loss summed over the stored quantile levels of a row with actual `actual` (NULL quantiles skipped), and the
 * number of levels summed: ρ_τ(y − q) = τ (y − q) if y ≥ q, else (1 − τ)(q − y) (the quantile score of Gneiting &
 * Raftery 2007, "Strictly proper scoring rules, prediction, and estimation", JASA 102(477), §6, halved).
 */
const PINBALL_SUM = raw(
  QUANTILE_COLUMNS.map(
    ({ column: q, level: t }) =>
      `coalesce(CASE WHEN actual >= ${q} THEN ${t} * (actual - ${q}) ELSE ${1 - t} * (${q} - actual) END, 0)`,
  ).join(' + '),
);
const PINBALL_N = raw(QUANTILE_COLUMNS.map(({ column }) => `(${column} IS NOT NULL)::INTEGER`).join(' + '));

/** The share of rows inside [lo, hi] among those with both bounds (NULL when none has). */
function coverageOf(lo: string, hi: string): Sql {
  return raw(
    `avg(CASE WHEN ${lo} IS NOT NULL AND ${hi} IS NOT NULL THEN (actual >= ${lo} AND actual <= ${hi})::DOUBLE END)`,
  );
}

/**
 * The MASE scale per SKU and day (`scale_days`: sku, date, scale) for the SKUs in `skus` (a query with a `sku`
 * column): mean |y_t − y_{t−7}| over the scored days t in the 365 days up to and including that day (module comment).
 * A CTE body.
 */
function scaleByDay(skus: Sql): Sql {
  return sql`SELECT a.sku, a.date,
      avg(CASE WHEN a.units IS NOT NULL AND NOT a.closed AND NOT a.stockout
               AND b.units IS NOT NULL AND NOT b.closed AND NOT b.stockout THEN abs(a.units - b.units) END)
        OVER (PARTITION BY a.sku ORDER BY a.date
              RANGE BETWEEN INTERVAL ${raw(String(MASE_SCALE_DAYS - 1))} DAYS PRECEDING AND CURRENT ROW) AS scale
    FROM daily_demand a
    LEFT JOIN daily_demand b ON b.sku = a.sku AND b.date = a.date - ${raw(String(MASE_SEASON))}
    WHERE a.sku IN (${skus})`;
}

/** Filters of `readAccuracy`. */
export interface AccuracyFilter {
  role?: 'champion' | 'challenger';
  source?: 'plan' | 'live' | 'backtest';
  runId?: number;
  sku?: string;
  /** first and last forecast date scored (YYYY-MM-DD) */
  from?: string;
  to?: string;
  maxStep?: number;
}

/** Accuracy of one group of scored forecasts (see `readAccuracy`). */
export interface AccuracyRow {
  /** the group: run id, SKU, ABC-XYZ class (`AX`…, `unclassified`), step, or the Monday of the week */
  key: string;
  /** forecasts scored (SKU × day × run) */
  n: number;
  /** Σ actual units */
  actual: number;
  /** Σ|a − f| / Σa (null when Σa = 0) */
  wape: number | null;
  /** mean of |a − f| / scale over the forecasts whose scale is > 0 (null when none) */
  mase: number | null;
  /** Σ(f − a) / Σa: positive = over-forecast (null when Σa = 0) */
  bias: number | null;
  /** mean pinball loss over every stored (forecast, quantile level), in units */
  pinball: number | null;
  /** share of actuals inside p25–p75, p05–p95, p005–p995 (null when no forecast has that band) */
  coverage50: number | null;
  coverage90: number | null;
  coverage99: number | null;
}

const GROUP_KEYS = {
  run: { key: raw('v.run_id::VARCHAR'), order: raw('min(v.run_id)') },
  sku: { key: raw('v.sku'), order: raw('key') },
  class: { key: raw(`coalesce(st.abc || st.xyz, 'unclassified')`), order: raw('key') },
  step: { key: raw('v.step::VARCHAR'), order: raw('min(v.step)') },
  week: { key: raw(`date_trunc('week', v.date)::DATE::VARCHAR`), order: raw('key') },
} as const;

/**
 * Accuracy of the stored forecasts against the actuals, grouped `by` run, SKU, ABC-XYZ class (`sku_state`), horizon
 * step or week of the forecast date (weeks start on Monday). With f the forecast mean, a the actual, over the scored
 * days (module comment):
 *   WAPE = Σ|a − f| / Σa;  bias = Σ(f − a) / Σa;  MASE = mean(|a − f| / s), s the forecast's MASE scale (module
 *   comment; forecasts with s = 0 or no s left out: a constant or too short history has no scale);
 *   pinball = Σ ρ_τ(a − q_τ) / count over the stored (forecast, level) pairs, τ in 0.005…0.995 (`PINBALL_SUM`);
 *   coverage = share of a inside [p25, p75] (50 %), [p05, p95] (90 %), [p005, p995] (99 %).
 * One query; O(forecast values matched + days of history of the SKUs scored).
 */
export async function readAccuracy(
  ws: Workspace,
  by: keyof typeof GROUP_KEYS,
  f: AccuracyFilter = {},
): Promise<AccuracyRow[]> {
  const runs: Sql[] = [sql`TRUE`];
  if (f.role !== undefined) runs.push(sql`role = ${f.role}`);
  if (f.source !== undefined) runs.push(sql`source = ${f.source}`);
  if (f.runId !== undefined) runs.push(sql`run_id = ${f.runId}::INTEGER`);
  const values: Sql[] = [sql`fv.mean IS NOT NULL`, SCORED_DAY];
  if (f.sku !== undefined) values.push(sql`fv.sku = ${f.sku}`);
  if (f.from !== undefined) values.push(sql`fv.date >= ${f.from}::DATE`);
  if (f.to !== undefined) values.push(sql`fv.date <= ${f.to}::DATE`);
  if (f.maxStep !== undefined) values.push(sql`fv.step <= ${f.maxStep}::INTEGER`);
  const g = GROUP_KEYS[by];
  if (!(await derivedTablesExist(ws))) return [];
  const rows = await ws.all<AccuracyRow>(sql`
    WITH r AS (SELECT run_id, origin FROM forecast_runs WHERE ${joinSql(runs, ' AND ')}),
    v AS (
      SELECT fv.*, r.origin, dd.units AS actual
      FROM forecast_values fv JOIN r USING (run_id)
      JOIN daily_demand dd ON dd.sku = fv.sku AND dd.date = fv.date
      WHERE ${joinSql(values, ' AND ')}),
    scale_days AS (${scaleByDay(sql`SELECT DISTINCT sku FROM v`)}),
    x AS (
      SELECT v.*, s.scale, ${PINBALL_SUM} AS pin_sum, ${PINBALL_N} AS pin_n
      FROM v LEFT JOIN scale_days s ON s.sku = v.sku AND s.date = v.origin)
    SELECT ${g.key} AS key, count(*)::INTEGER AS n, sum(actual)::DOUBLE AS actual,
      sum(abs(actual - mean)) / nullif(sum(actual), 0) AS wape,
      avg(abs(actual - mean) / scale) FILTER (WHERE scale > 0) AS mase,
      sum(mean - actual) / nullif(sum(actual), 0) AS bias,
      sum(pin_sum) / nullif(sum(pin_n), 0) AS pinball,
      ${coverageOf('p25', 'p75')} AS coverage50, ${coverageOf('p05', 'p95')} AS coverage90,
      ${coverageOf('p005', 'p995')} AS coverage99
    FROM x v LEFT JOIN sku_state st ON st.sku = v.sku
    GROUP BY 1 ORDER BY ${g.order}, key`);
  return rows.map((r) => ({ ...r, key: String(r.key), n: Number(r.n) }));
}

/**
 * The "latest forecast" of each SKU and day in (from, to]: among the champion's live and plan runs, the value for
 * that day of the run with the latest origin before it (the latest run on ties) — what the merchant had on the
 * morning of that day; step 1 when the SKU is re-forecast every day. A CTE list ending in `lf` (sku, date, step,
 * run_id, origin, mean, p005…p995) joined with the day's demand row `dd`: callers filter on the day.
 */
function latestForecasts(from: string, to: string): Sql {
  return sql`r AS (SELECT run_id, origin FROM forecast_runs WHERE role = 'champion' AND source <> 'backtest'),
    lf AS (
      SELECT fv.*, r.origin FROM forecast_values fv JOIN r USING (run_id)
      WHERE fv.date > ${from}::DATE AND fv.date <= ${to}::DATE AND fv.date > r.origin AND fv.mean IS NOT NULL
      QUALIFY row_number() OVER (PARTITION BY fv.sku, fv.date ORDER BY r.origin DESC, fv.run_id DESC) = 1)`;
}

/** One SKU's live accuracy over a window of latest forecasts (see `readLiveAccuracy`). */
export interface LiveAccuracy {
  sku: string;
  /** days scored */
  n: number;
  /** Σ(a − f): cumulative forecast error (positive: under-forecast) */
  cfe: number;
  /** mean |a − f| */
  mad: number;
  /** share of actuals inside p05–p95 (null when no forecast has that band), and the days with one */
  coverage90: number | null;
  coverage_n: number;
  /** mean |a − f| / s over the days with a scale s > 0 (null when none) */
  mase: number | null;
  /** mean of the runs' backtest MASE (`forecast_skus.backtest_mase`) over the days scored (null when unknown) */
  backtest_mase: number | null;
}

/**
 * Per SKU, the accuracy of its latest forecasts (`latestForecasts`) for the scored days in (from, to]: what the
 * tracking signal, coverage and drift alerts are computed from.
 */
export async function readLiveAccuracy(ws: Workspace, from: string, to: string): Promise<LiveAccuracy[]> {
  if (!(await derivedTablesExist(ws))) return [];
  const rows = await ws.all<LiveAccuracy>(sql`
    WITH ${latestForecasts(from, to)},
    v AS (
      SELECT lf.*, dd.units AS actual FROM lf JOIN daily_demand dd ON dd.sku = lf.sku AND dd.date = lf.date
      WHERE ${SCORED_DAY}),
    scale_days AS (${scaleByDay(sql`SELECT DISTINCT sku FROM v`)})
    SELECT v.sku, count(*)::INTEGER AS n, sum(actual - mean) AS cfe, avg(abs(actual - mean)) AS mad,
      ${coverageOf('p05', 'p95')} AS coverage90,
      count(*) FILTER (WHERE p05 IS NOT NULL AND p95 IS NOT NULL)::INTEGER AS coverage_n,
      avg(abs(actual - mean) / s.scale) FILTER (WHERE s.scale > 0) AS mase,
      avg(fs.backtest_mase) AS backtest_mase
    FROM v LEFT JOIN scale_days s ON s.sku = v.sku AND s.date = v.origin
    LEFT JOIN forecast_skus fs ON fs.run_id = v.run_id AND fs.sku = v.sku
    GROUP BY v.sku ORDER BY v.sku`);
  return rows.map((r) => ({ ...r, n: Number(r.n), coverage_n: Number(r.coverage_n) }));
}

/** A day whose actual fell outside the 99 % band of its latest forecast, with what the data says about it. */
export interface BandBreach {
  sku: string;
  date: string;
  step: number;
  run_id: number;
  actual: number;
  mean: number;
  p005: number;
  p995: number;
  stockout: boolean;
  promo: boolean | null;
  price: number | null;
  /** median daily price of the SKU over the 90 days before (null when none was recorded) */
  usual_price: number | null;
  outlier_capped: boolean;
  /** order lines of the day (sales): their count, units and the largest line's units */
  lines: number;
  line_units: number | null;
  largest_line: number | null;
  /** the latest stock snapshot of the SKU dated on or before the day: its on-hand and date (null: none) */
  on_hand: number | null;
  stock_date: string | null;
}

/** Days before a breach over which the SKU's usual price is its median daily price. */
export const USUAL_PRICE_DAYS = 90;

/**
 * The days in (from, to] whose actual lies outside [p005, p995] of the day's latest forecast (`latestForecasts`),
 * stock-out days included (a stock-out is a cause), closed and missing days not; with the evidence for a cause.
 */
export async function readBandBreaches(ws: Workspace, from: string, to: string): Promise<BandBreach[]> {
  if (!(await derivedTablesExist(ws))) return [];
  const rows = await ws.all<BandBreach>(sql`
    WITH ${latestForecasts(from, to)}
    SELECT lf.sku, lf.date::VARCHAR AS date, lf.step::INTEGER AS step, lf.run_id::INTEGER AS run_id,
      dd.units AS actual, lf.mean, lf.p005, lf.p995, dd.stockout, dd.promo, dd.price,
      (SELECT median(u.price) FROM daily_demand u WHERE u.sku = lf.sku AND u.price IS NOT NULL
        AND u.date < lf.date AND u.date >= lf.date - ${raw(String(USUAL_PRICE_DAYS))}) AS usual_price,
      dd.outlier_capped,
      (SELECT count(*) FROM order_lines o WHERE o.sku = lf.sku AND o.date = lf.date AND o.status = 'sale')::INTEGER
        AS lines,
      (SELECT sum(o.quantity) FROM order_lines o WHERE o.sku = lf.sku AND o.date = lf.date AND o.status = 'sale')
        AS line_units,
      (SELECT max(o.quantity) FROM order_lines o WHERE o.sku = lf.sku AND o.date = lf.date AND o.status = 'sale')
        AS largest_line,
      (SELECT s.on_hand FROM raw_stock s WHERE s.sku = lf.sku AND s.date <= lf.date
        ORDER BY s.date DESC, s.file_id DESC, s.line DESC LIMIT 1) AS on_hand,
      (SELECT max(s.date) FROM raw_stock s WHERE s.sku = lf.sku AND s.date <= lf.date)::VARCHAR AS stock_date
    FROM lf JOIN daily_demand dd ON dd.sku = lf.sku AND dd.date = lf.date
    WHERE dd.units IS NOT NULL AND NOT dd.closed AND lf.p005 IS NOT NULL AND lf.p995 IS NOT NULL
      AND (dd.units < lf.p005 OR dd.units > lf.p995)
    ORDER BY lf.date, lf.sku`);
  return rows.map((r) => ({ ...r, lines: Number(r.lines) }));
}

/** One day's step-1 errors of both roles, averaged over the SKUs both forecast for it (see `readRolePairs`). */
export interface RolePairWeek {
  /** Monday of the week */
  week: string;
  n: number;
  actual: number;
  champion_wape: number | null;
  challenger_wape: number | null;
  champion_mase: number | null;
  challenger_mase: number | null;
  champion_bias: number | null;
  challenger_bias: number | null;
}

/** The same figures over the whole window. */
export type RolePairTotal = Omit<RolePairWeek, 'week'>;

/** Per day, the mean absolute step-1 error of each role over the SKUs both forecast that day. */
export interface RolePairDay {
  date: string;
  skus: number;
  champion_mae: number;
  challenger_mae: number;
}

/**
 * Champion against challenger on the SAME (SKU, day, step) pairs in (from, to]: for each role and pair the value of
 * its latest live or plan run with that pair (highest run id), both joined with the scored actual. Weekly and total
 * WAPE, MASE, bias of each (as `readAccuracy`), and per day the step-1 mean absolute errors (for the DM test).
 */
export async function readRolePairs(
  ws: Workspace,
  from: string,
  to: string,
): Promise<{ weekly: RolePairWeek[]; total: RolePairTotal; daily: RolePairDay[] }> {
  const pairs = sql`
    WITH r AS (SELECT run_id, origin, role FROM forecast_runs
      WHERE role IN ('champion', 'challenger') AND source <> 'backtest'),
    f AS (
      SELECT fv.sku, fv.date, fv.step, fv.mean, r.role, r.origin FROM forecast_values fv JOIN r USING (run_id)
      WHERE fv.date > ${from}::DATE AND fv.date <= ${to}::DATE AND fv.mean IS NOT NULL
      QUALIFY row_number() OVER (PARTITION BY r.role, fv.sku, fv.date, fv.step ORDER BY fv.run_id DESC) = 1),
    p AS (
      SELECT c.sku, c.date, c.step, c.origin, c.mean AS f1, g.mean AS f2, dd.units AS actual
      FROM f c JOIN f g ON g.sku = c.sku AND g.date = c.date AND g.step = c.step AND g.role = 'challenger'
      JOIN daily_demand dd ON dd.sku = c.sku AND dd.date = c.date
      WHERE c.role = 'champion' AND ${SCORED_DAY}),
    scale_days AS (${scaleByDay(sql`SELECT DISTINCT sku FROM p`)}),
    x AS (SELECT p.*, s.scale FROM p LEFT JOIN scale_days s ON s.sku = p.sku AND s.date = p.origin)`;
  const figures = raw(`count(*)::INTEGER AS n, coalesce(sum(actual), 0)::DOUBLE AS actual,
      sum(abs(actual - f1)) / nullif(sum(actual), 0) AS champion_wape,
      sum(abs(actual - f2)) / nullif(sum(actual), 0) AS challenger_wape,
      avg(abs(actual - f1) / scale) FILTER (WHERE scale > 0) AS champion_mase,
      avg(abs(actual - f2) / scale) FILTER (WHERE scale > 0) AS challenger_mase,
      sum(f1 - actual) / nullif(sum(actual), 0) AS champion_bias,
      sum(f2 - actual) / nullif(sum(actual), 0) AS challenger_bias`);
  const weekly = await ws.all<RolePairWeek>(sql`${pairs}
    SELECT date_trunc('week', date)::DATE::VARCHAR AS week, ${figures} FROM x GROUP BY 1 ORDER BY 1`);
  const total = await ws.one<RolePairTotal>(sql`${pairs} SELECT ${figures} FROM x`);
  const daily = await ws.all<RolePairDay>(sql`${pairs}
    SELECT date::VARCHAR AS date, count(*)::INTEGER AS skus, avg(abs(actual - f1)) AS champion_mae,
      avg(abs(actual - f2)) AS challenger_mae
    FROM x WHERE step = 1 GROUP BY date ORDER BY date`);
  const num = <T extends { n: number }>(r: T): T => ({ ...r, n: Number(r.n) });
  return {
    weekly: weekly.map(num),
    total: num(total),
    daily: daily.map((d) => ({ ...d, skus: Number(d.skus) })),
  };
}
