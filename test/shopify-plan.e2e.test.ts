import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { makeShopifySample } from '../scripts/make-shopify-sample.js';
import { Workspace } from '../src/store/workspace.js';
import { REPO, shopcast, tempDir } from './helpers.js';

test('a plan on the Shopify-shaped sample: per-supplier, per-location purchase orders meeting every minimum, a transfer', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const shop = await makeShopifySample(join(dir, 'shop'), { skus: 40, repo: REPO });
    const files = readdirSync(shop.dir).map((f) => join(shop.dir, f));
    const ws = join(dir, 'ws');
    const r = shopcast([
      'plan',
      ...files,
      '--workspace',
      ws,
      '--out',
      join(dir, 'plan'),
      '--currency',
      'GBP',
      '--json',
    ]);
    assert.equal(r.code, 0, r.err);
    const plan = JSON.parse(r.out);
    assert.equal(plan.ingest.rows_rejected, 0);
    assert.equal(plan.ingest.rows_read, plan.ingest.rows_loaded);
    const db = await Workspace.open(ws, { threads: 2 });
    try {
      const layouts = await db.all<{ layout: string }>('SELECT layout FROM files ORDER BY layout');
      assert.deepEqual(
        layouts.map((l) => l.layout),
        ['bundles', 'shopify-inventory', 'shopify-orders', 'shopify-products', 'suppliers'],
      );
      // demand = the hand count: every sale of a product, its bundles' included, cancelled orders not
      const sold = await db.all<{ sku: string; units: number }>(
        `SELECT sku, sum(quantity)::DOUBLE AS units FROM order_lines WHERE status = 'sale' GROUP BY sku ORDER BY sku`,
      );
      assert.deepEqual(new Map(sold.map((x) => [x.sku, x.units])), shop.demand);
      const bundleLines = await db.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM order_lines
        WHERE status = 'bundle'`);
      assert.ok(bundleLines.n > 0, 'the sample sells bundles');

      const lines = await db.all<{ po_id: string; supplier: string; location: string; sku: string; qty: number;
        value: number }>(`SELECT po_id, supplier, location, sku, qty, value FROM plan_po_lines ORDER BY po_id, sku`); // prettier-ignore
      assert.ok(lines.length > 0);
      // one purchase order per supplier and location, both locations ordered for
      const pos = new Map<string, { supplier: string; location: string; units: number; value: number }>();
      for (const l of lines) {
        const po = pos.get(l.po_id) ?? { supplier: l.supplier, location: l.location, units: 0, value: 0 };
        pos.set(l.po_id, po);
        assert.deepEqual(
          [po.supplier, po.location],
          [l.supplier, l.location],
          `${l.po_id} is one supplier's, at one place`,
        );
        po.units += l.qty;
        po.value += l.value;
      }
      assert.equal(plan.purchase_orders, pos.size);
      const keys = [...pos.values()].map((p) => `${p.supplier}@${p.location}`);
      assert.equal(new Set(keys).size, keys.length);
      assert.deepEqual(
        new Set([...pos.values()].map((p) => p.location)),
        new Set(['London Warehouse', 'Rotterdam Warehouse']),
      );
      // every line at least its supplier's MOQ; every order at least its supplier's minimum units and value
      for (const l of lines) {
        const s = shop.suppliers.find((x) => x.name === l.supplier)!;
        assert.ok(l.qty >= s.moq, `${l.sku}: ${l.qty} < MOQ ${s.moq}`);
      }
      for (const [id, p] of pos) {
        const s = shop.suppliers.find((x) => x.name === p.supplier)!;
        assert.ok(p.units >= s.minUnits && p.value >= s.minValue - 0.01, `${id} ${JSON.stringify(p)}`);
      }
      // neither the bundles nor the archived product is bought; each SKU's order is the sum of its lines
      const ordered = new Set(lines.map((l) => l.sku));
      for (const b of shop.bundles) assert.ok(!ordered.has(b.sku), b.sku);
      assert.ok(!ordered.has(shop.archived), shop.archived);
      const orders = await db.all<{ sku: string; q: number }>(
        `SELECT sku, order_qty AS q FROM plan_orders WHERE run_id = ${plan.run_id} AND order_qty > 0 ORDER BY sku`,
      );
      const bySku = new Map<string, number>();
      for (const l of lines) bySku.set(l.sku, (bySku.get(l.sku) ?? 0) + l.qty);
      assert.deepEqual(new Map(orders.map((o) => [o.sku, o.q])), bySku);

      // a transfer where one location runs out before a purchase order could arrive and the other has spare
      const transfers = await db.all<{ sku: string; from_location: string; to_location: string; qty: number;
        cost: number; saves: number }>('SELECT * FROM plan_transfers ORDER BY sku'); // prettier-ignore
      assert.ok(transfers.length > 0);
      for (const t of transfers) {
        assert.ok(t.saves > t.cost, JSON.stringify(t));
        assert.deepEqual([t.from_location, t.to_location], ['London Warehouse', 'Rotterdam Warehouse']);
      }
      assert.ok(transfers.some((t) => shop.transferCases.includes(t.sku)));
    } finally {
      db.close();
    }
    for (const f of ['purchase-orders.csv', 'transfers.csv', 'orders.csv'])
      assert.ok(readdirSync(join(dir, 'plan')).includes(f), f);
    // one file per purchase order to send, named by its supplier and location
    const poFiles = readdirSync(join(dir, 'plan', 'purchase-orders')).sort();
    assert.equal(poFiles.length, plan.purchase_orders);
    assert.ok(poFiles.includes('PO-1-Far-East-Trading-London-Warehouse.csv'), poFiles.join(', '));
    // the report shows the orders per supplier and location and the transfers
    const html = readFileSync(join(dir, 'plan', 'report.html'), 'utf8');
    assert.match(html, /Purchase orders by supplier and location/);
    assert.match(html, /Transfers between locations \(\d+\)/);
    assert.match(html, /<td>Rotterdam Warehouse<\/td>/);
  } finally {
    cleanup();
  }
});
