/**
 * The daily panel the global model learns from: per SKU, demand (closed days 0, suspected
 * stock-out and missing days unknown), the day's average selling price where it sold, and the
 * promotion and closed flags. Demand and prices run up to the last day; promotion and closed flags
 * `extra` days beyond it, because a merchant plans those ahead (a data set without them has none).
 */
import { DAY_MS } from '../numerics/calendar.js';

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

/** Daily demand as the store reads it (store/demand-panel.ts), per SKU from its first day. */
export interface DailyDemand {
  firstDay: number;
  lastDay: number;
  skus: readonly {
    sku: string;
    first: number;
    clean: Float64Array;
    price: Float64Array;
    promo: Float64Array;
    closed: Float64Array;
    units: number;
  }[];
}

/**
 * The panel of the SKUs that sold anything up to the last day (views of the given arrays, no copy).
 * @example const panel = panelFromDaily(await readDemandPanel(ws, { asOf, extraDays: h }));
 */
export function panelFromDaily(d: DailyDemand): Panel {
  const p: Panel = { ids: [], starts: [], units: [], price: [], promo: [], closed: [], lastDay: d.lastDay };
  for (const s of d.skus) {
    if (!(s.units > 0) || s.clean.length === 0) continue;
    p.ids.push(s.sku);
    p.starts.push(d.firstDay + s.first * DAY_MS);
    p.units.push(s.clean);
    p.price.push(s.price);
    p.promo.push(s.promo);
    p.closed.push(s.closed);
  }
  return p;
}
