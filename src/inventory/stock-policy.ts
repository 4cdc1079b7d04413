import { eoq } from './eoq.js';
import { type LeadTime, countAtMostSorted, expectedExcessSorted, protectionDemand } from './lead-time-demand.js';
import { roundOrder } from './order-constraints.js';
import { type ScenarioTables, scenarioQuantile, scenarioTables } from './policies.js';

/**
 * One SKU's stock policy under periodic review every R days with lead time L: the decision `plan`
 * makes for each SKU and the replay benchmark proves. From scenarios of demand over L and over the
 * protection period L + R (lead-time-demand.ts) and a target cycle service level α:
 * - reorder point s = the α-quantile of protection-period demand (base stock for a cycle service
 *   level; Silver, Pyke & Thomas, Inventory and Production Management in Supply Chains, 4th ed., §6.7);
 * - lot: the EOQ √(2Kλ/h) (Harris 1913) with λ the forecast demand of one cycle after the lead time
 *   scaled to a year, when ordering and holding costs are given and both positive;
 * - order-up-to S = s + max(0, EOQ − the cycle's demand), in whole units: an order lot of at least the EOQ
 *   when ordering costs make bigger, rarer orders cheaper — the (s, S) form of §7.2; for a seasonal
 *   product S is at most the demand until its season ends (`seasonDemand`), so no lot outlives its season;
 * - stock-out risk: the share of scenarios whose protection-period demand exceeds the position, i.e. with
 *   whole-unit scenarios P(demand ≥ position + 1);
 * - no order is due while s < 1: protection-period demand is 0 units at the service level;
 * - order-by day: how many days the stock left at the forecast's means still covers the α-quantile
 *   of lead-time demand (0 … R; R: not due within this review period);
 * - the quantity: S − position, rounded to the MOQ and whole packs when an order is due.
 */

/** What one SKU's stock policy needs: scenarios, the forecast, the position and the supplier's terms. */
export interface StockPolicyInput {
  /** scenarios of demand over the lead time and over lead time + review period (see `stockScenarios`) */
  scenarios: ScenarioTables;
  /** the forecast's daily means from the first day after the plan on; the last day repeats past its end */
  mean: Float64Array;
  /** target cycle service level α ∈ (0, 1) */
  serviceLevel: number;
  /** inventory position: on hand + on order (− backlog) */
  position: number;
  /** days between reviews, R */
  reviewDays: number;
  /** fixed cost per order and holding cost per unit and day; without them (or with either 0) there is no EOQ lot */
  costs?: { orderCost: number; holdingPerUnitDay: number };
  /** minimum order quantity (default 0) */
  moq?: number;
  /** units per pack (default 1) */
  pack?: number;
  /**
   * forecast demand from today until a seasonal product's season ends (units); S is at most max(s, this), so a lot
   * never holds more than the season can still sell. Absent: no season's end is known.
   */
  seasonDemand?: number;
}

/** The policy's decision for one SKU. */
export interface StockDecision {
  /** reorder point s: the service-level quantile of protection-period demand */
  reorderPoint: number;
  /** the EOQ, or 0 when there is none */
  lot: number;
  /** order-up-to level S = s + max(0, lot − cycle demand), whole units, at most the season's demand when given */
  orderUpTo: number;
  /** S was lowered to the demand until the season's end */
  seasonCapped: boolean;
  /** the service-level quantile of lead-time demand: the stock an order placed today must still find */
  leadTimeDemand: number;
  /** probability that protection-period demand exceeds the position (share of scenarios), 0 without scenarios */
  stockoutRisk: number;
  /** days the position lasts at the forecast's means; null when it never runs out */
  coverDays: number | null;
  /**
   * expected units short before an order placed today arrives, E[(D_L − position)+] over the lead-time scenarios:
   * what no order can save any more (lost or backordered)
   */
  shortBeforeArrival: number;
  /**
   * days from the first forecast day to the last day an order can wait (0 … reviewDays; reviewDays: not due in this
   * review)
   */
  orderByDay: number;
  /**
   * an order is due: s ≥ 1 and the position is below s, or the stock falls below lead-time demand within the review
   * period
   */
  due: boolean;
  /** S − position: the order before MOQ and packs (≤ 0: nothing wanted) */
  wanted: number;
  /** what to order: `wanted` rounded to the MOQ and whole packs when due, else 0 */
  quantity: number;
  /** why the quantity is what it is, for the order's reason */
  raised: {
    /** the lot was raised to the EOQ (S above s) */
    toEoq: boolean;
    /** the EOQ lot was cut to the demand until the season's end */
    toSeason: boolean;
    /** the MOQ is above what was wanted */
    toMoq: boolean;
    /** rounded up to whole packs (and not raised to the MOQ) */
    toPacks: boolean;
  };
}

/**
 * Days until `stock` is used up at the forecast's daily means (the last day repeats past the
 * horizon, for at most ten years); null when never. A fraction of the day it runs out counts.
 * @example coverDays(5, Float64Array.of(2, 2, 2)) // 2.5; coverDays(5, Float64Array.of(1, 0)) // null
 */
export function coverDays(stock: number, mean: Float64Array): number | null {
  if (stock <= 0) return 0;
  let left = stock;
  for (let d = 0; d < 3650; d++) {
    const m = mean[Math.min(d, mean.length - 1)]!;
    if (d >= mean.length && m <= 0) return null;
    if (left < m) return d + left / m;
    left -= m;
  }
  return null;
}

/**
 * The stock policy of one SKU (see the file's comment for the formulas). Pure: O(log n) in the
 * scenarios plus O(horizon) for the cover and the order-by day.
 *
 * @example
 * // 4 equally likely scenarios of lead-time (7 d) and protection (7 + 7 d) demand
 * const scenarios = scenarioTables({
 *   lead: Float64Array.of(5, 7, 9, 11),
 *   protection: Float64Array.of(10, 14, 18, 22),
 *   cycleMean: 7,
 * });
 * const d = stockPolicy({
 *   scenarios,
 *   mean: new Float64Array(14).fill(1),
 *   serviceLevel: 0.75,
 *   position: 12,
 *   reviewDays: 7,
 *   pack: 5,
 * });
 * // reorderPoint 18 (the 3rd of 4 sorted: ⌈0.75·4⌉), orderUpTo 18 (no costs: no EOQ lot), shortBeforeArrival 0,
 * // stockoutRisk 0.75 (3 of 4 scenarios exceed 12), coverDays 12, leadTimeDemand 9,
 * // orderByDay 3 (12 → 11 → 10 → 9 still cover 9; a 4th day would not), wanted 6, quantity 10 (2 packs of 5)
 */
export function stockPolicy(input: StockPolicyInput): StockDecision {
  const { scenarios, mean, serviceLevel, position, reviewDays } = input;
  const reorderPoint = scenarioQuantile(scenarios.protection.sorted, serviceLevel);
  const costs = input.costs;
  // λ: the demand of one order cycle (the review period after the lead time), per year
  const lambda = scenarios.cycleMean * (365 / reviewDays);
  const lot =
    costs !== undefined && lambda > 0 && costs.holdingPerUnitDay > 0 && costs.orderCost > 0
      ? eoq(costs.orderCost, costs.holdingPerUnitDay * 365, lambda).q
      : 0;
  const eoqS = reorderPoint + Math.max(0, Math.round(lot - scenarios.cycleMean));
  const seasonS = input.seasonDemand === undefined ? Infinity : Math.max(reorderPoint, Math.ceil(input.seasonDemand));
  const orderUpTo = Math.min(eoqS, seasonS);
  const n = scenarios.protection.sorted.length;
  const stockoutRisk = n === 0 ? 0 : 1 - countAtMostSorted(scenarios.protection.sorted, position) / n;
  // order by: the last day the stock left at the forecast mean still covers the lead time at the service level
  const leadTimeDemand = scenarioQuantile(scenarios.lead.sorted, serviceLevel);
  let orderByDay = 0;
  let left = position;
  while (orderByDay < reviewDays && left - mean[orderByDay]! >= leadTimeDemand) left -= mean[orderByDay++]!;
  // with whole-unit scenarios s < 1 means no demand at the service level: nothing to protect, so nothing due
  const due = reorderPoint >= 1 && (position < reorderPoint || orderByDay < reviewDays);
  const wanted = orderUpTo - position;
  const moq = input.moq ?? 0;
  const pack = input.pack ?? 1;
  const quantity = due ? roundOrder(wanted, moq, pack) : 0;
  const toMoq = moq > wanted;
  return {
    reorderPoint,
    lot,
    orderUpTo,
    seasonCapped: seasonS < eoqS,
    leadTimeDemand,
    stockoutRisk,
    coverDays: coverDays(position, mean),
    shortBeforeArrival:
      scenarios.lead.sorted.length === 0
        ? 0
        : expectedExcessSorted(scenarios.lead.sorted, scenarios.lead.suffix, Math.max(0, position)),
    orderByDay,
    due,
    wanted,
    quantity,
    raised: {
      toEoq: orderUpTo > reorderPoint + 1e-9,
      toSeason: seasonS < eoqS && seasonS > reorderPoint,
      toMoq,
      toPacks: !toMoq && pack > 1 && quantity > wanted + 1,
    },
  };
}

/** What the scenarios of one SKU are drawn from (see `protectionDemand`). */
export interface StockScenarioInput {
  /** past daily demand, cleaned, oldest first, NaN where unknown */
  history: Float64Array;
  /** the units customers actually ordered each day, aligned with `history` */
  actual?: Float64Array;
  /** the forecast's daily means from the first day of the lead time on */
  mean: Float64Array;
  leadTime: LeadTime;
  reviewDays: number;
  /** how many scenarios */
  scenarios: number;
  /** days of history the windows are taken from (default 364: a year of weekly patterns) */
  window?: number;
  /** a window's expected level is at least this share of the forecast (default 0.25) */
  floorShare?: number;
  /** uniform [0, 1) and standard normal random sources (injected: the same seed gives the same scenarios) */
  uniform: () => number;
  normal: () => number;
}

/**
 * The scenarios `stockPolicy` decides on: scaled block-bootstrap windows of the SKU's own history
 * around the forecast's level, sorted for the quantile and shortfall searches; whole units.
 * O(scenarios · (L + R) + scenarios · log scenarios).
 * @example
 * const uniform = mulberry32(1);
 * const t = stockScenarios({ history, mean, leadTime: { mean: 7, sd: 0 }, reviewDays: 7, scenarios: 2000,
 *   uniform, normal: normalSource(uniform) });
 * scenarioQuantile(t.protection.sorted, 0.95); // the reorder point at 95 %, a whole number of units
 */
export function stockScenarios(s: StockScenarioInput): ScenarioTables {
  return scenarioTables(
    protectionDemand(s.history, s.mean, s.leadTime, s.reviewDays, {
      scenarios: s.scenarios,
      window: s.window ?? 364,
      uniform: s.uniform,
      normal: s.normal,
      ...(s.actual !== undefined ? { actual: s.actual } : {}),
      ...(s.floorShare !== undefined ? { floorShare: s.floorShare } : {}),
    }),
  );
}
