import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { csvField, csvQuote, exportText } from '../src/data/csv-format.js';
import { ingestFiles } from '../src/pipeline/ingest.js';
import { withWorkspace, writeText } from './helpers.js';

test('CSV cells are quoted by RFC 4180, and exported text never starts like a formula', () => {
  assert.equal(csvQuote('a "b", c'), '"a ""b"", c"');
  assert.equal(csvQuote('plain'), 'plain');
  for (const evil of ['=HYPERLINK("http://x","y")', '+1+1', '-2+3', '@SUM(A1)', '\tx', '\rx'])
    assert.ok(exportText(evil).replace(/^"/, '').startsWith("'"), `${JSON.stringify(evil)} → ${exportText(evil)}`);
  assert.equal(exportText('=1+1'), "'=1+1");
  assert.equal(csvField(-2.5), '-2.5', 'numbers are numbers, not text');
  assert.equal(csvField(null), '');
  assert.equal(csvField('85123A'), '85123A');
});

test('rejects.csv shows a formula-like raw line as text', async () => {
  await withWorkspace(async (ws, dir) => {
    const csv = writeText(
      dir,
      'orders.csv',
      'order_id,ordered_at,sku,quantity,unit_price\n1,2024-01-01,A,2,1.5\n=cmd|calc,oops\n',
    );
    const report = await ingestFiles(ws, [csv]);
    assert.equal(report.rows_rejected, 1);
    const lines = readFileSync(join(ws.dir, 'rejects.csv'), 'utf8').trim().split('\n');
    assert.equal(lines.length, 2);
    assert.match(lines[1]!, /,"?'=cmd\|calc,oops"?$/, lines[1]);
  });
});
