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
import { MODELS } from '../src/models/registry.js';
import { countQuantile, hurdleQuantile, logGamma } from '../src/numerics/count-distribution.js';
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

test('count quantiles: Poisson and negative binomial, worked by hand', () => {
  // Poisson(0.2): P(0) = e^−0.2 = 0.8187, P(≤ 1) = 0.9825
  assert.deepEqual(
    [0.05, 0.25, 0.5, 0.75, 0.81, 0.82, 0.95, 0.98, 0.99].map((q) => countQuantile(q, 0.2)),
    [0, 0, 0, 0, 0, 1, 1, 1, 2],
  );
  // Poisson(4): P(≤ 3) = e^−4 (1 + 4 + 8 + 32/3) = 0.4335, P(≤ 4) = 0.6288
  assert.equal(countQuantile(0.43, 4), 3);
  assert.equal(countQuantile(0.5, 4), 4);
  // mean 3, variance 12: r = 9 / (12 − 3) = 1, geometric with P(≤ k) = 1 − 0.75^(k+1)
  assert.equal(countQuantile(0.5, 3, 12), 2); // 1 − 0.75² = 0.4375, 1 − 0.75³ = 0.578
  assert.equal(countQuantile(0.95, 3, 12), 10); // 1 − 0.75^10 = 0.9437, 1 − 0.75^11 = 0.9578
  // a large mean: the median of Poisson(λ) for whole λ is λ (Choi 1994); the left tail is not summed from 0
  assert.equal(countQuantile(0.5, 1e6), 1e6);
  assert.equal(countQuantile(0.5, 0), 0);
  assert.ok(Math.abs(logGamma(10) - Math.log(362880)) < 1e-12);
  assert.ok(Math.abs(logGamma(0.5) - 0.5 * Math.log(Math.PI)) < 1e-12);
  // hurdle: 0 with probability 0.9, else 1 + Poisson(2) at level (0.95 − 0.9) / 0.1 = 0.5: P(≤ 1) = 3e^−2 = 0.406,
  // P(≤ 2) = 5e^−2 = 0.677
  assert.equal(hurdleQuantile(0.95, 0.1, 3, 2), 3);
  assert.equal(hurdleQuantile(0.9, 0.1, 3, 2), 0);
});

/** ∫₀¹ Q(u) du on a midpoint grid: the mean of the distribution the quantiles come from. */
function impliedMean(model: string, y: number[]): { mean: number; implied: number; quantiles: Float64Array[] } {
  const f = MODELS[model]!.forecaster;
  const grid = Array.from({ length: 2000 }, (_, k) => (k + 0.5) / 2000);
  const fc = f.predict(f.fit(Float64Array.from(y), { seasonLength: 1 }), 1, grid, { seasonLength: 1 });
  const implied = fc.quantiles.reduce((a, q) => a + q.values[0]!, 0) / grid.length;
  const std = f.predict(f.fit(Float64Array.from(y), { seasonLength: 1 }), 1, DEFAULT_LEVELS, { seasonLength: 1 });
  return { mean: fc.mean[0]!, implied, quantiles: std.quantiles.map((q) => q.values) };
}

test('TSB, ADIDA and IMAPA quantiles come from a distribution with the forecast mean', () => {
  const series = {
    // a seller that stopped: past errors are large, the current mean is small
    fade: [...Array.from({ length: 60 }, (_, i) => (i % 3 === 0 ? 4 + (i % 5) : 0)), ...Array<number>(45).fill(0)],
    burst: [...Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? 30 + (i % 7) : 0)), ...Array<number>(12).fill(0)],
    slow: Array.from({ length: 120 }, (_, i) => ((i * 7919) % 13 === 0 ? 1 + ((i * 31) % 3) : 0)),
    weights: Array.from({ length: 80 }, (_, i) => (i % 4 === 0 ? 0.25 + (i % 3) * 0.5 : 0)),
  };
  for (const [name, y] of Object.entries(series))
    for (const model of ['tsb', 'adida', 'imapa']) {
      const { mean, implied, quantiles } = impliedMean(model, y);
      const what = `${model} on ${name}: mean ${mean}, quantiles' mean ${implied}`;
      // 3 %, and what lies past the grid's last point (1/4000 of the mass, at most a large demand)
      assert.ok(Math.abs(implied - mean) <= 0.03 * mean + Math.max(...y) / 4000, what);
      if (name !== 'weights')
        for (const q of quantiles) assert.ok(Number.isInteger(q[0]!), `${what}: whole-number quantiles`);
      // the p95 is 0 unless a demand is more likely than 5 %, when it is at most a large demand
      const p95 = quantiles[4]![0]!;
      assert.ok(p95 === 0 || p95 <= 2 * Math.max(...y), what);
    }
  // a mean that has decayed to nearly nothing: every quantile 0
  const { mean, quantiles } = impliedMean('adida', series.fade);
  assert.ok(mean < 1e-3);
  for (const q of quantiles) assert.equal(q[0], 0);
});

test('count quantiles on request: a Gaussian model on a Poisson(0.2) series gets whole-unit quantiles', () => {
  const u = mulberry32(11);
  const poisson = (lambda: number): number => {
    let k = 0;
    let p = Math.exp(-lambda);
    let c = p;
    const v = u();
    while (c < v) c += p *= lambda / ++k;
    return k;
  };
  const y = Array.from({ length: 365 }, () => poisson(0.2));
  const fractional = Array.from({ length: 365 }, (_, i) => 10.5 + Math.sin(i / 5));
  const batch = makeBatch(['slow', 'kg'], [y, fractional]);
  const opts = { model: 'ses', h: 7, levels: DEFAULT_LEVELS, seasonLength: 1, nonNegative: true };
  const plain = forecastBatch(batch, opts);
  const counts = forecastBatch(batch, { ...opts, countQuantiles: true });
  // the Gaussian model's median is a fraction of a unit (the 0.18)
  const median = (fc: typeof plain, i: number): number => fc.quantiles[(i * 5 + 2) * 7]!;
  assert.ok(median(plain, 0) > 0 && median(plain, 0) < 1, `plain p50 ${median(plain, 0)}`);
  // counts: P(0) ≈ e^−0.2 = 0.82, so p05 … p75 are 0 and p95 is 1; the mean is the model's
  const mean = counts.mean[0]!;
  assert.ok(mean > 0.1 && mean < 0.35, `mean ${mean}`);
  assert.deepEqual(
    Array.from({ length: 5 }, (_, l) => counts.quantiles[l * 7]),
    [0, 0, 0, 0, 1],
  );
  assert.deepEqual(counts.mean, plain.mean);
  // not count data: quantiles as the model gives them
  assert.deepEqual(counts.quantiles.subarray(35), plain.quantiles.subarray(35));
});
