/**
 * `plan`'s first step: the demand panel, the stock file's rows and the catalogue's costs, as the workspace holds them.
 */
import { InputError } from '../../data/errors.js';
import { DAY_MS, isoDate } from '../../numerics/calendar.js';
import { INVENTORY_DEFAULTS } from '../../inventory/defaults.js';
import { catalogCosts } from '../../store/catalog.js';
import { type StockRow as StoredStockRow, readStockRows } from '../../store/plan-runs.js';
import type { Workspace } from '../../store/workspace.js';
import { type InventoryPanel, loadInventoryPanel } from '../inventory-panel.js';

export interface StockRow {
  onHand: number;
  onOrder: number;
  leadTime: number | null;
  leadTimeSd: number | null;
  unitCost: number | null;
  orderCost: number | null;
  holdingRate: number | null;
  moq: number;
  pack: number;
  supplier: string | null;
}

/** What the plan is made from. */
export interface PlanInputs {
  panel: InventoryPanel;
  stock: Map<string, StockRow>;
  /** the catalogue's unit cost of the SKUs that have one */
  catalogCost: Map<string, number>;
  /** the last day with data (ms) and as ISO date */
  lastDay: number;
  asOf: string;
  /** days forecast: the horizon, and at least the longest lead time (mean + 3 sd) + review period */
  h: number;
}

/** The latest stock row of each SKU, checked: a bad value names its file and line. */
export async function loadStock(ws: Workspace): Promise<Map<string, StockRow>> {
  const rows = await readStockRows(ws);
  const out = new Map<string, StockRow>();
  for (const r of rows) {
    const where = `${r.path}, line ${String(r.line)}`;
    const num = (k: keyof StoredStockRow, min: number): number | null => {
      const v = r[k] as number | null;
      if (v === null) return null;
      if (!(v >= min)) throw new InputError(`${where}: ${k} must be ≥ ${min}, got ${v}`);
      return v;
    };
    const pack = num('pack_size', 0);
    if (pack === 0) throw new InputError(`${where}: pack_size must be > 0`);
    out.set(r.sku, {
      onHand: r.on_hand,
      onOrder: num('on_order', 0) ?? 0,
      leadTime: num('lead_time_days', 0),
      leadTimeSd: num('lead_time_sd_days', 0),
      unitCost: num('unit_cost', 0),
      orderCost: num('order_cost', 0),
      holdingRate: num('holding_rate', 0),
      moq: num('moq', 0) ?? 0,
      pack: pack ?? 1,
      supplier: r.supplier ?? null,
    });
  }
  return out;
}

/** Reads the demand panel (up to `asOf` when given), the stock and the catalogue's costs; sets the days to forecast. */
export async function readStep(ws: Workspace, asOfOption: string | undefined, horizon: number): Promise<PlanInputs> {
  const D = INVENTORY_DEFAULTS;
  const panel: InventoryPanel = await loadInventoryPanel(ws, asOfOption === undefined ? {} : { to: asOfOption });
  const stock = await loadStock(ws);
  const catalogCost = await catalogCosts(ws);
  const lastDay = panel.firstDay + (panel.days - 1) * DAY_MS;
  const maxLead = Math.max(
    D.leadTimeDays,
    ...[...stock.values()].map((s) => (s.leadTime ?? 0) + 3 * (s.leadTimeSd ?? 0)),
  );
  const h = Math.max(horizon, Math.ceil(maxLead) + D.reviewDays);
  return { panel, stock, catalogCost, lastDay, asOf: isoDate(lastDay), h };
}
