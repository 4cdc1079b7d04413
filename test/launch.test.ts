/** New-product launches: text similarity, the launch plan from the sample shop, nothing read after --date, tracking. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { launchCurve } from '../src/launch/analogs.js';
import { conformalMargin } from '../src/launch/model.js';
import { buildTextIndex, cosine, textVector } from '../src/launch/text.js';
import { mulberry32, normalSource } from '../src/numerics/random.js';
import { SAMPLE, shopcast, tempDir, writeText } from './helpers.js';

test('TF-IDF over words and character n-grams: variants of a product are nearer than products sharing one word', () => {
  const docs = ['JUMBO BAG RED RETROSPOT', 'RED RETROSPOT MUG', 'JUMBO BAG PINK POLKADOT', 'LUNCH BAG RED RETROSPOT', 'WHITE HANGING HEART T-LIGHT HOLDER', 'GLASS STAR FROSTED T-LIGHT HOLDER'];
  const index = buildTextIndex(docs);
  const q = textVector(index, 'JUMBO BAG RETRO SPOT RED');
  const sims = index.docs.map((d) => cosine(q, d));
  const order = sims.map((s, i) => [s, i] as const).sort((a, b) => b[0] - a[0]).map(([, i]) => docs[i]);
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
    return { lo: mu.map((m) => Math.exp(m - 0.674)), hi: mu.map((m) => Math.exp(m + 0.674)), y: mu.map((m) => Math.exp(m + z())) };
  };
  const cal = draw(2000);
  const by = conformalMargin(cal.lo, cal.hi, cal.y, 0.1);
  const fresh = draw(20000);
  const covered = (margin: number): number => fresh.y.filter((v, k) => Math.log1p(v) >= Math.log1p(fresh.lo[k]!) - margin && Math.log1p(v) <= Math.log1p(fresh.hi[k]!) + margin).length / fresh.y.length;
  assert.ok(covered(0) < 0.6, `unwidened ${covered(0)}`);
  assert.ok(Math.abs(covered(by) - 0.9) < 0.015, `widened by ${by}: ${covered(by)}`);
});

test('shopcast launch on the sample shop: 12 weeks with ordered quantiles, analogs, stock, launch week, elasticity', () => {
  const { dir, cleanup } = tempDir();
  try {
    const ws = join(dir, 'ws');
    assert.equal(shopcast(['ingest', SAMPLE, '--workspace', ws]).code, 0);
    const r = shopcast(['launch', '--workspace', ws, '--name', 'JUMBO BAG VINTAGE CHRISTMAS', '--price', '2.08', '--date', '2011-09-01', '--json']);
    assert.equal(r.code, 0, r.err);
    const plan = JSON.parse(r.out) as {
      launch_date: string;
      data_until: string;
      forecast: { week_start: string; mean: number; p05: number; p25: number; p50: number; p75: number; p95: number }[];
      analogs: { description: string; first_sale: string }[];
      selling_now: { description: string }[];
      best_launch_week: { week_start: string; candidates: { week_start: string }[] };
      initial_stock: { units: number; service_level: number; cover_weeks: number };
      price_elasticity: { value: number };
      model: { launches_learned_from: number; established_products_learned_from: number };
    };
    assert.equal(plan.launch_date, '2011-09-01');
    // the model learns from the shop's earlier launches and from products already selling
    assert.ok(plan.model.launches_learned_from > 20 && plan.model.established_products_learned_from > plan.model.launches_learned_from, JSON.stringify(plan.model));
    assert.equal(plan.data_until, '2011-08-31');
    assert.equal(plan.forecast.length, 12);
    plan.forecast.forEach((w, k) => {
      assert.equal(w.week_start, new Date(Date.UTC(2011, 8, 1 + 7 * k)).toISOString().slice(0, 10));
      assert.ok(w.p05 <= w.p25 && w.p25 <= w.p50 && w.p50 <= w.p75 && w.p75 <= w.p95 && w.mean >= 0, JSON.stringify(w));
    });
    // the analogs are earlier launches, and the nearest products selling now are jumbo bags
    assert.ok(plan.analogs.length > 0 && plan.analogs.every((a) => a.first_sale < '2011-09-01'));
    assert.ok(plan.selling_now.slice(0, 2).every((s) => s.description.startsWith('JUMBO BAG')), JSON.stringify(plan.selling_now.slice(0, 2)));
    // comonotonic weeks: the stock is the sum of the first 4 weekly 95 % quantiles
    const p95 = plan.forecast.slice(0, 4).reduce((a, w) => a + w.p95, 0);
    assert.equal(plan.initial_stock.units, Math.ceil(p95));
    assert.equal(plan.best_launch_week.candidates.length, 8);
    assert.ok(plan.best_launch_week.candidates.some((c) => c.week_start === plan.best_launch_week.week_start));
    assert.ok(plan.price_elasticity.value < 0 && plan.price_elasticity.value > -3);
    // fewer weeks than the default 4 of stock cover: the cover shrinks to the weeks forecast
    const short = shopcast(['launch', '--workspace', ws, '--name', 'JUMBO BAG VINTAGE CHRISTMAS', '--price', '2.08', '--date', '2011-09-01', '--weeks', '3', '--json']);
    assert.equal(short.code, 0, short.err);
    const s3 = JSON.parse(short.out) as { forecast: unknown[]; initial_stock: { cover_weeks: number } };
    assert.equal(s3.forecast.length, 3);
    assert.equal(s3.initial_stock.cover_weeks, 3);
    assert.match(shopcast(['launch', '--workspace', ws, '--name', 'X', '--price', 'cheap']).err, /--price must be a number/);
    assert.match(shopcast(['launch', '--workspace', ws, '--name', 'X', '--price', '2', '--date', 'soon']).err, /unreadable date 'soon'/);
  } finally {
    cleanup();
  }
});

test('shopcast launch reads nothing after --date, and --track follows the launched SKU', () => {
  const { dir, cleanup } = tempDir();
  try {
    // the same plan from the full sample and from only its lines before the launch date
    const lines = gunzipSync(readFileSync(SAMPLE)).toString('utf8').split('\n');
    const before = [lines[0]!, ...lines.slice(1).filter((l) => l !== '' && (l.split(',').find((f) => /^\d{4}-\d\d-\d\d /.test(f)) ?? '9') < '2011-07-12')];
    const cut = writeText(dir, 'before.csv', before.join('\n') + '\n');
    const full = join(dir, 'full');
    const part = join(dir, 'part');
    assert.equal(shopcast(['ingest', SAMPLE, '--workspace', full]).code, 0);
    assert.equal(shopcast(['ingest', cut, '--workspace', part]).code, 0);
    const args = ['launch', '--name', 'SET OF 6 TEA TIME BAKING CASES', '--price', '1.25', '--date', '2011-07-12', '--json'];
    const a = JSON.parse(shopcast([...args, '--workspace', full, '--sku', '23296']).out) as { forecast: unknown[]; analogs: unknown[] };
    const b = JSON.parse(shopcast([...args, '--workspace', part]).out) as { forecast: unknown[]; analogs: unknown[] };
    assert.deepEqual(a.forecast, b.forecast);
    assert.deepEqual(a.analogs, b.analogs);
    // 23296 was really launched on 2011-07-12: the stored plan is compared with its sales
    const t = JSON.parse(shopcast(['launch', '--track', '--workspace', full, '--json']).out) as {
      launches: { sku: string; weeks_observed: number; weeks: { actual: number | null; forecast: number; updated: number }[]; ratio: number; status: string }[];
    };
    assert.equal(t.launches.length, 1);
    const l = t.launches[0]!;
    assert.equal(l.sku, '23296');
    assert.equal(l.weeks_observed, 12);
    assert.ok(l.weeks.every((w) => w.actual !== null));
    assert.notEqual(l.status, 'not sold yet');
    const sold = l.weeks.reduce((s, w) => s + w.actual!, 0);
    const planned = l.weeks.reduce((s, w) => s + w.forecast, 0);
    assert.ok(Math.abs(l.ratio - sold / planned) < 1e-9);
  } finally {
    cleanup();
  }
});

test('launchCurve from an offset: the weeks after a cut, days unknown filled by the week’s known mean', () => {
  const daily = Float64Array.from({ length: 28 }, (_, d) => d + 1);
  daily[15] = NaN;
  const p = { sku: 'X', description: 'X', category: null, firstDay: 10, firstPrice: 1, daily, price: new Float64Array(28) };
  const full = launchCurve(p, 4, 37);
  const cut = launchCurve(p, 3, 37, 7);
  assert.deepEqual(Array.from(cut), Array.from(full.slice(1)));
  // week 2 (days 7..13): 8 + … + 14 = 77; week 3 has day 15 unknown: 7 × mean of the 6 known days
  assert.equal(full[1], 77);
  assert.equal(full[2], (7 * (15 + 17 + 18 + 19 + 20 + 21)) / 6);
  // a week not complete by the as-of day is NaN
  assert.ok(Number.isNaN(launchCurve(p, 4, 36)[3]!));
});
