/**
 * The intermittent models' parameter searches evaluate several candidates per pass over the series (ADIDA's and
 * Croston's golden-section search two steps at a time, TSB's grid in one pass): they must choose exactly what the
 * one-candidate-a-pass searches choose. The references below are those searches as written before.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { optimiseAlpha, sesMse } from '../src/models/intermittent-common.js';
import { fitTsb } from '../src/models/tsb.js';
import { mulberry32 } from '../src/numerics/random.js';

/** Golden-section search, one new point a step. */
function optimiseAlphaOneByOne(x: ArrayLike<number>, lo = 0.1, hi = 0.3): number {
  if (x.length < 3) return lo;
  const g = (Math.sqrt(5) - 1) / 2;
  let a = lo;
  let b = hi;
  let c = b - g * (b - a);
  let d = a + g * (b - a);
  let fc = sesMse(x, c);
  let fd = sesMse(x, d);
  for (let it = 0; it < 40; it++) {
    if (fc < fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - g * (b - a);
      fc = sesMse(x, c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + g * (b - a);
      fd = sesMse(x, d);
    }
  }
  return (a + b) / 2;
}

/** TSB's in-sample run at one pair of constants. */
function tsbRun(y: Float64Array, aP: number, aZ: number): { sse: number; level: number } {
  let first = 0;
  while (first < y.length && y[first]! <= 0) first++;
  let p = first < y.length ? 1 / (first + 1) : 0;
  let z = first < y.length ? y[first]! : 0;
  let sse = 0;
  for (let t = 0; t < y.length; t++) {
    const f = p * z;
    if (t > first) sse += (y[t]! - f) ** 2;
    const d = y[t]! > 0 ? 1 : 0;
    p += aP * (d - p);
    if (d === 1) z += aZ * (y[t]! - z);
  }
  return { sse, level: p * z };
}

/** TSB's grid searched one pair a pass. */
function tsbOneByOne(y: Float64Array): { aP: number; aZ: number; level: number } {
  let best = { sse: Infinity, aP: 0.1, aZ: 0.1 };
  for (const aP of [0.02, 0.05, 0.1, 0.15, 0.2, 0.3])
    for (const aZ of [0.02, 0.05, 0.1, 0.15, 0.2, 0.3]) {
      const r = tsbRun(y, aP, aZ);
      if (r.sse < best.sse) best = { sse: r.sse, aP, aZ };
    }
  return { aP: best.aP, aZ: best.aZ, level: tsbRun(y, best.aP, best.aZ).level };
}

/** Random demand series: intermittent, lumpy, smooth, constant, all zero, fractional, short. */
function series(seed: number): Float64Array {
  const r = mulberry32(seed);
  const kind = seed % 7;
  const n = kind === 6 ? 1 + Math.floor(r() * 4) : 3 + Math.floor(r() * 800);
  const rate = kind === 0 ? 0.02 : kind === 1 ? 0.2 : kind === 2 ? 0.9 : 0.5;
  return Float64Array.from({ length: n }, () => {
    if (kind === 3) return 4;
    if (kind === 4) return 0;
    if (r() >= rate) return 0;
    const size = 1 + Math.floor(-Math.log(1 - r()) * (kind === 1 ? 40 : 5));
    return kind === 5 ? size * r() : size;
  });
}

test('the golden-section search two steps a pass chooses what one step a pass chooses, bit for bit', () => {
  for (let seed = 1; seed <= 3000; seed++) {
    const y = series(seed);
    for (const [lo, hi] of [
      [0.1, 0.3],
      [0.01, 0.99],
    ] as const) {
      const got = optimiseAlpha(y, lo, hi);
      const want = optimiseAlphaOneByOne(y, lo, hi);
      assert.ok(Object.is(got, want), `seed ${seed} [${lo}, ${hi}]: ${got} against ${want}`);
    }
    // Croston's sizes and intervals come as plain arrays
    const sizes = [...y].filter((v) => v > 0);
    assert.ok(Object.is(optimiseAlpha(sizes), optimiseAlphaOneByOne(sizes)), `seed ${seed}: sizes`);
  }
});

test("TSB's grid in one pass chooses what 36 runs choose, bit for bit", () => {
  for (let seed = 1; seed <= 3000; seed++) {
    const y = series(seed);
    const fit = fitTsb(y);
    const want = tsbOneByOne(y);
    assert.deepEqual([fit.alphaP, fit.alphaZ], [want.aP, want.aZ], `seed ${seed}`);
    assert.ok(Object.is(fit.level, want.level), `seed ${seed}: level ${fit.level} against ${want.level}`);
  }
});
