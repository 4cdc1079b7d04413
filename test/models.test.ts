import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { forecastBatch } from '../src/engine/forecast-batch.js';
import { forecastParallel } from '../src/engine/parallel-forecast.js';
import { makeBatch, seriesOffsets, sliceBatch, sliceSeries } from '../src/engine/series-batch.js';
import { fitArima } from '../src/models/arima-core.js';
import { autoArima, predictArima } from '../src/models/auto-arima.js';
import { autoEts, predictEts } from '../src/models/auto-ets.js';
import { DEFAULT_LEVELS } from '../src/models/contract.js';
import { fitMstl, mstl, predictMstl } from '../src/models/mstl.js';
import { MODELS } from '../src/models/registry.js';
import { stl } from '../src/numerics/stl.js';
import { fitTheta, predictTheta } from '../src/models/theta.js';
import { nelderMead } from '../src/numerics/nelder-mead.js';
import { normalQuantile } from '../src/numerics/normal.js';
import { REPO, assertClose, readFixtureSeries } from './helpers.js';

/** Five M4 Weekly training series (Makridakis et al. 2020; ../shared/data/m4-weekly), in the repo as a fixture. */
const M4 = readFixtureSeries('test/fixtures/m4-weekly-5.csv');
// R's datasets::AirPassengers (Box & Jenkins), monthly 1949–1960.
const AIR = Float64Array.from([
  112, 118, 132, 129, 121, 135, 148, 148, 136, 119, 104, 118, 115, 126, 141, 135, 125, 149, 170, 170, 158, 133, 114,
  140, 145, 150, 178, 163, 172, 178, 199, 199, 184, 162, 146, 166, 171, 180, 193, 181, 183, 218, 230, 242, 209, 191,
  172, 194, 196, 196, 236, 235, 229, 243, 264, 272, 237, 211, 180, 201, 204, 188, 235, 227, 234, 264, 302, 293, 259,
  229, 203, 229, 242, 233, 267, 269, 270, 315, 364, 347, 312, 274, 237, 278, 284, 277, 317, 313, 318, 374, 413, 405,
  355, 306, 271, 306, 315, 301, 356, 348, 355, 422, 465, 467, 404, 347, 305, 336, 340, 318, 362, 348, 363, 435, 491,
  505, 404, 359, 310, 337, 360, 342, 406, 396, 420, 472, 548, 559, 463, 407, 362, 405, 417, 391, 419, 461, 472, 535,
  622, 606, 508, 461, 390, 432,
]);
const series = (name: string): { y: Float64Array; m: number } =>
  name === 'AirPassengers' ? { y: AIR, m: 12 } : { y: M4.get(name)!, m: 1 };

test('normalQuantile equals R qnorm', () => {
  // Rscript -e 'cat(sprintf("%.17g", qnorm(c(0.975, 0.95, 0.75, 0.5, 0.05, 1e-10, 1-1e-12))))'
  const r = [
    1.9599639845400536, 1.6448536269514715, 0.67448975019608171, 0, -1.6448536269514726, -6.3613409024040557,
    7.0344869100478356,
  ];
  assertClose([0.975, 0.95, 0.75, 0.5, 0.05, 1e-10, 1 - 1e-12].map(normalQuantile), r, 1e-14, 'qnorm');
});

test('Nelder-Mead follows R optim step for step', () => {
  // Rscript -e 'r <- optim(c(-1.2,1), function(x) 100*(x[2]-x[1]^2)^2+(1-x[1])^2); print(r$par, digits=15); print(r$value, digits=15); print(r$counts)'
  const r = nelderMead((x) => 100 * (x[1]! - x[0]! ** 2) ** 2 + (1 - x[0]!) ** 2, [-1.2, 1]);
  assertClose(r.x, [1.00026013872567, 1.00050599930377], 1e-13, 'par');
  assertClose([r.value], [8.82524109672275e-8], 1e-12, 'value');
  assert.equal(r.evaluations, 195);
});

interface EtsRef {
  series: string;
  request: string;
  method: string;
  aicc: number;
  sigma2: number;
  mean: number[];
  lower90: number[];
  upper90: number[];
}

// Rscript test/reference/ets.R > test/reference/ets.json (R 4.x, forecast 8.x; ets() defaults, forecast(h, level = c(50, 90)))
const ETS_REF: EtsRef[] = JSON.parse(readFileSync(join(REPO, 'test/reference/ets.json'), 'utf8'));

for (const ref of ETS_REF) {
  test(`AutoETS matches R ets on ${ref.series}, model ${ref.request}: ${ref.method}`, () => {
    const { y, m } = series(ref.series);
    const fit = autoEts(y, m, ref.request === 'AAdM' ? { model: 'MAM', damped: true } : { model: ref.request });
    const fc = predictEts(fit, ref.mean.length, [0.05, 0.95]);
    assert.equal(fc.model, ref.method);
    assertClose([fit.aicc], [ref.aicc], 1e-8, 'AICc');
    assertClose([fit.sigma2], [ref.sigma2], 1e-6, 'sigma2');
    // R returns the mean of the forecast distribution for multiplicative seasonal models with a
    // trend (class 3), shopcast the point forecast: they differ by about σ²
    const class3 = fit.spec.season === 'M' && fit.spec.trend !== 'N';
    assertClose(fc.mean, ref.mean, class3 ? 2e-3 : 1e-8, 'mean');
    // Class 1 and 2: analytic intervals, as R. Seasonal multiplicative: simulated here, R's class-3
    // approximation in R.
    const analytic = fit.spec.season !== 'M';
    assertClose(fc.quantiles[1]!.values, ref.upper90, analytic ? 1e-7 : 2e-2, 'upper 90 %');
    assertClose(fc.quantiles[0]!.values, ref.lower90, analytic ? 1e-7 : 2e-2, 'lower 90 %');
  });
}

// Rscript test/reference/theta.R > test/reference/theta.json (thetaf(x, h, level = c(50, 90)))
const THETA_REF: { series: string; mean: number[]; lower90: number[]; upper90: number[] }[] = JSON.parse(
  readFileSync(join(REPO, 'test/reference/theta.json'), 'utf8'),
);
for (const ref of THETA_REF) {
  test(`Theta matches R thetaf on ${ref.series}`, () => {
    const { y, m } = series(ref.series);
    const fc = predictTheta(fitTheta(y, m), ref.mean.length, [0.05, 0.95]);
    assertClose(fc.mean, ref.mean, 1e-7, 'mean');
    assertClose(fc.quantiles[1]!.values, ref.upper90, 1e-7, 'upper 90 %');
    assertClose(fc.quantiles[0]!.values, ref.lower90, 1e-7, 'lower 90 %');
  });
}

// Rscript test/reference/arima.R > test/reference/arima.json (auto.arima(x); forecast(h = 13, level = 90); Arima for fixed orders)
const ARIMA_REF: {
  series: string;
  method?: string;
  mean?: number[];
  upper90?: number[];
  order?: number[];
  loglik?: number;
  aicc?: number;
}[] = JSON.parse(readFileSync(join(REPO, 'test/reference/arima.json'), 'utf8'));
for (const ref of ARIMA_REF.filter((r) => r.method !== undefined)) {
  test(`AutoARIMA chooses R's model on ${ref.series}: ${ref.method}`, () => {
    const fit = autoArima(M4.get(ref.series)!);
    const fc = predictArima(fit, 13, [0.95]);
    assert.equal(fc.model.replace(/ with (drift|non-zero mean|zero mean)$/, ''), ref.method);
    // R optimises with BFGS, shopcast with Nelder-Mead: the same optimum to a few parts in 10⁴
    assertClose(fc.mean, ref.mean!, 2e-3, 'mean');
    assertClose(fc.quantiles[0]!.values, ref.upper90!, 5e-3, 'upper 90 %');
  });
}
test('exact ARIMA likelihood and AICc equal R Arima for fixed orders', () => {
  for (const ref of ARIMA_REF.filter((r) => r.order !== undefined)) {
    const [p, d, q] = ref.order!;
    const fit = fitArima(M4.get('W7')!, { p: p!, d: d!, q: q!, constant: true }, 'ML');
    assertClose([fit.loglik], [ref.loglik!], 1e-7, `loglik ${ref.order}`);
    assertClose([fit.aicc], [ref.aicc!], 1e-7, `aicc ${ref.order}`);
  }
});

// Rscript test/reference/mstl.R > test/reference/mstl.json (stl(s.window = 11); mstl(msts(y, c(7, 30))); forecast(method = "ets"))
test('STL and MSTL decompose and forecast as R does', () => {
  const ref = JSON.parse(readFileSync(join(REPO, 'test/reference/mstl.json'), 'utf8'));
  const y = Float64Array.from({ length: 400 }, (_, i) => {
    const t = i + 1;
    return (
      100 +
      0.1 * t +
      10 * Math.sin((2 * Math.PI * t) / 7) +
      5 * Math.cos((2 * Math.PI * t) / 30) +
      3 * Math.sin(1.7 * t)
    );
  });
  const s = stl(y, 7, { sWindow: 11 });
  assertClose(
    s.seasonal.map((v) => v + 100),
    ref.stl7.seasonal.map((v: number) => v + 100),
    1e-11,
    'stl seasonal',
  );
  assertClose(s.trend, ref.stl7.trend, 1e-11, 'stl trend');
  const m = mstl(y, [7, 30]);
  assertClose(
    m.seasonals[0]!.map((v) => v + 100),
    ref.mstl.s7.map((v: number) => v + 100),
    1e-11,
    'mstl weekly',
  );
  assertClose(
    m.seasonals[1]!.map((v) => v + 100),
    ref.mstl.s30.map((v: number) => v + 100),
    1e-11,
    'mstl monthly',
  );
  assertClose(m.trend, ref.mstl.trend, 1e-11, 'mstl trend');
  assertClose(predictMstl(fitMstl(y, [7, 30]), 14, [0.5]).mean, ref.forecast, 1e-9, 'forecast');
});

// Five car-part demand series (Hyndman's expsmooth data, ../shared/data/carparts), trailing NaN = not observed.
const CARPARTS = readFixtureSeries('test/fixtures/carparts-5.csv');

// Rscript test/reference/croston.R > test/reference/croston.json (croston(x, h = 12, alpha = 0.1)$mean[1])
const CROSTON_REF: { series: string; mean: number }[] = JSON.parse(
  readFileSync(join(REPO, 'test/reference/croston.json'), 'utf8'),
);
test('Croston matches R croston on car-part series', () => {
  for (const ref of CROSTON_REF) {
    const fc = MODELS['croston']!.forecaster;
    const out = fc.predict(fc.fit(CARPARTS.get(ref.series)!, { seasonLength: 12 }), 12, DEFAULT_LEVELS, {
      seasonLength: 12,
    });
    assertClose([out.mean[0]!], [ref.mean], 1e-10, `croston ${ref.series}`);
    assert.ok(
      out.quantiles.every((q) => q.values.every((v) => v >= 0)),
      'quantiles never negative',
    );
  }
});

test('SBA is Croston times (1 − α/2); TSB decays while nothing sells', () => {
  const y = CARPARTS.get('21054794')!;
  const ctx = { seasonLength: 12 };
  const c = MODELS['croston']!.forecaster;
  const sba = MODELS['sba']!.forecaster;
  const cf = c.predict(c.fit(y, ctx), 1, [0.5], ctx).mean[0]!;
  const sf = sba.predict(sba.fit(y, ctx), 1, [0.5], ctx).mean[0]!;
  assertClose([sf], [cf * 0.95], 1e-12, 'SBA');
  const tsb = MODELS['tsb']!.forecaster;
  const withZeros = Float64Array.from([...y, ...new Array(12).fill(0)]);
  const before = tsb.predict(tsb.fit(y, ctx), 1, [0.5], ctx).mean[0]!;
  const after = tsb.predict(tsb.fit(withZeros, ctx), 1, [0.5], ctx).mean[0]!;
  assert.ok(after < before, `TSB after a year without demand (${after}) is below before (${before})`);
});

// The shared conformance suite over every model is test/conformance.test.ts.

test('the batch engine falls back per series and records why; forecasts are never negative', () => {
  const batch = makeBatch(
    ['ok', 'short', 'empty', 'gappy', 'neg'],
    [AIR, [5, 6], [NaN, NaN], [1, 2, NaN, 4, 5, 6, 7, 8, 9, 10], [5, 3, 1, -1, -3, -5, -7, -9, -11, -13]],
  );
  const out = forecastBatch(batch, { model: 'ets', h: 6, levels: DEFAULT_LEVELS, seasonLength: 12, nonNegative: true });
  assert.equal(out.models[0], 'ETS(M,Ad,M)');
  const byId = new Map(out.fallbacks.map((f) => [f.id, f]));
  assert.equal(byId.get('short')!.used, 'naive');
  assert.match(byId.get('short')!.reason, /^ets: need at least 4 observations, got 2/);
  assert.equal(byId.get('empty')!.used, 'zero');
  assert.match(byId.get('gappy')!.reason, /1 missing values carried forward/);
  assert.ok(out.mean.every((v) => v >= 0 && Number.isFinite(v)));
  assert.ok(out.quantiles.every((v) => v >= 0 && Number.isFinite(v)));
});

test('worker threads give the same forecasts as one thread', async () => {
  const ids = [...M4.keys()];
  const batch = makeBatch(
    ids,
    ids.map((id) => M4.get(id)!.slice(0, 300)),
  );
  // ETS with simulated intervals: the random streams are per series, so the split does not matter
  const opts = { model: 'ets', h: 13, levels: DEFAULT_LEVELS, seasonLength: 1, nonNegative: true };
  const one = forecastBatch(batch, opts);
  const two = await forecastParallel(batch, opts, 2);
  assert.deepEqual(two.mean, one.mean);
  assert.deepEqual(two.quantiles, one.quantiles);
  assert.deepEqual(two.models, one.models);
  // the series as a list (a plan's panel, never copied flat whole): cut into the same chunks, the same forecasts
  const series = ids.map((id) => M4.get(id)!.slice(0, 300));
  for (const threads of [1, 2]) {
    const listed = await forecastParallel({ ids, series }, opts, threads);
    assert.deepEqual(listed.mean, one.mean);
    assert.deepEqual(listed.quantiles, one.quantiles);
    assert.deepEqual(listed.models, one.models);
  }
});

test('sliceSeries cuts a list as sliceBatch cuts the flat batch, states included', () => {
  const series = [Float64Array.of(1, 2, 3), Float64Array.of(), Float64Array.of(4, 5)];
  const states = [Uint8Array.of(1), null, Uint8Array.of(2, 3)];
  const flat = { ...makeBatch(['a', 'b', 'c'], series), states };
  const list = { ids: ['a', 'b', 'c'], series, states };
  assert.deepEqual(seriesOffsets(list), flat.offsets);
  for (const [from, to] of [
    [0, 3],
    [1, 3],
    [0, 1],
    [2, 3],
  ] as const)
    assert.deepEqual(sliceSeries(list, from, to), sliceBatch(flat, from, to));
});
