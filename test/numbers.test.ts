/**
 * Numbers that must read as sense (issue #18, item 9 and 13): one name per ensemble, count
 * quantiles coherent with their mean.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { join } from 'node:path';
import { autoForecast } from '../src/engine/auto-choice.js';
import { forecastBatch, isModelFallback } from '../src/engine/forecast-batch.js';
import { makeBatch } from '../src/engine/series-batch.js';
import { DEFAULT_LEVELS } from '../src/models/contract.js';
import { mulberry32, normalSource } from '../src/numerics/random.js';
import { cli, tempDir, writeText } from './helpers.js';

test('an ensemble has one name whichever member backtested best', () => {
  const orders = new Map<string, Set<string>>();
  for (let seed = 1; seed <= 12; seed++) {
    const z = normalSource(mulberry32(seed));
    let level = 50;
    const y = Float64Array.from({ length: 60 }, (_, i) => {
      level += z();
      return level + 0.2 * i + 2 * z();
    });
    const { model } = autoForecast(y, 8, DEFAULT_LEVELS, { seasonLength: 1 });
    const m = /^Ensemble\((.*)\)$/.exec(model);
    if (m === null) continue;
    const members = m[1]!.split(' + ');
    const key = [...members].sort().join('|');
    orders.set(key, (orders.get(key) ?? new Set()).add(model));
  }
  assert.ok(orders.size > 0, 'some series get an ensemble');
  for (const [key, names] of orders) assert.equal(names.size, 1, `${key}: ${[...names].join(' vs ')}`);
  for (const names of orders.values())
    for (const name of names) {
      const members = /^Ensemble\((.*)\)$/.exec(name)![1]!.split(' + ');
      assert.deepEqual(members, [...members].sort(), name);
    }
});

test('a series whose gaps were filled is recorded as imputed, not as a model fallback', () => {
  const out = forecastBatch(
    makeBatch(
      ['gappy', 'short'],
      [
        [1, 2, NaN, 4, 5, NaN, 7, 8, 9, 10],
        [5, 6],
      ],
    ),
    { model: 'ets', h: 3, levels: DEFAULT_LEVELS, seasonLength: 1, nonNegative: true },
  );
  const byId = new Map(out.fallbacks.map((f) => [f.id, f]));
  assert.equal(byId.get('gappy')!.used, 'ets');
  assert.equal(byId.get('gappy')!.imputed, 2);
  assert.equal(isModelFallback(byId.get('gappy')!), false);
  assert.equal(byId.get('short')!.used, 'naive');
  assert.equal(byId.get('short')!.imputed, 0);
  assert.equal(isModelFallback(byId.get('short')!), true);
});

test('shopcast forecast tells imputed gaps from model fallbacks', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const rows = ['sku,date,units'];
    for (let k = 0; k < 30; k++)
      rows.push(`GAPPY,2024-01-${String(k + 1).padStart(2, '0')},${k === 10 ? 'NA' : 3 + (k % 3)}`);
    rows.push('TINY,2024-01-01,1', 'TINY,2024-01-02,2');
    const input = writeText(dir, 'series.csv', rows.join('\n') + '\n');
    const r = await cli(
      ['forecast', '--series', input, '--freq', 'day', '--horizon', '3', '--model', 'ets'].concat([
        '--season-length',
        '1',
        '--out',
        join(dir, 'fc.csv'),
        '--threads',
        '1',
      ]),
    );
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^ {2}1 series fell back to a simpler model/m);
    assert.match(r.out, /^ {2}1 series had 1 missing values carried forward/m);
  } finally {
    cleanup();
  }
});
