import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ingestFiles } from '../src/pipeline/ingest.js';
import { type OrderLineInput, postOrderLines, postStockSnapshot } from '../src/pipeline/order-batch.js';
import { rebuildCleanTables, rebuildCleanTablesForSkus, storedCleaningConfig } from '../src/store/clean.js';
import type { Workspace } from '../src/store/workspace.js';
import { withWorkspace, writeText } from './helpers.js';
import { BATCH_NOW, derivedTables } from './order-batch-fixture.js';

/**
 * A shop of 91 days (2024-01-01 … 03-31, the generic order-lines layout) built so that each way a new day's lines can
 * reach back into a SKU's history happens: A sells every day; B every day until 03-21 (ten days without a sale
 * follow); C always one unit; D ones and twos with one order of 40 (an outlier whose cap hangs on the median); E one
 * unit a day for customer cE.
 */
function seedRows(): string[] {
  const rows = ['order_id,ordered_at,sku,quantity,unit_price,customer_id'];
  for (let d = 0; d < 91; d++) {
    const day = new Date(Date.UTC(2024, 0, 1 + d)).toISOString().slice(0, 10);
    rows.push(`A${d},${day} 09:00,A,${1 + (d % 3)},2.5,cA`);
    if (day <= '2024-03-21') rows.push(`B${d},${day} 10:00,B,2,4,cB`);
    rows.push(`K${d},${day} 11:00,C,1,1,cC`);
    if (d < 80) rows.push(`D${d},${day} 12:00,D,${d === 40 ? 40 : d < 40 ? 1 : 2},3,cD`);
    rows.push(`E${d},${day} 13:00,E,1,5,cE`);
  }
  return rows;
}

const line = (sku: string, order: string, quantity: number, time = '2024-04-01T15:00:00'): OrderLineInput => ({
  order_id: order,
  ordered_at: time,
  sku,
  quantity,
  unit_price: 2,
  customer_id: `c${sku}`,
});

/** Cleans the SKUs of a deferred batch, compares every derived table with a full rebuild, and says how many were tails. */
async function cleanAndCompare(
  ws: Workspace,
  skus: readonly string[],
  what: string,
  steady = 0,
): Promise<[number, number]> {
  let tails: [number, number, number] = [-1, -1, -1];
  await rebuildCleanTablesForSkus(ws, await storedCleaningConfig(ws), skus, {
    onTails: (t, n, s) => (tails = [t, n, s]),
  });
  assert.equal(tails[2], steady, `${what}: steady tails`);
  const scoped = await derivedTables(ws);
  await rebuildCleanTables(ws, await storedCleaningConfig(ws));
  const full = await derivedTables(ws);
  for (const t of Object.keys(full)) assert.deepEqual(scoped[t], full[t], `${what}: ${t}`);
  return [tails[0], tails[1]];
}

test("a new day's lines rebuild a SKU from the last day on, and the tables equal a full rebuild's", async () => {
  await withWorkspace(async (ws, dir) => {
    await ingestFiles(ws, [writeText(dir, 'seed.csv', seedRows().join('\n') + '\n')], { now: BATCH_NOW });
    const post = async (lines: OrderLineInput[]): Promise<string[]> =>
      (await postOrderLines(ws, lines, { now: BATCH_NOW, deferClean: true })).skus;

    // a new day: the last day moves (daily demand whole), A's order lines from 03-31 on
    assert.deepEqual(await cleanAndCompare(ws, await post([line('A', 'N1', 2)]), 'new day'), [1, 1]);

    // B sells again: the ten days before were a stock-out after all (its head's flags move, its rows stay)
    const bHead = async (): Promise<number> =>
      Number(
        (await ws.one(`SELECT count(*) FILTER (WHERE stockout)::INTEGER AS n FROM daily_demand WHERE sku = 'B'`))['n'],
      );
    assert.equal(await bHead(), 0);
    const second = [
      line('B', 'N2', 2),
      line('C', 'N3', 1),
      line('A', 'N4', 1),
      line('A', 'N4', 1),
      line('A', 'N5', -1),
    ];
    // (A sold today already: steady, its runs not walked again)
    assert.deepEqual(await cleanAndCompare(ws, await post(second), 'same day', 1), [3, 3]);
    assert.equal(await bHead(), 10, "B's ten days without a sale are a stock-out once it sells again");
    // B sells again today: its day was sold already (steady), and its head's flags stay as they are
    assert.deepEqual(await cleanAndCompare(ws, await post([line('B', 'N2b', 1)]), 'steady', 1), [1, 1]);
    assert.equal(await bHead(), 10);
    const a = await ws.all(`SELECT order_id, status FROM order_lines WHERE order_id IN ('N4', 'N5') ORDER BY 1, 2`);
    assert.deepEqual(
      a.map((r) => `${r['order_id']} ${r['status']}`),
      ['N4 duplicate', 'N4 sale', 'N5 return'],
    );

    // D's twos move its median and with it the cap of its order of 40 (rebuilt whole); C's 500 is an outlier of today
    // (C, which sold today already, is steady)
    const third = [line('D', 'N6', 2), line('D', 'N7', 2), line('C', 'N8', 500)];
    assert.deepEqual(await cleanAndCompare(ws, await post(third), 'thresholds', 1), [1, 2]);
    const c = await ws.one(`SELECT outlier, demand_quantity FROM order_lines WHERE order_id = 'N8'`);
    assert.equal(c['outlier'], true);
    assert.ok(Number(c['demand_quantity']) < 500);

    // a cancellation reaches the sale it cancels (a day back), a new SKU has no history, a fee is not a product
    const fourth = [line('E', 'C900', -1), line('F', 'N9', 3), line('POST', 'N10', 1)];
    assert.deepEqual(await cleanAndCompare(ws, await post(fourth), 'cancellation'), [0, 3]);
    const cancelled = await ws.all(`SELECT order_id FROM order_lines WHERE status = 'cancelled_original'`);
    assert.deepEqual(cancelled, [{ order_id: 'E90' }]);
    // a later line of E leaves its stored cancellation of today paired as it was (with a sale of the head): a tail
    const after = [line('E', 'N9b', 1, '2024-04-01T16:00:00')];
    assert.deepEqual(await cleanAndCompare(ws, await post(after), 'after a cancellation'), [1, 1]);
    // a line of E before that cancellation in time changes what it cancels (the latest sale before it): rebuilt whole
    const before = [line('E', 'N9c', 1, '2024-04-01T14:00:00')];
    assert.deepEqual(await cleanAndCompare(ws, await post(before), 'before a cancellation', 0), [0, 1]);
    // A's cancellation pairs with its sale of today (rebuilt whole); A's next line keeps that pair in the tail
    assert.deepEqual(
      await cleanAndCompare(ws, await post([line('A', 'C901', -2, '2024-04-01T15:30:00')]), 'cancel today'),
      [0, 1],
    );
    assert.deepEqual(
      await cleanAndCompare(ws, await post([line('A', 'N14', 1, '2024-04-01T16:00:00')]), 'tail pair', 1),
      [1, 1],
    );
    const pairs = await ws.all(`SELECT order_id, status, cancels IS NOT NULL AS cancels FROM order_lines
      WHERE order_id IN ('N1', 'C901', 'N14', 'E90', 'C900', 'N9c') ORDER BY 1`);
    assert.deepEqual(
      pairs.map((r) => `${r['order_id']} ${r['status']} ${r['cancels']}`),
      [
        'C900 cancellation true',
        'C901 cancellation true',
        'E90 sale false',
        'N1 cancelled_original false',
        'N14 sale false',
        'N9c cancelled_original false',
      ],
    );

    // a stock snapshot newer than the last clean reaches back to its date: rebuilt whole
    const snap = await postStockSnapshot(ws, [{ sku: 'C', on_hand: 0 }], { date: '2024-03-30', deferClean: true });
    const fifth = await post([line('C', 'N11', 1)]);
    assert.deepEqual(await cleanAndCompare(ws, [...snap.skus, ...fifth], 'snapshot'), [0, 1]);
    const known = await ws.one(`SELECT stockout_known FROM daily_demand WHERE sku = 'C' AND date = '2024-03-30'`);
    assert.equal(known['stockout_known'], true);

    // lines of an earlier day than the last: that day on is not enough, rebuilt whole
    const late = await post([line('A', 'N12', 2, '2024-03-15T09:30:00'), line('B', 'N13', 2)]);
    assert.deepEqual(await cleanAndCompare(ws, late, 'late line', 1), [1, 2]);
  });
});

test("a clean that leaves another SKU's newer rows behind keeps the mark: that SKU is later rebuilt whole", async () => {
  await withWorkspace(async (ws, dir) => {
    await ingestFiles(ws, [writeText(dir, 'seed.csv', seedRows().join('\n') + '\n')], { now: BATCH_NOW });
    const config = await storedCleaningConfig(ws);
    await postOrderLines(ws, [line('A', 'N1', 2)], { now: BATCH_NOW });
    // C's snapshot (nothing on hand on 03-30) is stored and not cleaned; B's batch is cleaned alone
    await postStockSnapshot(ws, [{ sku: 'C', on_hand: 0 }], { date: '2024-03-30', deferClean: true });
    await postOrderLines(ws, [line('B', 'N2', 2)], { now: BATCH_NOW, deferClean: true });
    await rebuildCleanTablesForSkus(ws, config, ['B']);
    // C's line of today: its snapshot is still newer than the mark, so C is rebuilt whole
    await postOrderLines(ws, [line('C', 'N3', 1)], { now: BATCH_NOW, deferClean: true });
    let tails = -1;
    await rebuildCleanTablesForSkus(ws, config, ['C'], { onTails: (t) => (tails = t) });
    assert.equal(tails, 0);
    const known = await ws.one(`SELECT stockout_known FROM daily_demand WHERE sku = 'C' AND date = '2024-03-30'`);
    assert.equal(known['stockout_known'], true);
    const scoped = await derivedTables(ws);
    await rebuildCleanTables(ws, config);
    assert.deepEqual(scoped, await derivedTables(ws));
  });
});
