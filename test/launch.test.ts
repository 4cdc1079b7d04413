/** New-product launches: text similarity, conformal margins, launch curves; the sample shop's launches are in launch.e2e.test.ts. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { launchCurve } from '../src/launch/analogs.js';
import { conformalMargin } from '../src/launch/model.js';
import { buildTextIndex, cosine, textVector } from '../src/launch/text.js';
import { mulberry32, normalSource } from '../src/numerics/random.js';

test('TF-IDF over words and character n-grams: variants of a product are nearer than products sharing one word', () => {
  const docs = [
    'JUMBO BAG RED RETROSPOT',
    'RED RETROSPOT MUG',
    'JUMBO BAG PINK POLKADOT',
    'LUNCH BAG RED RETROSPOT',
    'WHITE HANGING HEART T-LIGHT HOLDER',
    'GLASS STAR FROSTED T-LIGHT HOLDER',
  ];
  const index = buildTextIndex(docs);
  const q = textVector(index, 'JUMBO BAG RETRO SPOT RED');
  const sims = index.docs.map((d) => cosine(q, d));
  const order = sims
    .map((s, i) => [s, i] as const)
    .sort((a, b) => b[0] - a[0])
    .map(([, i]) => docs[i]);
  assert.equal(order[0], 'JUMBO BAG RED RETROSPOT');
  // "RETRO SPOT" still meets "RETROSPOT" through the character n-grams
  assert.ok(sims[1]! > sims[2]! * 0.5 && sims[1]! > 0.2, JSON.stringify(sims));
  assert.equal(sims[4], 0);
  // cosine of a document with itself is 1
  assert.ok(Math.abs(cosine(index.docs[0]!, index.docs[0]!) - 1) < 1e-12);
});

test('conformal margin: the worked case, and a too-narrow band widened to its nominal coverage on new cases', () => {
  // scores: log(2/4) = −0.69 (inside), log(8/4) = 0.69 (above), log(2/1) (below): the 2nd of 3 at α = 0.5
  assert.ok(Math.abs(conformalMargin([1], [3], [7], 0.5) - Math.log(2)) < 1e-12);
  assert.ok(Math.abs(conformalMargin([1, 1, 3], [3, 3, 5], [7, 2, 0], 0.5) - Math.log(2)) < 1e-12);
  assert.equal(conformalMargin([1], [3], [2], 0.1), Infinity);
  // lognormal demand exp(μ + σz) with a band that is the truth's 50 % band, nominally 90 %
  const z = normalSource(mulberry32(5));
  const draw = (n: number): { lo: number[]; hi: number[]; y: number[] } => {
    const mu = Array.from({ length: n }, () => 2 + z());
    return {
      lo: mu.map((m) => Math.exp(m - 0.674)),
      hi: mu.map((m) => Math.exp(m + 0.674)),
      y: mu.map((m) => Math.exp(m + z())),
    };
  };
  const cal = draw(2000);
  const by = conformalMargin(cal.lo, cal.hi, cal.y, 0.1);
  const fresh = draw(20000);
  const covered = (margin: number): number =>
    fresh.y.filter(
      (v, k) =>
        Math.log1p(v) >= Math.log1p(fresh.lo[k]!) - margin && Math.log1p(v) <= Math.log1p(fresh.hi[k]!) + margin,
    ).length / fresh.y.length;
  assert.ok(covered(0) < 0.6, `unwidened ${covered(0)}`);
  assert.ok(Math.abs(covered(by) - 0.9) < 0.015, `widened by ${by}: ${covered(by)}`);
});

test('launchCurve from an offset: the weeks after a cut, days unknown filled by the week’s known mean', () => {
  const daily = Float64Array.from({ length: 28 }, (_, d) => d + 1);
  daily[15] = NaN;
  const p = {
    sku: 'X',
    description: 'X',
    category: null,
    firstDay: 10,
    firstPrice: 1,
    daily,
    price: new Float64Array(28),
  };
  const full = launchCurve(p, 4, 37);
  const cut = launchCurve(p, 3, 37, 7);
  assert.deepEqual(Array.from(cut), Array.from(full.slice(1)));
  // week 2 (days 7..13): 8 + … + 14 = 77; week 3 has day 15 unknown: 7 × mean of the 6 known days
  assert.equal(full[1], 77);
  assert.equal(full[2], (7 * (15 + 17 + 18 + 19 + 20 + 21)) / 6);
  // a week not complete by the as-of day is NaN
  assert.ok(Number.isNaN(launchCurve(p, 4, 36)[3]!));
});
