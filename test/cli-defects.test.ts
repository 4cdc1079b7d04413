/**
 * Issue 18, the CLI's defects and safe outputs: a missing --series file, horizons beyond the history,
 * negative option values, --out - with --json, each command's own help, one default model, ambiguous
 * or after-the-data --as-of, gaps and duplicate rows in --series, and plan's outputs written all
 * together (never a new forecasts.csv beside the previous run's orders), never through a link.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseDateOption } from '../src/data/date-option.js';
import { InputError } from '../src/data/errors.js';
import { longRowsToSeries, readLongSeries } from '../src/data/long-series.js';
import { backtest, forecast } from '../src/pipeline/forecast-arrays.js';
import { maxHorizon } from '../src/pipeline/horizon-limit.js';
import { cli, tempDir, writeText, withWorkspace } from './helpers.js';

/** Daily sales `sku,date,units` of `skus` SKUs over `days` days from 2024-01-01 (a Monday), weekly pattern. */
function dailySales(dir: string, days: number, skus = 3, name = 'sales.csv'): string {
  const rows = ['sku,date,units'];
  for (let s = 0; s < skus; s++)
    for (let d = 0; d < days; d++)
      rows.push(`S${s},${new Date(Date.UTC(2024, 0, 1 + d)).toISOString().slice(0, 10)},${1 + ((d * (s + 3)) % 7)}`);
  return writeText(dir, name, rows.join('\n') + '\n');
}

test('a missing --series file is bad input (exit 2), not an internal error', async () => {
  const { dir, cleanup } = tempDir();
  try {
    for (const command of ['forecast', 'backtest']) {
      const r = await cli([command, '--series', join(dir, 'nope.csv'), '--freq', 'day']);
      assert.equal(r.code, 2, r.err);
      assert.match(r.err, /^shopcast: .*nope\.csv: cannot read: no such file\n$/);
    }
  } finally {
    cleanup();
  }
});

test('a horizon beyond twice the history or 3 years is refused, saying why, in the library and the CLI', async () => {
  assert.equal(maxHorizon(365, 'day'), 730);
  assert.equal(maxHorizon(10, 'day'), 28, "the frequency's usual horizon stays allowed for a short history");
  assert.equal(maxHorizon(5000, 'day'), 1098);
  assert.equal(maxHorizon(400, 'year'), 10);
  const y = Array.from({ length: 40 }, (_, i) => 10 + (i % 5));
  await assert.rejects(forecast(y, { h: 81, models: 'naive', threads: 1 }), (e: Error) => {
    assert.ok(e instanceof InputError);
    assert.equal(e.field, 'h');
    assert.match(e.message, /h 81 is too far ahead: at most 80 periods, twice the 40 periods of history/);
    return true;
  });
  const ok = await forecast(y, { h: 80, models: 'naive', threads: 1 });
  assert.equal(ok[0]!.mean.length, 80);
  await assert.rejects(backtest({ A: y }, { h: 100, models: 'naive', threads: 1 }), /too far ahead/);

  const { dir, cleanup } = tempDir();
  try {
    const file = dailySales(dir, 60, 1);
    const r = await cli(['forecast', '--series', file, '--freq', 'day', '--horizon', '121', '--out', join(dir, 'f')]);
    assert.equal(r.code, 2, r.err);
    assert.match(r.err, /forecast: --horizon 121 is too far ahead: at most 120 days, twice the 60 days of history/);
    assert.ok(!existsSync(join(dir, 'f')), 'nothing written');
    const bt = await cli(['backtest', '--series', file, '--freq', 'day', '--horizon', '500']);
    assert.equal(bt.code, 2, bt.err);
    assert.match(bt.err, /backtest: --horizon 500 is too far ahead: at most 120 days/);
    const far = await cli(['forecast', '--series', file, '--freq', 'day', '--horizon', '100000']);
    assert.equal(far.code, 2, far.err);
    assert.match(far.err, /at most 1098 days \(about 3 years\)/);
    const plan = await cli(['plan', '--workspace', join(dir, 'ws'), '--horizon', '100000', '--out', join(dir, 'p')]);
    assert.equal(plan.code, 2, plan.err);
    assert.match(plan.err, /plan: --horizon 100000 is too far ahead: at most 1098 days/);
  } finally {
    cleanup();
  }
});

test('a negative option value gets the option range error, not "argument is ambiguous"', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const ws = join(dir, 'ws');
    const sl = await cli(['plan', '--workspace', ws, '--service-level', '-1', '--out', join(dir, 'p')]);
    assert.equal(sl.code, 2, sl.err);
    assert.match(sl.err, /^shopcast: plan: --service-level must be between 0.5 and 1 \(e\.g\. 0\.95\), got -1\n$/);
    const b = await cli(['plan', '--workspace', ws, '--budget', '-0.5', '--out', join(dir, 'p')]);
    assert.match(b.err, /--budget must be ≥ 0, got -0.5/);
    const h = await cli(['forecast', '--series', dailySales(dir, 30, 1), '--freq', 'day', '--horizon', '-3']);
    assert.equal(h.code, 2, h.err);
    assert.match(h.err, /--horizon must be a whole number ≥ 1, got '-3'/);
    for (const r of [sl, b, h]) assert.doesNotMatch(r.err, /ambiguous/);
  } finally {
    cleanup();
  }
});

test('forecast --out - with --json is refused: both would be on standard output', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const r = await cli(['forecast', '--series', dailySales(dir, 30, 1), '--freq', 'day', '--out', '-', '--json']);
    assert.equal(r.code, 2, r.err);
    assert.equal(r.out, '');
    assert.match(r.err, /--out - writes the forecasts to standard output.*give --out a file/);
  } finally {
    cleanup();
  }
});

test('each command has its own help with its options and defaults; forecast and plan both default to auto', async () => {
  const plan = await cli(['plan', '--help']);
  assert.equal(plan.code, 0);
  assert.match(plan.out, /^shopcast plan \[<files…>\] \[options\]/);
  assert.match(plan.out, /--service-level P .*\n.*by ABC × XYZ class/);
  assert.match(plan.out, /--out DIR +output folder \(default \.\/plan\)/);
  assert.match(plan.out, /--currency CODE/);
  assert.match(plan.out, /--model NAME +forecasting model \(default auto/);
  assert.doesNotMatch(plan.out, /shopcast ingest <files…>/, 'not the global usage');
  const fc = await cli(['forecast', '-h']);
  assert.match(fc.out, /^shopcast forecast \[options\]/);
  assert.match(fc.out, /--model NAME +auto \(default/);
  assert.match(fc.out, /--horizon N .*\(default: 28 days/);
  for (const command of ['ingest', 'inspect', 'series', 'backtest', 'explain', 'lifecycle', 'launch']) {
    const r = await cli([command, '--help']);
    assert.equal(r.code, 0, command);
    assert.match(r.out, new RegExp(`^shopcast ${command} `), command);
    assert.match(r.out, /--workspace DIR +the workspace folder \(default /, command);
  }
  const global = await cli(['--help']);
  assert.match(global.out, /shopcast <command> --help/);

  const { dir, cleanup } = tempDir();
  try {
    const r = await cli([
      'forecast',
      '--series',
      dailySales(dir, 60, 2),
      '--freq',
      'day',
      '--threads',
      '1',
      '--json',
      '--out',
      join(dir, 'f.csv'),
    ]);
    assert.equal(r.code, 0, r.err);
    assert.equal(JSON.parse(r.out).model, 'auto');
  } finally {
    cleanup();
  }
});

test('an ambiguous slash date is refused as --as-of or --date; an unambiguous one is read', async () => {
  assert.equal(parseDateOption('2011-11-04'), '2011-11-04');
  assert.equal(parseDateOption('2011-11-04 10:30'), '2011-11-04');
  assert.equal(parseDateOption('25/12/2011'), '2011-12-25');
  assert.equal(parseDateOption('12/25/2011'), '2011-12-25');
  assert.equal(parseDateOption('04/04/2011'), '2011-04-04');
  assert.throws(
    () => parseDateOption('04/11/2011', 'asOf'),
    (e: Error) => {
      assert.ok(e instanceof InputError);
      assert.equal(e.field, 'asOf');
      assert.match(e.message, /'04\/11\/2011' is ambiguous.*YYYY-MM-DD, 2011-11-04 or 2011-04-11/);
      return true;
    },
  );
  assert.throws(() => parseDateOption('03.04.2011'), /ambiguous/);
  assert.throws(() => parseDateOption('someday'), /unreadable date 'someday' \(write it as YYYY-MM-DD\)/);
  const { asOfDate } = await import('../src/store/demand-panel.js');
  assert.throws(() => asOfDate('04/11/2011'), /ambiguous/);

  const { dir, cleanup } = tempDir();
  try {
    const file = dailySales(dir, 60, 1);
    const r = await cli(['forecast', '--series', file, '--freq', 'day', '--as-of', '02/01/2024']);
    assert.equal(r.code, 2, r.err);
    assert.match(r.err, /^shopcast: --as-of: '02\/01\/2024' is ambiguous/);
    const ws = join(dir, 'ws');
    assert.equal((await cli(['ingest', file, '--workspace', ws])).code, 0);
    for (const args of [
      ['plan', '--as-of', '04/11/2024', '--out', join(dir, 'p')],
      ['lifecycle', '--as-of', '04/11/2024'],
      ['forecast', '--as-of', '04/11/2024', '--out', join(dir, 'f.csv')],
      ['explain', '--sku', 'S0', '--date', '04/11/2024'],
    ]) {
      const a = await cli([...args, '--workspace', ws]);
      assert.equal(a.code, 2, `${args[0]}: ${a.err}`);
      assert.match(a.err, /--(as-of|date): '04\/11\/2024' is ambiguous/, args[0]);
    }
  } finally {
    cleanup();
  }
});

test('--as-of after the last day with data is an error naming that day', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const file = dailySales(dir, 60, 2); // 2024-01-01 … 2024-02-29
    const s = await cli(['forecast', '--series', file, '--freq', 'day', '--as-of', '2024-03-15']);
    assert.equal(s.code, 2, s.err);
    assert.match(s.err, /--as-of: 2024-03-15 is after the last day with data in .*sales\.csv, 2024-02-29/);
    const inside = await readLongSeries(file, 'day', '2024-02-29');
    assert.equal(inside.values[0]!.length, 60);
    const ws = join(dir, 'ws');
    assert.equal((await cli(['ingest', file, '--workspace', ws])).code, 0);
    for (const args of [['plan', '--out', join(dir, 'p')], ['lifecycle'], ['forecast', '--out', join(dir, 'f.csv')]]) {
      const r = await cli([...args, '--as-of', '2024-03-15', '--workspace', ws]);
      assert.equal(r.code, 2, `${args[0]}: ${r.err}`);
      assert.match(r.err, /^shopcast: --as-of: 2024-03-15 is after the last day with data, 2024-02-29\n$/, args[0]);
    }
    assert.ok(!existsSync(join(dir, 'p')) && !existsSync(join(dir, 'f.csv')), 'nothing written');
  } finally {
    cleanup();
  }
});

test('--series: a period with no row is zero sales and counted; two rows for one period are refused', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const gaps = writeText(
      dir,
      'gaps.csv',
      'sku,date,units\nA,2024-01-01,4\nA,2024-01-04,2\nA,2024-01-05,\nB,2024-01-02,1\n',
    );
    const s = await readLongSeries(gaps, 'day');
    assert.deepEqual(Array.from(s.values[0]!), [4, 0, 0, 2, NaN], 'no row: 0; an empty units cell: unknown');
    assert.equal(s.filled, 2);
    const r = await cli(['forecast', '--series', gaps, '--freq', 'day', '--model', 'naive', '--out', join(dir, 'f')]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /2 periods with no row in .*gaps\.csv were taken as 0 \(no sales/);
    const json = await cli([
      'forecast',
      '--series',
      gaps,
      '--freq',
      'day',
      '--model',
      'naive',
      '--json',
      '--out',
      join(dir, 'f'),
    ]);
    assert.equal(JSON.parse(json.out).periods_filled, 2);

    const dup = writeText(
      dir,
      'dup.csv',
      'sku,date,units\nA,2024-01-01,4\nA,2024-01-02,1\nB,2024-01-01,3\nA,2024-01-02,2\n',
    );
    const d = await cli(['forecast', '--series', dup, '--freq', 'day', '--out', join(dir, 'g')]);
    assert.equal(d.code, 2, d.err);
    assert.match(
      d.err,
      /dup\.csv: series 'A' has two rows for 2024-01-02 \(lines 3 and 5\): give one row per series and day/,
    );
    assert.throws(
      () =>
        longRowsToSeries(
          [
            { sku: 'A', date: '2024-01-01', units: 1 },
            { sku: 'A', date: '2024-01-01', units: 2 },
          ],
          'day',
        ),
      /series 'A' has two rows for 2024-01-01 \(rows 1 and 2\)/,
    );
    const rows = longRowsToSeries(
      [
        { sku: 'A', date: '2024-01-01', units: 3 },
        { sku: 'A', date: '2024-01-03', units: 1 },
      ],
      'day',
    );
    assert.deepEqual(Array.from(rows.values[0]!), [3, 0, 1]);
    assert.equal(rows.filled, 1);
  } finally {
    cleanup();
  }
});

test('plan refuses an --out that is a file or a symbolic link before any work', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const file = dailySales(dir, 60, 2);
    const aFile = writeText(dir, 'plan-file', 'not a folder');
    const ws = join(dir, 'ws');
    const r = await cli(['plan', file, '--workspace', ws, '--out', aFile]);
    assert.equal(r.code, 2, r.err);
    assert.match(r.err, /plan: --out '.*plan-file' is a file, not a folder/);
    assert.ok(!existsSync(ws), 'refused before the files were ingested');
    mkdirSync(join(dir, 'real'));
    symlinkSync(join(dir, 'real'), join(dir, 'linked'));
    const l = await cli(['plan', file, '--workspace', ws, '--out', join(dir, 'linked')]);
    assert.equal(l.code, 2, l.err);
    assert.match(l.err, /--out '.*linked' is a symbolic link/);
    mkdirSync(join(dir, 'out'));
    symlinkSync(join(dir, 'elsewhere.csv'), join(dir, 'out', 'orders.csv'));
    const f = await cli(['plan', file, '--workspace', ws, '--out', join(dir, 'out')]);
    assert.equal(f.code, 2, f.err);
    assert.match(f.err, /out[/\\]orders\.csv is a symbolic link/);
    assert.ok(!existsSync(join(dir, 'elsewhere.csv')));
  } finally {
    cleanup();
  }
});

test('plan with less than a complete week of data says what is missing and writes nothing', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const out = join(dir, 'p');
    const r = await cli(['plan', dailySales(dir, 5, 2), '--workspace', join(dir, 'ws'), '--out', out]);
    assert.equal(r.code, 2, r.err);
    assert.match(
      r.err,
      /plan: the workspace has 5 days of demand \(2024-01-01 → 2024-01-05\); a plan needs at least one complete Monday–Sunday week/,
    );
    assert.ok(!existsSync(out));
    assert.deepEqual(
      readdirSync(dir).filter((f) => f.includes('.tmp-')),
      [],
    );
  } finally {
    cleanup();
  }
});

test('a plan that fails half-way leaves the previous run’s files as they were, and no temporary folder', async () => {
  await withWorkspace(async (ws, dir) => {
    const { ingestFiles } = await import('../src/pipeline/ingest.js');
    const { planWorkspace } = await import('../src/pipeline/plan.js');
    await ingestFiles(ws, [dailySales(dir, 70, 3)]);
    const out = join(dir, 'plan');
    const first = await planWorkspace(ws, { out, horizon: 14, threads: 1, scenarios: 200 });
    assert.equal(first.out.forecasts, join(out, 'forecasts.csv'));
    const before = Object.values(first.out).map((p) => readFileSync(p, 'utf8'));
    assert.equal(before[0]!.trim().split('\n').length, 1 + 3 * 14);
    // a failure after the forecasts were made (here: in the inventory step)
    const failing = planWorkspace(ws, {
      out,
      horizon: 21,
      threads: 1,
      scenarios: 200,
      onProgress: (label) => {
        if (label === 'inventory') throw new Error('simulated failure');
      },
    });
    await assert.rejects(failing, /simulated failure/);
    assert.deepEqual(
      Object.values(first.out).map((p) => readFileSync(p, 'utf8')),
      before,
      'forecasts.csv, orders.csv and report.html are those of the first run',
    );
    assert.deepEqual(
      readdirSync(dir).filter((f) => f.includes('.tmp-')),
      [],
    );
    // a plan that succeeds replaces all three
    const second = await planWorkspace(ws, { out, horizon: 21, threads: 1, scenarios: 200 });
    assert.equal(readFileSync(second.out.forecasts, 'utf8').trim().split('\n').length, 1 + 3 * 21);
    assert.ok(statSync(second.out.report).isFile());
    writeFileSync(join(out, 'notes.txt'), 'kept');
    await planWorkspace(ws, { out, horizon: 14, threads: 1, scenarios: 200 });
    assert.equal(readFileSync(join(out, 'notes.txt'), 'utf8'), 'kept', 'other files in the folder stay');
  });
});

test('running out of DuckDB memory: the advice is more than the limit that ran out', async () => {
  const { twiceTheMemory } = await import('../src/cli/workspace.js');
  assert.equal(twiceTheMemory('300MB'), '600MB');
  assert.equal(twiceTheMemory('2GB'), '4GB');
  assert.equal(twiceTheMemory('1.5GB'), '3GB');
  assert.equal(twiceTheMemory('600MiB'), '2GB');
});
