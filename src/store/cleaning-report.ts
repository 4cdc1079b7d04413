import { ident, raw, sql } from './sql.js';
import type { Workspace } from './workspace.js';

/** How many rows (and units) one cleaning rule touched. */
export interface CleaningRuleCount {
  rule: string;
  /** rows of order lines / daily sales, or SKU-days for the series rules */
  rows: number;
  units: number;
  description: string;
}

const RULES: readonly { rule: string; description: string }[] = [
  { rule: 'rejected', description: 'malformed rows kept in rejects.csv with file, line and reason' },
  { rule: 'cancellations', description: 'lines of cancelled orders, removed from demand' },
  {
    rule: 'cancelled_originals',
    description: 'sales undone by a later cancellation (same customer, SKU, quantity), removed from demand',
  },
  { rule: 'returns', description: 'negative quantities on ordinary orders, kept separately, not demand' },
  { rule: 'non_product', description: 'postage, fees, adjustments and other non-product lines, kept, not demand' },
  { rule: 'duplicates', description: 'exact duplicate lines after the first copy, not demand' },
  { rule: 'bad_price', description: 'zero or negative unit price, not demand' },
  { rule: 'zero_quantity', description: 'quantity 0, not demand' },
  { rule: 'superseded', description: 'daily values replaced by a later file for the same SKU and day' },
  {
    rule: 'overlap',
    description: 'daily values of SKUs that also have order lines (the order lines give their demand)',
  },
  {
    rule: 'outliers',
    description: 'lines far above the SKU usual order size, capped for forecasting (units = units removed by the cap)',
  },
  { rule: 'closed_days', description: 'SKU-days on which the shop was closed, marked closed rather than zero demand' },
  { rule: 'gaps_filled', description: 'SKU-days without sales since the SKU first sold, filled with zero' },
  { rule: 'missing_days', description: 'SKU-days a daily-sales file has no row for: missing (no data), not zero' },
  { rule: 'stockouts_suspected', description: 'SKU-days inside improbably long zero runs of regular sellers' },
  {
    rule: 'bundles',
    description: "lines of bundles and kits, turned into their components' demand (units = bundles sold)",
  },
  {
    rule: 'stockouts_known',
    description: 'SKU-days a stock snapshot shows nothing available: lost sales, censored rather than zero demand',
  },
];

const STATUS_RULE: Record<string, string> = {
  cancellation: 'cancellations',
  cancelled: 'cancellations',
  cancelled_original: 'cancelled_originals',
  return: 'returns',
  non_product: 'non_product',
  duplicate: 'duplicates',
  bad_price: 'bad_price',
  zero_quantity: 'zero_quantity',
  superseded: 'superseded',
  overlap: 'overlap',
  bundle: 'bundles',
};

/**
 * Counts what each cleaning rule did. Without `scopeTable`, over the whole workspace; with it (a
 * table of `row_key, occurrence` of one ingest's rows), over those rows, and for the series rules
 * over the SKU-days of their SKUs within their date range. `rejected` is passed in for a scope.
 */
export async function cleaningReport(
  ws: Workspace,
  scopeTable?: string,
  rejected?: number,
): Promise<CleaningRuleCount[]> {
  const semi = scopeTable === undefined ? raw('') : sql`SEMI JOIN ${ident(scopeTable)} USING (row_key, occurrence)`;
  const rows = await ws.all<{ status: string; n: number; units: number }>(sql`
    WITH ol AS (SELECT * FROM order_lines ${semi}), ds AS (SELECT * FROM daily_sales ${semi})
    SELECT status, count(*)::DOUBLE AS n, coalesce(sum(abs(quantity)), 0)::DOUBLE AS units FROM ol GROUP BY status
    UNION ALL SELECT 'outlier', count(*), coalesce(sum(quantity - demand_quantity), 0) FROM ol WHERE outlier
    UNION ALL SELECT status, count(*), coalesce(sum(abs(units)), 0) FROM ds GROUP BY status`);
  const counts = new Map<string, { rows: number; units: number }>();
  const add = (rule: string, n: number, units: number): void => {
    const c = counts.get(rule) ?? { rows: 0, units: 0 };
    counts.set(rule, { rows: c.rows + n, units: c.units + units });
  };
  for (const r of rows) {
    const rule = r.status === 'outlier' ? 'outliers' : STATUS_RULE[r.status];
    if (rule !== undefined) add(rule, r.n, r.units);
  }
  const series = await ws.one<{ closed: number; filled: number; stockout: number; known: number; missing: number }>(sql`
    WITH sc AS (SELECT sku, date FROM order_lines ${semi} UNION ALL SELECT sku, date FROM daily_sales ${semi}),
    r AS (SELECT min(date) AS lo, max(date) AS hi FROM sc)
    SELECT count(*) FILTER (WHERE closed)::DOUBLE AS closed, count(*) FILTER (WHERE filled)::DOUBLE AS filled,
      count(*) FILTER (WHERE stockout AND NOT stockout_known)::DOUBLE AS stockout,
      count(*) FILTER (WHERE stockout_known)::DOUBLE AS known, count(*) FILTER (WHERE missing)::DOUBLE AS missing
    FROM daily_demand, r
    ${scopeTable === undefined ? raw('') : raw('WHERE sku IN (SELECT sku FROM sc) AND date BETWEEN r.lo AND r.hi')}`);
  add('closed_days', series.closed, 0);
  add('gaps_filled', series.filled, 0);
  add('stockouts_suspected', series.stockout, 0);
  add('stockouts_known', series.known, 0);
  add('missing_days', series.missing, 0);
  if (rejected !== undefined) add('rejected', rejected, 0);
  else add('rejected', (await ws.one<{ n: number }>('SELECT count(*)::DOUBLE AS n FROM rejected_rows')).n, 0);
  return RULES.map(({ rule, description }) => ({ rule, description, ...(counts.get(rule) ?? { rows: 0, units: 0 }) }));
}

/** The cleaning report as `rule → rows affected`. */
export function cleaningCounts(report: readonly CleaningRuleCount[]): Record<string, number> {
  return Object.fromEntries(report.map((r) => [r.rule, r.rows]));
}
