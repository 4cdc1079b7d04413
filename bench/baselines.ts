/**
 * What the accuracy benches (bench:m4, bench:carparts, bench:online-retail) share to judge `auto`
 * against the baselines of issue #21 — seasonal naive, Theta and the simple mean of ETS + ARIMA +
 * Theta ("comb", the M4 benchmark of Makridakis et al. 2020): running `bin/shopcast forecast` as a
 * timed whole process, reading its forecasts.csv by column name, combining several such files,
 * the interval scores of M4 (coverage, MSIS) and the verdict line.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { splitCsvLine } from '../src/data/csv-reader.js';
import { naiveScale } from '../src/engine/metrics.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));

/** The models whose forecasts, averaged, make the `comb` baseline. */
export const COMB_MEMBERS = ['ets', 'arima', 'theta'] as const;

/** One series of a forecasts.csv: its periods, the mean and every quantile column by its header name (`p05`…). */
export interface SeriesForecast {
  dates: string[];
  mean: number[];
  quantiles: Map<string, number[]>;
}

/**
 * The level a quantile column names: the digits after `p` read as a decimal fraction.
 * @example [quantileLevel('p05'), quantileLevel('p97.5'), quantileLevel('p025'), quantileLevel('mean')]
 * // → [0.05, 0.975, 0.025, undefined]
 */
export function quantileLevel(column: string): number | undefined {
  const dotted = /^p(\d+\.\d+)$/.exec(column);
  if (dotted !== null) return Number(dotted[1]!) / 100; // p02.5, p97.5 (forecast --levels)
  const m = /^p(\d+)$/.exec(column);
  return m === null ? undefined : Number(`0.${m[1]!}`);
}

/**
 * Reads a forecasts.csv of the output contract (sku, date, mean, quantile columns, model) into
 * series id → forecast, finding the columns by their header names, rows in file order. O(file).
 */
export function readForecastFile(path: string): Map<string, SeriesForecast> {
  const lines = readFileSync(path, 'utf8').trim().split('\n');
  const header = splitCsvLine(lines[0]!, ',').fields ?? [];
  const col = (name: string): number => {
    const i = header.indexOf(name);
    if (i < 0) throw new Error(`${path}: no column '${name}' in the header '${lines[0]}'`);
    return i;
  };
  const [skuCol, dateCol, meanCol] = [col('sku'), col('date'), col('mean')];
  const quantileCols = header.flatMap((name, i) => (quantileLevel(name) === undefined ? [] : [[name, i] as const]));
  const out = new Map<string, SeriesForecast>();
  for (let k = 1; k < lines.length; k++) {
    const f = splitCsvLine(lines[k]!, ',').fields;
    if (f === undefined) throw new Error(`${path}:${k + 1}: not a CSV line`);
    let s = out.get(f[skuCol]!);
    if (s === undefined) {
      s = { dates: [], mean: [], quantiles: new Map(quantileCols.map(([name]) => [name, []])) };
      out.set(f[skuCol]!, s);
    }
    s.dates.push(f[dateCol]!);
    s.mean.push(Number(f[meanCol]));
    for (const [name, i] of quantileCols) s.quantiles.get(name)!.push(Number(f[i]));
  }
  return out;
}

/**
 * The simple mean of several forecasts of the same series: the mean and each quantile column that
 * every input has, averaged period by period (quantiles averaged level by level, "Vincentization").
 * Throws when a series, or a series' periods, differ between the inputs. O(total size).
 * @example combineForecasts([ets, arima, theta]).get('W1')!.mean // → the three means' average, step by step
 */
export function combineForecasts(inputs: Map<string, SeriesForecast>[]): Map<string, SeriesForecast> {
  const [first, ...rest] = inputs;
  if (first === undefined) throw new Error('combineForecasts: no forecasts to combine');
  const out = new Map<string, SeriesForecast>();
  for (const [id, a] of first) {
    const all = [a, ...rest.map((m) => m.get(id))];
    if (all.some((s) => s === undefined || s.dates.join() !== a.dates.join()))
      throw new Error(`combineForecasts: series ${id} is missing from an input or has other periods`);
    const series = all as SeriesForecast[];
    const average = (pick: (s: SeriesForecast) => number[]): number[] =>
      a.dates.map((_, t) => series.reduce((sum, s) => sum + pick(s)[t]!, 0) / series.length);
    const columns = [...a.quantiles.keys()].filter((name) => series.every((s) => s.quantiles.has(name)));
    out.set(id, {
      dates: a.dates,
      mean: average((s) => s.mean),
      quantiles: new Map(columns.map((name) => [name, average((s) => s.quantiles.get(name)!)])),
    });
  }
  if (rest.some((m) => m.size !== first.size)) throw new Error('combineForecasts: the inputs hold different series');
  return out;
}

/**
 * Runs each model (`run` forecasts into `fileOf(model)` and returns its seconds) and scores its
 * forecasts, then scores `comb`, the mean of the ETS, ARIMA and Theta forecasts read back from
 * their files, with the sum of their seconds (what it costs); comb is left out, with a line
 * saying so, when one of them was not run.
 */
export function runAndScore(
  models: string[],
  fileOf: (model: string) => string,
  run: (model: string) => number,
  score: (model: string, fc: Map<string, SeriesForecast>, seconds: number) => void,
): void {
  const seconds = new Map<string, number>();
  for (const model of models) {
    seconds.set(model, run(model));
    score(model, readForecastFile(fileOf(model)), seconds.get(model)!);
  }
  if (!COMB_MEMBERS.every((m) => models.includes(m))) {
    console.log(`comb (${COMB_MEMBERS.join(' + ')}) not scored: --models lacks one of them`);
    return;
  }
  const comb = combineForecasts(COMB_MEMBERS.map((m) => readForecastFile(fileOf(m))));
  score(
    'comb',
    comb,
    COMB_MEMBERS.reduce((sum, m) => sum + seconds.get(m)!, 0),
  );
}

/** The names of the two quantile columns of a central interval (0.9 → p05 and p95), if the forecast has both. */
export function intervalColumns(columns: Iterable<string>, coverage: number): [string, string] | undefined {
  const lo = (1 - coverage) / 2;
  const names = [...columns];
  const byLevel = (level: number): string | undefined =>
    names.find((name) => Math.abs(quantileLevel(name)! - level) < 1e-9);
  const [lower, upper] = [byLevel(lo), byLevel(1 - lo)];
  return lower === undefined || upper === undefined ? undefined : [lower, upper];
}

/**
 * MSIS (M4, Makridakis et al. 2020): the mean interval score of a (1 − a) interval [L, U] over
 * the horizon, (U − L) + (2/a)(L − y)·[y < L] + (2/a)(y − U)·[y > U], divided by the in-sample
 * mean absolute difference at lag m (the MASE scale). Non-finite actuals are skipped.
 * @example msis([10, 20], [8, 8], [12, 12], [1, 2, 3, 4], 0.1) // → (4 + 4 + 20·8) / 2 / 1 = 84
 */
export function msis(
  y: ArrayLike<number>,
  lower: ArrayLike<number>,
  upper: ArrayLike<number>,
  insample: ArrayLike<number>,
  a: number,
  m = 1,
): number {
  let s = 0;
  let n = 0;
  for (let t = 0; t < y.length; t++) {
    const v = y[t]!;
    if (!Number.isFinite(v)) continue;
    const [l, u] = [lower[t]!, upper[t]!];
    s += u - l + (v < l ? (2 / a) * (l - v) : 0) + (v > u ? (2 / a) * (v - u) : 0);
    n++;
  }
  return s / n / naiveScale(insample, m, false);
}

/** Coverage (share of all actuals inside) and mean MSIS of one central interval over a collection. */
export interface IntervalScore {
  coverage: number;
  msis: number;
}

/**
 * The coverage of the central `coverage` interval (pooled over every series and step) and its MSIS
 * (a = 1 − coverage, scale at lag m, averaged over the series), or undefined when the forecasts
 * lack the interval's quantile columns.
 */
export function intervalScore(
  fc: Map<string, SeriesForecast>,
  test: Map<string, number[]>,
  train: Map<string, number[]>,
  coverage: number,
  m = 1,
): IntervalScore | undefined {
  const first = fc.values().next().value as SeriesForecast | undefined;
  const cols = first === undefined ? undefined : intervalColumns(first.quantiles.keys(), coverage);
  if (cols === undefined) return undefined;
  let inside = 0;
  let points = 0;
  let sum = 0;
  for (const [id, y] of test) {
    const f = fc.get(id)!;
    const [lower, upper] = [f.quantiles.get(cols[0])!, f.quantiles.get(cols[1])!];
    y.forEach((v, t) => {
      if (!Number.isFinite(v)) return;
      points++;
      if (v >= lower[t]! && v <= upper[t]!) inside++;
    });
    sum += msis(y, lower, upper, train.get(id)!, 1 - coverage, m);
  }
  return { coverage: inside / points, msis: sum / test.size };
}

/** How `auto` fares against the best baseline on one metric (lower is better). */
export interface Verdict {
  metric: string;
  auto: number;
  best_baseline: string;
  baseline: number;
  no_worse: boolean;
  /** how much worse auto is than the best baseline, in percent (0 when no worse) */
  worse_by_percent: number;
  line: string;
}

/**
 * The verdict on one metric: `auto` against the lowest of the baselines that were scored, as the
 * line `auto <metric> X vs best baseline <name> Y: auto no worse ✓` (or `: worse by Z %`); undefined
 * when auto or every baseline is missing from `scores` (name → value).
 * @example verdict('OWA', { auto: 0.82, theta: 0.85, comb: 0.8 }, ['theta', 'comb']).line
 * // → 'auto OWA 0.8200 vs best baseline comb 0.8000: worse by 2.50 %'
 */
export function verdict(
  metric: string,
  scores: Record<string, number | undefined>,
  baselines: readonly string[],
): Verdict | undefined {
  const auto = scores['auto'];
  const scored = baselines.filter((b) => Number.isFinite(scores[b]));
  if (auto === undefined || scored.length === 0) return undefined;
  const best = scored.reduce((a, b) => (scores[b]! < scores[a]! ? b : a));
  const value = scores[best]!;
  const noWorse = auto <= value;
  const worseBy = noWorse ? 0 : (100 * (auto - value)) / value;
  return {
    metric,
    auto,
    best_baseline: best,
    baseline: value,
    no_worse: noWorse,
    worse_by_percent: worseBy,
    line:
      `auto ${metric} ${auto.toFixed(4)} vs best baseline ${best} ${value.toFixed(4)}: ` +
      (noWorse ? 'auto no worse ✓' : `worse by ${worseBy.toFixed(2)} %`),
  };
}

/** The verdicts on several metrics, printed as they are made, keyed by metric for the bench's JSON. */
export function verdicts(
  rows: Record<string, number | string>[],
  nameOf: (row: Record<string, number | string>) => string,
  metrics: Record<string, string>,
  baselines: readonly string[],
): Record<string, Verdict> {
  const out: Record<string, Verdict> = {};
  for (const [key, label] of Object.entries(metrics)) {
    const scores = Object.fromEntries(rows.map((r) => [nameOf(r), typeof r[key] === 'number' ? r[key] : undefined]));
    const v = verdict(label, scores, baselines);
    if (v === undefined)
      console.log(`no verdict on ${label}: auto or every baseline (${baselines.join(', ')}) is missing`);
    else {
      console.log(v.line);
      out[key] = v;
    }
  }
  return out;
}

/** What a bench's `shopcast forecast` run varies: the options after the input (`--series F` or `--workspace W …`). */
export interface ForecastRun {
  freq: string;
  horizon: number;
  seasonLength: number | string;
  model: string;
  out: string;
  threads?: string;
}

/**
 * Runs `bin/shopcast forecast <input> --freq … --horizon … --season-length … --model … --out … --json`
 * as a whole process and times it (seconds, wall clock); throws with its standard error when it fails.
 * `stdout` is the run's JSON summary.
 */
export function timedForecast(input: string[], o: ForecastRun): { seconds: number; stdout: string } {
  const args = [
    ...input,
    ...['--freq', o.freq, '--horizon', String(o.horizon), '--season-length', String(o.seasonLength)],
    ...['--model', o.model, '--out', o.out, '--json'],
    ...(o.threads === undefined ? [] : ['--threads', o.threads]),
  ];
  const t = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [join(repo, 'bin/shopcast'), 'forecast', ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  const seconds = Number(process.hrtime.bigint() - t) / 1e9;
  if (r.status !== 0) throw new Error(`shopcast forecast ${args.join(' ')} failed: ${r.stderr}`);
  return { seconds, stdout: r.stdout };
}

/**
 * `run(model)` unless the model is in `reuse` and its output file exists: then the earlier run's
 * file is scored again (said on standard output) and its seconds are not measured (NaN). For
 * models that take many minutes (ARIMA and ETS on thousands of series) while another is tuned.
 */
export function reuseOr(reuse: ReadonlySet<string>, file: string, model: string, run: () => number): number {
  if (reuse.has(model) && existsSync(file)) {
    console.log(`${model}: scoring ${file} from an earlier run (--reuse), not re-run`);
    return NaN;
  }
  return run();
}

/** The models of a `--reuse a,b` option. */
export const reuseSet = (option: string | undefined): Set<string> =>
  new Set((option ?? '').split(',').filter((m) => m !== ''));
