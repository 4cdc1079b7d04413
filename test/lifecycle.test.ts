/** Life-cycle curves: Bass, Gompertz and triangle fits recover known curves from noisy sales. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  bassShare,
  fitBass,
  fitLifeCycle,
  fitTriangle,
  gompertzShare,
  triangleSales,
} from '../src/lifecycle/curves.js';
import { mulberry32, normalSource } from '../src/numerics/random.js';

function noisy(curve: (t: number) => number, n: number, cv: number, seed: number): Float64Array {
  const z = normalSource(mulberry32(seed));
  return Float64Array.from({ length: n }, (_, i) => Math.max(0, curve(i + 1) * (1 + cv * z())));
}

test('Bass fit recovers known p, q, m from noisy weekly sales, with peak and end of life', () => {
  // p = 0.01, q = 0.25, m = 5000 (a typical consumer product, Bass 1969's range), 10 % noise
  for (const [p, q, m, seed] of [
    [0.01, 0.25, 5000, 1],
    [0.03, 0.4, 1200, 2],
    [0.005, 0.15, 20000, 3],
  ] as const) {
    const sales = (t: number): number => m * (bassShare(t, p, q) - bassShare(t - 1, p, q));
    const y = noisy(sales, 60, 0.1, seed);
    const f = fitBass(y)!;
    assert.ok(Math.abs(f.params['p']! / p - 1) < 0.15, `p ${f.params['p']} vs ${p}`);
    assert.ok(Math.abs(f.params['q']! / q - 1) < 0.1, `q ${f.params['q']} vs ${q}`);
    assert.ok(Math.abs(f.params['m']! / m - 1) < 0.05, `m ${f.params['m']} vs ${m}`);
    // the peak of the Bass density is at ln(q/p)/(p+q)
    const tPeak = Math.log(q / p) / (p + q);
    assert.ok(Math.abs(f.peakTime - tPeak) < 1, `peak ${f.peakTime} vs ${tPeak}`);
    assert.ok(Math.abs(bassShare(f.endOfLife, f.params['p']!, f.params['q']!) - 0.95) < 1e-9);
  }
});

test('Bass fit before the peak: m is still found within a quarter from the first 60 % of the rise', () => {
  const [p, q, m] = [0.02, 0.3, 3000];
  const tPeak = Math.log(q / p) / (p + q); // ≈ 8.5
  const sales = (t: number): number => m * (bassShare(t, p, q) - bassShare(t - 1, p, q));
  const y = noisy(sales, Math.round(tPeak * 1.3), 0.05, 4);
  const f = fitBass(y)!;
  assert.ok(Math.abs(f.params['m']! / m - 1) < 0.25, `m ${f.params['m']}`);
  // what is left after the 11 observed weeks: m·(1 − F(11)) ≈ 984
  const left = m * (1 - bassShare(y.length, p, q));
  assert.ok(Math.abs(f.remaining - left) < 0.15 * left, `remaining ${f.remaining} vs ${left}`);
});

test('the better family is chosen by AICc: triangle data → triangle, Bass data → a smooth curve', () => {
  const tri = noisy((t) => triangleSales(t, 12, 40, 100), 45, 0.08, 5);
  const t = fitTriangle(tri)!;
  assert.ok(
    Math.abs(t.params['tp']! - 12) <= 1 &&
      Math.abs(t.params['te']! - 40) <= 1.5 &&
      Math.abs(t.params['a']! / 100 - 1) < 0.08,
    JSON.stringify(t.params),
  );
  assert.equal(fitLifeCycle(tri)!.best.family, 'triangle');
  const bass = noisy((x) => 8000 * (bassShare(x, 0.01, 0.3) - bassShare(x - 1, 0.01, 0.3)), 50, 0.05, 6);
  assert.notEqual(fitLifeCycle(bass)!.best.family, 'triangle');
  // Gompertz shares start at 0 and tend to 1
  assert.equal(gompertzShare(0, 5, 0.2), 0);
  assert.ok(Math.abs(gompertzShare(200, 5, 0.2) - 1) < 1e-9);
});

test('a prior on p and q from similar products makes a 6-week history enough to size the life cycle', () => {
  const [p, q, m] = [0.01, 0.3, 5000];
  const sales = (t: number): number => m * (bassShare(t, p, q) - bassShare(t - 1, p, q));
  const y = noisy(sales, 6, 0.1, 7);
  // similar products' median p and q, 25 % off the truth
  const f = fitBass(y, { p: p * 1.25, q: q * 0.8, sdLog: 0.3 })!;
  assert.ok(Math.abs(f.params['m']! / m - 1) < 0.3, `m with prior ${f.params['m']}`);
  const free = fitBass(y)!;
  assert.ok(Math.abs(f.params['m']! / m - 1) < Math.abs(free.params['m']! / m - 1), `free m ${free.params['m']}`);
});
