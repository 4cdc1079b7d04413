/**
 * `plan`'s first step: the demand panel, the latest stock snapshot and the catalogue's costs, as the workspace holds
 * them.
 */
import { InputError } from '../../data/errors.js';
import { DAY_MS, isoDate } from '../../numerics/calendar.js';
import { INVENTORY_DEFAULTS } from '../../inventory/defaults.js';
import {
  type CatalogSupply,
  type SupplierRow,
  catalogCosts,
  catalogSupply,
  readSuppliers,
} from '../../store/catalog.js';
import { asOfDate } from '../../store/demand-panel.js';
import { type StockRow as StoredStockRow, readStockSnapshot, stockSnapshotMaxLead } from '../../store/stock.js';
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

/** A supplier's terms as a plan takes them (null: the file gives none; the stock row's own values win). */
export interface SupplierTerms {
  leadTime: number | null;
  leadTimeSd: number | null;
  moq: number | null;
  minUnits: number;
  minValue: number;
  orderCost: number | null;
  reviewDays: number | null;
  currency: string | null;
}

/** The supplier files' rows checked (a negative or zero value where it cannot be names its file and line). */
export function supplierTerms(rows: ReadonlyMap<string, SupplierRow>): Map<string, SupplierTerms> {
  const out = new Map<string, SupplierTerms>();
  for (const r of rows.values()) {
    const where = `${r.path}, line ${String(r.line)}`;
    const num = (k: keyof SupplierRow, min: number, above = false): number | null => {
      const v = r[k] as number | null;
      if (v === null) return null;
      if (!(above ? v > min : v >= min))
        throw new InputError(`${where}: ${k} must be ${above ? '>' : '≥'} ${min}, got ${v}`);
      return v;
    };
    out.set(r.supplier, {
      leadTime: num('lead_time_days', 0),
      leadTimeSd: num('lead_time_sd_days', 0),
      moq: num('moq', 0),
      minUnits: num('min_order_units', 0) ?? 0,
      minValue: num('min_order_value', 0) ?? 0,
      orderCost: num('order_cost', 0),
      reviewDays: num('review_days', 0, true),
      currency: r.currency,
    });
  }
  return out;
}

/**
 * A SKU's supplier (its stock row's, else its catalog row's), that supplier's terms, the MOQ its lines must meet (the
 * stock row's when it gives one, else the supplier's, else none) and whether it may be ordered: not when the catalog
 * archived it (discontinued), keeps it as a draft (not launched) or gives a discontinuation day on or before the
 * plan's. The one place these are resolved: the policy, the defaults counted and the network split read them here.
 */
export function skuSupply(
  inputs: Pick<PlanInputs, 'stock' | 'supply' | 'suppliers'>,
  sku: string,
  asOf: string,
): { supplier: string | null; terms: SupplierTerms | undefined; moq: number; retired: string | null } {
  const c = inputs.supply.get(sku);
  const st = inputs.stock.get(sku);
  const supplier = st?.supplier ?? c?.supplier ?? null;
  const terms = supplier === null ? undefined : inputs.suppliers.get(supplier);
  const moq = st !== undefined && st.moq > 0 ? st.moq : (terms?.moq ?? 0);
  const retired =
    c?.status === 'archived'
      ? 'archived: discontinued'
      : c?.status === 'draft'
        ? 'a draft: not launched'
        : c?.discontinuedAt != null && c.discontinuedAt <= asOf
          ? `discontinued on ${c.discontinuedAt}`
          : null;
  return { supplier, terms, moq, retired };
}

/** Which stock snapshot the plan read, and the SKUs with sales it lacks (their on-hand is unknown). */
export interface StockSnapshotUse {
  /** the snapshot's date (null: no stock rows, or undated ones) */
  date: string | null;
  /** SKUs in the snapshot */
  skus: number;
  /** SKUs with sales that the snapshot lacks: on hand unknown (the plan's default) */
  missing: number;
  /** of those, the SKUs an older snapshot held: their older on-hand is deliberately not used */
  missingButInOlder: string[];
}

/** What the plan is made from. */
export interface PlanInputs {
  panel: InventoryPanel;
  stock: Map<string, StockRow>;
  stockSnapshot: StockSnapshotUse;
  /** the catalogue's unit cost of the SKUs that have one */
  catalogCost: Map<string, number>;
  /** the catalogue's supplier, status and discontinuation day of the SKUs that have one */
  supply: Map<string, CatalogSupply>;
  /** the supplier files' terms, by supplier */
  suppliers: Map<string, SupplierTerms>;
  /** the last day with data (ms) and as ISO date */
  lastDay: number;
  asOf: string;
  /** days forecast: the horizon, and at least the longest lead time (mean + 3 sd) + review period */
  h: number;
}

/**
 * The stock of the latest snapshot dated on or before `cutoff` (the latest of all when omitted), one row per SKU,
 * checked: a bad value names its file and line. SKUs only older snapshots hold are not in `stock` (their on-hand
 * then is not today's) but listed in `olderOnly`.
 */
export async function loadStock(
  ws: Workspace,
  cutoff?: string,
  skus?: readonly string[],
): Promise<{ stock: Map<string, StockRow>; date: string | null; olderOnly: string[] }> {
  const snapshot = await readStockSnapshot(ws, cutoff, skus);
  const out = new Map<string, StockRow>();
  for (const r of snapshot.rows) {
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
  return { stock: out, date: snapshot.date, olderOnly: snapshot.olderOnly };
}

/**
 * Reads the demand panel (up to `asOf` when given; only the SKUs of `skus` when given, as a live refresh does), the
 * stock snapshot (the latest on or before `asOf` when given, else the latest; its rows of `skus` only, when given)
 * and the catalogue's costs; sets the days to forecast (from the whole snapshot's lead times, so a few SKUs get the
 * days the whole plan forecasts).
 */
export async function readStep(
  ws: Workspace,
  asOfOption: string | undefined,
  horizon: number,
  skus?: readonly string[],
): Promise<PlanInputs> {
  const D = INVENTORY_DEFAULTS;
  const panel: InventoryPanel = await loadInventoryPanel(ws, {
    ...(asOfOption === undefined ? {} : { to: asOfOption }),
    ...(skus === undefined ? {} : { skus }),
  });
  const { stock, date, olderOnly } = await loadStock(ws, asOfDate(asOfOption), skus);
  const older = new Set(olderOnly);
  const stockSnapshot: StockSnapshotUse = {
    date,
    skus: stock.size,
    missing: panel.ids.filter((sku) => !stock.has(sku)).length,
    missingButInOlder: panel.ids.filter((sku) => !stock.has(sku) && older.has(sku)),
  };
  const catalogCost = await catalogCosts(ws);
  const supply = await catalogSupply(ws);
  const suppliers = supplierTerms(await readSuppliers(ws));
  const lastDay = panel.firstDay + (panel.days - 1) * DAY_MS;
  // a few SKUs' stock rows only: the longest lead time of the whole snapshot from the store
  const maxLead = Math.max(
    D.leadTimeDays,
    ...(skus === undefined
      ? [...stock.values()].map((s) => (s.leadTime ?? 0) + 3 * (s.leadTimeSd ?? 0))
      : [(await stockSnapshotMaxLead(ws, asOfDate(asOfOption))) ?? 0]),
    ...[...suppliers.values()].map((s) => (s.leadTime ?? 0) + 3 * (s.leadTimeSd ?? 0)),
  );
  const maxReview = Math.max(D.reviewDays, ...[...suppliers.values()].map((s) => s.reviewDays ?? 0));
  const h = Math.max(horizon, Math.ceil(maxLead) + Math.ceil(maxReview));
  return { panel, stock, stockSnapshot, catalogCost, supply, suppliers, lastDay, asOf: isoDate(lastDay), h };
}

/**
 * What the plan states about its stock: the snapshot it read, and the SKUs with sales that snapshot lacks although
 * an older one held them (their on-hand then is not used: unknown, the plan's default).
 * @example stockSnapshotAssumptions({ date: '2011-12-09', skus: 230, missing: 8, missingButInOlder: ['22423'] })
 * // ['stock as of 2011-12-09 (the latest stock snapshot, 230 SKUs)', '1 SKU with sales is missing from …']
 */
export function stockSnapshotAssumptions(s: StockSnapshotUse): string[] {
  if (s.skus === 0) return [];
  const out = [`stock as of ${s.date ?? 'an undated file'} (the latest stock snapshot, ${s.skus} SKUs)`];
  const n = s.missingButInOlder.length;
  if (n > 0) {
    const shown = s.missingButInOlder.slice(0, 5).join(', ') + (n > 5 ? ', …' : '');
    out.push(
      `${n} SKU${n === 1 ? '' : 's'} with sales ${n === 1 ? 'is' : 'are'} missing from the stock snapshot of ` +
        `${s.date ?? 'an undated file'} but in an older one (${shown}): the older on hand is not used, ` +
        `${n === 1 ? 'its' : 'their'} stock is unknown and taken as 0; check ${n === 1 ? 'it' : 'them'}`,
    );
  }
  return out;
}

/**
 * The inputs of SKUs [from, to) of the panel only: their panel rows, stock and catalogue cost rows (what a shard or a
 * refresh chunk carries to its worker; each SKU's policy depends on its own rows only).
 * @example sliceInputs(inputs, 0, 10).panel.ids.length // 10
 */
export function sliceInputs(inputs: PlanInputs, from: number, to: number): PlanInputs {
  const { panel } = inputs;
  const ids = panel.ids.slice(from, to);
  const pick = <V>(m: ReadonlyMap<string, V>): Map<string, V> =>
    new Map(ids.flatMap((s) => (m.has(s) ? [[s, m.get(s)!] as [string, V]] : [])));
  return {
    ...inputs,
    panel: {
      ...panel,
      ids,
      names: panel.names.slice(from, to),
      price: panel.price.slice(from, to),
      revenue: panel.revenue.slice(from, to),
      clean: panel.clean.slice(from, to),
      actual: panel.actual.slice(from, to),
      first: panel.first.slice(from, to),
    },
    stock: pick(inputs.stock),
    catalogCost: pick(inputs.catalogCost),
    supply: pick(inputs.supply),
  };
}
