import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { ingestFiles } from '../src/pipeline/ingest.js';
import { demandSeries } from '../src/pipeline/inspect.js';
import { postOrderLines, postStockSnapshot } from '../src/pipeline/order-batch.js';
import { rebuildCleanTables, storedCleaningConfig } from '../src/store/clean.js';
import { cleaningCounts, cleaningReport } from '../src/store/cleaning-report.js';
import { readStockLocations, readStockSnapshot } from '../src/store/stock.js';
import type { Workspace } from '../src/store/workspace.js';
import { REPO, tempDir, withWorkspace, writeText } from './helpers.js';

const SHOPIFY = join(REPO, 'test', 'fixtures', 'shopify');

/** Each SKU-day's demand as the forecasts read it (NULL: censored), with the stock-out flags. */
function days(ws: Workspace, sku: string) {
  return ws.all<{ date: string; units: number | null; stockout: boolean; known: boolean }>(`
    SELECT date::VARCHAR AS date, CASE WHEN stockout THEN NULL ELSE units END AS units, stockout,
      stockout_known AS known
    FROM daily_demand WHERE sku = '${sku}' ORDER BY date`);
}

test('a Shopify inventory export: one snapshot row per SKU and location, summed per SKU; a zero is a known stock-out', async () => {
  await withWorkspace(async (ws) => {
    await ingestFiles(ws, [join(SHOPIFY, 'orders_export.csv')]);
    const r = await ingestFiles(ws, [join(SHOPIFY, 'inventory_export.csv')], { stockDate: '2024-03-08' });
    assert.deepEqual([r.rows_read, r.rows_loaded, r.rows_rejected], [6, 5, 1]);
    const [f] = await ws.all<{ layout: string }>(`SELECT layout FROM files WHERE kind = 'stock'`);
    assert.equal(f!.layout, 'shopify-inventory');
    const [reject] = await ws.all<{ line: number; reason: string }>(
      `SELECT line::INTEGER AS line, reason FROM rejected_rows WHERE path LIKE '%inventory_export.csv'`,
    );
    assert.deepEqual(reject, { line: 5, reason: 'empty on_hand' }, '0042 is not stocked at the shop');

    const snap = await readStockSnapshot(ws);
    assert.equal(snap.date, '2024-03-08');
    assert.deepEqual(
      snap.rows.map((x) => [x.sku, x.on_hand, x.on_order]),
      [
        ['0042', 0, 0],
        ['MUG-BLUE', 13, 24],
        ['TEAPOT', 6, 6],
      ],
    );
    assert.deepEqual(
      (await readStockLocations(ws, snap.date)).map((x) => [x.sku, x.location, x.on_hand, x.on_order]),
      [
        ['0042', 'Main Warehouse', 0, 0],
        ['MUG-BLUE', 'High Street Shop', 3, 0],
        ['MUG-BLUE', 'Main Warehouse', 10, 24],
        ['TEAPOT', 'High Street Shop', 2, 0],
        ['TEAPOT', 'Main Warehouse', 4, 6],
      ],
    );
    // 0042 sold 4 on 03-07; on 03-08 nothing was available anywhere: lost sales, not a day of zero demand
    assert.deepEqual(await days(ws, '0042'), [
      { date: '2024-03-07', units: 4, stockout: false, known: false },
      { date: '2024-03-08', units: null, stockout: true, known: true },
    ]);
    const report = cleaningCounts(await cleaningReport(ws));
    assert.deepEqual([report['stockouts_known'], report['stockouts_suspected']], [1, 0]);

    // the products export says 0042 keeps selling when out of stock: its zero-stock day is demand again
    await ingestFiles(ws, [join(SHOPIFY, 'products_export.csv')]);
    assert.deepEqual(await days(ws, '0042'), [
      { date: '2024-03-07', units: 4, stockout: false, known: false },
      { date: '2024-03-08', units: 0, stockout: false, known: false },
    ]);
  });
});

test('a posted stock snapshot of zero makes a known stock-out of that day, as a file would', async () => {
  await withWorkspace(async (ws) => {
    await ingestFiles(ws, [join(SHOPIFY, 'orders_export.csv')]);
    assert.deepEqual((await days(ws, 'TEAPOT')).at(-1), {
      date: '2024-03-08',
      units: 0,
      stockout: false,
      known: false,
    });
    await postStockSnapshot(
      ws,
      [
        { sku: 'TEAPOT', on_hand: 0, location: 'Main Warehouse' },
        { sku: 'TEAPOT', on_hand: 0, location: 'High Street Shop' },
      ],
      { date: '2024-03-08' },
    );
    assert.deepEqual((await days(ws, 'TEAPOT')).at(-1), {
      date: '2024-03-08',
      units: null,
      stockout: true,
      known: true,
    });
    // stock at one of the two locations: not a stock-out
    await postStockSnapshot(ws, [{ sku: 'TEAPOT', on_hand: 1, location: 'High Street Shop' }], { date: '2024-03-08' });
    assert.deepEqual((await days(ws, 'TEAPOT')).at(-1), {
      date: '2024-03-08',
      units: 0,
      stockout: false,
      known: false,
    });
  });
});

const BUNDLE_ORDERS = [
  'order_id,ordered_at,sku,quantity,unit_price,customer_id',
  'A1,2024-03-04 10:00,TEA-SET,1,40.00,c1',
  'A1,2024-03-04 10:00,MUG-BLUE,1,10.00,c1',
  'A2,2024-03-05 11:00,TEA-SET,2,40.00,c2',
  'C3,2024-03-05 12:00,TEA-SET,-1,40.00,c2',
  'A4,2024-03-06 09:00,TEAPOT,1,25.00,c3',
  'A5,2024-03-06 15:00,GIFT-BOX,1,12.00,c3',
].join('\n');

const BUNDLES = [
  'bundle_sku,component_sku,quantity',
  'TEA-SET,TEAPOT,1',
  'TEA-SET,MUG-BLUE,2',
  'GIFT-BOX,MUG-BLUE,1',
  'GIFT-BOX,SPOON,2',
].join('\n');

const CATALOG = ['sku,name,price', 'TEAPOT,Teapot,25', 'MUG-BLUE,Mug,10', 'SPOON,Spoon,2'].join('\n');

test('bundles: a bundle sold is demand for its components, by hand count; only components have demand', async () => {
  const { dir, cleanup } = tempDir();
  try {
    await withWorkspace(async (ws) => {
      const r = await ingestFiles(ws, [
        writeText(dir, 'orders.csv', BUNDLE_ORDERS),
        writeText(dir, 'bundles.csv', BUNDLES),
        writeText(dir, 'catalog.csv', CATALOG),
      ]);
      assert.equal(r.rows_rejected, 0);
      const kinds = await ws.all<{ kind: string; layout: string }>('SELECT kind, layout FROM files ORDER BY file_id');
      assert.deepEqual(
        kinds.map((k) => k.kind),
        ['order_lines', 'bundles', 'catalog'],
      );
      // C3 (−1 set) is a cancellation line; it pairs with no sale of the same quantity, so A2's two sets stay
      assert.equal(r.cleaning['bundles'], 3, 'A1, A2 and A5 (C3 is a cancellation: not demand)');
      assert.equal(r.cleaning['cancellations'], 1);
      // hand count: TEAPOT 1 (A1's set) + 2 (A2's sets) on 03-04/05, 1 on 03-06; MUG-BLUE 1 + 2 (A1) = 3 on 03-04,
      // 4 (A2) on 03-05, 1 (the gift box) on 03-06; SPOON 2 (the gift box) on 03-06
      const demand = await ws.all(`SELECT sku, date::VARCHAR AS date, units FROM daily_demand WHERE units > 0
        ORDER BY sku, date`);
      assert.deepEqual(demand, [
        { sku: 'MUG-BLUE', date: '2024-03-04', units: 3 },
        { sku: 'MUG-BLUE', date: '2024-03-05', units: 4 },
        { sku: 'MUG-BLUE', date: '2024-03-06', units: 1 },
        { sku: 'SPOON', date: '2024-03-06', units: 2 },
        { sku: 'TEAPOT', date: '2024-03-04', units: 1 },
        { sku: 'TEAPOT', date: '2024-03-05', units: 2 },
        { sku: 'TEAPOT', date: '2024-03-06', units: 1 },
      ]);
      const bundlesWithDemand = await ws.all(
        `SELECT DISTINCT sku FROM daily_demand WHERE sku IN ('TEA-SET', 'GIFT-BOX')`,
      );
      assert.deepEqual(bundlesWithDemand, []);
      // asked for, a bundle's series says where its demand went
      await assert.rejects(
        demandSeries(ws, 'TEA-SET'),
        /'TEA-SET' is a bundle: its sales are the demand of its components \(MUG-BLUE, TEAPOT\)/,
      );
      // the set's 40.00 is shared by list price: teapot 25 / (25 + 2 × 10), each mug 10 / 45 of it
      const a1 = await ws.all<{ sku: string; p: number; status: string }>(
        `SELECT sku, round(unit_price, 4) AS p, status FROM order_lines WHERE order_id = 'A1' ORDER BY sku, rid`,
      );
      assert.deepEqual(
        a1.map((x) => [x.sku, x.p, x.status]),
        [
          ['MUG-BLUE', 8.8889, 'sale'],
          ['MUG-BLUE', 10, 'sale'],
          ['TEA-SET', 40, 'bundle'],
          ['TEAPOT', 22.2222, 'sale'],
        ],
      );
    });
  } finally {
    cleanup();
  }
});

test('bundles: a live batch cleans the bundle and its components as one ingest would', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const tables = async (ws: Workspace) => ({
      lines: await ws.all(`SELECT * EXCLUDE (file_id, row_key) FROM order_lines ORDER BY rid`),
      demand: await ws.all(`SELECT * FROM daily_demand ORDER BY sku, date`),
    });
    await withWorkspace(async (ws) => {
      await ingestFiles(ws, [writeText(dir, 'orders.csv', BUNDLE_ORDERS), writeText(dir, 'bundles.csv', BUNDLES)]);
      await postOrderLines(ws, [
        { order_id: 'B1', ordered_at: '2024-03-06T16:00:00', sku: 'TEA-SET', quantity: 1, unit_price: 40 },
        { order_id: 'B2', ordered_at: '2024-03-06T17:00:00', sku: 'SPOON', quantity: 3, unit_price: 2 },
      ]);
      const live = await tables(ws);
      await rebuildCleanTables(ws, await storedCleaningConfig(ws));
      assert.deepEqual(live, await tables(ws));
      const teapot = await ws.one<{ u: number }>(
        `SELECT units AS u FROM daily_demand WHERE sku = 'TEAPOT' AND date = '2024-03-06'`,
      );
      assert.equal(teapot.u, 2, "A4's teapot and B1's set");
    });
  } finally {
    cleanup();
  }
});

test('a bundle of itself or of bundles is refused with its file and line; nothing of that ingest is kept', async () => {
  const { dir, cleanup } = tempDir();
  try {
    await withWorkspace(async (ws) => {
      await ingestFiles(ws, [writeText(dir, 'orders.csv', BUNDLE_ORDERS), writeText(dir, 'bundles.csv', BUNDLES)]);
      const before = await ws.one<{ n: number }>('SELECT count(*)::INTEGER AS n FROM raw_bundles');
      const itself = writeText(dir, 'itself.csv', 'bundle_sku,component_sku,quantity\nSET-2,SPOON,1\nSET-2,SET-2,1\n');
      await assert.rejects(
        ingestFiles(ws, [itself]),
        /itself\.csv, line 3: bundle "SET-2" lists itself as a component/,
      );
      // GIFT-BOX inside TEA-SET: a bundle of bundles
      const nested = writeText(
        dir,
        'nested.csv',
        'bundle_sku,component_sku,quantity\nTEA-SET,TEAPOT,1\nTEA-SET,GIFT-BOX,1\n',
      );
      await assert.rejects(
        ingestFiles(ws, [nested]),
        /nested\.csv, line 3: component "GIFT-BOX" of bundle "TEA-SET" is itself a bundle/,
      );
      const after = await ws.one<{ n: number }>('SELECT count(*)::INTEGER AS n FROM raw_bundles');
      assert.equal(after.n, before.n);
      assert.equal((await ws.one<{ n: number }>('SELECT count(*)::INTEGER AS n FROM files')).n, 2);
    });
  } finally {
    cleanup();
  }
});

test('a supplier file: terms per supplier, refused rows named', async () => {
  const { dir, cleanup } = tempDir();
  try {
    await withWorkspace(async (ws) => {
      const r = await ingestFiles(ws, [
        writeText(
          dir,
          'suppliers.csv',
          [
            'supplier,lead_time_days,lead_time_sd_days,moq,min_order_units,min_order_value,order_cost,review_days,currency',
            'Potter & Co,21,4,12,,250,40,7,GBP',
            'Iron Works,35,7,,24,,60,14,EUR',
            'Broken Ltd,soon,,,,,,,',
          ].join('\n'),
        ),
      ]);
      assert.deepEqual([r.rows_read, r.rows_loaded, r.rows_rejected], [3, 2, 1]);
      const [reject] = await ws.all<{ reason: string }>('SELECT reason FROM rejected_rows');
      assert.match(reject!.reason, /lead_time_days/);
      assert.deepEqual(
        await ws.all('SELECT supplier, lead_time_days, min_order_value, currency FROM raw_suppliers ORDER BY 1'),
        [
          { supplier: 'Iron Works', lead_time_days: 35, min_order_value: null, currency: 'EUR' },
          { supplier: 'Potter & Co', lead_time_days: 21, min_order_value: 250, currency: 'GBP' },
        ],
      );
    });
  } finally {
    cleanup();
  }
});
