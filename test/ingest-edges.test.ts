import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { InputError } from '../src/data/errors.js';
import { ingestFiles } from '../src/pipeline/ingest.js';
import { demandSeries, inspectWorkspace } from '../src/pipeline/inspect.js';
import { REPO, day, withWorkspace, writeText } from './helpers.js';
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

test('a quoted field may span a few lines; a record whose inner line is a row of its own is refused', async () => {
  await withWorkspace(async (ws, dir) => {
    const notes = ['notes:', 'note line 0', '9,2024-01-05,B,500,1.0,c,fake', 'end"'];
    const text =
      `${HEADER}\n1,2024-01-01,A,1,1,c,"two\nlines"\n` +
      `3,2024-01-03,A,1,1,c,"${notes.join('\n')}\n2,2024-01-02,A,2,1,c,plain\n`;
    const r = await ingestFiles(ws, [writeText(dir, 'long.csv', text)]);
    // line 2-3: one record; line 4 lost its quote; 5 and 7 are no rows; 6 and 8 are rows
    assert.deepEqual(
      [r.rows_loaded, r.rows_rejected, r.continuation_lines, r.blank_lines, r.physical_lines],
      [3, 3, 1, 0, 8],
    );
    const f = r.files[0]!;
    assert.equal(f.physical_lines, 1 + f.rows_loaded + f.rows_rejected + f.blank_lines + f.continuation_lines);
    const rejects = await ws.all('SELECT line::INTEGER AS line, reason FROM rejected_rows ORDER BY line');
    assert.deepEqual(rejects, [
      { line: 4, reason: 'unterminated quote (line 6 reads as a row of its own)' },
      { line: 5, reason: 'missing columns: expected 7, found 1' },
      { line: 7, reason: 'stray quote in field 1' },
    ]);
    assert.deepEqual(await ws.all('SELECT sku, line::INTEGER AS line FROM raw_order_lines ORDER BY line'), [
      { sku: 'A', line: 2 },
      { sku: 'B', line: 6 },
      { sku: 'A', line: 8 },
    ]);
  });
});

test('control characters in a SKU or another text are rejected with line, field and reason', async () => {
  await withWorkspace(async (ws, dir) => {
    const text =
      `${HEADER}\n1,2024-01-01,A\u0000B,1,1,c,x\n2,2024-01-02,A,1,1,c\u0007,x\n` +
      `3,2024-01-03,A,1,1,c,"tab\tin text"\n4,2024-01-04,A,1,1,c,bell\u0007\n`;
    const r = await ingestFiles(ws, [writeText(dir, 'nul.csv', text)]);
    assert.equal(r.rows_loaded, 1);
    const rejects = await ws.all('SELECT line::INTEGER AS line, reason FROM rejected_rows ORDER BY line');
    assert.deepEqual(rejects, [
      { line: 2, reason: 'control character U+0000 in sku (character 2)' },
      { line: 3, reason: 'control character U+0007 in customer_id (character 2)' },
      { line: 5, reason: 'control character U+0007 in description (character 5)' },
    ]);
    assert.deepEqual(await ws.all('SELECT DISTINCT sku FROM order_lines'), [{ sku: 'A' }]);
    assert.match(readFileSync(r.rejects_csv, 'utf8'), /,2,control character U\+0000 in sku/);
  });
});

test('sales dated after today, or far past the bulk of the file, are rejected with line and reason', async () => {
  await withWorkspace(async (ws, dir) => {
    const rows = [HEADER];
    for (let i = 0; i < 2000; i++) rows.push(`${i},${day(i % 300)} 10:00,A,1,1,c,x`);
    rows.push('7000,2100-01-01 10:00,A,1,1,c,far future');
    rows.push('7001,2026-06-01 10:00,A,1,1,c,typo of 2024');
    rows.push('7002,2027-03-01 10:00,A,1,1,c,after today');
    const now = new Date('2026-11-30T08:00:00Z');
    const r = await ingestFiles(ws, [writeText(dir, 'future.csv', rows.join('\n'))], { now });
    assert.equal(r.rows_rejected, 3);
    assert.deepEqual(await ws.all('SELECT line::INTEGER AS line, reason FROM rejected_rows ORDER BY line'), [
      { line: 2002, reason: 'ordered_at 2100-01-01 is after today (2026-11-30)' },
      {
        line: 2003,
        reason: "ordered_at 2026-06-01 is more than 365 days after 99.9 % of the file's dates (up to 2024-10-26)",
      },
      { line: 2004, reason: 'ordered_at 2027-03-01 is after today (2026-11-30)' },
    ]);
    assert.equal(r.last_date, '2024-10-26');
  });
});

test('a sale dated tomorrow is kept (time zones), the day after is not', async () => {
  await withWorkspace(async (ws, dir) => {
    const text = 'sku,date,units\nA,2026-11-29,1\nA,2026-11-30,1\nA,2026-12-01,1\nA,2026-12-02,1\n';
    const now = new Date('2026-11-30T23:30:00Z');
    const r = await ingestFiles(ws, [writeText(dir, 'tz.csv', text)], { now });
    assert.equal(r.rows_loaded, 3);
    assert.equal(r.last_date, '2026-12-01');
    assert.deepEqual(await ws.all('SELECT line::INTEGER AS line, reason FROM rejected_rows'), [
      { line: 5, reason: 'date 2026-12-02 is after today (2026-11-30)' },
    ]);
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

test('slash dates are read the way the whole file says; a file that does not say is refused', async () => {
  await withWorkspace(async (ws, dir) => {
    // 05/03 alone could be either; 13/03 further down settles it: day first, for every line
    const dmy = writeText(dir, 'dmy.csv', 'sku,date,units\nA,05/03/2024,1\nA,13/03/2024,2\nA,14/03/2024,3\n');
    const r = await ingestFiles(ws, [dmy]);
    assert.equal(r.rows_rejected, 0);
    assert.equal(r.first_date, '2024-03-05');
    assert.equal(r.files[0]!.date_order, 'dmy');
    const mdy = writeText(dir, 'mdy.csv', 'sku,date,units\nB,05/03/2024,1\nB,05/13/2024,2\n');
    const m = await ingestFiles(ws, [mdy]);
    assert.equal(m.first_date, '2024-05-03');
    assert.equal(m.files[0]!.date_order, 'mdy');

    const both = writeText(dir, 'both.csv', 'sku,date,units\nC,13/03/2024,1\nC,03/14/2024,2\n');
    await assert.rejects(
      ingestFiles(ws, [both]),
      (e: Error) =>
        e instanceof InputError &&
        e.field === 'dateOrder' &&
        /day first \(line 2: '13\/03\/2024'\) and month first \(line 3: '03\/14\/2024'\)/.test(e.message),
    );
    const none = writeText(dir, 'none.csv', 'sku,date,units\nD,03/04/2024,1\nD,04/04/2024,2\n');
    await assert.rejects(
      ingestFiles(ws, [none]),
      (e: Error) =>
        e instanceof InputError &&
        /'03\/04\/2024' \(line 2\) read both day first and month first.*dateOrder dmy/.test(e.message),
    );
    assert.equal((await inspectWorkspace(ws)).files, 2);
    // said by the caller, or by a mapping
    const said = await ingestFiles(ws, [none], { dateOrder: 'dmy' });
    assert.equal(said.first_date, '2024-04-03');
    const map = writeText(dir, 'map.json', JSON.stringify({ layout: 'daily_sales', columns: {}, date_order: 'mdy' }));
    const mapped = await ingestFiles(ws, [both], { mapPath: map });
    assert.equal(mapped.rows_loaded, 1);
    assert.match((await ws.one('SELECT reason FROM rejected_rows WHERE line = 2'))['reason'] as string, /13\/03/);
    // dots alone are day first, as they are written
    const dots = await ingestFiles(ws, [writeText(dir, 'dots.csv', 'sku,date,units\nE,03.04.2024,1\n')]);
    assert.equal(dots.first_date, '2024-04-03');
  });
});

test('a Windows-1252 export loads with encoding windows-1252; read as UTF-8 its accented rows say which flag to use', async () => {
  await withWorkspace(async (ws) => {
    const file = join(REPO, 'test/fixtures/windows-1252-order-lines.csv');
    const utf8 = await ingestFiles(ws, [file]);
    assert.equal(utf8.files[0]!.invalid_utf8_lines, 2);
    assert.match(
      (await ws.one('SELECT reason FROM rejected_rows ORDER BY line LIMIT 1'))['reason'] as string,
      /invalid UTF-8 at byte \d+: if the file is a Windows export, read it with --encoding windows-1252/,
    );
    const cp = await ingestFiles(ws, [file], { encoding: 'windows-1252' });
    assert.equal(cp.rows_rejected, 0);
    assert.equal(cp.rows_loaded, 4);
    const names = await ws.all("SELECT DISTINCT description FROM raw_order_lines WHERE sku = 'B' ORDER BY 1");
    assert.deepEqual(names, [{ description: 'CAFÉ AU LAIT BOWL €5' }]);
    await assert.rejects(
      ingestFiles(ws, [file], { encoding: 'ebcdic' as never }),
      (e: Error) => e instanceof InputError && e.field === 'encoding',
    );
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
      /line longer than 1000000 bytes/,
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
