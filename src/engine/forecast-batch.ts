/**
 * Forecasts every series of a batch with one model. A series the model does not take by its
 * declared capabilities (too short, missing values, negative demand, no season…: read before
 * fitting), or cannot fit numerically, falls back to the model's declared fallback (and its
 * fallback…), the reason recorded; the batch never fails for one series. Outputs are flat
 * preallocated arrays (quantile-view.ts). Demand is never negative: means and quantiles are
 * clamped at zero when asked, and quantiles are put in order.
 */
import { mulberry32, normalSource } from '../numerics/random.js';
import { type FitContext, type Forecast, type Forecaster, declineReason } from '../models/contract.js';
import { MODELS } from '../models/registry.js';
import { AUTO_ENTRY, type CompositeEntry } from './auto-choice.js';
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

/**
 * A series the model asked for did not forecast as given: the model asked for, the one used (the
 * same one when only gaps were filled), how many missing values were carried forward for it, and
 * why. A model fallback is `used !== model`; `imputed > 0` with `used === model` is a series whose
 * gaps were filled for a model that takes no NaN, not a fallback (`isModelFallback`).
 */
export interface Fallback {
  id: string;
  model: string;
  used: string;
  /** missing values carried forward in the series the used model saw (0: none) */
  imputed: number;
  reason: string;
}

/** Whether a recorded series fell back to another model than asked (not just had its gaps filled). */
export function isModelFallback(f: Fallback): boolean {
  return f.used !== f.model;
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

/**
 * The models the engine runs by name: the registry's statistical models and `auto` on top of
 * them (auto is built from the engine's backtest, so it lives here rather than in models/).
 */
export const ENGINE_MODELS: Readonly<Record<string, CompositeEntry>> = { ...MODELS, auto: AUTO_ENTRY };

/**
 * Why `entry` does not take series y at season length m, from its declared capabilities (and a
 * composite's members'), or undefined when it does: read before fitting, never found by a throw.
 */
export function entryDeclines(entry: CompositeEntry, y: Float64Array, seasonLength: number): string | undefined {
  return declineReason(entry.forecaster.capabilities, y, seasonLength) ?? entry.declines?.(y, seasonLength);
}

/** Fits and predicts; the reason instead when that fails numerically (throws, or gives a non-finite value). */
function attempt(f: Forecaster, series: Float64Array, opts: BatchOptions, ctx: FitContext): Forecast | string {
  let fc: Forecast;
  try {
    fc = f.predict(f.fit(series, ctx), opts.h, opts.levels, ctx);
  } catch (e) {
    return (e as Error).message;
  }
  return fc.mean.every(Number.isFinite) && fc.quantiles.every((q) => q.values.every(Number.isFinite))
    ? fc
    : 'non-finite forecast';
}

/**
 * One series through the model's chain of declared fallbacks: each model first gets the series it
 * declares it can take (missing values filled unless it accepts NaN), and the series' random
 * stream only if it declares simulated intervals; one that declines the series by its
 * capabilities, or fails numerically (throws, or forecasts a non-finite value), passes it on to
 * its fallback, the reason recorded.
 */
function forecastOne(
  y: Float64Array,
  opts: BatchOptions,
  stream: () => () => number,
): { fc: Forecast; fallback?: { used: string; imputed: number; reason: string } | undefined } {
  const reasons: string[] = [];
  let filledSeries: Float64Array | undefined;
  let filledCount = 0;
  const filled = (): Float64Array => {
    if (filledSeries === undefined) {
      ({ y: filledSeries, filled: filledCount } = fillMissing(y));
      if (filledCount > 0) reasons.push(`${filledCount} missing values carried forward`);
    }
    return filledSeries;
  };
  let name: string | undefined = opts.model;
  while (name !== undefined) {
    const entry: CompositeEntry | undefined = ENGINE_MODELS[name];
    if (entry === undefined) throw new RangeError(`forecastBatch: unknown model '${name}'`);
    const caps = entry.forecaster.capabilities;
    const series = caps.acceptsNaN ? y : filled();
    const imputed = caps.acceptsNaN ? 0 : filledCount;
    // only a model that declares simulated intervals draws random numbers
    const ctx: FitContext =
      caps.intervals === 'simulated'
        ? { seasonLength: opts.seasonLength, normal: stream() }
        : { seasonLength: opts.seasonLength };
    const outcome = entryDeclines(entry, series, opts.seasonLength) ?? attempt(entry.forecaster, series, opts, ctx);
    if (typeof outcome !== 'string')
      return {
        fc: outcome,
        fallback:
          name === opts.model && imputed === 0 ? undefined : { used: name, imputed, reason: reasons.join('; ') },
      };
    reasons.push(`${name}: ${outcome}`);
    name = entry.fallback;
  }
  // Nothing could fit (no observations at all): zeros, said so.
  const zeros = new Float64Array(opts.h);
  return {
    fc: { mean: zeros, quantiles: opts.levels.map((level) => ({ level, values: zeros })), model: 'Zero' },
    fallback: { used: 'zero', imputed: 0, reason: reasons.join('; ') },
  };
}

const DEFAULT_SEED = 20261122;

/**
 * The standard normal stream series `id` gets (for simulated intervals): each series has its own,
 * seeded by the batch seed and the id, so results do not depend on how a batch is split.
 */
export function seriesNormal(id: string, seed = DEFAULT_SEED): () => number {
  return normalSource(mulberry32(seed ^ hashId(id)));
}

/** Forecasts every series of `batch` with `options.model` (and its fallbacks). O(series · model cost). */
export function forecastBatch(
  batch: SeriesBatch,
  options: BatchOptions,
  onSeries?: (done: number) => void,
): BatchForecast {
  const opts = { ...options, levels: [...options.levels].sort((a, b) => a - b) };
  const k = batch.ids.length;
  const { h } = opts;
  const L = opts.levels.length;
  const flat = allocateFlat(k, h, opts.levels);
  const models: string[] = new Array(k);
  const fallbacks: Fallback[] = [];
  const seed = opts.seed ?? DEFAULT_SEED;
  const col = new Float64Array(L);
  for (let i = 0; i < k; i++) {
    let normal: (() => number) | undefined;
    const stream = (): (() => number) => (normal ??= seriesNormal(batch.ids[i]!, seed));
    const { fc, fallback } = forecastOne(seriesView(batch, i), opts, stream);
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
