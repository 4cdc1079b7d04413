/**
 * ABC and XYZ classes (Silver, Pyke & Thomas 4th ed. §3.4 for ABC; XYZ by the coefficient of
 * variation of demand, e.g. Scholz-Reiter et al. 2012). A: the SKUs that make the first
 * `abc[0]` of revenue (ranked by revenue), B: up to `abc[1]`, C: the rest. X: CV of weekly demand
 * below `xyz[0]`, Y: below `xyz[1]`, Z: above (or no demand).
 */

export type AbcClass = 'A' | 'B' | 'C';
/** Demand-variability class: X steady, Y variable, Z erratic (or no demand). */
export type XyzClass = 'X' | 'Y' | 'Z';

/** The class boundaries: cumulative revenue shares for ABC, coefficients of variation for XYZ. */
export interface ClassCuts {
  /** cumulative revenue share ending A, then B (e.g. 0.8, 0.95) */
  abc: [number, number];
  /** CV below which a SKU is X, then Y (e.g. 0.5, 1) */
  xyz: [number, number];
}

/**
 * The usual cuts: A the SKUs making the first 80 % of revenue, B up to 95 %; X a CV below 0.5,
 * Y below 1.
 * @example abcClasses(revenue, DEFAULT_CLASS_CUTS.abc)
 */
export const DEFAULT_CLASS_CUTS: ClassCuts = { abc: [0.8, 0.95], xyz: [0.5, 1.0] };

/**
 * Target service level per ABC × XYZ class: the most valuable, steadiest SKUs get the highest.
 * `plan` uses it as the cycle service level α of the stock policy (inventory/stock-policy.ts).
 * @example DEFAULT_CLASS_SERVICE['AX'] // 0.98; DEFAULT_CLASS_SERVICE['CZ'] // 0.85
 */
export const DEFAULT_CLASS_SERVICE: Record<`${AbcClass}${XyzClass}`, number> = {
  AX: 0.98,
  AY: 0.97,
  AZ: 0.95,
  BX: 0.96,
  BY: 0.95,
  BZ: 0.92,
  CX: 0.93,
  CY: 0.9,
  CZ: 0.85,
};

/**
 * ABC class of each SKU by cumulative revenue share (Pareto analysis): SKUs ranked by revenue, a
 * SKU is A while the revenue ranked before it is below `cuts[0]` of the total, B below `cuts[1]`,
 * else C. Negative revenue counts as 0; ties keep input order. O(n log n).
 * @example abcClasses([500, 300, 120, 50, 30]) // ['A', 'A', 'B', 'B', 'C']
 */
export function abcClasses(revenue: ArrayLike<number>, cuts: ClassCuts['abc'] = DEFAULT_CLASS_CUTS.abc): AbcClass[] {
  const n = revenue.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => revenue[b]! - revenue[a]! || a - b);
  let total = 0;
  for (let i = 0; i < n; i++) total += Math.max(0, revenue[i]!);
  const out: AbcClass[] = new Array<AbcClass>(n).fill('C');
  let cum = 0;
  for (const i of order) {
    // a SKU is in A when the revenue ranked before it is still below the cut
    const share = total > 0 ? cum / total : 1;
    out[i] = share < cuts[0] ? 'A' : share < cuts[1] ? 'B' : 'C';
    cum += Math.max(0, revenue[i]!);
  }
  return out;
}

/** Revenues ranked once, for `abcClassAmong`. */
export interface AbcRanking {
  /** the revenues, descending (ties in input order) */
  desc: Float64Array;
  /** cum[j]: the first j of `desc` summed (negatives as 0), in that order */
  cum: Float64Array;
  /** every revenue summed (negatives as 0), in input order */
  total: number;
  cuts: ClassCuts['abc'];
}

/**
 * Ranks `revenue` once so that the class a SKU would get, added to them, is found in O(log n) (`abcClassAmong`);
 * null when a revenue is not finite (rank those with `abcClasses`).
 * @example abcRanking([500, 300, 120])!.desc // Float64Array [500, 300, 120]
 */
export function abcRanking(
  revenue: ArrayLike<number>,
  cuts: ClassCuts['abc'] = DEFAULT_CLASS_CUTS.abc,
): AbcRanking | null {
  const n = revenue.length;
  let total = 0;
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(revenue[i]!)) return null;
    total += Math.max(0, revenue[i]!);
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => revenue[b]! - revenue[a]! || a - b);
  const desc = Float64Array.from(order, (i) => revenue[i]!);
  const cum = new Float64Array(n + 1);
  for (let j = 0; j < n; j++) cum[j + 1] = cum[j]! + Math.max(0, desc[j]!);
  return { desc, cum, total, cuts };
}

/**
 * The ABC class `abcClasses([...ranked revenues, r])` gives its last SKU, the same arithmetic in the same order: the
 * SKUs ranked before it are those with revenue ≥ r (ties keep input order, and it comes last). O(log n).
 * @example abcClassAmong(abcRanking([500, 300, 120, 50])!, 30) // 'C', as abcClasses([500, 300, 120, 50, 30]).at(-1)
 */
export function abcClassAmong(ranked: AbcRanking, r: number): AbcClass {
  let lo = 0;
  let hi = ranked.desc.length;
  // the first place whose revenue is below r
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ranked.desc[mid]! >= r) lo = mid + 1;
    else hi = mid;
  }
  const total = ranked.total + Math.max(0, r);
  const share = total > 0 ? ranked.cum[lo]! / total : 1;
  return share < ranked.cuts[0] ? 'A' : share < ranked.cuts[1] ? 'B' : 'C';
}

/**
 * Coefficient of variation (population sd / mean, Welford's one-pass variance) of a demand series,
 * non-finite values skipped; Infinity without demand (no value, or a mean ≤ 0).
 * @example demandCv([4, 6, 5, NaN, 5]) // 0.1414 (sd √0.5 / mean 5)
 */
export function demandCv(y: ArrayLike<number>): number {
  let n = 0;
  let mean = 0;
  let m2 = 0;
  for (let i = 0; i < y.length; i++) {
    const v = y[i]!;
    if (!Number.isFinite(v)) continue;
    n++;
    const d = v - mean; // Welford
    mean += d / n;
    m2 += d * (v - mean);
  }
  return n === 0 || mean <= 0 ? Infinity : Math.sqrt(m2 / n) / mean;
}

/**
 * XYZ class of a coefficient of variation (see `demandCv`): X below `cuts[0]`, Y below `cuts[1]`,
 * Z from there on (Infinity, no demand, is Z).
 * @example [xyzClass(0.2), xyzClass(0.7), xyzClass(1.4)] // ['X', 'Y', 'Z']
 */
export function xyzClass(cv: number, cuts: ClassCuts['xyz'] = DEFAULT_CLASS_CUTS.xyz): XyzClass {
  return cv < cuts[0] ? 'X' : cv < cuts[1] ? 'Y' : 'Z';
}
