/**
 * Many series as one flat batch (CSR, CONVENTIONS.md §7): `values` holds all series end to end,
 * series i is values[offsets[i] … offsets[i+1]). Views per series are subarrays, no copies.
 */
export interface SeriesBatch {
  ids: string[];
  offsets: Int32Array;
  values: Float64Array;
  /**
   * per series, what an earlier forecast stored to resume from (forecast-batch.ts `BatchForecast.states`; null: none):
   * a series whose state still fits its data is forecast without estimating again
   */
  states?: (Uint8Array | null)[];
}

export function seriesView(batch: SeriesBatch, i: number): Float64Array {
  return batch.values.subarray(batch.offsets[i]!, batch.offsets[i + 1]!);
}

/** Builds a batch from an array of series. */
export function makeBatch(ids: string[], series: ArrayLike<number>[]): SeriesBatch {
  const offsets = new Int32Array(ids.length + 1);
  for (let i = 0; i < series.length; i++) offsets[i + 1] = offsets[i]! + series[i]!.length;
  const values = new Float64Array(offsets[ids.length]!);
  for (let i = 0; i < series.length; i++) values.set(series[i]!, offsets[i]!);
  return { ids, offsets, values };
}

/** The series with indexes [from, to) as their own batch (values copied, offsets rebased). */
export function sliceBatch(batch: SeriesBatch, from: number, to: number): SeriesBatch {
  const base = batch.offsets[from]!;
  const offsets = new Int32Array(to - from + 1);
  for (let i = from; i <= to; i++) offsets[i - from] = batch.offsets[i]! - base;
  const values = batch.values.slice(base, batch.offsets[to]!);
  const ids = batch.ids.slice(from, to);
  return batch.states === undefined
    ? { ids, offsets, values }
    : { ids, offsets, values, states: batch.states.slice(from, to) };
}
