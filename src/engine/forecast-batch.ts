/**
 * Forecasts every series of a batch with one model. A series the model does not take by its
 * declared capabilities (too short, missing values, negative demand, no season…: read before
 * fitting), or cannot fit numerically, falls back to the model's declared fallback (and its
 * fallback…), the reason recorded; the batch never fails for one series. Outputs are flat
 * preallocated arrays (quantile-view.ts). Demand is never negative: means and quantiles are
 * clamped at zero when asked, and quantiles are put in order.
 */
import { deserialize, serialize } from 'node:v8';
import { countQuantile } from '../numerics/count-distribution.js';
import { normalQuantile } from '../numerics/normal.js';
import { mulberry32, normalSource } from '../numerics/random.js';
import { type FitContext, type Forecast, type Forecaster, declineReason } from '../models/contract.js';
import { MODELS } from '../models/registry.js';
import { AUTO_ENTRY, type AutoOptions, type CompositeEntry, autoEntryWith } from './auto-choice.js';
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
  /**
   * for count data (`isCountSeries`), each step's quantiles become those of a count distribution
   * with the step's mean and the variance the model's own quantiles imply (`countStepQuantiles`):
   * whole units, coherent with the mean. Default false: quantiles as the model gives them.
   */
  countQuantiles?: boolean;
  /**
   * give each series' resumable state (`BatchForecast.states`), for a later batch to forecast it again without
   * estimating (default false)
   */
  keepStates?: boolean;
  /** how `auto` backtests and combines (default AUTO_DEFAULTS; a shop's demand: DEMAND_AUTO) */
  auto?: AutoOptions;
}

/**
 * Whether y is count data: every known value ≥ 0, at least one above 0, and at least 95 % of the
 * non-zero known values whole numbers (cleaning may have capped a few to a fraction). O(n).
 */
export function isCountSeries(y: Float64Array): boolean {
  let nonZero = 0;
  let whole = 0;
  for (let i = 0; i < y.length; i++) {
    const v = y[i]!;
    if (!Number.isFinite(v)) continue;
    if (v < 0) return false;
    if (v === 0) continue;
    nonZero++;
    if (Number.isInteger(v)) whole++;
  }
  return nonZero > 0 && whole >= 0.95 * nonZero;
}

/**
 * One step of a forecast as count quantiles: Poisson(μ), or the negative binomial with mean μ and
 * variance σ² when σ² > μ, σ read from the model's outermost quantiles as a normal spread:
 * σ = (q_hi − q_lo) / (Φ⁻¹(hi) − Φ⁻¹(lo)) (exact for a Gaussian model; for another model the
 * normal-equivalent spread of its band). Writes `out[l]` for each level. O(L + σ).
 * Example: μ = 0.2 and a Gaussian band of σ = 0.45 give p50 = 0 and p95 = 1 (not 0.18 and 0.94).
 */
export function countStepQuantiles(
  mu: number,
  raw: ArrayLike<number>,
  levels: readonly number[],
  out: Float64Array,
): void {
  const L = levels.length;
  const mean = Math.max(0, mu);
  let variance = mean;
  if (L >= 2 && levels[L - 1]! > levels[0]!) {
    const sigma = (raw[L - 1]! - raw[0]!) / (normalQuantile(levels[L - 1]!) - normalQuantile(levels[0]!));
    if (Number.isFinite(sigma)) variance = Math.max(mean, sigma * sigma);
  }
  for (let l = 0; l < L; l++) out[l] = countQuantile(levels[l]!, mean, variance);
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
  /** each series' backtest MASE when its model chose by a backtest (`Forecast.backtestMase`), else NaN */
  backtestMase?: Float64Array;
  /**
   * with `keepStates`: per series, the state a later batch resumes from (`SeriesBatch.states`), or null where the
   * series was itself resumed (its stored state still holds), fell back to another model, or the model keeps none
   */
  states?: (Uint8Array | null)[];
  /** how many series were resumed from a stored state instead of estimated */
  resumed?: number;
}

/**
 * A series' resumable state as stored: the model and horizon it was made for, the series' length then and a hash of
 * its values up to h before that end, and the model's own state (`Forecast.state`).
 */
interface StoredState {
  model: string;
  h: number;
  n: number;
  hash: number;
  state: unknown;
}

/** FNV-1a over the bytes of y's values. O(n). */
function hashValues(y: Float64Array): number {
  const bytes = new Uint8Array(y.buffer, y.byteOffset, y.byteLength);
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) {
    h ^= bytes[i]!;
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** The stored form of a forecast's state for series y (a v8 serialisation: plain data and typed arrays). */
function encodeState(model: string, h: number, y: Float64Array, state: unknown): Uint8Array {
  const hash = hashValues(y.subarray(0, Math.max(0, y.length - h)));
  return serialize({ model, h, n: y.length, hash, state } satisfies StoredState);
}

/**
 * The model's state to resume series y from, when the stored one still fits: made by the same model for the same
 * horizon, on a series y continues (its values up to h before that end unchanged: a change further back, such as a
 * late cancellation, means estimating again), and at most h values ago (the parameters are re-estimated at least once
 * per horizon). Undefined otherwise, or when the bytes are not a stored state.
 */
function usableState(bytes: Uint8Array, opts: BatchOptions, y: Float64Array): unknown {
  let s: StoredState;
  try {
    s = deserialize(bytes) as StoredState;
  } catch {
    return undefined;
  }
  if (typeof s !== 'object' || s === null || s.model !== opts.model || s.h !== opts.h) return undefined;
  if (!(y.length >= s.n && y.length - s.n <= opts.h)) return undefined;
  return hashValues(y.subarray(0, Math.max(0, s.n - s.h))) === s.hash ? s.state : undefined;
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

/** Whether every mean and quantile of a forecast is a finite number. */
function allFinite(fc: Forecast): boolean {
  return fc.mean.every(Number.isFinite) && fc.quantiles.every((q) => q.values.every(Number.isFinite));
}

/** Fits and predicts; the reason instead when that fails numerically (throws, or gives a non-finite value). */
function attempt(f: Forecaster, series: Float64Array, opts: BatchOptions, ctx: FitContext): Forecast | string {
  let fc: Forecast;
  try {
    fc = f.predict(f.fit(series, ctx), opts.h, opts.levels, ctx);
  } catch (e) {
    return (e as Error).message;
  }
  return allFinite(fc) ? fc : 'non-finite forecast';
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
  resumeFrom?: unknown,
): { fc: Forecast; resumed?: boolean; fallback?: { used: string; imputed: number; reason: string } | undefined } {
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
  const entryOf = (name: string): CompositeEntry | undefined =>
    name === 'auto' && opts.auto !== undefined ? autoEntryWith(opts.auto) : ENGINE_MODELS[name];
  const requested = entryOf(opts.model);
  if (resumeFrom !== undefined && requested?.resume !== undefined) {
    const caps = requested.forecaster.capabilities;
    const series = caps.acceptsNaN ? y : filled();
    const fc = requested.resume(resumeFrom, series, opts.h, opts.levels);
    if (fc !== undefined && allFinite(fc))
      return {
        fc,
        resumed: true,
        fallback:
          caps.acceptsNaN || filledCount === 0
            ? undefined
            : { used: opts.model, imputed: filledCount, reason: reasons.join('; ') },
      };
  }
  let name: string | undefined = opts.model;
  while (name !== undefined) {
    const entry: CompositeEntry | undefined = entryOf(name);
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
  const backtestMase = new Float64Array(k).fill(NaN);
  const fallbacks: Fallback[] = [];
  const states: (Uint8Array | null)[] | undefined = opts.keepStates === true ? new Array(k).fill(null) : undefined;
  let resumedCount = 0;
  const seed = opts.seed ?? DEFAULT_SEED;
  const col = new Float64Array(L);
  const raw = new Float64Array(L);
  for (let i = 0; i < k; i++) {
    let normal: (() => number) | undefined;
    const stream = (): (() => number) => (normal ??= seriesNormal(batch.ids[i]!, seed));
    const y = seriesView(batch, i);
    const stored = batch.states?.[i];
    const from = stored === undefined || stored === null ? undefined : usableState(stored, opts, y);
    const { fc, fallback, resumed } = forecastOne(y, opts, stream, from);
    if (resumed === true) resumedCount++;
    else if (states !== undefined && fc.state !== undefined && (fallback === undefined || fallback.used === opts.model))
      states[i] = encodeState(opts.model, h, y, fc.state);
    const counts = opts.countQuantiles === true && isCountSeries(y);
    models[i] = fc.model;
    if (fc.backtestMase !== undefined) backtestMase[i] = fc.backtestMase;
    if (fallback !== undefined) fallbacks.push({ id: batch.ids[i]!, model: opts.model, ...fallback });
    const mean = seriesMean(flat, i);
    // quantiles are sorted per step, so levels (ascending) get ordered values
    for (let t = 0; t < h; t++) {
      const mu = fc.mean[t]!;
      mean[t] = opts.nonNegative ? Math.max(0, mu) : mu;
      for (let l = 0; l < L; l++) {
        const v = fc.quantiles[l]!.values[t]!;
        raw[l] = v;
        col[l] = opts.nonNegative ? Math.max(0, v) : v;
      }
      // a model whose quantiles are already counts (TSB, ADIDA, IMAPA) keeps them
      if (counts && !raw.every(Number.isInteger)) {
        raw.sort();
        countStepQuantiles(mean[t]!, raw, opts.levels, col);
      }
      col.sort();
      setQuantileStep(flat, i, t, col);
    }
    onSeries?.(i + 1);
  }
  const out: BatchForecast = {
    h,
    levels: [...opts.levels],
    mean: flat.mean,
    quantiles: flat.quantiles,
    models,
    fallbacks,
    backtestMase,
    resumed: resumedCount,
  };
  return states === undefined ? out : { ...out, states };
}

/** FNV-1a hash of a series id (32 bits). */
export function hashId(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
