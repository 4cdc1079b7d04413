/**
 * The daily panel the global model learns from: per SKU, demand (closed days 0, suspected
 * stock-out and missing days unknown), the day's average selling price where it sold, and the
 * promotion and closed flags. Demand and prices are read up to `asOf`; promotion and closed flags
 * also after it, because a merchant plans those ahead (a data set without them has none).
 */
import { DAY_MS } from '../data/periods.js';
import { InputError } from '../data/errors.js';
import { type Workspace, asOfDateSql } from '../store/workspace.js';
import { ensureCleanTables } from '../pipeline/ingest.js';

export interface Panel {
  ids: string[];
  /** first day of each SKU (ms since the epoch, UTC midnight) */
  starts: number[];
  /** demand per day up to the SKU's last known day (NaN: unknown) */
  units: Float64Array[];
  /** average selling price per day (NaN: no sale) */
  price: Float64Array[];
  /** promotion (1/0, NaN unknown) and closed (1/0) per day, `extra` days longer than units */
  promo: Float64Array[];
  closed: Float64Array[];
  /** the last day with demand data, common to all SKUs (ms) */
  lastDay: number;
}

export async function loadPanel(ws: Workspace, asOfText?: string, extraDays = 0): Promise<Panel> {
  await ensureCleanTables(ws);
  const asOf = asOfDateSql(asOfText, '--as-of');
  const last = await ws.all(`SELECT least(max(date), ${asOf})::VARCHAR AS d FROM daily_demand`);
  if (last[0]?.['d'] === null || last[0] === undefined) throw new InputError('the workspace has no demand');
  const lastDay = Date.parse(`${last[0]['d'] as string}T00:00:00Z`);
  const rows = await ws.all(`
    SELECT sku, date::VARCHAR AS date,
      CASE WHEN date > ${asOf} THEN NULL WHEN closed THEN 0 WHEN stockout OR missing THEN NULL ELSE units END AS v,
      CASE WHEN date > ${asOf} THEN NULL ELSE price END AS price, promo::INTEGER AS promo, closed::INTEGER AS closed
    FROM daily_demand
    WHERE sku IN (SELECT sku FROM daily_demand WHERE date <= ${asOf} GROUP BY sku HAVING sum(units) > 0)
      AND date <= ${asOf} + INTERVAL ${Math.max(0, Math.trunc(extraDays))} DAY
    ORDER BY sku, date`);
  const p: Panel = { ids: [], starts: [], units: [], price: [], promo: [], closed: [], lastDay };
  let i = 0;
  while (i < rows.length) {
    const sku = rows[i]!['sku'] as string;
    let j = i;
    while (j < rows.length && rows[j]!['sku'] === sku) j++;
    const start = Date.parse(`${rows[i]!['date'] as string}T00:00:00Z`);
    const len = Math.round((lastDay - start) / DAY_MS) + 1;
    const total = len + extraDays;
    const units = new Float64Array(len).fill(NaN);
    const price = new Float64Array(len).fill(NaN);
    const promo = new Float64Array(total).fill(NaN);
    const closed = new Float64Array(total).fill(0);
    for (let k = i; k < j; k++) {
      const r = rows[k]!;
      const d = Math.round((Date.parse(`${r['date'] as string}T00:00:00Z`) - start) / DAY_MS);
      if (d < 0 || d >= total) continue;
      if (d < len) {
        if (r['v'] !== null) units[d] = r['v'] as number;
        if (r['price'] !== null) price[d] = r['price'] as number;
      }
      if (r['promo'] !== null) promo[d] = r['promo'] as number;
      if (r['closed'] !== null) closed[d] = r['closed'] as number;
    }
    if (len > 0) {
      p.ids.push(sku);
      p.starts.push(start);
      p.units.push(units);
      p.price.push(price);
      p.promo.push(promo);
      p.closed.push(closed);
    }
    i = j;
  }
  if (p.ids.length === 0) throw new InputError(`the workspace has no demand${asOfText === undefined ? '' : ` up to ${asOfText}`}`);
  return p;
}
