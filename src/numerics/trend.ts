/**
 * Monotonic trend tests for life-cycle evidence.
 *  - Mann–Kendall (Mann 1945, Kendall 1975): S = Σ_{i<j} sign(y_j − y_i), Var S with the tie
 *    correction n(n−1)(2n+5) − Σ t(t−1)(2t+5), over 18; Z with continuity correction; two-sided p.
 *  - Sen's slope (Sen 1968): the median of the pairwise slopes (y_j − y_i)/(j − i).
 * O(n²) in the window length, which is a few dozen weeks here.
 */
import { normalCdf } from './normal.js';

export interface TrendTest {
  n: number;
  s: number;
  z: number;
  /** two-sided p-value of "no monotonic trend" */
  p: number;
  /** Sen's slope, units per period */
  slope: number;
}

export function mannKendall(y: ArrayLike<number>): TrendTest {
  return { ...mannKendallTest(y), slope: senSlope(y) };
}

/** The Mann–Kendall test alone (S, Z, p), without Sen's slope: O(n²) without the sort of the n(n−1)/2 slopes. */
export function mannKendallTest(y: ArrayLike<number>): Omit<TrendTest, 'slope'> {
  const n = y.length;
  let s = 0;
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) {
      const d = y[j]! - y[i]!;
      s += d > 0 ? 1 : d < 0 ? -1 : 0;
    }
  // each group of equal values (SameValueZero, as a Map's keys) counted at its first member: no allocation, in the
  // O(n²) the pairs take anyway (the rolling stages test a window of every week of every SKU)
  let ties = 0;
  for (let i = 0; i < n; i++) {
    const v = y[i]!;
    let first = true;
    for (let j = 0; j < i && first; j++) first = !sameValueZero(y[j]!, v);
    if (!first) continue;
    let t = 1;
    for (let j = i + 1; j < n; j++) if (sameValueZero(y[j]!, v)) t++;
    ties += t * (t - 1) * (2 * t + 5);
  }
  const variance = (n * (n - 1) * (2 * n + 5) - ties) / 18;
  const z = variance <= 0 ? 0 : s > 0 ? (s - 1) / Math.sqrt(variance) : s < 0 ? (s + 1) / Math.sqrt(variance) : 0;
  return { n, s, z, p: Math.min(1, 2 * (1 - normalCdf(Math.abs(z)))) };
}

/** a === b, with NaN equal to NaN (how a Map compares keys). */
function sameValueZero(a: number, b: number): boolean {
  return a === b || (a !== a && b !== b);
}

/** Sen's slope: the median of the pairwise slopes (y_j − y_i)/(j − i). */
export function senSlope(y: ArrayLike<number>): number {
  const n = y.length;
  const slopes = new Float64Array((n * (n - 1)) / 2);
  let k = 0;
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) slopes[k++] = (y[j]! - y[i]!) / (j - i);
  slopes.sort();
  const m = slopes.length;
  return m === 0 ? 0 : m % 2 === 1 ? slopes[(m - 1) / 2]! : (slopes[m / 2 - 1]! + slopes[m / 2]!) / 2;
}
