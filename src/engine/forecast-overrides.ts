/**
 * A planner's overrides of a forecast, applied to one series of a batch forecast: a % uplift over a period, or a
 * number of units for a period. The layout is quantile-view.ts's; days are forecast steps (0: the first day after the
 * data), a period `[from, to]` inclusive and possibly reaching past either end of the forecast.
 *
 * - `uplift_pct` v: the mean and every quantile of each day of the period scaled by (1 + v/100). Scaling keeps the
 *   quantiles ordered and the distribution's shape (its coefficient of variation), as a multiplicative event effect.
 * - `units` v: v units in all over the period, spread over its days in proportion to the model's mean (so the
 *   weekly profile and the closed days, whose mean is 0, are kept); each day's quantiles are scaled by the same ratio
 *   as its mean. Days of the period outside the forecast take the nearest forecast day's mean as their weight, so
 *   only their share of v falls on the forecast's days. When the model's mean is 0 over the whole period the units
 *   are spread evenly over its open days (`closed[t] !== 1`), every quantile of such a day set to its mean (nothing
 *   is known of the spread).
 * Overrides apply in the order given (their creation order): uplifts compound, a later `units` sets the period anew.
 */
import { DAY_MS, dayMs } from '../numerics/calendar.js';
import { type FlatForecast, quantileIndex } from './quantile-view.js';

/** One override on forecast steps: `from`…`to` inclusive (0: the first forecast day). */
export interface StepOverride {
  from: number;
  to: number;
  kind: 'uplift_pct' | 'units';
  value: number;
}

function scaleDay(fc: FlatForecast, series: number, t: number, ratio: number): void {
  const h = fc.h;
  fc.mean[series * h + t]! *= ratio;
  for (let l = 0; l < fc.levels.length; l++) fc.quantiles[quantileIndex(fc, series, l, t)]! *= ratio;
}

function setDay(fc: FlatForecast, series: number, t: number, value: number): void {
  fc.mean[series * fc.h + t] = value;
  for (let l = 0; l < fc.levels.length; l++) fc.quantiles[quantileIndex(fc, series, l, t)] = value;
}

/**
 * Applies `overrides` to series `series` of `fc`, in place (module comment). `closed` (1: closed) indexed by forecast
 * step tells open days when a `units` override falls on a period the model forecasts nothing for. O(Σ period length ×
 * levels).
 * @example
 * applyOverridesInPlace(fc, 0, [{ from: 0, to: 6, kind: 'uplift_pct', value: 100 }]); // first week doubled
 * applyOverridesInPlace(fc, 0, [{ from: 7, to: 13, kind: 'units', value: 70 }]); // second week: 70 units in all
 */
export function applyOverridesInPlace(
  fc: FlatForecast,
  series: number,
  overrides: readonly StepOverride[],
  closed?: ArrayLike<number>,
): void {
  const h = fc.h;
  if (h === 0) return;
  const mean = fc.mean.subarray(series * h, (series + 1) * h);
  for (const o of overrides) {
    if (!(o.to >= o.from) || !Number.isFinite(o.value)) throw new RangeError('applyOverridesInPlace: bad override');
    const a = Math.max(0, o.from);
    const b = Math.min(h - 1, o.to);
    if (o.kind === 'uplift_pct') {
      const ratio = 1 + o.value / 100;
      for (let t = a; t <= b; t++) scaleDay(fc, series, t, ratio);
      continue;
    }
    // units: the period's weight, its days outside the forecast weighted by the nearest forecast day's mean
    const before = Math.max(0, Math.min(o.to + 1, 0) - o.from);
    const after = Math.max(0, o.to - Math.max(o.from - 1, h - 1));
    let inside = 0;
    for (let t = a; t <= b; t++) inside += mean[t]!;
    const weight = inside + before * mean[0]! + after * mean[h - 1]!;
    if (weight > 0) {
      const ratio = o.value / weight;
      for (let t = a; t <= b; t++) scaleDay(fc, series, t, ratio);
      continue;
    }
    let open = before + after;
    for (let t = a; t <= b; t++) if (closed?.[t] !== 1) open++;
    if (open === 0) continue;
    const perDay = o.value / open;
    for (let t = a; t <= b; t++) setDay(fc, series, t, closed?.[t] === 1 ? 0 : perDay);
  }
}

/**
 * Overrides dated `YYYY-MM-DD` (inclusive periods) as forecast steps, `firstDay` (ms, UTC midnight) being step 0.
 * @example
 * dayOverridesAsSteps([{ from: '2011-12-12', to: '2011-12-18', kind: 'units', value: 70 }], dayMs('2011-12-10'));
 * // [{ from: 2, to: 8, kind: 'units', value: 70 }]
 */
export function dayOverridesAsSteps(
  rows: readonly { from: string; to: string; kind: StepOverride['kind']; value: number }[],
  firstDay: number,
): StepOverride[] {
  const step = (d: string): number => Math.round((dayMs(d) - firstDay) / DAY_MS);
  return rows.map((r) => ({ from: step(r.from), to: step(r.to), kind: r.kind, value: r.value }));
}
