/**
 * What the dashboard reads (issue #20): the Today page's figures (KPIs over `sku_state`, the open alerts by urgency,
 * the purchase orders due by supplier, what changed since the previous plan), the product table as columns, weekly
 * sparklines, and the Data page's ingest history and rejected rows. Read-only; every value from a caller is a bound
 * parameter. The big reads (the table) are one statement whose answer DuckDB writes as JSON itself: no row objects.
 */
import { NO_SUPPLIER, isoTimestamp } from './order-decisions.js';
import { type Sql, joinSql, raw, sql } from './sql.js';
import type { Workspace } from './workspace.js';

/** Days the "next 30 days" figures sum. */
export const FORECAST_DAYS = 30;

/** A figure of sku_state (or any DOUBLE column) with NaN and ±Infinity as NULL: JSON has no such numbers. */
function finite(column: string): Sql {
  return raw(`(CASE WHEN isfinite(${column}) THEN ${column} END)`);
}

/**
 * Σ of each forecast's daily means over the next `days` days, per run and SKU (`run_id, sku, f30`), of the runs
 * `runIds` (a query of run ids); a forecast shorter than that repeats its last day (as forecast_28 does). A CTE body,
 * joined by the caller on both keys (to `sku_state.forecast_run_id, sku`): summed per run and SKU before any join
 * (joining 100,000 SKUs' steps first took four times as long).
 */
function forecastSumSql(days: number, runIds: Sql = sql`SELECT DISTINCT forecast_run_id FROM sku_state`): Sql {
  return sql`SELECT run_id, sku, sum(mean) + greatest(${days}::INTEGER - max(step), 0) * arg_max(mean, step) AS f30
    FROM forecast_values WHERE step <= ${days}::INTEGER AND isfinite(mean) AND run_id IN (${runIds})
    GROUP BY run_id, sku`;
}

/**
 * The forecast sums of `sku_state`'s rows from the forecast runs they were computed from (`run_id, sku, f30`, as
 * forecastSumSql gives them), read cheaply: `forecast_28` is Σ of the run's first 28 means (the last one repeated
 * past a shorter horizon), so only the steps from the 28th (or a shorter run's last) to the `days`th are read — 3 of
 * a 28-day run's rows per SKU instead of all 28 (on 100,000 SKUs: 300,000 rows instead of 2.8 million).
 */
function stateForecastSql(days: number): Sql {
  const runs = sql`SELECT DISTINCT forecast_run_id FROM sku_state`;
  return sql`SELECT s.forecast_run_id AS run_id, s.sku,
      s.forecast_28 + t.extra + (${days}::INTEGER - greatest(t.h, 28)) * t.last AS f30
    FROM sku_state s JOIN (
      SELECT run_id, sku, max(step) AS h, arg_max(mean, step) AS last,
        coalesce(sum(mean) FILTER (WHERE step > 28), 0) AS extra
      FROM forecast_values
      WHERE run_id IN (${runs}) AND step <= ${days}::INTEGER AND isfinite(mean)
        AND step >= (SELECT least(28, coalesce(min(h), 28)) FROM (
          SELECT max(step) AS h FROM forecast_values WHERE run_id IN (${runs}) GROUP BY run_id))
      GROUP BY run_id, sku) t ON t.run_id = s.forecast_run_id AND t.sku = s.sku
    WHERE isfinite(s.forecast_28)`;
}

/** `sku_state s` joined with forecast sums `f` (forecastSumSql, stateForecastSql) of the SKUs' own forecast runs. */
const STATE_FORECAST = raw('LEFT JOIN f ON f.run_id = s.forecast_run_id AND f.sku = s.sku');

/** Severity, most urgent first, as a number (critical 2, warning 1, else 0). */
const SEVERITY_RANK = raw(`(CASE severity WHEN 'critical' THEN 2 WHEN 'warning' THEN 1 ELSE 0 END)`);
/** Among alerts of one severity, the kind that needs action first. */
const KIND_RANK = raw(
  `(CASE kind WHEN 'stockout' THEN 4 WHEN 'tracking_signal' THEN 3 WHEN 'drift' THEN 2 WHEN 'coverage' THEN 1 ` +
    `ELSE 0 END)`,
);

/**
 * The workspace's data version: what changes whenever `sku_state`, the plans, the forecasts, the alerts or the events
 * change (a plan, a live re-forecast, an alert raised or cleared, any event). One cheap query; an ETag's base.
 * @example await dataVersion(ws) // '3.1.42.7.5.1764505200000.3817'
 */
export async function dataVersion(ws: Workspace): Promise<string> {
  const r = await ws.one<Record<string, number | string | null>>(sql`SELECT
    (SELECT coalesce(max(run_id), 0) FROM forecast_runs)::BIGINT AS f,
    (SELECT coalesce(max(run_id), 0) FROM plan_runs)::BIGINT AS p,
    (SELECT coalesce(max(event_id), 0) FROM events)::BIGINT AS e,
    (SELECT coalesce(max(alert_id), 0) FROM alerts)::BIGINT AS a,
    (SELECT count(*) FROM alerts WHERE cleared_at IS NULL)::BIGINT AS o,
    (SELECT coalesce(epoch_ms(max(updated_at)), 0) FROM sku_state)::BIGINT AS u,
    (SELECT count(*) FROM sku_state)::BIGINT AS n`);
  return [r['f'], r['p'], r['e'], r['a'], r['o'], r['u'], r['n']].map((v) => String(v ?? 0)).join('.');
}

/** The product table's columns, in the order the answer lists them. */
export const SKU_TABLE_COLUMNS = [
  'sku',
  'description',
  'abc',
  'xyz',
  'stage',
  'supplier',
  'alert',
  'risk',
  'days_of_stock',
  'revenue',
  'forecast_change',
  'forecast_30d',
  'order_units',
] as const;
/** A table row as a struct (`t`'s columns). */
const ROW_STRUCT = raw(`{${SKU_TABLE_COLUMNS.map((c) => `'${c}': ${c}`).join(', ')}}`);
/** The struct list `l` as one list per column. */
const COLUMN_LISTS = raw(`{${SKU_TABLE_COLUMNS.map((c) => `'${c}': coalesce([x.${c} for x in l], [])`).join(', ')}}`);

/**
 * Every SKU of `sku_state` in SKU order, as the JSON text of `{ as_of, count, columns: { sku, description, abc, xyz,
 * stage, supplier, alert, risk, days_of_stock, revenue, forecast_change, forecast_30d, order_units } }`, written by
 * DuckDB in one statement (no row objects in JavaScript). `description` is the SKU's display name (sku_state's name,
 * else the catalog's name or description); `alert` the kind of its most urgent open alert; `risk` and `revenue` 0 when
 * unknown; `forecast_30d` Σ of the next 30 days' means (2 decimals); `order_units` null without an order.
 */
export async function skuTableJson(ws: Workspace): Promise<string> {
  const r = await ws.one<{ j: string }>(sql`
    WITH f AS (${stateForecastSql(FORECAST_DAYS)}),
    al AS (SELECT sku, arg_max(kind, ${SEVERITY_RANK} * 10 + ${KIND_RANK}) AS kind FROM alerts
      WHERE cleared_at IS NULL GROUP BY sku),
    t AS (
      SELECT s.sku, coalesce(s.name, c.name, c.description) AS description, s.abc, s.xyz, s.stage, s.supplier,
        al.kind AS alert, coalesce(${finite('s.stockout_risk')}, 0) AS risk,
        ${finite('s.days_of_stock')} AS days_of_stock, coalesce(${finite('s.revenue_365')}, 0) AS revenue,
        ${finite('s.forecast_change')} AS forecast_change, round(coalesce(f.f30, 0), 2) AS forecast_30d,
        CASE WHEN s.order_qty > 0 AND isfinite(s.order_qty) THEN s.order_qty END AS order_units
      FROM sku_state s LEFT JOIN catalog c USING (sku) LEFT JOIN al USING (sku) ${STATE_FORECAST}),
    -- one sort: the rows as one list of structs in SKU order, then a column per field (a list(x ORDER BY sku) per
    -- column sorted thirteen times: ten times as long)
    r AS (SELECT list(${ROW_STRUCT} ORDER BY sku) AS l, count(*) AS n FROM t)
    SELECT to_json({'as_of': (SELECT max(as_of) FROM sku_state)::VARCHAR, 'count': n,
      'columns': ${COLUMN_LISTS}})::VARCHAR
      AS j
    FROM r`);
  return r.j;
}

/** The last day of daily demand in the workspace (null: none). */
export async function lastDemandDate(ws: Workspace): Promise<string | null> {
  return (await ws.one<{ d: string | null }>(`SELECT max(date)::VARCHAR AS d FROM daily_demand`)).d;
}

/**
 * Weekly demand units (Monday weeks, outliers capped, closed days counted as 0) of `skus` from the Monday `from` on,
 * as rows (sku, week start, units); weeks without a row are the caller's zeros.
 */
export async function weeklyUnits(
  ws: Workspace,
  skus: readonly string[],
  from: string,
): Promise<{ sku: string; week: string; units: number }[]> {
  if (skus.length === 0) return [];
  return ws.all(sql`
    SELECT sku, date_trunc('week', date)::DATE::VARCHAR AS week, sum(coalesce(units, 0))::DOUBLE AS units
    FROM daily_demand WHERE sku IN (${joinSql(skus.map((s) => sql`${s}`))}) AND date >= ${from}::DATE
    GROUP BY ALL ORDER BY 1, 2`);
}

/** A workspace setting kept in `meta` (null: not set). */
export async function readSetting(ws: Workspace, key: string): Promise<string | null> {
  const rows = await ws.all<{ value: string | null }>(sql`SELECT value FROM meta WHERE key = ${key}`);
  return rows[0]?.value ?? null;
}

/** Whether the workspace holds any ingested file (an empty one has none). */
export async function hasIngestedFiles(ws: Workspace): Promise<boolean> {
  return (await ws.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM files`)).n > 0;
}

/** The Today page's KPIs over `sku_state`. */
export interface KpiRow {
  skus: number;
  revenue_forecast_30d: number;
  stock_value: number;
  skus_at_risk: number;
  lost_revenue_expected: number;
  skus_with_alerts: number;
  as_of: string | null;
}

/**
 * The KPIs: Σ next-30-day forecast × median selling price; Σ on hand (≥ 0) × unit cost (the latest plan's, else the
 * latest stock row's, else the catalog's, else `costShare` × the median selling price, as the plan takes it); SKUs
 * whose stock-out risk is `riskAtLeast` or more; Σ expected revenue lost before an order could arrive; SKUs with an
 * open alert. One statement.
 */
export async function readKpis(ws: Workspace, o: { costShare: number; riskAtLeast: number }): Promise<KpiRow> {
  return ws.one<KpiRow>(sql`
    WITH f AS (${stateForecastSql(FORECAST_DAYS)}),
    po AS (SELECT sku, unit_cost FROM plan_orders WHERE run_id = (SELECT max(run_id) FROM plan_runs)),
    rs AS (SELECT sku, arg_max(unit_cost, (date, file_id, line)) AS unit_cost FROM raw_stock
      WHERE unit_cost IS NOT NULL GROUP BY sku)
    SELECT count(*)::INTEGER AS skus,
      coalesce(sum(coalesce(f.f30, 0) * coalesce(c.price_median, 0)), 0)::DOUBLE AS revenue_forecast_30d,
      coalesce(sum(greatest(coalesce(${finite('s.on_hand')}, 0), 0)
        * coalesce(po.unit_cost, rs.unit_cost, c.cost, ${o.costShare}::DOUBLE * c.price_median, 0)), 0)::DOUBLE
        AS stock_value,
      count(*) FILTER (WHERE s.stockout_risk >= ${o.riskAtLeast}::DOUBLE)::INTEGER AS skus_at_risk,
      coalesce(sum(coalesce(${finite('s.lost_revenue')}, 0)), 0)::DOUBLE AS lost_revenue_expected,
      (SELECT count(DISTINCT a.sku) FROM alerts a SEMI JOIN sku_state USING (sku)
        WHERE a.cleared_at IS NULL)::INTEGER AS skus_with_alerts,
      max(s.as_of)::VARCHAR AS as_of
    FROM sku_state s LEFT JOIN catalog c USING (sku) ${STATE_FORECAST} LEFT JOIN po USING (sku)
      LEFT JOIN rs USING (sku)`);
}

/** An open alert as stored (timestamps ISO, data as JSON text). */
export interface UrgentAlertRow {
  alert_id: number;
  created_at: string;
  sku: string;
  kind: string;
  severity: string;
  message: string;
  data: string | null;
  acknowledged_at: string | null;
  acknowledged_by: string | null;
  cleared_at: string | null;
}

/**
 * The open alerts, most urgent first: severity (critical, warning, info), not yet acknowledged before acknowledged,
 * the kind (stock-outs first), the revenue at stake (`data.lost_revenue`), newest first; at most `limit`.
 */
export async function readUrgentAlerts(ws: Workspace, limit: number): Promise<UrgentAlertRow[]> {
  return ws.all<UrgentAlertRow>(sql`
    SELECT alert_id::INTEGER AS alert_id, ${isoTimestamp(sql`created_at`)} AS created_at, sku, kind, severity,
      message, data, ${isoTimestamp(sql`acknowledged_at`)} AS acknowledged_at, acknowledged_by,
      ${isoTimestamp(sql`cleared_at`)} AS cleared_at
    FROM alerts WHERE cleared_at IS NULL
    ORDER BY ${SEVERITY_RANK} DESC, acknowledged_at IS NOT NULL, ${KIND_RANK} DESC,
      coalesce(TRY_CAST(json_extract(data, '$.lost_revenue') AS DOUBLE), 0) DESC, alert_id DESC
    LIMIT ${limit}::BIGINT`);
}

/** The purchase orders of one supplier in the latest plan. */
export interface SupplierOrdersRow {
  supplier: string;
  lines: number;
  units: number;
  value: number;
  order_by: string | null;
}

/**
 * The latest plan's orders with a quantity above 0 (the latest override's, else the suggestion), by supplier ('no
 * supplier' for SKUs without one): lines, units, value (units × unit cost) and the earliest order-by date; the most
 * urgent supplier first (earliest order-by, then value).
 */
export async function readOrdersDue(ws: Workspace): Promise<SupplierOrdersRow[]> {
  return ws.all<SupplierOrdersRow>(sql`
    WITH run AS (SELECT max(run_id) AS id FROM plan_runs),
    ov AS (SELECT sku, arg_max(qty, decision_id) AS qty FROM order_decisions
      WHERE plan_run_id = (SELECT id FROM run) AND action = 'override' GROUP BY sku),
    o AS (SELECT coalesce(p.supplier, ${NO_SUPPLIER}) AS supplier, coalesce(ov.qty, p.order_qty) AS qty,
        p.unit_cost, p.order_by
      FROM plan_orders p LEFT JOIN ov USING (sku) WHERE p.run_id = (SELECT id FROM run))
    SELECT supplier, count(*)::INTEGER AS lines, sum(qty)::DOUBLE AS units,
      round(sum(qty * coalesce(unit_cost, 0)), 2)::DOUBLE AS value, min(order_by)::VARCHAR AS order_by
    FROM o WHERE qty > 0 GROUP BY supplier ORDER BY min(order_by) NULLS LAST, value DESC, supplier`);
}

/** A plan run as the changes read it. */
export interface PlanRunRow {
  run_id: number;
  as_of: string;
  created_at: string;
}

/** The latest plan runs, newest first (at most `n`). */
export async function latestPlanRuns(ws: Workspace, n: number): Promise<PlanRunRow[]> {
  return ws.all<PlanRunRow>(sql`SELECT run_id::INTEGER AS run_id, as_of::VARCHAR AS as_of,
      ${isoTimestamp(sql`created_at`)} AS created_at
    FROM plan_runs ORDER BY run_id DESC LIMIT ${n}::BIGINT`);
}

/** A SKU whose next-30-day forecast changed. */
export interface ForecastChangeRow {
  sku: string;
  description: string | null;
  before: number;
  after: number;
}

/**
 * SKUs whose next-30-day forecast now (their `sku_state` forecast run) differs from the one the champion run of plan
 * `planRunId` gave them, the largest absolute change in units first, at most `limit`; and how many changed (by more
 * than 0.005 units).
 */
export async function readForecastChanges(
  ws: Workspace,
  planRunId: number,
  limit: number,
): Promise<{ total: number; rows: ForecastChangeRow[] }> {
  const baseline = sql`SELECT max(run_id) FROM forecast_runs
    WHERE plan_run_id = ${planRunId}::INTEGER AND role = 'champion' AND source = 'plan'`;
  const rows = await ws.all<ForecastChangeRow & { total: number }>(sql`
    WITH f AS (${stateForecastSql(FORECAST_DAYS)}), then_f AS (${forecastSumSql(FORECAST_DAYS, baseline)}),
    d AS (SELECT s.sku, t.f30 AS before, f.f30 AS after
      FROM sku_state s ${STATE_FORECAST} JOIN then_f t ON t.sku = s.sku
      WHERE abs(f.f30 - t.f30) > 0.005)
    SELECT d.sku, coalesce(s.name, c.name, c.description) AS description, round(d.before, 2)::DOUBLE AS before,
      round(d.after, 2)::DOUBLE AS after, count(*) OVER ()::INTEGER AS total
    FROM d LEFT JOIN sku_state s USING (sku) LEFT JOIN catalog c USING (sku)
    ORDER BY abs(d.after - d.before) DESC, d.sku LIMIT ${limit}::BIGINT`);
  return { total: rows[0]?.total ?? 0, rows: rows.map(({ total: _, ...r }) => r) };
}

/**
 * What happened after plan run `planRunId` was stored (its `created_at`, to the microsecond): stage changes, alerts
 * raised, ingests and their new rows.
 */
export async function readActivitySince(
  ws: Workspace,
  planRunId: number,
  limit: number,
): Promise<{
  stage_changes: { sku: string; from: string; to: string }[];
  stage_changes_total: number;
  new_alerts: number;
  batches: number;
  lines: number;
}> {
  const t = sql`(SELECT created_at FROM plan_runs WHERE run_id = ${planRunId}::INTEGER)`;
  const stages = await ws.all<{ sku: string; from: string; to: string; total: number }>(sql`
    SELECT sku, arg_min(from_stage, (created_at, run_id)) AS "from", arg_max(to_stage, (created_at, run_id)) AS "to",
      count(*) OVER ()::INTEGER AS total
    FROM lifecycle_alerts WHERE created_at > ${t} GROUP BY sku
    ORDER BY max(created_at) DESC, sku LIMIT ${limit}::BIGINT`);
  const r = await ws.one<{ new_alerts: number; batches: number; lines: number }>(sql`SELECT
    (SELECT count(*) FROM alerts WHERE created_at > ${t})::INTEGER AS new_alerts,
    (SELECT count(*) FROM ingests WHERE finished_at > ${t})::INTEGER AS batches,
    (SELECT coalesce(sum(rows_new), 0) FROM ingests WHERE finished_at > ${t})::DOUBLE AS lines`);
  return {
    stage_changes: stages.map(({ total: _, ...s }) => s),
    stage_changes_total: stages[0]?.total ?? 0,
    ...r,
  };
}

/** The name a file is shown by: its base name (the server's folders are not shown). */
const FILE_NAME = raw(`regexp_replace(path, '^.*[/\\\\]', '')`);

/** One ingested file. */
export interface IngestFileRow {
  ingest_id: number;
  file_id: number;
  file: string;
  kind: string | null;
  layout: string | null;
  bytes: number | null;
  rows: number;
  rejected: number;
  rows_new: number;
}

/** One ingest run. */
export interface IngestRow {
  ingest_id: number;
  started_at: string | null;
  at: string | null;
  rows: number;
  rejected: number;
  rows_new: number;
}

/** The ingests, newest first (a page), with their files, and how many there are. */
export async function readIngests(
  ws: Workspace,
  limit: number,
  offset: number,
): Promise<{ total: number; ingests: IngestRow[]; files: IngestFileRow[] }> {
  const ingests = await ws.all<IngestRow>(sql`
    SELECT ingest_id::INTEGER AS ingest_id, ${isoTimestamp(sql`started_at`)} AS started_at,
      ${isoTimestamp(sql`finished_at`)} AS at, coalesce(rows_loaded, 0)::DOUBLE AS rows,
      coalesce(rows_rejected, 0)::DOUBLE AS rejected, coalesce(rows_new, 0)::DOUBLE AS rows_new
    FROM ingests ORDER BY ingest_id DESC LIMIT ${limit}::BIGINT OFFSET ${offset}::BIGINT`);
  const total = (await ws.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM ingests`)).n;
  if (ingests.length === 0) return { total, ingests, files: [] };
  const files = await ws.all<IngestFileRow>(sql`
    SELECT ingest_id::INTEGER AS ingest_id, file_id::INTEGER AS file_id, ${FILE_NAME} AS file, kind, layout,
      bytes::DOUBLE AS bytes, coalesce(rows_loaded, 0)::DOUBLE AS rows, coalesce(rows_rejected, 0)::DOUBLE AS rejected,
      coalesce(rows_new, 0)::DOUBLE AS rows_new
    FROM files WHERE ingest_id IN (${joinSql(ingests.map((i) => sql`${i.ingest_id}::INTEGER`))})
    ORDER BY file_id`);
  return { total, ingests, files };
}

/** One rejected row: the file's name, the line, the reason and the raw text, as stored. */
export interface RejectedRow {
  file: string;
  line: number;
  reason: string;
  raw: string;
}

/** Rejected rows (of the files named `file`, when given) in file and line order, one page, and how many match. */
export async function readRejectedRows(
  ws: Workspace,
  f: { file?: string; limit: number; offset: number },
): Promise<{ total: number; rows: RejectedRow[] }> {
  const where = f.file === undefined ? sql`TRUE` : sql`${FILE_NAME} = ${f.file}`;
  const total = (await ws.one<{ n: number }>(sql`SELECT count(*)::INTEGER AS n FROM rejected_rows WHERE ${where}`)).n;
  const rows = await ws.all<RejectedRow>(sql`
    SELECT ${FILE_NAME} AS file, line::DOUBLE AS line, reason, coalesce(raw, '') AS raw
    FROM rejected_rows WHERE ${where} ORDER BY file_id, line
    LIMIT ${f.limit}::BIGINT OFFSET ${f.offset}::BIGINT`);
  return { total, rows };
}

/** Totals beside the cleaning report: rows cleaned, rows and units that are demand, rows rejected. */
export async function cleaningTotals(
  ws: Workspace,
): Promise<{ rows: number; demand_rows: number; demand_units: number; rejected: number }> {
  return ws.one(sql`SELECT
    ((SELECT count(*) FROM order_lines) + (SELECT count(*) FROM daily_sales))::DOUBLE AS rows,
    ((SELECT count(*) FROM order_lines WHERE status = 'sale')
      + (SELECT count(*) FROM daily_sales WHERE status = 'sale'))::DOUBLE AS demand_rows,
    (coalesce((SELECT sum(demand_quantity) FROM order_lines WHERE status = 'sale'), 0)
      + coalesce((SELECT sum(units) FROM daily_sales WHERE status = 'sale'), 0))::DOUBLE AS demand_units,
    (SELECT count(*) FROM rejected_rows)::DOUBLE AS rejected`);
}
