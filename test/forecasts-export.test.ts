/**
 * forecastsExport: each SKU's latest champion forecast as JSON, CSV (formula cells neutralised) and Parquet (read
 * back with the same rows), on a small shop planned for real (test/read-fixture.ts).
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { InputError } from '../src/data/errors.js';
import { forecastsExport } from '../src/pipeline/forecasts-export.js';
import { sql } from '../src/store/sql.js';
import type { Workspace } from '../src/store/workspace.js';
import { HOSTILE, SHOP, assertNoFormulaCells, parseCsv, withPlannedShop } from './read-fixture.js';

interface Row {
  sku: string;
  date: string;
  mean: number;
  p05: number;
  p25: number;
  p50: number;
  p75: number;
  p95: number;
  model: string;
}

async function planForecasts(ws: Workspace, runId: number): Promise<Row[]> {
  return ws.all<Row>(sql`SELECT sku, date::VARCHAR AS date, mean, p05, p25, p50, p75, p95, model FROM plan_forecasts
    WHERE run_id = ${runId}::INTEGER ORDER BY sku, date`);
}

async function body(ws: Workspace, o: Parameters<typeof forecastsExport>[1]): Promise<string> {
  const r = await forecastsExport(ws, o);
  assert.ok('body' in r);
  return r.body;
}

async function assertInputError(p: Promise<unknown>, field: string): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof InputError, String(e));
    assert.equal(e.field, field, e.message);
    return true;
  });
}

test('forecastsExport: JSON, CSV and Parquet of the latest champion forecasts, the same rows', async () => {
  await withPlannedShop(async (ws, plan) => {
    const expected = await planForecasts(ws, plan.run_id);
    assert.equal(new Set(expected.map((r) => r.sku)).size, SHOP.length);

    // JSON: every SKU's forecast, the plan's rows
    const json = JSON.parse(await body(ws, { format: 'json' })) as { forecasts: Row[] };
    assert.deepEqual(json.forecasts, expected);
    const r = await forecastsExport(ws, { format: 'json' });
    assert.equal(r.contentType, 'application/json; charset=utf-8');

    // some SKUs (hostile ones, an unknown one), the first 7 days
    const skus = [HOSTILE.formula, HOSTILE.sqlSku, HOSTILE.percent, "nope' OR '1'='1"];
    const some = (JSON.parse(await body(ws, { format: 'json', skus, horizon: 7 })) as { forecasts: Row[] }).forecasts;
    const firstWeek = expected.filter(
      (e) =>
        skus.includes(e.sku) && e.date <= new Date(Date.parse(plan.as_of) + 7 * 86_400_000).toISOString().slice(0, 10),
    );
    assert.equal(firstWeek.length, 3 * 7);
    assert.deepEqual(some, firstWeek);

    // CSV: forecasts.csv's columns, the same rows, every text cell safe in a spreadsheet
    const csv = await forecastsExport(ws, { format: 'csv' });
    assert.ok('body' in csv);
    assert.equal(csv.contentType, 'text/csv; charset=utf-8');
    const rows = parseCsv(csv.body);
    assert.deepEqual(rows[0], ['sku', 'date', 'mean', 'p05', 'p25', 'p50', 'p75', 'p95', 'model']);
    assertNoFormulaCells(rows);
    assert.equal(rows.length - 1, expected.length);
    const neutral = (s: string): string => (/^[=+\-@\t\r]/.test(s) ? `'${s}` : s);
    assert.deepEqual(
      rows.slice(1),
      expected.map((e) => [
        neutral(e.sku),
        e.date,
        ...[e.mean, e.p05, e.p25, e.p50, e.p75, e.p95].map(String),
        neutral(e.model),
      ]),
    );
    assert.ok(csv.body.includes(`\n"'=HYPERLINK(""http://x"")",`), 'quoted and neutralised');
    assert.ok(csv.body.includes(`\n'-2+3,`));

    // Parquet: a generated file in the workspace's tmp folder, read back with the same rows
    const pq = await forecastsExport(ws, { format: 'parquet', skus: [HOSTILE.minus, HOSTILE.backslash, 'A-100'] });
    assert.ok('path' in pq);
    assert.equal(pq.contentType, 'application/vnd.apache.parquet');
    assert.equal(dirname(pq.path), join(ws.dir, 'tmp'));
    assert.match(pq.path, /forecasts-[0-9a-f-]{36}\.parquet$/);
    const back = await ws.all<Row>(sql`SELECT * FROM read_parquet(${pq.path})`);
    assert.deepEqual(
      back,
      expected.filter((e) => [HOSTILE.minus, HOSTILE.backslash, 'A-100'].includes(e.sku)),
    );
    const pq2 = await forecastsExport(ws, { format: 'parquet' });
    assert.ok('path' in pq2);
    assert.notEqual(pq2.path, pq.path, 'each export gets a file of its own');
    assert.deepEqual(await ws.all<Row>(sql`SELECT * FROM read_parquet(${pq2.path})`), expected);
    rmSync(pq.path);
    rmSync(pq2.path);
    assert.deepEqual(readdirSync(join(ws.dir, 'tmp')), []);

    // a newer champion run of one SKU replaces its rows; challengers and backtests do not
    const live = plan.forecast_run_id + 1;
    await ws.run(sql`INSERT INTO forecast_runs VALUES (${live}::INTEGER, now()::TIMESTAMP, ${plan.as_of}::DATE,
      'ets', 'champion', 'live', NULL, 1),
      (${live + 1}::INTEGER, now()::TIMESTAMP, ${plan.as_of}::DATE, 'naive', 'challenger', 'live', NULL, 1),
      (${live + 2}::INTEGER, now()::TIMESTAMP, ${plan.as_of}::DATE, 'naive', 'champion', 'backtest', NULL, 1)`);
    for (const [run, sku] of [
      [live, HOSTILE.formula],
      [live + 1, 'A-100'],
      [live + 2, 'A-100'],
    ] as const) {
      await ws.run(sql`INSERT INTO forecast_skus VALUES (${run}::INTEGER, ${sku}, ${'=ETS(A,N,N)'}, NULL, NULL)`);
      await ws.run(sql`INSERT INTO forecast_values SELECT ${run}::INTEGER, ${sku}, s::INTEGER,
        ${plan.as_of}::DATE + s::INTEGER, 100 + s, NULL, 1, 2, 3, 4, 5, NULL FROM range(1, 4) t(s)`);
    }
    const now = (JSON.parse(await body(ws, { format: 'json' })) as { forecasts: Row[] }).forecasts;
    assert.deepEqual(
      now.filter((x) => x.sku === HOSTILE.formula).map((x) => [x.mean, x.model]),
      [
        [101, '=ETS(A,N,N)'],
        [102, '=ETS(A,N,N)'],
        [103, '=ETS(A,N,N)'],
      ],
    );
    assert.deepEqual(
      now.filter((x) => x.sku !== HOSTILE.formula),
      expected.filter((x) => x.sku !== HOSTILE.formula),
    );
    const csv2 = parseCsv(await body(ws, { format: 'csv', skus: [HOSTILE.formula] }));
    assertNoFormulaCells(csv2);
    assert.deepEqual(csv2[1], [`'${HOSTILE.formula}`, now[0]!.date, '101', '1', '2', '3', '4', '5', "'=ETS(A,N,N)"]);
  });
});

test('forecastsExport refuses an unknown format, a bad horizon and a bad SKU list, naming the field', async () => {
  await withPlannedShop(async (ws) => {
    await assertInputError(forecastsExport(ws, { format: 'xml' as 'csv' }), 'format');
    await assertInputError(forecastsExport(ws, { format: 'csv', horizon: 0 }), 'horizon');
    await assertInputError(forecastsExport(ws, { format: 'csv', horizon: 2.5 }), 'horizon');
    await assertInputError(forecastsExport(ws, { format: 'csv', horizon: 5000 }), 'horizon');
    await assertInputError(forecastsExport(ws, { format: 'csv', skus: [] }), 'skus');
    await assertInputError(forecastsExport(ws, { format: 'csv', skus: ['A-100', ''] }), 'skus[1]');
    await assertInputError(forecastsExport(ws, { format: 'parquet', skus: [7 as unknown as string] }), 'skus[0]');
    assert.equal(existsSync(join(ws.dir, 'tmp')) ? readdirSync(join(ws.dir, 'tmp')).length : 0, 0);
  });
});
