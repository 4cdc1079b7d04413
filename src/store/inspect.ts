/** What `inspect` and `series` read: workspace totals, top sellers, one SKU's series with its flags. */
import { BUNDLE_DEFINITIONS } from './clean.js';
import { sql } from './sql.js';
import type { Workspace } from './workspace.js';

/** One of the workspace's best-selling SKUs by units, over all its clean daily demand. */
export interface TopSeller {
  sku: string;
  /** the catalog's description, null when the SKU has none */
  description: string | null;
  /** units sold */
  units: number;
  /** revenue in the shop's currency, rounded to cents */
  revenue: number;
  /** first and last day with a sale, `YYYY-MM-DD` */
  first_sale: string;
  last_sale: string;
}

/** Row counts, SKUs and the date range of a workspace. */
export interface WorkspaceTotals {
  /** distinct files ingested (by path): re-ingesting a file leaves the summary unchanged */
  files: number;
  order_lines: number;
  daily_sales_rows: number;
  rows_rejected: number;
  /** SKUs with demand (products only) */
  skus: number;
  non_product_skus: number;
  first_date: string | null;
  last_date: string | null;
  closed_days: number;
  demand_units: number;
  revenue: number;
}

/** One period of a clean demand series. `units` is null on days the shop was closed. */
export interface SeriesPoint {
  period: string;
  units: number | null;
  revenue: number;
  /** open days in the period (1 or 0 for daily series) */
  open_days: number;
  filled: boolean;
  /** days without data (daily-sales files with no row for the day): units unknown, not zero */
  missing_days: number;
  stockout_days: number;
  outlier_capped: boolean;
}

export async function workspaceTotals(ws: Workspace): Promise<WorkspaceTotals> {
  return ws.one<WorkspaceTotals>(`
    SELECT (SELECT count(DISTINCT path) FROM files)::INTEGER AS files,
      (SELECT count(*) FROM raw_order_lines)::DOUBLE AS order_lines,
      (SELECT count(*) FROM raw_daily_sales)::DOUBLE AS daily_sales_rows,
      (SELECT count(*) FROM rejected_rows)::DOUBLE AS rows_rejected,
      (SELECT count(DISTINCT sku) FROM daily_demand)::INTEGER AS skus,
      (SELECT count(*) FROM catalog WHERE NOT is_product)::INTEGER AS non_product_skus,
      (SELECT least(min(o), min(d))::VARCHAR FROM (SELECT min(date) AS o FROM order_lines),
              (SELECT min(date) AS d FROM daily_sales)) AS first_date,
      (SELECT greatest(max(o), max(d))::VARCHAR FROM (SELECT max(date) AS o FROM order_lines),
              (SELECT max(date) AS d FROM daily_sales)) AS last_date,
      (SELECT count(DISTINCT date) FROM closed_days)::INTEGER AS closed_days,
      (SELECT coalesce(sum(units), 0) FROM daily_demand)::DOUBLE AS demand_units,
      (SELECT round(coalesce(sum(revenue), 0), 2) FROM daily_demand)::DOUBLE AS revenue`);
}

/** The `top` SKUs by demand units (ties by code). */
export async function topSellers(ws: Workspace, top: number): Promise<TopSeller[]> {
  return ws.all<TopSeller>(sql`
    SELECT d.sku, c.description, sum(d.units)::DOUBLE AS units, round(sum(d.revenue), 2)::DOUBLE AS revenue,
      min(d.date) FILTER (WHERE d.units > 0)::VARCHAR AS first_sale,
      max(d.date) FILTER (WHERE d.units > 0)::VARCHAR AS last_sale
    FROM daily_demand d LEFT JOIN catalog c USING (sku)
    GROUP BY d.sku, c.description ORDER BY units DESC, d.sku LIMIT ${top}::INTEGER`);
}

/** Whether a code is a product of the catalog, a non-product line (postage, fees…) or unknown. */
export async function skuKind(
  ws: Workspace,
  sku: string,
): Promise<'product' | 'non_product' | 'unknown' | { bundle: string[] }> {
  const rows = await ws.all<{ is_product: boolean | null }>(sql`SELECT is_product FROM catalog WHERE sku = ${sku}`);
  if (rows.length === 0) return 'unknown';
  if (rows[0]!.is_product === false) return 'non_product';
  // a bundle: its lines are its components' demand (store/clean.ts), it has none of its own
  const parts = await ws.all<{ c: string }>(sql`
    SELECT DISTINCT component_sku AS c FROM (${BUNDLE_DEFINITIONS}) WHERE bundle_sku = ${sku} ORDER BY 1`);
  return parts.length > 0 ? { bundle: parts.map((p) => p.c) } : 'product';
}

/**
 * One SKU's clean demand with its cleaning flags, daily or in Monday weeks (a week sums its open
 * days; with no open day its units are null).
 */
export async function seriesPoints(ws: Workspace, sku: string, freq: 'day' | 'week'): Promise<SeriesPoint[]> {
  if (freq === 'day')
    return ws.all<SeriesPoint>(sql`
      SELECT date::VARCHAR AS period, units, revenue, (NOT closed)::INTEGER AS open_days, filled,
        missing::INTEGER AS missing_days, stockout::INTEGER AS stockout_days, outlier_capped
      FROM daily_demand WHERE sku = ${sku} ORDER BY date`);
  return ws.all<SeriesPoint>(sql`
    SELECT date_trunc('week', date)::DATE::VARCHAR AS period,
      CASE WHEN bool_and(closed OR missing) THEN NULL ELSE coalesce(sum(units), 0) END AS units,
      sum(revenue) AS revenue, count(*) FILTER (WHERE NOT closed)::INTEGER AS open_days,
      bool_and(filled OR closed) AS filled, count(*) FILTER (WHERE missing)::INTEGER AS missing_days,
      count(*) FILTER (WHERE stockout)::INTEGER AS stockout_days,
      bool_or(outlier_capped) AS outlier_capped
    FROM daily_demand WHERE sku = ${sku} GROUP BY 1 ORDER BY 1`);
}
