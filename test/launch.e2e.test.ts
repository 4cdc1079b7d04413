/** shopcast launch (in-process) on the sample shop: the launch plan, nothing read after --date, tracking. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { cli, SAMPLE, tempDir, writeText } from './helpers.js';

// One workspace with the whole sample shop, ingested once for both tests: launches without --sku
// store nothing in it, so the first test leaves it as the second expects it.
const { dir, cleanup } = tempDir();
const full = join(dir, 'full');
before(async () => {
  const r = await cli(['ingest', SAMPLE, '--workspace', full]);
  assert.equal(r.code, 0, r.err);
});
after(cleanup);

/** The launch both plan tests ask for: a Christmas bag on 2011-09-01. */
const CHRISTMAS_BAG = [
  'launch',
  '--workspace',
  full,
  '--name',
  'JUMBO BAG VINTAGE CHRISTMAS',
  '--price',
  '2.08',
  '--date',
  '2011-09-01',
];

test('shopcast launch on the sample shop: 12 weeks with ordered quantiles, analogs, stock, launch week, elasticity', async () => {
  const r = await cli([...CHRISTMAS_BAG, '--json']);
  assert.equal(r.code, 0, r.err);
  const plan = JSON.parse(r.out) as {
    launch_date: string;
    data_until: string;
    forecast: { week_start: string; mean: number; p05: number; p25: number; p50: number; p75: number; p95: number }[];
    analogs: { description: string; first_sale: string }[];
    selling_now: { description: string }[];
    best_launch_week: { week_start: string; candidates: { week_start: string }[] };
    initial_stock: { units: number; service_level: number; cover_weeks: number; cover_mean: number };
    price_elasticity: { value: number };
    model: { launches_learned_from: number; established_products_learned_from: number };
  };
  assert.equal(plan.launch_date, '2011-09-01');
  // the model learns from the shop's earlier launches and from products already selling
  assert.ok(
    plan.model.launches_learned_from > 20 &&
      plan.model.established_products_learned_from > plan.model.launches_learned_from,
    JSON.stringify(plan.model),
  );
  assert.equal(plan.data_until, '2011-08-31');
  assert.equal(plan.forecast.length, 12);
  plan.forecast.forEach((w, k) => {
    assert.equal(w.week_start, new Date(Date.UTC(2011, 8, 1 + 7 * k)).toISOString().slice(0, 10));
    assert.ok(w.p05 <= w.p25 && w.p25 <= w.p50 && w.p50 <= w.p75 && w.p75 <= w.p95 && w.mean >= 0, JSON.stringify(w));
    // quantiles that agree with the mean: strictly ordered for a product selling ≥ 10 a week, the
    // mean inside the 90 % band (they were p50 = p75 and a band wholly below the mean)
    if (w.mean >= 10) assert.ok(w.p05 < w.p25 && w.p25 < w.p50 && w.p50 < w.p75 && w.p75 < w.p95, JSON.stringify(w));
    assert.ok(w.p05 <= w.mean && w.mean <= w.p95, JSON.stringify(w));
  });
  // the analogs are earlier launches, and the nearest products selling now are jumbo bags
  assert.ok(plan.analogs.length > 0 && plan.analogs.every((a) => a.first_sale < '2011-09-01'));
  assert.ok(
    plan.selling_now.slice(0, 2).every((s) => s.description.startsWith('JUMBO BAG')),
    JSON.stringify(plan.selling_now.slice(0, 2)),
  );
  // the stock is the 95 % quantile of the 4 weeks' summed demand, the weeks comonotonic (the launch level drives
  // them all): the sum of the weekly 95 % quantiles, which the band now places above the summed mean
  const p95 = plan.forecast.slice(0, 4).reduce((a, w) => a + w.p95, 0);
  const mean4 = plan.forecast.slice(0, 4).reduce((a, w) => a + w.mean, 0);
  assert.equal(plan.initial_stock.units, Math.ceil(p95));
  assert.ok(plan.initial_stock.units >= mean4, `${plan.initial_stock.units} vs mean ${mean4}`);
  assert.ok(Math.abs(plan.initial_stock.cover_mean - mean4) < 1e-9);
  assert.equal(plan.best_launch_week.candidates.length, 8);
  assert.ok(plan.best_launch_week.candidates.some((c) => c.week_start === plan.best_launch_week.week_start));
  assert.ok(plan.price_elasticity.value < 0 && plan.price_elasticity.value > -3);
  // fewer weeks than the default 4 of stock cover: the cover shrinks to the weeks forecast
  const short = await cli([...CHRISTMAS_BAG, '--weeks', '3', '--json']);
  assert.equal(short.code, 0, short.err);
  const s3 = JSON.parse(short.out) as { forecast: unknown[]; initial_stock: { cover_weeks: number } };
  assert.equal(s3.forecast.length, 3);
  assert.equal(s3.initial_stock.cover_weeks, 3);
  assert.match(
    (await cli(['launch', '--workspace', full, '--name', 'X', '--price', 'cheap'])).err,
    /--price must be a number/,
  );
  assert.match(
    (await cli(['launch', '--workspace', full, '--name', 'X', '--price', '2', '--date', 'soon'])).err,
    /unreadable date 'soon'/,
  );
});

test('shopcast launch reads nothing after --date, and --track follows the launched SKU', async () => {
  // the same plan from the full sample (the shared workspace: the test above stored no launch) and from only its lines before the launch date
  const lines = gunzipSync(readFileSync(SAMPLE)).toString('utf8').split('\n');
  const beforeLaunch = [
    lines[0]!,
    ...lines
      .slice(1)
      .filter((l) => l !== '' && (l.split(',').find((f) => /^\d{4}-\d\d-\d\d /.test(f)) ?? '9') < '2011-07-12'),
  ];
  const cut = writeText(dir, 'before.csv', beforeLaunch.join('\n') + '\n');
  const part = join(dir, 'part');
  assert.equal((await cli(['ingest', cut, '--workspace', part])).code, 0);
  const args = [
    'launch',
    '--name',
    'SET OF 6 TEA TIME BAKING CASES',
    '--price',
    '1.25',
    '--date',
    '2011-07-12',
    '--json',
  ];
  const a = JSON.parse((await cli([...args, '--workspace', full, '--sku', '23296'])).out) as {
    forecast: unknown[];
    analogs: unknown[];
  };
  const b = JSON.parse((await cli([...args, '--workspace', part])).out) as { forecast: unknown[]; analogs: unknown[] };
  assert.deepEqual(a.forecast, b.forecast);
  assert.deepEqual(a.analogs, b.analogs);
  // 23296 was really launched on 2011-07-12: the stored plan is compared with its sales
  const t = JSON.parse((await cli(['launch', '--track', '--workspace', full, '--json'])).out) as {
    launches: {
      sku: string;
      weeks_observed: number;
      weeks: { actual: number | null; forecast: number; updated: number }[];
      ratio: number;
      status: string;
    }[];
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
});

test('shopcast launch --audience: buyers of the similar products, ranked, with their split of the forecast', async () => {
  const r = await cli([...CHRISTMAS_BAG, '--audience', '6', '--json']);
  assert.equal(r.code, 0, r.err);
  const plan = JSON.parse(r.out) as {
    data_until: string;
    forecast: { mean: number }[];
    analogs: { sku: string }[];
    selling_now: { sku: string }[];
    audience: {
      as_of: string;
      buyers: number;
      similar_products: number;
      prior_buyer_share: number | null;
      customers: {
        customer_id: string;
        score: number;
        affinity: number;
        recent_purchase_days: number;
        expected_units: number | null;
      }[];
      audience_units: number | null;
      buyers_units: number | null;
      forecast_units: number;
    };
  };
  const a = plan.audience;
  assert.equal(a.as_of, plan.data_until);
  assert.equal(a.customers.length, 6);
  assert.ok(a.buyers >= 6);
  assert.ok(
    a.customers.every((c, k) => k === 0 || c.score <= a.customers[k - 1]!.score),
    'ranked by score',
  );
  assert.ok(a.customers.every((c) => c.affinity > 0 && c.affinity <= 1));
  const forecast = plan.forecast.reduce((s, w) => s + w.mean, 0);
  assert.ok(Math.abs(a.forecast_units - forecast) < 1e-9);
  // the similar earlier launches' first weeks say what share earlier buyers took; the audience's units are a part
  assert.ok(a.prior_buyer_share !== null && a.prior_buyer_share > 0 && a.prior_buyer_share < 1);
  assert.ok(Math.abs(a.buyers_units! - forecast * a.prior_buyer_share) < 1e-6 * forecast);
  assert.ok(a.audience_units! > 0 && a.audience_units! < a.buyers_units!);
  // every customer listed bought one of the similar products, before the data's end
  const { Workspace } = await import('../src/store/workspace.js');
  const ws = await Workspace.open(full, { mustExist: true });
  try {
    const similar = new Set([...plan.analogs, ...plan.selling_now].map((s) => s.sku));
    for (const c of a.customers) {
      const skus = await ws.all<{ sku: string }>(
        `SELECT DISTINCT sku FROM order_lines WHERE status = 'sale' AND customer_id = '${c.customer_id.replace(/'/g, "''")}'
         AND date <= DATE '${a.as_of}'`,
      );
      assert.ok(
        skus.some((s) => similar.has(s.sku)),
        `${c.customer_id} bought a similar product`,
      );
      // their purchase days in the launch's 12 weeks before, given beside the score
      const recent = await ws.one<{ n: number }>(
        `SELECT count(DISTINCT date)::INTEGER AS n FROM order_lines WHERE status = 'sale'
         AND customer_id = '${c.customer_id.replace(/'/g, "''")}'
         AND date <= DATE '${a.as_of}' AND date > DATE '${a.as_of}' - 84`,
      );
      assert.equal(c.recent_purchase_days, recent.n, c.customer_id);
    }
  } finally {
    ws.close();
  }
});
