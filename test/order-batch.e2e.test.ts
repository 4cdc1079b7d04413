import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ingestFiles } from '../src/pipeline/ingest.js';
import { postOrderLines } from '../src/pipeline/order-batch.js';
import type { Workspace } from '../src/store/workspace.js';
import { SAMPLE, withWorkspace, writeText } from './helpers.js';
import {
  DERIVED_TABLES,
  csvFields,
  derivedTables,
  sampleShopLines,
  splitAtOrders,
  uciToInput,
} from './order-batch-fixture.js';

const NOW = new Date('2026-11-30T10:00:00Z');
const OTHER_TABLES = DERIVED_TABLES.filter((t) => t !== 'order_lines');

/**
 * order_lines without the columns that name where a line came from: `file_id` and `line` (the file, or the batch
 * and the line's place in it) and `rid` (file_id × 2³² + line); `cancelled_by` and `cancels` hold rids, so they are
 * compared as the identity (row_key, occurrence) of the line they point to, which is the same in both workspaces.
 * Everything else, `layout` included (a batch takes the layout of the workspace's latest order-lines file), must match.
 */
async function orderLinesByIdentity(ws: Workspace): Promise<string[]> {
  const rows = await ws.all(`
    SELECT o.* EXCLUDE (file_id, line, rid, cancelled_by, cancels),
      cb.row_key AS cancelled_by_key, cb.occurrence AS cancelled_by_occurrence,
      cc.row_key AS cancels_key, cc.occurrence AS cancels_occurrence
    FROM order_lines o LEFT JOIN order_lines cb ON cb.rid = o.cancelled_by
      LEFT JOIN order_lines cc ON cc.rid = o.cancels`);
  return rows.map((r) => JSON.stringify(r)).sort();
}

/** Every derived table as sorted rows, order_lines by identity. */
async function snapshot(ws: Workspace): Promise<Record<string, string[]>> {
  return { ...(await derivedTables(ws, {}, OTHER_TABLES)), order_lines: await orderLinesByIdentity(ws) };
}

/**
 * The acceptance test of live updates: the sample shop ingested as one file ≡ the same shop ingested without its
 * last 8 weeks, those weeks then posted as 40 JSON batches (cut between orders, in time order).
 */
test('the sample shop: its last 8 weeks posted as 40 batches give the tables one ingest gives', async (t) => {
  const lines = sampleShopLines();
  const header = lines[0]!;
  const rows = lines.slice(1);
  const dateOf = (l: string): string => /,(\d{4}-\d{2}-\d{2}) \d{2}:\d{2}/.exec(l)![1]!;
  const last = dateOf(rows[rows.length - 1]!);
  const from = new Date(Date.parse(`${last}T00:00:00Z`) - 55 * 86_400_000).toISOString().slice(0, 10);
  const cut = rows.findIndex((l) => dateOf(l) >= from);
  assert.ok(rows.slice(cut).every((l) => dateOf(l) >= from) && cut > 0, 'the file is in time order');

  const expected = await withWorkspace(async (ws) => {
    await ingestFiles(ws, [SAMPLE], { now: NOW });
    return snapshot(ws);
  });

  await withWorkspace(async (ws, dir) => {
    const head = writeText(dir, 'without-last-8-weeks.csv', [header, ...rows.slice(0, cut)].join('\n') + '\n');
    await ingestFiles(ws, [head], { now: NOW });
    const batches = splitAtOrders(
      rows.slice(cut).map((l) => uciToInput(csvFields(l))),
      40,
    );
    assert.equal(batches.length, 40);
    const seen = new Set<string>();
    let posted = 0;
    const extents: Record<string, number> = { scoped: 0, full: 0 };
    for (const b of batches) {
      for (const id of new Set(b.map((l) => l.order_id))) {
        assert.ok(!seen.has(id), `order ${id} is in one batch only`);
        seen.add(id);
      }
      const r = await postOrderLines(ws, b, { now: NOW });
      assert.equal(r.lines, b.length);
      posted += r.lines_new;
      extents[r.clean]!++;
    }
    assert.equal(posted, rows.length - cut, 'every line of the 8 weeks is stored once');
    const layouts = await ws.all(`SELECT DISTINCT layout FROM raw_order_lines`);
    assert.deepEqual(layouts, [{ layout: 'uci-online-retail' }]);
    const got = await snapshot(ws);
    for (const t of Object.keys(expected)) {
      assert.equal(got[t]!.length, expected[t]!.length, `${t}: rows`);
      assert.deepEqual(got[t], expected[t], t);
    }
    // not a comparison of empty tables: 292 SKUs over 11 months, Saturdays and the Christmas break closed
    assert.ok(expected['daily_demand']!.length > 50_000, `daily_demand: ${expected['daily_demand']!.length} rows`);
    assert.ok(expected['closed_days']!.length > 40, `closed_days: ${expected['closed_days']!.length} rows`);
    // most batches move the last day (a batch holds about a day of orders): daily_demand is then rebuilt whole
    t.diagnostic(`cleans: ${JSON.stringify(extents)}`);
  });
});
