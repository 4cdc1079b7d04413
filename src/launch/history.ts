/**
 * What a launch forecast may see: the products already launched in the workspace as of a date,
 * each with its description (the most frequent one on its order lines up to that date), its first
 * selling price and its daily demand since its first sale; and the shop's activity per day (units
 * per selling product over the trailing 28 days), to compare launches made in different seasons.
 */
import { InputError } from '../data/errors.js';
import { DAY_MS } from '../data/periods.js';
import { type Workspace, asOfDateSql, sqlString } from '../store/workspace.js';
import { ensureCleanTables } from '../pipeline/ingest.js';
import { descriptionsSql } from '../store/clean.js';

export interface LaunchedProduct {
  sku: string;
  description: string;
  category: string | null;
  /** day index of the first sale (days since ShopHistory.start) */
  firstDay: number;
  firstPrice: number;
  /** demand per day from the first sale up to the history's last day (NaN unknown) */
  daily: Float64Array;
  /** average selling price per day (NaN: no sale) */
  price: Float64Array;
}

export interface ShopHistory {
  /** ms of day 0 (the first day with demand) */
  start: number;
  /** number of days, the last one being the as-of date */
  days: number;
  products: LaunchedProduct[];
  /** units per selling product over the 28 days up to each day (NaN before 28 days of data) */
  activity: Float64Array;
}

export async function loadShopHistory(ws: Workspace, asOfText?: string): Promise<ShopHistory> {
  await ensureCleanTables(ws);
  const asOf = asOfDateSql(asOfText, '--date');
  const span = await ws.one(`SELECT min(date)::VARCHAR AS a, least(max(date), ${asOf})::VARCHAR AS b FROM daily_demand`);
  if (span['a'] === null || span['b'] === null || (span['b'] as string) < (span['a'] as string))
    throw new InputError(`the workspace has no demand${asOfText === undefined ? '' : ` up to ${asOfText}`}`);
  const start = Date.parse(`${span['a'] as string}T00:00:00Z`);
  const days = Math.round((Date.parse(`${span['b'] as string}T00:00:00Z`) - start) / DAY_MS) + 1;
  // descriptions as of the date: the most frequent on the order lines (ties: the first in order), else the catalog's
  const hasLines = Number((await ws.one(`SELECT count(*) AS n FROM order_lines`))['n']) > 0;
  const desc = new Map<string, string>();
  if (hasLines)
    for (const r of await ws.all(descriptionsSql(`date <= ${asOf}`))) desc.set(r['sku'] as string, r['description'] as string);
  const cat = new Map<string, { d: string | null; c: string | null; product: boolean }>();
  for (const r of await ws.all(`SELECT sku, description, category, is_product FROM catalog`))
    cat.set(r['sku'] as string, { d: r['description'] as string | null, c: r['category'] as string | null, product: r['is_product'] !== false });
  const rows = await ws.all(`
    SELECT sku, (date - DATE ${sqlString(span['a'] as string)})::INTEGER AS d,
      CASE WHEN closed THEN 0 WHEN stockout OR missing THEN NULL ELSE units END AS v, price
    FROM daily_demand WHERE date <= ${asOf} ORDER BY sku, date`);
  const products: LaunchedProduct[] = [];
  const activityUnits = new Float64Array(days);
  let i = 0;
  while (i < rows.length) {
    const sku = rows[i]!['sku'] as string;
    let j = i;
    while (j < rows.length && rows[j]!['sku'] === sku) j++;
    const firstDay = rows[i]!['d'] as number;
    const daily = new Float64Array(days - firstDay).fill(NaN);
    const price = new Float64Array(days - firstDay).fill(NaN);
    for (let k = i; k < j; k++) {
      const d = (rows[k]!['d'] as number) - firstDay;
      if (rows[k]!['v'] !== null) daily[d] = rows[k]!['v'] as number;
      if (rows[k]!['price'] !== null) price[d] = rows[k]!['price'] as number;
    }
    const c = cat.get(sku);
    const description = desc.get(sku) ?? c?.d ?? '';
    if (c?.product !== false && Number.isFinite(price[0]!)) {
      products.push({ sku, description, category: c?.c ?? null, firstDay, firstPrice: price[0]!, daily, price });
      for (let d = 0; d < daily.length; d++) if (daily[d]! > 0) activityUnits[firstDay + d] += daily[d]!;
    }
    i = j;
  }
  // units per selling product over the trailing 28 days
  const activity = new Float64Array(days).fill(NaN);
  // distinct sellers per 28-day window: last sale day per product, counted by a sweep
  const lastSale = products.map(() => -Infinity);
  const byDay: number[][] = Array.from({ length: days }, () => []);
  products.forEach((p, k) => {
    for (let d = 0; d < p.daily.length; d++) if (p.daily[d]! > 0) byDay[p.firstDay + d]!.push(k);
  });
  let units = 0;
  for (let d = 0; d < days; d++) {
    units += activityUnits[d]!;
    if (d >= 28) units -= activityUnits[d - 28]!;
    for (const k of byDay[d]!) lastSale[k] = d;
    if (d >= 27) {
      let n = 0;
      for (const l of lastSale) if (l > d - 28) n++;
      activity[d] = n > 0 ? units / n : NaN;
    }
  }
  return { start, days, products, activity };
}
