/**
 * Economic order quantities (Harris 1913; Snyder & Shen, Fundamentals of Supply Chain Theory,
 * 2nd ed., ch. 3). K: fixed cost per order, h: holding cost per unit per unit of time, λ: demand
 * per unit of time, p: backorder cost per unit per unit of time.
 */

export interface EoqResult {
  /** order quantity */
  q: number;
  /** ordering + holding (+ backorder) cost per unit of time */
  cost: number;
  /** time between orders, q / λ */
  cycle: number;
}

function check(name: string, values: Record<string, number>): void {
  for (const [k, v] of Object.entries(values))
    if (!(Number.isFinite(v) && v > 0)) throw new RangeError(`${name}: ${k} must be a positive number, got ${v}`);
}

/**
 * The classic EOQ (Harris 1913): Q* = √(2Kλ/h), cost g(Q*) = √(2Kλh), with h and λ in the same
 * unit of time (e.g. per year). Throws a RangeError unless K, h and λ are positive.
 * @example eoq(8, 0.225, 1300) // → { q: 304.05, cost: 68.41, cycle: 0.234 } (Snyder & Shen's example)
 */
export function eoq(K: number, h: number, lambda: number): EoqResult {
  check('eoq', { K, h, lambda });
  const q = Math.sqrt((2 * K * lambda) / h);
  return { q, cost: Math.sqrt(2 * K * lambda * h), cycle: q / lambda };
}

/** The EOQ with planned backorders, and how much of each cycle is backordered. */
export interface EoqBackorderResult extends EoqResult {
  /** the share of each cycle's demand that is backordered, x* = h / (h + p) */
  backorderShare: number;
  /** the largest backlog of a cycle, x*·Q* */
  maxBackorder: number;
}

/**
 * EOQ with planned backorders (Snyder & Shen §3.4): Q* = √(2Kλ(h+p)/(hp)), x* = h/(h+p),
 * cost = √(2Kλhp/(h+p)). As p → ∞ it becomes the classic EOQ.
 * @example eoqBackorder(8, 0.225, 5, 1300) // → q 310.81, cost 66.92, backorderShare 0.043, maxBackorder 13.38
 */
export function eoqBackorder(K: number, h: number, p: number, lambda: number): EoqBackorderResult {
  check('eoqBackorder', { K, h, p, lambda });
  const q = Math.sqrt((2 * K * lambda * (h + p)) / (h * p));
  const x = h / (h + p);
  return {
    q,
    cost: Math.sqrt((2 * K * lambda * h * p) / (h + p)),
    cycle: q / lambda,
    backorderShare: x,
    maxBackorder: x * q,
  };
}

/** One step of an all-units discount schedule: from `minQty` units on, every unit costs `unitCost`. */
export interface PriceBreak {
  /** the smallest quantity that gets this unit price */
  minQty: number;
  /** price per unit, currency */
  unitCost: number;
}

/** The cheapest order quantity under quantity discounts, with the unit price it gets. */
export interface QuantityDiscountResult extends EoqResult {
  /** the unit price at the chosen quantity */
  unitCost: number;
  /** cost per unit of time including purchases: ordering + holding + λ·c */
  totalCost: number;
}

/**
 * EOQ with all-units quantity discounts (Snyder & Shen §3.5): holding cost is a rate i of the
 * unit cost, h = i·c. For each price break the EOQ at its price, raised to the break when below
 * it, is a candidate; the one with the lowest ordering + holding + purchase cost wins.
 * O(breaks log breaks). A quantity is never below the lowest break's minQty (usually 0).
 * @example
 * const breaks = [{ minQty: 0, unitCost: 1 }, { minQty: 400, unitCost: 0.95 }, { minQty: 1000, unitCost: 0.9 }];
 * eoqQuantityDiscount(8, 0.3, 1300, breaks); // → q 1000 (raised to the break), unitCost 0.9, totalCost 1315.4
 */
export function eoqQuantityDiscount(
  K: number,
  holdingRate: number,
  lambda: number,
  breaks: readonly PriceBreak[],
): QuantityDiscountResult {
  check('eoqQuantityDiscount', { K, holdingRate, lambda });
  if (breaks.length === 0) throw new RangeError('eoqQuantityDiscount: no price breaks');
  const sorted = [...breaks].sort((a, b) => a.minQty - b.minQty);
  let best: QuantityDiscountResult | undefined;
  for (let j = 0; j < sorted.length; j++) {
    const { minQty, unitCost } = sorted[j]!;
    check('eoqQuantityDiscount', { unitCost });
    const upper = j + 1 < sorted.length ? sorted[j + 1]!.minQty : Infinity;
    const h = holdingRate * unitCost;
    const q = Math.max(Math.sqrt((2 * K * lambda) / h), minQty, Number.MIN_VALUE);
    // A Q above the next break would get the next break's lower price: that break's candidate covers it.
    if (q >= upper) continue;
    const cost = (K * lambda) / q + (h * q) / 2;
    const total = cost + lambda * unitCost;
    if (best === undefined || total < best.totalCost) best = { q, cost, cycle: q / lambda, unitCost, totalCost: total };
  }
  return best!;
}
