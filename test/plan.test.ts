/** shopcast plan in-process on a few SKUs of the sample shop: bad stock values and option values, unreadable files; the whole shop is in plan.e2e.test.ts. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { cli, SAMPLE, tempDir, writeText } from './helpers.js';

/** The sample shop's lines of a few SKUs (those of the stock files below among them), their whole history: a small order-lines file. */
function fewSkus(dir: string): string {
  const keep = new Set(['85123A', '22423', '85099B', '47566', '20725', '84879']);
  const lines = gunzipSync(readFileSync(SAMPLE)).toString('utf8').split('\n');
  return writeText(
    dir,
    'few-skus.csv',
    [lines[0]!, ...lines.slice(1).filter((l) => keep.has(l.split(',')[1]!))].join('\n') + '\n',
  );
}

test('shopcast plan names the stock file line with a bad value', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const bad = writeText(dir, 'stock.csv', 'sku,on_hand,lead_time_days\n85123A,10,7\n22423,5,-3\n');
    const r = await cli(['plan', fewSkus(dir), bad, '--workspace', join(dir, 'ws'), '--out', join(dir, 'out')]);
    assert.equal(r.code, 2, r.err);
    assert.match(r.err, /stock\.csv, line 3: lead_time_days must be ≥ 0, got -3/);
    const r2 = await cli(['plan', '--workspace', join(dir, 'ws'), '--service-level', '1.5']);
    assert.equal(r2.code, 2);
    assert.match(r2.err, /--service-level must be between 0.5 and 1/);
    for (const [model, message] of [
      ['global', /--model global is not supported by plan yet/],
      ['nonsense', /unknown model 'nonsense' \(known: auto, /],
    ] as const) {
      const r3 = await cli(['plan', '--workspace', join(dir, 'ws'), '--model', model]);
      assert.equal(r3.code, 2, r3.err);
      assert.match(r3.err, message);
    }
  } finally {
    cleanup();
  }
});

test(
  'shopcast plan warns and exits 3 when a file given has no loadable row, as ingest does',
  { timeout: 120_000 },
  async () => {
    const { dir, cleanup } = tempDir();
    try {
      const pcs = writeText(dir, 'stock.csv', 'sku,on_hand\n85123A,64 pcs\n22423,5 pcs\n');
      const r = await cli(['plan', fewSkus(dir), pcs, '--workspace', join(dir, 'ws'), '--out', join(dir, 'out')]);
      assert.equal(r.code, 3, r.err);
      assert.match(r.err, /warning: no row of .*stock\.csv could be loaded \(2 rejected, see .*rejects\.csv\)/);
      assert.match(r.out, /Orders: /, 'the plan is still made from what could be loaded');
    } finally {
      cleanup();
    }
  },
);

test(
  'issue 18: every order has a reorder point of at least one unit, and says when stock runs out before it can arrive',
  { timeout: 180_000 },
  async () => {
    const { dir, cleanup } = tempDir();
    try {
      const stock = writeText(
        dir,
        'stock.csv',
        'sku,on_hand,lead_time_days\n85123A,0,14\n22423,2,7\n85099B,500,7\n47566,0,7\n20725,0,7\n84879,3,7\n',
      );
      const ws = join(dir, 'ws');
      const out = join(dir, 'out');
      const r = await cli(['plan', fewSkus(dir), stock, '--workspace', ws, '--out', out, '--json']);
      assert.equal(r.code, 0, r.err);
      const [header, ...rows] = readFileSync(join(out, 'orders.csv'), 'utf8').trim().split('\n');
      const cols = header!.split(',');
      assert.deepEqual(cols.slice(-6), ['stockout_date', 'lost_units', 'lost_revenue', 'expedite', 'held_back', 'why']);
      assert.ok(rows.length > 0);
      let expedited = 0;
      for (const line of rows) {
        // the reason is the only quoted text with commas; the numeric columns around it are plain
        const cells = line.match(/("([^"]|"")*"|[^,]*)(,|$)/g)!.map((c) => c.replace(/,$/, ''));
        const get = (k: string): string => cells[cols.indexOf(k)]!;
        assert.ok(Number(get('reorder_point')) >= 1, `${get('sku')}: reorder point ${get('reorder_point')}`);
        assert.ok(Number.isInteger(Number(get('reorder_point'))));
        if (get('expedite') === 'true') {
          expedited++;
          assert.match(get('stockout_date'), /^\d{4}-\d{2}-\d{2}$/);
          assert.ok(Number(get('lost_units')) > 0);
        }
        assert.equal(get('held_back'), 'false');
      }
      assert.ok(expedited > 0, 'a SKU with no stock and a 14-day lead time runs out before any order arrives');
    } finally {
      cleanup();
    }
  },
);

test(
  'shopcast plan --parquet writes the CSV files’ rows as typed Parquet; a plan without it removes them',
  { timeout: 180_000 },
  async () => {
    const { dir, cleanup } = tempDir();
    try {
      const ws = join(dir, 'ws');
      const out = join(dir, 'out');
      const r = await cli(['plan', fewSkus(dir), '--workspace', ws, '--out', out, '--parquet', '--currency', 'GBP']);
      assert.equal(r.code, 0, r.err);
      // the summary's amounts in the plan's currency, as the report shows them
      assert.match(r.out, /units worth £[\d,.]+/);
      const { DuckDBInstance } = await import('@duckdb/node-api');
      const db = await DuckDBInstance.create(':memory:');
      const conn = await db.connect();
      try {
        for (const [csv, parquet, numeric] of [
          ['forecasts.csv', 'forecasts.parquet', 'mean'],
          ['orders.csv', 'orders.parquet', 'order_qty'],
          ['purchase-orders.csv', 'purchase-orders.parquet', 'qty'],
        ] as const) {
          const [header, ...lines] = readFileSync(join(out, csv), 'utf8').trim().split('\n');
          const cols = header!.split(',');
          const read = await conn.runAndReadAll(`SELECT * FROM read_parquet('${join(out, parquet)}')`);
          const rows = read.getRowObjectsJS();
          assert.equal(rows.length, lines.length, `${parquet}: one row per line of ${csv}`);
          assert.deepEqual(read.columnNames(), cols, `${parquet}: the CSV file's columns`);
          assert.equal(read.columnTypes()[cols.indexOf('sku')]!.toString(), 'VARCHAR', `${parquet}: SKUs are codes`);
          assert.ok(['DOUBLE', 'BIGINT'].includes(read.columnTypes()[cols.indexOf(numeric)]!.toString()), parquet);
          // each row's SKU and number as the CSV line has them (the SKU first, the number before any quoted text)
          rows.forEach((row, i) => {
            const cells = lines[i]!.match(/("([^"]|"")*"|[^,]*)(,|$)/g)!.map((c) => c.replace(/,$/, ''));
            assert.equal(row['sku'], cells[cols.indexOf('sku')]);
            assert.equal(Number(row[numeric]), Number(cells[cols.indexOf(numeric)]));
          });
        }
      } finally {
        conn.closeSync();
        db.closeSync();
      }
      assert.ok(
        readFileSync(join(out, 'forecasts.csv'), 'utf8').includes('\n22423,'),
        'the shop has SKUs of digits only',
      );
      const again = await cli(['plan', '--workspace', ws, '--out', out]);
      assert.equal(again.code, 0, again.err);
      for (const parquet of ['forecasts.parquet', 'orders.parquet', 'purchase-orders.parquet'])
        assert.throws(() => readFileSync(join(out, parquet)), /ENOENT/, `${parquet} of the earlier run removed`);
    } finally {
      cleanup();
    }
  },
);
