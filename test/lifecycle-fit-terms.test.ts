/**
 * The life-cycle curves' fits keep each period's exponentials between a residual pass and the normal equations at the
 * same point (issue #22: the life cycle of 100,000 SKUs). The oracle here is the fit as it was before: every share and
 * gradient computed by bassShareOf / gompertzShareOf and their gradient forms, at every call. Bit for bit the same
 * parameters and sums of squares, on random launch curves, noisy, flat, short and with a prior.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  type BassPrior,
  bassShareGradOf,
  bassShareOf,
  fitBass,
  fitGompertz,
  gompertzShareGradOf,
  gompertzShareOf,
} from '../src/lifecycle/curves.js';
import { levenbergMarquardt } from '../src/numerics/levenberg-marquardt.js';
import { mulberry32 } from '../src/numerics/random.js';
import { neumaierSum } from '../src/numerics/summation.js';

const BASS_STARTS: [number, number][] = [
  [0.01, 0.1],
  [0.01, 0.4],
  [0.03, 0.3],
  [0.05, 0.8],
  [0.2, 0.05],
];
const GOMPERTZ_STARTS: [number, number][] = [
  [3, 0.1],
  [5, 0.3],
  [10, 0.2],
  [2, 0.05],
];

/** The fit before the kept exponentials: [e^{x₀}, e^{x₁}, e^{x₂}] of the best start and its SSE (data rows only). */
function oracle(y: Float64Array, family: 'bass' | 'gompertz', prior?: BassPrior): [number[], number] | undefined {
  const n = y.length;
  const total = neumaierSum(y);
  let noise = 0;
  for (let t = 1; t < n; t++) noise += (y[t]! - y[t - 1]!) ** 2;
  const priorScale = prior === undefined ? 0 : Math.max(1e-6, Math.sqrt(noise / Math.max(1, n - 1) / 2)) / prior.sdLog;
  const shareOf = family === 'bass' ? bassShareOf : gompertzShareOf;
  const gradOf = family === 'bass' ? bassShareGradOf : gompertzShareGradOf;
  const residuals = (x: Float64Array, out: Float64Array): number => {
    if (!x.every((v) => Number.isFinite(v) && Math.abs(v) < 30)) return Infinity;
    const F = shareOf(Math.exp(x[0]!), Math.exp(x[1]!));
    const m = Math.exp(x[2]!);
    let before = F(0);
    let s = 0;
    for (let t = 1; t <= n; t++) {
      const now = F(t);
      const r = y[t - 1]! - m * (now - before);
      before = now;
      out[t - 1] = r;
      s += r * r;
    }
    if (prior !== undefined) {
      out[n] = priorScale * (x[0]! - Math.log(prior.p));
      out[n + 1] = priorScale * (x[1]! - Math.log(prior.q));
      s += out[n]! ** 2 + out[n + 1]! ** 2;
    }
    return Number.isFinite(s) ? s : Infinity;
  };
  const now = new Float64Array(2);
  const before = new Float64Array(2);
  const normalEquations = (x: Float64Array, r: Float64Array, JtJ: Float64Array, Jtr: Float64Array): boolean => {
    const G = gradOf(Math.exp(x[0]!), Math.exp(x[1]!));
    const m = Math.exp(x[2]!);
    let f0 = G(0, before);
    for (let t = 1; t <= n; t++) {
      const f1 = G(t, now);
      const j = [-m * (now[0]! - before[0]!), -m * (now[1]! - before[1]!), -m * (f1 - f0)];
      if (!j.every(Number.isFinite)) return false;
      const rt = r[t - 1]!;
      for (let a = 0; a < 3; a++) {
        Jtr[a] = Jtr[a]! + j[a]! * rt;
        for (let b = a; b < 3; b++) JtJ[a * 3 + b] = JtJ[a * 3 + b]! + j[a]! * j[b]!;
      }
      f0 = f1;
      before.set(now);
    }
    if (prior !== undefined) {
      Jtr[0] = Jtr[0]! + priorScale * r[n]!;
      JtJ[0] = JtJ[0]! + priorScale * priorScale;
      Jtr[1] = Jtr[1]! + priorScale * r[n + 1]!;
      JtJ[4] = JtJ[4]! + priorScale * priorScale;
    }
    return true;
  };
  const problem = { n: prior === undefined ? n : n + 2, residuals, normalEquations };
  const starts = family === 'bass' ? BASS_STARTS : GOMPERTZ_STARTS;
  let best: Float64Array | undefined;
  let bestSse = Infinity;
  for (const [a, b] of prior === undefined ? starts : [[prior.p, prior.q] as [number, number], ...starts])
    for (const mScale of [1.1, 1.5, 3]) {
      const x = Float64Array.of(Math.log(a), Math.log(b), Math.log(Math.max(1e-9, total * mScale)));
      const sse = levenbergMarquardt(problem, x, { maxIterations: 200 });
      if (sse < bestSse) {
        bestSse = sse;
        best = x;
      }
    }
  if (best === undefined || !Number.isFinite(bestSse)) return undefined;
  if (prior !== undefined) {
    const r = new Float64Array(n + 2);
    residuals(best, r);
    bestSse = 0;
    for (let t = 0; t < n; t++) bestSse += r[t]! ** 2;
  }
  return [Array.from(best, Math.exp), bestSse];
}

test('the curve fits with kept exponentials equal the fits that computed every share again, bit for bit', () => {
  const u = mulberry32(2026);
  let compared = 0;
  for (let k = 0; k < 120; k++) {
    const n = 4 + Math.floor(u() * 100);
    const peak = 1 + u() * n;
    const scale = u() < 0.2 ? 0.3 : 1 + u() * 60;
    const noise = u();
    const y = Float64Array.from({ length: n }, (_, t) => {
      const shape = k % 5 === 4 ? 1 : Math.exp(-(((t - peak) / (1 + u() * n * 0.3)) ** 2));
      return Math.max(0, Math.round(scale * shape * (1 + noise * (u() - 0.5) * 2)));
    });
    if (neumaierSum(y) <= 0) continue;
    const prior = k % 3 === 0 ? { p: 0.02 + u() * 0.05, q: 0.2 + u() * 0.4, sdLog: 0.5 } : undefined;
    for (const [family, fit] of [
      ['bass', fitBass(y, prior)],
      ['gompertz', prior === undefined ? fitGompertz(y) : undefined],
    ] as const) {
      if (family === 'gompertz' && prior !== undefined) continue;
      const want = oracle(y, family, prior);
      assert.equal(fit === undefined, want === undefined, `${family} ${k}: fitted or not`);
      if (fit === undefined || want === undefined) continue;
      assert.deepEqual(Object.values(fit.params), want[0], `${family} ${k}: parameters`);
      assert.equal(fit.sse, want[1], `${family} ${k}: sum of squares`);
      compared++;
    }
  }
  assert.ok(compared >= 150, `fits compared: ${compared}`);
});
