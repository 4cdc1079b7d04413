/**
 * RFM segments (Hughes 1994, "Strategic Database Marketing"): each customer scored 1–5 on recency (days since the
 * last purchase: fewer is better), frequency (purchases) and monetary value (spend), by quintile of the customers,
 * and named by recency and frequency. A score is 1 + ⌊5 · (customers strictly worse) / (customers)⌋, so customers
 * with equal values get equal scores (a shop where most bought once puts them all in frequency 1).
 *
 * Segments (R, F): champions R ≥ 4 and F ≥ 4; new R ≥ 4 and F = 1; promising R ≥ 4 and F 2–3; loyal R = 3 and
 * F ≥ 4; needs-attention R = 3 and F ≤ 3; at-risk R ≤ 2 and F ≥ 3; hibernating R ≤ 2 and F ≤ 2.
 */

/**
 * The segment names, best first.
 * @example RFM_SEGMENTS[0] // 'champions'
 */
export const RFM_SEGMENTS = [
  'champions',
  'loyal',
  'promising',
  'new',
  'needs-attention',
  'at-risk',
  'hibernating',
] as const;
/** One of RFM_SEGMENTS. */
export type RfmSegment = (typeof RFM_SEGMENTS)[number];

/** Per customer, the R, F and M scores (1–5) and the segment. */
export interface RfmScores {
  r: Uint8Array;
  f: Uint8Array;
  m: Uint8Array;
  segment: RfmSegment[];
}

/** Quintile scores of `v` (higher value, higher score). O(n log n). */
function quintiles(v: Float64Array): Uint8Array {
  const n = v.length;
  const sorted = Float64Array.from(v).sort();
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    // customers strictly below v[i]: the first index of v[i] in the sorted values
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted[mid]! < v[i]!) lo = mid + 1;
      else hi = mid;
    }
    out[i] = 1 + Math.floor((5 * lo) / n);
  }
  return out;
}

/**
 * The segment of scores R and F (module comment).
 * @example rfmSegment(5, 1) // 'new'
 */
export function rfmSegment(r: number, f: number): RfmSegment {
  if (r >= 4) return f >= 4 ? 'champions' : f <= 1 ? 'new' : 'promising';
  if (r === 3) return f >= 4 ? 'loyal' : 'needs-attention';
  return f >= 3 ? 'at-risk' : 'hibernating';
}

/**
 * Each customer's R, F and M scores and segment from the days since their last purchase, their purchases and their
 * spend. O(n log n).
 * @example rfmScores(Float64Array.of(3, 200), Float64Array.of(9, 1), Float64Array.of(900, 20)).segment
 */
export function rfmScores(daysSinceLast: Float64Array, purchases: Float64Array, spend: Float64Array): RfmScores {
  const n = daysSinceLast.length;
  if (purchases.length !== n || spend.length !== n) throw new RangeError('rfmScores: the columns differ in length');
  const r = quintiles(daysSinceLast.map((d) => -d));
  const f = quintiles(purchases);
  const m = quintiles(spend);
  const segment = Array.from({ length: n }, (_, i) => rfmSegment(r[i]!, f[i]!));
  return { r, f, m, segment };
}
