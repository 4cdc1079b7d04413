import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { InputError } from '../src/data/errors.js';
import { ingestFiles } from '../src/pipeline/ingest.js';
import { demandSeries, inspectWorkspace } from '../src/pipeline/inspect.js';
import { day, withWorkspace, writeText } from './helpers.js';
import { sql } from '../src/store/sql.js';

const HEADER = 'order_id,ordered_at,sku,quantity,unit_price,customer_id,description';

test('the same rows written differently (6 and 6.0, CSV and typed Parquet) are one row', async () => {
  await withWorkspace(async (ws, dir) => {
    const parquet = join(dir, 'typed.parquet');
    await ws.run(sql`COPY (SELECT * FROM (VALUES
        ('1', TIMESTAMP '2024-01-01 10:00:00', 'A', 6.0::DOUBLE, 2.50::DOUBLE, 'c1', 'Mug'),
        ('2', TIMESTAMP '2024-01-02 11:30:00', 'B', 1.0::DOUBLE, 8::DOUBLE, NULL, 'Plate'))
      t(order_id, ordered_at, sku, quantity, unit_price, customer_id, description)) TO ${parquet} (FORMAT parquet)`);
    const r1 = await ingestFiles(ws, [parquet]);
    assert.equal(r1.rows_loaded, 2);
    const csv = writeText(
      dir,
      'same.csv',
      `${HEADER}\n1,2024-01-01 10:00,A,6,2.5,c1,Mug\n2,2024-01-02T11:30:00,B,1,8.00,,Plate\n`,
    );
    const r2 = await ingestFiles(ws, [csv]);
    assert.equal(r2.rows_new, 0);
    assert.equal((await inspectWorkspace(ws)).order_lines, 2);
  });
});

test('Parquet TIMESTAMPTZ columns load', async () => {
  await withWorkspace(async (ws, dir) => {
    const parquet = join(dir, 'tz.parquet');
    await ws.run(
      sql`COPY (SELECT 'A' AS sku, TIMESTAMPTZ '2024-01-01 00:00:00+00' AS date, 3 AS units) TO ${parquet} (FORMAT parquet)`,
    );
    const r = await ingestFiles(ws, [parquet]);
    assert.equal(r.rows_rejected, 0);
    assert.equal(r.first_date, '2024-01-01');
  });
});

test('a bad line repeated in two files of one ingest is kept for each file', async () => {
  await withWorkspace(async (ws, dir) => {
    const a = writeText(dir, 'a.csv', `${HEADER}\n1,2024-01-01,A,1,1,c,x\nbad,row\n`);
    const b = writeText(dir, 'b.csv', `${HEADER}\n2,2024-01-02,A,1,1,c,x\nbad,row\n`);
    const r = await ingestFiles(ws, [a, b]);
    assert.equal(r.rows_rejected, 2);
    const rejects = readFileSync(r.rejects_csv, 'utf8').trim().split('\n').slice(1);
    assert.deepEqual(
      rejects.map((l) => l.split(',').slice(0, 2).join(',')),
      [`${a},3`, `${b},3`],
    );
    await ingestFiles(ws, [a, b]);
    assert.equal((await inspectWorkspace(ws)).rows_rejected, 2);
  });
});

test('a quoted field may span many lines; it is one record, nothing inside it is a row', async () => {
  await withWorkspace(async (ws, dir) => {
    const notes = Array.from({ length: 30 }, (_, i) => `note line ${i}`);
    notes.splice(20, 0, '9,2024-01-05,B,500,1.0,c,fake');
    const text = `${HEADER}\n1,2024-01-01,A,1,1,c,"notes:\n${notes.join('\n')}\nend"\n2,2024-01-02,A,2,1,c,plain\n`;
    const r = await ingestFiles(ws, [writeText(dir, 'long.csv', text)]);
    assert.equal(r.rows_read, 2);
    assert.equal(r.rows_rejected, 0);
    const skus = await ws.all('SELECT DISTINCT sku FROM raw_order_lines');
    assert.deepEqual(skus, [{ sku: 'A' }]);
  });
});

test('cancellations pair with their sales when there is no customer column', async () => {
  await withWorkspace(async (ws, dir) => {
    const text =
      'order_id,ordered_at,sku,quantity,unit_price\n1,2024-01-01 10:00,A,5,2\n2,2024-01-01 11:00,A,1,2\nC1,2024-01-01 12:00,A,-5,2\n';
    const r = await ingestFiles(ws, [writeText(dir, 'nocust.csv', text)]);
    assert.equal(r.cleaning['cancelled_originals'], 1);
    assert.equal((await demandSeries(ws, 'A'))[0]!.units, 1);
  });
});

test('days a daily-sales file has no row for are missing, not zero', async () => {
  await withWorkspace(async (ws, dir) => {
    const rows = ['sku,date,units'];
    for (let d = 0; d < 30; d++) if (d < 10 || d >= 20) rows.push(`S,${day(d)},${5 + (d % 3)}`);
    const r = await ingestFiles(ws, [writeText(dir, 'gappy.csv', rows.join('\n'))]);
    assert.equal(r.cleaning['missing_days'], 10);
    assert.equal(r.cleaning['gaps_filled'], 0);
    const s = await demandSeries(ws, 'S');
    assert.equal(s[12]!.units, null);
    assert.equal(s[12]!.missing_days, 1);
  });
});

test('a SKU with order lines takes its demand from them, not from daily sales too', async () => {
  await withWorkspace(async (ws, dir) => {
    const ol = writeText(dir, 'ol.csv', `${HEADER}\n1,2024-01-01,A,3,1,c,x\n2,2024-01-02,A,4,1,c,x\n`);
    const ds = writeText(dir, 'ds.csv', `sku,date,units\nA,2024-01-01,5\nA,2024-01-02,5\nB,2024-01-01,2\n`);
    const r = await ingestFiles(ws, [ol, ds]);
    assert.equal(r.cleaning['overlap'], 2);
    const a = await demandSeries(ws, 'A');
    assert.deepEqual(
      a.map((p) => p.units),
      [3, 4],
    );
    assert.deepEqual(
      (await demandSeries(ws, 'A', 'week')).map((p) => p.units),
      [7],
    );
  });
});

test('day-first dates are not silently swapped; a mapping reads them', async () => {
  await withWorkspace(async (ws, dir) => {
    const f = writeText(dir, 'dmy.csv', 'sku,date,units\nA,05/03/2024,1\nA,13/03/2024,2\nA,14/03/2024,3\n');
    await assert.rejects(
      ingestFiles(ws, [f]),
      (e: Error) => e instanceof InputError && /day first \('13\/03\/2024'\).*"date_order": "dmy"/.test(e.message),
    );
    assert.equal((await inspectWorkspace(ws)).files, 0);
    const map = writeText(dir, 'map.json', JSON.stringify({ layout: 'daily_sales', columns: {}, date_order: 'dmy' }));
    const r = await ingestFiles(ws, [f], { mapPath: map });
    assert.equal(r.rows_rejected, 0);
    assert.equal(r.first_date, '2024-03-05');
  });
});

test('semicolon files read decimal commas; with a comma declared, 1.000 is rejected, not read as 1', async () => {
  await withWorkspace(async (ws, dir) => {
    const r = await ingestFiles(ws, [
      writeText(dir, 'eu.csv', 'sku;date;units;price\nA;2024-01-01;3;2,55\nA;2024-01-02;1.000;2,55\n'),
    ]);
    assert.equal(r.rows_loaded, 1);
    assert.equal(r.rows_rejected, 1);
    const rej = await ws.one('SELECT reason FROM rejected_rows');
    assert.match(rej['reason'] as string, /unparseable number in units: '1\.000' \(decimal separator is ','\)/);
    const price = await ws.one('SELECT price FROM raw_daily_sales');
    assert.equal(price['price'], 2.55);
  });
});

test('overly long lines are rejected, not fatal', async () => {
  await withWorkspace(async (ws, dir) => {
    const text = `${HEADER}\n1,2024-01-01,A,1,1,c,${'x'.repeat(1_200_000)}\n2,2024-01-02,A,1,1,c,ok\n`;
    const r = await ingestFiles(ws, [writeText(dir, 'huge.csv', text)]);
    assert.equal(r.rows_loaded, 1);
    assert.equal(r.rows_rejected, 1);
    assert.match(
      (await ws.one('SELECT reason FROM rejected_rows'))['reason'] as string,
      /line longer than 1000000 characters/,
    );
  });
});

test('the outlier cap never raises a quantity, fractional ones included', async () => {
  await withWorkspace(async (ws, dir) => {
    const rows = [
      HEADER,
      ...Array.from({ length: 10 }, (_, i) => `${i},${day(i)},W,1,1,c,kg`),
      `99,${day(10)},W,12.5,1,c,kg`,
    ];
    const r = await ingestFiles(ws, [writeText(dir, 'frac.csv', rows.join('\n'))]);
    assert.equal(r.cleaning['outliers'], 1);
    const o = await ws.one('SELECT quantity, demand_quantity FROM order_lines WHERE outlier');
    assert.equal(o['quantity'], 12.5);
    assert.ok((o['demand_quantity'] as number) < 12.5);
    assert.ok(r.cleaning_detail.find((d) => d.rule === 'outliers')!.units > 0);
  });
});

test('cleaning settings DuckDB cannot run, or of the wrong type, are refused before anything is stored', async () => {
  await withWorkspace(async (ws, dir) => {
    const orders = writeText(dir, 'o.csv', `${HEADER}\n1,2024-01-01,A,1,1,c,x\n`);
    for (const [config, message] of [
      [{ cancellations: { orderIdPattern: '^C(?!X)' } }, /not a regular expression DuckDB accepts/],
      [{ nonProduct: { skus: [1] } }, /must be a list of strings/],
    ] as const) {
      const f = writeText(dir, 'c.json', JSON.stringify(config));
      await assert.rejects(
        ingestFiles(ws, [orders], { configPath: f }),
        (e: Error) => e instanceof InputError && message.test(e.message),
      );
    }
    const r = await ingestFiles(ws, [orders]);
    assert.equal(r.rows_loaded, 1);
  });
});
