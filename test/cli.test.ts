/** The CLI in-process (`main` with an injected Io): bad input on one line, with its exit code. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { cli, tempDir, writeText } from './helpers.js';

test('the CLI reports bad input on one line with a non-zero exit code', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const ws = join(dir, 'ws');
    const cases: [string[], RegExp][] = [
      [['ingest', join(dir, 'nope.csv'), '--workspace', ws], /^shopcast: .*nope\.csv: cannot read: no such file\n$/],
      [['ingest', writeText(dir, 'e.csv', ''), '--workspace', ws], /^shopcast: .*e\.csv: file is empty\n$/],
      [['ingest', writeText(dir, 'x.csv', 'foo,bar\n1,2\n'), '--workspace', ws], /^shopcast: .*x\.csv: layout not recognised\. Columns found: foo, bar\. .*--map FILE.*\n$/],
      [['series', '--sku', 'NOPE', '--workspace', ws], /^shopcast: series: unknown SKU 'NOPE'/],
      [['series', '--workspace', ws], /--sku is required/],
      [['inspect', '--bogus', '--workspace', ws], /Unknown option '--bogus'/],
      [['frobnicate'], /unknown command 'frobnicate'/],
      [['inspect', '--memory-limit', 'lots', '--workspace', ws], /--memory-limit must be a size such as 300MB/],
    ];
    const allBad = await cli(['ingest', writeText(dir, 'bad.csv', 'sku,date,units\nA,someday,1\n'), '--workspace', ws]);
    assert.equal(allBad.code, 3);
    assert.match(allBad.err, /warning: no row of .*bad\.csv could be loaded \(1 rejected, see .*rejects\.csv\)/);
    for (const [args, message] of cases) {
      const r = await cli(args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.err}`);
      assert.match(r.err, message);
    }
  } finally {
    cleanup();
  }
});
