/**
 * The engine's own choice per series: candidate models (ETS, Dynamic Optimised Theta and damped trend; for
 * intermittent demand TSB, ADIDA and IMAPA) are backtested on the last h observations
 * (one rolling origin), and the series gets whichever does best out of sample among each candidate
 * alone, the mean of all candidates, and the mean of the best two (forecast combination: Bates &
 * Granger 1969; Makridakis et al. 2020 on M4). Quantiles of an ensemble are the means of the
 * members' quantiles (quantile averaging). Error measure: MAE scaled by the in-sample naive MAE.
 */
import type { Forecast, FitContext } from '../models/contract.js';
import { MODELS } from '../models/registry.js';

export const AUTO_CANDIDATES: readonly string[] = ['ets', 'dotm', 'damped'];
/** Candidates for intermittent series (average inter-demand interval ≥ 1.32: Syntetos, Boylan & Croston 2005). */
export const INTERMITTENT_CANDIDATES: readonly string[] = ['tsb', 'adida', 'imapa'];

/** Average interval between non-zero values (ADI); Infinity without any. */
export function averageDemandInterval(y: Float64Array): number {
  let count = 0;
  for (let i = 0; i < y.length; i++) if (y[i]! > 0) count++;
  return count === 0 ? Infinity : y.length / count;
}

function run(name: string, y: Float64Array, h: number, levels: readonly number[], ctx: FitContext): Forecast | undefined {
  const entry = MODELS[name]!;
  try {
    const fc = entry.forecaster.predict(entry.forecaster.fit(y, ctx), h, levels, ctx);
    return fc.mean.every(Number.isFinite) ? fc : undefined;
  } catch {
    return undefined;
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

function average(members: Forecast[], levels: readonly number[], h: number): { mean: Float64Array; quantiles: { level: number; values: Float64Array }[] } {
  const mean = new Float64Array(h);
  const quantiles = levels.map((level) => ({ level, values: new Float64Array(h) }));
  for (const f of members)
    for (let t = 0; t < h; t++) {
      mean[t] += f.mean[t]! / members.length;
      for (let l = 0; l < levels.length; l++) quantiles[l]!.values[t] += f.quantiles[l]!.values[t]! / members.length;
    }
  return { mean, quantiles };
}

/** Forecasts one series by the backtested choice; throws RangeError when no candidate fits. */
export function autoForecast(y: Float64Array, h: number, levels: readonly number[], ctx: FitContext, given?: readonly string[]): Forecast {
  const n = y.length;
  let nonNegative = true;
  for (let i = 0; i < n && nonNegative; i++) nonNegative = y[i]! >= 0;
  const candidates = given ?? (nonNegative && averageDemandInterval(y) >= 1.32 ? INTERMITTENT_CANDIDATES : AUTO_CANDIDATES);
  // options: single candidates, the mean of all, the mean of the best two (by backtest)
  let chosen: string[] = [...candidates];
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
      let best = Infinity;
      for (const opt of options) {
        const avg = average(opt.map((c) => backcasts.get(c)!), levels, h);
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
  const model = members.length === 1 ? members[0]!.model : `Ensemble(${members.map((m) => m.model).join(' + ')})`;
  return { mean, quantiles, model };
}
