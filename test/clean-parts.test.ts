/**
 * A whole clean in parts (issue #22: over a whole 100,000-SKU shop its windows and sorts spilled): ranges of SKU codes
 * rebuilt in turn give every derived table a rebuild in one part gives, daily demand still stored in (sku, date) order,
 * bundles whose components fall in other parts included.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { ingestFiles } from '../src/pipeline/ingest.js';
import { dailyDemandInOrder, rebuildCleanTables, skuParts, storedCleaningConfig } from '../src/store/clean.js';
import { readDemandPanel } from '../src/store/demand-panel.js';
import type { Workspace } from '../src/store/workspace.js';
import { REPO, SAMPLE, tempDir, withWorkspace, writeText } from './helpers.js';

const TABLES = ['order_lines', 'daily_demand', 'daily_sales', 'closed_days', 'catalog'];

/** Copies of the derived tables as they are now (temp tables `one_<table>`). */
async function keep(ws: Workspace): Promise<void> {
  for (const t of TABLES) await ws.run(`CREATE OR REPLACE TEMP TABLE one_${t} AS SELECT * FROM ${t}`);
}

/** Per table, the rows only in the kept copy and only in the table now (every column; 0 and 0: the same rows). */
async function differences(ws: Workspace): Promise<Record<string, [number, number, number]>> {
  const out: Record<string, [number, number, number]> = {};
  for (const t of TABLES) {
    const n = async (q: string): Promise<number> =>
      (await ws.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM (${q})`)).n;
    out[t] = [
      await n(`SELECT * FROM ${t}`),
      await n(`SELECT * FROM one_${t} EXCEPT ALL SELECT * FROM ${t}`),
      await n(`SELECT * FROM ${t} EXCEPT ALL SELECT * FROM one_${t}`),
    ];
  }
  return out;
}

test('the sample shop cleaned in 3,000-line parts: the tables of one rebuild, daily demand in order', async () => {
  await withWorkspace(async (ws) => {
    await ingestFiles(ws, [SAMPLE, join(REPO, 'data/sample-shop/stock.csv')]);
    const config = await storedCleaningConfig(ws);
    assert.equal((await skuParts(ws, 10_000_000)).length, 1);
    const parts = await skuParts(ws, 3000);
    assert.ok(parts.length > 20, `${parts.length} parts`);
    assert.equal(parts[0]!.from, null);
    assert.equal(parts.at(-1)!.to, null);
    for (const [i, p] of parts.entries()) {
      assert.equal(p.first, i === 0);
      if (i > 0) assert.equal(p.from, parts[i - 1]!.to);
      // a part holds at most 3,000 lines, or one SKU's lines
      const l = await ws.one<{ n: number; skus: number }>(
        `SELECT count(*)::INTEGER AS n, count(DISTINCT sku)::INTEGER AS skus FROM raw_order_lines
         WHERE (${p.from === null ? 'TRUE' : `sku >= '${p.from}'`}) AND (${p.to === null ? 'TRUE' : `sku < '${p.to}'`})`,
      );
      assert.ok(l.n <= 3000 || l.skus === 1, `part ${i}: ${l.n} lines of ${l.skus} SKUs`);
    }

    await keep(ws);
    const sorted = await readDemandPanel(ws, {
      extraDays: 28,
      skus: (await readDemandPanel(ws)).skus.map((s) => s.sku),
    });
    const steps: [string, number][] = [];
    const onStep = (label: string, f: number): number => steps.push([label, f]);
    await ws.transaction(() => rebuildCleanTables(ws, config, onStep, { linesPerPart: 3000 }));
    // progress moves on part by part, never back
    assert.equal(steps.filter(([l]) => l === 'building daily demand').length, parts.length);
    assert.ok(
      steps.every(([, f], i) => f >= 0 && f < 1 && (i === 0 || f >= steps[i - 1]![1])),
      JSON.stringify(steps),
    );
    const diff = await differences(ws);
    for (const t of TABLES) assert.deepEqual(diff[t]!.slice(1), [0, 0], `${t}: ${diff[t]}`);
    assert.ok(diff['order_lines']![0] > 100_000 && diff['daily_demand']![0] > 80_000, JSON.stringify(diff));
    // stored in (sku, date) order across the parts: read as stored (the read checks the order as rows come)
    assert.equal(await dailyDemandInOrder(ws), true);
    assert.deepEqual(await readDemandPanel(ws, { extraDays: 28 }), sorted);
  });
});

test('bundles cleaned one SKU a part: components made by the bundle part, the tables of one rebuild', async () => {
  const { dir, cleanup } = tempDir();
  try {
    await withWorkspace(async (ws) => {
      const orders = [
        'order_id,ordered_at,sku,quantity,unit_price,customer_id',
        'A1,2024-03-04 10:00,TEA-SET,1,40.00,c1',
        'A1,2024-03-04 10:00,MUG-BLUE,1,10.00,c1',
        'A2,2024-03-05 11:00,TEA-SET,2,40.00,c2',
        'C3,2024-03-05 12:00,TEA-SET,-2,40.00,c2',
        'A4,2024-03-06 09:00,TEAPOT,1,25.00,c3',
        'A5,2024-03-06 15:00,GIFT-BOX,1,12.00,c3',
        'A6,2024-03-07 15:00,ZEBRA-CUP,3,4.00,c4',
      ].join('\n');
      const bundles = ['bundle_sku,component_sku,quantity', 'TEA-SET,TEAPOT,1', 'TEA-SET,MUG-BLUE,2'];
      bundles.push('GIFT-BOX,MUG-BLUE,1', 'GIFT-BOX,ZEBRA-CUP,2');
      await ingestFiles(ws, [writeText(dir, 'orders.csv', orders), writeText(dir, 'bundles.csv', bundles.join('\n'))]);
      const config = await storedCleaningConfig(ws);
      assert.equal((await skuParts(ws, 1)).length, 5);
      await keep(ws);
      await ws.transaction(() => rebuildCleanTables(ws, config, undefined, { linesPerPart: 1 }));
      const diff = await differences(ws);
      for (const t of TABLES) assert.deepEqual(diff[t]!.slice(1), [0, 0], `${t}: ${diff[t]}`);
      // ZEBRA-CUP's demand holds the gift box's two cups, made in GIFT-BOX's part
      const zebra = await ws.all<{ date: string; units: number }>(
        `SELECT date::VARCHAR AS date, units FROM daily_demand WHERE sku = 'ZEBRA-CUP' AND units > 0 ORDER BY date`,
      );
      assert.deepEqual(zebra, [
        { date: '2024-03-06', units: 2 },
        { date: '2024-03-07', units: 3 },
      ]);
      assert.equal(await dailyDemandInOrder(ws), true);
    });
  } finally {
    cleanup();
  }
});
