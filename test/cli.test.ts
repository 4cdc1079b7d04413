import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { REPO, SAMPLE, shopcast, tempDir, writeText } from './helpers.js';


/** Compares with a golden file; never rewrites it under CI, writes `*.changed` to diff on mismatch. */
function golden(name: string, actual: string): void {
  const path = join(REPO, 'test/golden', name);
  if (!existsSync(path) && process.env['CI'] !== 'true') writeFileSync(path, actual);
  const expected = readFileSync(path, 'utf8');
  if (expected !== actual) {
    writeFileSync(`${path}.changed`, actual);
    assert.fail(`${name} differs from its golden file; see ${path}.changed`);
  }
}

test('the CLI ingests the sample shop, inspects it and prints a series', () => {
  const { dir, cleanup } = tempDir();
  try {
    const ws = join(dir, 'ws');
    const ing = shopcast(['ingest', SAMPLE, '--workspace', ws, '--json']);
    assert.equal(ing.code, 0, ing.err);
    assert.equal(ing.err, '', 'no progress output when stderr is not a terminal');
    const r = JSON.parse(ing.out);
    for (const k of ['rows_read', 'rows_loaded', 'rows_rejected', 'skus', 'first_date', 'last_date', 'cleaning']) assert.ok(k in r, k);
    assert.equal(r.rows_read, r.rows_loaded + r.rows_rejected);
    assert.equal(r.first_date, '2010-12-01');
    assert.equal(r.last_date, '2011-11-04');
    for (const rule of ['cancellations', 'cancelled_originals', 'returns', 'non_product', 'duplicates', 'bad_price', 'outliers', 'closed_days', 'gaps_filled', 'stockouts_suspected'])
      assert.ok(r.cleaning[rule] > 0, `${rule} has rows in the sample shop`);

    const insp = shopcast(['inspect', '--workspace', ws, '--json']);
    assert.equal(insp.code, 0, insp.err);
    const s = JSON.parse(insp.out);
    for (const k of ['order_lines', 'rows_rejected', 'skus', 'first_date', 'last_date', 'cleaning']) assert.ok(k in s, k);
    assert.equal(s.order_lines, r.rows_loaded);
    assert.equal(s.skus, r.skus);

    const again = shopcast(['ingest', SAMPLE, '--workspace', ws, '--json']);
    assert.equal(JSON.parse(again.out).rows_new, 0);
    assert.deepEqual(JSON.parse(shopcast(['inspect', '--workspace', ws, '--json']).out), s, 'inspect --json unchanged by a re-ingest');

    const human = shopcast(['inspect', '--workspace', ws]);
    assert.match(human.out, /Top sellers:/);
    assert.match(human.out, /stockouts_suspected/);

    const week = shopcast(['series', '--sku', '85123A', '--freq', 'week', '--workspace', ws]);
    assert.equal(week.code, 0, week.err);
    golden('series-85123A-week.csv', week.out);
    const days = shopcast(['series', '--sku', '85123A', '--workspace', ws]).out.trim().split('\n');
    assert.equal(days[0], 'date,units,revenue,open_days,filled,missing_days,stockout_days,outlier_capped');
    assert.match(days[4]!, /^2010-12-04,,0,0,/, 'a Saturday: closed, no units');
  } finally {
    cleanup();
  }
});

test('the CLI reports bad input on one line with a non-zero exit code', () => {
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
    const allBad = shopcast(['ingest', writeText(dir, 'bad.csv', 'sku,date,units\nA,someday,1\n'), '--workspace', ws]);
    assert.equal(allBad.code, 3);
    assert.match(allBad.err, /warning: no row of .*bad\.csv could be loaded \(1 rejected, see .*rejects\.csv\)/);
    for (const [args, message] of cases) {
      const r = shopcast(args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.err}`);
      assert.match(r.err, message);
    }
  } finally {
    cleanup();
  }
});
