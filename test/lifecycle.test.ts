/** Life-cycle curves: Bass, Gompertz and triangle fits recover known curves from noisy sales. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  bassShare,
  bassShareGrad,
  bassShareOf,
  fitBass,
  fitLifeCycle,
  fitTriangle,
  gompertzShare,
  gompertzShareGrad,
  gompertzShareOf,
  triangleSales,
} from '../src/lifecycle/curves.js';
import { curveSalesOf } from '../src/lifecycle/stage.js';
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

test('the fits’ Jacobian: the shares’ derivatives by their log-parameters equal central differences', () => {
  const grad = new Float64Array(2);
  const h = 1e-5;
  const cases: [typeof bassShare, typeof bassShareGrad, [number, number][]][] = [
    [
      bassShare,
      bassShareGrad,
      [
        [0.01, 0.1],
        [0.03, 0.4],
        [0.2, 0.05],
        [0.001, 2],
      ],
    ],
    [
      gompertzShare,
      gompertzShareGrad,
      [
        [3, 0.1],
        [0.5, 0.3],
        [10, 0.2],
      ],
    ],
  ];
  for (const [share, shareGrad, points] of cases)
    for (const [a, b] of points)
      for (const t of [0.5, 1, 3, 10]) {
        const f = shareGrad(t, a, b, grad);
        assert.ok(Math.abs(f - share(t, a, b)) < 1e-12, `${share.name}(${t}, ${a}, ${b})`);
        const da = (share(t, a * Math.exp(h), b) - share(t, a * Math.exp(-h), b)) / (2 * h);
        const db = (share(t, a, b * Math.exp(h)) - share(t, a, b * Math.exp(-h))) / (2 * h);
        // central differences are good to ≈ h² relative, and to ≈ 1e-16 / h absolute
        assert.ok(Math.abs(da - grad[0]!) <= 1e-6 * Math.abs(da) + 1e-9, `∂/∂log ${a} at ${t}: ${grad[0]} vs ${da}`);
        assert.ok(Math.abs(db - grad[1]!) <= 1e-6 * Math.abs(db) + 1e-9, `∂/∂log ${b} at ${t}: ${grad[1]} vs ${db}`);
      }
  // Gompertz near b = 0, where fits can walk and the share's own 1 − e^{−b} loses its digits (so central differences
  // of it do too): against 50-digit values, `python3 -c "from mpmath import mp, mpf, exp, diff, log; mp.dps = 50;
  // F = lambda lb, c, t: (exp(-exp(lb) * exp(-c * t)) - exp(-exp(lb))) / (1 - exp(-exp(lb)));
  // print(diff(lambda x: F(x, mpf('0.5'), 0.5), log(mpf('1e-4'))))"` and the same for the other two
  const reference: [number, number, number, number][] = [
    [1e-4, 0.5, 0.5, -8.613346067411388e-6],
    [1e-6, 0.3, 2, -1.2380870806203396e-7],
    [1e-13, 0.3, 2, -1.2380871209091176e-14],
  ];
  for (const [b, c, t, d] of reference) {
    const f = gompertzShareGrad(t, b, c, grad);
    assert.ok(Math.abs(f - -Math.expm1(-c * t)) < 1e-4, `F at b = ${b}: ${f}`);
    assert.ok(Math.abs(grad[0]! - d) <= 1e-8 * Math.abs(d), `∂F/∂log b at b = ${b}: ${grad[0]} vs ${d}`);
  }
});

test('the shares prepared for one curve (bassShareOf, gompertzShareOf, curveSalesOf) are the plain ones bit for bit', () => {
  const u = mulberry32(5);
  const logUniform = (lo: number, hi: number): number => Math.exp(Math.log(lo) + (Math.log(hi) - Math.log(lo)) * u());
  let compared = 0;
  for (let k = 0; k < 5000; k++) {
    const [p, q, b, c, m] = [
      logUniform(1e-6, 2),
      logUniform(1e-6, 5),
      logUniform(1e-13, 1e4),
      logUniform(1e-4, 5),
      logUniform(1e-3, 1e7),
    ];
    const t = k % 10 === 0 ? -u() : 200 * u();
    assert.equal(bassShareOf(p, q)(t), bassShare(t, p, q));
    assert.equal(gompertzShareOf(b, c)(t), gompertzShare(t, b, c));
    assert.equal(
      curveSalesOf({ family: 'bass', params: { p, q, m } })(t),
      m * (bassShare(t, p, q) - bassShare(t - 1, p, q)),
    );
    assert.equal(
      curveSalesOf({ family: 'gompertz', params: { b, c, m } })(t),
      m * (gompertzShare(t, b, c) - gompertzShare(t - 1, b, c)),
    );
    compared += 4;
  }
  assert.equal(compared, 20000);
});
