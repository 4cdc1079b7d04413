/**
 * Stock held at several locations and bought from several suppliers: a SKU's purchase order (decided for the whole
 * network by its stock policy) placed per location, transfers between locations where one will run out before a
 * purchase order could arrive and another holds more than it needs, and purchase orders grouped per supplier and
 * location that meet the supplier's minimums.
 *
 * Methods (Silver, Pyke & Thomas, "Inventory and Production Management in Supply Chains", 4th ed.):
 * - allocation of a replenishment to locations by fair shares (§12.4): each location's stock after the order lasts as
 *   long as every other's, run-out time = position / its daily demand, filled lowest first (water filling), then
 *   whole packs by largest remainders, a line below the SKU's MOQ merged into the neediest location's;
 * - lateral transshipment (§12.5): units move from a location above its order-up-to share to one short before the
 *   next delivery, when the margin the move saves exceeds what it costs;
 * - joint replenishment with a minimum order (§10.3, "can-order" levels): a purchase order below the supplier's
 *   minimum is raised one pack at a time, each to the line of the supplier's SKUs at that location that runs out first
 *   (a SKU not due yet may join the order), until the minimum is met.
 * Pure: typed arrays and records in, records out.
 */
import { roundOrder } from './order-constraints.js';

/** One location's stock of a SKU. */
export interface LocationStock {
  /** the location's name ('' for stock that names none) */
  location: string;
  /** on hand + on order at the location */
  position: number;
  /** the location's share of the SKU's demand, 0–1 (the shares of a SKU sum to 1) */
  share: number;
}

/** A SKU's network view: its daily forecast, policy, order and stock per location. */
export interface NetworkSku {
  sku: string;
  name: string;
  /** the supplier's name ('' for none) */
  supplier: string;
  /** the forecast's daily means for the whole network, from the first day after the data */
  mean: Float64Array;
  /** mean lead time and review period, days */
  leadTime: number;
  reviewDays: number;
  /** the network's order-up-to level S */
  orderUpTo: number;
  /** the network's order (0: none); a multiple of `pack`, at least `moq` */
  order: number;
  moq: number;
  pack: number;
  unitCost: number;
  /** a unit short costs its margin */
  shortagePerUnit: number;
  /** the last day to place its order, `YYYY-MM-DD` (null: none due) */
  orderBy: string | null;
  /** no order may be placed (discontinued, not launched, held back for a check) */
  frozen: boolean;
  locations: LocationStock[];
}

/** A supplier's minimums per purchase order (0: none) and currency. */
export interface SupplierMinimums {
  minUnits: number;
  minValue: number;
  currency: string | null;
}

/** What moving stock between two locations costs and takes. */
export interface TransferTerms {
  /** days from the decision to the units' arrival */
  days: number;
  /** fixed cost of one transfer */
  fixedCost: number;
  /** cost of moving one unit as a share of its unit cost */
  unitCostShare: number;
}

/** One line of a purchase order: a SKU's units bought from a supplier for one location. */
export interface PoLine {
  /** the order's id: one per supplier and location, `PO-<n>` numbered by supplier then location */
  poId: string;
  supplier: string;
  location: string;
  sku: string;
  name: string;
  qty: number;
  unitCost: number;
  value: number;
  currency: string | null;
  orderBy: string | null;
  /** why the line differs from the SKU's own order, when it does ('' otherwise) */
  note: string;
}

/** A suggested move of stock between two locations. */
export interface Transfer {
  sku: string;
  name: string;
  from: string;
  to: string;
  qty: number;
  /** what the move costs, and the margin it saves (expected units short at `to` it covers × shortage cost) */
  cost: number;
  saves: number;
  reason: string;
}

/** What `networkOrders` decides. */
export interface NetworkPlan {
  lines: PoLine[];
  transfers: Transfer[];
  /** SKUs whose network order grew to meet a supplier's minimum: sku → units added */
  raised: Map<string, number>;
}

const round2 = (x: number): number => Math.round(x * 100) / 100;

/** Sum of the first `days` daily means (a fraction of the last day counts in part). */
function demandOver(mean: Float64Array, days: number): number {
  let s = 0;
  const whole = Math.min(Math.floor(days), mean.length);
  for (let d = 0; d < whole; d++) s += mean[d]!;
  if (whole < mean.length && days > whole) s += mean[whole]! * (days - whole);
  return s;
}

/**
 * Transfers of one SKU, greedily: the location with the largest need first, from the location with the most to
 * spare. A location needs the demand it will miss between a transfer's arrival and the next delivery (mean lead time),
 * and can spare what it holds above its share of the order-up-to level. A move is suggested when it saves more margin
 * than it costs. Changes the positions of `locs` by the moves.
 */
function skuTransfers(s: NetworkSku, locs: LocationStock[], t: TransferTerms): Transfer[] {
  const out: Transfer[] = [];
  if (locs.length < 2 || t.days >= s.leadTime) return out;
  const untilDelivery = demandOver(s.mean, s.leadTime);
  const untilTransfer = demandOver(s.mean, t.days);
  // what a location lacks to last until the delivery, and of it what a transfer can still save (the days before it
  // arrives are short whatever moves)
  const needOf = (l: LocationStock): number => Math.max(0, l.share * untilDelivery - l.position);
  const savable = (l: LocationStock): number =>
    Math.max(0, l.share * untilDelivery - Math.max(l.position, l.share * untilTransfer));
  const spareOf = (l: LocationStock): number => Math.max(0, Math.floor(l.position - l.share * s.orderUpTo));
  for (;;) {
    const to = [...locs].sort((a, b) => savable(b) - savable(a))[0]!;
    const from = [...locs].filter((l) => l !== to).sort((a, b) => spareOf(b) - spareOf(a))[0]!;
    const qty = Math.min(Math.ceil(needOf(to) - 1e-9), spareOf(from));
    if (qty < 1 || savable(to) <= 0) return out;
    const cost = t.fixedCost + t.unitCostShare * s.unitCost * qty;
    const saves = Math.min(qty, savable(to)) * s.shortagePerUnit;
    if (!(saves > cost)) return out;
    out.push({
      sku: s.sku,
      name: s.name,
      from: from.location,
      to: to.location,
      qty,
      cost: round2(cost),
      saves: round2(saves),
      reason:
        `${to.location || 'the main location'} runs out before an order placed today arrives in ` +
        `${Math.round(s.leadTime)} days (about ${Math.round(needOf(to) * 10) / 10} units short); ` +
        `${from.location || 'the main location'} holds ${Math.round(from.position)}, ${spareOf(from)} above ` +
        `its share of the order-up-to level; moving ${qty} costs ${round2(cost)}, the sales it saves are worth ` +
        `${round2(saves)}`,
    });
    to.position += qty;
    from.position -= qty;
  }
}

/**
 * Splits a network order of `order` units (a multiple of `pack`) over the locations by fair shares: the locations'
 * run-out times after it as equal as whole packs allow, every line at least `moq`.
 * @example
 * const locs = [{ location: 'A', position: 10, share: 0.5 }, { location: 'B', position: 0, share: 0.5 }];
 * allocateOrder(24, locs, 0, 1) // [7, 17]: both end at 17 units
 */
export function allocateOrder(order: number, locs: readonly LocationStock[], moq: number, pack: number): number[] {
  const n = locs.length;
  if (n === 0 || !(order > 0)) return locs.map(() => 0);
  const step = pack > 0 ? pack : 1;
  const shares = locs.map((l) => (l.share > 0 ? l.share : 1e-9));
  // water filling on the level L: x_l = max(0, L·share_l − position_l), Σ x_l = order (bisection on L)
  const given = (level: number): number[] => locs.map((l, i) => Math.max(0, level * shares[i]! - l.position));
  let lo = 0;
  let hi = (order + locs.reduce((a, l) => a + Math.max(0, l.position), 0)) / Math.min(...shares) + 1;
  for (let k = 0; k < 200; k++) {
    const mid = (lo + hi) / 2;
    if (given(mid).reduce((a, b) => a + b, 0) < order) lo = mid;
    else hi = mid;
  }
  const x = given(hi);
  const total = x.reduce((a, b) => a + b, 0);
  // whole packs, largest remainders first
  const packs = Math.round(order / step);
  const want = x.map((v) => (total > 0 ? (v / total) * packs : packs / n));
  const whole = want.map(Math.floor);
  const rest = packs - whole.reduce((a, b) => a + b, 0);
  const byRemainder = want.map((_, i) => i).sort((a, b) => want[b]! - whole[b]! - (want[a]! - whole[a]!) || a - b);
  for (let k = 0; k < rest; k++) whole[byRemainder[k % n]!]!++;
  const q = whole.map((p) => p * step);
  // a line below the MOQ goes to the location with the largest line
  for (;;) {
    const small = q.findIndex((v) => v > 0 && v < moq - 1e-9);
    if (small < 0) break;
    const big = q.reduce((best, v, i) => (i !== small && v > (q[best] ?? -1) ? i : best), small === 0 ? 1 : 0);
    q[big]! += q[small]!;
    q[small] = 0;
  }
  return q;
}

/**
 * The network's purchase orders and transfers: for each SKU, transfers first (`skuTransfers`), then its order split
 * over its locations (`allocateOrder`); lines grouped into one purchase order per supplier and location; an order
 * below its supplier's minimum units or value raised pack by pack on the line (or a SKU of the supplier not yet due)
 * that runs out first at that location. SKUs that are `frozen` get no line and are never added.
 * @example
 * const plan = networkOrders(skus, new Map([['Potter & Co', { minUnits: 0, minValue: 250, currency: 'GBP' }]]),
 *   { days: 2, fixedCost: 10, unitCostShare: 0.05 });
 * plan.lines[0]; // { poId: 'PO-1', supplier: 'Potter & Co', location: 'Main Warehouse', sku: 'MUG-BLUE', qty: 48, … }
 */
export function networkOrders(
  skus: readonly NetworkSku[],
  suppliers: ReadonlyMap<string, SupplierMinimums>,
  transferTerms: TransferTerms,
): NetworkPlan {
  const transfers: Transfer[] = [];
  /** per SKU: locations after transfers, and each location's quantity */
  const alloc = new Map<
    string,
    { s: NetworkSku; locs: LocationStock[]; qty: number[]; added: number[]; daily: number }
  >();
  for (const s of skus) {
    const locs = (s.locations.length > 0 ? s.locations : [{ location: '', position: 0, share: 1 }]).map((l) => ({
      ...l,
    }));
    if (!s.frozen) transfers.push(...skuTransfers(s, locs, transferTerms));
    const qty = s.frozen ? locs.map(() => 0) : allocateOrder(s.order, locs, s.moq, s.pack);
    // the network's mean daily demand over the forecast: what a location's share of it runs out at
    const daily = demandOver(s.mean, s.mean.length) / Math.max(1, s.mean.length);
    alloc.set(s.sku, { s, locs, qty, added: locs.map(() => 0), daily });
  }
  // the purchase orders: supplier → location → SKUs (every SKU of the supplier stocked there, ordered or not)
  const groups = new Map<string, { supplier: string; location: string; members: [string, number][] }>();
  for (const [sku, a] of alloc)
    a.locs.forEach((l, i) => {
      const key = `${a.s.supplier}\u0000${l.location}`;
      const g = groups.get(key) ?? { supplier: a.s.supplier, location: l.location, members: [] };
      groups.set(key, g);
      g.members.push([sku, i]);
    });
  const raised = new Map<string, number>();
  const keys = [...groups.keys()].sort();
  const lines: PoLine[] = [];
  let poNumber = 0;
  for (const key of keys) {
    const g = groups.get(key)!;
    const terms = suppliers.get(g.supplier);
    let units = 0;
    let value = 0;
    for (const [sku, i] of g.members) {
      const a = alloc.get(sku)!;
      units += a.qty[i]!;
      value += a.qty[i]! * a.s.unitCost;
    }
    if (units <= 0) continue;
    const short = (): boolean =>
      terms !== undefined && (units < terms.minUnits - 1e-9 || value < terms.minValue - 1e-9);
    const runOut = (sku: string, i: number): number => {
      const a = alloc.get(sku)!;
      const daily = a.locs[i]!.share * a.daily;
      return daily > 0 ? (a.locs[i]!.position + a.qty[i]!) / daily : Infinity;
    };
    const open = g.members.filter(([sku]) => !alloc.get(sku)!.s.frozen);
    let guard = 0;
    while (short() && guard++ < 100_000) {
      const [sku, i] = open.reduce((best, m) => (runOut(m[0], m[1]) < runOut(best[0], best[1]) ? m : best), open[0]!);
      const a = alloc.get(sku)!;
      if (!Number.isFinite(runOut(sku, i)) && a.qty[i] === 0) break; // nothing sells: nothing to add
      const next = a.qty[i] === 0 ? roundOrder(Math.max(a.s.moq, a.s.pack), a.s.moq, a.s.pack) : a.s.pack;
      a.qty[i]! += next;
      a.added[i]! += next;
      units += next;
      value += next * a.s.unitCost;
      raised.set(sku, (raised.get(sku) ?? 0) + next);
    }
    poNumber++;
    // one order, one date: a line added to meet the minimum is placed with the order's earliest line
    const dates = g.members
      .filter(([sku, i]) => alloc.get(sku)!.qty[i]! > 0)
      .map(([sku]) => alloc.get(sku)!.s.orderBy)
      .filter((d): d is string => d !== null)
      .sort();
    const poOrderBy = dates[0] ?? null;
    for (const [sku, i] of g.members) {
      const a = alloc.get(sku)!;
      const qty = a.qty[i]!;
      if (qty <= 0) continue;
      const added = a.added[i]!;
      const minimum = [
        ...(terms !== undefined && terms.minUnits > 0 ? [`${terms.minUnits} units`] : []),
        ...(terms !== undefined && terms.minValue > 0 ? [`a value of ${terms.minValue}`] : []),
      ].join(' and ');
      lines.push({
        poId: `PO-${poNumber}`,
        supplier: g.supplier,
        location: g.location,
        sku,
        name: a.s.name,
        qty,
        unitCost: Math.round(a.s.unitCost * 10_000) / 10_000,
        value: round2(qty * a.s.unitCost),
        currency: terms?.currency ?? null,
        orderBy: a.s.orderBy ?? poOrderBy,
        note:
          added > 0
            ? `${added} units added so that the order to ${g.supplier || 'this supplier'} for ` +
              `${g.location || 'this location'} meets its minimum of ${minimum}` +
              (qty === added ? ' (not due yet: it runs out first among the supplier’s products here)' : '')
            : '',
      });
    }
  }
  return { lines, transfers, raised };
}

/** One purchase order: a supplier's lines for one location, with their units and value. */
export interface PurchaseOrder {
  poId: string;
  supplier: string;
  location: string;
  currency: string | null;
  units: number;
  value: number;
  lines: PoLine[];
}

/**
 * The purchase orders of a plan's lines (`networkOrders().lines`, which come order by order), in their order.
 * @example purchaseOrders(plan.lines)[0] // { poId: 'PO-1', supplier: 'Potter & Co', units: 48, value: 168, lines: … }
 */
export function purchaseOrders(lines: readonly PoLine[]): PurchaseOrder[] {
  return groupPurchaseOrders(
    lines,
    (l) => l.poId,
    (l) => ({ poId: l.poId, supplier: l.supplier, location: l.location, currency: l.currency }),
  );
}

/**
 * Lines grouped into their purchase orders by `id`, in the order each first appears: each order is `head` of its first
 * line with its lines, their units and their value (to the cent). The plan's lines and the stored ones (the service's
 * column names) go through it alike.
 * @example groupPurchaseOrders(rows, (r) => r.po_id, (r) => ({ po_id: r.po_id }))[0].units // 48
 */
export function groupPurchaseOrders<L extends { qty: number; value: number }, H extends object>(
  lines: readonly L[],
  id: (l: L) => string,
  head: (l: L) => H,
): (H & { units: number; value: number; lines: L[] })[] {
  const byId = new Map<string, H & { units: number; value: number; lines: L[] }>();
  for (const l of lines) {
    let po = byId.get(id(l));
    if (po === undefined) {
      po = { ...head(l), units: 0, value: 0, lines: [] };
      byId.set(id(l), po);
    }
    po.units += l.qty;
    po.value = round2(po.value + l.value);
    po.lines.push(l);
  }
  return [...byId.values()];
}
