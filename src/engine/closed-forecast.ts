/**
 * Forecasts on days the shop is closed: zero, their demand carried by the open days of the same
 * calendar week (Monday to Sunday), so that the week's expected demand is kept. Each open day of a
 * week with closed days takes a share in proportion to its own mean: its mean and every quantile
 * are multiplied by (open + closed mean) / (open mean), which keeps the quantiles ordered and in
 * the same ratio to the mean. A week cut by the forecast window (its first days in the past, its
 * last days beyond the horizon) cannot be totalled: its open days take the series' usual factor,
 * the median over the window's whole weeks (so a Saturday at the window's start does not double the
 * Sunday after it, and the last, cut week stays at the level of the others); without a whole week,
 * the closed days' share that falls to the open days inside the window (closed mean × open days
 * inside / (open days inside + the week's days outside, taken as open)). When the open days' means
 * are all zero the carried mean and quantiles are spread over them evenly (comonotone sums).
 * A week with no open day in the window carries nothing: the shop sells nothing that week, as its
 * history with the same closure showed.
 */
import { weekdayOf } from './closed-calendar.js';
import { quantileSorted } from '../numerics/quantile.js';
import { type FlatForecast, quantileStep, setQuantileStep } from './quantile-view.js';
import { countStepQuantiles } from './forecast-batch.js';

/**
 * Applies the closed-day rule (module comment) to every series of `fc`, in place. `closed[i][k]`
 * is 1 when series i's shop is closed on forecast step k (day `firstDay` + k days; ms, UTC
 * midnight); a missing or shorter mask means open. Only the series `from` to `to` (excluded; default: all) are
 * adjusted. Returns the number of (series, day) cells closed. O((to − from) × h × levels).
 * @example closeForecastDaysInPlace(fc, ids.map(() => saturdays), Date.UTC(2011, 10, 5)); // zero on each Saturday
 */
export function closeForecastDaysInPlace(
  fc: FlatForecast,
  closed: readonly (ArrayLike<number> | undefined)[],
  firstDay: number,
  from = 0,
  to?: number,
): number {
  const h = fc.h;
  const L = fc.levels.length;
  const series = Math.min(to ?? Infinity, h === 0 ? 0 : fc.mean.length / h);
  const offset = weekdayOf(firstDay);
  const carried = new Float64Array(L);
  let count = 0;
  const factors: number[] = [];
  for (let i = from; i < series; i++) {
    const mask = closed[i];
    if (mask === undefined) continue;
    const isClosed = (k: number): boolean => k < mask.length && mask[k] === 1;
    const mean = fc.mean.subarray(i * h, (i + 1) * h);
    const q = (l: number, k: number): number => (i * L + l) * h + k;
    /** The week [a, b) of the window: mean of its open and closed days, its open days, the closed days' quantiles. */
    const week = (a: number, b: number): { openMean: number; closedMean: number; open: number } => {
      let openMean = 0;
      let closedMean = 0;
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
      return { openMean, closedMean, open };
    };
    const end = (a: number): number => Math.min(h, a + 7 - ((offset + a) % 7));
    // the series' usual factor: the median over the whole weeks of the window, for the weeks the window cuts
    factors.length = 0;
    for (let a = 0; a < h; a = end(a)) {
      const w = week(a, end(a));
      if (end(a) - a === 7 && w.open > 0 && w.openMean > 0) factors.push((w.openMean + w.closedMean) / w.openMean);
    }
    factors.sort((x, y) => x - y);
    const usual = factors.length === 0 ? undefined : quantileSorted(Float64Array.from(factors), 0.5);
    for (let a = 0; a < h; a = end(a)) {
      const b = end(a);
      const { openMean, closedMean, open } = week(a, b);
      if (open > 0 && (open < b - a || (b - a < 7 && usual !== undefined))) {
        // a whole week keeps its total; a cut week takes the usual factor, else the closed days' share that falls to
        // the open days inside the window (the week's days outside it taken as open)
        const share = open / (open + 7 - (b - a));
        const factor =
          openMean <= 0 ? 1 : b - a < 7 && usual !== undefined ? usual : (openMean + closedMean * share) / openMean;
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
    }
  }
  return count;
}

/**
 * Count quantiles again after closed days moved demand (`closeForecastDaysInPlace` scales an open
 * day's quantiles with its mean, which turns whole units into fractions): each step of a series marked
 * as count data whose quantiles are not all whole becomes the count distribution with the step's mean
 * and the spread its quantiles imply (`countStepQuantiles`). Steps already whole, and other series, are
 * left as they are; only the series `from` to `to` (excluded; default: all) are looked at. O((to − from) × h × L).
 * @example recountInPlace(fc, panel.clean.map(isCountSeries));
 */
export function recountInPlace(
  fc: FlatForecast & { h: number },
  counts: readonly boolean[],
  from = 0,
  to = counts.length,
): void {
  const L = fc.levels.length;
  const raw = new Float64Array(L);
  const out = new Float64Array(L);
  for (let i = from; i < Math.min(to, counts.length); i++) {
    if (!counts[i]) continue;
    for (let t = 0; t < fc.h; t++) {
      quantileStep(fc, i, t, raw);
      if (raw.every(Number.isInteger)) continue;
      countStepQuantiles(fc.mean[i * fc.h + t]!, raw, fc.levels, out);
      out.sort();
      setQuantileStep(fc, i, t, out);
    }
  }
}
