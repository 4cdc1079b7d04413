/**
 * The plan's purchase orders per supplier and location, and its transfers between locations
 * (src/inventory/network.ts): each SKU's network order split over the locations of the stock snapshot by their share
 * of its demand (the order lines' locations over the last 365 days; without any, the shop's locations' shares; else
 * equal), purchase orders raised to their supplier's minimums (the SKU's order grows by what was added, its reason
 * says so), and the files a buyer sends: purchase-orders.csv (every line) and transfers.csv.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { csvField } from '../../data/csv-format.js';
import { DEFAULT_CLASS_SERVICE } from '../../inventory/abc-xyz.js';
import { INVENTORY_DEFAULTS } from '../../inventory/defaults.js';
import type { PlanPoLineRow } from '../../store/plan-runs.js';
import {
  type LocationStock,
  type NetworkPlan,
  type PoLine,
  type NetworkSku,
  networkOrders,
  purchaseOrders,
} from '../../inventory/network.js';
import { locationDemand, readStockLocations } from '../../store/stock.js';
import type { Workspace } from '../../store/workspace.js';
import type { PlanOrder } from '../plan.js';
import { round } from './format.js';
import { type PlanInputs, skuSupply } from './read.js';
import type { SkuPolicy } from './steps.js';

/** The SKUs' stock per location and each location's share of their demand, by SKU. */
async function locationsOf(ws: Workspace, inputs: PlanInputs): Promise<Map<string, LocationStock[]>> {
  const bySku = new Map<string, LocationStock[]>();
  for (const r of await readStockLocations(ws, inputs.stockSnapshot.date)) {
    const l = bySku.get(r.sku) ?? [];
    bySku.set(r.sku, l);
    l.push({ location: r.location, position: r.on_hand + r.on_order, share: 1 });
  }
  // one location per SKU (most shops): nothing to split, no sales by location to read
  if ([...bySku.values()].every((locs) => locs.length === 1)) return bySku;
  const soldAt = new Map<string, Map<string, number>>();
  const shop = new Map<string, number>();
  for (const r of await locationDemand(ws, inputs.asOf)) {
    const m = soldAt.get(r.sku) ?? new Map<string, number>();
    soldAt.set(r.sku, m);
    m.set(r.location, r.units);
    shop.set(r.location, (shop.get(r.location) ?? 0) + r.units);
  }
  for (const [sku, locs] of bySku) {
    const weigh = (m: Map<string, number> | undefined): number[] => locs.map((l) => m?.get(l.location) ?? 0);
    let w = weigh(soldAt.get(sku));
    if (w.every((x) => x <= 0)) w = weigh(shop);
    if (w.every((x) => x <= 0)) w = locs.map(() => 1);
    const total = w.reduce((a, b) => a + b, 0);
    locs.forEach((l, i) => (l.share = w[i]! / total));
  }
  return bySku;
}

/**
 * The network plan of the plan's SKUs: their policies and orders (after the budget), stock per location, suppliers'
 * minimums. Applies what the minimums added to `orders` (quantity and reason).
 * @example const net = await networkStep(ws, inputs, perSku, orders); net.lines; net.transfers;
 */
export async function networkStep(
  ws: Workspace,
  inputs: PlanInputs,
  perSku: readonly SkuPolicy[],
  orders: PlanOrder[],
): Promise<NetworkPlan> {
  const D = INVENTORY_DEFAULTS;
  const locations = await locationsOf(ws, inputs);
  const orderOf = new Map(orders.map((o) => [o.sku, o]));
  const skus: NetworkSku[] = inputs.panel.ids.map((sku, i) => {
    const p = perSku[i]!;
    const o = orderOf.get(sku);
    const st = inputs.stock.get(sku);
    return {
      sku,
      name: inputs.panel.names[i]!,
      supplier: p.supplier ?? '',
      mean: p.mean,
      leadTime: p.leadTime,
      reviewDays: p.reviewDays,
      orderUpTo: p.decision.orderUpTo,
      order: o?.order_qty ?? 0,
      moq: skuSupply(inputs, sku, inputs.asOf).moq,
      pack: st?.pack ?? 1,
      unitCost: p.costs.unitCost,
      shortagePerUnit: p.costs.shortagePerUnit,
      orderBy: o?.order_by ?? null,
      frozen: p.retired !== null || o?.held_back === true,
      // a SKU without stock rows per location: one location, its whole position
      locations: locations.get(sku) ?? [{ location: '', position: p.position, share: 1 }],
    };
  });
  // a supplier's terms hold its minimums and currency
  const plan = networkOrders(skus, inputs.suppliers, {
    days: D.transferDays,
    fixedCost: D.transferCost,
    unitCostShare: D.transferUnitCostShare,
  });
  const index = new Map(inputs.panel.ids.map((sku, i) => [sku, i]));
  const lineDate = new Map<string, string>();
  for (const l of plan.lines) if (l.orderBy !== null && !lineDate.has(l.sku)) lineDate.set(l.sku, l.orderBy);
  for (const [sku, added] of plan.raised) {
    const i = index.get(sku);
    const existing = orderOf.get(sku);
    const note = `raised by ${added} to meet the supplier's minimum order`;
    if (existing !== undefined) {
      existing.order_qty += added;
      existing.reason = `${existing.reason}; ${note}`;
    } else if (i !== undefined && perSku[i]!.order === null) {
      // a SKU not due yet joins its supplier's order: an order line of its own
      orders.push(joinedOrder(inputs, perSku[i]!, sku, i, added, note, lineDate.get(sku) ?? inputs.asOf));
    }
  }
  return plan;
}

/** The order line of a SKU that joins a purchase order to meet its supplier's minimum (it was not due yet). */
function joinedOrder(
  inputs: PlanInputs,
  p: SkuPolicy,
  sku: string,
  i: number,
  qty: number,
  note: string,
  orderBy: string,
): PlanOrder {
  const st = inputs.stock.get(sku);
  const d = p.decision;
  return {
    sku,
    name: inputs.panel.names[i]!,
    order_qty: qty,
    order_by: orderBy,
    cover_days: d.coverDays === null ? null : round(d.coverDays, 1),
    stockout_risk: round(d.stockoutRisk, 3),
    reason:
      `not due yet (stock ${Math.round(p.position)} is above the reorder point ${Math.round(d.reorderPoint)}); ` + note,
    on_hand: st?.onHand ?? 0,
    on_order: st?.onOrder ?? 0,
    reorder_point: round(d.reorderPoint),
    order_up_to: round(d.orderUpTo),
    service_level: DEFAULT_CLASS_SERVICE[`${p.abc}${p.xyz}`],
    abc: p.abc,
    xyz: p.xyz,
    unit_cost: round(p.costs.unitCost, 4),
    priority: null,
    supplier: p.supplier,
    stockout_date: null,
    lost_units: 0,
    lost_revenue: 0,
    expedite: false,
    held_back: false,
  };
}

/** A purchase-order line as a row of purchase-orders.csv and of `plan_po_lines` (PO_COLUMNS' order). */
export function poLineRow(l: PoLine): PlanPoLineRow {
  // the unit cost to 4 decimals, as orders.csv has it (a default cost is a share of the price: 2.4779999999999998)
  const unitCost = Math.round(l.unitCost * 1e4) / 1e4;
  return [l.poId, l.supplier, l.location, l.sku, l.name, l.qty, unitCost, l.value, l.currency, l.orderBy, l.note];
}

/** The columns of purchase-orders.csv (and of one purchase order's CSV: pipeline/orders.ts). */
export const PO_COLUMNS = [
  'po_id',
  'supplier',
  'location',
  'sku',
  'name',
  'qty',
  'unit_cost',
  'value',
  'currency',
  'order_by',
  'note',
] as const;

/** The columns of transfers.csv. */
export const TRANSFER_COLUMNS = [
  'sku',
  'name',
  'from_location',
  'to_location',
  'qty',
  'cost',
  'saves',
  'reason',
] as const;

/**
 * Writes purchase-orders.csv (one row per line of each purchase order), transfers.csv and the folder purchase-orders/
 * (one CSV per purchase order, to send) into `out` (text cells formula-neutralised); returns the two files' absolute
 * paths.
 */
export function writeNetworkCsv(out: string, plan: NetworkPlan): { purchaseOrders: string; transfers: string } {
  const poPath = resolve(join(out, 'purchase-orders.csv'));
  const transfers = resolve(join(out, 'transfers.csv'));
  const line = (cells: readonly unknown[]): string => cells.map((c) => csvField(c as never)).join(',');
  writeFileSync(poPath, [PO_COLUMNS.join(','), ...plan.lines.map((l) => line(poLineRow(l)))].join('\n') + '\n');
  writeFileSync(
    transfers,
    [
      TRANSFER_COLUMNS.join(','),
      ...plan.transfers.map((t) => line([t.sku, t.name, t.from, t.to, t.qty, t.cost, t.saves, t.reason])),
    ].join('\n') + '\n',
  );
  // one file per purchase order, to send: PO-n-<supplier>-<location>.csv (letters and digits of the names only)
  const folder = join(out, 'purchase-orders');
  mkdirSync(folder, { recursive: true });
  const slug = (t: string): string =>
    t
      .replace(/[^A-Za-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 40);
  for (const po of purchaseOrders(plan.lines)) {
    const name = [po.poId, slug(po.supplier) || 'no-supplier', slug(po.location)].filter((x) => x !== '');
    writeFileSync(
      join(folder, `${name.join('-')}.csv`),
      [PO_COLUMNS.join(','), ...po.lines.map((l) => line(poLineRow(l)))].join('\n') + '\n',
    );
  }
  return { purchaseOrders: poPath, transfers };
}

/**
 * What the plan states about suppliers, locations and the catalog's statuses: the supplier terms it took, the SKUs it
 * did not buy (archived, drafts, discontinued), the orders raised to a supplier's minimum, the transfers' terms.
 * @example networkAssumptions(inputs, perSku, plan) // ['3 suppliers' terms from supplier files …', …]
 */
export function networkAssumptions(inputs: PlanInputs, perSku: readonly SkuPolicy[], plan: NetworkPlan): string[] {
  const out: string[] = [];
  const D = INVENTORY_DEFAULTS;
  if (inputs.suppliers.size > 0)
    out.push(
      `${inputs.suppliers.size} supplier${inputs.suppliers.size === 1 ? '' : 's'}' terms from supplier files (lead ` +
        `time, MOQ, minimum order, order cost, review days) where a SKU's stock row gives none`,
    );
  const retired = perSku.flatMap((p, i) => (p.retired === null ? [] : [`${inputs.panel.ids[i]} (${p.retired})`]));
  if (retired.length > 0)
    out.push(
      `not ordered, as the catalog says: ${retired.slice(0, 5).join(', ')}` +
        (retired.length > 5 ? ` and ${retired.length - 5} more` : ''),
    );
  if (plan.raised.size > 0) {
    const units = [...plan.raised.values()].reduce((a, b) => a + b, 0);
    out.push(
      `${plan.raised.size} SKU${plan.raised.size === 1 ? '' : 's'} ordered ${units} units more so that each ` +
        `purchase order meets its supplier's minimum (the SKUs that run out first are raised)`,
    );
  }
  const locations = new Set(plan.lines.map((l) => l.location).filter((l) => l !== ''));
  if (locations.size > 1 || plan.transfers.length > 0)
    out.push(
      `orders split over ${locations.size} locations by their share of each SKU's demand; a transfer takes ` +
        `${D.transferDays} days and costs ${D.transferCost} + ${D.transferUnitCostShare * 100} % of the unit cost ` +
        `per unit, and is suggested when the sales it saves are worth more`,
    );
  return out;
}
