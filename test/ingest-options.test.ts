import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { REPO, cli, tempDir, writeText } from './helpers.js';

test('ingest --date-order and --encoding say how to read a file; bad values are exit 2', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const ws = join(dir, 'ws');
    const f = writeText(dir, 'amb.csv', 'sku,date,units\nA,03/04/2024,1\nA,04/04/2024,2\n');
    const refused = await cli(['ingest', f, '--workspace', ws]);
    assert.equal(refused.code, 2);
    assert.match(refused.err, /read both day first and month first.*--date-order dmy or mdy/);
    const dmy = await cli(['ingest', f, '--date-order', 'dmy', '--workspace', ws, '--json']);
    assert.equal(dmy.code, 0);
    assert.equal(JSON.parse(dmy.out).first_date, '2024-04-03');
    assert.equal((await cli(['ingest', f, '--date-order', 'ymd', '--workspace', ws])).code, 2);

    const cp = join(REPO, 'test/fixtures/windows-1252-order-lines.csv');
    const asUtf8 = await cli(['ingest', cp, '--workspace', ws, '--json']);
    assert.equal(asUtf8.code, 0);
    assert.match(asUtf8.err, /2 line\(s\) of .* are not valid UTF-8.*--encoding windows-1252/);
    const asCp = await cli(['ingest', cp, '--encoding', 'windows-1252', '--workspace', ws, '--json']);
    assert.equal(asCp.code, 0);
    const r = JSON.parse(asCp.out);
    assert.equal(r.rows_rejected, 0);
    assert.equal(r.physical_lines, 1 + r.rows_loaded + r.rows_rejected + r.blank_lines + r.continuation_lines);
    assert.equal((await cli(['ingest', cp, '--encoding', 'utf-16', '--workspace', ws])).code, 2);
  } finally {
    cleanup();
  }
});
