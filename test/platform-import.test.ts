import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { ingestFiles } from '../src/pipeline/ingest.js';
import type { Workspace } from '../src/store/workspace.js';
import { REPO, tempDir, withWorkspace, writeText } from './helpers.js';

const SHOPIFY = join(REPO, 'test', 'fixtures', 'shopify', 'orders_export.csv');

/** The workspace's days of positive demand, by SKU and day. */
function demandOf(ws: Workspace): Promise<{ sku: string; date: string; units: number }[]> {
  return ws.all(`SELECT sku, date::VARCHAR AS date, units FROM daily_demand WHERE units > 0 ORDER BY sku, date`);
}

test('a Shopify orders export: every row accounted for, demand as the hand count (fixture README)', async () => {
  await withWorkspace(async (ws) => {
    const r = await ingestFiles(ws, [SHOPIFY]);
    assert.deepEqual([r.rows_read, r.rows_loaded, r.rows_rejected, r.physical_lines], [9, 8, 1, 10]);
    assert.equal(r.cleaning['cancellations'], 2, 'the cancelled and the voided order');
    const [file] = await ws.all<{ layout: string }>('SELECT layout FROM files');
    assert.equal(file!.layout, 'shopify-orders');
    const [reject] = await ws.all<{ line: number; reason: string }>(
      'SELECT line::INTEGER AS line, reason FROM rejected_rows',
    );
    assert.deepEqual(reject, { line: 10, reason: 'empty sku' });

    const demand = await demandOf(ws);
    assert.deepEqual(demand, [
      { sku: '0042', date: '2024-03-07', units: 4 },
      { sku: 'MUG-BLUE', date: '2024-03-05', units: 2 },
      { sku: 'MUG-BLUE', date: '2024-03-08', units: 1 },
      { sku: 'SAUCER', date: '2024-03-08', units: 2 },
      { sku: 'TEAPOT', date: '2024-03-05', units: 1 },
      { sku: 'TEAPOT', date: '2024-03-06', units: 1 },
    ]);
    // order-level fields carried from an order's first row to its others; the shop's wall-clock time kept
    const lines = await ws.all<{ order_id: string; sku: string; customer_id: string; at: string; status: string }>(
      `SELECT order_id, sku, customer_id, ordered_at::VARCHAR AS at, status FROM order_lines ORDER BY rid`,
    );
    assert.deepEqual(
      lines.map((l) => [l.order_id, l.sku, l.customer_id, l.at, l.status]),
      [
        ['#1001', 'MUG-BLUE', 'ann@example.com', '2024-03-05 10:15:22', 'sale'],
        ['#1001', 'TEAPOT', 'ann@example.com', '2024-03-05 10:15:22', 'sale'],
        ['#1002', 'MUG-BLUE', 'bob@example.com', '2024-03-05 18:40:00', 'cancelled'],
        ['#1003', 'TEAPOT', 'cy@example.com', '2024-03-06 08:05:00', 'cancelled'],
        ['#1004', 'TEAPOT', 'ann@example.com', '2024-03-06 12:30:00', 'sale'],
        ['#1005', '0042', 'dee@example.com', '2024-03-07 12:00:00', 'sale'],
        ['#1006', 'MUG-BLUE', 'bob@example.com', '2024-03-08 16:45:10', 'sale'],
        ['#1006', 'SAUCER', 'bob@example.com', '2024-03-08 16:45:10', 'sale'],
      ],
    );
    // #1005 has a discount code and a compare-at price above its price: a promotion day for 0042
    const promo = await ws.all<{ sku: string; date: string; promo: boolean }>(
      `SELECT sku, date::VARCHAR AS date, promo FROM daily_demand WHERE units > 0 ORDER BY sku, date`,
    );
    assert.deepEqual(
      promo.filter((p) => p.promo).map((p) => [p.sku, p.date]),
      [['0042', '2024-03-07']],
    );
    assert.ok(promo.every((p) => p.promo !== null));
    const refunded = await ws.all<{ order_id: string }>(
      `SELECT DISTINCT order_id FROM raw_order_lines WHERE order_status = 'refunded' ORDER BY 1`,
    );
    assert.deepEqual(
      refunded.map((x) => x.order_id),
      ['#1004', '#1006'],
    );
    // the same export again adds nothing
    const again = await ingestFiles(ws, [SHOPIFY]);
    assert.equal(again.rows_new, 0);
  });
});

test('a file close to the Shopify orders export but missing a column says which and how to export it', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const file = writeText(
      dir,
      'orders.csv',
      'Name,Email,Financial Status,Created at,Lineitem quantity,Lineitem name,Lineitem price\n' +
        '#1,a@b.c,paid,2024-03-05 10:00:00 -0500,1,Mug,10\n',
    );
    await withWorkspace(async (ws) => {
      await assert.rejects(
        ingestFiles(ws, [file]),
        (e: Error) =>
          /looks like a Shopify orders export but has no 'Lineitem sku' column/.test(e.message) &&
          /Orders → Export/.test(e.message),
      );
    });
  } finally {
    cleanup();
  }
});

test('an Amazon All Orders report: unit price from the row total, cancelled items not demand', async () => {
  await withWorkspace(async (ws) => {
    const r = await ingestFiles(ws, [join(REPO, 'test', 'fixtures', 'amazon', 'all-orders.txt')]);
    assert.deepEqual([r.rows_read, r.rows_loaded, r.rows_rejected], [5, 4, 1]);
    assert.equal(r.cleaning['cancellations'], 1);
    const [reject] = await ws.all<{ line: number; reason: string }>(
      'SELECT line::INTEGER AS line, reason FROM rejected_rows',
    );
    assert.deepEqual(reject, { line: 6, reason: 'empty unit_price' }, 'a pending order without a price yet');
    const lines = await ws.all<{
      sku: string;
      date: string;
      q: number;
      p: number;
      channel: string;
      status: string;
      location: string;
    }>(
      `SELECT sku, date::VARCHAR AS date, quantity AS q, unit_price AS p, channel, status, location
       FROM order_lines ORDER BY rid`,
    );
    // fulfilled by Amazon and by the merchant: two locations
    assert.deepEqual(
      lines.map((l) => [l.sku, l.date, l.q, l.p, l.channel, l.status, l.location]),
      [
        ['MUG-BLUE', '2024-03-05', 2, 10, 'Amazon', 'sale', 'Amazon FBA'],
        ['TEAPOT', '2024-03-05', 0, 0, 'Merchant', 'cancelled', 'Merchant fulfilled'],
        ['TEAPOT', '2024-03-06', 1, 25, 'Merchant', 'sale', 'Merchant fulfilled'],
        ['SPOON', '2024-03-06', 3, 5, 'Merchant', 'sale', 'Merchant fulfilled'],
      ],
    );
    const [file] = await ws.all<{ layout: string }>('SELECT layout FROM files');
    assert.equal(file!.layout, 'amazon-all-orders');
  });
});

test('a WooCommerce order export, one row per item: statuses handled; the Analytics download refused', async () => {
  const dir = join(REPO, 'test', 'fixtures', 'woocommerce');
  await withWorkspace(async (ws) => {
    const r = await ingestFiles(ws, [join(dir, 'orders-one-row-per-item.csv')]);
    assert.deepEqual([r.rows_read, r.rows_loaded, r.rows_rejected], [6, 6, 0]);
    assert.equal(r.cleaning['cancellations'], 2, 'the cancelled and the failed order');
    const demand = await demandOf(ws);
    assert.deepEqual(demand, [
      { sku: 'MUG-BLUE', date: '2024-03-05', units: 2 },
      { sku: 'SPOON', date: '2024-03-07', units: 4 },
      { sku: 'TEAPOT', date: '2024-03-05', units: 1 },
      { sku: 'TEAPOT', date: '2024-03-06', units: 1 },
    ]);
    const prices = await ws.all<{ sku: string; p: number; customer: string; order: string }>(
      `SELECT sku, unit_price AS p, customer_id AS customer, order_id AS "order" FROM order_lines
       WHERE status = 'sale' ORDER BY rid`,
    );
    assert.deepEqual(
      prices.map((x) => [x.order, x.sku, x.p, x.customer]),
      [
        ['2001', 'MUG-BLUE', 10, 'ann@example.com'],
        ['2001', 'TEAPOT', 25, 'ann@example.com'],
        ['2004', 'TEAPOT', 25, 'ann@example.com'],
        ['2005', 'SPOON', 5, 'dee@example.com'],
      ],
    );
    await assert.rejects(
      ingestFiles(ws, [join(dir, 'analytics-orders.csv')]),
      (e: Error) =>
        /Analytics orders download/.test(e.message) &&
        /One Row per Item/.test(e.message) &&
        !/internal/.test(e.message),
    );
  });
});

test('a Shopify products export, both dialects: one catalog row per variant, product fields carried', async () => {
  for (const file of ['products_export.csv', 'products_export_2024.csv'])
    await withWorkspace(async (ws) => {
      const r = await ingestFiles(ws, [join(REPO, 'test', 'fixtures', 'shopify', file)]);
      assert.deepEqual([r.rows_read, r.rows_loaded, r.rows_rejected], [4, 3, 1], file);
      const [f] = await ws.all<{ layout: string }>('SELECT layout FROM files');
      assert.equal(f!.layout, 'shopify-products');
      const catalog = await ws.all(
        `SELECT sku, name, description, category, brand, list_price, cost, supplier, status, continue_selling
         FROM catalog ORDER BY sku`,
      );
      const mug = { description: 'A stoneware mug & saucer set.', category: 'Home & Garden > Kitchen & Dining > Mugs' };
      const potter = { brand: 'Potter & Co', supplier: 'Potter & Co', status: 'active' };
      assert.deepEqual(
        catalog,
        [
          {
            sku: '0042',
            name: 'Ceramic Mug - Red',
            ...mug,
            ...potter,
            list_price: 11,
            cost: 3.6,
            continue_selling: true,
          },
          {
            sku: 'MUG-BLUE',
            name: 'Ceramic Mug - Blue',
            ...mug,
            ...potter,
            list_price: 10,
            cost: 3.5,
            continue_selling: false,
          },
          {
            sku: 'TEAPOT',
            name: 'Teapot',
            description: 'Cast iron teapot',
            category: 'Teapots',
            brand: 'Iron Works',
            list_price: 25,
            cost: 9,
            // vendor → supplier, archived → discontinued (no purchase order: pipeline/plan-steps)
            supplier: 'Iron Works',
            status: 'archived',
            continue_selling: false,
          },
        ],
        file,
      );
    });
});

test('a WooCommerce product export as the catalog', async () => {
  await withWorkspace(async (ws) => {
    const r = await ingestFiles(ws, [join(REPO, 'test', 'fixtures', 'woocommerce', 'products.csv')]);
    assert.deepEqual([r.rows_read, r.rows_loaded, r.rows_rejected], [3, 2, 1]);
    const [f] = await ws.all<{ layout: string }>('SELECT layout FROM files');
    assert.equal(f!.layout, 'woocommerce-products');
    assert.deepEqual(await ws.all('SELECT sku, name, description, category, list_price FROM catalog ORDER BY sku'), [
      {
        sku: 'MUG-BLUE',
        name: 'Mug - Blue',
        description: 'Blue stoneware mug',
        category: 'Kitchen > Mugs',
        list_price: 10,
      },
      {
        sku: 'TEAPOT',
        name: 'Teapot',
        description: 'Cast iron & enamel',
        category: 'Kitchen > Teapots',
        list_price: 25,
      },
    ]);
  });
});
