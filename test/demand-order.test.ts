/**
 * The demand panel read without a sort when daily_demand is stored in (sku, date) order (issue #22: the sort was most
 * of a 100,000-SKU panel's read): the same panel as the sorted read, the order known only after a whole rebuild,
 * checked as the rows come, and DuckDB's order of SKU codes matched by `codeBefore`.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { ingestFiles } from '../src/pipeline/ingest.js';
import {
  dailyDemandInOrder,
  rebuildCleanTables,
  rebuildCleanTablesForSkus,
  storedCleaningConfig,
} from '../src/store/clean.js';
import { codeBefore, readDemandPanel } from '../src/store/demand-panel.js';
import { REPO, SAMPLE, withWorkspace } from './helpers.js';

test('a whole rebuild stores daily demand in order: read as it is, the same panel as sorted', async () => {
  await withWorkspace(async (ws) => {
    await ingestFiles(ws, [SAMPLE, join(REPO, 'data/sample-shop/stock.csv')]);
    assert.equal(await dailyDemandInOrder(ws), true);
    const asStored = await readDemandPanel(ws, { extraDays: 28 });
    // naming every SKU reads through the sorted query
    const skus = asStored.skus.map((s) => s.sku);
    const sorted = await readDemandPanel(ws, { extraDays: 28, skus });
    assert.ok(skus.length > 200);
    assert.deepEqual(asStored, sorted);

    // a scoped rebuild deletes and appends rows: the order is no longer known, and the read sorts
    const config = await storedCleaningConfig(ws);
    await rebuildCleanTablesForSkus(ws, config, [skus[0]!, skus[100]!]);
    assert.equal(await dailyDemandInOrder(ws), false);
    assert.deepEqual(await readDemandPanel(ws, { extraDays: 28 }), sorted);
    await ws.transaction(() => rebuildCleanTables(ws, config));
    assert.equal(await dailyDemandInOrder(ws), true);

    // rows out of order where meta says they are in order: an error, not a panel with a SKU split in two
    await ws.run(`INSERT INTO daily_demand SELECT * FROM daily_demand WHERE sku = '${skus[0]}' LIMIT 1`);
    await assert.rejects(readDemandPanel(ws), /not in \(sku, date\) order at SKU/);
    // a second connection (a service's reader, with a writer committing beside it) never takes the mark: it sorts
    const reader = await ws.connect();
    try {
      assert.equal((await readDemandPanel(reader, { extraDays: 28 })).skus.length, skus.length);
    } finally {
      reader.close();
    }
  });
});

test("codeBefore orders SKU codes as DuckDB's ORDER BY does", async () => {
  await withWorkspace(async (ws) => {
    const codes = ['', 'A', 'a', 'B1', 'b1', '10', '9', 'É1', 'E1', 'ö', '\uE000x', '\uFFFDz', '😀1', '😀', 'zz', '~'];
    const rows = await ws.all<{ s: string }>(
      `SELECT s FROM (VALUES ${codes.map((c) => `('${c}')`).join(', ')}) t(s) ORDER BY s`,
    );
    const order = rows.map((r) => r.s);
    assert.equal(order.length, codes.length);
    for (let i = 1; i < order.length; i++) {
      assert.ok(codeBefore(order[i - 1]!, order[i]!), `${order[i - 1]} before ${order[i]}`);
      assert.ok(!codeBefore(order[i]!, order[i - 1]!), `${order[i]} not before ${order[i - 1]}`);
    }
    // where UTF-16 and UTF-8 disagree: a surrogate pair (U+1F600) sorts after U+E000 in bytes, before it in UTF-16
    const [emoji, privateUse] = ['😀', '\uE000'];
    assert.ok(emoji < privateUse && codeBefore(privateUse, emoji));
  });
});
