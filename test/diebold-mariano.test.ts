/** The Diebold–Mariano test (with the Harvey–Leybourne–Newbold correction) against R forecast::dm.test. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { dieboldMariano, regularizedBeta, studentTCdf } from '../src/numerics/diebold-mariano.js';
import { REPO } from './helpers.js';

interface DmCase {
  h: number;
  power: 1 | 2;
  e1: number[];
  e2: number[];
  statistic: number;
  p_value: number;
}

// Rscript test/reference/dm.R > test/reference/dm.json (R 4.x, forecast 8.20):
// dm.test(e1, e2, alternative = "two.sided", h = h, power = power) on the errors of naive and seasonal naive
// forecasts of AirPassengers and log(AirPassengers) (24 and 8 months held out); pt(t, df) for the t distribution.
const REF: { dm: DmCase[]; pt: { t: number; df: number; p: number }[] } = JSON.parse(
  readFileSync(join(REPO, 'test/reference/dm.json'), 'utf8'),
);

test('dieboldMariano matches R forecast::dm.test (statistic and p-value to 1e-9) for h = 1, 2, 4 and both losses', () => {
  assert.equal(REF.dm.length, 12);
  for (const c of REF.dm) {
    const r = dieboldMariano(Float64Array.from(c.e1), Float64Array.from(c.e2), { h: c.h, power: c.power });
    const what = `n ${c.e1.length}, h ${c.h}, power ${c.power}`;
    assert.ok(Math.abs(r.statistic - c.statistic) <= 1e-9 * Math.max(1, Math.abs(c.statistic)), what);
    assert.ok(Math.abs(r.p_value - c.p_value) <= 1e-9, `${what}: p ${r.p_value} vs R ${c.p_value}`);
    assert.equal(r.n, c.e1.length);
  }
});

test("Student's t distribution function matches R pt to 1e-12; regularised beta at a closed form", () => {
  for (const { t, df, p } of REF.pt) assert.ok(Math.abs(studentTCdf(t, df) - p) < 1e-12, `pt(${t}, ${df})`);
  // I_x(1, b) = 1 − (1 − x)^b
  assert.ok(Math.abs(regularizedBeta(0.3, 1, 4) - (1 - 0.7 ** 4)) < 1e-14);
  // t with 1 df is Cauchy: F(t) = ½ + atan(t)/π
  assert.ok(Math.abs(studentTCdf(2.5, 1) - (0.5 + Math.atan(2.5) / Math.PI)) < 1e-13);
});

test('dieboldMariano: swapping the forecasts flips the sign, keeps the p-value; equal losses are refused', () => {
  const c = REF.dm[0]!;
  const a = dieboldMariano(Float64Array.from(c.e1), Float64Array.from(c.e2), { h: 1 });
  const b = dieboldMariano(Float64Array.from(c.e2), Float64Array.from(c.e1), { h: 1 });
  assert.ok(Math.abs(a.statistic + b.statistic) < 1e-12);
  assert.ok(Math.abs(a.p_value - b.p_value) < 1e-12);
  const e = Float64Array.from(c.e1);
  assert.throws(
    () =>
      dieboldMariano(
        e,
        e.map((v) => -v),
        { h: 1 },
      ),
    /zero variance/,
  );
  assert.throws(() => dieboldMariano(e, e.subarray(1), { h: 1 }), /e1 has 24/);
  // NaN pairs are dropped: the same result as without them
  const withGap = (v: number[]): Float64Array => Float64Array.from([...v.slice(0, 5), NaN, ...v.slice(5)]);
  const g = dieboldMariano(withGap(c.e1), withGap(c.e2), { h: 1, power: 2 });
  assert.equal(g.n, 24);
  assert.ok(Math.abs(g.statistic - c.statistic) < 1e-9);
});
