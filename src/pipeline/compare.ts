/**
 * Offline champion/challenger: two models over the same rolling-origin backtest (engine/backtest.ts, Tashman 2000),
 * their accuracy and a Diebold–Mariano test of the difference (Diebold & Mariano 1995 with the Harvey, Leybourne &
 * Newbold 1997 correction, as R forecast::dm.test).
 */
import { availableParallelism } from 'node:os';
import { InputError } from '../data/errors.js';
import { type BacktestRow, backtest } from '../engine/backtest.js';
import type { AutoOptions } from '../engine/auto-choice.js';
import { naiveScale } from '../engine/metrics.js';
import { makeBatch } from '../engine/series-batch.js';
import { DEFAULT_LEVELS } from '../models/contract.js';
import { dieboldMariano } from '../numerics/diebold-mariano.js';
import { checkModelName } from './forecast-series.js';

/** Options of `compareModels`. */
export interface CompareOptions {
  /** the two models, e.g. ['ets', 'theta'] */
  models: readonly string[];
  /** periods forecast from each origin */
  h: number;
  /** rolling origins, each h periods before the last (default 3) */
  origins?: number;
  seasonLength: number;
  threads?: number;
  onProgress?: (label: string, fraction: number) => void;
  /** how `auto` backtests and combines (default AUTO_DEFAULTS; a shop's demand: DEMAND_AUTO) */
  auto?: AutoOptions;
}

/** The comparison: each model's backtest accuracy and the DM test of their losses. */
export interface CompareResult {
  models: BacktestRow[];
  dm: {
    statistic: number;
    p_value: number;
    /** periods in the loss series (origins × h) */
    n: number;
    horizon: number;
    loss: string;
    /** the model with the smaller loss when p < 0.05, else null */
    better: string | null;
  } | null;
}

/**
 * Backtests two models over the same series and origins (engine `backtest`: MASE, sMAPE, WAPE, …) and tests their
 * difference with Diebold–Mariano. Loss: the absolute scaled error |y − f| / s (s the series' in-sample naive MAE
 * before the origin, MASE's scale), averaged over the series at each period of the backtest span (series aligned on
 * their last period); periods run oldest origin first, step 1…h within each, and h − 1 autocovariances enter the
 * variance (h-step forecasts). A negative statistic favours the first model.
 * @example await compareModels({ ids: ['A'], values: [y] }, { models: ['ets', 'theta'], h: 13, seasonLength: 1 })
 */
export async function compareModels(
  input: { ids: readonly string[]; values: readonly Float64Array[] },
  o: CompareOptions,
): Promise<CompareResult> {
  if (o.models.length !== 2 || o.models[0] === o.models[1])
    throw new InputError(`compare: models must name two different models, e.g. ets,theta`, { field: 'models' });
  for (const m of o.models) checkModelName('compare', m);
  const origins = o.origins ?? 3;
  if (!Number.isInteger(origins) || origins < 1)
    throw new InputError(`compare: origins must be a whole number ≥ 1, got ${origins}`, { field: 'origins' });
  const h = o.h;
  const span = origins * h;
  const length = new Map(input.ids.map((id, i) => [id, input.values[i]!.length]));
  const index = new Map(input.ids.map((id, i) => [id, i]));
  // per model and series: the scaled absolute error at each period of the span (NaN where not scored)
  const losses = o.models.map(() => new Map<string, Float64Array>());
  const rows = await backtest(
    makeBatch([...input.ids], [...input.values]),
    {
      models: [...o.models],
      h,
      origins,
      seasonLength: o.seasonLength,
      levels: DEFAULT_LEVELS,
      threads: o.threads ?? availableParallelism(),
      ...(o.auto === undefined ? {} : { auto: o.auto }),
      ...(o.onProgress === undefined ? {} : { onProgress: o.onProgress }),
      onScored: (model, origin, id, y, f) => {
        const byId = losses[o.models.indexOf(model)]!;
        const train = input.values[index.get(id)!]!.subarray(0, length.get(id)! - h * origin);
        const scale = naiveScale(train, 1, false);
        const l = byId.get(id) ?? new Float64Array(span).fill(NaN);
        for (let t = 0; t < h; t++) l[(origins - origin) * h + t] = Math.abs(y[t]! - f[t]!) / scale;
        byId.set(id, l);
      },
    },
    () => performance.now(),
  );
  // the mean loss per period over the series both models scored there
  const e1 = new Float64Array(span).fill(NaN);
  const e2 = new Float64Array(span).fill(NaN);
  for (let p = 0; p < span; p++) {
    let s1 = 0;
    let s2 = 0;
    let n = 0;
    for (const [id, l1] of losses[0]!) {
      const a = l1[p]!;
      const b = losses[1]!.get(id)?.[p] ?? NaN;
      if (!Number.isFinite(a) || !Number.isFinite(b)) continue;
      s1 += a;
      s2 += b;
      n++;
    }
    if (n > 0) {
      e1[p] = s1 / n;
      e2[p] = s2 / n;
    }
  }
  let dm: CompareResult['dm'] = null;
  try {
    const r = dieboldMariano(e1, e2, { h, power: 1 });
    dm = {
      statistic: r.statistic,
      p_value: r.p_value,
      n: r.n,
      horizon: r.h,
      loss: 'absolute scaled error (|y − f| / in-sample naive MAE), averaged over the series each period',
      better: r.p_value < 0.05 ? o.models[r.statistic < 0 ? 0 : 1]! : null,
    };
  } catch (e) {
    if (!(e instanceof RangeError)) throw e; // too few periods, or identical losses: no test
  }
  return { models: rows, dm };
}
