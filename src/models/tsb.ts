/**
 * TSB (Teunter, Syntetos & Babai 2011): the probability of a demand is smoothed every period
 * (so it decays while nothing sells, unlike Croston), the size only when a demand occurs; the
 * forecast is probability × size. Both smoothing constants are chosen on a grid by the in-sample
 * one-step squared error. Quantiles: 0 with probability 1 − p, else a demand size of mean z (a
 * hurdle count for whole-number demand; see intermittentQuantiles), so they agree with the mean p · z.
 */
import type { Forecaster } from './contract.js';
import { checkDemand, intermittentQuantiles } from './intermittent-common.js';

export interface TsbFit {
  level: number;
  /** the smoothed probability of a demand and demand size after the last period (level = p · z) */
  p: number;
  z: number;
  fitted: Float64Array;
  y: Float64Array;
  alphaP: number;
  alphaZ: number;
}

function run(
  y: Float64Array,
  aP: number,
  aZ: number,
  fitted?: Float64Array,
): { sse: number; level: number; p: number; z: number } {
  let first = 0;
  while (first < y.length && y[first]! <= 0) first++;
  let p = first < y.length ? 1 / (first + 1) : 0;
  let z = first < y.length ? y[first]! : 0;
  let sse = 0;
  for (let t = 0; t < y.length; t++) {
    const f = p * z;
    if (fitted !== undefined) fitted[t] = f;
    if (t > first) sse += (y[t]! - f) ** 2;
    const d = y[t]! > 0 ? 1 : 0;
    p += aP * (d - p);
    if (d === 1) z += aZ * (y[t]! - z);
  }
  return { sse, level: p * z, p, z };
}

/** The grid both smoothing constants are chosen on. */
const TSB_GRID = [0.02, 0.05, 0.1, 0.15, 0.2, 0.3] as const;

/**
 * The in-sample one-step squared error of `run` at every pair of the grid (index i·6 + j for α_p = grid[i], α_z =
 * grid[j]), in one pass: the probability's recurrence depends on α_p alone and the size's on α_z alone, so six of each
 * are kept and every pair's forecast is their product. Each pair's error is summed with `run`'s operations in `run`'s
 * order: the same numbers as 36 runs.
 */
function gridSse(y: Float64Array): Float64Array {
  const k = TSB_GRID.length;
  let first = 0;
  while (first < y.length && y[first]! <= 0) first++;
  const p = new Float64Array(k).fill(first < y.length ? 1 / (first + 1) : 0);
  const z = new Float64Array(k).fill(first < y.length ? y[first]! : 0);
  const sse = new Float64Array(k * k);
  for (let t = 0; t < y.length; t++) {
    const v = y[t]!;
    if (t > first)
      for (let i = 0; i < k; i++) {
        const pi = p[i]!;
        for (let j = 0; j < k; j++) sse[i * k + j] = sse[i * k + j]! + (v - pi * z[j]!) ** 2;
      }
    const d = v > 0 ? 1 : 0;
    for (let i = 0; i < k; i++) p[i] = p[i]! + TSB_GRID[i]! * (d - p[i]!);
    if (d === 1) for (let j = 0; j < k; j++) z[j] = z[j]! + TSB_GRID[j]! * (v - z[j]!);
  }
  return sse;
}

export function fitTsb(y: Float64Array): TsbFit {
  checkDemand('tsb', y);
  let best = { sse: Infinity, aP: 0.1, aZ: 0.1 };
  const sse = gridSse(y);
  TSB_GRID.forEach((aP, i) =>
    TSB_GRID.forEach((aZ, j) => {
      const e = sse[i * TSB_GRID.length + j]!;
      if (e < best.sse) best = { sse: e, aP, aZ };
    }),
  );
  const fitted = new Float64Array(y.length);
  const r = run(y, best.aP, best.aZ, fitted);
  return { level: r.level, p: r.p, z: r.z, fitted, y, alphaP: best.aP, alphaZ: best.aZ };
}

export const tsbForecaster: Forecaster<TsbFit> = {
  name: 'tsb',
  capabilities: { intervals: 'analytic', acceptsNaN: false, acceptsNegative: false, minLength: 1, seasonal: false },
  fit: (y) => fitTsb(y),
  fittedValues: (fit) => fit.fitted,
  predict(fit, h, levels) {
    const mean = new Float64Array(h).fill(fit.level);
    // the quantiles of its own demand process: occurrence p, size z (intermittent-common.ts)
    return { mean, quantiles: intermittentQuantiles(fit.y, mean, levels, { p: fit.p, size: fit.z }), model: 'TSB' };
  },
};
