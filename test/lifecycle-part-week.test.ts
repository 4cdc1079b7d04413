/**
 * The current, incomplete week (the data ends on a Friday) and the data's partial first week (it
 * starts on a Wednesday): weekly series, weekly forecasts and the life cycle use them as partial
 * observed demand and drop no SKU.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ingestFiles } from '../src/pipeline/ingest.js';
import { forecastWorkspace, workspaceSeries } from '../src/pipeline/forecast-workspace.js';
import { lifecycleWorkspace } from '../src/pipeline/lifecycle.js';
import { readStep } from '../src/pipeline/plan-steps/read.js';
import { SAMPLE, cli, day, withWorkspace, writeText } from './helpers.js';

// days 2…39 from 2024-01-01 (a Monday): Wednesday 3 January to Friday 9 February. A sells 10 a
// day throughout; B is first sold on Tuesday 6 February, in the last (incomplete) week, 5 a day.
// Units per weekday over all SKUs: Mon 50, Tue 55, Wed 65, Thu 65, Fri 65, Sat 50, Sun 50 (400).
function lines(): string {
  const out = ['sku,date,units,price,promo,open'];
  for (let d = 2; d <= 39; d++) {
    out.push(`A,${day(d)},10,2,0,1`);
    if (d >= 36) out.push(`B,${day(d)},5,3,0,1`);
  }
  return out.join('\n') + '\n';
}
const FIRST_SHARE = (65 + 65 + 65 + 50 + 50) / 400; // Wednesday to Sunday
const PART_SHARE = (50 + 55 + 65 + 65 + 65) / 400; // Monday to Friday

test('weekly series: the partial first week read as a whole week, the current week beside the complete ones', async () => {
  await withWorkspace(async (ws, dir) => {
    await ingestFiles(ws, [writeText(dir, 'sales.csv', lines())]);
    const w = await workspaceSeries(ws, 'week', undefined, { partWeek: true });
    assert.deepEqual(w.ids, ['A', 'B']);
    const a = Array.from(w.values[0]!);
    assert.equal(a.length, 5);
    // the first week has Wednesday to Sunday only: 50 units over their share of a week
    assert.ok(Math.abs(a[0]! - 50 / FIRST_SHARE) < 1e-9, `first week ${a[0]}`);
    assert.deepEqual(a.slice(1), [70, 70, 70, 70]);
    // B has no complete week yet but is listed, from the current week's Monday
    assert.equal(w.values[1]!.length, 0);
    assert.equal(new Date(w.starts[1]!).toISOString().slice(0, 10), '2024-02-05');
    assert.equal(w.partWeek?.week_start, '2024-02-05');
    assert.equal(w.partWeek?.days, 5);
    assert.ok(Math.abs(w.partWeek!.share - PART_SHARE) < 1e-9, `share ${w.partWeek?.share}`);
    assert.deepEqual(Array.from(w.partWeek!.units), [50, 20]);
    // without partWeek (backtests): complete weeks only, and no SKU without one
    const plain = await workspaceSeries(ws, 'week');
    assert.deepEqual(plain.ids, ['A']);
    assert.equal(plain.partWeek, undefined);
  });
});

test('weekly forecast: the first week is the current one, its units so far plus its remaining days; no SKU dropped', async () => {
  await withWorkspace(async (ws, dir) => {
    await ingestFiles(ws, [writeText(dir, 'sales.csv', lines())]);
    const out = join(dir, 'forecasts.csv');
    const summary = await forecastWorkspace(ws, { freq: 'week', model: 'naive', horizon: 3, out });
    const rows = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(','));
    assert.equal(summary.series, 2);
    assert.deepEqual(
      rows.map((r) => `${r[0]} ${r[1]}`),
      ['A 2024-02-05', 'A 2024-02-12', 'A 2024-02-19', 'B 2024-02-05', 'B 2024-02-12', 'B 2024-02-19'],
    );
    const mean = (k: number): number => Number(rows[k]![2]);
    // A: 50 sold this week, and the naive week of 70 for the share of the week still to come
    assert.ok(Math.abs(mean(0) - (50 + (1 - PART_SHARE) * 70)) < 1e-3, `A this week ${mean(0)}`);
    assert.equal(mean(1), 70);
    // B from its 20 units in 4 days read as a whole week: 20 / share
    assert.ok(Math.abs(mean(3) - (20 + (1 - PART_SHARE) * (20 / PART_SHARE))) < 1e-3, `B this week ${mean(3)}`);
    // every quantile of the current week is at least the units already sold
    for (const [k, sold] of [
      [0, 50],
      [3, 20],
    ] as const)
      for (const v of rows[k]!.slice(2, 8)) assert.ok(Number(v) >= sold - 1e-9, `${rows[k]!.join(',')}`);
    const cw = summary.current_week!;
    assert.ok(Math.abs(cw.share_of_week - PART_SHARE) < 1e-12);
    assert.deepEqual(
      { ...cw, share_of_week: 0 },
      { week_start: '2024-02-05', days_observed: 5, share_of_week: 0, units_sold: 70, new_skus: 1 },
    );
    // the command line says so in words
    const r = await cli([
      'forecast',
      '--workspace',
      ws.dir,
      '--freq',
      'week',
      '--model',
      'naive',
      '--horizon',
      '3',
      '--out',
      join(dir, 'f2.csv'),
    ]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /the first week, 2024-02-05, is the current one: 5 of 7 days observed, 70 units already sold/);
    assert.match(r.out, /1 SKUs first sold this week/);
  });
});

test('life cycle: the current week counted at its pace so far, a SKU first sold in it listed in its introduction', async () => {
  await withWorkspace(async (ws, dir) => {
    await ingestFiles(ws, [writeText(dir, 'sales.csv', lines())]);
    const r = await lifecycleWorkspace(ws, { store: false, series: true });
    assert.equal(r.as_of, '2024-02-09');
    assert.equal(r.part_week?.week_start, '2024-02-05');
    assert.equal(r.part_week.days, 5);
    assert.ok(Math.abs(r.part_week.share - PART_SHARE) < 1e-12);
    assert.deepEqual(
      r.skus.map((s) => s.sku),
      ['A', 'B'],
    );
    const a = r.skus[0]!;
    assert.equal(a.weeks, 6);
    assert.ok(Math.abs(a.weekly![5]! - 50 / PART_SHARE) < 1e-9, `A this week ${a.weekly![5]}`);
    assert.equal(a.part_week_units, 50);
    const b = r.skus[1]!;
    assert.equal(b.first_week, '2024-02-05');
    assert.equal(b.weeks, 1);
    assert.equal(b.stage, 'introduction');
    assert.equal(b.history, 'I');
    // a list keeps the weeks of the SKUs listed only (a plan's: those its report shows), the stages the same
    const listed = await lifecycleWorkspace(ws, { store: false, series: ['B'] });
    assert.deepEqual(
      listed.skus.map((s) => [s.sku, s.stage, s.weekly]),
      [
        ['A', a.stage, undefined],
        ['B', 'introduction', b.weekly],
      ],
    );
    assert.equal(b.weekly!.length, 1);
  });
});

test('a plan’s daily panel gives the life cycle the weeks the workspace gives it (not read twice)', async () => {
  await withWorkspace(async (ws) => {
    await ingestFiles(ws, [SAMPLE]);
    // the whole history (ends on a Friday: a part week) and an as-of date on a Wednesday
    for (const asOf of [undefined, '2011-09-14']) {
      const { panel } = await readStep(ws, asOf, 28);
      const read = await workspaceSeries(ws, 'week', asOf, { partWeek: true });
      const given = await workspaceSeries(ws, 'week', asOf, { partWeek: true, panel });
      assert.deepEqual(given, read);
      assert.ok(read.partWeek !== undefined && read.ids.length > 200);
      const o = { ...(asOf === undefined ? {} : { asOf }), store: false, series: true };
      assert.deepEqual(await lifecycleWorkspace(ws, { ...o, panel }), await lifecycleWorkspace(ws, o));
    }
  });
});
