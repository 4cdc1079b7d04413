/** The gradient-boosted trees: hand-computed splits and leaves, objectives, TreeSHAP, persistence. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { featureBins, binOf } from '../src/gbdt/binning.js';
import {
  type Booster,
  boosterFromJson,
  boosterToJson,
  featureImportance,
  predict,
  rawScore,
  train,
} from '../src/gbdt/learner.js';
import { trainMany } from '../src/gbdt/parallel.js';
import { explainRow } from '../src/gbdt/shap.js';
import { makeObjective } from '../src/gbdt/objectives.js';
import type { Tree } from '../src/gbdt/tree.js';
import { mulberry32, normalSource } from '../src/numerics/random.js';
import { weightedQuantile, weightedQuantileSorted } from '../src/numerics/quantile.js';

const col = (...cols: number[][]): Float64Array => Float64Array.from(cols.flat());
const one = { rounds: 1, learningRate: 1, numLeaves: 2, minDataInLeaf: 1, minSumHessian: 0 };

test('binning: one bin per distinct value, NaN in bin 0, quantile edges for many values', () => {
  const b = featureBins([3, 1, 2, 2, NaN, 3]);
  assert.deepEqual(Array.from(b.upper), [1.5, 2.5, Infinity]);
  assert.equal(binOf(b, NaN), 0);
  assert.deepEqual(
    [1, 2, 3, 2.5, 99].map((v) => binOf(b, v)),
    [1, 2, 3, 2, 3],
  );
  const many = featureBins(
    Array.from({ length: 10_000 }, (_, i) => i),
    17,
  );
  assert.equal(many.count, 17);
  // equal-frequency bins: each holds 10000/16 values
  const counts = new Array(17).fill(0);
  for (let i = 0; i < 10_000; i++) counts[binOf(many, i)]++;
  assert.ok(
    counts.slice(1).every((c) => Math.abs(c - 625) <= 1),
    `${counts}`,
  );
});

test('L2: the split and leaf values of one tree are the hand-computed ones', () => {
  // y = 1, 1, 3, 3 on x = 1…4: start 2, gradients f − y = 1, 1, −1, −1, hessians 1
  const data = { X: col([1, 2, 3, 4]), y: Float64Array.of(1, 1, 3, 3), rows: 4, features: 1 };
  const b = train(data, { objective: { name: 'l2' }, ...one });
  const t = b.trees[0]!;
  assert.equal(b.initScore, 2);
  assert.equal(t.threshold[0], 2.5);
  // gain = ½ (G_L²/H_L + G_R²/H_R − G²/H) = ½ (4/2 + 4/2 − 0) = 2; leaves −G/H = −1 and +1
  assert.equal(t.gain[0], 2);
  assert.deepEqual(Array.from(t.leafValue).sort(), [-1, 1]);
  assert.deepEqual(Array.from(predict(b, data.X, 4)), [1, 1, 3, 3]);
  // L2 penalty λ = 1: leaves −2/3, +2/3, gain ½ (4/3 + 4/3) = 4/3; L1 α = 1 shrinks G by 1: leaves ∓1/2 (λ = 0)
  const l2 = train(data, { objective: { name: 'l2' }, ...one, lambdaL2: 1 }).trees[0]!;
  assert.ok(Math.abs(l2.gain[0]! - 4 / 3) < 1e-12);
  assert.deepEqual(Array.from(l2.leafValue, (v) => +v.toFixed(12)).sort(), [-0.666666666667, 0.666666666667]);
  const l1 = train(data, { objective: { name: 'l2' }, ...one, lambdaL1: 1 }).trees[0]!;
  assert.deepEqual(Array.from(l1.leafValue).sort(), [-0.5, 0.5]);
});

test('Poisson and Tweedie: start at log of the mean, Newton leaves from their gradients', () => {
  const data = { X: col([1, 2, 3, 4]), y: Float64Array.of(0, 0, 4, 4), rows: 4, features: 1 };
  const p = train(data, { objective: { name: 'poisson' }, ...one });
  assert.ok(Math.abs(p.initScore - Math.log(2)) < 1e-12);
  // at f = log 2: g = e^f − y = 2, 2, −2, −2; h = e^{f + 0.7} = 2e^0.7; left leaf −4 / (4e^0.7)
  const leaves = Array.from(p.trees[0]!.leafValue).sort((a, b) => a - b);
  assert.ok(
    Math.abs(leaves[0]! + Math.exp(-0.7)) < 1e-12 && Math.abs(leaves[1]! - Math.exp(-0.7)) < 1e-12,
    `${leaves}`,
  );
  const rho = 1.5;
  const tw = train(data, { objective: { name: 'tweedie', tweediePower: rho }, ...one });
  const f = Math.log(2);
  const g = (y: number): number => -y * Math.exp((1 - rho) * f) + Math.exp((2 - rho) * f);
  const h = (y: number): number => -y * (1 - rho) * Math.exp((1 - rho) * f) + (2 - rho) * Math.exp((2 - rho) * f);
  const expected = [-(2 * g(4)) / (2 * h(4)), -(2 * g(0)) / (2 * h(0))].sort((a, b) => a - b);
  const got = Array.from(tw.trees[0]!.leafValue).sort((a, b) => a - b);
  assert.ok(
    Math.abs(got[0]! - expected[0]!) < 1e-12 && Math.abs(got[1]! - expected[1]!) < 1e-12,
    `${got} vs ${expected}`,
  );
});

test('quantile objective: leaves are quantiles of the residuals; predictions cover the asked share', () => {
  const data = { X: col([1, 2, 3, 4, 5, 6]), y: Float64Array.of(1, 2, 3, 10, 20, 30), rows: 6, features: 1 };
  const b = train(data, { objective: { name: 'quantile', quantile: 0.5 }, ...one, minDataInLeaf: 3 });
  // start: median of y = 6.5 (R type 7); leaves: medians of y − 6.5 in {1,2,3} and {10,20,30}
  assert.equal(b.initScore, 6.5);
  assert.deepEqual(Array.from(predict(b, data.X, 6)), [2, 2, 2, 20, 20, 20]);
  // on noisy data the 0.9 model lies above about 90 % of the points
  const rand = normalSource(mulberry32(3));
  const n = 4000;
  const x = Float64Array.from({ length: n }, (_, i) => (i / n) * 6);
  const y = x.map((v) => Math.sin(v) * 5 + rand() * (1 + v));
  const q = train(
    { X: x, y, rows: n, features: 1 },
    { objective: { name: 'quantile', quantile: 0.9 }, rounds: 200, learningRate: 0.1, numLeaves: 8 },
  );
  const pred = predict(q, x, n);
  const above = y.filter((v, i) => v <= pred[i]!).length / n;
  assert.ok(above > 0.87 && above < 0.93, `share below the 0.9 quantile: ${above}`);
});

test('weighted quantile: Hazen positions (k − ½)/n with equal weights, the worked example otherwise', () => {
  const v = [1, 2, 4, 8, 16];
  // positions 0.1, 0.3, 0.5, 0.7, 0.9
  assert.equal(weightedQuantileSorted(v, [3, 3, 3, 3, 3], 0.5), 4);
  assert.ok(Math.abs(weightedQuantileSorted(v, [3, 3, 3, 3, 3], 0.25) - 1.75) < 1e-12);
  assert.equal(weightedQuantileSorted(v, [1, 1, 1, 1, 1], 0.05), 1);
  assert.equal(weightedQuantileSorted(v, [1, 1, 1, 1, 1], 0.95), 16);
  // [1, 2, 3] with weights [1, 1, 2] sit at ⅛, ⅜, ¾
  assert.ok(Math.abs(weightedQuantileSorted([1, 2, 3], [1, 1, 2], 0.5) - 7 / 3) < 1e-12);
  assert.equal(weightedQuantileSorted([1, 2, 3], [1, 1, 2], 0.75), 3);
  // continuous in the weights: a weight shrinking to 0 changes the quantile only a little
  assert.ok(
    Math.abs(
      weightedQuantileSorted([1, 5, 20], [1, 1e-9, 1], 0.4) - weightedQuantileSorted([1, 5, 20], [1, 0, 1], 0.4),
    ) < 1e-6,
  );
});

test('weightedQuantile: the same as a stable sort of values and weights, equal values (and −0, +0) in their given order', () => {
  const rand = mulberry32(3);
  for (let trial = 0; trial < 50; trial++) {
    const n = 1 + Math.floor(rand() * 40);
    // few distinct values, so ties are common; their weights differ, so their order matters
    const values = Array.from({ length: n }, () => (rand() < 0.1 ? -0 : Math.floor(rand() * 6) - 2));
    const weights = Array.from({ length: n }, () => rand() * 3);
    const order = values.map((_, i) => i).sort((a, b) => values[a]! - values[b]! || a - b);
    const p = rand();
    const expected = weightedQuantileSorted(
      order.map((i) => values[i]!),
      order.map((i) => weights[i]!),
      p,
    );
    assert.equal(weightedQuantile(values, weights, p), expected, `trial ${trial}`);
  }
  assert.ok(Math.abs(weightedQuantile([3, 1, 2], [2, 1, 1], 0.5) - 7 / 3) < 1e-12);
});

test('quantile objective with row weights: start score and leaves are weighted quantiles', () => {
  // half the rows sell 0 with weight 1, half sell 10 with weight 9: the weighted median is 10
  // (unweighted it would be 5, between the two groups)
  const n = 200;
  const x = Float64Array.from({ length: n }, (_, i) => i % 2);
  const y = Float64Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 0 : 10));
  const weight = Float64Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 1 : 9));
  const noSplit = {
    rounds: 5,
    learningRate: 1,
    numLeaves: 2,
    minDataInLeaf: n,
    baggingFraction: 1,
    featureFraction: 1,
  };
  const b = train(
    { X: x, y, rows: n, features: 1, weight },
    { objective: { name: 'quantile', quantile: 0.5 }, ...noSplit },
  );
  assert.ok(b.initScore > 9.9, `weighted median start: ${b.initScore}`);
  assert.ok(predict(b, Float64Array.of(0), 1)[0]! > 9.9);
  const u = train({ X: x, y, rows: n, features: 1 }, { objective: { name: 'quantile', quantile: 0.5 }, ...noSplit });
  assert.equal(u.initScore, 5);
});

test('quantile objective on mostly-zero targets: a tie takes the middle of the subgradient, so the trees still learn', () => {
  // τ = 0.75 at f = 0: y = 0 (tie) → ½ − τ = −0.25; y = 5 (above) → −τ = −0.75; y = −1 (below) → 1 − τ
  const qo = makeObjective({ name: 'quantile', quantile: 0.75 });
  const g = new Float64Array(3);
  const h = new Float64Array(3);
  qo.gradients(Float64Array.of(0, 5, -1), new Float64Array(3), g, h);
  assert.deepEqual(Array.from(g), [-0.25, -0.75, 0.25]);
  assert.deepEqual(Array.from(h), [1, 1, 1]);
  // 80 % zeros where x < 0.8, sales of 10 where x ≥ 0.8: the 0.75 quantile starts at 0 and must
  // still find the split (with the plain gradient every row looks alike and no tree helps)
  const n = 1000;
  const x = Float64Array.from({ length: n }, (_, i) => i / n);
  const y = x.map((v) => (v >= 0.8 ? 10 : 0));
  const b = train(
    { X: x, y, rows: n, features: 1 },
    { objective: { name: 'quantile', quantile: 0.75 }, rounds: 30, learningRate: 0.5, numLeaves: 2, minDataInLeaf: 20 },
  );
  assert.equal(b.initScore, 0);
  const pred = predict(b, x, n);
  assert.ok(pred[950]! > 9.9 && Math.abs(pred[100]!) < 1e-12, `${pred[950]} ${pred[100]}`);
});

test('trainMany: boosters trained in worker threads equal those trained in the calling thread', async () => {
  const data = synthetic(3000, 5);
  const y = data.y;
  const jobs = [
    { objective: { name: 'l2' as const }, rounds: 20, numLeaves: 8, baggingFraction: 0.7, seed: 2 },
    { objective: { name: 'quantile' as const, quantile: 0.9 }, rounds: 15, numLeaves: 8 },
    { objective: { name: 'poisson' as const }, rounds: 10, numLeaves: 4 },
  ];
  const yPos = { ...data, y: y.map((v: number) => Math.abs(v)) };
  const threaded = await trainMany(yPos, jobs, undefined, 2);
  const local = jobs.map((o) => train(yPos, o));
  threaded.forEach((b, i) => assert.equal(boosterToJson(b), boosterToJson(local[i]!), `model ${i}`));
});

function synthetic(n: number, seed: number) {
  const rand = mulberry32(seed);
  const noise = normalSource(rand);
  const F = 4;
  const X = new Float64Array(n * F);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const a = rand() * 10;
    const b = rand() * 10;
    const c = rand() < 0.5 ? 1 : 0;
    const d = rand();
    X[i] = a;
    X[n + i] = b;
    X[2 * n + i] = c;
    X[3 * n + i] = i % 7 === 0 ? NaN : d;
    y[i] = Math.max(0, 3 + Math.sin(a) * 2 + 0.3 * b + 4 * c + noise() * 0.5);
  }
  return { X, y, rows: n, features: F };
}

test('boosting learns, stops early on the validation set, is deterministic and survives a JSON round trip', () => {
  const tr = synthetic(3000, 1);
  const va = synthetic(1000, 2);
  const opts = {
    objective: { name: 'l2' as const },
    rounds: 400,
    learningRate: 0.1,
    numLeaves: 15,
    baggingFraction: 0.8,
    featureFraction: 0.75,
    seed: 7,
    earlyStoppingRounds: 20,
    featureNames: ['a', 'b', 'promo', 'noise'],
  };
  const b = train(tr, opts, va);
  const valid = b.history.map((h) => h.valid!);
  assert.ok(valid[b.bestIteration - 1]! < 0.35, `validation MSE ${valid[b.bestIteration - 1]} (noise variance 0.25)`);
  assert.ok(valid[0]! > 2 * valid[b.bestIteration - 1]!);
  assert.ok(
    b.bestIteration < 400 && b.history.length === b.bestIteration + 20,
    `stopped after ${b.history.length}, best ${b.bestIteration}`,
  );
  const again = train(tr, opts, va);
  assert.equal(boosterToJson(again), boosterToJson(b));
  const back = boosterFromJson(boosterToJson(b));
  assert.deepEqual(predict(back, va.X, va.rows), predict(b, va.X, va.rows));
  const imp = featureImportance(b);
  assert.equal(imp[imp.length - 1]!.feature, 'noise');
  assert.ok(['a', 'promo'].includes(imp[0]!.feature));
});

/** Brute-force Shapley values with the path-dependent conditional expectation TreeSHAP uses. */
function bruteShap(b: Booster, x: number[]): number[] {
  const F = x.length;
  const expect = (t: Tree, node: number, S: Set<number>): number => {
    if (node < 0) return t.leafValue[~node]!;
    const f = t.feature[node]!;
    if (S.has(f))
      return expect(t, x[f]! <= t.threshold[node]! || Number.isNaN(x[f]!) ? t.left[node]! : t.right[node]!, S);
    const cover = (c: number): number => (c < 0 ? t.leafCount[~c]! : t.count[c]!);
    return (
      (cover(t.left[node]!) * expect(t, t.left[node]!, S) + cover(t.right[node]!) * expect(t, t.right[node]!, S)) /
      t.count[node]!
    );
  };
  const value = (S: Set<number>): number =>
    b.trees.reduce((s, t) => s + (t.feature.length === 0 ? t.leafValue[0]! : expect(t, 0, S)), b.initScore);
  const fact = (k: number): number => (k <= 1 ? 1 : k * fact(k - 1));
  const phi = new Array<number>(F).fill(0);
  for (let mask = 0; mask < 1 << F; mask++) {
    const S = new Set<number>();
    for (let f = 0; f < F; f++) if (mask & (1 << f)) S.add(f);
    const v = value(S);
    for (let f = 0; f < F; f++) {
      if (S.has(f)) continue;
      const w = (fact(S.size) * fact(F - S.size - 1)) / fact(F);
      phi[f] = phi[f]! + w * (value(new Set([...S, f])) - v);
    }
  }
  return phi;
}

test('TreeSHAP equals brute-force Shapley values and adds up to the prediction', () => {
  const tr = synthetic(800, 5);
  const b = train(tr, {
    objective: { name: 'poisson' },
    rounds: 15,
    learningRate: 0.3,
    numLeaves: 6,
    minDataInLeaf: 10,
  });
  for (const i of [0, 1, 7, 100, 555]) {
    const x = [0, 1, 2, 3].map((f) => tr.X[f * tr.rows + i]!);
    const e = explainRow(b, (f) => x[f]!);
    const raw = rawScore(b, (f) => x[f]!);
    const sum = e.base + e.contributions.reduce((s, v) => s + v, 0);
    assert.ok(Math.abs(sum - raw) < 1e-9, `row ${i}: base + contributions ${sum} vs raw score ${raw}`);
    const brute = bruteShap(b, x);
    brute.forEach((v, f) =>
      assert.ok(
        Math.abs(v - e.contributions[f]!) < 1e-9,
        `row ${i} feature ${f}: ${e.contributions[f]} vs brute force ${v}`,
      ),
    );
  }
  // trees followed by raw values (thresholds) and by training bins agree: the training loss the
  // learner recorded from its binned scores equals the loss of the raw-value scores
  const raw = Float64Array.from({ length: tr.rows }, (_, i) => rawScore(b, (f) => tr.X[f * tr.rows + i]!));
  const recorded = b.history[b.history.length - 1]!.train;
  assert.ok(
    Math.abs(makeObjective(b.objective).loss(tr.y, raw) - recorded) < 1e-12 * Math.abs(recorded),
    `loss ${recorded}`,
  );
});

test('bad training input is refused with a reason', () => {
  assert.throws(
    () => train({ X: col([1, 2]), y: Float64Array.of(1, NaN), rows: 2, features: 1 }, { objective: { name: 'l2' } }),
    /row 1 is not a finite number/,
  );
  assert.throws(
    () =>
      train({ X: col([1, 2]), y: Float64Array.of(1, -1), rows: 2, features: 1 }, { objective: { name: 'poisson' } }),
    /non-negative/,
  );
  assert.throws(
    () => train({ X: col([1, 2, 3]), y: Float64Array.of(1, 2), rows: 2, features: 1 }, { objective: { name: 'l2' } }),
    /expected rows × features/,
  );
});
