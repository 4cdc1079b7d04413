import { type ProtectionDemand, excessTable, expectedExcessSorted } from './lead-time-demand.js';

/**
 * Stock levels from scenarios of demand over the lead time L and the protection period L + R
 * (see lead-time-demand.ts), for periodic review every R days (Silver, Pyke & Thomas, Inventory
 * and Production Management in Supply Chains, 4th ed., ch. 6–7):
 * - base-stock (order-up-to S) for a target fill rate β: the smallest S whose expected units
 *   short per cycle, E[(D_{L+R} − S)+] − E[(D_L − S)+], are at most (1 − β) times the cycle's demand;
 * - base-stock for a cycle service level α: S = the α-quantile of D_{L+R};
 * - newsvendor base-stock: the critical-ratio quantile p / (p + h) of D_{L+R};
 * - (s, S): s as the base-stock level, S = s + an order quantity (e.g. the EOQ);
 * - (r, Q) under continuous review: r = the target quantile of D_L.
 */

export interface ScenarioTables {
  protection: { sorted: Float64Array; suffix: Float64Array };
  lead: { sorted: Float64Array; suffix: Float64Array };
  cycleMean: number;
}

/**
 * Sorts the scenarios once for the level searches below. O(n log n).
 * @example
 * const t = scenarioTables({
 *   lead: Float64Array.of(5, 7, 9, 11), protection: Float64Array.of(10, 14, 18, 22), cycleMean: 7,
 * });
 * t.protection.sorted; // [10, 14, 18, 22], with suffix sums [64, 54, 40, 22, 0]
 */
export function scenarioTables(pd: ProtectionDemand): ScenarioTables {
  return { protection: excessTable(pd.protection), lead: excessTable(pd.lead), cycleMean: pd.cycleMean };
}

/**
 * Expected units short in one order cycle with order-up-to level s (backorder accounting):
 * E[(D_{L+R} − s)+] − E[(D_L − s)+], the shortage at the cycle's end less what was already short
 * before the order arrived. O(log n).
 * @example expectedShortPerCycle(t, 14) // 3 = ((18 − 14) + (22 − 14)) / 4 − 0 (t as in `scenarioTables`)
 */
export function expectedShortPerCycle(t: ScenarioTables, s: number): number {
  return Math.max(
    0,
    expectedExcessSorted(t.protection.sorted, t.protection.suffix, s) -
      expectedExcessSorted(t.lead.sorted, t.lead.suffix, s),
  );
}

/**
 * Expected fill rate of order-up-to level s: 1 − E[short per cycle] / E[cycle demand] (1 without
 * cycle demand). O(log n).
 * @example fillRateAt(t, 14) // 0.571 = 1 − 3/7 (t as in `scenarioTables`)
 */
export function fillRateAt(t: ScenarioTables, s: number): number {
  return t.cycleMean > 0 ? 1 - expectedShortPerCycle(t, s) / t.cycleMean : 1;
}

/**
 * Order-up-to level for a target fill rate β ∈ (0, 1), by bisection on the monotone shortfall
 * between 0 and the largest scenario (relative tolerance 1e-6). O(log n · log(range)).
 * @example baseStockForFillRate(t, 0.9) // ≈ 19.2: 0.7 units short per cycle of 7 (t as in `scenarioTables`)
 */
export function baseStockForFillRate(t: ScenarioTables, beta: number): number {
  if (!(beta > 0 && beta < 1)) throw new RangeError(`baseStockForFillRate: fill rate must be in (0, 1), got ${beta}`);
  const n = t.protection.sorted.length;
  if (n === 0 || t.cycleMean <= 0) return 0;
  const allowed = (1 - beta) * t.cycleMean;
  let lo = 0;
  let hi = t.protection.sorted[n - 1]!;
  if (expectedShortPerCycle(t, lo) <= allowed) return 0;
  for (let it = 0; it < 60 && hi - lo > 1e-6 * Math.max(1, hi); it++) {
    const mid = (lo + hi) / 2;
    if (expectedShortPerCycle(t, mid) <= allowed) hi = mid;
    else lo = mid;
  }
  return hi;
}

/**
 * The q-quantile of sorted scenarios (Hyndman & Fan type 1, the inverse empirical CDF: the
 * smallest value whose empirical CDF reaches q); 0 without scenarios. O(1).
 * @example scenarioQuantile(Float64Array.of(10, 14, 18, 22), 0.75) // 18, the ⌈0.75·4⌉ = 3rd value
 */
export function scenarioQuantile(sorted: Float64Array, q: number): number {
  const n = sorted.length;
  if (n === 0) return 0;
  return sorted[Math.min(n - 1, Math.max(0, Math.ceil(q * n) - 1))]!;
}

/**
 * Order-up-to level for a cycle service level α: P(no stock-out in a cycle) ≥ α, the α-quantile
 * of protection-period demand. O(1).
 * @example baseStockForCsl(t, 0.75) // 18 (t as in `scenarioTables`)
 */
export function baseStockForCsl(t: ScenarioTables, alpha: number): number {
  return scenarioQuantile(t.protection.sorted, alpha);
}

/**
 * Cost-optimal order-up-to level, the newsvendor's critical fractile p / (p + h) of protection-period
 * demand: h holding cost per unit left at the end of a cycle, p cost per unit short. O(1).
 * @example newsvendorBaseStock(t, 1, 3) // 18, the 0.75-quantile (t as in `scenarioTables`)
 */
export function newsvendorBaseStock(t: ScenarioTables, h: number, p: number): number {
  return scenarioQuantile(t.protection.sorted, p / (p + h));
}

/**
 * (s, S) periodic review: order up to S when the position is at or below s; s is the base stock
 * for fill rate β, S = s + the order quantity (e.g. the EOQ, negative taken as 0).
 * @example sSLevels(t, 0.95, 20) // ≈ { s: 20.6, S: 40.6 } (t as in `scenarioTables`)
 */
export function sSLevels(t: ScenarioTables, beta: number, orderQty: number): { s: number; S: number } {
  const s = baseStockForFillRate(t, beta);
  return { s, S: s + Math.max(0, orderQty) };
}

/**
 * (r, Q) continuous review: reorder point r = the α-quantile of lead-time demand, lot Q at least 1.
 * @example rQLevels(t, 0.75, 20) // { r: 9, Q: 20 } (t as in `scenarioTables`)
 */
export function rQLevels(t: ScenarioTables, alpha: number, orderQty: number): { r: number; Q: number } {
  return { r: scenarioQuantile(t.lead.sorted, alpha), Q: Math.max(1, orderQty) };
}

/** One SKU's costs for `levelsForAggregateFillRate`, in currency per unit. */
export interface SkuLevelCosts {
  /** holding cost of a unit carried through one review cycle */
  holdingPerCycle: number;
  /** cost of a unit short */
  shortagePerUnit: number;
}

/**
 * Order-up-to levels that reach an aggregate fill rate β over many SKUs at the least expected
 * holding + shortage cost: each SKU gets the newsvendor level for its shortage cost plus a common
 * price λ per unit short (the Lagrange multiplier of the fill-rate constraint; Silver, Pyke &
 * Thomas §7.5 on service-constrained allocation), and λ is the smallest that makes the expected
 * fill rate over all SKUs, 1 − Σ E[short]ᵢ / Σ E[cycle demand]ᵢ, reach β. A unit short counts the
 * same on every SKU, so the cheap-to-hold units carry more of the service. O(SKUs · n · log).
 * @example
 * const costs = [{ holdingPerCycle: 0.1, shortagePerUnit: 1 }, { holdingPerCycle: 1, shortagePerUnit: 1 }];
 * levelsForAggregateFillRate([t, t], costs, 0.8); // levels [22, 18], λ ≈ 0, expectedFillRate 0.929
 */
export function levelsForAggregateFillRate(
  tables: readonly ScenarioTables[],
  costs: readonly SkuLevelCosts[],
  beta: number,
): { levels: Float64Array; lambda: number; expectedFillRate: number } {
  const n = tables.length;
  const levels = new Float64Array(n);
  let demand = 0;
  for (const t of tables) demand += Math.max(0, t.cycleMean);
  const at = (lambda: number): number => {
    let short = 0;
    for (let i = 0; i < n; i++) {
      const t = tables[i]!;
      const c = costs[i]!;
      const p = c.shortagePerUnit + lambda;
      levels[i] = t.cycleMean > 0 ? newsvendorBaseStock(t, Math.max(c.holdingPerCycle, 1e-12), p) : 0;
      short += t.cycleMean > 0 ? Math.min(expectedShortPerCycle(t, levels[i]!), t.cycleMean) : 0;
    }
    return demand > 0 ? 1 - short / demand : 1;
  };
  // when the costs alone already give β, they are the optimum of the constrained problem too
  const free = at(0);
  if (free >= beta) return { levels, lambda: 0, expectedFillRate: free };
  let lo = 0;
  let hi = 1;
  while (at(hi) < beta && hi < 1e9) hi *= 4;
  for (let it = 0; it < 60 && hi - lo > 1e-9 * Math.max(1, Math.abs(hi)); it++) {
    const mid = (lo + hi) / 2;
    if (at(mid) >= beta) hi = mid;
    else lo = mid;
  }
  return { levels, lambda: hi, expectedFillRate: at(hi) };
}
