/** The Optimised and Dynamic Optimised Theta models (Fiorucci et al. 2016). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fitOptimizedTheta, predictOptimizedTheta, prefixLines } from '../src/models/optimized-theta.js';
import { readFixtureSeries } from './helpers.js';

const M4 = readFixtureSeries('test/fixtures/m4-weekly-5.csv');

test('DOTM prefix lines equal least squares on every prefix', () => {
  const y = M4.get('W7')!.slice(0, 60);
  const { A, B } = prefixLines(y);
  for (const t of [2, 3, 10, 59, 60]) {
    // ordinary least squares of y_1..y_t on 1..t
    let sx = 0;
    let sy = 0;
    for (let i = 0; i < t; i++) {
      sx += i + 1;
      sy += y[i]!;
    }
    const mx = sx / t;
    const my = sy / t;
    let sxy = 0;
    let sxx = 0;
    for (let i = 0; i < t; i++) {
      sxy += (i + 1 - mx) * (y[i]! - my);
      sxx += (i + 1 - mx) ** 2;
    }
    const b = sxy / sxx;
    assert.ok(Math.abs(B[t - 1]! - b) < 1e-9 * (1 + Math.abs(b)), `slope at ${t}: ${B[t - 1]} vs ${b}`);
    assert.ok(Math.abs(A[t - 1]! - (my - b * mx)) < 1e-7 * (1 + Math.abs(my)), `intercept at ${t}`);
  }
});

/** In-sample one-step MSE of the theta model with the given parameters, straight from the model equations. */
function mse(y: Float64Array, variant: 'otm' | 'dotm', level0: number, alpha: number, theta: number): number {
  const n = y.length;
  const { A, B } = prefixLines(y);
  let level = level0;
  let s = 0;
  let count = 0;
  for (let t = 1; t <= n; t++) {
    const a = variant === 'otm' ? A[n - 1]! : t >= 2 ? A[t - 2]! : 0;
    const b = variant === 'otm' ? B[n - 1]! : t >= 2 ? B[t - 2]! : 0;
    const mu = level + (1 - 1 / theta) * ((1 - alpha) ** (t - 1) * a + ((1 - (1 - alpha) ** t) / alpha) * b);
    if (variant === 'otm' || t >= 2) {
      s += (y[t - 1]! - mu) ** 2;
      count++;
    }
    level = alpha * y[t - 1]! + (1 - alpha) * level;
  }
  return s / count;
}

for (const variant of ['otm', 'dotm'] as const) {
  test(`${variant.toUpperCase()}: the fitted parameters minimise the one-step MSE within the bounds`, () => {
    for (const id of ['W1', 'W42', 'W250']) {
      const y = M4.get(id)!;
      const fit = fitOptimizedTheta(y, 1, variant);
      assert.ok(fit.alpha >= 0.1 && fit.alpha <= 0.99 && fit.theta >= 1, `${id}: bounds`);
      const best = mse(y, variant, fit.level0, fit.alpha, fit.theta);
      assert.ok(Math.abs(best - fit.sigma2) <= 1e-9 * best, `${id}: sigma2 ${fit.sigma2} vs recomputed ${best}`);
      // no nearby admissible point is better
      for (const [dl, da, dt] of [
        [1, 0, 0],
        [-1, 0, 0],
        [0, 0.01, 0],
        [0, -0.01, 0],
        [0, 0, 0.05],
        [0, 0, -0.05],
      ] as const) {
        const l = fit.level0 + dl * 0.01 * (1 + Math.abs(fit.level0));
        const a = Math.min(0.99, Math.max(0.1, fit.alpha + da));
        const th = Math.max(1, fit.theta * (1 + dt));
        assert.ok(mse(y, variant, l, a, th) >= best * (1 - 1e-9), `${id}: (${l}, ${a}, ${th}) beats the fit`);
      }
    }
  });
}

test('OTM and DOTM continue an exact straight line', () => {
  const y = Float64Array.from({ length: 40 }, (_, i) => 100 + 3 * i);
  for (const variant of ['otm', 'dotm'] as const) {
    const fc = predictOptimizedTheta(fitOptimizedTheta(y, 1, variant), 5, [0.5]);
    fc.mean.forEach((v, h) => assert.ok(Math.abs(v - (100 + 3 * (40 + h))) < 0.05, `${variant} step ${h + 1}: ${v}`));
  }
});

test('seasonal OTM puts the seasonal indices back', () => {
  const y = Float64Array.from({ length: 48 }, (_, i) => (200 + 0.5 * i) * (1 + 0.3 * Math.sin((2 * Math.PI * i) / 12)));
  const fit = fitOptimizedTheta(y, 12, 'otm');
  assert.ok(fit.seasonal !== undefined);
  const fc = predictOptimizedTheta(fit, 12, [0.05, 0.95]);
  const truth = Array.from(
    { length: 12 },
    (_, h) => (200 + 0.5 * (48 + h)) * (1 + 0.3 * Math.sin((2 * Math.PI * (48 + h)) / 12)),
  );
  fc.mean.forEach((v, h) =>
    assert.ok(Math.abs(v - truth[h]!) / truth[h]! < 0.05, `step ${h + 1}: ${v} vs ${truth[h]}`),
  );
  fc.quantiles[0]!.values.forEach((lo, h) =>
    assert.ok(lo <= fc.mean[h]! && fc.quantiles[1]!.values[h]! >= fc.mean[h]!),
  );
});
