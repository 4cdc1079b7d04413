/**
 * Cross-learning on plain series: one set of gradient-boosted trees learned across every series
 * given, on windows normalised by each series' recent level, as the tree-based entries of M4 and M5
 * did (Montero-Manso & Hyndman 2021 on why one model over many series can beat one per series).
 * Direct multi-horizon: a training row is an (origin t, horizon k) pair of one series; its features
 * are what was known at t — the last L values, window means, a least-squares line and its value at
 * t + k, volatility, share of zeros, and for seasonal data the values of the same season one and two
 * cycles back and that value's seasonal index — all divided by the series' scale at t (the mean |y|
 * of its last `scaleWindow` values); its target is the change y[t + k] − y[t] in the same units (the
 * trees learn a correction to the naive forecast, not a staircase copy of lag_0). The mean is
 * learned with squared error on targets clipped at their 0.5 % tails, each quantile level with the
 * quantile (pinball) objective. Rows are sampled evenly over the series, every window up to each
 * series' end; a fixed number of rounds (no validation window: the most recent data is learned
 * from, and a second fit is not paid for).
 *
 * Everything the model sees comes from the arrays passed in: training on series cut k points short
 * and forecasting their last k is a backtest without leakage. Pure (no files, no database);
 * deterministic for a given seed (row sampling and the boosters' bagging are seeded).
 */
import { type Booster, type TrainOptions, rawScore } from '../gbdt/learner.js';
import { trainMany } from '../gbdt/parallel.js';
import { mulberry32 } from '../numerics/random.js';

export interface SeriesGlobalOptions {
  /** periods to forecast; the model learns horizons 1…h */
  h: number;
  /** periods per seasonal cycle (1: none) */
  seasonLength: number;
  /** quantile levels in (0, 1), ascending */
  levels: readonly number[];
  /** most training rows, sampled evenly over the series (default 100,000) */
  maxRows?: number;
  seed?: number;
  /** worker threads for training (default 1: the calling thread) */
  threads?: number;
  /** boosting rounds of the mean model (default 300, learning rate 0.05); each quantile model takes half (0.1) */
  rounds?: number;
  /** values before the origin used as lag features (default: see `seriesLayout`) */
  lookback?: number;
  /** values the scale averages (default: see `seriesLayout`) */
  scaleWindow?: number;
}

/** The shape of the features: which lags and windows a row holds. */
export interface SeriesLayout {
  h: number;
  seasonLength: number;
  /** lag features y[t], y[t − 1], …, y[t − lookback + 1] */
  lookback: number;
  /** the scale is the mean |y| over this many values up to the origin */
  scaleWindow: number;
  /** windows of the mean features, shortest first */
  windows: number[];
  featureNames: string[];
}

export interface SeriesGlobalModel {
  layout: SeriesLayout;
  mean: Booster;
  quantiles: { level: number; booster: Booster }[];
  /** training rows */
  rows: number;
  seconds: number;
}

/** One series' forecast: h means and, per level (ascending), h quantiles. */
export interface SeriesGlobalForecast {
  mean: Float64Array;
  quantiles: Float64Array[];
}

/**
 * The feature layout for horizon h and season length m: lookback L = min(52, max(26, 2h, 2m when
 * m ≤ 26)) — longer seasons enter through the seasonal features, not lags; scale window m when
 * 1 < m ≤ 168 (a whole cycle, so that the scale has no season in it), else 13 (no season, or one
 * too long to wait for, such as 365 days).
 */
export function seriesLayout(h: number, m: number, lookback?: number, scaleWindow?: number): SeriesLayout {
  const L = lookback ?? Math.min(52, Math.max(26, 2 * h, m <= 26 ? 2 * m : 0));
  const w = scaleWindow ?? (m > 1 && m <= 168 ? m : 13);
  const windows = [Math.max(2, Math.round(L / 8)), Math.round(L / 2), L, 4 * L];
  const featureNames = [
    'horizon',
    ...Array.from({ length: L }, (_, j) => `lag_${j}`),
    ...windows.map((v) => `mean_${v}`),
    'line_at_target',
    'slope',
    'sd',
    'mean_abs_diff',
    'zero_share',
    'log_length',
    ...(m > 1 ? ['season_last', 'season_before', 'season_index'] : []),
  ];
  return { h, seasonLength: m, lookback: L, scaleWindow: w, windows, featureNames };
}

/** Prefix sums of one series for O(1) window statistics; NaN is unknown. */
interface Prefix {
  sum: Float64Array;
  abs: Float64Array;
  sq: Float64Array;
  known: Float64Array;
  zeros: Float64Array;
}

function prefix(y: Float64Array): Prefix {
  const n = y.length;
  const p: Prefix = {
    sum: new Float64Array(n + 1),
    abs: new Float64Array(n + 1),
    sq: new Float64Array(n + 1),
    known: new Float64Array(n + 1),
    zeros: new Float64Array(n + 1),
  };
  for (let t = 0; t < n; t++) {
    const v = y[t]!;
    const ok = Number.isFinite(v);
    p.sum[t + 1] = p.sum[t]! + (ok ? v : 0);
    p.abs[t + 1] = p.abs[t]! + (ok ? Math.abs(v) : 0);
    p.sq[t + 1] = p.sq[t]! + (ok ? v * v : 0);
    p.known[t + 1] = p.known[t]! + (ok ? 1 : 0);
    p.zeros[t + 1] = p.zeros[t]! + (ok && v === 0 ? 1 : 0);
  }
  return p;
}

/** Mean of the known values in y[from…to] (inclusive, clipped at 0), NaN when none. */
function windowMean(p: Prefix, from: number, to: number): number {
  const a = Math.max(0, from);
  const c = p.known[to + 1]! - p.known[a]!;
  return c > 0 ? (p.sum[to + 1]! - p.sum[a]!) / c : NaN;
}

/**
 * The series' scale at origin t: mean |y| over the last `w` values, else over its whole history up
 * to t; 0 when everything known is 0 (such a series is forecast 0).
 */
function scaleAt(p: Prefix, t: number, w: number): number {
  const a = Math.max(0, t + 1 - w);
  const c = p.known[t + 1]! - p.known[a]!;
  const s = c > 0 ? (p.abs[t + 1]! - p.abs[a]!) / c : 0;
  if (s > 0) return s;
  const all = p.known[t + 1]!;
  return all > 0 ? p.abs[t + 1]! / all : 0;
}

/**
 * Writes the features of (series y, origin t, horizon k) into column-major X at `row` of `rows`;
 * returns the scale (0: the row has no scale and is not usable). O(L).
 */
function writeRow(
  lay: SeriesLayout,
  y: Float64Array,
  p: Prefix,
  t: number,
  k: number,
  X: Float32Array,
  rows: number,
  row: number,
): number {
  const scale = scaleAt(p, t, lay.scaleWindow);
  if (!(scale > 0)) return 0;
  const L = lay.lookback;
  let f = 0;
  const put = (v: number): void => {
    X[f * rows + row] = v;
    f++;
  };
  put(k);
  for (let j = 0; j < L; j++) put(t - j >= 0 ? y[t - j]! / scale : NaN);
  for (const w of lay.windows) put(t + 1 >= w ? windowMean(p, t + 1 - w, t) / scale : NaN);
  // least-squares line through the last L known values (time 0 at the origin), its value at t + k
  let n = 0;
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let sxy = 0;
  let sad = 0;
  let nd = 0;
  for (let j = 0; j < L && t - j >= 0; j++) {
    const v = y[t - j]!;
    if (!Number.isFinite(v)) continue;
    const x = -j;
    n++;
    sx += x;
    sy += v;
    sxx += x * x;
    sxy += x * v;
    if (t - j - 1 >= 0 && Number.isFinite(y[t - j - 1]!)) {
      sad += Math.abs(v - y[t - j - 1]!);
      nd++;
    }
  }
  const det = n * sxx - sx * sx;
  const slope = n >= 3 && det > 0 ? (n * sxy - sx * sy) / det : NaN;
  const intercept = Number.isNaN(slope) ? NaN : (sy - slope * sx) / n;
  put((intercept + slope * k) / scale);
  put(slope / scale);
  const a = Math.max(0, t + 1 - L);
  const c = p.known[t + 1]! - p.known[a]!;
  const mean = c > 0 ? (p.sum[t + 1]! - p.sum[a]!) / c : NaN;
  put(c > 1 ? Math.sqrt(Math.max(0, (p.sq[t + 1]! - p.sq[a]!) / c - mean * mean)) / scale : NaN);
  put(nd > 0 ? sad / nd / scale : NaN);
  put(c > 0 ? (p.zeros[t + 1]! - p.zeros[a]!) / c : NaN);
  put(Math.log(1 + p.known[t + 1]!));
  const m = lay.seasonLength;
  if (m > 1) {
    // the same season's value before the origin: one cycle back from t + k, or as many as needed
    const back = m * Math.ceil(k / m);
    const s1 = t + k - back;
    const s2 = s1 - m;
    put(s1 >= 0 ? y[s1]! / scale : NaN);
    put(s2 >= 0 ? y[s2]! / scale : NaN);
    // that value over its own series' level then: the seasonal index, free of the level's change since
    const then = s1 >= 0 && t - back >= 0 ? scaleAt(p, t - back, lay.scaleWindow) : 0;
    put(then > 0 ? y[s1]! / then : NaN);
  }
  return scale;
}

/**
 * What the target is relative to, in the scale's units: the last known value (else the scale
 * window's mean). The trees learn the change from it, which is flat for a random walk, rather than a
 * staircase approximation of the identity in lag_0.
 */
function baseAt(lay: SeriesLayout, y: Float64Array, p: Prefix, t: number, scale: number): number {
  if (Number.isFinite(y[t]!)) return y[t]! / scale;
  const m = windowMean(p, t + 1 - lay.scaleWindow, t);
  return Number.isFinite(m) ? m / scale : 0;
}

/** Row specs (series, origin, horizon) sampled with probability `share[s]` per pair, seeded. */
function sampleRows(
  series: readonly Float64Array[],
  prefixes: Prefix[],
  lay: SeriesLayout,
  share: Float64Array,
  minHistory: number,
  rand: () => number,
): number[] {
  const h = lay.h;
  const specs: number[] = [];
  series.forEach((y, s) => {
    const p = share[s]!;
    if (!(p > 0)) return;
    const last = y.length - 1;
    const t0 = minHistory - 1;
    const pairs = (last - 1 - t0 + 1) * h;
    const logq = p < 1 ? Math.log(1 - p) : 0;
    // Bernoulli sampling by geometric skips: O(rows drawn), not O(pairs)
    const skip = (): number => (p >= 1 ? 0 : Math.floor(Math.log(1 - rand()) / logq));
    for (let q = skip(); q < pairs; q += 1 + skip()) {
      const t = t0 + Math.floor(q / h);
      const k = (q % h) + 1;
      if (t + k > last || !Number.isFinite(y[t + k]!) || scaleAt(prefixes[s]!, t, lay.scaleWindow) <= 0) continue;
      specs.push(s, t, k);
    }
  });
  return specs;
}

/** Water-filling: the per-series cap c with Σ min(pairs_s, c) = budget, as sampling shares. */
function evenShares(pairs: Float64Array, budget: number): Float64Array {
  const total = pairs.reduce((a, b) => a + b, 0);
  const share = new Float64Array(pairs.length);
  if (total <= budget) return share.fill(1);
  const sorted = Float64Array.from(pairs).sort();
  let rest = budget;
  let cap = 0;
  for (let i = 0; i < sorted.length; i++) {
    const c = rest / (sorted.length - i);
    if (sorted[i]! >= c) {
      cap = c;
      break;
    }
    rest -= sorted[i]!;
  }
  pairs.forEach((a, s) => (share[s] = a > 0 ? Math.min(1, cap / a) : 0));
  return share;
}

/** Share of the targets clipped at each tail for the squared loss (see `clipTails`). */
const CLIP = 0.005;

/**
 * Clips y in place to its `share` and 1 − `share` empirical quantiles: one jump in one series
 * (normalised changes have heavy tails) otherwise steers the squared loss. Quantiles inside those
 * tails, which the quantile boosters learn, are unchanged.
 */
function clipTails(y: Float64Array, share: number): void {
  const sorted = Float64Array.from(y).sort();
  const lo = sorted[Math.floor(share * (sorted.length - 1))]!;
  const hi = sorted[Math.ceil((1 - share) * (sorted.length - 1))]!;
  for (let i = 0; i < y.length; i++) y[i] = Math.min(hi, Math.max(lo, y[i]!));
}

interface Rows {
  X: Float32Array;
  y: Float64Array;
  rows: number;
}

function buildRows(series: readonly Float64Array[], prefixes: Prefix[], lay: SeriesLayout, specs: number[]): Rows {
  const count = specs.length / 3;
  const F = lay.featureNames.length;
  const X = new Float32Array(count * F);
  const y = new Float64Array(count);
  for (let r = 0; r < count; r++) {
    const s = specs[3 * r]!;
    const t = specs[3 * r + 1]!;
    const k = specs[3 * r + 2]!;
    const scale = writeRow(lay, series[s]!, prefixes[s]!, t, k, X, count, r);
    y[r] = series[s]![t + k]! / scale - baseAt(lay, series[s]!, prefixes[s]!, t, scale);
  }
  return { X, y, rows: count };
}

/**
 * Trains the global model on every series given (each a Float64Array, oldest first, NaN unknown).
 * Rows: (origin, horizon) pairs sampled evenly over the series up to `maxRows` (a short series
 * gives all it has, the rest of the budget is shared among the others), from origins with at least
 * min(h, L/2) values. Cost: O(rows · features) per boosting round, `rounds` for the mean and
 * `rounds`/2 per quantile level, the boosters spread over `threads` worker threads.
 * @example
 *   const model = await trainSeriesGlobal(series, { h: 13, seasonLength: 52, levels: [0.05, 0.5, 0.95] });
 *   const [first] = forecastSeriesGlobal(model, series, 13, [0.05, 0.5, 0.95]);
 *   // a backtest of the last 13 points: train on the series without them, forecast them
 *   const cut = series.map((y) => y.subarray(0, y.length - 13));
 *   const back = forecastSeriesGlobal(await trainSeriesGlobal(cut, o), cut, 13, o.levels);
 */
export async function trainSeriesGlobal(
  series: readonly Float64Array[],
  o: SeriesGlobalOptions,
): Promise<SeriesGlobalModel> {
  const started = performance.now();
  const { h, seasonLength: m } = o;
  if (!Number.isInteger(h) || h < 1) throw new RangeError(`trainSeriesGlobal: h must be a whole number ≥ 1, got ${h}`);
  if (!Number.isInteger(m) || m < 1)
    throw new RangeError(`trainSeriesGlobal: seasonLength must be a whole number ≥ 1, got ${m}`);
  for (let i = 0; i < o.levels.length; i++)
    if (!(o.levels[i]! > 0 && o.levels[i]! < 1) || (i > 0 && !(o.levels[i]! > o.levels[i - 1]!)))
      throw new RangeError('trainSeriesGlobal: levels must be ascending and inside (0, 1)');
  const lay = seriesLayout(h, m, o.lookback, o.scaleWindow);
  const seed = o.seed ?? 1;
  const prefixes = series.map(prefix);
  const minHistory = Math.max(3, Math.min(h, Math.ceil(lay.lookback / 2)));
  const pairs = Float64Array.from(series, (y) => Math.max(0, y.length - minHistory) * h);
  const specs = sampleRows(
    series,
    prefixes,
    lay,
    evenShares(pairs, o.maxRows ?? 100_000),
    minHistory,
    mulberry32(seed),
  );
  if (specs.length === 0)
    throw new RangeError(`trainSeriesGlobal: no series has the ${minHistory + 1} values needed to learn from`);
  const rows = buildRows(series, prefixes, lay, specs);
  clipTails(rows.y, CLIP);
  const rounds = o.rounds ?? 300;
  const common = {
    numLeaves: 31,
    minDataInLeaf: 100,
    lambdaL2: 1,
    featureFraction: 0.7,
    baggingFraction: 0.7,
    seed,
    featureNames: lay.featureNames,
  };
  const jobs: TrainOptions[] = [
    { ...common, objective: { name: 'l2' }, rounds, learningRate: 0.05 },
    ...o.levels.map((level): TrainOptions => ({
      ...common,
      objective: { name: 'quantile', quantile: level },
      rounds: Math.ceil(rounds / 2),
      learningRate: 0.1,
    })),
  ];
  const data = { X: rows.X, y: rows.y, rows: rows.rows, features: lay.featureNames.length };
  const [mean, ...qs] = await trainMany(data, jobs, undefined, o.threads ?? 1);
  return {
    layout: lay,
    mean: mean!,
    quantiles: o.levels.map((level, i) => ({ level, booster: qs[i]! })),
    rows: rows.rows,
    seconds: (performance.now() - started) / 1000,
  };
}

/**
 * Forecasts h periods after the end of each series with a trained model: the mean and the
 * quantiles at `levels` (each one of the model's levels), de-normalised by the series' scale and
 * sorted per period so that they never cross; clamped at 0 with `nonNegative`. A series with no
 * non-zero known value is forecast 0. O(series · h · trees).
 */
export function forecastSeriesGlobal(
  model: SeriesGlobalModel,
  series: readonly Float64Array[],
  h: number,
  levels: readonly number[],
  o: { nonNegative?: boolean } = {},
): SeriesGlobalForecast[] {
  const lay = model.layout;
  if (!Number.isInteger(h) || h < 1 || h > lay.h)
    throw new RangeError(`forecastSeriesGlobal: h must be a whole number in 1…${lay.h} (the model's), got ${h}`);
  const boosters = levels.map((level) => {
    const q = model.quantiles.find((x) => Math.abs(x.level - level) < 1e-12);
    if (q === undefined) throw new RangeError(`forecastSeriesGlobal: the model has no quantile level ${level}`);
    return q.booster;
  });
  const floor = o.nonNegative === true ? 0 : -Infinity;
  const X = new Float32Array(lay.featureNames.length);
  const value = (f: number): number => X[f]!;
  const step = new Float64Array(levels.length);
  return series.map((y) => {
    const p = prefix(y);
    const t = y.length - 1;
    const out: SeriesGlobalForecast = {
      mean: new Float64Array(h),
      quantiles: levels.map(() => new Float64Array(h)),
    };
    for (let k = 1; k <= h; k++) {
      const scale = t >= 0 ? writeRow(lay, y, p, t, k, X, 1, 0) : 0;
      if (!(scale > 0)) continue; // nothing but zeros (or nothing) known: 0
      const base = baseAt(lay, y, p, t, scale);
      out.mean[k - 1] = Math.max(floor, scale * (base + rawScore(model.mean, value)));
      for (let l = 0; l < levels.length; l++) step[l] = Math.max(floor, scale * (base + rawScore(boosters[l]!, value)));
      step.sort();
      for (let l = 0; l < levels.length; l++) out.quantiles[l]![k - 1] = step[l]!;
    }
    return out;
  });
}

/**
 * Backtest forecasts without leakage: the model is trained on each series without its last `cut`
 * values and forecasts h periods from there (the first min(h, cut) of them can be scored against
 * the held-out values, which neither training nor forecasting sees). A series of `cut` values or
 * fewer is forecast from nothing: 0. Cost: one `trainSeriesGlobal`.
 * @example
 *   const back = await backtestSeriesGlobal(series, 13, { h: 13, seasonLength: 52, levels });
 *   // back[i].mean[k] forecasts series[i][series[i].length − 13 + k]
 */
export async function backtestSeriesGlobal(
  series: readonly Float64Array[],
  cut: number,
  o: SeriesGlobalOptions & { nonNegative?: boolean },
): Promise<SeriesGlobalForecast[]> {
  if (!Number.isInteger(cut) || cut < 1)
    throw new RangeError(`backtestSeriesGlobal: cut must be a whole number ≥ 1, got ${cut}`);
  const train = series.map((y) => y.subarray(0, Math.max(0, y.length - cut)));
  const model = await trainSeriesGlobal(train, o);
  return forecastSeriesGlobal(model, train, o.h, o.levels, { nonNegative: o.nonNegative ?? false });
}
