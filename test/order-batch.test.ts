import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InputError } from '../src/data/errors.js';
import { ingestFiles } from '../src/pipeline/ingest.js';
import {
  MAX_BATCH_LINES,
  type OrderLineInput,
  postOrderLines,
  postStockSnapshot,
} from '../src/pipeline/order-batch.js';
import { cleanTablesStale, ensureCleanTables, rebuildCleanTables, storedCleaningConfig } from '../src/store/clean.js';
import { readStockSnapshot } from '../src/store/stock.js';
import { sql } from '../src/store/sql.js';
import type { Workspace } from '../src/store/workspace.js';
import { withWorkspace, writeText } from './helpers.js';
import {
  BATCH_NOW,
  batchLine,
  csvFields,
  derivedTables,
  sampleShopLines,
  seedSmallShop,
  splitAtOrders,
  uciToInput,
} from './order-batch-fixture.js';

const NOW = BATCH_NOW;
const line = batchLine;
const seed = seedSmallShop;

/** Rows stored in the tables a batch writes to: what a refused batch must leave unchanged. */
async function storedCounts(ws: Workspace): Promise<string> {
  return JSON.stringify(
    await ws.all(`SELECT (SELECT count(*) FROM raw_order_lines)::INTEGER AS lines,
      (SELECT count(*) FROM files)::INTEGER AS files, (SELECT count(*) FROM ingests)::INTEGER AS ingests,
      (SELECT count(*) FROM raw_stock)::INTEGER AS stock,
      (SELECT value FROM meta WHERE key = 'clean_state') AS state`),
  );
}

test('a batch with one bad line is refused naming the line and field, and nothing of it is stored', async () => {
  await withWorkspace(async (ws, dir) => {
    await seed(ws, dir);
    const before = await storedCounts(ws);
    const good = [line(), line({ order_id: '700002', sku: '10002' })];
    const bad: [string, unknown, RegExp][] = [
      ['lines[1].quantity', [good[0], { ...good[1], quantity: 'abc' }], /must be a number, got string/],
      ['lines[1].quantity', [good[0], { ...good[1], quantity: Number.NaN }], /unparseable number in quantity: 'NaN'/],
      ['lines[0].unit_price', [{ ...good[0], unit_price: Infinity }], /unparseable number in unit_price/],
      ['lines[1].sku', [good[0], { ...good[1], sku: 'AB\u0000C' }], /control character U\+0000 in sku/],
      ['lines[1].sku', [good[0], { ...good[1], sku: '   ' }], /empty sku/],
      ['lines[1].ordered_at', [good[0], { ...good[1], ordered_at: '2024-02-30T10:00:00' }], /unparseable date/],
      ['lines[1].ordered_at', [good[0], { ...good[1], ordered_at: '03/04/2024 10:00' }], /ISO 8601/],
      ['lines[1].ordered_at', [good[0], { ...good[1], ordered_at: '2026-12-05T10:00:00' }], /after today/],
      ['lines[1].ordered_at', [good[0], { ...good[1], ordered_at: '2026-01-05' }], /365 days after the workspace/],
      ['lines[1].order_id', [good[0], { ...good[1], order_id: undefined }], /required/],
      ['lines[1]', [good[0], { ...good[1], qty: 3 }], /unknown field 'qty'/],
      ['lines[1]', [good[0], 'x'], /must be an object/],
      ['lines[0].description', [{ ...good[0], description: 'a\ud800b' }], /lone UTF-16 surrogate/],
      ['lines', [], /at least one row/],
      ['lines', Array.from({ length: MAX_BATCH_LINES + 1 }, () => good[0]), /at most 10,000 rows/],
    ];
    for (const [field, lines, message] of bad) {
      await assert.rejects(
        postOrderLines(ws, lines as OrderLineInput[], { now: NOW }),
        (e: unknown) => e instanceof InputError && e.field === field && message.test(e.message),
        `${field} ${message}`,
      );
      assert.equal(await storedCounts(ws), before, `nothing stored after ${field} ${message}`);
    }
    // the message starts with the path, as a client shows it
    await postOrderLines(ws, [good[0]!, { ...good[1]!, quantity: Number.NaN }], { now: NOW }).catch((e: Error) =>
      assert.equal(e.message, `lines[1].quantity: unparseable number in quantity: 'NaN'`),
    );
    const bads = [{ sku: 'X1', on_hand: '5' }];
    await assert.rejects(
      postStockSnapshot(ws, bads as never),
      (e: unknown) => e instanceof InputError && e.field === 'rows[0].on_hand',
    );
    assert.equal(await storedCounts(ws), before);
  });
});

test('a re-posted batch adds nothing, and its lines have the identity the same rows have in a file', async () => {
  await withWorkspace(async (ws, dir) => {
    await seed(ws, dir);
    const batch = [
      line(),
      line({ order_id: '700002', sku: '10002', quantity: 1, description: ' Mug ' }),
      line({ order_id: '700002', sku: '10002', quantity: 1, description: ' Mug ' }), // an exact duplicate: kept, flagged
      line({ order_id: '700003', ordered_at: '2024-03-05T09:30:00+02:00', quantity: 6.0, unit_price: 2.5 }),
    ];
    const r1 = await postOrderLines(ws, batch, { now: NOW });
    assert.deepEqual(
      { ...r1, seconds: 0 },
      {
        batch_id: 2,
        lines: 4,
        lines_new: 4,
        skus: ['10001', '10002'],
        first_date: '2024-03-04',
        last_date: '2024-03-05',
        clean: 'full', // the last day moved (2024-02-28 → 2024-03-05): every SKU's grid extends
        seconds: 0,
      },
    );
    const after1 = await derivedTables(ws);
    const r2 = await postOrderLines(ws, batch, { now: NOW });
    assert.equal(r2.lines_new, 0);
    assert.equal(r2.batch_id, 3);
    assert.deepEqual(await derivedTables(ws), after1);
    const files = await ws.all(`SELECT file_id, path, layout, kind, rows_read, rows_new FROM files ORDER BY file_id`);
    assert.deepEqual(files.slice(1), [
      {
        file_id: 2,
        path: 'api:order-batch',
        layout: 'order-lines',
        kind: 'order_lines',
        rows_read: '4',
        rows_new: '4',
      },
      {
        file_id: 3,
        path: 'api:order-batch',
        layout: 'order-lines',
        kind: 'order_lines',
        rows_read: '4',
        rows_new: '0',
      },
    ]);
    // the offset is dropped: the wall-clock time is the shop's
    const t = await ws.one(`SELECT ordered_at::VARCHAR AS t FROM raw_order_lines WHERE order_id = '700003'`);
    assert.equal(t['t'], '2024-03-05 09:30:00');
    assert.equal((await ws.one(`SELECT count(*)::INTEGER AS n FROM order_lines WHERE status = 'duplicate'`))['n'], 1);
    // the same rows written in a file (as a shop's export would) are already stored: row identity is the same
    const csv = [
      'order_id,ordered_at,sku,quantity,unit_price,customer_id,description',
      '700001,2024-03-04 10:00,10001,2,3.50,c1,',
      '700002,2024-03-04T10:00:00,10002,1,3.5,c1,Mug',
      '700002,2024-03-04 10:00:00,10002,1.0,3.50,c1,Mug',
      '700003,2024-03-05 09:30:00,10001,6,2.5,c1,',
    ];
    const rep = await ingestFiles(ws, [writeText(dir, 'same.csv', csv.join('\n') + '\n')], { now: NOW });
    assert.equal(rep.rows_loaded, 4);
    assert.equal(rep.rows_new, 0);
  });
});

test('a cancellation posted in a later batch cancels the earlier sale; a return stays a return', async () => {
  await withWorkspace(async (ws, dir) => {
    await seed(ws, dir);
    await postOrderLines(ws, [line({ order_id: '700010', sku: '10002', quantity: 5, customer_id: 'c5' })], {
      now: NOW,
    });
    const sale = await ws.one(`SELECT status, rid FROM order_lines WHERE order_id = '700010'`);
    assert.equal(sale['status'], 'sale');
    const r = await postOrderLines(
      ws,
      [
        line({ order_id: 'C700011', sku: '10002', quantity: -5, customer_id: 'c5', ordered_at: '2024-03-04T15:00:00' }),
        line({ order_id: '700012', sku: '10001', quantity: -1, customer_id: 'c1', ordered_at: '2024-03-04T15:00:00' }),
      ],
      { now: NOW },
    );
    assert.equal(r.clean, 'scoped'); // same last day, same closed days
    const rows = await ws.all(`SELECT order_id, status, cancelled_by, cancels FROM order_lines
      WHERE order_id IN ('700010', 'C700011', '700012') ORDER BY order_id`);
    const rid = (await ws.one(`SELECT rid FROM order_lines WHERE order_id = 'C700011'`))['rid'];
    assert.deepEqual(rows, [
      { order_id: '700010', status: 'cancelled_original', cancelled_by: rid, cancels: null },
      { order_id: '700012', status: 'return', cancelled_by: null, cancels: null },
      { order_id: 'C700011', status: 'cancellation', cancelled_by: null, cancels: sale['rid'] },
    ]);
    const dd = await ws.one(`SELECT units FROM daily_demand WHERE sku = '10002' AND date = '2024-03-04'`);
    assert.equal(dd['units'], 0);
  });
});

test('SQL metacharacters, quotes, HTML and long strings are stored literally', async () => {
  await withWorkspace(async (ws, dir) => {
    await seed(ws, dir);
    const hostile = [
      `'; DROP TABLE order_lines; --`,
      `Robert'); DELETE FROM raw_order_lines WHERE ('1'='1`,
      `"quoted", with comma`,
      `<script>alert("x")</script>`,
      `$1 ? :name \\ %s {0} ${'${x}'}`,
      `line\nbreak and tab\there`,
      '=HYPERLINK("http://x")',
      'ÄÖü €100 — 日本 🛒',
      'x'.repeat(200_000),
    ];
    const plain = (s: string): string => s.replace(/[\n\t]/g, ' ');
    const batch = hostile.map((s, i) =>
      line({ order_id: `${plain(s).slice(0, 60)}#${i}`, sku: `S'${i}"`, description: s, country: plain(s) }),
    );
    const r = await postOrderLines(ws, batch, { now: NOW });
    assert.equal(r.lines_new, hostile.length);
    const back = await ws.all<{ order_id: string; sku: string; description: string; country: string }>(
      sql`SELECT order_id, sku, description, country FROM order_lines WHERE file_id = ${r.batch_id}::INTEGER
        ORDER BY line`,
    );
    assert.deepEqual(
      back.map((b) => [b.order_id, b.sku, b.description, b.country]),
      batch.map((b) => [b.order_id, b.sku, b.description, b.country]),
    );
    assert.equal((await ws.one(`SELECT count(*)::INTEGER AS n FROM catalog WHERE sku LIKE 'S''%'`))['n'], 9);
    assert.equal((await ws.one(`SELECT count(*)::INTEGER AS n FROM raw_order_lines`))['n'], 56 + 9);
    // a tab is fine in free text (a description), not in a code or a country: refused as in a file
    await assert.rejects(
      postOrderLines(ws, [line({ country: 'a\tb' })], { now: NOW }),
      (e: unknown) => e instanceof InputError && e.field === 'lines[0].country' && /U\+0009/.test(e.message),
    );
  });
});

/**
 * The first weeks of the sample shop (UCI layout): a file of the first 6 weeks, then the next 2 weeks posted as
 * 8 batches, plus batches dated inside the data (a later cancellation, a return, a line for a SKU a daily-sales file
 * holds) and a catalog file: the scoped cleans leave every derived table exactly as a full rebuild makes it.
 */
test('scoped cleaning after several batches equals a full rebuild, on every derived table and column', async () => {
  await withWorkspace(async (ws, dir) => {
    const all = sampleShopLines();
    const header = all[0]!;
    const rows = all.slice(1).filter((l) => /,(?:2010-12-\d\d|2011-01-0\d) \d\d:/.test(l));
    const cut = rows.findIndex((l) => /,(?:2010-12-[23]\d|2011-01-0\d) \d\d:/.test(l));
    assert.ok(cut > 1000 && rows.length - cut > 500, `${cut} of ${rows.length}`);
    await ingestFiles(ws, [writeText(dir, 'first.csv', [header, ...rows.slice(0, cut)].join('\n') + '\n')], {
      now: NOW,
    });
    const sku = csvFields(rows[cut - 1]!)[1]!;
    await ingestFiles(
      ws,
      [
        writeText(dir, 'daily.csv', `sku,date,units\n${sku},2010-12-20,4\nDS1,2010-12-20,3\nDS1,2010-12-21,5\n`),
        writeText(dir, 'catalog.csv', `sku,name,category\n${sku},Named <b>it</b>,Gifts\nNEW1,New product,Gifts\n`),
      ],
      { now: NOW },
    );
    const inputs = rows.slice(cut).map((l) => uciToInput(csvFields(l)));
    const extents: string[] = [];
    for (const b of splitAtOrders(inputs, 8)) extents.push((await postOrderLines(ws, b, { now: NOW })).clean);
    const early = inputs[0]!;
    const sold = uciToInput(csvFields(rows[10]!));
    const inside = [
      // cancels a sale of an earlier file, weeks later
      { ...sold, order_id: `C${sold.order_id}`, quantity: -sold.quantity, ordered_at: '2010-12-20T09:00:00' },
      { ...early, order_id: '999001', quantity: -1, ordered_at: '2010-12-21T10:00:00' }, // a return
      { ...early, order_id: '999002', sku: 'DS1', quantity: 2, ordered_at: '2010-12-21T10:00:00' }, // daily-sales SKU
      { ...early, order_id: '999003', sku: 'POST', quantity: 1, ordered_at: '2010-12-21T10:00:00' }, // non-product
      { ...early, order_id: '999004', quantity: 5000, ordered_at: '2010-12-21T11:00:00' }, // an outlier
    ];
    for (const l of inside) extents.push((await postOrderLines(ws, [l], { now: NOW })).clean);
    assert.ok(extents.includes('scoped') && extents.includes('full'), extents.join(' '));
    const statuses = await ws.all(`SELECT order_id, status, outlier FROM order_lines
      WHERE order_id IN ('C${sold.order_id}', '999001', '999002', '999003', '999004') ORDER BY order_id`);
    assert.deepEqual(statuses, [
      { order_id: '999001', status: 'return', outlier: false },
      { order_id: '999002', status: 'non_product', outlier: false }, // the UCI layout's SKU pattern applies
      { order_id: '999003', status: 'non_product', outlier: false },
      { order_id: '999004', status: 'sale', outlier: true },
      { order_id: `C${sold.order_id}`, status: 'cancellation', outlier: false },
    ]);
    assert.equal(
      (await ws.one(sql`SELECT status FROM daily_sales WHERE sku = 'DS1' AND date = '2010-12-21'`))['status'],
      'overlap',
    );
    const scoped = await derivedTables(ws);
    await rebuildCleanTables(ws, await storedCleaningConfig(ws));
    const full = await derivedTables(ws);
    for (const t of Object.keys(full)) assert.deepEqual(scoped[t], full[t], t);
    assert.ok(full['closed_days']!.length > 0, 'closed days were detected (the shop closes on Saturdays)');
  });
});

test('a batch whose clean fails leaves the workspace stale; ensureCleanTables rebuilds it to the same tables', async () => {
  const batch = [
    line({ order_id: '700020', sku: '10002', ordered_at: '2024-02-28T15:00:00' }),
    line({ order_id: '700021', sku: '10003', ordered_at: '2024-02-28T16:00:00' }),
  ];
  const expected = await withWorkspace(async (ws, dir) => {
    await seed(ws, dir);
    await postOrderLines(ws, batch, { now: NOW });
    return derivedTables(ws, { order_lines: ['file_id'], daily_sales: ['file_id'] });
  });
  await withWorkspace(async (ws, dir) => {
    await seed(ws, dir);
    // another connection's uncommitted delete of a row the scoped clean replaces (10002's catalog row: its lines and
    // units change): DuckDB refuses the clean's transaction (a write-write conflict), as a crash would end it, after
    // the raw rows were committed
    const other = await ws.connect();
    await other.run('BEGIN TRANSACTION');
    await other.run(`DELETE FROM catalog WHERE sku = '10002'`);
    await assert.rejects(postOrderLines(ws, batch, { now: NOW }), /[Cc]onflict/);
    await other.run('ROLLBACK');
    other.close();
    assert.equal(await cleanTablesStale(ws), true);
    assert.equal((await ws.one(`SELECT count(*)::INTEGER AS n FROM raw_order_lines`))['n'], 56 + 2);
    assert.equal((await ws.one(`SELECT count(*)::INTEGER AS n FROM order_lines`))['n'], 56, 'the old tables stay');
    await ensureCleanTables(ws);
    assert.equal(await cleanTablesStale(ws), false);
    assert.deepEqual(await derivedTables(ws, { order_lines: ['file_id'], daily_sales: ['file_id'] }), expected);
    // posting it again adds nothing and changes nothing
    const again = await postOrderLines(ws, batch, { now: NOW });
    assert.equal(again.lines_new, 0);
    assert.deepEqual(await derivedTables(ws, { order_lines: ['file_id'], daily_sales: ['file_id'] }), expected);
  });
});

test('a stock snapshot is stored as a dated stock file: the plan reads it, a re-post adds nothing', async () => {
  await withWorkspace(async (ws, dir) => {
    await seed(ws, dir);
    const rows = [
      { sku: '10001', on_hand: 40, lead_time_days: 14, supplier: `Acme "<b>" ; DROP` },
      { sku: '10002', on_hand: 0, on_order: 12, moq: null },
    ];
    const r = await postStockSnapshot(ws, rows);
    assert.deepEqual(r, { batch_id: 2, rows: 2, skus: ['10001', '10002'], date: '2024-02-28' });
    const snap = await readStockSnapshot(ws);
    assert.equal(snap.date, '2024-02-28');
    assert.deepEqual(
      snap.rows.map((s) => [s.sku, s.path, s.on_hand, s.on_order, s.lead_time_days, s.supplier]),
      [
        ['10001', 'api:stock-snapshot', 40, null, 14, `Acme "<b>" ; DROP`],
        ['10002', 'api:stock-snapshot', 0, 12, null, null],
      ],
    );
    await postStockSnapshot(ws, rows);
    assert.equal((await ws.one(`SELECT count(*)::INTEGER AS n FROM raw_stock`))['n'], 2);
    const later = await postStockSnapshot(ws, [{ sku: '10001', on_hand: 30 }], { date: '2024-03-01' });
    assert.equal(later.date, '2024-03-01');
    assert.deepEqual((await readStockSnapshot(ws)).olderOnly, ['10002']);
    await assert.rejects(
      postStockSnapshot(ws, rows, { date: '2024-02-30' }),
      (e: unknown) => e instanceof InputError && e.field === 'date',
    );
  });
});
