/** Stock as dated snapshots: a SKU that today's stock file lacks does not keep an older file's on-hand, and says so. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { ingestFiles } from '../src/pipeline/ingest.js';
import { readStep } from '../src/pipeline/plan-steps/read.js';
import { planWorkspace } from '../src/pipeline/plan.js';
import { cli, day, tempDir, withWorkspace, writeText } from './helpers.js';

/** Daily sales of SKUs A, B and C on days `from` … `to` - 1 (days after 2024-01-01), a few units a day. */
function sales(dir: string, name: string, from: number, to: number): string {
  const rows = ['sku,date,units'];
  for (let d = from; d < to; d++)
    for (const [k, sku] of ['A', 'B', 'C'].entries()) rows.push(`${sku},${day(d)},${1 + ((d + k) % 4)}`);
  return writeText(dir, name, rows.join('\n') + '\n');
}

test('two stock files ingested on different dates, the second lacking a SKU: the plan does not use the first on-hand for it and warns', async () => {
  await withWorkspace(async (ws, dir) => {
    const first = await ingestFiles(ws, [
      sales(dir, 'sales-1.csv', 0, 60),
      writeText(dir, 'stock-1.csv', 'sku,on_hand,lead_time_days\nA,50,7\nB,40,7\nC,20,7\n'),
    ]);
    assert.equal(first.rows_new, 3 * 60 + 3);
    assert.equal(first.stock_date, day(59), 'an undated stock file is dated the last sales day, this ingest included');
    await ingestFiles(ws, [
      sales(dir, 'sales-2.csv', 60, 90),
      writeText(dir, 'stock-2.csv', 'sku,on_hand,lead_time_days\nA,30,7\nC,25,7\n'),
    ]);
    // each stock file is a snapshot dated the last sales day at its ingest
    const dates = await ws.all<{ date: string; n: number }>(
      'SELECT date::VARCHAR AS date, count(*)::INTEGER AS n FROM raw_stock GROUP BY date ORDER BY date',
    );
    assert.deepEqual(dates, [
      { date: day(59), n: 3 },
      { date: day(89), n: 2 },
    ]);

    const now = await readStep(ws, undefined, 14);
    assert.equal(now.stockSnapshot.date, day(89));
    assert.equal(now.stock.get('A')?.onHand, 30);
    assert.equal(now.stock.get('C')?.onHand, 25);
    assert.equal(now.stock.has('B'), false, "B's on-hand of the older snapshot is not used");
    assert.deepEqual(now.stockSnapshot.missingButInOlder, ['B']);
    assert.equal(now.stockSnapshot.missing, 1);

    // a plan as of the first snapshot's date reads that one, B included
    const then = await readStep(ws, day(59), 14);
    assert.equal(then.stockSnapshot.date, day(59));
    assert.equal(then.stock.get('B')?.onHand, 40);
    assert.deepEqual(then.stockSnapshot.missingButInOlder, []);

    const plan = await planWorkspace(ws, { out: join(dir, 'plan'), horizon: 14, scenarios: 200 });
    assert.deepEqual(plan.stock_snapshot, { date: day(89), skus: 2, skus_missing: 1, skus_only_in_older: ['B'] });
    assert.ok(
      plan.assumptions.some((a) =>
        /^1 SKU with sales is missing from the stock snapshot of 2024-03-30 .*\(B\)/.test(a),
      ),
      plan.assumptions.join('\n'),
    );
    const b = await ws.all<{ on_hand: number }>(
      `SELECT on_hand FROM plan_orders WHERE run_id = ${plan.run_id} AND sku = 'B'`,
    );
    assert.ok(
      b.every((r) => r.on_hand === 0),
      JSON.stringify(b),
    );
  });
});

test("a stock file's date column makes its snapshots; --stock-date dates the rows without one; re-ingesting adds nothing", async () => {
  const { dir, cleanup } = tempDir();
  try {
    const ws = join(dir, 'ws');
    const s = sales(dir, 'sales.csv', 0, 40);
    const dated = writeText(
      dir,
      'stock-dated.csv',
      'sku,on_hand,date\nA,5,2024-01-20\nB,6,2024-01-20\nA,7,2024-02-01\n',
    );
    let r = await cli(['ingest', s, dated, '--workspace', ws, '--json']);
    assert.equal(r.code, 0, r.err);
    const undated = writeText(dir, 'stock.csv', 'sku,on_hand\nA,9\nC,3\n');
    r = await cli(['ingest', undated, '--workspace', ws, '--stock-date', '2024-02-05', '--json']);
    assert.equal(r.code, 0, r.err);
    assert.equal((JSON.parse(r.out) as { rows_new: number }).rows_new, 2);
    r = await cli(['ingest', undated, '--workspace', ws, '--stock-date', '2024-02-05', '--json']);
    assert.equal((JSON.parse(r.out) as { rows_new: number }).rows_new, 0, 'the same snapshot again adds nothing');
    r = await cli(['ingest', undated, '--workspace', ws, '--stock-date', '2024-02-31']);
    assert.equal(r.code, 2);
    assert.match(r.err, /--stock-date must be a date such as 2024-03-31, got '2024-02-31'/);

    const { Workspace } = await import('../src/store/workspace.js');
    const w = await Workspace.open(ws);
    try {
      const at = async (asOf: string): Promise<[string | null, Record<string, number>]> => {
        const inputs = await readStep(w, asOf, 7);
        return [inputs.stockSnapshot.date, Object.fromEntries([...inputs.stock].map(([k, v]) => [k, v.onHand]))];
      };
      assert.deepEqual(await at('2024-01-25'), ['2024-01-20', { A: 5, B: 6 }]);
      assert.deepEqual(await at('2024-02-03'), ['2024-02-01', { A: 7 }]);
      assert.deepEqual(await at('2024-02-09'), ['2024-02-05', { A: 9, C: 3 }]);
    } finally {
      w.close();
    }
  } finally {
    cleanup();
  }
});
