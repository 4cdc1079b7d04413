/** The CLI in-process (`main` with an injected Io): bad input on one line, with its exit code; the progress bar on a terminal. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { main } from '../src/cli/main.js';
import { cli, tempDir, writeText } from './helpers.js';

test('the CLI reports bad input on one line with a non-zero exit code', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const ws = join(dir, 'ws');
    const cases: [string[], RegExp][] = [
      [['ingest', join(dir, 'nope.csv'), '--workspace', ws], /^shopcast: .*nope\.csv: cannot read: no such file\n$/],
      [['ingest', writeText(dir, 'e.csv', ''), '--workspace', ws], /^shopcast: .*e\.csv: file is empty\n$/],
      [
        ['ingest', writeText(dir, 'x.csv', 'foo,bar\n1,2\n'), '--workspace', ws],
        /^shopcast: .*x\.csv: layout not recognised\. Columns found: foo, bar\. .*--map FILE.*\n$/,
      ],
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

test('a command draws its progress bar on the Io stderr when that is a terminal, and clears it before the report', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const rows = ['sku,date,units'];
    for (let d = 0; d < 60; d++)
      rows.push(`A,${new Date(Date.UTC(2024, 0, 1 + d)).toISOString().slice(0, 10)},${d % 7}`);
    const file = writeText(dir, 'sales.csv', rows.join('\n') + '\n');
    const drawn: string[] = [];
    const terminal = {
      isTTY: true,
      columns: 200,
      write: (t: string) => drawn.push(t) > 0,
    } as unknown as NodeJS.WriteStream;
    let out = '';
    const code = await main(['ingest', file, '--workspace', join(dir, 'ws')], {
      out: (t) => void (out += t),
      err: () => {},
      stderr: terminal,
    });
    assert.equal(code, 0);
    assert.ok(
      drawn.some((t) => t.startsWith('\r\x1b[2K[') && t.includes('% reading ')),
      JSON.stringify(drawn.slice(0, 3)),
    );
    assert.equal(drawn.at(-1), '\r\x1b[2K', 'the bar is cleared when done');
    assert.match(out, /^Ingested 1 file/);
  } finally {
    cleanup();
  }
});
