/** A shop's demand profile from its clean tables: how many SKUs sell how often, how regularly, and when they began. */
import type { Workspace } from './workspace.js';

/** Statistics that say what kind of shop a workspace holds (the synthetic shop's realism table compares them). */
export interface DemandProfile {
  /** SKUs with clean demand (products only) */
  skus: number;
  /** years the data spans (days / 365.25) */
  years: number;
  /** sale lines per SKU per year: median, mean and 90th percentile */
  lines_per_sku_year: { median: number; mean: number; p90: number };
  /**
   * share of SKUs whose mean interval between sales days (open days since the first sale / sale days) exceeds
   * 1.32 (Syntetos, Boylan & Croston 2005: intermittent or lumpy)
   */
  intermittent_share: number;
  /** share of SKUs with ADI > 1.32 and CV² of their non-zero daily demand > 0.49 (lumpy) */
  lumpy_share: number;
  /** median over SKUs with at least 8 weeks of the coefficient of variation of weekly units */
  weekly_cv_median: number;
  /** share of SKUs whose first sale comes at least 28 days after the shop's first day (launched within the data) */
  launch_share: number;
  /** share of the shop's open days on which a SKU sells, median over SKUs */
  sale_day_share_median: number;
  /** sale lines per order (mean) */
  lines_per_order: number;
}

/**
 * The workspace's demand profile, read from daily_demand and order_lines (the clean tables must be current).
 * @example const p = await demandProfile(ws); p.intermittent_share; // 0.83
 */
export async function demandProfile(ws: Workspace): Promise<DemandProfile> {
  const r = await ws.one<{
    skus: number;
    years: number;
    l_med: number | null;
    l_mean: number | null;
    l_p90: number | null;
    intermittent: number | null;
    lumpy: number | null;
    cv: number | null;
    launch: number | null;
    sale_days: number | null;
    lpo: number | null;
  }>(`
    WITH span AS (
      SELECT min(date) AS f, max(date) AS l, (max(date) - min(date) + 1) / 365.25 AS years FROM daily_demand),
    per AS (
      SELECT sku, count(*) FILTER (WHERE units IS NOT NULL) AS open_days,
        count(*) FILTER (WHERE units > 0) AS sale_days,
        sum(lines) AS lines, min(date) FILTER (WHERE units > 0) AS first_sale,
        stddev_pop(units) FILTER (WHERE units > 0) / avg(units) FILTER (WHERE units > 0) AS size_cv
      FROM daily_demand GROUP BY sku HAVING count(*) FILTER (WHERE units > 0) > 0),
    weekly AS (
      SELECT sku, stddev_pop(u) / nullif(avg(u), 0) AS cv, count(*) AS weeks
      FROM (SELECT sku, date_trunc('week', date) AS w, sum(units) AS u FROM daily_demand GROUP BY sku, w)
      GROUP BY sku)
    SELECT count(*)::INTEGER AS skus, any_value(span.years)::DOUBLE AS years,
      median(lines / span.years)::DOUBLE AS l_med, avg(lines / span.years)::DOUBLE AS l_mean,
      quantile_cont(lines / span.years, 0.9)::DOUBLE AS l_p90,
      avg((open_days / sale_days > 1.32)::INTEGER)::DOUBLE AS intermittent,
      avg((open_days / sale_days > 1.32 AND coalesce(size_cv, 0) ^ 2 > 0.49)::INTEGER)::DOUBLE AS lumpy,
      (SELECT median(cv) FROM weekly WHERE weeks >= 8)::DOUBLE AS cv,
      avg((first_sale >= span.f + 28)::INTEGER)::DOUBLE AS launch,
      median(sale_days / open_days)::DOUBLE AS sale_days,
      (SELECT count(*) / count(DISTINCT order_id) FROM order_lines WHERE status = 'sale')::DOUBLE AS lpo
    FROM per, span`);
  const n = (x: number | null): number => x ?? 0;
  return {
    skus: r.skus,
    years: n(r.years),
    lines_per_sku_year: { median: n(r.l_med), mean: n(r.l_mean), p90: n(r.l_p90) },
    intermittent_share: n(r.intermittent),
    lumpy_share: n(r.lumpy),
    weekly_cv_median: n(r.cv),
    launch_share: n(r.launch),
    sale_day_share_median: n(r.sale_days),
    lines_per_order: n(r.lpo),
  };
}
