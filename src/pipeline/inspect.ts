import { InputError } from '../data/errors.js';
import { type CleaningRuleCount, cleaningCounts, cleaningReport } from '../store/report.js';
import type { Workspace } from '../store/workspace.js';
import { ensureCleanTables } from './ingest.js';

export interface TopSeller {
  sku: string;
  description: string | null;
  units: number;
  revenue: number;
  first_sale: string;
  last_sale: string;
}

/** Totals of a workspace. */
export interface WorkspaceSummary {
  workspace: string;
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
  cleaning: Record<string, number>;
  cleaning_detail: CleaningRuleCount[];
  top_sellers: TopSeller[];
}

/** Summarises what the workspace holds: row counts, SKUs, date range, top sellers, cleaning report. */
export async function inspectWorkspace(ws: Workspace, top = 10): Promise<WorkspaceSummary> {
  await ensureCleanTables(ws);
  const t = await ws.one(`
    SELECT (SELECT count(DISTINCT path) FROM files)::INTEGER AS files,
      (SELECT count(*) FROM raw_order_lines)::DOUBLE AS order_lines,
      (SELECT count(*) FROM raw_daily_sales)::DOUBLE AS daily_sales_rows,
      (SELECT count(*) FROM rejected_rows)::DOUBLE AS rows_rejected,
      (SELECT count(DISTINCT sku) FROM daily_demand)::INTEGER AS skus,
      (SELECT count(*) FROM catalog WHERE NOT is_product)::INTEGER AS non_product_skus,
      (SELECT least(min(o), min(d))::VARCHAR FROM (SELECT min(date) AS o FROM order_lines), (SELECT min(date) AS d FROM daily_sales)) AS first_date,
      (SELECT greatest(max(o), max(d))::VARCHAR FROM (SELECT max(date) AS o FROM order_lines), (SELECT max(date) AS d FROM daily_sales)) AS last_date,
      (SELECT count(DISTINCT date) FROM closed_days)::INTEGER AS closed_days,
      (SELECT coalesce(sum(units), 0) FROM daily_demand)::DOUBLE AS demand_units,
      (SELECT round(coalesce(sum(revenue), 0), 2) FROM daily_demand)::DOUBLE AS revenue`);
  const sellers = await ws.all(`
    SELECT d.sku, c.description, sum(d.units)::DOUBLE AS units, round(sum(d.revenue), 2)::DOUBLE AS revenue,
      min(d.date) FILTER (WHERE d.units > 0)::VARCHAR AS first_sale, max(d.date) FILTER (WHERE d.units > 0)::VARCHAR AS last_sale
    FROM daily_demand d LEFT JOIN catalog c USING (sku)
    GROUP BY d.sku, c.description ORDER BY units DESC, d.sku LIMIT ${Math.max(0, Math.floor(top))}`);
  const detail = await cleaningReport(ws);
  return {
    workspace: ws.dir,
    ...(t as Omit<WorkspaceSummary, 'workspace' | 'cleaning' | 'cleaning_detail' | 'top_sellers'>),
    cleaning: cleaningCounts(detail),
    cleaning_detail: detail,
    top_sellers: sellers as unknown as TopSeller[],
  };
}

export type Freq = 'day' | 'week';

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

/**
 * The clean demand series of one SKU, daily or weekly (weeks start on Monday and sum the open
 * days; a week with no open day has units null).
 */
export async function demandSeries(ws: Workspace, sku: string, freq: Freq = 'day'): Promise<SeriesPoint[]> {
  await ensureCleanTables(ws);
  const known = await ws.all('SELECT is_product FROM catalog WHERE sku = $1', [sku]);
  if (known.length === 0) throw new InputError(`series: unknown SKU '${sku}' (shopcast inspect lists the top sellers)`);
  if (known[0]!['is_product'] === false) throw new InputError(`series: '${sku}' is a non-product line (postage, fee…), it has no demand series`);
  if (freq === 'day')
    return (await ws.all(
      `SELECT date::VARCHAR AS period, units, revenue, (NOT closed)::INTEGER AS open_days, filled,
        missing::INTEGER AS missing_days, stockout::INTEGER AS stockout_days, outlier_capped
      FROM daily_demand WHERE sku = $1 ORDER BY date`,
      [sku],
    )) as unknown as SeriesPoint[];
  return (await ws.all(
    `SELECT date_trunc('week', date)::DATE::VARCHAR AS period,
      CASE WHEN bool_and(closed OR missing) THEN NULL ELSE coalesce(sum(units), 0) END AS units,
      sum(revenue) AS revenue, count(*) FILTER (WHERE NOT closed)::INTEGER AS open_days,
      bool_and(filled OR closed) AS filled, count(*) FILTER (WHERE missing)::INTEGER AS missing_days,
      count(*) FILTER (WHERE stockout)::INTEGER AS stockout_days,
      bool_or(outlier_capped) AS outlier_capped
    FROM daily_demand WHERE sku = $1 GROUP BY 1 ORDER BY 1`,
    [sku],
  )) as unknown as SeriesPoint[];
}
