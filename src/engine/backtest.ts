/**
 * Rolling-origin backtests (Tashman 2000): for each origin the series are cut h, 2h, … periods
 * before their end, every model forecasts the next h periods from the cut, and the forecasts are
 * scored against what happened. Only data before each origin is used to fit.
 */
import type { AutoOptions } from './auto-choice.js';
import { coverage, mase, pinball, rmsse, smape } from './metrics.js';
import { forecastParallel } from './parallel-forecast.js';
import { quantileRow, seriesMean } from './quantile-view.js';
import { type SeriesBatch, makeBatch, seriesView } from './series-batch.js';

export interface BacktestOptions {
  models: string[];
  h: number;
  origins: number;
  seasonLength: number;
  levels: readonly number[];
  threads?: number;
  onProgress?: (label: string, fraction: number) => void;
  /**
   * Called for every series and origin scored (not for those skipped for want of a scale), with the actuals and the
   * forecast means (views: copy to keep), e.g. to test two models' errors against each other (pipeline/compare.ts).
   */
  onScored?: (model: string, origin: number, id: string, actual: Float64Array, mean: Float64Array) => void;
  /** how `auto` backtests and combines (default AUTO_DEFAULTS; a shop's demand: DEMAND_AUTO) */
  auto?: AutoOptions;
}

/** One model's accuracy over every series and origin of a backtest (scaled measures as in M4/M5). */
export interface BacktestRow {
  model: string;
  /** series × origins scored */
  forecasts: number;
  mase: number;
  rmsse: number;
  smape: number;
  /** Σ|y − f| / Σ|y| over everything scored */
  wape: number;
  /** mean (f − y) */
  bias: number;
  /** mean pinball loss over the quantile levels, scaled like MASE */
  scaled_pinball: number;
  /** share of actuals inside the outermost quantiles (e.g. p05–p95: nominal 90 %) */
  coverage: number;
  seconds: number;
}

/** Runs every model over `origins` rolling origins and returns one accuracy row per model. */
export async function backtest(batch: SeriesBatch, o: BacktestOptions, clock: () => number): Promise<BacktestRow[]> {
  const rows: BacktestRow[] = [];
  const L = o.levels.length;
  for (const [mi, model] of o.models.entries()) {
    const acc = { n: 0, mase: 0, rmsse: 0, smape: 0, absErr: 0, absY: 0, bias: 0, pin: 0, cov: 0, covN: 0 };
    let seconds = 0;
    for (let j = 1; j <= o.origins; j++) {
      const cut = o.h * j;
      const ids: string[] = [];
      const trains: Float64Array[] = [];
      const tests: Float64Array[] = [];
      for (let i = 0; i < batch.ids.length; i++) {
        const y = seriesView(batch, i);
        if (y.length - cut < 2 * o.h) continue;
        ids.push(batch.ids[i]!);
        trains.push(y.subarray(0, y.length - cut));
        tests.push(y.subarray(y.length - cut, y.length - cut + o.h));
      }
      if (ids.length === 0) continue;
      o.onProgress?.(`${model}, origin ${j}/${o.origins}`, (mi * o.origins + j - 1) / (o.models.length * o.origins));
      const t0 = clock();
      const fc = await forecastParallel(
        makeBatch(ids, trains),
        {
          model,
          h: o.h,
          levels: o.levels,
          seasonLength: o.seasonLength,
          nonNegative: false,
          ...(o.auto === undefined ? {} : { auto: o.auto }),
        },
        o.threads,
      );
      seconds += (clock() - t0) / 1000;
      for (let i = 0; i < ids.length; i++) {
        const y = tests[i]!;
        const f = seriesMean(fc, i);
        const m = mase(y, f, trains[i]!, 1);
        const r = rmsse(y, f, trains[i]!);
        if (!Number.isFinite(m) || !Number.isFinite(r)) continue; // a constant history has no scale
        o.onScored?.(model, j, ids[i]!, y, f);
        acc.n++;
        acc.mase += m;
        acc.rmsse += r;
        acc.smape += smape(y, f);
        for (let t = 0; t < o.h; t++) {
          if (!Number.isFinite(y[t]!)) continue;
          acc.absErr += Math.abs(y[t]! - f[t]!);
          acc.absY += Math.abs(y[t]!);
        }
        acc.bias += f.reduce((a, v, t) => a + (Number.isFinite(y[t]!) ? v - y[t]! : 0), 0) / o.h;
        let pl = 0;
        for (let l = 0; l < L; l++) pl += pinball(y, quantileRow(fc, i, l), fc.levels[l]!);
        acc.pin += pl / L / naiveMae(trains[i]!);
        acc.cov += coverage(y, quantileRow(fc, i, 0), quantileRow(fc, i, L - 1));
        acc.covN++;
      }
    }
    rows.push({
      model,
      forecasts: acc.n,
      mase: acc.mase / acc.n,
      rmsse: acc.rmsse / acc.n,
      smape: acc.smape / acc.n,
      wape: acc.absErr / acc.absY,
      bias: acc.bias / acc.n,
      scaled_pinball: acc.pin / acc.n,
      coverage: acc.cov / acc.covN,
      seconds,
    });
  }
  return rows;
}

/** In-sample mean absolute change (the naive forecast's MAE): the scale of MASE. */
function naiveMae(train: Float64Array): number {
  let s = 0;
  let n = 0;
  for (let t = 1; t < train.length; t++) {
    const d = train[t]! - train[t - 1]!;
    if (Number.isFinite(d)) {
      s += Math.abs(d);
      n++;
    }
  }
  return s / n;
}
