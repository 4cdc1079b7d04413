/**
 * What a launch forecast may see: the products already launched in the workspace as of a date,
 * each with its description (the most frequent one on its order lines up to that date), its first
 * selling price and its daily demand since its first sale; and the shop's activity per day (units
 * per selling product over the trailing 28 days), to compare launches made in different seasons.
 */
import { DAY_MS } from '../numerics/calendar.js';

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

/** Daily demand as the store reads it (store/demand-panel.ts), per SKU from its first day. */
export interface HistoryInput {
  /** ms of day 0 and of the last day */
  firstDay: number;
  lastDay: number;
  skus: readonly { sku: string; first: number; clean: Float64Array; price: Float64Array }[];
  /** each SKU's description as of the last day (the most frequent on its order lines) */
  descriptions: ReadonlyMap<string, string>;
  /** the catalog: description, category and whether the code is a product */
  catalog: ReadonlyMap<string, { description: string | null; category: string | null; isProduct: boolean }>;
}

/**
 * The launch history from the shop's daily demand: every product with a first price, and the
 * shop's activity per day. O(days × products).
 * @example const history = shopHistory({ ...(await readDemandPanel(ws, { asOf })), descriptions, catalog });
 */
export function shopHistory(input: HistoryInput): ShopHistory {
  const start = input.firstDay;
  const days = Math.round((input.lastDay - start) / DAY_MS) + 1;
  const products: LaunchedProduct[] = [];
  const activityUnits = new Float64Array(days);
  for (const s of input.skus) {
    const firstDay = s.first;
    const daily = s.clean;
    const price = s.price;
    const c = input.catalog.get(s.sku);
    const description = input.descriptions.get(s.sku) ?? c?.description ?? '';
    if (c?.isProduct !== false && Number.isFinite(price[0]!)) {
      products.push({
        sku: s.sku,
        description,
        category: c?.category ?? null,
        firstDay,
        firstPrice: price[0]!,
        daily,
        price,
      });
      for (let d = 0; d < daily.length; d++)
        if (daily[d]! > 0) activityUnits[firstDay + d] = activityUnits[firstDay + d]! + daily[d]!;
    }
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
