/**
 * MSTL (Bandara, Hyndman & Bergmeir 2021): several seasonal components (e.g. weekly and yearly in
 * daily data) taken out one after another by STL, iterated twice, as R's forecast::mstl
 * (s.window 11, 15, … for the successive periods). Forecasts (as R's stlf/forecast.mstl): AutoETS
 * without season on the seasonally adjusted series, plus each seasonal component's last cycle
 * repeated; intervals from the ETS part.
 */
import { stl } from '../numerics/stl.js';
import { autoEts, predictEts } from './auto-ets.js';
import { type EtsFit, etsParams, extendEts } from './ets-core.js';
import type { Forecaster } from './contract.js';

export interface MstlDecomposition {
  periods: number[];
  /** one seasonal component per period, in the order of `periods` */
  seasonals: Float64Array[];
  trend: Float64Array;
  remainder: Float64Array;
}

/** Decomposes y by MSTL; periods that do not fit twice into the data are dropped. */
export function mstl(y: Float64Array, periods: readonly number[], iterate = 2): MstlDecomposition {
  const n = y.length;
  const ps = [...new Set(periods)].filter((p) => p > 1 && p < n / 2).sort((a, b) => a - b);
  if (ps.length === 0)
    throw new RangeError(
      `mstl: no seasonal period shorter than half the series (n = ${n}, periods ${periods.join(', ')})`,
    );
  const seasonals: Float64Array[] = ps.map(() => new Float64Array(n));
  const deseas = Float64Array.from(y);
  let trend: Float64Array = new Float64Array(n);
  for (let it = 0; it < iterate; it++)
    for (let i = 0; i < ps.length; i++) {
      for (let t = 0; t < n; t++) deseas[t] = deseas[t]! + seasonals[i]![t]!;
      const fit = stl(deseas, ps[i]!, { sWindow: 7 + 4 * (i + 1) });
      seasonals[i] = fit.seasonal;
      trend = fit.trend;
      for (let t = 0; t < n; t++) deseas[t] = deseas[t]! - seasonals[i]![t]!;
    }
  const remainder = deseas.map((v, t) => v - trend[t]!);
  return { periods: ps, seasonals, trend, remainder };
}

export interface MstlFit {
  decomposition: MstlDecomposition;
  adjusted: EtsFit;
  n: number;
  fitted: Float64Array;
}

/** Daily data: weekly and yearly periods; otherwise the one season length given. */
export function mstlPeriods(seasonLength: number): number[] {
  return seasonLength === 7 ? [7, 365] : [seasonLength];
}

export function fitMstl(y: Float64Array, periods: readonly number[]): MstlFit {
  for (let i = 0; i < y.length; i++)
    if (!Number.isFinite(y[i]!)) throw new RangeError('mstl: the series has missing or infinite values');
  const decomposition = mstl(y, periods);
  const adjusted = y.map((v, t) => v - decomposition.seasonals.reduce((s, c) => s + c[t]!, 0));
  const ets = autoEts(adjusted, 1, { model: 'ZZN' });
  const fitted = ets.fitted.map((v, t) => v + decomposition.seasonals.reduce((s, c) => s + c[t]!, 0));
  return { decomposition, adjusted: ets, n: y.length, fitted };
}

/**
 * The fit without its per-observation arrays: what `extendMstl` reads (the periods, the ETS parameters), kept where
 * a fit is stored to be run forward later (auto-pool.ts).
 * @example extendMstl(mstlParams(fit), longer) // as extendMstl(fit, longer)
 */
export function mstlParams(fit: MstlFit): MstlFit {
  const empty = new Float64Array(0);
  const decomposition = { periods: fit.decomposition.periods, seasonals: [], trend: empty, remainder: empty };
  return { decomposition, adjusted: etsParams(fit.adjusted), n: fit.n, fitted: empty };
}

/**
 * The fit's ETS parameters on y, a longer series with the same start: the decomposition recomputed,
 * the seasonally adjusted series filtered without re-estimating (`auto`'s backtests). O(n · periods).
 */
export function extendMstl(fit: MstlFit, y: Float64Array): MstlFit {
  const decomposition = mstl(y, fit.decomposition.periods);
  const adjusted = y.map((v, t) => v - decomposition.seasonals.reduce((s, c) => s + c[t]!, 0));
  const ets =
    fit.adjusted.initState === undefined ? autoEts(adjusted, 1, { model: 'ZZN' }) : extendEts(fit.adjusted, adjusted);
  const fitted = ets.fitted.map((v, t) => v + decomposition.seasonals.reduce((s, c) => s + c[t]!, 0));
  return { decomposition, adjusted: ets, n: y.length, fitted };
}

export function predictMstl(fit: MstlFit, h: number, levels: readonly number[]) {
  const base = predictEts(fit.adjusted, h, levels);
  const { seasonals, periods } = fit.decomposition;
  const add = new Float64Array(h);
  seasonals.forEach((s, i) => {
    const p = periods[i]!;
    for (let t = 0; t < h; t++) add[t] = add[t]! + s[fit.n - p + (t % p)]!;
  });
  return {
    mean: base.mean.map((v, t) => v + add[t]!),
    quantiles: base.quantiles.map((q) => ({ level: q.level, values: q.values.map((v, t) => v + add[t]!) })),
    model: `MSTL(${periods.join(',')}) + ${base.model}`,
  };
}

export const mstlForecaster: Forecaster<MstlFit> = {
  name: 'mstl',
  // the smallest period (the season length; daily: 7) must fit twice: n > 2m, at least 5 for m = 2
  capabilities: {
    intervals: 'analytic',
    acceptsNaN: false,
    acceptsNegative: true,
    minLength: 5,
    seasonal: true,
    needsSeason: { maxLength: Infinity, cycles: 2 },
  },
  fit: (y, ctx) => fitMstl(y, mstlPeriods(ctx.seasonLength)),
  fittedValues: (fit) => fit.fitted,
  predict: (fit, h, levels) => predictMstl(fit, h, levels),
};
