/** shopcast plan on the whole sample shop (in-process): outputs per the contract, constraints kept, budget respected, report shown in Chromium. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Workspace } from '../src/store/workspace.js';
import { sql } from '../src/store/sql.js';
import { withChromiumPage } from './chromium.js';
import { cli, REPO, SAMPLE, tempDir } from './helpers.js';

const STOCK = join(REPO, 'data/sample-shop/stock.csv');
/** The report's 20 SKUs on the sample shop with the life-cycle stage read by eye off their weekly charts (and a second stage where the chart allows two). */
const SPOT_CHECK = readCsv(join(REPO, 'test/fixtures/lifecycle-spot-check.csv'));

/** Splits one CSV line with quoted fields. */
function fields(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let q = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (q) {
      if (c === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') q = false;
      else cur += c;
    } else if (c === '"') q = true;
    else if (c === ',') {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

function readCsv(path: string): Record<string, string>[] {
  const [head, ...rows] = readFileSync(path, 'utf8').trimEnd().split('\n');
  const cols = fields(head!);
  return rows.map((r) => {
    const f = fields(r);
    assert.equal(f.length, cols.length, `${path}: ${r}`);
    return Object.fromEntries(cols.map((c, i) => [c, f[i]!]));
  });
}

test(
  'shopcast plan: forecasts, orders within MOQ and packs, stored runs, a budget, and the report in Chromium',
  { timeout: 180_000 },
  async (t) => {
    const { dir, cleanup } = tempDir();
    try {
      const ws = join(dir, 'ws');
      const out = join(dir, 'plan');
      const r = await cli(['plan', SAMPLE, STOCK, '--workspace', ws, '--out', out, '--horizon', '21', '--json']);
      assert.equal(r.code, 0, r.err);
      const p = JSON.parse(r.out) as {
        as_of: string;
        skus: number;
        skus_to_order: number;
        order_value: number;
        run_id: number;
        stock_file: boolean;
        assumptions: string[];
      };
      assert.equal(p.as_of, '2011-11-04');
      assert.ok(p.stock_file);
      assert.ok(
        p.assumptions.some((a) => /not in the stock file/.test(a)),
        'SKUs without a stock row are stated',
      );

      // forecasts.csv: the output contract, one row per SKU and day of the horizon
      const fc = readCsv(join(out, 'forecasts.csv'));
      assert.deepEqual(Object.keys(fc[0]!), ['sku', 'date', 'mean', 'p05', 'p25', 'p50', 'p75', 'p95', 'model']);
      assert.equal(fc.length, p.skus * 21);
      assert.equal(fc[0]!['date'], '2011-11-05');
      for (const row of fc) {
        const q = ['p05', 'p25', 'p50', 'p75', 'p95'].map((k) => Number(row[k]));
        assert.ok(
          q.every((v, i) => v >= 0 && (i === 0 || v >= q[i - 1]!)),
          `quantiles of ${row['sku']} ${row['date']}`,
        );
        assert.ok(Number(row['mean']) >= 0);
      }

      // orders.csv: MOQ and packs of the stock file are kept; every order has a date, a risk and a reason
      const stock = new Map(readCsv(STOCK).map((s) => [s['sku']!, s]));
      const orders = readCsv(join(out, 'orders.csv'));
      assert.equal(orders.filter((o) => Number(o['order_qty']) > 0).length, p.skus_to_order);
      assert.ok(p.skus_to_order > 20);
      for (const o of orders) {
        const q = Number(o['order_qty']);
        const s = stock.get(o['sku']!);
        if (s !== undefined && q > 0) {
          const pack = Number(s['pack_size'] || 1);
          assert.ok(Math.abs(q / pack - Math.round(q / pack)) < 1e-9, `${o['sku']}: ${q} in packs of ${pack}`);
          if (s['moq'] !== '') assert.ok(q >= Number(s['moq']), `${o['sku']}: ${q} ≥ MOQ ${s['moq']}`);
          assert.equal(Number(o['on_hand']), Number(s['on_hand']));
        }
        assert.ok(o['order_by']! >= '2011-11-05' && o['order_by']! <= '2011-11-12');
        const risk = Number(o['stockout_risk']);
        assert.ok(risk >= 0 && risk <= 1);
        assert.ok(o['reason']!.length > 10);
        // an order brings the position up to the order-up-to level (or more, for MOQ and packs)
        assert.ok(Number(o['on_hand']) + Number(o['on_order']) + q >= Number(o['order_up_to']) - 1e-6 || q === 0);
      }

      // the same workspace again, with a budget: the most valuable orders first, never over the budget
      const budget = Math.round(p.order_value / 4);
      const rb = await cli([
        'plan',
        '--workspace',
        ws,
        '--out',
        join(dir, 'plan2'),
        '--horizon',
        '21',
        '--budget',
        String(budget),
        '--json',
      ]);
      assert.equal(rb.code, 0, rb.err);
      const pb = JSON.parse(rb.out) as { order_value: number; run_id: number };
      assert.ok(
        pb.order_value <= budget + 1e-6 && pb.order_value > budget * 0.8,
        `spent ${pb.order_value} of ${budget}`,
      );
      assert.equal(pb.run_id, p.run_id + 1);
      const ob = readCsv(join(dir, 'plan2', 'orders.csv'));
      assert.ok(ob.some((o) => /over budget|to fit the budget/.test(o['reason']!)));
      const ranks = ob
        .map((o) => o['priority'])
        .filter((x) => x !== '')
        .map(Number);
      assert.deepEqual(
        [...ranks].sort((a, b) => a - b),
        Array.from({ length: ranks.length }, (_, i) => i + 1),
      );

      const w = await Workspace.open(ws);
      try {
        const runs = await w.all('SELECT run_id, budget FROM plan_runs ORDER BY run_id');
        assert.deepEqual(
          runs.map((x) => x['budget']),
          [null, budget],
        );
        const n = await w.one(sql`SELECT count(*)::INTEGER AS n FROM plan_orders WHERE run_id = ${p.run_id}::INTEGER`);
        assert.equal(n['n'], orders.length);
        const f = await w.one(
          sql`SELECT count(*)::INTEGER AS n FROM plan_forecasts WHERE run_id = ${p.run_id}::INTEGER`,
        );
        assert.equal(f['n'], fc.length);
        // the stages of the report's 20 SKUs against the stages read by eye off their weekly charts
        const stages = new Map(
          (
            await w.all(
              `SELECT sku, stage FROM lifecycle_stages WHERE run_id = (SELECT max(run_id) FROM lifecycle_stages)`,
            )
          ).map((x) => [x['sku'] as string, x['stage'] as string]),
        );
        const agree = SPOT_CHECK.filter((c) => [c['by_eye'], c['also']].includes(stages.get(c['sku']!) ?? 'none'));
        const disagree = SPOT_CHECK.filter((c) => !agree.includes(c)).map(
          (c) => `${c['sku']} ${c['description']}: ${stages.get(c['sku']!)}, by eye ${c['by_eye']}`,
        );
        // all but two agree (RESULTS.md lists those); a change that loses more fails here. The fixture holds every SKU
        // the report has shown since the readings were made (the 20 shown follow the forecasts), each read by eye.
        assert.ok(
          agree.length >= SPOT_CHECK.length - 2,
          `stages agreeing with the eye: ${agree.length}/${SPOT_CHECK.length}; ${disagree.join('; ')}`,
        );
      } finally {
        w.close();
      }

      // the report as a merchant sees it
      await withChromiumPage(t, async (page, errors) => {
        await page.goto(`file://${join(out, 'report.html')}`);
        assert.equal(await page.title(), 'Purchase plan as of 2011-11-04');
        assert.match(
          (await page.locator('[data-total="skusToOrder"]').innerText()).replace(/,/g, ''),
          new RegExp(String(p.skus_to_order)),
        );
        const sections = page.locator('section.sku');
        assert.equal(await sections.count(), 20);
        for (let k = 0; k < 20; k += 7) {
          const s = sections.nth(k);
          await s.scrollIntoViewIfNeeded();
          assert.ok(await s.isVisible());
          for (const chart of ['svg.forecast-chart', 'svg.stock-chart']) {
            const box = await s.locator(chart).boundingBox();
            assert.ok(box !== null && box.width > 300 && box.height > 100, `${chart} of section ${k}`);
          }
          assert.ok((await s.locator('svg.forecast-chart path').count()) >= 3, 'history, bands and mean drawn');
        }
        const shown = await sections.evaluateAll((els) => els.map((e) => e.getAttribute('data-sku')!));
        const read = new Set(SPOT_CHECK.map((c) => c['sku']));
        assert.deepEqual(
          shown.filter((sku) => !read.has(sku)),
          [],
          'every SKU the report shows has its stage read by eye in test/fixtures/lifecycle-spot-check.csv',
        );
        // the stage plot: one row per SKU shown, its last week's colour and its label the SKU's stage
        const map = page.locator('svg.stage-map');
        await map.scrollIntoViewIfNeeded();
        assert.ok(await map.isVisible());
        const badges = await sections.evaluateAll((els) =>
          els.map((e) => e.querySelector('.badge.stage')!.textContent!.split(' · ')[0]!),
        );
        const labels = await map
          .locator('text.map-stage')
          .evaluateAll((els) => els.map((e) => [e.getAttribute('data-sku'), e.textContent!.split(' · ')[0]]));
        assert.deepEqual(
          labels.map((l) => l[1]),
          badges,
        );
        for (let k = 0; k < 20; k += 6) {
          const s = sections.nth(k);
          await s.scrollIntoViewIfNeeded();
          const box = await s.locator('svg.lifecycle-chart').boundingBox();
          assert.ok(box !== null && box.width > 600 && box.height > 100, `life-cycle chart of section ${k}`);
          assert.ok((await s.locator('svg.lifecycle-chart rect.stage-band').count()) >= 1);
          assert.match(await s.locator('p.evidence').innerText(), /trend over \d+ weeks/);
        }
        assert.ok((await page.locator('.alert').count()) > 0);
        assert.deepEqual(errors, []);
      });
    } finally {
      cleanup();
    }
  },
);
