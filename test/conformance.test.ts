/**
 * The shared conformance suite (CONVENTIONS.md §3): every model the engine runs by name — the
 * registry's statistical models and `auto` — and the global model and its ensemble, held to the
 * same contract: fit + predict ≡ the engine's one-shot forecast, h steps at every requested level,
 * quantiles ordered, no NaN out for valid input, and declared capabilities honoured (the engine
 * never hands a model a series it declares it cannot take; such a series gets the declared
 * fallback with a reason).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ENGINE_MODELS, entryDeclines, forecastBatch, seriesNormal } from '../src/engine/forecast-batch.js';
import { forecastParallel } from '../src/engine/parallel-forecast.js';
import { quantileAt, quantileRow, quantileStep, seriesMean, seriesQuantiles } from '../src/engine/quantile-view.js';
import { makeBatch } from '../src/engine/series-batch.js';
import { forecastEnsemble } from '../src/global/ensemble.js';
import { forecastGlobal, trainGlobal } from '../src/global/global-model.js';
import type { Panel } from '../src/global/panel.js';
import { DEFAULT_LEVELS, type Forecast, type Forecaster, declineReason } from '../src/models/contract.js';
import { mulberry32 } from '../src/numerics/random.js';
import { poissonSource, readFixtureSeries } from './helpers.js';
import { DEMAND_AUTO } from '../src/engine/auto-choice.js';

const H = 13;
const M4 = readFixtureSeries('test/fixtures/m4-weekly-5.csv');
const SEASONAL = readFixtureSeries('test/fixtures/seasonal-series.csv');
const CARPARTS = readFixtureSeries('test/fixtures/carparts-5.csv');

/** Valid series (finite, long enough for most models) with their season lengths. */
const VALID: { id: string; y: Float64Array; m: number }[] = [
  { id: 'AirPassengers', y: SEASONAL.get('AirPassengers')!, m: 12 },
  { id: 'W7', y: M4.get('W7')!.slice(0, 200), m: 1 },
  { id: 'intermittent', y: Float64Array.from([3, 0, 4, 1, 0, 2, 5, 0, 3, 1, 0, 0, 2, 6, 1, 0, 3, 2]), m: 7 },
  { id: 'carpart', y: CARPARTS.get('21054794')!, m: 12 },
  {
    id: 'daily',
    y: Float64Array.from(
      { length: 120 },
      (_, t) => 50 + 0.2 * t + 12 * Math.sin((2 * Math.PI * t) / 7) + 4 * Math.cos(1.3 * t),
    ),
    m: 7,
  },
];

/** Series a model may well not take: empty, short, missing values, negative, constant. */
const AWKWARD: [string, number[]][] = [
  ['empty', []],
  ['all-nan', [NaN, NaN, NaN]],
  ['one', [4]],
  ['two', [5, 6]],
  ['three', [1, 2, 3]],
  ['four', [2, 0, 3, 1]],
  ['gappy', [1, 2, NaN, 4, 5, 6, 7, NaN, 9, 10, 11, 12, 13, 14, 15, 16]],
  ['leading-nan', [NaN, NaN, 3, 0, 0, 2, 0, 0, 0, 1, 0, 4, 0, 0, 1, 0, 0, 0, 2, 0]],
  ['trailing-nan', [2, 0, 1, 0, 0, 3, 0, 1, 0, 0, 2, 0, 1, NaN, NaN, NaN]],
  ['negative', [5, 3, 1, -1, -3, -5, -7, -9, -11, -13, -12, -14, -15, -17, -19, -18]],
  ['constant', new Array(30).fill(4)],
  ['zeros', new Array(20).fill(0)],
  ['thirty', Array.from({ length: 30 }, (_, t) => 10 + t + 5 * Math.sin(t))],
];

function assertShape(name: string, fc: Forecast, levels: readonly number[]): void {
  assert.equal(fc.mean.length, H, `${name}: length === h`);
  assert.deepEqual(
    fc.quantiles.map((q) => q.level),
    [...levels],
    `${name}: one quantile per requested level`,
  );
  for (const q of fc.quantiles) assert.equal(q.values.length, H, `${name}: quantile length === h`);
  for (let t = 0; t < H; t++) {
    assert.ok(Number.isFinite(fc.mean[t]!), `${name}: finite mean at step ${t}`);
    for (const q of fc.quantiles) assert.ok(Number.isFinite(q.values[t]!), `${name}: finite quantile at step ${t}`);
    for (let l = 1; l < fc.quantiles.length; l++)
      assert.ok(
        fc.quantiles[l]!.values[t]! >= fc.quantiles[l - 1]!.values[t]! - 1e-9,
        `${name}: quantiles ordered at step ${t}`,
      );
  }
}

for (const [name, entry] of Object.entries(ENGINE_MODELS)) {
  test(`conformance: ${name}`, () => {
    const f = entry.forecaster;
    const caps = f.capabilities;
    let accepted = 0;
    for (const { id, y, m } of VALID) {
      if (entryDeclines(entry, y, m) !== undefined) continue;
      accepted++;
      const what = `${name} on ${id}`;
      // a series the model declares it takes, it fits: exceptions are for numerical failures only
      const ctx = { seasonLength: m, normal: seriesNormal(id) };
      const fit = f.fit(y, ctx);
      const fc = f.predict(fit, H, DEFAULT_LEVELS, ctx);
      assertShape(what, fc, DEFAULT_LEVELS);
      assert.equal(f.fittedValues(fit).length, y.length, `${what}: one fitted value per observation`);
      // fit + predict ≡ the engine's one-shot forecast (same random stream, no clamping)
      const batch = forecastBatch(makeBatch([id], [y]), {
        model: name,
        h: H,
        levels: DEFAULT_LEVELS,
        seasonLength: m,
        nonNegative: false,
      });
      assert.deepEqual(batch.fallbacks, [], `${what}: no fallback`);
      assert.equal(batch.models[0], fc.model, `${what}: model name`);
      assert.deepEqual(seriesMean(batch, 0), fc.mean, `${what}: engine mean ≡ fit + predict`);
      DEFAULT_LEVELS.forEach((_, l) =>
        assert.deepEqual(
          quantileRow(batch, 0, l),
          fc.quantiles[l]!.values,
          `${what}: engine quantiles ≡ fit + predict`,
        ),
      );
      // fitting is a pure function of the data (and the injected random stream)
      const ctx2 = { seasonLength: m, normal: seriesNormal(id) };
      assert.deepEqual(f.predict(f.fit(y, ctx2), H, DEFAULT_LEVELS, ctx2), fc, `${what}: same data, same forecast`);
      // intervals not declared simulated do not depend on the random stream
      if (caps.intervals !== 'simulated') {
        const other = { seasonLength: m, normal: seriesNormal(`${id}-other`, 7) };
        assert.deepEqual(
          f.predict(f.fit(y, other), H, DEFAULT_LEVELS, other),
          fc,
          `${what}: ${caps.intervals} intervals need no random numbers`,
        );
      }
    }
    assert.ok(accepted > 0, `${name} declines every series of the suite`);
  });
}

/** Replaces every engine model's fit by one that records what it is handed; restores them after. */
interface FitCall {
  name: string;
  y: Float64Array;
  m: number;
  random: boolean;
}

function withSpies(run: (calls: FitCall[]) => void): void {
  const calls: FitCall[] = [];
  const saved: [Forecaster, Forecaster['fit']][] = [];
  for (const [name, entry] of Object.entries(ENGINE_MODELS)) {
    const f = entry.forecaster;
    if (saved.some(([g]) => g === f)) continue;
    const fit = f.fit;
    saved.push([f, fit]);
    f.fit = (y, ctx) => {
      calls.push({ name, y: Float64Array.from(y), m: ctx.seasonLength, random: ctx.normal !== undefined });
      return fit.call(f, y, ctx);
    };
  }
  try {
    run(calls);
  } finally {
    for (const [f, fit] of saved) f.fit = fit;
  }
}

test('conformance: the engine never hands a model a series its declared capabilities exclude (nor random numbers it does not declare)', () => {
  withSpies((calls) => {
    const batch = makeBatch(
      AWKWARD.map(([id]) => id),
      AWKWARD.map(([, y]) => y),
    );
    for (const name of Object.keys(ENGINE_MODELS))
      for (const m of [1, 7, 12]) {
        const out = forecastBatch(batch, {
          model: name,
          h: 6,
          levels: DEFAULT_LEVELS,
          seasonLength: m,
          nonNegative: false,
        });
        // valid input in, no NaN out: every series gets finite numbers (zeros when it has no observation)
        assert.ok(
          out.mean.every(Number.isFinite) && out.quantiles.every(Number.isFinite),
          `${name}, m = ${m}: finite forecasts`,
        );
        for (let i = 0; i < batch.ids.length; i++)
          for (let t = 0; t < 6; t++) {
            const col = quantileStep(out, i, t, new Float64Array(DEFAULT_LEVELS.length));
            for (let l = 1; l < col.length; l++) assert.ok(col[l]! >= col[l - 1]!, `${name}: ordered quantiles`);
          }
      }
    assert.ok(calls.length > 0);
    for (const c of calls) {
      const caps = ENGINE_MODELS[c.name]!.forecaster.capabilities;
      const why = declineReason(caps, c.y, c.m);
      assert.equal(
        why,
        undefined,
        `${c.name} was handed [${[...c.y].join(', ')}] at m = ${c.m}, which it declares it does not take: ${why}`,
      );
      if (!caps.acceptsNaN) assert.ok(c.y.every(Number.isFinite), `${c.name} declares acceptsNaN: false but got NaN`);
      if (!caps.acceptsNegative)
        assert.ok(
          c.y.every((v) => v >= 0),
          `${c.name} declares acceptsNegative: false but got a negative value`,
        );
      assert.ok(
        c.y.length >= caps.minLength,
        `${c.name} got ${c.y.length} values, fewer than its minLength ${caps.minLength}`,
      );
      if (caps.intervals !== 'simulated')
        assert.ok(!c.random, `${c.name} declares ${caps.intervals} intervals but was given random numbers`);
    }
  });
});

test('conformance: a series a model declines gets the declared fallback, with the reason', () => {
  for (const [name, entry] of Object.entries(ENGINE_MODELS)) {
    const caps = entry.forecaster.capabilities;
    const cases: { y: number[]; m: number; reason: RegExp }[] = [];
    if (caps.minLength > 1)
      cases.push({
        y: [3, 1, 4, 1, 5, 9, 2, 6, 5, 3].slice(0, caps.minLength - 1),
        m: 1,
        reason: /need at least \d+ observations/,
      });
    if (caps.needsSeason !== undefined)
      cases.push({
        y: Array.from({ length: 40 }, (_, t) => 10 + (t % 4) + Math.sin(t)),
        m: 1,
        reason: /needs a season length/,
      });
    if (!caps.acceptsNegative) cases.push({ y: [3, 0, -1, 2, 0, 0, 1], m: 1, reason: /negative values/ });
    if (name === 'auto') cases.push({ y: [5, 6, 7], m: 1, reason: /none of its candidates accepts the series/ });
    for (const c of cases) {
      const out = forecastBatch(makeBatch(['x'], [c.y]), {
        model: name,
        h: 4,
        levels: DEFAULT_LEVELS,
        seasonLength: c.m,
        nonNegative: false,
      });
      assert.equal(out.fallbacks.length, 1, `${name} on [${c.y}]: a fallback is recorded`);
      const fb = out.fallbacks[0]!;
      assert.equal(fb.model, name);
      // a model down the declared chain, never one that declares it does not take the series;
      // every model passed over says why (declined, or a numerical failure)
      const chain: string[] = [];
      for (let next = entry.fallback; next !== undefined; next = ENGINE_MODELS[next]!.fallback) chain.push(next);
      chain.push('zero');
      const at = chain.indexOf(fb.used);
      assert.ok(
        at >= 0,
        `${name} on [${c.y}]: ${fb.used} is not down its declared fallback chain ${chain.join(' → ')}`,
      );
      if (fb.used !== 'zero')
        assert.equal(entryDeclines(ENGINE_MODELS[fb.used]!, Float64Array.from(c.y), c.m), undefined);
      for (const passed of chain.slice(0, at))
        assert.match(fb.reason, new RegExp(`; ${passed}: `), `${name}: why ${passed} was passed over`);
      assert.match(fb.reason, new RegExp(`^${name}: ${c.reason.source}`), `${name}: the reason`);
      assert.ok(out.mean.every(Number.isFinite));
    }
  }
  // a series with missing values: filled for models that do not take NaN, and said so
  const out = forecastBatch(makeBatch(['gappy'], [[1, 2, NaN, 4, 5, 6, 7, 8, 9, 10]]), {
    model: 'ets',
    h: 3,
    levels: DEFAULT_LEVELS,
    seasonLength: 1,
    nonNegative: false,
  });
  assert.deepEqual(
    out.fallbacks.map((f) => [f.used, f.reason]),
    [['ets', '1 missing values carried forward']],
  );
});

/** A small daily panel from plain arrays: weekly pattern, SKU level, Poisson noise; no prices, promotions or closed days. */
function plainPanel(skus: number, days: number): Panel {
  const rand = mulberry32(5);
  const poisson = poissonSource(rand);
  const units = Array.from({ length: skus }, (_, s) =>
    Float64Array.from({ length: days - (s % 3) * 20 }, (_, d) =>
      poisson((2 + (s % 4) * 3) * (1 + 0.5 * Math.sin((2 * Math.PI * d) / 7))),
    ),
  );
  return {
    ids: units.map((_, s) => `S${s}`),
    starts: units.map((u) => Date.UTC(2024, 0, 1) + (days - u.length) * 86_400_000),
    units,
    price: units.map((u) => new Float64Array(u.length).fill(NaN)),
    promo: units.map((u) => new Float64Array(u.length).fill(NaN)),
    closed: units.map((u) => new Float64Array(u.length)),
    lastDay: Date.UTC(2024, 0, 1) + (days - 1) * 86_400_000,
  };
}

function assertBatchContract(
  name: string,
  fc: { h: number; levels: readonly number[]; mean: Float64Array; quantiles: Float64Array; models: string[] },
  series: number,
  h: number,
): void {
  assert.equal(fc.h, h, `${name}: h`);
  assert.equal(fc.models.length, series, `${name}: one model per series`);
  assert.equal(fc.mean.length, series * h, `${name}: h means per series`);
  assert.equal(fc.quantiles.length, series * fc.levels.length * h, `${name}: h quantiles per level and series`);
  for (let i = 0; i < series; i++) {
    assert.equal(seriesQuantiles(fc, i).length, fc.levels.length * h);
    for (let t = 0; t < h; t++) {
      assert.ok(
        Number.isFinite(seriesMean(fc, i)[t]!) && seriesMean(fc, i)[t]! >= 0,
        `${name}: finite, non-negative mean`,
      );
      for (let l = 0; l < fc.levels.length; l++) {
        assert.ok(Number.isFinite(quantileAt(fc, i, l, t)), `${name}: finite quantiles`);
        if (l > 0) assert.ok(quantileAt(fc, i, l, t) >= quantileAt(fc, i, l - 1, t), `${name}: quantiles ordered`);
      }
    }
  }
}

test('conformance: global and ensemble on a panel built from plain arrays', async () => {
  const h = 14;
  const panel = plainPanel(9, 180);
  const train = () => trainGlobal(panel, { h, levels: DEFAULT_LEVELS, rounds: 30, seed: 2, threads: 1 });
  const model = await train();
  assert.deepEqual(
    model.quantiles.map((q) => q.level),
    [...DEFAULT_LEVELS],
  );
  // global: fit (train) then predict (forecast) for every SKU, none declined
  const g = forecastGlobal(panel, model, h);
  assertBatchContract('global', g, panel.ids.length, h);
  assert.ok(g.models.every((m) => m === 'global') && g.fallbacks.length === 0, 'global declines no SKU');
  // training is a pure function of the panel and the seed
  assert.deepEqual(forecastGlobal(panel, await train(), h), g, 'global: same data and seed, same forecast');

  // ensemble: the weighted mix of the global model and auto, with the weights it reports
  const { forecast: e, weights } = await forecastEnsemble(panel, model, h, DEFAULT_LEVELS, 1);
  assertBatchContract('ensemble', e, panel.ids.length, h);
  assert.ok(weights.mean >= 0 && weights.mean <= 1 && weights.quantiles >= 0 && weights.quantiles <= 1);
  const s = await forecastParallel(
    makeBatch(panel.ids, panel.units),
    // the ensemble's statistical member is auto as a shop's demand gets it
    { model: 'auto', h, levels: DEFAULT_LEVELS, seasonLength: 7, nonNegative: true, auto: DEMAND_AUTO },
    1,
  );
  for (let i = 0; i < e.mean.length; i++)
    assert.ok(
      Math.abs(e.mean[i]! - (weights.mean * g.mean[i]! + (1 - weights.mean) * s.mean[i]!)) < 1e-9,
      'ensemble mean ≡ its members mixed',
    );
  assert.ok(e.models.every((m, i) => m === `ensemble(global ${weights.mean.toFixed(1)}, ${s.models[i]})`));
});
