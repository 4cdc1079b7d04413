import { DAY_MS } from '../data/periods.js';
import { InputError } from '../data/errors.js';
import { type Workspace, asOfDateSql, sqlString } from '../store/workspace.js';
import { ensureCleanTables } from './ingest.js';

/**
 * Daily demand of the workspace's SKUs on one common calendar, as inventory planning and the
 * replay simulator need it: the clean series the forecasts learn from (closed days 0, suspected
 * stock-out and missing days unknown, NaN before a SKU's first sale) and the units customers
 * actually ordered each day (what a replay must serve).
 */
export interface InventoryPanel {
  ids: string[];
  names: string[];
  /** median selling price */
  price: Float64Array;
  /** revenue over the panel's days */
  revenue: Float64Array;
  /** the first day of the calendar (ms since the epoch, UTC midnight) */
  firstDay: number;
  days: number;
  clean: Float64Array[];
  actual: Float64Array[];
}

export interface PanelOptions {
  /** only these SKUs (in this order) */
  skus?: readonly string[];
  /** the last day, YYYY-MM-DD (default: the last day with data) */
  to?: string;
}

/** Loads the panel of products with sales up to `to`. */
export async function loadInventoryPanel(ws: Workspace, o: PanelOptions = {}): Promise<InventoryPanel> {
  await ensureCleanTables(ws);
  const to = asOfDateSql(o.to, '--as-of');
  const span = await ws.one(`SELECT min(date)::VARCHAR AS a, least(max(date), ${to})::VARCHAR AS b FROM daily_demand`);
  if (span['a'] === null) throw new InputError('the workspace has no demand');
  const firstDay = Date.parse(`${span['a'] as string}T00:00:00Z`);
  const days = Math.round((Date.parse(`${span['b'] as string}T00:00:00Z`) - firstDay) / DAY_MS) + 1;
  const only = o.skus === undefined ? '' : `AND sku IN (${o.skus.map(sqlString).join(', ') || 'NULL'})`;
  const skus = await ws.all(`
    SELECT d.sku, any_value(c.description) AS name, any_value(c.price_median) AS price, sum(d.revenue) AS revenue
    FROM daily_demand d LEFT JOIN catalog c USING (sku)
    WHERE d.date <= ${to} ${only} GROUP BY d.sku HAVING sum(d.units) > 0 ORDER BY d.sku`);
  const order = o.skus === undefined ? skus.map((r) => r['sku'] as string) : o.skus.filter((s) => skus.some((r) => r['sku'] === s));
  const index = new Map(order.map((s, i) => [s, i]));
  const n = order.length;
  const p: InventoryPanel = {
    ids: order, names: new Array<string>(n).fill(''), price: new Float64Array(n), revenue: new Float64Array(n), firstDay, days,
    clean: order.map(() => new Float64Array(days).fill(NaN)), actual: order.map(() => new Float64Array(days)),
  };
  for (const r of skus) {
    const i = index.get(r['sku'] as string);
    if (i === undefined) continue;
    p.names[i] = (r['name'] as string | null) ?? (r['sku'] as string);
    p.price[i] = (r['price'] as number | null) ?? 0;
    p.revenue[i] = (r['revenue'] as number | null) ?? 0;
  }
  const rows = await ws.all(`
    SELECT sku, datediff('day', DATE ${sqlString(span['a'] as string)}, date)::INTEGER AS d,
      CASE WHEN closed THEN 0 WHEN stockout OR missing THEN NULL ELSE units END AS v, CASE WHEN closed THEN 0 ELSE units_raw END AS a
    FROM daily_demand WHERE date <= ${to} ${only}`);
  for (const r of rows) {
    const i = index.get(r['sku'] as string);
    if (i === undefined) continue;
    const d = r['d'] as number;
    if (r['v'] !== null) p.clean[i]![d] = r['v'] as number;
    p.actual[i]![d] = Math.max(0, (r['a'] as number | null) ?? 0);
  }
  return p;
}
