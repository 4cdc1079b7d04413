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

/**
 * Many series kept as they are, one array each (not copied end to end): what `makeBatch` takes, cut into flat
 * batches a range at a time (`sliceSeries`), so that a plan's 100,000 series are never copied whole into one batch
 * beside themselves (bench/RESULTS.md, issue #22: 550 MB at that size).
 */
export interface SeriesList {
  ids: string[];
  series: ArrayLike<number>[];
  /** as `SeriesBatch.states` */
  states?: (Uint8Array | null)[];
}

/** True for a flat batch, false for a list of series. */
export function isFlatBatch(b: SeriesBatch | SeriesList): b is SeriesBatch {
  return 'values' in b;
}

/**
 * Where each series of `b` would start in a flat batch (length ids + 1; the last entry is the total length): a flat
 * batch's own offsets, a list's computed from its series' lengths.
 */
export function seriesOffsets(b: SeriesBatch | SeriesList): Int32Array {
  if (isFlatBatch(b)) return b.offsets;
  const offsets = new Int32Array(b.ids.length + 1);
  for (let i = 0; i < b.ids.length; i++) offsets[i + 1] = offsets[i]! + b.series[i]!.length;
  return offsets;
}

/**
 * The series with indexes [from, to) of a flat batch or a list as their own flat batch (`sliceBatch` or `makeBatch`
 * of the range): the same ids, values and states either way.
 */
export function sliceSeries(b: SeriesBatch | SeriesList, from: number, to: number): SeriesBatch {
  if (isFlatBatch(b)) return sliceBatch(b, from, to);
  const flat = makeBatch(b.ids.slice(from, to), b.series.slice(from, to));
  return b.states === undefined ? flat : { ...flat, states: b.states.slice(from, to) };
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
