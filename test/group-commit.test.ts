import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InputError } from '../src/data/errors.js';
import { EventLog } from '../src/pipeline/events.js';
import { type OrderBatchOutcome, postOrderBatches, postOrderLines } from '../src/pipeline/order-batch.js';
import { closeRefreshWorkers } from '../src/pipeline/refresh.js';
import { WriteLock } from '../src/pipeline/write-lock.js';
import { LiveUpdates } from '../src/server/live-updates.js';
import type { Workspace } from '../src/store/workspace.js';
import { withWorkspace } from './helpers.js';
import { BATCH_NOW, batchLine, seedSmallShop } from './order-batch-fixture.js';

const NOW = BATCH_NOW;
const line = batchLine;
const seed = seedSmallShop;

/** The raw lines the API stored: identity, batch, position and values. */
async function batchLines(ws: Workspace): Promise<string[]> {
  const rows = await ws.all(`SELECT row_key::VARCHAR AS k, occurrence, file_id, line, order_id, sku, quantity
    FROM raw_order_lines WHERE file_id IN (SELECT file_id FROM files WHERE path = 'api:order-batch')
    ORDER BY file_id, line`);
  return rows.map((r) => JSON.stringify(r));
}

// a shared line (x), posted by two batches of the group, and a batch with one bad line whose good line (b1) must not
// be stored either
const x = line({ order_id: '800001', sku: '10002', quantity: 4 });
const a = [line(), line({ order_id: '700002', sku: '10003', quantity: 1 }), x, x];
const b = [line({ order_id: '900001', sku: '10009' }), line({ order_id: '900002', quantity: Number.NaN })];
const c = [x, line({ order_id: '700003', sku: '10001', quantity: 5 })];

test('a group of batches is stored as the batches one after the other; a bad batch is refused alone', async () => {
  await withWorkspace(async (group, dir) => {
    await seed(group, dir);
    const outcomes = await postOrderBatches(group, [a, b, c], { now: NOW });
    assert.equal(outcomes.length, 3);
    const [oa, ob, oc] = outcomes as [OrderBatchOutcome, OrderBatchOutcome, OrderBatchOutcome];
    assert.ok(oa.ok && oc.ok, 'the good batches are stored');
    assert.ok(!ob.ok && ob.error instanceof InputError && ob.error.field === 'lines[1].quantity');
    // a: 4 lines, all new (x twice inside one batch: two occurrences, as in a file); c: x is a's, so 1 new
    assert.deepEqual([oa.result.lines, oa.result.lines_new, oc.result.lines, oc.result.lines_new], [4, 4, 2, 1]);
    assert.equal(oc.result.batch_id, oa.result.batch_id + 1, 'batch ids in posting order, none for the refused one');
    assert.deepEqual(oa.result.skus, ['10001', '10002', '10003']);
    assert.equal(oa.result.clean, 'deferred');
    const stored = await batchLines(group);
    assert.equal(stored.length, 5);
    assert.equal(stored.filter((r) => r.includes('"order_id":"900001"')).length, 0, 'nothing of the bad batch');
    assert.equal(stored.filter((r) => r.includes('"order_id":"800001"')).length, 2, 'x stored twice, by a only');
    // one transaction: one start time for the group's ingests, one files row per stored batch
    const ingests = await group.all<{ started: string; n: number }>(`SELECT started_at::VARCHAR AS started,
      count(*)::INTEGER AS n FROM ingests WHERE report LIKE '%order_batch%' GROUP BY started_at`);
    assert.deepEqual(
      ingests.map((i) => i.n),
      [2],
    );
    const files = await group.all<{ file_id: number; rows_new: number }>(
      `SELECT file_id, rows_new::INTEGER AS rows_new FROM files WHERE path = 'api:order-batch' ORDER BY file_id`,
    );
    assert.deepEqual(files, [
      { file_id: oa.result.batch_id, rows_new: 4 },
      { file_id: oc.result.batch_id, rows_new: 1 },
    ]);
    assert.equal((await group.one<{ v: string }>(`SELECT value AS v FROM meta WHERE key = 'clean_state'`)).v, 'stale');

    // the same batches posted one after the other in another workspace: the same raw lines
    await withWorkspace(async (one, dir2) => {
      await seed(one, dir2);
      await postOrderLines(one, a, { now: NOW, deferClean: true });
      await assert.rejects(postOrderLines(one, b, { now: NOW, deferClean: true }), InputError);
      await postOrderLines(one, c, { now: NOW, deferClean: true });
      assert.deepEqual(await batchLines(one), stored);
    });

    // posting the group again adds nothing
    const again = await postOrderBatches(group, [a, c], { now: NOW });
    assert.deepEqual(
      again.map((o) => (o.ok ? o.result.lines_new : -1)),
      [0, 0],
    );
    assert.equal((await batchLines(group)).length, 5);
  });
});

/** A LiveUpdates on `ws` with what it publishes, the errors it reports and the SKUs of each cycle, recorded. */
async function liveOn(ws: Workspace, lock: WriteLock) {
  const events = await EventLog.open(ws);
  const published: { type: string; data: unknown }[] = [];
  events.subscribe((e) => published.push({ type: e.type, data: e.data }));
  const errors: unknown[] = [];
  const cycles: number[] = [];
  const live = new LiveUpdates({
    ws,
    lock,
    events,
    onChanged: () => {},
    onLag: () => {},
    onCycle: (skus) => cycles.push(skus),
    onError: (e) => errors.push(e),
  });
  const close = async (): Promise<void> => {
    await live.close();
    await events.close();
    await closeRefreshWorkers();
  };
  return { live, published, errors, cycles, close };
}

test('concurrent posts while the writer is busy are one group: each answered with its own outcome', async () => {
  await withWorkspace(async (ws, dir) => {
    await seed(ws, dir);
    const lock = new WriteLock();
    const { live, published, errors, close } = await liveOn(ws, lock);
    try {
      // the writer is busy: the three posts wait and are stored together when it is free
      let free = (): void => {};
      const busy = lock.run(() => new Promise<void>((resolve) => (free = resolve)));
      const posts = [a, b, c].map((lines) =>
        live.postBatch(lines).then(
          (r) => r,
          (e: unknown) => e,
        ),
      );
      await new Promise((r) => setTimeout(r, 50));
      free();
      await busy;
      const [ra, rb, rc] = await Promise.all(posts);
      assert.ok(rb instanceof InputError && rb.field === 'lines[1].quantity', 'the bad batch gets its 400');
      const ok = [ra, rc] as { batch_id: number; lines_new: number }[];
      assert.deepEqual(
        ok.map((r) => r.lines_new),
        [4, 1],
      );
      const starts = await ws.all(`SELECT DISTINCT started_at FROM ingests WHERE report LIKE '%order_batch%'`);
      assert.equal(starts.length, 1, 'one transaction for the group');
      assert.equal((await batchLines(ws)).length, 5);
      // the cycle cleans and re-forecasts both batches' SKUs and names both batches
      await live.drain();
      assert.deepEqual(errors, []);
      const updated = published.filter((e) => e.type === 'forecast.updated');
      const covered = updated.flatMap((e) => (e.data as { batches: number[] }).batches).sort((p, q) => p - q);
      assert.deepEqual(covered, [ok[0]!.batch_id, ok[1]!.batch_id]);
      const skus = new Set(updated.flatMap((e) => (e.data as { skus: string[] }).skus));
      assert.ok(skus.has('10001') && skus.has('10002') && !skus.has('10009'));
      const clean = await ws.all(`SELECT sku FROM order_lines WHERE order_id IN ('800001', '700003', '900001')`);
      assert.equal(clean.length, 3, 'cleaned: x twice and c’s new line, not the bad batch’s');
    } finally {
      await close();
    }
  });
});

test('batches posted while cycles run are each covered by one forecast.updated, in posting order', async () => {
  await withWorkspace(async (ws, dir) => {
    await seed(ws, dir);
    const { live, published, errors, cycles, close } = await liveOn(ws, new WriteLock());
    try {
      // posted one after the other while the cycles of the earlier ones clean and re-forecast (the pipeline: a clean
      // runs beside the re-forecast before it)
      const ids: number[] = [];
      for (let k = 0; k < 8; k++) {
        const r = await live.postBatch([line({ order_id: `71000${k}`, sku: k % 2 === 0 ? '10001' : '10002' })]);
        ids.push(r.batch_id);
        await new Promise((r) => setTimeout(r, 15));
      }
      await live.drain();
      assert.deepEqual(errors, []);
      const covered = published
        .filter((e) => e.type === 'forecast.updated')
        .map((e) => (e.data as { batches: number[] }).batches);
      assert.deepEqual(covered.flat(), ids, 'every batch once, in posting order');
      assert.ok(covered.length >= 2 && cycles.length === covered.length, `${covered.length} cycles`);
      // the last cycle re-forecast from the data as it ends: the order lines of all eight batches cleaned
      const n = await ws.one<{ n: number }>(
        `SELECT count(*)::INTEGER AS n FROM order_lines WHERE order_id LIKE '71000%'`,
      );
      assert.equal(n.n, 8);
    } finally {
      await close();
    }
  });
});
