/**
 * ABC and XYZ classes (Silver, Pyke & Thomas 4th ed. §3.4 for ABC; XYZ by the coefficient of
 * variation of demand, e.g. Scholz-Reiter et al. 2012). A: the SKUs that make the first
 * `abc[0]` of revenue (ranked by revenue), B: up to `abc[1]`, C: the rest. X: CV of weekly demand
 * below `xyz[0]`, Y: below `xyz[1]`, Z: above (or no demand).
 */

export type AbcClass = 'A' | 'B' | 'C';
export type XyzClass = 'X' | 'Y' | 'Z';

export interface ClassCuts {
  abc: [number, number];
  xyz: [number, number];
}

export const DEFAULT_CLASS_CUTS: ClassCuts = { abc: [0.8, 0.95], xyz: [0.5, 1.0] };

/** Target fill rate per ABC × XYZ class: the most valuable, steadiest SKUs get the highest. */
export const DEFAULT_CLASS_SERVICE: Record<`${AbcClass}${XyzClass}`, number> = {
  AX: 0.98, AY: 0.97, AZ: 0.95,
  BX: 0.96, BY: 0.95, BZ: 0.92,
  CX: 0.93, CY: 0.9, CZ: 0.85,
};

/** ABC class of each SKU from its revenue. O(n log n). */
export function abcClasses(revenue: ArrayLike<number>, cuts: ClassCuts['abc'] = DEFAULT_CLASS_CUTS.abc): AbcClass[] {
  const n = revenue.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => (revenue[b]! - revenue[a]!) || a - b);
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

/** Coefficient of variation (population sd / mean) of a demand series, NaN skipped; Infinity without demand. */
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

export function xyzClass(cv: number, cuts: ClassCuts['xyz'] = DEFAULT_CLASS_CUTS.xyz): XyzClass {
  return cv < cuts[0] ? 'X' : cv < cuts[1] ? 'Y' : 'Z';
}
