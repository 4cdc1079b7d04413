/**
 * Forecasts every series of a batch with one model. A series the model cannot fit falls back to
 * the model's declared fallback (and its fallback…), the reason recorded; the batch never fails
 * for one series. Outputs are flat preallocated arrays. Demand is never negative: means and
 * quantiles are clamped at zero when asked, and quantiles are put in order.
 */
import { mulberry32, normalSource } from '../numerics/random.js';
import type { Forecast } from '../models/contract.js';
import { MODELS, type ModelEntry } from '../models/registry.js';
import { autoForecast } from './auto-choice.js';
import { type FlatForecast, allocateFlat, seriesMean, setQuantileStep } from './quantile-view.js';
import { type SeriesBatch, seriesView } from './series-batch.js';

export interface BatchOptions {
  model: string;
  h: number;
  levels: readonly number[];
  seasonLength: number;
  /** clamp means and quantiles at zero (demand) */
  nonNegative: boolean;
  /** seed of the random numbers of simulated intervals */
  seed?: number;
}

export interface Fallback {
  id: string;
  model: string;
  used: string;
  reason: string;
}

/** A batch's forecasts: flat arrays read through the views of quantile-view.ts. */
export interface BatchForecast extends FlatForecast {
  levels: number[];
  /** the model each series got, e.g. ETS(M,Ad,N) */
  models: string[];
  fallbacks: Fallback[];
}

/** Leading missing values dropped, inner ones carried forward: what models without NaN support see. */
function fillMissing(y: Float64Array): { y: Float64Array; filled: number } {
  let start = 0;
  while (start < y.length && !Number.isFinite(y[start]!)) start++;
  let filled = 0;
  const out = y.slice(start);
  for (let i = 1; i < out.length; i++)
    if (!Number.isFinite(out[i]!)) {
      out[i] = out[i - 1]!;
      filled++;
    }
  return { y: out, filled };
}

function forecastOne(y: Float64Array, opts: BatchOptions, normal: () => number): { fc: Forecast; fallback?: { used: string; reason: string } } {
  let name: string | undefined = opts.model;
  const reasons: string[] = [];
  const { y: series, filled } = fillMissing(y);
  if (filled > 0) reasons.push(`${filled} missing values carried forward`);
  if (name === 'auto') {
    try {
      if (series.length === 0) throw new RangeError('no observations');
      const fc = autoForecast(series, opts.h, opts.levels, { seasonLength: opts.seasonLength, normal });
      return { fc, fallback: filled === 0 ? undefined : { used: 'auto', reason: reasons.join('; ') } };
    } catch (e) {
      reasons.push(`auto: ${(e as Error).message}`);
      name = 'naive';
    }
  }
  while (name !== undefined) {
    const entry: ModelEntry | undefined = MODELS[name];
    if (entry === undefined) throw new RangeError(`forecastBatch: unknown model '${name}'`);
    try {
      if (series.length === 0) throw new RangeError('no observations');
      const ctx = { seasonLength: opts.seasonLength, normal };
      const fit = entry.forecaster.fit(series, ctx);
      const fc = entry.forecaster.predict(fit, opts.h, opts.levels, ctx);
      if (!fc.mean.every(Number.isFinite) || !fc.quantiles.every((q) => q.values.every(Number.isFinite)))
        throw new RangeError('non-finite forecast');
      return { fc, fallback: name === opts.model && filled === 0 ? undefined : { used: name, reason: reasons.join('; ') } };
    } catch (e) {
      reasons.push(`${name}: ${(e as Error).message}`);
      name = entry.fallback;
    }
  }
  // Nothing could fit (no observations at all): zeros, said so.
  const zeros = new Float64Array(opts.h);
  return {
    fc: { mean: zeros, quantiles: opts.levels.map((level) => ({ level, values: zeros })), model: 'Zero' },
    fallback: { used: 'zero', reason: reasons.join('; ') },
  };
}

export function forecastBatch(batch: SeriesBatch, options: BatchOptions, onSeries?: (done: number) => void): BatchForecast {
  const opts = { ...options, levels: [...options.levels].sort((a, b) => a - b) };
  const k = batch.ids.length;
  const { h } = opts;
  const L = opts.levels.length;
  const flat = allocateFlat(k, h, opts.levels);
  const models: string[] = new Array(k);
  const fallbacks: Fallback[] = [];
  const seed = opts.seed ?? 20261122;
  const col = new Float64Array(L);
  for (let i = 0; i < k; i++) {
    // each series has its own random stream, so results do not depend on how the batch is split
    const normal = normalSource(mulberry32(seed ^ hashId(batch.ids[i]!)));
    const { fc, fallback } = forecastOne(seriesView(batch, i), opts, normal);
    models[i] = fc.model;
    if (fallback !== undefined) fallbacks.push({ id: batch.ids[i]!, model: opts.model, ...fallback });
    const mean = seriesMean(flat, i);
    // quantiles are sorted per step, so levels (ascending) get ordered values
    for (let t = 0; t < h; t++) {
      const mu = fc.mean[t]!;
      mean[t] = opts.nonNegative ? Math.max(0, mu) : mu;
      for (let l = 0; l < L; l++) {
        const v = fc.quantiles[l]!.values[t]!;
        col[l] = opts.nonNegative ? Math.max(0, v) : v;
      }
      col.sort();
      setQuantileStep(flat, i, t, col);
    }
    onSeries?.(i + 1);
  }
  return { h, levels: [...opts.levels], mean: flat.mean, quantiles: flat.quantiles, models, fallbacks };
}

/** FNV-1a hash of a series id (32 bits). */
function hashId(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
