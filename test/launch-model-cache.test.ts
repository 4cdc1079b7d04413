/**
 * The launch planner keeps its model: trained on the first plan after the data changed, then answered from memory,
 * from the workspace after a restart (the same plan), and trained again when new data arrives; the answer carries
 * the weekly quantiles, analogs with curves, initial stock, best week among those compared; `save` stores it.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InputError } from '../src/data/errors.js';
import { ingestFiles } from '../src/pipeline/ingest.js';
import { forgetLaunchModels, planLaunch, trackLaunches } from '../src/pipeline/launch.js';
import { withWorkspace } from './helpers.js';
import { launchShop as shop } from './launch-fixture.js';

test('the launch model is trained once per data version, kept in memory and in the workspace', async () => {
  await withWorkspace(async (ws, dir) => {
    forgetLaunchModels();
    await ingestFiles(ws, [shop(dir, 280, 'lines.csv')]);
    const req = { name: 'RED MUG', description: 'a red mug', price: 3, weeks: 4 };
    const first = await planLaunch(ws, req);
    assert.equal(first.model_source.source, 'trained');
    assert.equal(first.forecast.length, 4);
    for (const w of first.forecast) {
      const q = [w.p05, w.p25, w.p50, w.p75, w.p95];
      assert.ok(
        q.every((x, i) => i === 0 || x >= q[i - 1]!),
        JSON.stringify(w),
      );
    }
    assert.ok(first.analogs.length > 0);
    for (const a of first.analogs) {
      assert.match(a.sku, /^P\d+$/);
      assert.ok(a.similarity > 0 && a.curve.length === 4 && typeof a.description === 'string');
    }
    assert.ok(first.initial_stock.units >= first.initial_stock.cover_mean);
    assert.equal(first.weeks_compared.length, 8);
    assert.ok(first.weeks_compared.some((c) => c.week_start === first.best_week.week_start));
    assert.equal(first.best_week.reason, first.best_launch_week.reason);
    assert.equal(first.saved, false);

    // from memory: the same plan, nothing trained
    const again = await planLaunch(ws, req);
    assert.equal(again.model_source.source, 'memory');
    assert.deepEqual(again.forecast, first.forecast);
    // another product, same model
    assert.equal((await planLaunch(ws, { name: 'BLUE VASE', price: 5, weeks: 4 })).model_source.source, 'memory');
    // a restart: loaded from the workspace, the same plan
    forgetLaunchModels();
    const loaded = await planLaunch(ws, req);
    assert.equal(loaded.model_source.source, 'stored');
    assert.deepEqual(loaded.forecast, first.forecast);

    // save: needs the SKU; stored and tracked
    await assert.rejects(
      planLaunch(ws, { ...req, save: true }),
      (e: unknown) => e instanceof InputError && e.field === 'sku',
    );
    const saved = await planLaunch(ws, { ...req, sku: 'NEW-1', save: true });
    assert.equal(saved.saved, true);
    assert.deepEqual(
      (await trackLaunches(ws)).map((t) => [t.sku, t.status]),
      [['NEW-1', 'not sold yet']],
    );
    assert.equal((await planLaunch(ws, { ...req, sku: 'NEW-2', save: false })).saved, false);
    assert.equal((await trackLaunches(ws)).length, 1);

    // new data (a later export): a new data version, trained again
    await ingestFiles(ws, [shop(dir, 290, 'lines-later.csv')]);
    assert.equal((await planLaunch(ws, req)).model_source.source, 'trained');
    forgetLaunchModels();
  });
});
