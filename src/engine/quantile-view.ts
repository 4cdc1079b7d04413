/**
 * Typed views into the flat arrays of a batch forecast (CONVENTIONS.md §7), so that no caller
 * writes the index arithmetic by hand. The layout, in one place:
 *   mean       [series][step]          mean[i·h + t]
 *   quantiles  [series][level][step]   quantiles[(i·L + l)·h + t]
 * with h steps and L levels (ascending). Views are `subarray`s: no copies, and writes through a
 * view land in the batch.
 *
 * @example
 *   const fc = forecastBatch(batch, {
 *     model: 'ets',
 *     h: 13,
 *     levels: [0.05, 0.5, 0.95],
 *     seasonLength: 1,
 *     nonNegative: true,
 *   });
 *   const p95 = quantileRow(fc, 0, 2); // the 95 % quantile of series 0, steps 0…12
 *   const median = quantileAt(fc, 3, 1, 0); // series 3, level 0.5, first step
 */

/** The part of a batch forecast the views read: its shape and its two flat arrays. */
export interface FlatForecast {
  /** steps per series */
  h: number;
  /** quantile levels, ascending */
  levels: readonly number[];
  /** [series][step] */
  mean: Float64Array;
  /** [series][level][step] */
  quantiles: Float64Array;
}

/** Preallocated, zeroed arrays for `series` forecasts of h steps at L levels. */
export function allocateFlat(series: number, h: number, levels: readonly number[]): FlatForecast {
  return { h, levels, mean: new Float64Array(series * h), quantiles: new Float64Array(series * levels.length * h) };
}

/**
 * Copies every series of `part` (same h and levels) into `target`, the first at series `from`:
 * how sub-batches forecast apart are stitched back. O(size of part).
 */
export function placeSeries(target: FlatForecast, from: number, part: FlatForecast): void {
  target.mean.set(part.mean, from * target.h);
  target.quantiles.set(part.quantiles, from * target.levels.length * target.h);
}

/** Position of (series, level index, step) in `fc.quantiles`. */
export function quantileIndex(fc: FlatForecast, series: number, level: number, step: number): number {
  return (series * fc.levels.length + level) * fc.h + step;
}

/** The quantile of series `series` at level index `level` (into `fc.levels`) and step `step` (0-based). */
export function quantileAt(fc: FlatForecast, series: number, level: number, step: number): number {
  return fc.quantiles[quantileIndex(fc, series, level, step)]!;
}

/** Steps 0…h−1 of one series at one level index: a view of length h. */
export function quantileRow(fc: FlatForecast, series: number, level: number): Float64Array {
  const from = quantileIndex(fc, series, level, 0);
  return fc.quantiles.subarray(from, from + fc.h);
}

/** Every level of one series: a view of length L·h, level-major ([level][step]). */
export function seriesQuantiles(fc: FlatForecast, series: number): Float64Array {
  const size = fc.levels.length * fc.h;
  return fc.quantiles.subarray(series * size, (series + 1) * size);
}

/** The mean forecast of one series: a view of length h. */
export function seriesMean(fc: FlatForecast, series: number): Float64Array {
  return fc.mean.subarray(series * fc.h, (series + 1) * fc.h);
}

/**
 * Writes one step of one series across every level (`values[l]` for level index l), e.g. a column
 * of quantiles sorted per step. O(L).
 */
export function setQuantileStep(fc: FlatForecast, series: number, step: number, values: ArrayLike<number>): void {
  const L = fc.levels.length;
  for (let l = 0; l < L; l++) fc.quantiles[(series * L + l) * fc.h + step] = values[l]!;
}

/** Reads one step of one series across every level into `out` (length ≥ L); returns `out`. O(L). */
export function quantileStep(fc: FlatForecast, series: number, step: number, out: Float64Array): Float64Array {
  const L = fc.levels.length;
  for (let l = 0; l < L; l++) out[l] = fc.quantiles[(series * L + l) * fc.h + step]!;
  return out;
}

/**
 * The first `steps` steps of every series of a forecast, as a new compact forecast (same levels):
 * e.g. the plan forecasts lead time + review but reports its horizon. O(size of the result).
 * @example const firstWeek = firstSteps(fc, 7); // fc.h = 28 → firstWeek.h = 7
 */
export function firstSteps<T extends FlatForecast>(fc: T, steps: number): T {
  const h = Math.min(steps, fc.h);
  const series = fc.mean.length / fc.h;
  const out = { ...fc, ...allocateFlat(series, h, fc.levels) };
  for (let i = 0; i < series; i++) {
    out.mean.set(seriesMean(fc, i).subarray(0, h), i * h);
    for (let l = 0; l < fc.levels.length; l++)
      out.quantiles.set(quantileRow(fc, i, l).subarray(0, h), quantileIndex(out, i, l, 0));
  }
  return out;
}
