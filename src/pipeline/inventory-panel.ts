import { DAY_MS } from '../numerics/calendar.js';
import { skuSummaries } from '../store/catalog.js';
import { readDemandPanel, readShopClosed } from '../store/demand-panel.js';
import type { Workspace } from '../store/workspace.js';

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
  /** each SKU's first day on the calendar (its first row): its clean series is NaN before it */
  first: Int32Array;
  /**
   * the shop's closed days (1 closed, 0 open) on the same calendar, `days + futureDays` long: closed days found by the
   * cleaning up to the last day, then the known closed weekdays and holidays carried forward (store/demand-panel.ts
   * `readShopClosed`); day `days + k` is the k+1-th day after the last day
   */
  closed: Float64Array;
  /** days of `closed` past the last day */
  futureDays: number;
}

export interface PanelOptions {
  /** only these SKUs (in this order) */
  skus?: readonly string[];
  /** the last day, YYYY-MM-DD (default: the last day with data) */
  to?: string;
  /** days of closed flags past the last day (default 731: two years, more than any plan's horizon) */
  futureDays?: number;
}

/** Loads the panel of products with sales up to `to`. */
export async function loadInventoryPanel(ws: Workspace, o: PanelOptions = {}): Promise<InventoryPanel> {
  // only the SKUs asked for are read (a live refresh of a few SKUs reads a few series, not the catalogue); of each
  // SKU read, only its clean and actual demand are kept, on the whole calendar (its price, promotion and closed
  // flags are not used here: keeping the whole panel beside these arrays was most of a 100,000-SKU plan's memory)
  const selling = new Map<string, { clean: Float64Array; actual: Float64Array; first: number }>();
  const demand = await readDemandPanel(ws, {
    ...(o.to === undefined ? {} : { asOf: o.to }),
    ...(o.skus === undefined ? {} : { skus: o.skus }),
    onSku: (s) => {
      if (!(s.units > 0)) return;
      const calendar = s.first + s.clean.length;
      const clean = new Float64Array(calendar).fill(NaN);
      const actual = new Float64Array(calendar);
      clean.set(s.clean, s.first);
      actual.set(s.actual, s.first);
      selling.set(s.sku, { clean, actual, first: s.first });
    },
  });
  const order = o.skus === undefined ? [...selling.keys()] : o.skus.filter((s) => selling.has(s));
  const summaries = await skuSummaries(ws, o.to, o.skus);
  const days = Math.round((demand.lastDay - demand.firstDay) / DAY_MS) + 1;
  const n = order.length;
  const futureDays = Math.max(0, Math.trunc(o.futureDays ?? 731));
  const p: InventoryPanel = {
    ids: order,
    names: new Array<string>(n).fill(''),
    price: new Float64Array(n),
    revenue: new Float64Array(n),
    firstDay: demand.firstDay,
    days,
    clean: order.map((sku) => selling.get(sku)!.clean),
    actual: order.map((sku) => selling.get(sku)!.actual),
    first: Int32Array.from(order, (sku) => selling.get(sku)!.first),
    closed: await readShopClosed(ws, demand.firstDay, days + futureDays),
    futureDays,
  };
  order.forEach((sku, i) => {
    const info = summaries.get(sku);
    p.names[i] = info?.name ?? sku;
    p.price[i] = info?.price ?? 0;
    p.revenue[i] = info?.revenue ?? 0;
  });
  return p;
}

const RELEASED = new Float64Array(0);

/**
 * Releases the clean and actual series of every SKU but those at `keep` (panel indices): each becomes an empty array.
 * A plan calls it once its stock policies are set, when only its report's SKUs' series are read again: at 100,000
 * SKUs the series are about 1.1 GB, most of the plan's memory while it writes its outputs. Returns how many were
 * released.
 * @example releaseSeries(panel, new Set([0, 3])) // panel.clean[1].length === 0
 */
export function releaseSeries(panel: InventoryPanel, keep: ReadonlySet<number>): number {
  let released = 0;
  for (let i = 0; i < panel.ids.length; i++) {
    if (keep.has(i)) continue;
    panel.clean[i] = RELEASED;
    panel.actual[i] = RELEASED;
    released++;
  }
  return released;
}
