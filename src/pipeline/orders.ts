/**
 * A plan's purchase orders as the service serves them: each order with its latest decision (approved, or overridden
 * to another quantity, with who, why and when), approvals and overrides (appended to `order_decisions`, never
 * updated), and one supplier's orders as a CSV file to send (formula cells neutralised).
 *
 * An order's final quantity is its latest override's, else the plan's suggestion. An approval approves the final
 * quantity at that moment; a later override takes the approval back (the order is approved again at its new
 * quantity). Functions that write assume the caller holds the workspace's WriteLock.
 */
import { csvField } from '../data/csv-format.js';
import { InputError } from '../data/errors.js';
import { isCountSeries } from '../engine/forecast-batch.js';
import { INVENTORY_DEFAULTS } from '../inventory/defaults.js';
import { groupPurchaseOrders } from '../inventory/network.js';
import { isValidOrder, nearestValidOrder } from '../inventory/order-constraints.js';
import {
  type DecisionRow,
  type OrderDecisionRow,
  type PlanOrderFields,
  NO_SUPPLIER,
  appendApprovals,
  appendOverride,
  planRunInfo,
  readRunOrders,
  skuDemandUnits,
} from '../store/order-decisions.js';
import { type StoredPoLine, type StoredTransfer, readPlanNetwork } from '../store/plan-runs.js';
import { PO_COLUMNS } from './plan-steps/network.js';
import { type StockRow, readStockSnapshot } from '../store/stock.js';
import type { Workspace } from '../store/workspace.js';

export { NO_SUPPLIER };

/** A plan's order with its decisions. */
export interface OrderWithDecision extends PlanOrderFields {
  /** the supplier's name, NO_SUPPLIER ('no supplier') when the stock file gives none */
  supplier_name: string;
  /** the quantity to order: the latest override's, else the plan's suggestion (`order_qty`) */
  final_qty: number;
  /** final_qty × unit_cost */
  value: number;
  /** the latest decision is an approval (of final_qty) */
  approved: boolean;
  /** the latest decision (approve or override), null when none */
  decision: DecisionRow | null;
  /** the latest override, null when none (kept after a later approval) */
  override: DecisionRow | null;
  /** the supplier's minimum order quantity (0: none) and pack size (1: none), from the stock snapshot the plan read */
  moq: number;
  pack_size: number;
  /** mean lead time in days: the stock file's, else the default the plan took */
  lead_time_days: number;
  /** the stock-out risk within lead time + review without the order, 0–1 (stockout_risk) */
  risk: number | null;
}

/** A SKU's supplier terms as the stock snapshot gives them (a SKU without a stock row: none, default lead time). */
export interface OrderTerms {
  moq: number;
  pack_size: number;
  lead_time_days: number;
}

/** The terms of a stock row (MOQ 0, packs of 1, the default lead time where it gives none). */
export function orderTerms(row: Pick<StockRow, 'moq' | 'pack_size' | 'lead_time_days'> | undefined): OrderTerms {
  const pack = row?.pack_size ?? 1;
  return {
    moq: row?.moq ?? 0,
    pack_size: pack > 0 ? pack : 1,
    lead_time_days: row?.lead_time_days ?? INVENTORY_DEFAULTS.leadTimeDays,
  };
}

/** One supplier's orders in a plan run: lines with a quantity above 0, their units and value, how many approved. */
export interface SupplierSummary {
  supplier: string;
  orders: number;
  units: number;
  value: number;
  approved: number;
}

/** What `planOrders` returns. */
export interface PlanOrders {
  run_id: number;
  as_of: string;
  created_at: string;
  orders: OrderWithDecision[];
  /** every supplier of the run (whatever the filter), by order value, largest first */
  suppliers: SupplierSummary[];
}

/** Longest `who` and supplier names, and the longest `why`, taken. */
const MAX_NAME = 200;
const MAX_WHY = 500;
/** Most SKUs one call names. */
const MAX_SKUS = 10_000;

const money = (x: number): number => Math.round(x * 100) / 100;

/** A stored order and its decisions as served, with its supplier terms (`orderTerms`). */
export function orderWithDecision(r: OrderDecisionRow, terms: OrderTerms = orderTerms(undefined)): OrderWithDecision {
  const o = r.order;
  const final = r.override?.qty ?? o.order_qty;
  return {
    ...o,
    supplier_name: o.supplier ?? NO_SUPPLIER,
    final_qty: final,
    value: money(final * (o.unit_cost ?? 0)),
    approved: r.decision?.action === 'approve',
    decision: r.decision,
    override: r.override,
    ...terms,
    risk: o.stockout_risk,
  };
}

/** The supplier terms of every SKU in the stock snapshot plan run `asOf` read, by SKU. */
async function termsAt(ws: Workspace, asOf: string, skus?: readonly string[]): Promise<(sku: string) => OrderTerms> {
  const rows = new Map((await readStockSnapshot(ws, asOf, skus)).rows.map((r) => [r.sku, r]));
  return (sku) => orderTerms(rows.get(sku));
}

function checkRunId(runId: unknown): number {
  if (typeof runId !== 'number' || !Number.isInteger(runId) || runId < 1)
    throw new InputError(`runId must be a whole number ≥ 1, got ${String(runId)}`, { field: 'runId' });
  return runId;
}

function checkText(value: unknown, field: string, max: number): string {
  if (typeof value !== 'string' || value.trim() === '')
    throw new InputError(`${field} is required (a non-empty text)`, { field });
  if (value.length > max)
    throw new InputError(`${field} must be at most ${max} characters, got ${value.length}`, { field });
  return value;
}

/** A value quoted for a message, cut to 80 characters. */
function shown(s: string): string {
  const j = JSON.stringify(s);
  return j.length > 82 ? `${j.slice(0, 80)}…"` : j;
}

async function runOrThrow(ws: Workspace, runId: number) {
  const info = await planRunInfo(ws, runId);
  if (info === null) throw new InputError(`there is no plan run ${runId}`, { field: 'runId' });
  return info;
}

function suppliersOf(orders: readonly OrderWithDecision[]): SupplierSummary[] {
  const by = new Map<string, SupplierSummary>();
  for (const o of orders) {
    const s = by.get(o.supplier_name) ?? { supplier: o.supplier_name, orders: 0, units: 0, value: 0, approved: 0 };
    by.set(o.supplier_name, s);
    if (o.final_qty <= 0) continue;
    s.orders++;
    s.units += o.final_qty;
    s.value += o.value;
    if (o.approved) s.approved++;
  }
  return [...by.values()]
    .map((s) => ({ ...s, value: money(s.value) }))
    .sort((a, b) => b.value - a.value || (a.supplier < b.supplier ? -1 : a.supplier > b.supplier ? 1 : 0));
}

/**
 * The orders of plan run `runId` (the latest run when omitted), each with its latest decision, optionally one
 * supplier's only ('no supplier' for those without), and the run's suppliers with their order counts and values.
 * null when the workspace has no plan run yet; an unknown `runId` is an InputError.
 * @example
 * const p = await planOrders(ws);
 * p?.orders[0]?.final_qty; p?.suppliers[0]; // { supplier, orders, units, value, approved }
 */
export async function planOrders(
  ws: Workspace,
  o: { runId?: number; supplier?: string } = {},
): Promise<PlanOrders | null> {
  if (o.runId !== undefined) checkRunId(o.runId);
  if (o.supplier !== undefined) checkText(o.supplier, 'supplier', MAX_NAME);
  const info = await planRunInfo(ws, o.runId);
  if (info === null) {
    if (o.runId !== undefined) throw new InputError(`there is no plan run ${o.runId}`, { field: 'runId' });
    return null;
  }
  const terms = await termsAt(ws, info.as_of);
  const all = (await readRunOrders(ws, info.run_id)).map((r) => orderWithDecision(r, terms(r.order.sku)));
  const orders = o.supplier === undefined ? all : all.filter((r) => r.supplier_name === o.supplier);
  return { run_id: info.run_id, as_of: info.as_of, created_at: info.created_at, orders, suppliers: suppliersOf(all) };
}

function checkSkus(skus: unknown): string[] {
  if (!Array.isArray(skus) || skus.length === 0)
    throw new InputError('skus must be a non-empty list of SKUs (omit it for all)', { field: 'skus' });
  if (skus.length > MAX_SKUS)
    throw new InputError(`skus: at most ${MAX_SKUS} SKUs at a time, got ${skus.length}`, { field: 'skus' });
  skus.forEach((s, i) => {
    if (typeof s !== 'string' || s === '')
      throw new InputError(`skus[${i}] must be a non-empty text`, { field: `skus[${i}]` });
  });
  return skus as string[];
}

/**
 * Approves orders of plan run `runId`: those of `skus` (any quantity, a held-back 0 included), or every order with a
 * quantity above 0 when omitted; each at its final quantity, by `who`. An order already approved (its latest
 * decision) is not approved again. A SKU without an order in the run, or an unknown run, is an InputError and
 * nothing is stored. Returns how many approvals were appended. Call inside the writer's lock.
 * @example await lock.run(() => approveOrders(ws, { runId: 3, skus: ['22423'], who: 'ana' })) // { approved: 1 }
 */
export async function approveOrders(
  ws: Workspace,
  o: { runId: number; skus?: string[]; who: string },
): Promise<{ approved: number }> {
  const runId = checkRunId(o.runId);
  const who = checkText(o.who, 'who', MAX_NAME);
  const skus = o.skus === undefined ? undefined : checkSkus(o.skus);
  await runOrThrow(ws, runId);
  if (skus !== undefined) {
    const found = new Set((await readRunOrders(ws, runId, skus)).map((r) => r.order.sku));
    const i = skus.findIndex((s) => !found.has(s));
    if (i >= 0)
      throw new InputError(`skus[${i}]: ${shown(skus[i]!)} has no order in plan run ${runId}`, {
        field: `skus[${i}]`,
      });
  }
  const approved = await appendApprovals(ws, { runId, who, ...(skus === undefined ? {} : { skus }) });
  return { approved: approved.length };
}

/**
 * Overrides the quantity of `sku`'s order in plan run `runId`: quantity ≥ 0 (0 cancels it), in whole units for a SKU
 * sold in whole units (its daily demand is counts: isCountSeries), at least the supplier's MOQ and in whole packs (the
 * stock snapshot the plan read), with who and why (the reason: required, at most 500 characters). A quantity the MOQ
 * or the packs refuse is an InputError naming `quantity` whose details give `suggested`, the nearest valid quantity
 * (inventory/order-constraints.ts nearestValidOrder). Returns the order with its new decision. Call inside the
 * writer's lock.
 * @example
 * const o = await overrideOrder(ws, { runId: 3, sku: '85123A', quantity: 48, who: 'ana', reason: 'promotion in May' });
 * o.final_qty; // 48
 * // quantity 10 with MOQ 24 in packs of 6: InputError { field: 'quantity', details: { suggested: 24 } }
 */
export async function overrideOrder(
  ws: Workspace,
  o: { runId: number; sku: string; quantity: number; who: string; reason: string },
): Promise<OrderWithDecision> {
  const runId = checkRunId(o.runId);
  const sku = checkText(o.sku, 'sku', Infinity);
  const who = checkText(o.who, 'who', MAX_NAME);
  const why = checkText(o.reason, 'reason', MAX_WHY);
  const qty = o.quantity;
  if (typeof qty !== 'number' || !Number.isFinite(qty) || qty < 0)
    throw new InputError(`quantity must be a number ≥ 0, got ${String(qty)}`, { field: 'quantity' });
  const info = await runOrThrow(ws, runId);
  const [current] = await readRunOrders(ws, runId, [sku]);
  if (current === undefined)
    throw new InputError(`sku: ${shown(sku)} has no order in plan run ${runId}`, { field: 'sku' });
  if (!Number.isInteger(qty) && isCountSeries(await skuDemandUnits(ws, sku)))
    throw new InputError(`quantity must be whole units for ${shown(sku)} (it sells in whole units), got ${qty}`, {
      field: 'quantity',
    });
  const terms = (await termsAt(ws, info.as_of, [sku]))(sku);
  if (!isValidOrder(qty, terms.moq, terms.pack_size)) {
    const rules = [
      ...(terms.moq > 0 ? [`at least the supplier's minimum order quantity of ${terms.moq}`] : []),
      ...(terms.pack_size !== 1 ? [`whole packs of ${terms.pack_size}`] : []),
    ];
    const suggested = nearestValidOrder(qty, terms.moq, terms.pack_size);
    throw new InputError(
      `quantity ${qty} for ${shown(sku)} must be 0 (no order) or ${rules.join(' in ')}: ${suggested} is the nearest`,
      { field: 'quantity', details: { suggested } },
    );
  }
  await appendOverride(ws, { runId, sku, qty, who, why });
  const [after] = await readRunOrders(ws, runId, [sku]);
  return orderWithDecision(after!, terms);
}

/** The columns of a supplier's order file. */
export const SUPPLIER_CSV_COLUMNS = [
  'sku',
  'name',
  'qty',
  'unit_cost',
  'value',
  'order_by',
  'approved',
  'overridden_by',
  'why',
] as const;

/**
 * One supplier's orders in plan run `runId` as CSV (SUPPLIER_CSV_COLUMNS): the lines with a final quantity above 0
 * (an override wins over the suggestion), text cells formula-neutralised (data/csv-format.ts). `supplier` is the
 * name as in `planOrders().suppliers` ('no supplier' for SKUs without one); one with no order line in the run, or an
 * unknown run, is an InputError.
 * @example
 * const csv = await supplierOrdersCsv(ws, { runId: 3, supplier: 'Kent Homeware' });
 * // 'sku,name,qty,unit_cost,value,order_by,approved,overridden_by,why\n85123A,WHITE HANGING HEART,48,…'
 */
export async function supplierOrdersCsv(ws: Workspace, o: { runId: number; supplier: string }): Promise<string> {
  const runId = checkRunId(o.runId);
  const supplier = checkText(o.supplier, 'supplier', MAX_NAME);
  await runOrThrow(ws, runId);
  const orders = (await readRunOrders(ws, runId))
    .map((r) => orderWithDecision(r))
    .filter((r) => r.supplier_name === supplier);
  if (orders.length === 0)
    throw new InputError(`supplier: ${shown(supplier)} has no order in plan run ${runId}`, { field: 'supplier' });
  const lines = [SUPPLIER_CSV_COLUMNS.join(',')];
  for (const r of orders) {
    if (r.final_qty <= 0) continue;
    const cells = [
      r.sku,
      r.name,
      r.final_qty,
      r.unit_cost,
      r.value,
      r.order_by,
      r.approved,
      r.override?.who ?? null,
      r.override?.why ?? null,
    ];
    lines.push(cells.map(csvField).join(','));
  }
  return lines.join('\n') + '\n';
}

/** One purchase order of a plan: a supplier's lines for one location. */
export interface StoredPurchaseOrder {
  po_id: string;
  supplier: string;
  /** '' when the stock names no location */
  location: string;
  currency: string | null;
  units: number;
  value: number;
  lines: StoredPoLine[];
}

/**
 * Plan run `runId`'s purchase orders per supplier and location (each with its lines, units and value) and its
 * transfers between locations, as the plan suggested them (an override changes a SKU's total in `planOrders`, not
 * these lines). An unknown run is an InputError.
 * @example const p = await planPurchaseOrders(ws, 3); p.purchase_orders[0].lines; p.transfers;
 */
export async function planPurchaseOrders(
  ws: Workspace,
  runId: number,
): Promise<{ run_id: number; as_of: string; purchase_orders: StoredPurchaseOrder[]; transfers: StoredTransfer[] }> {
  const info = await runOrThrow(ws, checkRunId(runId));
  const { lines, transfers } = await readPlanNetwork(ws, info.run_id);
  const purchase_orders: StoredPurchaseOrder[] = groupPurchaseOrders(
    lines,
    (l) => l.po_id,
    (l) => ({ po_id: l.po_id, supplier: l.supplier, location: l.location, currency: l.currency }),
  );
  return { run_id: info.run_id, as_of: info.as_of, purchase_orders, transfers };
}

/** The columns of one purchase order's CSV file: those of the plan's purchase-orders.csv. */
export const PURCHASE_ORDER_CSV_COLUMNS = PO_COLUMNS;

/**
 * One purchase order of plan run `runId` as CSV (PURCHASE_ORDER_CSV_COLUMNS; text cells formula-neutralised): what
 * to send the supplier for one location. An unknown run or order is an InputError.
 * @example const csv = await purchaseOrderCsv(ws, { runId: 3, poId: 'PO-2' }); // 'po_id,supplier,location,…'
 */
export async function purchaseOrderCsv(ws: Workspace, o: { runId: number; poId: string }): Promise<string> {
  const poId = checkText(o.poId, 'po', MAX_NAME);
  const { purchase_orders: pos } = await planPurchaseOrders(ws, o.runId);
  const po = pos.find((p) => p.po_id === poId);
  if (po === undefined)
    throw new InputError(`po: ${shown(poId)} is not an order of plan run ${o.runId}`, { field: 'po' });
  const rows = po.lines.map((l) => PURCHASE_ORDER_CSV_COLUMNS.map((c) => csvField(l[c])).join(','));
  return [PURCHASE_ORDER_CSV_COLUMNS.join(','), ...rows].join('\n') + '\n';
}
