/**
 * The last check before an order is suggested: a quantity far beyond anything the SKU ever sold
 * is a data error (one absurd order line, a mistyped stock or cost) until a person says otherwise.
 */

/**
 * The largest demand of any `days` consecutive days of `history` (NaN days count 0); the whole
 * history's sum when it is shorter. O(n).
 * @example largestWindowDemand(Float64Array.of(1, 0, 5, NaN, 2, 9), 2) // 11 (2 + 9)
 */
export function largestWindowDemand(history: Float64Array, days: number): number {
  let sum = 0;
  let best = 0;
  for (let t = 0; t < history.length; t++) {
    const v = history[t]!;
    sum += Number.isFinite(v) ? v : 0;
    if (t >= days) {
      const old = history[t - days]!;
      sum -= Number.isFinite(old) ? old : 0;
    }
    best = Math.max(best, sum);
  }
  return best;
}

/**
 * Whether an order of `quantity` units is held back: more than `factor` × the larger of the SKU's
 * largest 28-day demand in its (clean) history and `forecast28` (the forecast's next 28 days, so a
 * new product selling above its short past is not held back), counted as at least 1 unit. O(history).
 * @example holdBack(1_218_125_329, Float64Array.of(3, 0, 12, 4), 10) // { held: true, limit: 190 }
 */
export function holdBack(
  quantity: number,
  history: Float64Array,
  factor: number,
  forecast28 = 0,
): { held: boolean; limit: number } {
  const limit = factor * Math.max(1, largestWindowDemand(history, 28), forecast28);
  return { held: quantity > limit, limit };
}
