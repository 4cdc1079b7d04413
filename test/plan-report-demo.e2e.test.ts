/**
 * The report of `npm run demo` (the sample shop, default horizon, GBP): every line of orders.csv listed,
 * alerts ranked by the money at stake with the product's name, a plain-words `why` for every order, and
 * the page usable on a 390 px phone.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { withChromiumPage } from './chromium.js';
import { cli, REPO, SAMPLE, tempDir } from './helpers.js';
import { PHONE, assertFitsPhone } from './plan-report-phone.js';

const STOCK = join(REPO, 'data/sample-shop/stock.csv');

/** The rows of a CSV written by csvField (quoted text cells, no line breaks inside a cell), as records. */
function readCsv(path: string): Record<string, string>[] {
  const split = (line: string): string[] =>
    [...line.matchAll(/("(?:[^"]|"")*"|[^,]*)(,|$)/g)]
      .filter((m, i, all) => i < all.length - 1 || m[0] !== '')
      .map((m) => (m[1]!.startsWith('"') ? m[1]!.slice(1, -1).replace(/""/g, '"') : m[1]!));
  const [head, ...lines] = readFileSync(path, 'utf8').trimEnd().split('\n');
  const cols = split(head!);
  return lines.map((l) => {
    const f = split(l);
    assert.equal(f.length, cols.length, `${path}: ${l}`);
    return Object.fromEntries(cols.map((c, i) => [c, f[i]!]));
  });
}

test(
  'npm run demo: the report lists every order, ranks alerts by money, fits a phone',
  { timeout: 180_000 },
  async (t) => {
    const { dir, cleanup } = tempDir();
    let passed = false;
    try {
      const out = join(dir, 'plan');
      const r = await cli(['plan', SAMPLE, STOCK, '--workspace', join(dir, 'ws'), '--out', out, '--currency', 'GBP']);
      assert.equal(r.code, 0, r.err);
      const orders = readCsv(join(out, 'orders.csv'));
      assert.ok(orders.length > 100, `${orders.length} orders`);
      // the plain-words column: what to do first, in units and money, no analyst's shorthand
      for (const o of orders) {
        const why = o['why']!;
        assert.match(why, /^(Order [\d,]+ units? \(<?£[\d,]+\)|Not ordered now|Held back)/, `${o['sku']}: ${why}`);
        assert.ok(!/EOQ|MOQ|reorder point|\bA[XYZ]\b/.test(why), `${o['sku']}: jargon in ${why}`);
      }

      // the sample shop never opens on a Saturday: no order is due on one
      const saturdays = orders.filter((o) => new Date(`${o['order_by']!}T00:00:00Z`).getUTCDay() === 6);
      assert.deepEqual(saturdays, [], 'order-by dates fall on days the shop works');

      const html = readFileSync(join(out, 'report.html'), 'utf8');
      const rows = [...html.matchAll(/<tr class="order-row[^"]*"[^>]*? data-sku="([^"]*)"/g)].map((m) => m[1]!);
      assert.equal(rows.length, orders.length, 'one order row in the report per line of orders.csv');
      assert.deepEqual([...rows].sort(), orders.map((o) => o['sku']!.replace(/&/g, '&amp;')).sort());

      // alerts: a stock-out alert for every order at risk, most money at stake first, each with its product's name
      // (a held-back order has its own alert, as data to check)
      const atRisk = orders.filter(
        (o) => o['held_back'] !== 'true' && (Number(o['stockout_risk']) >= 0.5 || o['expedite'] === 'true'),
      );
      const alerts = [...html.matchAll(/<li class="alert alert-(\w+)"([^>]*)>(.*?)<\/li>/g)];
      const stockouts = alerts.filter((a) => a[1] === 'stockout');
      assert.equal(stockouts.length, atRisk.length, 'every order at risk has an alert (the rest folded, not dropped)');
      const stakes = stockouts.map((a) => Number(/data-stake="([^"]*)"/.exec(a[2]!)![1]));
      assert.ok(
        stakes.every((s, i) => i === 0 || s <= stakes[i - 1]!),
        `alerts by money at stake: ${stakes.join(', ')}`,
      );
      for (const a of alerts.filter((x) => x[1] === 'stockout' || x[1] === 'stage'))
        assert.match(a[3]!, /<b class="alert-name">[^<]+<\/b>/, `an alert without the product's name: ${a[0]}`);
      if (stockouts.length > 15) assert.match(html, /<details class="more-alerts" data-folded="\d+"><summary>\d+ more/);

      await withChromiumPage(t, async (page, errors) => {
        await page.goto(`file://${join(out, 'report.html')}`);
        // sorting by money puts each supplier's most valuable order first
        await page.locator('.sort-bar button[data-sort="value"]').click();
        const values = await page
          .locator('table.orders.to-place tbody')
          .first()
          .locator('tr.order-row')
          .evaluateAll((trs) => trs.map((tr) => Number(tr.getAttribute('data-value'))));
        assert.ok(values.length > 1 && values.every((v, i) => i === 0 || v <= values[i - 1]!), `by money: ${values}`);
        assert.equal(await page.locator('tr.order-row').count(), orders.length);
        await assertFitsPhone(page, dir, 'demo');
        assert.equal(PHONE, 390);
        assert.deepEqual(errors, []);
      });
      passed = true;
    } finally {
      if (passed) cleanup(); // the screenshot and the report stay in the temp dir when an assertion fails
    }
  },
);
