import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { gunzipSync, gzipSync } from 'node:zlib';
import { InputError } from '../src/data/errors.js';
import { ingestFiles } from '../src/pipeline/ingest.js';
import { inspectWorkspace } from '../src/pipeline/inspect.js';
import { SAMPLE, withWorkspace, writeText } from './helpers.js';
import { sql } from '../src/store/sql.js';

/** The first `n` data lines of the bundled sample shop (real Online Retail lines), with the header. */
function sampleLines(n: number): string[] {
  return gunzipSync(readFileSync(SAMPLE))
    .toString('utf8')
    .split('\n')
    .slice(0, n + 1);
}

/** Parses rejects.csv minimally: the line number is the second field (file paths here have no commas). */
function rejectedLineNumbers(path: string): number[] {
  return readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => Number(l.split(',')[1]));
}

test('a corrupted copy of a real file: every bad row lands in rejects.csv, every good row loads', async () => {
  await withWorkspace(async (ws, dir) => {
    const lines = sampleLines(3000);
    const bytes: Buffer[] = lines.map((l) => Buffer.from(l));
    const corrupt = new Map<number, (l: string) => Buffer>([
      [11, (l) => Buffer.from(l.slice(0, 25))], // truncated line
      [120, (l) => Buffer.from(l.replace(/,(\d{4})-(\d\d)-(\d\d) /, ',$1-13-45 '))], // bad date
      [121, (l) => Buffer.from(l.replace(/^(\w+),/, '$1,"'))], // stray quote opening a field: must not swallow what follows
      [500, (l) => Buffer.from(l.replace(/,(-?\d+),(\d{4}-)/, ',1O,$2'))], // letter O for zero in the quantity
      [777, (l) => Buffer.from(l.replace(/,(\d+),/, ',$1",'))], // stray quote inside a field
      [1500, (l) => Buffer.concat([Buffer.from(l.slice(0, 20)), Buffer.from([0xc3, 0x28]), Buffer.from(l.slice(20))])], // invalid UTF-8
      [2999, (l) => Buffer.from(l + ',extra')], // too many columns
    ]);
    for (const [lineNo, f] of corrupt) bytes[lineNo - 1] = f(lines[lineNo - 1]!);
    for (const [lineNo] of corrupt)
      assert.notDeepEqual(bytes[lineNo - 1], Buffer.from(lines[lineNo - 1]!), `line ${lineNo} corrupted`);
    const file = writeText(
      dir,
      'corrupted.csv.gz',
      gzipSync(Buffer.concat(bytes.flatMap((b) => [b, Buffer.from('\n')]))),
    );

    const r = await ingestFiles(ws, [file]);
    assert.equal(r.rows_read, 3000);
    assert.equal(r.rows_rejected, corrupt.size);
    assert.equal(r.rows_loaded, 3000 - corrupt.size);
    assert.deepEqual(rejectedLineNumbers(r.rejects_csv), [...corrupt.keys()]);
    const reasons = await ws.all('SELECT line, reason FROM rejected_rows ORDER BY line');
    const expectedReasons = [
      /^missing columns: expected 8, found \d$/,
      /^unparseable date in ordered_at: '\d{4}-13-45 \d\d:\d\d:\d\d'$/,
      /^unterminated quote \(line 122 reads as a row of its own\)$/,
      /^unparseable number in quantity: '1O'$/,
      /^stray quote in field \d$/,
      /^invalid UTF-8 at byte 20: .*--encoding windows-1252$/,
      /^too many columns: expected 8, found 9$/,
    ];
    assert.equal(reasons.length, expectedReasons.length);
    expectedReasons.forEach((re, i) => assert.match(reasons[i]!['reason'] as string, re));
    // Every good line is in the workspace, the ones right after the bad ones included.
    const loaded = await ws.all('SELECT line FROM raw_order_lines ORDER BY line');
    const expected = Array.from({ length: 3000 }, (_, i) => i + 2).filter((l) => !corrupt.has(l));
    assert.deepEqual(
      loaded.map((x) => Number(x['line'])),
      expected,
    );
  });
});

test('re-ingesting a file changes nothing; a later export appends only its new rows', async () => {
  await withWorkspace(async (ws, dir) => {
    const lines = sampleLines(4000);
    const early = writeText(dir, 'early.csv', lines.slice(0, 2501).join('\n') + '\n');
    const later = writeText(dir, 'later.csv', lines.join('\n') + '\n');
    const r1 = await ingestFiles(ws, [early]);
    assert.equal(r1.rows_new, 2500);
    const s1 = await inspectWorkspace(ws);
    const again = await ingestFiles(ws, [early]);
    assert.equal(again.rows_read, 2500);
    assert.equal(again.rows_loaded, 2500);
    assert.equal(again.rows_new, 0);
    // the report of the workspace's first ingest (every row its own, counted without the scope) is what the
    // scope gives when the same rows are read again
    for (const k of ['cleaning_detail', 'skus', 'first_date', 'last_date'] as const) assert.deepEqual(again[k], r1[k]);
    assert.ok(r1.cleaning_detail.some((c) => c.rule === 'gaps_filled' && c.rows > 0));
    const s2 = await inspectWorkspace(ws);
    assert.deepEqual(s2, s1);
    const r3 = await ingestFiles(ws, [later]);
    assert.equal(r3.rows_read, 4000);
    assert.equal(r3.rows_new, 1500);
    assert.equal((await inspectWorkspace(ws)).order_lines, 4000);
  });
});

test('exact duplicate lines inside one export are kept and flagged, and survive re-ingest unchanged', async () => {
  await withWorkspace(async (ws, dir) => {
    const lines = sampleLines(50);
    const withDup = [...lines, lines[10]!, lines[10]!];
    const f = writeText(dir, 'dup.csv', withDup.join('\n'));
    const r = await ingestFiles(ws, [f]);
    assert.equal(r.rows_new, 52);
    assert.ok(r.cleaning['duplicates']! >= 2);
    const r2 = await ingestFiles(ws, [f]);
    assert.equal(r2.rows_new, 0);
    assert.equal((await inspectWorkspace(ws)).order_lines, 52);
    // the three copies of line 11 (data line 10) are its occurrences 1, 2 and 3, numbered in the file's order
    const copies = async () =>
      ws.all<{ line: number; occurrence: number }>(`SELECT line::INTEGER AS line, occurrence FROM raw_order_lines
        WHERE row_key = (SELECT row_key FROM raw_order_lines WHERE line = 11 AND file_id = 1) ORDER BY file_id, line`);
    assert.deepEqual(await copies(), [
      { line: 11, occurrence: 1 },
      { line: 52, occurrence: 2 },
      { line: 53, occurrence: 3 },
    ]);
    // another export with it four times brings one new row: its fourth occurrence
    const four = writeText(dir, 'four.csv', [lines[0]!, lines[10]!, lines[10]!, lines[10]!, lines[10]!].join('\n'));
    assert.equal((await ingestFiles(ws, [four])).rows_new, 1);
    assert.deepEqual((await copies()).at(-1), { line: 5, occurrence: 4 });
    // the clean's duplicate rule reads that number (clean.ts DUP_RANK): every key's rows, in the order of files and
    // lines, are its occurrences 1, 2, …; the first copy is not a duplicate, the others are
    const misranked = await ws.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM (SELECT occurrence,
      row_number() OVER (PARTITION BY row_key ORDER BY file_id, line) AS rank FROM raw_order_lines)
      WHERE rank <> occurrence`);
    assert.equal(misranked.n, 0);
    const statuses = await ws.all<{ status: string }>(`SELECT status FROM order_lines WHERE row_key =
      (SELECT row_key FROM raw_order_lines WHERE line = 11 AND file_id = 1) ORDER BY file_id, line`);
    assert.deepEqual(
      statuses.map((r) => r.status === 'duplicate'),
      [false, true, true, true],
    );
  });
});

test('a first ingest writes its rows straight to the raw table, with the identities the staged path gives', async () => {
  const lines = sampleLines(80);
  const dup = [...lines.slice(0, 41), lines[10]!, lines[10]!, lines[20]!].join('\n');
  const other = [lines[0]!, ...lines.slice(60, 80)].join('\n');
  const stored = `SELECT row_key::VARCHAR AS k, occurrence, line::INTEGER AS line, sku, quantity, ordered_at::VARCHAR AS t
    FROM raw_order_lines WHERE file_id = (SELECT max(file_id) FROM files) ORDER BY line`;
  // into an empty table (straight from the file), and after another file (staged, then compared with what is stored)
  const direct = await withWorkspace(async (ws, dir) => {
    await ingestFiles(ws, [writeText(dir, 'dup.csv', dup)]);
    return ws.all(stored);
  });
  const staged = await withWorkspace(async (ws, dir) => {
    await ingestFiles(ws, [writeText(dir, 'other.csv', other)]);
    await ingestFiles(ws, [writeText(dir, 'dup.csv', dup)]);
    return ws.all(stored);
  });
  assert.equal(direct.length, 43);
  assert.deepEqual(direct, staged);
  assert.deepEqual(
    direct.filter((r) => (r as { occurrence: number }).occurrence > 1).map((r) => (r as { line: number }).line),
    [42, 43, 44],
  );
});

test('Parquet files load through the same checks', async () => {
  await withWorkspace(async (ws, dir) => {
    const csv = writeText(dir, 'part.csv', sampleLines(1000).join('\n') + '\n');
    const parquet = join(dir, 'part.parquet');
    await ws.run(
      sql`COPY (SELECT * FROM read_csv(${csv}, header = true, all_varchar = true)) TO ${parquet} (FORMAT parquet)`,
    );
    const r = await ingestFiles(ws, [parquet]);
    assert.equal(r.files[0]!.layout, 'uci-online-retail');
    assert.equal(r.rows_read, 1000);
    assert.equal(r.rows_loaded, 1000);
    // the same rows as from the CSV: nothing new
    const again = await ingestFiles(ws, [csv]);
    assert.equal(again.rows_new, 0);
  });
});

test('empty files, unreadable paths and unknown layouts fail with one clear line', async () => {
  await withWorkspace(async (ws, dir) => {
    const cases: [string, RegExp][] = [
      [writeText(dir, 'empty.csv', ''), /empty\.csv: file is empty/],
      [writeText(dir, 'header.csv', 'sku,date,units\n'), /header\.csv: file has a header but no data rows/],
      [join(dir, 'missing.csv'), /missing\.csv: cannot read: no such file/],
      [dir, /is a directory/],
      [writeText(dir, 'odd.csv', 'a,b\n1,2\n'), /odd\.csv: layout not recognised\. Columns found: a, b\./],
      [
        writeText(dir, 'broken.csv.gz', gzipSync('sku,date,units\nA,2024-01-01,1\n').subarray(0, 20)),
        /broken\.csv\.gz: cannot decompress/,
      ],
    ];
    for (const [path, message] of cases) {
      await assert.rejects(
        ingestFiles(ws, [path]),
        (e: Error) => e instanceof InputError && message.test(e.message) && !e.message.includes('\n'),
      );
    }
    // nothing was written by the failed ingests
    assert.equal((await ws.one('SELECT count(*)::INTEGER AS n FROM ingests'))['n'], 0);
    assert.equal((await inspectWorkspace(ws)).files, 0);
  });
});
