/**
 * The ensemble of the global model and the statistical engine (`auto`: each SKU's best model by
 * its own backtest), weighted by a backtest over the last h days before the origin: both forecast
 * those days from h days earlier, and the weight of the global model is the one (0, 0.1, …, 1)
 * with the lowest revenue-weighted RMSSE for the mean and, separately, the lowest revenue-weighted
 * scaled pinball loss for the quantiles — the measures the forecasts are judged by. The combined
 * quantiles are the weighted averages of the two sets of quantiles (Vincentisation), sorted.
 *
 * The global model's validation window is the same h days (its early stopping looked at them), so
 * its backtest error is slightly optimistic; the statistical engine's is not.
 */
import { type BatchForecast } from '../engine/forecast-batch.js';
import { naiveScale, pinball, rmsse } from '../engine/metrics.js';
import { forecastParallel } from '../engine/parallel-forecast.js';
import { allocateFlat, quantileRow, quantileStep, seriesMean, setQuantileStep } from '../engine/quantile-view.js';
import { makeBatch } from '../engine/series-batch.js';
import { type GlobalModel, forecastGlobal } from './global-model.js';
import type { Panel } from './panel.js';
import { DEMAND_AUTO } from '../engine/auto-choice.js';

export interface EnsembleWeights {
  /** weight of the global model in the mean */
  mean: number;
  /** weight of the global model in the quantiles */
  quantiles: number;
  /** backtest scores per weight (weighted RMSSE, weighted SPL) */
  backtest: { weight: number; wrmsse: number; wspl: number }[];
}

const GRID = Array.from({ length: 11 }, (_, i) => i / 10);

async function statistical(
  panel: Panel,
  h: number,
  levels: readonly number[],
  cut: number,
  threads?: number,
): Promise<BatchForecast> {
  const series = panel.units.map((y) => y.subarray(0, Math.max(1, y.length - cut)));
  return forecastParallel(
    makeBatch(panel.ids, series),
    { model: 'auto', h, levels, seasonLength: 7, nonNegative: true, auto: DEMAND_AUTO },
    threads,
  );
}

function combine(g: BatchForecast, s: BatchForecast, wMean: number, wQuant: number): BatchForecast {
  const n = g.models.length;
  const { h, levels } = g;
  const L = levels.length;
  const out = allocateFlat(n, h, levels);
  for (let i = 0; i < out.mean.length; i++) out.mean[i] = wMean * g.mean[i]! + (1 - wMean) * s.mean[i]!;
  const gRow = new Float64Array(L);
  const sRow = new Float64Array(L);
  const row = new Float64Array(L);
  for (let i = 0; i < n; i++)
    for (let t = 0; t < h; t++) {
      quantileStep(g, i, t, gRow);
      quantileStep(s, i, t, sRow);
      for (let l = 0; l < L; l++) row[l] = wQuant * gRow[l]! + (1 - wQuant) * sRow[l]!;
      row.sort();
      setQuantileStep(out, i, t, row);
    }
  const models = g.models.map((_, i) => `ensemble(global ${wMean.toFixed(1)}, ${s.models[i]})`);
  return { h, levels: [...levels], mean: out.mean, quantiles: out.quantiles, models, fallbacks: s.fallbacks };
}

/**
 * Revenue-weighted RMSSE and scaled pinball loss of backtest forecasts over the last h days (closed days not scored).
 */
function backtestScores(panel: Panel, fc: BatchForecast, h: number): { wrmsse: number; wspl: number } {
  const L = fc.levels.length;
  let wsum = 0;
  let rmsseSum = 0;
  let splSum = 0;
  panel.units.forEach((y, s) => {
    const origin = y.length - h;
    if (origin < 2) return;
    const insample = y.subarray(0, origin);
    const scale = naiveScale(insample, 1, false);
    // the weight: revenue over the 28 days before the origin (units where no price is known)
    let w = 0;
    for (let t = Math.max(0, origin - 28); t < origin; t++)
      if (!Number.isNaN(y[t]!)) w += y[t]! * (Number.isNaN(panel.price[s]![t]!) ? 1 : panel.price[s]![t]!);
    if (!(scale > 0) || !(w > 0)) return;
    const actual = y.slice(origin, origin + h).map((v, k) => (panel.closed[s]![origin + k] === 1 ? NaN : v));
    if (!actual.some((v) => !Number.isNaN(v))) return;
    let pl = 0;
    for (let l = 0; l < L; l++) pl += pinball(actual, quantileRow(fc, s, l), fc.levels[l]!) / L;
    rmsseSum += w * rmsse(actual, seriesMean(fc, s), insample);
    splSum += (w * pl) / scale;
    wsum += w;
  });
  return wsum > 0 ? { wrmsse: rmsseSum / wsum, wspl: splSum / wsum } : { wrmsse: NaN, wspl: NaN };
}

/** Chooses the weights on the backtest window and returns the combined forecast from the origin. */
export async function forecastEnsemble(
  panel: Panel,
  model: GlobalModel,
  h: number,
  levels: readonly number[],
  threads?: number,
): Promise<{ forecast: BatchForecast; weights: EnsembleWeights }> {
  const gBack = forecastGlobal(panel, model, h, h);
  const sBack = await statistical(panel, h, levels, h, threads);
  const backtest = GRID.map((w) => ({ weight: w, ...backtestScores(panel, combine(gBack, sBack, w, w), h) }));
  const finite = backtest.filter((b) => Number.isFinite(b.wrmsse));
  const best = (key: 'wrmsse' | 'wspl'): number =>
    finite.length === 0 ? 0.5 : finite.reduce((a, b) => (b[key] < a[key] ? b : a)).weight;
  const weights: EnsembleWeights = { mean: best('wrmsse'), quantiles: best('wspl'), backtest };
  const g = forecastGlobal(panel, model, h);
  const s = await statistical(panel, h, levels, 0, threads);
  return { forecast: combine(g, s, weights.mean, weights.quantiles), weights };
}
