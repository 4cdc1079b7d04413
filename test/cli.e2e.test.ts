/**
 * The CLI end to end: the sample shop ingested (once as a process: no progress bar on a pipe),
 * inspected and a series printed; bin/shopcast as a process for exit codes and the progress bar on a terminal.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { BIN, cli, REPO, SAMPLE, shopcast, tempDir, writeText } from './helpers.js';

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

test('the CLI ingests the sample shop, inspects it and prints a series', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const ws = join(dir, 'ws');
    // as a process, stderr a pipe: no progress bar; the rest runs in-process
    const ing = shopcast(['ingest', SAMPLE, '--workspace', ws, '--json']);
    assert.equal(ing.code, 0, ing.err);
    assert.equal(ing.err, '', 'no progress output when stderr is not a terminal');
    const r = JSON.parse(ing.out);
    for (const k of ['rows_read', 'rows_loaded', 'rows_rejected', 'skus', 'first_date', 'last_date', 'cleaning'])
      assert.ok(k in r, k);
    assert.equal(r.rows_read, r.rows_loaded + r.rows_rejected);
    assert.equal(r.first_date, '2010-12-01');
    assert.equal(r.last_date, '2011-11-04');
    for (const rule of [
      'cancellations',
      'cancelled_originals',
      'returns',
      'non_product',
      'duplicates',
      'bad_price',
      'outliers',
      'closed_days',
      'gaps_filled',
      'stockouts_suspected',
    ])
      assert.ok(r.cleaning[rule] > 0, `${rule} has rows in the sample shop`);

    const insp = await cli(['inspect', '--workspace', ws, '--json']);
    assert.equal(insp.code, 0, insp.err);
    const s = JSON.parse(insp.out);
    for (const k of ['order_lines', 'rows_rejected', 'skus', 'first_date', 'last_date', 'cleaning'])
      assert.ok(k in s, k);
    assert.equal(s.order_lines, r.rows_loaded);
    assert.equal(s.skus, r.skus);

    const again = await cli(['ingest', SAMPLE, '--workspace', ws, '--json']);
    assert.equal(JSON.parse(again.out).rows_new, 0);
    assert.deepEqual(
      JSON.parse((await cli(['inspect', '--workspace', ws, '--json'])).out),
      s,
      'inspect --json unchanged by a re-ingest',
    );

    const human = await cli(['inspect', '--workspace', ws]);
    assert.match(human.out, /Top sellers:/);
    assert.match(human.out, /stockouts_suspected/);

    const week = await cli(['series', '--sku', '85123A', '--freq', 'week', '--workspace', ws]);
    assert.equal(week.code, 0, week.err);
    golden('series-85123A-week.csv', week.out);
    const days = (await cli(['series', '--sku', '85123A', '--workspace', ws])).out.trim().split('\n');
    assert.equal(days[0], 'date,units,revenue,open_days,filled,missing_days,stockout_days,outlier_capped');
    assert.match(days[4]!, /^2010-12-04,,0,0,/, 'a Saturday: closed, no units');

    // launch's text output, and --track's table, end with a newline as every other command's do
    const launch = await cli([
      'launch',
      '--name',
      'HEART MUG',
      '--price',
      '2.95',
      '--sku',
      'NEWMUG',
      '--workspace',
      ws,
    ]);
    assert.equal(launch.code, 0, launch.err);
    assert.match(launch.out, /^Launch of "HEART MUG"/);
    assert.ok(launch.out.endsWith('\n') && !launch.out.endsWith('\n\n'), JSON.stringify(launch.out.slice(-40)));
    const track = await cli(['launch', '--track', '--workspace', ws]);
    assert.equal(track.code, 0, track.err);
    assert.match(track.out, /NEWMUG/);
    assert.ok(track.out.endsWith('\n') && !track.out.endsWith('\n\n'), JSON.stringify(track.out.slice(-40)));
  } finally {
    cleanup();
  }
});

test('bin/shopcast as a process: exit code 0, 2 for bad input or an unknown command, 3 for an unreadable file; messages on stderr', () => {
  const { dir, cleanup } = tempDir();
  try {
    const ws = join(dir, 'ws');
    const version = shopcast(['--version']);
    assert.equal(version.code, 0, version.err);
    assert.equal(version.out, 'shopcast 0.1.0\n');
    const unknown = shopcast(['frobnicate']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.err, /^shopcast: unknown command 'frobnicate'/);
    assert.equal(unknown.out, '');
    const bad = shopcast(['ingest', writeText(dir, 'x.csv', 'foo,bar\n1,2\n'), '--workspace', ws]);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /^shopcast: .*x\.csv: layout not recognised\./);
    const allBad = shopcast(['ingest', writeText(dir, 'bad.csv', 'sku,date,units\nA,someday,1\n'), '--workspace', ws]);
    assert.equal(allBad.code, 3);
    assert.match(allBad.err, /warning: no row of .*bad\.csv could be loaded \(1 rejected, see .*rejects\.csv\)/);
  } finally {
    cleanup();
  }
});

test('bin/shopcast draws a progress bar on a terminal and clears it when done', (t) => {
  // script(1) from util-linux runs the command on a pseudo-terminal
  if (spawnSync('script', ['--version']).error !== undefined) {
    t.skip('script(1) (util-linux) is needed to give the CLI a terminal');
    return;
  }
  const { dir, cleanup } = tempDir();
  try {
    const rows = ['sku,date,units'];
    for (let d = 0; d < 200; d++)
      rows.push(`A,${new Date(Date.UTC(2024, 0, 1 + d)).toISOString().slice(0, 10)},${d % 7}`);
    const file = writeText(dir, 'sales.csv', rows.join('\n') + '\n');
    const command = [process.execPath, BIN, 'ingest', file, '--workspace', join(dir, 'ws')]
      .map((a) => `'${a}'`)
      .join(' ');
    const r = spawnSync('script', ['-qefc', command, '/dev/null'], {
      encoding: 'utf8',
      env: { ...process.env, TZ: 'UTC' },
    });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    // the terminal's output with ESC spelled out: each redraw is CR, erase line (ESC[2K), the bar
    const shown = r.stdout.replaceAll('\x1b', 'ESC');
    assert.match(shown, /\rESC\[2K\[#*-*\] +\d+% reading \//, 'a bar with its percentage and label');
    assert.match(shown, /\rESC\[2K\[#{30}\] 100% done\rESC\[2K/, 'the bar reaches 100 %');
    assert.match(shown, /\rESC\[2KIngested 1 file/, 'the bar is cleared before the report');
  } finally {
    cleanup();
  }
});

test('bin/shopcast forecast --out -: the forecasts alone on stdout, the note of periods filled with 0 on stderr', () => {
  const { dir, cleanup } = tempDir();
  try {
    const gaps = writeText(dir, 'gaps.csv', 'sku,date,units\nA,2024-01-01,4\nA,2024-01-04,2\n');
    const r = shopcast([
      'forecast',
      '--series',
      gaps,
      '--freq',
      'day',
      '--model',
      'naive',
      '--horizon',
      '2',
      '--out',
      '-',
    ]);
    assert.equal(r.code, 0, r.err);
    const lines = r.out.split('\n');
    assert.equal(lines[0], 'sku,date,mean,p05,p25,p50,p75,p95,model');
    // the series is 4, 0, 0, 2 (the days with no row are zeros): the naive mean is 2; nothing else on stdout
    assert.match(lines[1]!, /^A,2024-01-05,2,[\d.,]+,Naive$/);
    assert.match(lines[2]!, /^A,2024-01-06,2,[\d.,]+,Naive$/);
    assert.deepEqual(lines.slice(3), ['']);
    assert.match(r.err, /^shopcast: note: 2 periods with no row in .*gaps\.csv were taken as 0 \(no sales/);
  } finally {
    cleanup();
  }
});
