import { mulberry32, normalSource } from '../numerics/random.js';
import { type LeadTime, drawLeadTime } from './lead-time-demand.js';

/**
 * A replay simulator: walks through real daily demand SKU by SKU, asks a policy for an order at
 * every review, receives each order after its (possibly random) lead time, serves demand from
 * stock and loses the rest (or backorders it), and counts fill rate, cycle service level,
 * stock-out days, holding, shortage and ordering cost and turns. Each day: orders due arrive,
 * a review (if any) places an order, demand is served, the stock left is charged holding cost.
 */

export interface ReplaySku {
  id: string;
  /** actual daily demand over the replayed days */
  demand: Float64Array;
  initialStock: number;
  /** value of a unit in stock (for turns and budgets) */
  unitCost: number;
  /** holding cost of one unit on hand at the end of a day */
  holdingPerUnitDay: number;
  /** cost of a unit of demand not served on its day */
  shortagePerUnit: number;
  /** fixed cost of each order placed */
  orderCost: number;
  /** days from order to arrival; drawn per order when its sd is above 0 */
  leadTime: LeadTime;
}

/** What a policy sees of one SKU at a review (units). */
export interface ReplayState {
  /** index of the SKU in the replayed list */
  sku: number;
  /** day of the replay (0-based); the SKU's demand length at the final `observe` */
  day: number;
  /** index of the review (0, 1, …) */
  review: number;
  onHand: number;
  onOrder: number;
  backlog: number;
  /** on hand + on order − backlog */
  position: number;
}

/** A policy answers each review with an order quantity (≤ 0: no order). */
export interface ReplayPolicy {
  name: string;
  order(state: ReplayState): number;
  /**
   * told, at each review after the first and at the end, the cost the SKU incurred since the previous review (for
   * learning policies)
   */
  observe?(state: ReplayState, cost: number, final: boolean): void;
}

/** How the replay runs. */
export interface ReplayOptions {
  /** days between reviews (1: continuous review) */
  reviewDays: number;
  /** unmet demand is lost (true) or waits for stock (false) */
  lostSales: boolean;
  /** seed for random lead times */
  seed: number;
}

/** What a replay measured over all SKUs; costs in currency, quantities in units. */
export interface ReplayMetrics {
  policy: string;
  skus: number;
  /** the longest SKU's days */
  days: number;
  demand: number;
  /** demand − short */
  served: number;
  /** units lost (lost sales) or served late (backorders) */
  short: number;
  /** units served from stock on their day / units demanded */
  fillRate: number;
  /** share of review cycles (per SKU) with no unit short */
  cycleServiceLevel: number;
  /** SKU-days with demand short */
  stockoutDays: number;
  /** orders placed */
  orders: number;
  holdingCost: number;
  shortageCost: number;
  orderingCost: number;
  /** holding + shortage (the benchmark's cost) */
  cost: number;
  /** mean value of stock on hand at the end of a day, summed over SKUs */
  averageStockValue: number;
  /** units served per year / mean units on hand */
  turns: number;
}

/** The replay's totals and its per-SKU tallies. */
export interface ReplayResult {
  total: ReplayMetrics;
  /** per SKU: units short, units demanded, holding cost, shortage cost, orders placed */
  perSku: {
    short: Float64Array;
    demand: Float64Array;
    holding: Float64Array;
    shortage: Float64Array;
    orders: Int32Array;
  };
}

/**
 * Replays a policy over every SKU (see the file's comment for the order of events in a day).
 * Lead times are drawn from a generator seeded with `o.seed`, so a replay is reproducible.
 * O(SKUs · days).
 * @example
 * const sku = { id: 'A', demand: new Float64Array(14).fill(3), initialStock: 10, unitCost: 2, holdingPerUnitDay: 0.01,
 *   shortagePerUnit: 1, orderCost: 5, leadTime: { mean: 2, sd: 0 } };
 * const upTo30 = { name: 'up to 30', order: (s: ReplayState) => 30 - s.position };
 * replay([sku], upTo30, { reviewDays: 7, lostSales: true, seed: 1 }).total;
 * // → fillRate 1, orders 2, holdingCost 1.7, orderingCost 10, turns 90.2
 */
export function replay(skus: readonly ReplaySku[], policy: ReplayPolicy, o: ReplayOptions): ReplayResult {
  if (!(Number.isInteger(o.reviewDays) && o.reviewDays >= 1))
    throw new RangeError(`replay: reviewDays must be a whole number ≥ 1, got ${o.reviewDays}`);
  const normal = normalSource(mulberry32(o.seed));
  const n = skus.length;
  const perSku = {
    short: new Float64Array(n),
    demand: new Float64Array(n),
    holding: new Float64Array(n),
    shortage: new Float64Array(n),
    orders: new Int32Array(n),
  };
  let days = 0;
  let cycles = 0;
  let cyclesOk = 0;
  let stockoutDays = 0;
  let onHandUnitDays = 0;
  let stockValueDays = 0;
  let orderingCost = 0;
  for (let i = 0; i < n; i++) {
    const s = skus[i]!;
    const T = s.demand.length;
    days = Math.max(days, T);
    const arrivals = new Float64Array(T + 1);
    let onHand = s.initialStock;
    let onOrder = 0;
    let backlog = 0;
    let cycleShort = false;
    let review = 0;
    let cycleCost = 0;
    /** units arrive: off the order book, onto the shelf, and the backlog is served first */
    const receive = (units: number): void => {
      onOrder -= units;
      onHand += units;
      if (backlog > 0) {
        const b = Math.min(backlog, onHand);
        backlog -= b;
        onHand -= b;
      }
    };
    for (let t = 0; t < T; t++) {
      const arriving = arrivals[t]!;
      if (arriving > 0) receive(arriving);
      if (t % o.reviewDays === 0) {
        if (t > 0) {
          cycles++;
          if (!cycleShort) cyclesOk++;
        }
        cycleShort = false;
        const state: ReplayState = {
          sku: i,
          day: t,
          review,
          onHand,
          onOrder,
          backlog,
          position: onHand + onOrder - backlog,
        };
        if (t > 0 && policy.observe !== undefined) policy.observe(state, cycleCost, false);
        cycleCost = 0;
        const q = policy.order(state);
        review++;
        if (q > 1e-9) {
          const at = t + drawLeadTime(s.leadTime, normal);
          onOrder += q;
          perSku.orders[i]!++;
          orderingCost += s.orderCost;
          // an order due after the replay's end stays on order
          if (at <= T) arrivals[Math.max(at, t)] = arrivals[Math.max(at, t)]! + q;
        }
        // an order arriving the same day (lead time 0) is received at once
        if (arrivals[t]! > arriving) receive(arrivals[t]! - arriving);
      }
      const d = s.demand[t]!;
      if (d > 0) {
        perSku.demand[i] = perSku.demand[i]! + d;
        const served = Math.min(onHand, d);
        onHand -= served;
        const short = d - served;
        if (short > 0) {
          perSku.short[i] = perSku.short[i]! + short;
          perSku.shortage[i] = perSku.shortage[i]! + short * s.shortagePerUnit;
          cycleCost += short * s.shortagePerUnit;
          stockoutDays++;
          cycleShort = true;
          if (!o.lostSales) backlog += short;
        }
      }
      perSku.holding[i] = perSku.holding[i]! + onHand * s.holdingPerUnitDay;
      cycleCost += onHand * s.holdingPerUnitDay;
      onHandUnitDays += onHand;
      stockValueDays += onHand * s.unitCost;
    }
    cycles++;
    if (!cycleShort) cyclesOk++;
    if (policy.observe !== undefined)
      policy.observe(
        { sku: i, day: T, review, onHand, onOrder, backlog, position: onHand + onOrder - backlog },
        cycleCost,
        true,
      );
  }
  const sum = (a: Float64Array): number => a.reduce((x, y) => x + y, 0);
  const demand = sum(perSku.demand);
  const short = sum(perSku.short);
  const holdingCost = sum(perSku.holding);
  const shortageCost = sum(perSku.shortage);
  const skuDays = skus.reduce((a, s) => a + s.demand.length, 0);
  const meanOnHand = skuDays > 0 ? onHandUnitDays / skuDays : 0;
  const served = demand - short;
  return {
    total: {
      policy: policy.name,
      skus: n,
      days,
      demand,
      served,
      short,
      fillRate: demand > 0 ? served / demand : 1,
      cycleServiceLevel: cycles > 0 ? cyclesOk / cycles : 1,
      stockoutDays,
      orders: perSku.orders.reduce((a, b) => a + b, 0),
      holdingCost,
      shortageCost,
      orderingCost,
      cost: holdingCost + shortageCost,
      averageStockValue: days > 0 ? stockValueDays / days : 0,
      turns: meanOnHand > 0 ? ((served / skuDays) * 365) / meanOnHand : 0,
    },
    perSku,
  };
}
