/** New-product launches: text similarity, conformal margins, launch curves; the sample shop's launches are in launch.e2e.test.ts. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { launchCurve } from '../src/launch/analogs.js';
import { type Booster } from '../src/gbdt/learner.js';
import {
  LAUNCH_FEATURES,
  type LaunchModel,
  coherentQuantiles,
  conformalMargin,
  predictLaunch,
  sumQuantile,
} from '../src/launch/model.js';
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

test('coherent launch quantiles: ties and a band off its mean are repaired, the median kept', () => {
  const levels = [0.05, 0.25, 0.5, 0.75, 0.95];
  // the trees' sorted quantiles as they came out before: p50 = p75, the whole band below a mean of 40
  const weeks = [
    { mean: 40, q: [2, 6, 12, 12, 25] },
    { mean: 12, q: [12, 12, 12, 12, 12] }, // every tree agreeing
    { mean: 3, q: [0, 0, 0, 0, 4] }, // a slow seller: the 0 floor stays
    { mean: 8, q: [1, 4, 20, 30, 60] }, // the mean below the median, inside the band: left as it was
  ];
  const quantiles = levels.map((level, k) => ({ level, values: weeks.map((w) => w.q[k]!) }));
  coherentQuantiles(
    weeks.map((w) => w.mean),
    quantiles,
  );
  weeks.forEach((wk, w) => {
    const v = quantiles.map((q) => q.values[w]!);
    assert.equal(v[2], wk.q[2], 'the median is the trees’');
    for (let k = 1; k < v.length; k++)
      assert.ok(wk.q[2]! > 0 ? v[k]! > v[k - 1]! : v[k]! >= v[k - 1]!, `week ${w}: ${v.join(' ')}`);
    assert.ok(v[0]! <= wk.mean && wk.mean < v[4]!, `week ${w}: mean ${wk.mean} outside ${v[0]}–${v[4]}`);
    // the trees' band is only ever widened
    assert.ok(v[0]! <= wk.q[0]! + 1e-9 && v[4]! >= wk.q[4]! - 1e-9, v.join(' '));
  });
  // a coherent set is left as it was
  quantiles.forEach((q, k) => assert.ok(Math.abs(q.values[3]! - weeks[3]!.q[k]!) < 1e-9, `${q.level}: ${q.values[3]}`));
});

test('initial stock: the service quantile of the summed weeks, between their summed mean and the summed quantiles', () => {
  const weeks = [
    { mean: 10, p05: 2, p95: 20 },
    { mean: 10, p05: 2, p95: 20 },
  ];
  const p95 = (): number => 20;
  // sd 18 / 3.29 = 5.47 per week; ρ = 0.5: variance 3 sd² = 89.8; lognormal of mean 20 and sd 9.5: 37.9
  const sd = 18 / (2 * 1.6448536);
  const s2 = Math.log1p((3 * sd * sd) / 400);
  const expected = Math.exp(Math.log(20) - s2 / 2 + 1.6448536 * Math.sqrt(s2));
  assert.ok(Math.abs(sumQuantile(weeks, 0.95, p95, 0.5) - expected) < 1e-3, String(sumQuantile(weeks, 0.95, p95)));
  // more correlation, more stock; comonotonic weeks reach (at most) the sum of the weekly quantiles
  const by = [0, 0.5, 1].map((rho) => sumQuantile(weeks, 0.95, p95, rho));
  assert.ok(by[0]! < by[1]! && by[1]! < by[2]! && by[2]! <= 40, by.join(' '));
  // a very wide band cannot push the stock past the comonotonic bound, a narrow one not under the mean
  const wide = sumQuantile([{ mean: 10, p05: 0, p95: 200 }], 0.95, () => 200);
  assert.ok(wide > 10 && wide < 200, String(wide));
  assert.equal(
    sumQuantile([{ mean: 10, p05: 0, p95: 200 }], 0.95, () => 20),
    20,
  );
  assert.equal(
    sumQuantile([{ mean: 10, p05: 10, p95: 10 }], 0.95, () => 10),
    10,
  );
  assert.equal(
    sumQuantile([{ mean: 0, p05: 0, p95: 0 }], 0.95, () => 0),
    0,
  );
});

test('predictLaunch: quantile trees that tie at p50 = p75 below a mean of 40 give a coherent set around that mean', () => {
  // constant trees (no splits): what separately trained models gave on Online Retail
  const constant = (name: 'poisson' | 'quantile', score: number, quantile?: number): Booster => ({
    objective: { name, ...(quantile !== undefined ? { quantile } : {}) },
    initScore: score,
    trees: [],
    featureNames: [...LAUNCH_FEATURES],
    bestIteration: 0,
    history: [],
  });
  const trees: [number, number][] = [
    [0.05, 2],
    [0.25, 6],
    [0.5, 12],
    [0.75, 12],
    [0.95, 25],
  ];
  const model: LaunchModel = {
    weeks: 3,
    mean: constant('poisson', Math.log(40)),
    quantiles: trees.map(([level, v]) => ({ level, booster: constant('quantile', v, level) })),
    products: 100,
    established: 0,
    scale: [1, 1, 1],
    widen: [{ lower: 0.05, upper: 0.95, by: 0.1, scored: 100 }],
  };
  // no neighbours' level: the quantile trees' ratios are units
  const features = new Float64Array(LAUNCH_FEATURES.length).fill(NaN);
  const pred = predictLaunch(model, features);
  for (let w = 0; w < 3; w++) {
    const v = pred.quantiles.map((q) => q.values[w]!);
    assert.ok(Math.abs(pred.mean[w]! - 40) < 1e-9);
    assert.equal(v[2], 12, 'the median is the trees’');
    assert.ok(
      v.every((x, k) => k === 0 || x > v[k - 1]!),
      v.join(' '),
    );
    assert.ok(v[0]! <= 40 && 40 < v[4]!, v.join(' '));
  }
});
