/**
 * The global model: one set of gradient-boosted trees learned across every SKU of the shop
 * (direct multi-horizon: the horizon is a feature, each row predicts the demand k days after its
 * origin from what was known at the origin). Training rows come from weekly origins over the
 * history (each with a seeded sample of horizons); the most recent origin — the last h days — is
 * the validation window for early stopping. The mean is learned with the Tweedie objective (as the
 * M5 winners did for intermittent retail demand), each quantile with the quantile objective.
 */
import type { BatchForecast } from '../engine/forecast-batch.js';
import { allocateFlat, seriesMean, setQuantileStep } from '../engine/quantile-view.js';
import { type Booster, type TrainOptions, rawScore } from '../gbdt/learner.js';
import { makeObjective } from '../gbdt/objectives.js';
import { trainMany } from '../gbdt/parallel.js';
import { mulberry32 } from '../numerics/random.js';
import { F, FEATURE_NAMES, skuStats, writeFeatures } from './features.js';
import type { Panel } from './panel.js';

export interface GlobalOptions {
  h: number;
  levels: readonly number[];
  /** most training rows (default 500,000) */
  maxRows?: number;
  /** boosting rounds of the mean model (default 400; quantile models use a third) */
  rounds?: number;
  seed?: number;
  /** worker threads for training (default: one per core) */
  threads?: number;
  /** shortest history (days) before an origin counts (default 28) */
  minHistory?: number;
  onProgress?: (stage: string) => void;
}

export interface GlobalModel {
  mean: Booster;
  quantiles: { level: number; booster: Booster }[];
  rows: { train: number; valid: number };
  seconds: number;
}

interface RowSet {
  X: Float32Array;
  /** demand over the SKU's level */
  y: Float64Array;
  /** the SKU's revenue share proxy: level × last price, mean 1 */
  weight: Float64Array;
  rows: number;
}

function buildRows(panel: Panel, specs: Int32Array, count: number, stats: ReturnType<typeof skuStats>[]): RowSet {
  const X = new Float32Array(count * F);
  const y = new Float64Array(count);
  const weight = new Float64Array(count);
  const priceCol = FEATURE_NAMES.indexOf('price_last');
  let total = 0;
  for (let r = 0; r < count; r++) {
    const s = specs[3 * r]!;
    const T = specs[3 * r + 1]!;
    const k = specs[3 * r + 2]!;
    const level = writeFeatures(panel, s, stats[s]!, T, k, X, count, r);
    y[r] = panel.units[s]![T + k]! / level;
    // the revenue-weighted scores weigh a SKU by its revenue: level × price
    const price = X[priceCol * count + r]!;
    weight[r] = level * (Number.isFinite(price) && price > 0 ? price : 1);
    total += weight[r]!;
  }
  const mean = total / Math.max(1, count);
  for (let r = 0; r < count; r++) weight[r] = Math.min(50, weight[r]! / mean);
  return { X, y, weight, rows: count };
}

export async function trainGlobal(panel: Panel, o: GlobalOptions): Promise<GlobalModel> {
  const t0 = Date.now();
  const h = o.h;
  const minHistory = o.minHistory ?? 28;
  const maxRows = o.maxRows ?? 500_000;
  const rand = mulberry32(o.seed ?? 1);
  const stats = panel.units.map((_, s) => skuStats(panel, s));
  // origin pairs: (s, T) for T = last − h − 7j
  let pairs = 0;
  for (const y of panel.units) for (let T = y.length - 1 - 2 * h; T >= minHistory - 1; T -= 7) pairs++;
  const perOrigin = Math.max(1, Math.min(h, Math.floor(maxRows / Math.max(1, pairs))));
  const trainSpecs: number[] = [];
  const validSpecs: number[] = [];
  const ks = Int32Array.from({ length: h }, (_, i) => i + 1);
  panel.units.forEach((y, s) => {
    const last = y.length - 1;
    const vT = last - h;
    if (vT >= minHistory - 1) for (let k = 1; k <= h; k++) if (!Number.isNaN(y[vT + k]!)) validSpecs.push(s, vT, k);
    for (let T = last - 2 * h; T >= minHistory - 1; T -= 7) {
      // a seeded sample of horizons for this origin
      for (let i = 0; i < perOrigin; i++) {
        const j = i + Math.floor(rand() * (h - i));
        const t = ks[i]!;
        ks[i] = ks[j]!;
        ks[j] = t;
        const k = ks[i]!;
        if (!Number.isNaN(y[T + k]!)) trainSpecs.push(s, T, k);
      }
    }
  });
  if (trainSpecs.length === 0)
    throw new RangeError(`global model: no SKU has ${minHistory + 2 * h} days of history to learn from`);
  o.onProgress?.('building features');
  const tr = buildRows(panel, Int32Array.from(trainSpecs), trainSpecs.length / 3, stats);
  const va =
    validSpecs.length > 0 ? buildRows(panel, Int32Array.from(validSpecs), validSpecs.length / 3, stats) : undefined;
  const common = {
    numLeaves: 63,
    minDataInLeaf: 50,
    lambdaL2: 1,
    featureFraction: 0.8,
    baggingFraction: 0.7,
    seed: o.seed ?? 1,
    featureNames: [...FEATURE_NAMES],
    earlyStoppingRounds: 30,
  };
  const rounds = o.rounds ?? 400;
  o.onProgress?.(`training the mean and ${o.levels.length} quantile models`);
  const trainSet = { X: tr.X, y: tr.y, rows: tr.rows, features: F, weight: tr.weight };
  const validSet = va === undefined ? undefined : { X: va.X, y: va.y, rows: va.rows, features: F };
  const jobs: TrainOptions[] = [
    { ...common, objective: { name: 'tweedie', tweediePower: 1.2 }, rounds, learningRate: 0.05 },
    ...o.levels.map((level): TrainOptions => ({
      ...common,
      objective: { name: 'quantile', quantile: level },
      rounds: Math.ceil(rounds / 3),
      learningRate: 0.1,
    })),
  ];
  const [mean, ...qs] = await trainMany(trainSet, jobs, validSet, o.threads);
  const quantiles = o.levels.map((level, i) => ({ level, booster: qs[i]! }));
  return { mean: mean!, quantiles, rows: { train: tr.rows, valid: va?.rows ?? 0 }, seconds: (Date.now() - t0) / 1000 };
}

/**
 * Forecasts h days after each SKU's last day with a trained global model (the forecasts.csv
 * contract), or, with `cut` > 0, from `cut` days before it (a backtest origin; SKUs too young for
 * it get their forecast from their first day).
 */
export function forecastGlobal(panel: Panel, model: GlobalModel, h: number, cut = 0): BatchForecast {
  const n = panel.ids.length;
  const levels = model.quantiles.map((q) => q.level);
  const L = levels.length;
  const out = allocateFlat(n, h, levels);
  const X = new Float32Array(F);
  const tweedie = makeObjective(model.mean.objective);
  const row = new Float64Array(L);
  for (let s = 0; s < n; s++) {
    const st = skuStats(panel, s);
    const T = Math.max(0, panel.units[s]!.length - 1 - cut);
    const mean = seriesMean(out, s);
    for (let k = 1; k <= h; k++) {
      const level = writeFeatures(panel, s, st, T, k, X, 1, 0);
      const value = (f: number): number => X[f]!;
      mean[k - 1] = Math.max(0, level * tweedie.transform(rawScore(model.mean, value)));
      for (let l = 0; l < L; l++) row[l] = Math.max(0, level * rawScore(model.quantiles[l]!.booster, value));
      row.sort();
      setQuantileStep(out, s, k - 1, row);
    }
  }
  return {
    h,
    levels,
    mean: out.mean,
    quantiles: out.quantiles,
    models: new Array<string>(n).fill('global'),
    fallbacks: [],
  };
}
