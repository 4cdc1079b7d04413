/** Small formatting and weekly-summing helpers the plan's steps share. */

export const round = (x: number, d = 2): number => Math.round(x * 10 ** d) / 10 ** d;

/**
 * Sums a daily series into 7-day blocks ending at `end` (exclusive), oldest first; NaN days count as their block's
 * known mean.
 */
export function blocks(y: Float64Array, end: number, count: number): number[] {
  const out: number[] = [];
  for (let b = count; b >= 1; b--) {
    let s = 0;
    let k = 0;
    for (let t = end - 7 * b; t < end - 7 * (b - 1); t++) {
      if (t < 0 || !Number.isFinite(y[t]!)) continue;
      s += y[t]!;
      k++;
    }
    out.push(k === 0 ? NaN : (s * 7) / k);
  }
  return out;
}
