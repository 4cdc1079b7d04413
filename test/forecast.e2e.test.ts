/** shopcast forecast (in-process) on the whole sample shop's workspace. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { cli, SAMPLE, tempDir } from './helpers.js';

test('shopcast forecast on the workspace forecasts every SKU of the sample shop', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const ws = join(dir, 'ws');
    assert.equal((await cli(['ingest', SAMPLE, '--workspace', ws])).code, 0);
    const out = join(dir, 'fc.csv');
    const r = await cli([
      'forecast',
      '--workspace',
      ws,
      '--freq',
      'week',
      '--horizon',
      '4',
      '--model',
      'theta',
      '--as-of',
      '2011-10-07',
      '--out',
      out,
      '--json',
    ]);
    assert.equal(r.code, 0, r.err);
    const summary = JSON.parse(r.out);
    assert.ok(summary.series > 250);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    assert.equal(lines.length, 1 + summary.series * 4);
    // complete weeks up to 2011-10-07 (a Friday): the last is the week of 2011-09-26, so forecasts start 2011-10-03
    assert.ok(
      lines.slice(1).every((l) => !l.includes(',-')),
      'never negative',
    );
    assert.match(
      lines.find((l) => l.startsWith('85123A,'))!,
      /^85123A,2011-10-03,/,
    );
  } finally {
    cleanup();
  }
});
