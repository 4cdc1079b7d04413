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
import { forecastParallel } from '../engine/parallel-forecast.js';
import { makeBatch } from '../engine/series-batch.js';
import { type GlobalModel, forecastGlobal } from './global-model.js';
import type { Panel } from './panel.js';

export interface EnsembleWeights {
  /** weight of the global model in the mean */
  mean: number;
  /** weight of the global model in the quantiles */
  quantiles: number;
  /** backtest scores per weight (weighted RMSSE, weighted SPL) */
  backtest: { weight: number; wrmsse: number; wspl: number }[];
}

const GRID = Array.from({ length: 11 }, (_, i) => i / 10);

async function statistical(panel: Panel, h: number, levels: readonly number[], cut: number, threads?: number): Promise<BatchForecast> {
  const series = panel.units.map((y) => y.subarray(0, Math.max(1, y.length - cut)));
  return forecastParallel(makeBatch(panel.ids, series), { model: 'auto', h, levels, seasonLength: 7, nonNegative: true }, threads);
}

function combine(g: BatchForecast, s: BatchForecast, wMean: number, wQuant: number): BatchForecast {
  const n = g.models.length;
  const { h, levels } = g;
  const L = levels.length;
  const mean = new Float64Array(n * h);
  for (let i = 0; i < mean.length; i++) mean[i] = wMean * g.mean[i]! + (1 - wMean) * s.mean[i]!;
  const quantiles = new Float64Array(n * L * h);
  const row = new Float64Array(L);
  for (let i = 0; i < n; i++)
    for (let t = 0; t < h; t++) {
      for (let l = 0; l < L; l++) {
        const at = (i * L + l) * h + t;
        row[l] = wQuant * g.quantiles[at]! + (1 - wQuant) * s.quantiles[at]!;
      }
      row.sort();
      for (let l = 0; l < L; l++) quantiles[(i * L + l) * h + t] = row[l]!;
    }
  const models = g.models.map((_, i) => `ensemble(global ${wMean.toFixed(1)}, ${s.models[i]})`);
  return { h, levels: [...levels], mean, quantiles, models, fallbacks: s.fallbacks };
}

/** Revenue-weighted RMSSE and scaled pinball loss of backtest forecasts over the last h days. */
function backtestScores(panel: Panel, fc: BatchForecast, h: number): { wrmsse: number; wspl: number } {
  const L = fc.levels.length;
  let wsum = 0;
  let rmsse = 0;
  let spl = 0;
  panel.units.forEach((y, s) => {
    const origin = y.length - h;
    if (origin < 2) return;
    let d1 = 0;
    let d2 = 0;
    let m = 0;
    let sum = 0;
    let count = 0;
    for (let t = 1; t < origin; t++) {
      const a = y[t]!;
      const b = y[t - 1]!;
      if (Number.isNaN(a) || Number.isNaN(b)) continue;
      d1 += Math.abs(a - b);
      d2 += (a - b) ** 2;
      m++;
    }
    for (let t = Math.max(0, origin - 28); t < origin; t++)
      if (!Number.isNaN(y[t]!)) {
        const price = panel.price[s]![t]!;
        sum += y[t]! * (Number.isNaN(price) ? 1 : price);
        count++;
      }
    if (m === 0 || d1 === 0 || count === 0 || sum <= 0) return;
    const w = sum;
    let se = 0;
    let pl = 0;
    let n = 0;
    for (let k = 0; k < h; k++) {
      const v = y[origin + k]!;
      if (Number.isNaN(v) || panel.closed[s]![origin + k] === 1) continue;
      se += (v - fc.mean[s * h + k]!) ** 2;
      for (let l = 0; l < L; l++) {
        const e = v - fc.quantiles[(s * L + l) * h + k]!;
        const tau = fc.levels[l]!;
        pl += (e >= 0 ? tau * e : (tau - 1) * e) / L;
      }
      n++;
    }
    if (n === 0) return;
    rmsse += w * Math.sqrt(se / n / (d2 / m));
    spl += (w * (pl / n)) / (d1 / m);
    wsum += w;
  });
  return wsum > 0 ? { wrmsse: rmsse / wsum, wspl: spl / wsum } : { wrmsse: NaN, wspl: NaN };
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
  const best = (key: 'wrmsse' | 'wspl'): number => (finite.length === 0 ? 0.5 : finite.reduce((a, b) => (b[key] < a[key] ? b : a)).weight);
  const weights: EnsembleWeights = { mean: best('wrmsse'), quantiles: best('wspl'), backtest };
  const g = forecastGlobal(panel, model, h);
  const s = await statistical(panel, h, levels, 0, threads);
  return { forecast: combine(g, s, weights.mean, weights.quantiles), weights };
}
