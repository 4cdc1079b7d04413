/** auto-meta: feature-based combination weights learned across series (engine/auto-meta.ts, pipeline/forecast-meta.ts). */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { type PoolRun, combinePool, runPool, weightsFor } from '../src/engine/auto-choice.js';
import { META_DEFAULTS, metaAutoForecast, metaWeights, seriesFeatures, trainingRows } from '../src/engine/auto-meta.js';
import { forecastSeriesFile } from '../src/pipeline/forecast-series.js';
import { metaBatch } from '../src/pipeline/forecast-meta.js';
import { forecast } from '../src/index.js';
import { mulberry32, normalSource } from '../src/numerics/random.js';

const H = 12;
const M = 12;
const LEVELS = [0.05, 0.5, 0.95];

/**
 * Two regimes: even series trend (slope varying by series, no season), odd series are seasonal
 * around a flat level (no trend); both with noise. Lengths vary from 96 to 131.
 */
function collection(count: number, seed: number): Float64Array[] {
  const normal = normalSource(mulberry32(seed));
  return Array.from({ length: count }, (_, i) => {
    const n = 96 + ((i * 7) % 36);
    const y = new Float64Array(n);
    const slope = 0.5 + (i % 5) * 0.3;
    const phase = i % M;
    for (let t = 0; t < n; t++)
      y[t] =
        i % 2 === 0
          ? 50 + slope * t + 2 * normal()
          : 100 + 20 * Math.sin((2 * Math.PI * (t + phase)) / M) + 8 * Math.cos((4 * Math.PI * t) / M) + 2 * normal();
    return y;
  });
}

const SERIES = collection(40, 7);
let cached: PoolRun[] | undefined;
/** The pool run on every series of SERIES (once). */
const runsOf = (): PoolRun[] => (cached ??= SERIES.map((y) => runPool(y, H, LEVELS, M)));
const startsOf = (runs: PoolRun[]): number[] => runs.map((r, i) => SERIES[i]!.length - r.z.length);

function scaledMae(actual: Float64Array, f: Float64Array, history: Float64Array): number {
  let s = 0;
  for (let t = 1; t < history.length; t++) s += Math.abs(history[t]! - history[t - 1]!);
  const scale = s / (history.length - 1);
  let a = 0;
  for (let t = 0; t < actual.length; t++) a += Math.abs(actual[t]! - f[t]!);
  return a / actual.length / scale;
}

test('metaWeights is deterministic: the same weights and report twice', () => {
  const runs = runsOf();
  const a = metaWeights(runs, startsOf(runs), M);
  const b = metaWeights(runs, startsOf(runs), M);
  assert.deepEqual(a, b);
  assert.equal(a.report.series, SERIES.length);
  assert.equal(a.report.learned, SERIES.length);
  assert.ok(a.report.trainRows >= SERIES.length * 5, `${a.report.trainRows} training rows`);
});

test('metaWeights: weights are ≥ 0 and sum to 1 for every series', () => {
  const runs = runsOf();
  const starts = startsOf(runs);
  const { weights, report } = metaWeights(runs, starts, M);
  weights.forEach((w, i) => {
    assert.equal(w.length, runs[i]!.names.length);
    assert.ok(
      w.every((v) => v >= 0),
      `series ${i}: ${w.join(', ')}`,
    );
    assert.ok(Math.abs(w.reduce((a, b) => a + b, 0) - 1) < 1e-12, `series ${i} sums to ${w.reduce((a, b) => a + b)}`);
  });
  assert.ok(report.rules.length > 0 && report.rules.every((r) => Number.isFinite(r.backtest)));
  // too few series to learn from: auto's own rule
  const few = metaWeights(runs.slice(0, 4), starts.slice(0, 4), M);
  assert.match(few.report.rule, /too few series/);
  few.weights.forEach((w, i) => assert.deepEqual(w, weightsFor(runs[i]!.errors, META_DEFAULTS.auto.combine)));
});

test('no leakage: the training features never see the values after the last backtest origin, only the targets do', () => {
  // changing the last h values of every series (the actuals of the last backtest origin) leaves every
  // training row's features as they were; only the targets, the errors from that origin, move
  const changed = SERIES.map((y) => {
    const c = Float64Array.from(y);
    for (let t = y.length - H; t < y.length; t++) c[t] = c[t]! * 1.5 + 30;
    return c;
  });
  const rowsOf = (series: Float64Array[], given?: PoolRun[]): ReturnType<typeof trainingRows> => {
    const runs = given ?? series.map((y) => runPool(y, H, LEVELS, M));
    const names = [...new Set(runs.flatMap((r: PoolRun) => r.names))].sort();
    return runs.flatMap((r, i) => trainingRows(r, series[i]!.length - r.z.length, M, 1, (n) => names.indexOf(n), i));
  };
  const a = rowsOf(SERIES, runsOf());
  const b = rowsOf(changed);
  assert.equal(a.length, b.length);
  a.forEach((r, j) => assert.deepEqual(b[j]!.x, r.x, `row ${j} (series ${r.series}, member ${r.member})`));
  assert.ok(
    a.some((r, j) => Math.abs(r.target - b[j]!.target) > 0.05),
    'the targets come from the last origin',
  );
  // a series' features as of an origin are the features of the series cut there
  const y = SERIES[1]!;
  const run = runsOf()[1]!;
  const at = run.ends.length - 2;
  const start = y.length - run.z.length;
  const cut = y.subarray(0, start + run.ends[at]!);
  const row = a.find((r) => r.series === 1)!;
  const f = seriesFeatures(cut.subarray(start), cut.length, M, H, false, run.names.length);
  assert.deepEqual(row.x.slice(0, f.length), f);
});

test('out of sample, meta beats the simple mean of the pool where members suit different regimes', () => {
  // held out: the last h values of each series, never given to the meta-learner
  const history = SERIES.map((y) => y.subarray(0, y.length - H));
  const meta = metaAutoForecast(history, H, LEVELS, M);
  let metaError = 0;
  let meanError = 0;
  history.forEach((y, i) => {
    const actual = SERIES[i]!.subarray(y.length);
    const run = runPool(y, H, LEVELS, M);
    meanError += scaledMae(actual, combinePool(run, weightsFor(run.errors, 'mean')).mean, y);
    metaError += scaledMae(actual, meta.forecasts[i]!.mean, y);
  });
  assert.ok(metaError < 0.8 * meanError, `meta ${metaError / history.length} vs mean ${meanError / history.length}`);
  meta.forecasts.forEach((f) => assert.ok(f.mean.length === H && f.mean.every(Number.isFinite)));
  assert.ok(meta.report.backtest.meta < meta.report.backtest.mean);
});

test('forecast --series … --model auto-meta writes the output contract, with what the learner did', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'auto-meta-'));
  const csv = join(dir, 'series.csv');
  const out = join(dir, 'forecasts.csv');
  let text = 'sku,date,units\n';
  const some = SERIES.slice(0, 24);
  some.forEach((y, i) =>
    y.forEach((v, t) => {
      const d = new Date(Date.UTC(2010, t, 1)).toISOString().slice(0, 10);
      text += `S${i},${d},${Math.round(v * 100) / 100}\n`;
    }),
  );
  text += 'SHORT,2019-01-01,3\n';
  writeFileSync(csv, text);
  const summary = (await forecastSeriesFile(csv, { freq: 'month', model: 'auto-meta', horizon: 6, out })) as Awaited<
    ReturnType<typeof forecastSeriesFile>
  > & { meta?: { learned: number; rule: string } };
  assert.equal(summary.series, 25);
  assert.equal(summary.model, 'auto-meta');
  assert.equal(summary.meta?.learned, 24);
  // the one-value series goes through auto's declared fallback, said so
  assert.deepEqual(
    summary.fallbacks.map((f) => [f.id, f.model]),
    [['SHORT', 'auto-meta']],
  );
  const lines = readFileSync(out, 'utf8').trim().split('\n');
  assert.equal(lines[0], 'sku,date,mean,p05,p25,p50,p75,p95,model');
  assert.equal(lines.length, 1 + 25 * 6);
  for (const line of lines.slice(1)) {
    const v = line.split(',').slice(2, 8).map(Number);
    assert.ok(v.every((x) => x >= 0) && v.slice(1).every((x, k) => k === 0 || x >= v[k]!), line);
  }
});

test('the library: forecast(series, { models: [auto-meta, global] }) learns across the series given, as the CLI does', async () => {
  const some = SERIES.slice(0, 24).map((y, i) => ({ sku: `S${i}`, values: y }));
  const out = await forecast(some, {
    h: 6,
    seasonLength: M,
    models: ['auto-meta', 'global'],
    levels: LEVELS,
    threads: 1,
  });
  assert.equal(out.length, 48);
  assert.deepEqual(
    out.slice(0, 2).map((f) => [f.sku, f.method]),
    [
      ['S0', 'auto-meta'],
      ['S0', 'global'],
    ],
  );
  for (const f of out) {
    assert.equal(f.mean.length, 6);
    assert.ok(f.mean.every(Number.isFinite), `${f.sku} ${f.method}`);
    assert.deepEqual(
      f.quantiles.map((q) => q.level),
      LEVELS,
    );
    for (let t = 0; t < 6; t++) assert.ok(f.quantiles[0]!.values[t]! <= f.quantiles[2]!.values[t]!);
  }
  assert.ok(out.filter((f) => f.method === 'global').every((f) => f.model === 'global'));
  assert.ok(out.filter((f) => f.method === 'auto-meta').every((f) => /^Ensemble\(/.test(f.model)));
  // the same series through the CLI's path give the same auto-meta forecasts
  const { fc } = metaBatch(
    some.map((s) => s.sku),
    some.map((s) => s.values),
    { h: 6, m: M, levels: LEVELS },
  );
  assert.deepEqual(Array.from(out[0]!.mean), Array.from(fc.mean.subarray(0, 6)));
  // the ensemble needs a workspace and says what to use instead
  await assert.rejects(forecast(some, { h: 6, models: 'ensemble' }), /forecastWorkspace, or 'global' \/ 'auto-meta'/);
});
