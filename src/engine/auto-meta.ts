/**
 * `auto-meta`: combination weights for `auto`'s pool learned across a collection of series from
 * their features, in the spirit of FFORMA (Montero-Manso, Athanasopoulos, Hyndman & Talagala 2020,
 * "FFORMA: Feature-based forecast model averaging", IJF 36(1)). Every series' pool is backtested
 * from rolling origins (runPool); one gradient-boosted tree model (src/gbdt) learns, across the
 * collection, how much worse than the series' typical member each member will be, from
 *  - features of the series (length, strength of trend and seasonality from STL, autocorrelations
 *    of the series and of its differences, coefficient of variation, share of zeros, stability,
 *    lumpiness, KPSS statistic, recent level shift; Wang, Smith & Hyndman 2006; Hyndman, Wang &
 *    Laptev 2015), and
 *  - the member's own scaled errors at the earlier origins, relative to the other members'.
 *
 * No leakage: the training rows of a series are its features and member errors as they were
 * before its last backtest origin, and their target the members' errors from that origin (whose
 * actuals lie inside the series). At forecast time the same features are computed on the whole
 * window and the member errors over every backtest origin: the model predicts one origin ahead,
 * as it was trained to.
 *
 * FFORMA trains a softmax over the members with the combination's loss as a custom objective;
 * shopcast's learner takes a fixed set of scalar objectives, so this learns the members' log
 * relative errors by least squares (one row per series and member, the member as a feature) and
 * turns predicted errors into weights: a softmax with a temperature, or the k best. Which rule and
 * temperature is chosen by cross-validation across the series on the last backtest origin
 * (out-of-fold predictions), never on data after the end of a series.
 */
import type { Forecast } from '../models/contract.js';
import { type Booster, featureImportance, predict, train } from '../gbdt/learner.js';
import { acf } from '../numerics/acf.js';
import { kpssStatistic } from '../numerics/kpss.js';
import { stl } from '../numerics/stl.js';
import { AUTO_DEFAULTS, type AutoOptions, type PoolRun, combinePool, runPool, weightsFor } from './auto-choice.js';

/** How `auto-meta` learns and combines. */
export interface MetaOptions {
  /** the pool's backtest (origins, history kept); the combination rule of `auto` is the fallback */
  auto: AutoOptions;
  /** seed of the trees' row and feature sampling */
  seed: number;
  /** boosting rounds */
  rounds: number;
  /** folds of the cross-validation across series that chooses the weighting rule */
  folds: number;
  /** training rows per series: from the last backtest origin only (1), or also the one before (2) */
  targets: 1 | 2;
}

export const META_DEFAULTS: MetaOptions = { auto: AUTO_DEFAULTS, seed: 1, rounds: 150, folds: 5, targets: 1 };

/** A rule turning predicted relative log errors into weights. */
type Rule = { kind: 'softmax'; temperature: number } | { kind: 'top'; k: number };

const RULES: readonly Rule[] = [
  { kind: 'softmax', temperature: 0.05 },
  { kind: 'softmax', temperature: 0.1 },
  { kind: 'softmax', temperature: 0.2 },
  { kind: 'softmax', temperature: 0.4 },
  { kind: 'top', k: 2 },
  { kind: 'top', k: 3 },
  { kind: 'top', k: 4 },
];

const ruleName = (r: Rule): string => (r.kind === 'softmax' ? `softmax τ=${r.temperature}` : `best ${r.k}`);

/** What the meta-learner did on a collection. */
export interface MetaReport {
  /** series in the collection */
  series: number;
  /** series whose weights the meta-learner gave (the others: too short for a backtest, `auto`'s rule) */
  learned: number;
  /** rows the trees were trained on (series × members × targets) */
  trainRows: number;
  /** the weighting rule chosen by cross-validation */
  rule: string;
  /**
   * out-of-fold mean scaled MAE at the last backtest origin (weights from the earlier origins only):
   * the pool's simple mean, the three best, inverse squared errors, and the meta-learner's rule
   */
  backtest: { mean: number; top3: number; inverseSquared: number; meta: number };
  /** every rule's out-of-fold mean scaled MAE at the last backtest origin */
  rules: { rule: string; backtest: number }[];
  /** the features by total split gain, largest first */
  importance: { feature: string; gain: number }[];
}

/** Names of the per-series features (seriesFeatures' order). */
export const SERIES_FEATURES: readonly string[] = [
  'log_length',
  'trend_strength',
  'seasonal_strength',
  'acf1',
  'diff_acf1',
  'diff2_acf1',
  'seasonal_acf',
  'cv',
  'zeros',
  'stability',
  'lumpiness',
  'kpss',
  'recent_shift',
  'noise',
  'intermittent',
  'members',
];

/** Names of the per-member features that follow the series features. */
export const MEMBER_FEATURES: readonly string[] = ['member', 'rel_error', 'rel_error_recent', 'rank', 'log_error'];

const FEATURES: readonly string[] = [...SERIES_FEATURES, ...MEMBER_FEATURES];

function meanOf(x: ArrayLike<number>, from = 0, to = x.length): number {
  let s = 0;
  for (let i = from; i < to; i++) s += x[i]!;
  return to > from ? s / (to - from) : NaN;
}

function varianceOf(x: ArrayLike<number>, from = 0, to = x.length): number {
  const mu = meanOf(x, from, to);
  let s = 0;
  for (let i = from; i < to; i++) s += (x[i]! - mu) ** 2;
  return to - from > 1 ? s / (to - from - 1) : NaN;
}

/** Centred moving average of odd width w, shrinking at the ends: a trend for series without a season. */
function movingAverage(x: Float64Array, w: number): Float64Array {
  const half = (w - 1) >> 1;
  const out = new Float64Array(x.length);
  for (let t = 0; t < x.length; t++) {
    const a = Math.max(0, t - half);
    const b = Math.min(x.length, t + half + 1);
    out[t] = meanOf(x, a, b);
  }
  return out;
}

/**
 * Features of a series x (its recent window) whose whole history has `length` values, season
 * length m, horizon h. Strength of trend and seasonality are Wang, Smith & Hyndman's (2006) as
 * tsfeatures computes them, max(0, 1 − var(R)/var(T + R)) and max(0, 1 − var(R)/var(S + R)), from
 * STL (seasonal window 13) when the window holds more than two seasons, else from a centred
 * moving average (no season). Stability and lumpiness are the variance of the means and of the
 * variances of consecutive blocks of max(m, 10) values of the standardised series (Hyndman, Wang &
 * Laptev 2015). O(n·m) with the seasonal autocorrelation.
 */
export function seriesFeatures(
  x: Float64Array,
  length: number,
  m: number,
  h: number,
  intermittent: boolean,
  members: number,
): number[] {
  const n = x.length;
  const mu = meanOf(x);
  const sd = Math.sqrt(varianceOf(x));
  let zeros = 0;
  for (let i = 0; i < n; i++) if (x[i] === 0) zeros++;
  const out = new Array<number>(SERIES_FEATURES.length).fill(NaN);
  out[0] = Math.log(length);
  out[8] = zeros / n;
  out[14] = intermittent ? 1 : 0;
  out[15] = members;
  if (!(sd > 0) || n < 4) return out;
  const s = Float64Array.from(x, (v) => (v - mu) / sd);
  // trend and seasonal strength
  let trend: Float64Array;
  let seasonal: Float64Array | undefined;
  if (m > 1 && n > 2 * m) {
    const d = stl(s, m, { sWindow: 13 });
    trend = d.trend;
    seasonal = d.seasonal;
  } else trend = movingAverage(s, Math.max(3, Math.min(13, 2 * Math.floor(n / 10) + 1)));
  const remainder = Float64Array.from(s, (v, t) => v - trend[t]! - (seasonal?.[t] ?? 0));
  const vr = varianceOf(remainder);
  const vt = varianceOf(Float64Array.from(remainder, (r, t) => r + trend[t]!));
  out[1] = vt > 0 ? Math.max(0, 1 - vr / vt) : 0;
  if (seasonal !== undefined) {
    const vs = varianceOf(Float64Array.from(remainder, (r, t) => r + seasonal[t]!));
    out[2] = vs > 0 ? Math.max(0, 1 - vr / vs) : 0;
  } else out[2] = 0;
  out[3] = acf(s, 1)[0]!;
  const d1 = Float64Array.from({ length: n - 1 }, (_, t) => s[t + 1]! - s[t]!);
  out[4] = d1.length > 2 ? acf(d1, 1)[0]! : NaN;
  const d2 = Float64Array.from({ length: Math.max(0, n - 2) }, (_, t) => d1[t + 1]! - d1[t]!);
  out[5] = d2.length > 2 ? acf(d2, 1)[0]! : NaN;
  out[6] = m > 1 && n > m + 2 ? acf(s, m)[m - 1]! : NaN;
  out[7] = mu !== 0 ? sd / Math.abs(mu) : NaN;
  const w = Math.max(m, 10);
  if (n >= 2 * w) {
    const means: number[] = [];
    const vars: number[] = [];
    for (let a = 0; a + w <= n; a += w) {
      means.push(meanOf(s, a, a + w));
      vars.push(varianceOf(s, a, a + w));
    }
    out[9] = varianceOf(means);
    out[10] = varianceOf(vars);
  }
  out[11] = Math.log(kpssStatistic(s, Math.floor((3 * Math.sqrt(n)) / 13)));
  if (n >= 2 * h) out[12] = meanOf(s, n - h, n) - meanOf(s, n - 2 * h, n - h);
  let noise = 0;
  for (let t = 1; t < n; t++) noise += Math.abs(s[t]! - s[t - 1]!);
  out[13] = noise / (n - 1);
  return out;
}

/** The floor of a scaled error before its logarithm (a constant series forecast exactly has error 0). */
const ERROR_FLOOR = 1e-3;

/**
 * The floor of an error relative to the members' median: a member that happened to forecast a
 * run of zeros exactly must not look infinitely better than the others (its log would be −∞).
 * On carparts (intermittent, one backtest origin) floors of 0.001 and 0.1 let naive's exact zero
 * runs win most of the weight (test MASE 1.139 and 1.114 against the pool mean's 1.106); 0.3 gives
 * 1.097, and on M4 Weekly OWA 0.717 (0.1: 0.720).
 */
const RELATIVE_FLOOR = 0.3;

/** log(max(e, RELATIVE_FLOOR·med) / med): a member's error relative to the members' median (NaN when undefined). */
function relative(e: number, med: number): number {
  return Number.isFinite(e) && Number.isFinite(med) && med > 0
    ? Math.log(Math.max(e, RELATIVE_FLOOR * med) / med)
    : NaN;
}

/** MAE of forecast `mean` from `end` against z's following values, over the in-sample naive MAE of z[0..end). */
function scaledError(z: Float64Array, end: number, mean: Float64Array): number {
  let s = 0;
  for (let i = 1; i < end; i++) s += Math.abs(z[i]! - z[i - 1]!);
  const scale = s / Math.max(1, end - 1) || 1;
  let a = 0;
  for (let t = 0; t < mean.length; t++) a += Math.abs(z[end + t]! - mean[t]!);
  return a / mean.length / scale;
}

/** The median of the finite values (NaN without any). */
function median(values: readonly number[]): number {
  const v = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const k = v.length >> 1;
  return v.length % 2 === 1 ? v[k]! : (v[k - 1]! + v[k]!) / 2;
}

/** Each member's scaled errors from origins 0…upTo−1 of a run (Infinity where it has no forecast). */
function originErrors(run: PoolRun, upTo: number): number[][] {
  return run.runs.map((r) =>
    Array.from({ length: upTo }, (_, o) => {
      const fc = r[o];
      return fc === undefined ? Infinity : scaledError(run.z, run.ends[o]!, fc.mean);
    }),
  );
}

/**
 * The rows of one series "as of" origin index `at` of its run: series features on z[0..ends[at])
 * and, per member, its errors from the origins before `at` relative to the other members'.
 * Members that give no forecast at `at` get no row. `code` maps a member's name to its number.
 */
function rowsAt(
  run: PoolRun,
  at: number,
  start: number,
  m: number,
  code: (name: string) => number,
): { member: number; x: number[] }[] {
  const end = run.ends[at]!;
  const intermittent = run.names.includes('tsb');
  const sf = seriesFeatures(run.z.subarray(0, end), start + end, m, run.h, intermittent, run.names.length);
  const errs = originErrors(run, at);
  const meanErr = errs.map((e) => (e.length === 0 ? NaN : e.reduce((a, b) => a + b, 0) / e.length));
  const recent = errs.map((e) => (e.length === 0 ? NaN : e[e.length - 1]!));
  const medMean = median(meanErr);
  const medRecent = median(recent);
  const order = meanErr
    .map((e, k) => [Number.isFinite(e) ? e : Infinity, k] as const)
    .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const rank = new Array<number>(run.names.length).fill(NaN);
  if (at > 0) order.forEach(([, k], r) => (rank[k] = r / Math.max(1, run.names.length - 1)));
  const logRel = relative;
  const rows: { member: number; x: number[] }[] = [];
  run.names.forEach((name, k) => {
    if (run.runs[k]![at] === undefined) return;
    const x = [
      ...sf,
      code(name),
      logRel(meanErr[k]!, medMean),
      logRel(recent[k]!, medRecent),
      rank[k]!,
      Number.isFinite(meanErr[k]!) ? Math.log(Math.max(meanErr[k]!, ERROR_FLOOR)) : NaN,
    ];
    rows.push({ member: k, x });
  });
  return rows;
}

/** A training row: series, member, origin, features and the target (`relative` error of the member). */
interface TrainRow {
  series: number;
  member: number;
  origin: number;
  x: number[];
  target: number;
}

/**
 * The meta-learner's training rows of one series: for the last backtest origin (and, with
 * targets = 2, the one before), features as of that origin (rowsAt) and as target each member's
 * scaled error from it relative to the members' median (`relative`: log, floored at
 * RELATIVE_FLOOR of the median). Series whose median error is 0 give no rows. Only values inside the
 * series are read (the origin's h actuals end at or before the series' end).
 */
export function trainingRows(
  run: PoolRun,
  start: number,
  m: number,
  targets: 1 | 2,
  code: (name: string) => number,
  series = 0,
): TrainRow[] {
  const last = run.ends.length - 1;
  const out: TrainRow[] = [];
  for (let at = last - 1; at >= Math.max(0, last - targets); at--) {
    const rows = rowsAt(run, at, start, m, code);
    const err = rows.map((r) => scaledError(run.z, run.ends[at]!, run.runs[r.member]![at]!.mean));
    const med = median(err);
    if (rows.length < 2 || !(med > 0)) continue;
    rows.forEach((r, j) =>
      out.push({
        series,
        member: r.member,
        origin: at,
        x: r.x,
        target: relative(err[j]!, med),
      }),
    );
  }
  return out;
}

/** Weights (≥ 0, summing to 1 over `members`) from predicted relative log errors by a rule. */
function ruleWeights(pred: readonly { member: number; p: number }[], members: number, rule: Rule): number[] {
  const w = new Array<number>(members).fill(0);
  if (pred.length === 0) return w;
  if (rule.kind === 'softmax') {
    const best = Math.min(...pred.map((r) => r.p));
    for (const r of pred) w[r.member] = Math.exp(-(r.p - best) / rule.temperature);
  } else {
    const ranked = [...pred].sort((a, b) => a.p - b.p || a.member - b.member).slice(0, rule.k);
    for (const r of ranked) w[r.member] = 1;
  }
  const total = w.reduce((a, b) => a + b, 0);
  return w.map((v) => v / total);
}

/** The scaled error at origin `at` of the combination of a run's forecasts from there with weights w. */
function combinedError(run: PoolRun, at: number, w: readonly number[]): number {
  const mean = new Float64Array(run.h);
  let total = 0;
  w.forEach((v, k) => {
    const fc = run.runs[k]![at];
    if (v <= 0 || fc === undefined) return;
    total += v;
    for (let t = 0; t < run.h; t++) mean[t] = mean[t]! + v * fc.mean[t]!;
  });
  if (!(total > 0)) return NaN;
  for (let t = 0; t < run.h; t++) mean[t] = mean[t]! / total;
  return scaledError(run.z, run.ends[at]!, mean);
}

const TREE_OPTIONS = {
  objective: { name: 'l2' as const },
  learningRate: 0.05,
  numLeaves: 8,
  minDataInLeaf: 20,
  lambdaL2: 1,
  baggingFraction: 0.8,
  featureFraction: 0.8,
  maxBins: 63,
};

function fit(rows: readonly TrainRow[], o: MetaOptions): Booster {
  const n = rows.length;
  const F = FEATURES.length;
  const X = new Float64Array(n * F);
  rows.forEach((r, i) => r.x.forEach((v, f) => (X[f * n + i] = v)));
  return train(
    { X, y: Float64Array.from(rows, (r) => r.target), rows: n, features: F },
    { ...TREE_OPTIONS, rounds: o.rounds, seed: o.seed, featureNames: [...FEATURES] },
  );
}

function predictRows(b: Booster, rows: readonly { x: number[] }[]): Float64Array {
  const n = rows.length;
  const F = FEATURES.length;
  const X = new Float64Array(n * F);
  rows.forEach((r, i) => r.x.forEach((v, f) => (X[f * n + i] = v)));
  return predict(b, X, n);
}

/**
 * Learns combination weights across a collection of pool runs (see the file's comment) and
 * returns, per run, the weights of its members (≥ 0, summing to 1) and the report. `starts[i]`
 * is how many values of series i precede its run's window (the series' length is starts[i] +
 * z.length). Runs without a backtest origin, and every run when fewer than 2·folds series have
 * one, get `auto`'s own rule (options.auto.combine). Deterministic for a given seed.
 */
export function metaWeights(
  runs: readonly PoolRun[],
  starts: readonly number[],
  m: number,
  options: MetaOptions = META_DEFAULTS,
): { weights: number[][]; report: MetaReport } {
  const names = [...new Set(runs.flatMap((r) => r.names))].sort();
  const code = (name: string): number => names.indexOf(name);
  const rows = runs.flatMap((run, i) => trainingRows(run, starts[i]!, m, options.targets, code, i));
  const fallback = runs.map((r) => weightsFor(r.errors, options.auto.combine));
  const withRows = [...new Set(rows.map((r) => r.series))];
  const foldOf = new Map(withRows.map((series, j) => [series, j % options.folds]));
  const report: MetaReport = {
    series: runs.length,
    learned: 0,
    trainRows: rows.length,
    rule: `auto's ${options.auto.combine} (too few series to learn from)`,
    backtest: { mean: NaN, top3: NaN, inverseSquared: NaN, meta: NaN },
    rules: [],
    importance: [],
  };
  if (withRows.length < 2 * options.folds) return { weights: fallback, report };
  // cross-validation across series: out-of-fold predictions at the last backtest origin
  const fold = (series: number): number => foldOf.get(series)!;
  const lastRows = rows.filter((r) => r.origin === runs[r.series]!.ends.length - 2);
  const oof = new Float64Array(lastRows.length);
  for (let f = 0; f < options.folds; f++) {
    const b = fit(
      rows.filter((r) => fold(r.series) !== f),
      options,
    );
    const test = lastRows.map((r, j) => [r, j] as const).filter(([r]) => fold(r.series) === f);
    const p = predictRows(
      b,
      test.map(([r]) => r),
    );
    test.forEach(([, j], q) => (oof[j] = p[q]!));
  }
  const bySeries = new Map<number, { member: number; p: number }[]>();
  lastRows.forEach((r, j) => {
    const list = bySeries.get(r.series) ?? [];
    list.push({ member: r.member, p: oof[j]! });
    bySeries.set(r.series, list);
  });
  const scores = RULES.map(() => 0);
  const base = { mean: 0, top3: 0, inverseSquared: 0 };
  let counted = 0;
  for (const [i, pred] of bySeries) {
    const run = runs[i]!;
    const at = run.ends.length - 2;
    const earlier = originErrors(run, at).map((e) =>
      e.length === 0 ? Infinity : e.reduce((a, b) => a + b, 0) / e.length,
    );
    const k = run.names.length;
    const available = run.runs.map((r) => (r[at] === undefined ? 0 : 1));
    const masked = (w: number[]): number[] => w.map((v, j) => v * available[j]!);
    const errs = RULES.map((rule) => combinedError(run, at, ruleWeights(pred, k, rule)));
    const mean = combinedError(run, at, available);
    const top3 = at > 0 ? combinedError(run, at, masked(weightsFor(earlier, 'top3'))) : mean;
    const inv = at > 0 ? combinedError(run, at, masked(weightsFor(earlier, 'inverse-squared'))) : mean;
    if (![...errs, mean, top3, inv].every(Number.isFinite)) continue;
    errs.forEach((e, r) => (scores[r] = scores[r]! + e));
    base.mean += mean;
    base.top3 += Number.isFinite(top3) ? top3 : mean;
    base.inverseSquared += Number.isFinite(inv) ? inv : mean;
    counted++;
  }
  let chosen = 0;
  scores.forEach((s, r) => (s < scores[chosen]! ? (chosen = r) : undefined));
  const rule = RULES[chosen]!;
  // the final model on every row, applied as of each series' end
  const booster = fit(rows, options);
  const weights = runs.map((run, i) => {
    const last = run.ends.length - 1;
    if (last === 0 || !foldOf.has(i)) return fallback[i]!;
    const now = rowsAt(run, last, starts[i]!, m, code);
    const p = predictRows(booster, now);
    return ruleWeights(
      now.map((r, j) => ({ member: r.member, p: p[j]! })),
      run.names.length,
      rule,
    );
  });
  report.learned = runs.filter((run, i) => run.ends.length > 1 && foldOf.has(i)).length;
  report.rule = ruleName(rule);
  report.backtest = {
    mean: base.mean / counted,
    top3: base.top3 / counted,
    inverseSquared: base.inverseSquared / counted,
    meta: scores[chosen]! / counted,
  };
  report.rules = RULES.map((r, j) => ({ rule: ruleName(r), backtest: scores[j]! / counted }));
  report.importance = featureImportance(booster).map(({ feature, gain }) => ({ feature, gain }));
  return { weights, report };
}

/**
 * Forecasts a collection of series with `auto`'s pool combined by weights learned across the
 * collection (metaWeights), intervals calibrated on each series' backtest (combinePool).
 * `onSeries` is told how many pools have run. Throws RangeError when no member of the pool can
 * forecast a series (series `auto` declines: autoDeclineReason). O(series · pool cost) plus the
 * trees: (folds + 1) trainings on series × members rows.
 * @example metaAutoForecast([y1, y2, …], 13, [0.05, 0.95], 52).forecasts[0].mean
 */
export function metaAutoForecast(
  series: readonly Float64Array[],
  h: number,
  levels: readonly number[],
  seasonLength: number,
  options: MetaOptions = META_DEFAULTS,
  onSeries?: (done: number) => void,
): { forecasts: Forecast[]; report: MetaReport } {
  const runs = series.map((y, i) => {
    const run = runPool(y, h, levels, seasonLength, options.auto);
    onSeries?.(i + 1);
    return run;
  });
  const starts = runs.map((r, i) => series[i]!.length - r.z.length);
  const { weights, report } = metaWeights(runs, starts, seasonLength, options);
  return { forecasts: runs.map((r, i) => combinePool(r, weights[i]!)), report };
}
