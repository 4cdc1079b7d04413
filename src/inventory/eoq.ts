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

/** The classic EOQ: Q* = √(2Kλ/h), cost g(Q*) = √(2Kλh). Example: K 8, h 0.225, λ 1300 → Q* 304.05, cost 68.41. */
export function eoq(K: number, h: number, lambda: number): EoqResult {
  check('eoq', { K, h, lambda });
  const q = Math.sqrt((2 * K * lambda) / h);
  return { q, cost: Math.sqrt(2 * K * lambda * h), cycle: q / lambda };
}

export interface EoqBackorderResult extends EoqResult {
  /** the share of each cycle's demand that is backordered, x* = h / (h + p) */
  backorderShare: number;
  /** the largest backlog of a cycle, x*·Q* */
  maxBackorder: number;
}

/**
 * EOQ with planned backorders (Snyder & Shen §3.4): Q* = √(2Kλ(h+p)/(hp)), x* = h/(h+p),
 * cost = √(2Kλhp/(h+p)). As p → ∞ it becomes the classic EOQ.
 */
export function eoqBackorder(K: number, h: number, p: number, lambda: number): EoqBackorderResult {
  check('eoqBackorder', { K, h, p, lambda });
  const q = Math.sqrt((2 * K * lambda * (h + p)) / (h * p));
  const x = h / (h + p);
  return { q, cost: Math.sqrt((2 * K * lambda * h * p) / (h + p)), cycle: q / lambda, backorderShare: x, maxBackorder: x * q };
}

export interface PriceBreak {
  /** the smallest quantity that gets this unit price */
  minQty: number;
  unitCost: number;
}

export interface QuantityDiscountResult extends EoqResult {
  unitCost: number;
  /** cost per unit of time including purchases: ordering + holding + λ·c */
  totalCost: number;
}

/**
 * EOQ with all-units quantity discounts (Snyder & Shen §3.5): holding cost is a rate i of the
 * unit cost, h = i·c. For each price break the EOQ at its price, raised to the break when below
 * it, is a candidate; the one with the lowest ordering + holding + purchase cost wins.
 * O(breaks). Breaks must include one with minQty 0 (or any lowest quantity).
 */
export function eoqQuantityDiscount(K: number, holdingRate: number, lambda: number, breaks: readonly PriceBreak[]): QuantityDiscountResult {
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
