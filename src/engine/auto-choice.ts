/**
 * The engine's own choice per series: candidate models (ETS, Dynamic Optimised Theta and damped trend; for
 * intermittent demand TSB, ADIDA and IMAPA) are backtested on the last h observations
 * (one rolling origin), and the series gets whichever does best out of sample among each candidate
 * alone, the mean of all candidates, and the mean of the best two (forecast combination: Bates &
 * Granger 1969; Makridakis et al. 2020 on M4). Quantiles of an ensemble are the means of the
 * members' quantiles (quantile averaging). Error measure: MAE scaled by the in-sample naive MAE.
 */
import {
  type Capabilities,
  type Forecast,
  type Forecaster,
  type FitContext,
  declineReason,
} from '../models/contract.js';
import { MODELS, type ModelEntry } from '../models/registry.js';

export const AUTO_CANDIDATES: readonly string[] = ['ets', 'dotm', 'damped'];
/** Candidates for intermittent series (average inter-demand interval ≥ 1.32: Syntetos, Boylan & Croston 2005). */
export const INTERMITTENT_CANDIDATES: readonly string[] = ['tsb', 'adida', 'imapa'];

/** Average interval between non-zero values (ADI); Infinity without any. */
export function averageDemandInterval(y: Float64Array): number {
  let count = 0;
  for (let i = 0; i < y.length; i++) if (y[i]! > 0) count++;
  return count === 0 ? Infinity : y.length / count;
}

/** The candidates for y: the intermittent ones for non-negative series with ADI ≥ 1.32. */
export function autoCandidates(y: Float64Array): readonly string[] {
  let nonNegative = true;
  for (let i = 0; i < y.length && nonNegative; i++) nonNegative = y[i]! >= 0;
  return nonNegative && averageDemandInterval(y) >= 1.32 ? INTERMITTENT_CANDIDATES : AUTO_CANDIDATES;
}

/**
 * Why `auto` declines y: none of its candidates for y accepts it by their declared capabilities
 * (undefined when one does). O(n · candidates).
 */
export function autoDeclineReason(
  y: Float64Array,
  seasonLength: number,
  given?: readonly string[],
): string | undefined {
  const candidates = given ?? autoCandidates(y);
  const reasons: string[] = [];
  for (const c of candidates) {
    const why = declineReason(MODELS[c]!.forecaster.capabilities, y, seasonLength);
    if (why === undefined) return undefined;
    reasons.push(`${c}: ${why}`);
  }
  return `none of its candidates accepts the series (${reasons.join('; ')})`;
}

/** A candidate's forecast, or undefined when it declines y (declared) or fails numerically. */
function run(
  name: string,
  y: Float64Array,
  h: number,
  levels: readonly number[],
  ctx: FitContext,
): Forecast | undefined {
  const entry = MODELS[name]!;
  const caps = entry.forecaster.capabilities;
  if (declineReason(caps, y, ctx.seasonLength) !== undefined) return undefined;
  // random numbers only for a candidate that declares simulated intervals, as the engine does
  const own: FitContext = caps.intervals === 'simulated' ? ctx : { seasonLength: ctx.seasonLength };
  try {
    const fc = entry.forecaster.predict(entry.forecaster.fit(y, own), h, levels, own);
    return fc.mean.every(Number.isFinite) ? fc : undefined;
  } catch {
    return undefined; // a numerical failure: the candidate is left out
  }
}

function scaledError(actual: Float64Array, f: Float64Array, train: Float64Array): number {
  let scale = 0;
  for (let i = 1; i < train.length; i++) scale += Math.abs(train[i]! - train[i - 1]!);
  scale = scale / Math.max(1, train.length - 1) || 1;
  let e = 0;
  for (let i = 0; i < actual.length; i++) e += Math.abs(actual[i]! - f[i]!);
  return e / actual.length / scale;
}

function average(
  members: Forecast[],
  levels: readonly number[],
  h: number,
): { mean: Float64Array; quantiles: { level: number; values: Float64Array }[] } {
  const mean = new Float64Array(h);
  const quantiles = levels.map((level) => ({ level, values: new Float64Array(h) }));
  for (const f of members)
    for (let t = 0; t < h; t++) {
      mean[t] = mean[t]! + f.mean[t]! / members.length;
      for (let l = 0; l < levels.length; l++)
        quantiles[l]!.values[t] = quantiles[l]!.values[t]! + f.quantiles[l]!.values[t]! / members.length;
    }
  return { mean, quantiles };
}

/** Forecasts one series by the backtested choice; throws RangeError when no candidate fits. */
export function autoForecast(
  y: Float64Array,
  h: number,
  levels: readonly number[],
  ctx: FitContext,
  given?: readonly string[],
): Forecast {
  const n = y.length;
  const candidates = given ?? autoCandidates(y);
  // options: single candidates, the mean of all, the mean of the best two (by backtest)
  let chosen: string[] = [...candidates];
  let best = Infinity;
  if (n >= 2 * h + 8) {
    const train = y.subarray(0, n - h);
    const test = y.subarray(n - h);
    const errors = new Map<string, number>();
    const backcasts = new Map<string, Forecast>();
    for (const c of candidates) {
      const fc = run(c, train, h, levels, ctx);
      if (fc === undefined) continue;
      backcasts.set(c, fc);
      errors.set(c, scaledError(test, fc.mean, train));
    }
    if (errors.size > 0) {
      const ranked = [...errors.entries()].sort((a, b) => a[1] - b[1]).map(([c]) => c);
      const options: string[][] = ranked.map((c) => [c]);
      if (ranked.length >= 2) options.push(ranked.slice(0, 2));
      if (ranked.length >= 3) options.push(ranked);
      for (const opt of options) {
        const avg = average(
          opt.map((c) => backcasts.get(c)!),
          levels,
          h,
        );
        const e = scaledError(test, avg.mean, train);
        if (e < best - 1e-12) {
          best = e;
          chosen = opt;
        }
      }
    }
  }
  const members: Forecast[] = [];
  for (const c of chosen) {
    const fc = run(c, y, h, levels, ctx);
    if (fc !== undefined) members.push(fc);
  }
  if (members.length === 0) throw new RangeError(`auto: none of ${chosen.join(', ')} could fit the series`);
  const { mean, quantiles } = average(members, levels, h);
  // members in name order: the same ensemble has one name whichever member backtested best
  const names = members.map((m) => m.model).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const model = members.length === 1 ? members[0]!.model : `Ensemble(${names.join(' + ')})`;
  return { mean, quantiles, model, ...(Number.isFinite(best) ? { backtestMase: best } : {}) };
}

/** What `auto` declares: its candidates take no NaN; ETS among them may simulate its intervals. */
export const AUTO_CAPABILITIES: Capabilities = {
  intervals: 'simulated',
  acceptsNaN: false,
  acceptsNegative: true,
  minLength: 1,
  seasonal: true,
};

/** The series `auto` keeps: its choice is made at predict time, because the backtest depends on h. */
export interface AutoFit {
  y: Float64Array;
  seasonLength: number;
}

/**
 * `auto` in the shared contract. Its fit only keeps the series: which candidates it uses is decided
 * by a backtest over the last h values, so everything happens in `predict` (≡ autoForecast).
 * It has no in-sample fitted values of its own (all NaN).
 */
export const autoForecaster: Forecaster<AutoFit> = {
  name: 'auto',
  capabilities: AUTO_CAPABILITIES,
  fit: (y, ctx) => ({ y: Float64Array.from(y), seasonLength: ctx.seasonLength }),
  fittedValues: (fit) => new Float64Array(fit.y.length).fill(NaN),
  predict: (fit, h, levels, ctx) => autoForecast(fit.y, h, levels, { ...ctx, seasonLength: fit.seasonLength }),
};

/** A registry entry for a composite model: `declines` adds the reasons its members' capabilities give. */
export interface CompositeEntry extends ModelEntry {
  /** why the model declines y beyond its own capabilities (undefined: it accepts it) */
  declines?: (y: Float64Array, seasonLength: number) => string | undefined;
}

/** `auto` as the engine runs it: fallback naive when none of its candidates accepts the series. */
export const AUTO_ENTRY: CompositeEntry = {
  forecaster: autoForecaster as unknown as Forecaster,
  fallback: 'naive',
  description:
    'per series, the backtested best of ETS, DOTM and damped trend (intermittent: TSB, ADIDA, IMAPA) or the ' +
    'mean of the best two or three',
  declines: (y, seasonLength) => autoDeclineReason(y, seasonLength),
};
