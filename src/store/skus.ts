/**
 * The SKUs as the service reads them: the list (`sku_state` joined with the catalog and the open alerts, filtered,
 * sorted and paged in SQL) and one SKU in full (catalog, state, stage, open order with its latest decision, alerts,
 * history, latest champion forecast) in one query — the service's hot read path.
 * Every value from a caller is a bound parameter; the sort columns are fixed fragments chosen by name.
 */
import type { ForecastValue } from './forecast-runs.js';
import { CHAMPION_RUN } from './forecasts-export.js';
import { OVERRIDE_STRUCT, type OverrideRow } from './overrides.js';
import type { Pacer } from './pace.js';
import {
  type DecisionRow,
  type PlanOrderFields,
  NO_SUPPLIER,
  PLAN_ORDER_STRUCT,
  isoTimestamp,
} from './order-decisions.js';
import { type Sql, codeRows, joinSql, raw, sql } from './sql.js';
import type { Workspace } from './workspace.js';

/**
 * A LIKE pattern matching `text` literally anywhere (case folding is the caller's ILIKE): `\`, `%` and `_` escaped with
 * `\`, to be used with `ESCAPE '\'`.
 * @example likeContains('50%_off') // '%50\\%\\_off%'
 */
export function likeContains(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Filters of `querySkus`, checked by the caller (pipeline/skus.ts). */
export interface SkuFilter {
  search?: string;
  abc?: string;
  xyz?: string;
  stage?: string;
  /** an alert kind, or 'any' for any open alert */
  alert?: string;
  /** a supplier's name; 'no supplier' matches SKUs without one */
  supplier?: string;
}

/** The sort keys and their SQL (direction spliced from a fixed set), ties broken by SKU. */
export type SkuSort = 'risk' | 'revenue' | 'days_of_stock' | 'forecast_change' | 'sku';

function sortSql(sort: SkuSort, order: 'asc' | 'desc'): Sql {
  const dir = raw(order === 'asc' ? 'ASC' : 'DESC');
  switch (sort) {
    case 'risk':
      return sql`s.stockout_risk ${dir} NULLS LAST, s.lost_revenue ${dir} NULLS LAST`;
    case 'revenue':
      return sql`s.revenue_365 ${dir} NULLS LAST`;
    case 'days_of_stock':
      // NULL: the stock lasts past the horizon, so it sorts as the most days
      return sql`s.days_of_stock IS NULL ${dir}, s.days_of_stock ${dir}`;
    case 'forecast_change':
      return sql`s.forecast_change ${dir} NULLS LAST`;
    case 'sku':
      return sql`s.sku ${dir}`;
  }
}

/** One row of the SKU list. */
export interface SkuListRow {
  sku: string;
  name: string | null;
  description: string | null;
  category: string | null;
  supplier: string | null;
  abc: string | null;
  xyz: string | null;
  stage: string | null;
  revenue_365: number | null;
  on_hand: number | null;
  on_order: number | null;
  position: number | null;
  days_of_stock: number | null;
  stockout_date: string | null;
  stockout_risk: number | null;
  lost_revenue: number | null;
  reorder_point: number | null;
  order_up_to: number | null;
  order_qty: number | null;
  order_by: string | null;
  expedite: boolean | null;
  held_back: boolean | null;
  forecast_28: number | null;
  forecast_change: number | null;
  as_of: string | null;
  updated_at: string | null;
  /** kinds of the SKU's open alerts, sorted */
  alerts: string[];
}

function whereSql(f: SkuFilter): Sql {
  const parts: Sql[] = [sql`TRUE`];
  if (f.search !== undefined && f.search !== '') {
    const p = likeContains(f.search);
    parts.push(sql`(s.sku ILIKE ${p} ESCAPE '\\' OR s.name ILIKE ${p} ESCAPE '\\' OR c.name ILIKE ${p} ESCAPE '\\'
      OR c.description ILIKE ${p} ESCAPE '\\')`);
  }
  if (f.abc !== undefined) parts.push(sql`s.abc = ${f.abc}`);
  if (f.xyz !== undefined) parts.push(sql`s.xyz = ${f.xyz}`);
  if (f.stage !== undefined) parts.push(sql`s.stage = ${f.stage}`);
  if (f.supplier !== undefined) parts.push(sql`coalesce(s.supplier, ${NO_SUPPLIER}) = ${f.supplier}`);
  if (f.alert !== undefined)
    parts.push(sql`EXISTS (SELECT 1 FROM alerts a WHERE a.sku = s.sku AND a.cleared_at IS NULL
      ${f.alert === 'any' ? sql`` : sql`AND a.kind = ${f.alert}`})`);
  return joinSql(parts, ' AND ');
}

/** sku_state's figures, a non-finite one (NaN, ±Infinity) as NULL: JSON has no such numbers. */
const FINITE_FIGURES = raw(
  [
    'revenue_365',
    'on_hand',
    'on_order',
    'position',
    'days_of_stock',
    'stockout_risk',
    'lost_revenue',
    'reorder_point',
    'order_up_to',
    'order_qty',
    'forecast_28',
    'forecast_change',
  ]
    .map((c) => `CASE WHEN isfinite(s.${c}) THEN s.${c} END AS ${c}`)
    .join(', '),
);

/**
 * The SKUs of `sku_state` matching `f` (all filters combined), sorted, one page of them, and how many match.
 * Two queries at most (the count rides on the page as a window; a page past the end counts on its own).
 */
export async function querySkus(
  ws: Workspace,
  f: SkuFilter,
  page: { sort: SkuSort; order: 'asc' | 'desc'; limit: number; offset: number },
): Promise<{ total: number; rows: SkuListRow[] }> {
  const from = sql`sku_state s LEFT JOIN catalog c USING (sku) WHERE ${whereSql(f)}`;
  const rows = await ws.all<SkuListRow & { total: number }>(sql`
    SELECT s.sku, coalesce(s.name, c.name, c.description) AS name, c.description, c.category, s.supplier, s.abc, s.xyz,
      s.stage, ${FINITE_FIGURES}, s.stockout_date::VARCHAR AS stockout_date, s.order_by::VARCHAR AS order_by,
      s.expedite, s.held_back, s.as_of::VARCHAR AS as_of,
      ${isoTimestamp(sql`s.updated_at`)} AS updated_at,
      coalesce((SELECT list(DISTINCT a.kind ORDER BY a.kind) FROM alerts a
          WHERE a.sku = s.sku AND a.cleared_at IS NULL),
        []) AS alerts,
      count(*) OVER ()::INTEGER AS total
    FROM ${from}
    ORDER BY ${sortSql(page.sort, page.order)}, s.sku ASC
    LIMIT ${page.limit}::BIGINT OFFSET ${page.offset}::BIGINT`);
  const total =
    rows.length > 0
      ? Number(rows[0]!.total)
      : (await ws.one<{ n: number }>(sql`SELECT count(*)::INTEGER AS n FROM ${from}`)).n;
  return { total, rows: rows.map(({ total: _, ...r }) => r) };
}

/** The catalog's fields of a SKU. */
export interface CatalogFields {
  name: string | null;
  description: string | null;
  category: string | null;
  brand: string | null;
  list_price: number | null;
  cost: number | null;
  launched_at: string | null;
  discontinued_at: string | null;
  is_product: boolean;
  first_sale: string | null;
  last_sale: string | null;
  units: number;
  revenue: number;
  price_median: number | null;
  price_last: number | null;
}

/** A SKU's row of `sku_state` (the position, forecast summary and order suggestion). */
export interface SkuStateFields extends Omit<SkuListRow, 'description' | 'category' | 'alerts'> {
  plan_run_id: number | null;
  forecast_run_id: number | null;
  reason: string | null;
}

/** A SKU's stage in the latest life-cycle run that classified it. */
export interface StoredStageRow {
  run_id: number;
  as_of: string;
  stage: string;
  confidence: number;
  weeks: number;
  history: string;
  /** the evidence as stored (JSON text) */
  evidence: string | null;
}

/** An open alert of a SKU (its data as stored, JSON text). */
export interface OpenAlertRow {
  alert_id: number;
  created_at: string;
  kind: string;
  severity: string;
  message: string;
  data: string | null;
  acknowledged_at: string | null;
  acknowledged_by: string | null;
}

/** One day of a SKU's clean history. */
export interface HistoryDay {
  date: string;
  /** demand units (outliers capped); null on closed days and days a daily-sales file lacks */
  units: number | null;
  /** units as sold, before capping */
  units_raw: number;
  revenue: number;
  closed: boolean;
  stockout: boolean;
  outlier_capped: boolean;
  promo: boolean | null;
  price: number | null;
}

/** A stored forecast run as one SKU sees it. */
export interface ForecastRunFields {
  run_id: number;
  origin: string;
  created_at: string;
  source: string;
  model: string | null;
  fallback: string | null;
  backtest_mase: number | null;
}

/** One step of a stored forecast, as the SKU detail reads it (forecast_values without the SKU). */
export type ForecastStepRow = Omit<ForecastValue, 'sku' | 'mean'> & { mean: number | null };

/** What `readSkuDetails` reads of one SKU. */
export interface SkuDetailRows {
  catalog: CatalogFields | null;
  state: SkuStateFields | null;
  stage: StoredStageRow | null;
  /** its order line in the latest plan run, when it has one */
  order: PlanOrderFields | null;
  decision: DecisionRow | null;
  override: DecisionRow | null;
  /** open alerts, newest first */
  alerts: OpenAlertRow[];
  /** the last day of its daily demand */
  last_day: string | null;
  /** its daily demand over the last `historyDays` days up to last_day, in date order */
  history: HistoryDay[];
  /** its latest champion forecast run (the highest run id among champion runs that hold it) and its steps */
  forecast_run: ForecastRunFields | null;
  forecast: ForecastStepRow[];
  /** its active forecast overrides, in creation order */
  overrides: OverrideRow[];
  /** its supplier terms in the stock snapshot the latest plan read (null: no row) */
  terms: { moq: number | null; pack_size: number | null; lead_time_days: number | null } | null;
}

/**
 * SKUs in full in one query, a UNION ALL of one JSON value per SKU and part (catalog, sku_state, latest stage, order
 * line of the latest plan with its latest decision and override, open alerts, history of the last `historyDays`
 * days, latest champion forecast): each part a plain scan of its table for the SKUs, grouped by SKU, so that DuckDB
 * plans it in linear time (the same parts as scalar subqueries of one row took it several times longer to plan than
 * to run). One SKU (GET /skus/{sku}) is bound as an equality; many (a cache refilling its answers) as a list. Every
 * SKU asked for is in the map; absent parts are null (lists empty).
 * @example (await readSkuDetails(ws, ['85123A', '22423'], 365)).get('22423')?.forecast.length // 28
 */
export async function readSkuDetails(
  ws: Workspace,
  skus: readonly string[],
  historyDays: number,
  /** called between rows as they are parsed (a service's main thread lets requests run: store/pace.ts) */
  pace?: Pacer,
): Promise<Map<string, SkuDetailRows>> {
  const out = new Map(skus.map((s) => [s, emptyDetail()]));
  if (skus.length === 0) return out;
  // one SKU: an equality, which the scans prune by (tables sorted by SKU); several: a semi-join
  const is = (col: string): Sql =>
    skus.length === 1 ? sql`${raw(col)} = ${skus[0]!}::VARCHAR` : sql`${raw(col)} IN (SELECT ${codeRows(skus)})`;
  const latestPlan = sql`(SELECT max(run_id) FROM plan_runs)`;
  const decision = (overrideOnly: boolean): Sql => sql`
    SELECT d.sku, to_json({'decision_id': d.decision_id, 'action': d.action, 'qty': d.qty, 'who': d.who,
        'why': d.why, 'decided_at': ${isoTimestamp(sql`d.decided_at`)}})::VARCHAR AS j
    FROM order_decisions d WHERE d.plan_run_id = ${latestPlan} AND ${is('d.sku')}
      ${overrideOnly ? sql`AND d.action = 'override'` : sql``}
    QUALIFY row_number() OVER (PARTITION BY d.sku ORDER BY d.decision_id DESC) = 1`;
  const rows = await ws.all<{ sku: string; part: keyof SkuDetailRows; j: string | null }>(sql`
    WITH run AS (
      SELECT fs.sku, fs.run_id, r.origin, r.created_at, r.source, fs.model, fs.fallback, fs.backtest_mase
      FROM forecast_skus fs JOIN forecast_runs r USING (run_id)
      WHERE ${is('fs.sku')} AND ${CHAMPION_RUN}
      QUALIFY row_number() OVER (PARTITION BY fs.sku ORDER BY fs.run_id DESC) = 1),
    last AS (SELECT sku, max(date) AS d FROM daily_demand WHERE ${is('sku')} GROUP BY sku)
    SELECT c.sku, 'catalog' AS part, to_json({'name': c.name, 'description': c.description, 'category': c.category,
        'brand': c.brand, 'list_price': c.list_price, 'cost': c.cost, 'launched_at': c.launched_at,
        'discontinued_at': c.discontinued_at, 'is_product': c.is_product, 'first_sale': c.first_sale,
        'last_sale': c.last_sale, 'units': c.units, 'revenue': c.revenue, 'price_median': c.price_median,
        'price_last': c.price_last})::VARCHAR AS j
      FROM catalog c WHERE ${is('c.sku')}
    UNION ALL SELECT s.sku, 'state', to_json({'sku': s.sku, 'name': s.name, 'supplier': s.supplier, 'abc': s.abc,
        'xyz': s.xyz, 'stage': s.stage, 'revenue_365': s.revenue_365, 'on_hand': s.on_hand, 'on_order': s.on_order,
        'position': s.position, 'days_of_stock': s.days_of_stock, 'stockout_date': s.stockout_date,
        'stockout_risk': s.stockout_risk, 'lost_revenue': s.lost_revenue, 'reorder_point': s.reorder_point,
        'order_up_to': s.order_up_to, 'order_qty': s.order_qty, 'order_by': s.order_by, 'expedite': s.expedite,
        'held_back': s.held_back, 'forecast_28': s.forecast_28, 'forecast_change': s.forecast_change,
        'as_of': s.as_of, 'updated_at': ${isoTimestamp(sql`s.updated_at`)}, 'plan_run_id': s.plan_run_id,
        'forecast_run_id': s.forecast_run_id, 'reason': s.reason})::VARCHAR
      FROM sku_state s WHERE ${is('s.sku')}
    UNION ALL SELECT sku, 'stage', j FROM (
      SELECT ls.sku, to_json({'run_id': ls.run_id, 'as_of': lr.as_of, 'stage': ls.stage,
          'confidence': ls.confidence, 'weeks': ls.weeks, 'history': ls.history, 'evidence': ls.evidence})::VARCHAR AS j
      FROM lifecycle_stages ls JOIN lifecycle_runs lr USING (run_id) WHERE ${is('ls.sku')}
      QUALIFY row_number() OVER (PARTITION BY ls.sku ORDER BY lr.as_of DESC, ls.run_id DESC) = 1)
    UNION ALL SELECT o.sku, 'order', to_json(${PLAN_ORDER_STRUCT})::VARCHAR
      FROM plan_orders o JOIN plan_runs r USING (run_id) WHERE o.run_id = ${latestPlan} AND ${is('o.sku')}
    UNION ALL SELECT sku, 'decision', j FROM (${decision(false)})
    UNION ALL SELECT sku, 'override', j FROM (${decision(true)})
    UNION ALL SELECT a.sku, 'alerts', to_json(list({'alert_id': a.alert_id,
        'created_at': ${isoTimestamp(sql`a.created_at`)}, 'kind': a.kind, 'severity': a.severity,
        'message': a.message, 'data': a.data, 'acknowledged_at': ${isoTimestamp(sql`a.acknowledged_at`)},
        'acknowledged_by': a.acknowledged_by} ORDER BY a.alert_id DESC))::VARCHAR
      FROM alerts a WHERE ${is('a.sku')} AND a.cleared_at IS NULL GROUP BY a.sku
    UNION ALL SELECT sku, 'last_day', to_json(d)::VARCHAR FROM last
    UNION ALL SELECT dd.sku, 'history', to_json(list({'date': dd.date, 'units': dd.units, 'units_raw': dd.units_raw,
        'revenue': dd.revenue, 'closed': dd.closed, 'stockout': dd.stockout, 'outlier_capped': dd.outlier_capped,
        'promo': dd.promo, 'price': dd.price} ORDER BY dd.date))::VARCHAR
      FROM daily_demand dd JOIN last USING (sku)
      WHERE ${is('dd.sku')} AND dd.date > last.d - ${historyDays}::INTEGER GROUP BY dd.sku
    UNION ALL SELECT sku, 'forecast_run', to_json({'run_id': run.run_id, 'origin': run.origin,
        'created_at': ${isoTimestamp(sql`run.created_at`)}, 'source': run.source, 'model': run.model,
        'fallback': run.fallback, 'backtest_mase': run.backtest_mase})::VARCHAR
      FROM run
    UNION ALL SELECT v.sku, 'forecast', to_json(list({'step': v.step, 'date': v.date, 'mean': v.mean,
        'p005': v.p005, 'p05': v.p05, 'p25': v.p25, 'p50': v.p50, 'p75': v.p75, 'p95': v.p95, 'p995': v.p995}
        ORDER BY v.step))::VARCHAR
      FROM run JOIN forecast_values v ON v.run_id = run.run_id AND v.sku = run.sku WHERE ${is('v.sku')}
      GROUP BY v.sku
    UNION ALL SELECT f.sku, 'overrides', to_json(list(${OVERRIDE_STRUCT} ORDER BY f.override_id))::VARCHAR
      FROM forecast_overrides f WHERE ${is('f.sku')} AND f.removed_at IS NULL GROUP BY f.sku
    UNION ALL SELECT sku, 'terms', j FROM (
      SELECT st.sku,
        to_json({'moq': st.moq, 'pack_size': st.pack_size, 'lead_time_days': st.lead_time_days})::VARCHAR AS j
      FROM raw_stock st WHERE ${is('st.sku')} AND st.date IS NOT DISTINCT FROM (SELECT max(date) FROM raw_stock
        WHERE date IS NULL OR date <= (SELECT as_of FROM plan_runs WHERE run_id = ${latestPlan}))
      QUALIFY row_number() OVER (PARTITION BY st.sku ORDER BY st.file_id DESC, st.line DESC) = 1)`);
  for (const r of rows) {
    const parts = out.get(r.sku) as unknown as Record<string, unknown> | undefined;
    if (parts !== undefined && r.j !== null) parts[r.part] = parseDuckJson(r.j);
    await pace?.();
  }
  return out;
}

/** A SKU's detail rows before its parts are read: every part absent. */
function emptyDetail(): SkuDetailRows {
  return {
    catalog: null,
    state: null,
    stage: null,
    order: null,
    decision: null,
    override: null,
    alerts: [],
    last_day: null,
    history: [],
    forecast_run: null,
    forecast: [],
    overrides: [],
    terms: null,
  };
}

/**
 * JSON text from DuckDB's to_json, which writes a non-finite DOUBLE as a bare NaN, Infinity or -Infinity (not JSON):
 * those become null (strings left as they are).
 * @example parseDuckJson('{"a":Infinity,"b":"NaN"}') // { a: null, b: 'NaN' }
 */
export function parseDuckJson(text: string): unknown {
  // most texts have neither word anywhere: parsed as they are (the rewrite walked every string of a SKU's history)
  if (!text.includes('NaN') && !text.includes('Infinity')) return JSON.parse(text);
  return JSON.parse(text.replace(/"(?:[^"\\]|\\.)*"|-?Infinity|NaN/g, (m) => (m.startsWith('"') ? m : 'null')));
}
