import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { readLongSeries } from '../src/data/long-series.js';
import { addPeriods, formatPeriod, periodTime, periodsBetween } from '../src/numerics/calendar.js';
import { autoForecast } from '../src/engine/auto-choice.js';
import { mase, owa, pinball, smape, wape } from '../src/engine/metrics.js';
import { DEFAULT_LEVELS } from '../src/models/contract.js';
import { cli, tempDir, writeText } from './helpers.js';

test('periods step by calendar units and keep the input form', () => {
  const t = periodTime('2024-01-31');
  assert.equal(formatPeriod(addPeriods(t, 'month', 1), false), '2024-02-29');
  assert.equal(formatPeriod(addPeriods(t, 'quarter', 1), false), '2024-04-30');
  assert.equal(formatPeriod(addPeriods(t, 'week', 2), false), '2024-02-14');
  assert.equal(formatPeriod(addPeriods(periodTime('2024-01-01 23:00:00'), 'hour', 2), true), '2024-01-02 01:00:00');
  assert.equal(periodsBetween(periodTime('2024-01-01'), periodTime('2024-03-01'), 'month'), 2);
  assert.ok(Number.isNaN(periodsBetween(periodTime('2024-01-01'), periodTime('2024-01-10'), 'week')));
});

test('metrics follow their published definitions', () => {
  // sMAPE (M4): 200|y − f|/(|y| + |f|); MASE scaled by the in-sample MAE of the naive forecast
  assert.equal(smape([100, 200], [110, 180]), ((200 * 10) / 210 + (200 * 20) / 380) / 2);
  assert.equal(mase([10, 12], [11, 11], [1, 3, 2, 4]), 1 / ((2 + 1 + 2) / 3));
  assert.equal(wape([10, 0, 30], [12, 1, 27]), 6 / 40);
  assert.equal(pinball([10], [8], 0.9), 0.9 * 2);
  assert.ok(Math.abs(pinball([10], [12], 0.9) - 0.1 * 2) < 1e-15);
  assert.equal(owa(9, 2.5, 9.161, 2.777), 0.5 * (9 / 9.161 + 2.5 / 2.777));
});

test('long series files take a period with no row as 0, refuse a duplicate period and honour --as-of', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const f = writeText(
      dir,
      's.csv',
      'unique_id,ds,y\nA,2024-01-01,1\nA,2024-01-15,3\nB,2024-01-08,5\nA,2024-01-22,9\n',
    );
    const s = await readLongSeries(f, 'week', '2024-01-15');
    assert.deepEqual(s.ids, ['A', 'B']);
    assert.deepEqual(Array.from(s.values[0]!), [1, 0, 3]);
    assert.deepEqual(Array.from(s.values[1]!), [5]);
    assert.equal(s.filled, 1);
    const dup = writeText(dir, 'd.csv', 'unique_id,ds,y\nA,2024-01-01,1\nA,2024-01-15,3\nA,2024-01-15,2\n');
    await assert.rejects(readLongSeries(dup, 'week'), /series 'A' has two rows for 2024-01-15 \(lines 3 and 4\)/);
  } finally {
    cleanup();
  }
});

test('the automatic choice backtests on the last h values and returns ordered quantiles', () => {
  const y = Float64Array.from({ length: 120 }, (_, i) => 100 + i + 10 * Math.sin((2 * Math.PI * i) / 12));
  const fc = autoForecast(y, 12, DEFAULT_LEVELS, { seasonLength: 12 });
  assert.equal(fc.mean.length, 12);
  for (let t = 0; t < 12; t++)
    for (let l = 1; l < 5; l++) assert.ok(fc.quantiles[l]!.values[t]! >= fc.quantiles[l - 1]!.values[t]!);
  // a clean trend with a season: the forecast keeps rising
  assert.ok(fc.mean[11]! > y[y.length - 12]!);
  assert.match(fc.model, /ETS|Theta|Ensemble/);
});

test('shopcast forecast --series writes the output contract with the next periods', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const rows = ['sku,date,units'];
    for (let k = 0; k < 60; k++)
      rows.push(`S1,${formatPeriod(addPeriods(periodTime('2023-01-02'), 'week', k), false)},${20 + (k % 4) * 3}`);
    for (let k = 0; k < 3; k++)
      rows.push(`TINY,${formatPeriod(addPeriods(periodTime('2023-06-05'), 'week', k), false)},${k}`);
    const input = writeText(dir, 'series.csv', rows.join('\n'));
    const out = join(dir, 'fc.csv');
    const r = await cli([
      'forecast',
      '--series',
      input,
      '--freq',
      'week',
      '--horizon',
      '4',
      '--model',
      'ets',
      '--out',
      out,
      '--json',
      '--threads',
      '1',
    ]);
    assert.equal(r.code, 0, r.err);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    assert.equal(lines[0], 'sku,date,mean,p05,p25,p50,p75,p95,model');
    assert.equal(lines.length, 1 + 8);
    assert.match(lines[1]!, /^S1,2024-02-26,/); // the week after the last one (2024-02-19)
    const summary = JSON.parse(r.out);
    assert.equal(summary.series, 2);
    // three observations are too few for ETS: the series falls back, and says why
    assert.deepEqual(
      summary.fallbacks.map((f: { id: string; used: string }) => [f.id, f.used]),
      [['TINY', 'naive']],
    );
    assert.match(summary.fallbacks[0].reason, /need at least 4 observations/);
  } finally {
    cleanup();
  }
});

test('shopcast forecast refuses dates off the grid, unknown models and bad numbers', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const input = writeText(dir, 'daily.csv', 'sku,date,units\nA,2024-01-01,1\nA,2024-01-03,2\n');
    const r1 = await cli(['forecast', '--series', input, '--freq', 'week', '--out', join(dir, 'x.csv')]);
    assert.equal(r1.code, 2);
    assert.match(r1.err, /series 'A' has dates that are not whole weeks apart/);
    const r2 = await cli([
      'forecast',
      '--series',
      input,
      '--freq',
      'day',
      '--model',
      'prophet',
      '--out',
      join(dir, 'x.csv'),
    ]);
    assert.match(r2.err, /unknown model 'prophet'/);
    const r3 = await cli([
      'forecast',
      '--series',
      input,
      '--freq',
      'day',
      '--horizon',
      'ten',
      '--out',
      join(dir, 'x.csv'),
    ]);
    assert.match(r3.err, /--horizon must be a whole number/);
  } finally {
    cleanup();
  }
});

test('backtest scores each model on rolling origins with data before each origin only', async () => {
  const { backtest } = await import('../src/engine/backtest.js');
  const { makeBatch } = await import('../src/engine/series-batch.js');
  // a straight line: drift is exact out of sample, naive lags behind by 1, 2, … steps
  const line = Float64Array.from({ length: 60 }, (_, i) => 10 + 2 * i);
  const rows = await backtest(
    makeBatch(['line'], [line]),
    { models: ['drift', 'naive'], h: 6, origins: 3, seasonLength: 1, levels: DEFAULT_LEVELS, threads: 1 },
    () => 0,
  );
  assert.deepEqual(
    rows.map((r) => r.model),
    ['drift', 'naive'],
  );
  assert.equal(rows[0]!.forecasts, 3);
  assert.ok(rows[0]!.mase < 1e-9, `drift is exact: MASE ${rows[0]!.mase}`);
  // naive misses by 2, 4, …, 12 against an in-sample naive MAE of 2: MASE = mean(1 … 6) = 3.5
  assert.ok(Math.abs(rows[1]!.mase - 3.5) < 1e-9, `naive MASE ${rows[1]!.mase}`);
  assert.ok(rows[1]!.bias < 0);
});

test('shopcast backtest prints one row per model', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const rows = ['sku,date,units'];
    for (let k = 0; k < 80; k++)
      rows.push(`S,${formatPeriod(addPeriods(periodTime('2023-01-02'), 'week', k), false)},${50 + (k % 5)}`);
    const r = await cli([
      'backtest',
      '--series',
      writeText(dir, 's.csv', rows.join('\n')),
      '--freq',
      'week',
      '--horizon',
      '4',
      '--models',
      'naive,theta',
      '--json',
      '--threads',
      '1',
    ]);
    assert.equal(r.code, 0, r.err);
    const out = JSON.parse(r.out);
    assert.deepEqual(
      out.map((x: { model: string }) => x.model),
      ['naive', 'theta'],
    );
    assert.equal(out[0].forecasts, 3);
  } finally {
    cleanup();
  }
});
