/** Seasonal ARIMA against R's forecast::auto.arima and Arima (test/reference/sarima.R). */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fitArima, forecastArima } from '../src/models/arima-core.js';
import { autoArima, nsdiffs, predictArima } from '../src/models/auto-arima.js';
import { REPO, assertClose } from './helpers.js';

// R's AirPassengers, USAccDeaths, nottem, UKgas and log(AirPassengers), written by the R script
const SERIES = new Map(
  readFileSync(join(REPO, 'test/fixtures/seasonal-series.csv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => {
      const [id, m, values] = l.split(',');
      return [id!, { m: Number(m), y: Float64Array.from(values!.split(' ').map(Number)) }] as const;
    }),
);

interface Ref {
  series: string;
  kind: 'auto' | 'fixed';
  D?: number;
  method?: string;
  order?: number[];
  seasonal?: number[];
  constant?: boolean;
  loglik: number;
  loglik_exact?: number;
  aicc?: number;
  coef?: number[];
  mean: number[];
  upper90: number[];
}
// Rscript test/reference/sarima.R test/fixtures/seasonal-series.csv > test/reference/sarima.json
const REF: Ref[] = JSON.parse(readFileSync(join(REPO, 'test/reference/sarima.json'), 'utf8'));

for (const ref of REF.filter((r) => r.kind === 'fixed')) {
  test(`seasonal ARIMA ${ref.series} ${ref.order}(${ref.seasonal}): likelihood, coefficients and forecasts equal R Arima`, () => {
    const { y, m } = SERIES.get(ref.series)!;
    const [p, d, q] = ref.order!;
    const [P, D, Q] = ref.seasonal!;
    const fit = fitArima(y, { p: p!, d: d!, q: q!, P, D, Q, m, constant: ref.constant! }, 'ML');
    // the exact likelihood equals R's arima on the differenced series; R's default (a diffuse prior
    // of variance 1e6 on the differenced states) approximates it, 0.003 away on log(AirPassengers)
    assertClose([fit.loglik], [ref.loglik_exact!], 1e-7, 'exact loglik');
    assertClose([fit.loglik], [ref.loglik], 2e-5, 'loglik');
    assertClose([fit.aicc], [ref.aicc!], 2e-5, 'aicc');
    const coef = [...fit.phi, ...fit.theta, ...fit.sphi, ...fit.stheta, ...(ref.constant ? [fit.mu] : [])];
    // R's BFGS and shopcast's Levenberg–Marquardt stop at the same optimum to about 1e-4
    for (let i = 0; i < coef.length; i++)
      assert.ok(
        Math.abs(coef[i]! - ref.coef![i]!) < 2e-3 * Math.max(1, Math.abs(ref.coef![i]!)),
        `coef ${i}: ${coef[i]} vs R ${ref.coef![i]}`,
      );
    const fc = forecastArima(fit, m);
    assertClose(fc.mean, ref.mean, 1e-4, 'mean');
    assertClose(
      fc.mean.map((mu, i) => mu + 1.6448536269514722 * Math.sqrt(fc.variance[i]!)),
      ref.upper90,
      1e-4,
      'upper 90 %',
    );
  });
}

for (const ref of REF.filter((r) => r.kind === 'auto')) {
  test(`AutoARIMA chooses R's seasonal model on ${ref.series}: ${ref.method}`, () => {
    const { y, m } = SERIES.get(ref.series)!;
    assert.equal(nsdiffs(y, m), ref.D, 'seasonal differences');
    const fit = autoArima(y, { m });
    const fc = predictArima(fit, 2 * m, [0.95]);
    assert.equal(fc.model, ref.method);
    assertClose([fit.loglik], [ref.loglik], 1e-4, 'loglik');
    assertClose(fc.mean, ref.mean, 2e-3, 'mean');
    assertClose(fc.quantiles[0]!.values, ref.upper90, 5e-3, 'upper 90 %');
  });
}

test('seasonal ARIMA never forecasts NaN on a short or flat seasonal series', () => {
  const flat = new Float64Array(40).fill(7);
  const f1 = predictArima(autoArima(flat, { m: 12 }), 12, [0.05, 0.95]);
  assert.ok(f1.mean.every((v) => v === 7));
  // exactly periodic: seasonal differencing leaves a constant
  const periodic = Float64Array.from({ length: 48 }, (_, i) => 10 + (i % 12));
  const f2 = predictArima(autoArima(periodic, { m: 12 }), 12, [0.5]);
  assert.ok(
    f2.mean.every((v, i) => Math.abs(v - (10 + (i % 12))) < 1e-6),
    `periodic: ${f2.mean}`,
  );
});
