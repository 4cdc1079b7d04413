/**
 * The planning inputs over HTTP (issue 20, B2), on the read fixture's shop ingested and planned for real: an order
 * override below the MOQ or between packs is a 400 naming `quantity` with the nearest valid quantity; order lines
 * carry the supplier's terms; forecast overrides are added, listed and removed, each recomputing the order.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { ingestFiles } from '../src/pipeline/ingest.js';
import { createApiKey } from '../src/pipeline/keys.js';
import { forgetLaunchModels } from '../src/pipeline/launch.js';
import { planWorkspace } from '../src/pipeline/plan.js';
import { closeRefreshWorkers } from '../src/pipeline/refresh.js';
import { createServer } from '../src/server/create-server.js';
import { Workspace } from '../src/store/workspace.js';
import { tempDir } from './helpers.js';
import { launchShop } from './launch-fixture.js';
import { writeShop } from './read-fixture.js';
import { json } from './server-harness.js';

test('orders refuse quantities the MOQ and packs do not allow; forecast overrides recompute the order', async () => {
  const { dir, cleanup } = tempDir();
  const workspace = join(dir, 'ws');
  const ws = await Workspace.open(workspace, { threads: 1 });
  await ingestFiles(ws, writeShop(dir));
  const plan = await planWorkspace(ws, { out: join(dir, 'out'), threads: 1, scenarios: 500 });
  const token = (await createApiKey(ws, { name: 'planner ana', scope: 'write' })).token;
  ws.close();
  const server = await createServer({ workspace, port: 0, workspaceOptions: { threads: 1 } });
  const url = await server.listen();
  const call = (path: string, method = 'GET', body?: unknown) =>
    json(
      fetch(`${url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }),
    );
  try {
    // MOQ 24 in packs of 6
    const orders = await call(`/plans/${plan.run_id}/orders`);
    const lamp = orders.body.orders.find((o: { sku: string }) => o.sku === 'A-100');
    assert.ok(lamp !== undefined, 'A-100 has an order line');
    assert.deepEqual([lamp.moq, lamp.pack_size, lamp.lead_time_days], [24, 6, 7]);
    assert.equal(lamp.risk, lamp.stockout_risk);
    assert.equal(typeof lamp.unit_cost, 'number');
    const path = `/plans/${plan.run_id}/orders/A-100/override`;
    const low = await call(path, 'POST', { quantity: 10, reason: 'small shelf' });
    assert.equal(low.status, 400, JSON.stringify(low.body));
    assert.equal(low.body.error.field, 'quantity');
    assert.equal(low.body.error.suggested, 24);
    const between = await call(path, 'POST', { quantity: 40, reason: 'small shelf' });
    assert.deepEqual([between.status, between.body.error.suggested], [400, 42]);
    const ok = await call(path, 'POST', { quantity: 42, reason: 'small shelf' });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.deepEqual([ok.body.final_qty, ok.body.moq, ok.body.pack_size], [42, 24, 6]);
    assert.equal((await call(path, 'POST', { qty: 0, why: 'older names still work' })).body.final_qty, 0);
    assert.equal((await call(path, 'POST', { reason: 'no quantity' })).body.error.field, 'quantity');

    // forecast overrides: an uplift over A-100's lead time + review raises its order; removal restores it
    const before = (await call('/skus/A-100')).body;
    const first = before.forecast.days[0].date as string;
    const bad = await call('/skus/A-100/overrides', 'POST', {
      from: first,
      to: first,
      kind: 'uplift_pct',
      value: -150,
      reason: 'x',
    });
    assert.deepEqual([bad.status, bad.body.error.field], [400, 'value']);
    const body = { from: first, to: before.forecast.days[13].date, kind: 'uplift_pct', value: 100, reason: 'fair' };
    const added = await call('/skus/A-100/overrides', 'POST', body);
    assert.equal(added.status, 201, JSON.stringify(added.body));
    assert.equal(added.body.override.created_by, 'planner ana');
    assert.ok(added.body.order.order_qty > before.inventory.order_qty, JSON.stringify(added.body.order));
    const after = (await call('/skus/A-100')).body;
    assert.equal(after.overrides.length, 1);
    assert.equal(after.inventory.order_qty, added.body.order.order_qty, 'GET /skus/{sku} shows the new order');
    assert.ok(Math.abs(after.forecast.days[0].mean - 2 * after.forecast.base_mean[0]) < 1e-9);
    const listed = await call('/skus/A-100/overrides');
    assert.deepEqual(
      listed.body.overrides.map((o: { override_id: number }) => o.override_id),
      [added.body.override.override_id],
    );
    const id = added.body.override.override_id as number;
    const removed = await call(`/skus/A-100/overrides/${id}`, 'DELETE');
    assert.equal(removed.status, 200, JSON.stringify(removed.body));
    assert.equal(removed.body.override.removed_by, 'planner ana');
    assert.equal(removed.body.order.order_qty, before.inventory.order_qty);
    assert.equal((await call(`/skus/A-100/overrides/${id}`, 'DELETE')).status, 404);
    assert.equal((await call('/skus/NOPE/overrides', 'POST', body)).status, 404);
    assert.equal((await call('/skus/A-100/overrides?all=true')).body.overrides[0].removed_by, 'planner ana');
  } finally {
    await server.close();
    await closeRefreshWorkers();
    cleanup();
  }
});

test('POST /launches: trained on the first call, answered from memory, loaded after a restart; save and track', async () => {
  const { dir, cleanup } = tempDir();
  const workspace = join(dir, 'ws');
  const ws = await Workspace.open(workspace, { threads: 1 });
  await ingestFiles(ws, [launchShop(dir, 280, 'lines.csv')]);
  const token = (await createApiKey(ws, { name: 'planner bo', scope: 'write' })).token;
  ws.close();
  const start = async () => {
    const server = await createServer({ workspace, port: 0, workspaceOptions: { threads: 1 } });
    const url = await server.listen();
    const call = (path: string, body?: unknown) =>
      json(
        fetch(`${url}${path}`, {
          method: body === undefined ? 'GET' : 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        }),
      );
    return { server, call };
  };
  const req = { name: 'RED MUG', description: 'a red mug', price: 3, weeks: 4 };
  let s = await start();
  try {
    forgetLaunchModels();
    const first = await s.call('/launches', req);
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.equal(first.body.model_source.source, 'trained');
    assert.deepEqual(Object.keys(first.body.forecast[0]).sort(), [
      'mean',
      'p05',
      'p25',
      'p50',
      'p75',
      'p95',
      'week_start',
    ]);
    assert.ok(first.body.analogs[0].curve.every((x: unknown) => x === null || typeof x === 'number'));
    assert.ok(
      first.body.weeks_compared.some((c: { week_start: string }) => c.week_start === first.body.best_week.week_start),
    );
    const again = await s.call('/launches', { ...req, sku: 'NEW-1', save: true });
    assert.deepEqual([again.body.model_source.source, again.body.saved], ['memory', true]);
    assert.deepEqual(again.body.forecast, first.body.forecast);
    assert.equal((await s.call('/launches', { ...req, save: true })).body.error.field, 'sku');
    await s.server.close();
    forgetLaunchModels();
    s = await start();
    const loaded = await s.call('/launches', req);
    assert.equal(loaded.body.model_source.source, 'stored', 'a restart loads the stored model');
    assert.deepEqual(loaded.body.forecast, first.body.forecast);
    const tracked = await s.call('/launches');
    assert.deepEqual(
      tracked.body.launches.map((l: { sku: string; status: string }) => [l.sku, l.status]),
      [['NEW-1', 'not sold yet']],
    );
  } finally {
    await s.server.close();
    forgetLaunchModels();
    cleanup();
  }
});
