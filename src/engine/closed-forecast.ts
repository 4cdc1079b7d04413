/**
 * Forecasts on days the shop is closed: zero, their demand carried by the open days of the same
 * calendar week (Monday to Sunday), so that the week's expected demand is kept. Each open day of a
 * week with closed days takes a share in proportion to its own mean: its mean and every quantile
 * are multiplied by (open + carried mean) / (open mean), which keeps the quantiles ordered and in
 * the same ratio to the mean. A week cut by the forecast window (its first days in the past, or its
 * last days beyond the horizon) carries to the open days inside the window only their share: the
 * closed mean × open days inside / (open days inside + the week's days outside, taken as open), so
 * that a Saturday at the window's start does not double the Sunday after it. When the open days'
 * means are all zero the carried mean and quantiles are spread over them evenly (comonotone sums).
 * A week with no open day in the window carries nothing: the shop sells nothing that week, as its
 * history with the same closure showed.
 */
import { weekdayOf } from './closed-calendar.js';
import type { FlatForecast } from './quantile-view.js';

/**
 * Applies the closed-day rule (module comment) to every series of `fc`, in place. `closed[i][k]`
 * is 1 when series i's shop is closed on forecast step k (day `firstDay` + k days; ms, UTC
 * midnight); a missing or shorter mask means open. Returns the number of (series, day) cells
 * closed. O(series × h × levels).
 * @example closeForecastDaysInPlace(fc, ids.map(() => saturdays), Date.UTC(2011, 10, 5)); // zero on each Saturday
 */
export function closeForecastDaysInPlace(
  fc: FlatForecast,
  closed: readonly (ArrayLike<number> | undefined)[],
  firstDay: number,
): number {
  const h = fc.h;
  const L = fc.levels.length;
  const series = h === 0 ? 0 : fc.mean.length / h;
  const offset = weekdayOf(firstDay);
  const carried = new Float64Array(L);
  let count = 0;
  for (let i = 0; i < series; i++) {
    const mask = closed[i];
    if (mask === undefined) continue;
    const isClosed = (k: number): boolean => k < mask.length && mask[k] === 1;
    const mean = fc.mean.subarray(i * h, (i + 1) * h);
    const q = (l: number, k: number): number => (i * L + l) * h + k;
    for (let a = 0; a < h;) {
      const b = Math.min(h, a + 7 - ((offset + a) % 7));
      let closedMean = 0;
      let openMean = 0;
      let open = 0;
      carried.fill(0);
      for (let k = a; k < b; k++) {
        if (!isClosed(k)) {
          openMean += mean[k]!;
          open++;
          continue;
        }
        closedMean += mean[k]!;
        for (let l = 0; l < L; l++) carried[l] = carried[l]! + fc.quantiles[q(l, k)]!;
      }
      if (open > 0 && open < b - a) {
        // the share of the closed days' demand that falls to the open days inside the window
        const share = open / (open + 7 - (b - a));
        const factor = openMean > 0 ? (openMean + closedMean * share) / openMean : 1;
        for (let k = a; k < b; k++) {
          if (isClosed(k)) continue;
          if (openMean > 0) {
            mean[k] = mean[k]! * factor;
            for (let l = 0; l < L; l++) fc.quantiles[q(l, k)] = fc.quantiles[q(l, k)]! * factor;
          } else {
            mean[k] = mean[k]! + (closedMean * share) / open;
            for (let l = 0; l < L; l++) fc.quantiles[q(l, k)] = fc.quantiles[q(l, k)]! + (carried[l]! * share) / open;
          }
        }
      }
      for (let k = a; k < b; k++) {
        if (!isClosed(k)) continue;
        mean[k] = 0;
        for (let l = 0; l < L; l++) fc.quantiles[q(l, k)] = 0;
        count++;
      }
      a = b;
    }
  }
  return count;
}
