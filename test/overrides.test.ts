/**
 * Forecast overrides: the arithmetic (engine/forecast-overrides.ts), and on a shop planned for real, an uplift over
 * the lead time raises the SKU's order at once (live refresh), removing it restores the order, and a plan applies
 * the active overrides; the stored forecast runs stay the model's, the SKU detail shows both.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { InputError } from '../src/data/errors.js';
import { applyOverridesInPlace, dayOverridesAsSteps } from '../src/engine/forecast-overrides.js';
import { dayMs } from '../src/numerics/calendar.js';
import { mulberry32 } from '../src/numerics/random.js';
import { ingestFiles } from '../src/pipeline/ingest.js';
import { addForecastOverride, listForecastOverrides, removeForecastOverride } from '../src/pipeline/overrides.js';
import { planWorkspace } from '../src/pipeline/plan.js';
import { closeRefreshWorkers } from '../src/pipeline/refresh.js';
import { skuDetail } from '../src/pipeline/skus.js';
import { readForecastValues } from '../src/store/forecast-runs.js';
import { readSkuState } from '../src/store/sku-state.js';
import { day, poissonSource, withWorkspace, writeText } from './helpers.js';

/** A forecast of one series, h days, levels 0.05/0.5/0.95 at mean × (0.5, 1, 1.5). */
function flat(mean: number[]) {
  const h = mean.length;
  const quantiles = new Float64Array(3 * h);
  mean.forEach((m, t) => [0.5, 1, 1.5].forEach((f, l) => (quantiles[l * h + t] = m * f)));
  return { h, levels: [0.05, 0.5, 0.95], mean: Float64Array.from(mean), quantiles };
}

test('applyOverridesInPlace: uplifts scale mean and quantiles; units spread in proportion to the mean', () => {
  const fc = flat([1, 2, 3, 4, 0, 6]);
  applyOverridesInPlace(fc, 0, [{ from: 1, to: 2, kind: 'uplift_pct', value: 100 }]);
  assert.deepEqual([...fc.mean], [1, 4, 6, 4, 0, 6]);
  assert.deepEqual([...fc.quantiles.subarray(12, 18)], [1.5, 6, 9, 6, 0, 9], 'the 95 % quantile scaled alike');

  // 20 units over steps 2…4 (model: 3 + 4 + 0 = 7): 3 → 60/7, 4 → 80/7, the closed-looking 0 stays 0
  const u = flat([1, 2, 3, 4, 0, 6]);
  applyOverridesInPlace(u, 0, [{ from: 2, to: 4, kind: 'units', value: 20 }]);
  assert.ok(Math.abs(u.mean[2]! + u.mean[3]! + u.mean[4]! - 20) < 1e-9);
  assert.ok(Math.abs(u.mean[2]! - 60 / 7) < 1e-9 && u.mean[4] === 0 && u.mean[1] === 2);
  assert.ok(Math.abs(u.quantiles[2]! - 0.5 * (60 / 7)) < 1e-9, 'quantiles by the same ratio');

  // a period reaching 2 days past the forecast: those days weigh as the last day (6), so steps 4…5 get 6/18 of 30
  const past = flat([1, 2, 3, 4, 0, 6]);
  applyOverridesInPlace(past, 0, [{ from: 4, to: 7, kind: 'units', value: 30 }]);
  assert.ok(Math.abs(past.mean[5]! - 10) < 1e-9, String(past.mean[5]));

  // nothing forecast over the period: spread evenly over its open days, quantiles set to the mean
  const zero = flat([0, 0, 0, 0]);
  applyOverridesInPlace(zero, 0, [{ from: 0, to: 3, kind: 'units', value: 9 }], [0, 1, 0, 0]);
  assert.deepEqual([...zero.mean], [3, 0, 3, 3]);
  assert.deepEqual([...zero.quantiles.subarray(8, 12)], [3, 0, 3, 3]);

  // in creation order: an uplift after a units override scales it
  const both = flat([2, 2]);
  applyOverridesInPlace(both, 0, [
    { from: 0, to: 1, kind: 'units', value: 10 },
    { from: 0, to: 0, kind: 'uplift_pct', value: -50 },
  ]);
  assert.deepEqual([...both.mean], [2.5, 5]);
  assert.deepEqual(
    dayOverridesAsSteps([{ from: '2024-03-03', to: '2024-03-05', kind: 'units', value: 1 }], dayMs('2024-03-01')),
    [{ from: 2, to: 4, kind: 'units', value: 1 }],
  );
});

async function assertInputError(p: Promise<unknown>, field: string): Promise<void> {
  await assert.rejects(p, (e: unknown) => e instanceof InputError && e.field === field);
}

test('an uplift over the lead time raises the order at once; removing it restores it; a plan applies it', async () => {
  await withWorkspace(async (ws, dir) => {
    try {
      const poisson = poissonSource(mulberry32(5));
      const rows = ['sku,date,units,price'];
      for (let d = 0; d < 180; d++)
        for (const [sku, mu] of [
          ['A', 6],
          ['B', 3],
        ] as const)
          rows.push(`${sku},${day(d)},${poisson(mu)},4`);
      await ingestFiles(ws, [
        writeText(dir, 'sales.csv', rows.join('\n') + '\n'),
        writeText(dir, 'stock.csv', 'sku,on_hand,lead_time_days,lead_time_sd_days\nA,10,14,2\nB,500,7,\n'),
      ]);
      const plan = await planWorkspace(ws, { out: join(dir, 'plan'), threads: 1 });
      const [before] = await readSkuState(ws, ['A']);
      assert.ok(before!.order_qty > 0, 'A has little stock: an order is due');
      const input = { from: day(180), to: day(180 + 14 + 7), kind: 'uplift_pct' as const, value: 100 };

      // checked: the field at fault is named, nothing stored
      await assertInputError(addForecastOverride(ws, 'A', { ...input, from: day(179), reason: 'x' }, 'ana'), 'from');
      await assertInputError(addForecastOverride(ws, 'A', { ...input, to: day(179 + 0), reason: 'x' }, 'ana'), 'to');
      await assertInputError(addForecastOverride(ws, 'A', { ...input, value: -100, reason: 'x' }, 'ana'), 'value');
      await assertInputError(
        addForecastOverride(ws, 'A', { ...input, kind: 'units', value: -1, reason: 'x' }, 'ana'),
        'value',
      );
      await assertInputError(addForecastOverride(ws, 'A', { ...input, reason: '' }, 'ana'), 'reason');
      await assertInputError(addForecastOverride(ws, 'A', { ...input, reason: 'x'.repeat(501) }, 'ana'), 'reason');
      assert.equal(await addForecastOverride(ws, 'NOPE', { ...input, reason: 'x' }, 'ana'), null);
      assert.deepEqual(await listForecastOverrides(ws, 'A'), []);

      // +100 % over lead time + review: the order rises at once, the model's forecast run is kept
      const reason = "TV spot; O'Brien said so";
      const added = (await addForecastOverride(ws, 'A', { ...input, reason }, 'ana', { threads: 1 }))!;
      assert.deepEqual(
        [added.override.kind, added.override.value, added.override.reason, added.override.created_by],
        ['uplift_pct', 100, reason, 'ana'],
      );
      assert.ok(added.order!.order_qty > before!.order_qty, `${added.order!.order_qty} > ${before!.order_qty}`);
      const day0 = added.forecast!.days[0]!;
      assert.ok(day0.base_mean! > 0 && Math.abs(day0.mean! - 2 * day0.base_mean!) < 1e-9, JSON.stringify(day0));
      const detail = (await skuDetail(ws, 'A'))!;
      assert.deepEqual(
        detail.overrides.map((o) => o.override_id),
        [added.override.override_id],
      );
      assert.equal(detail.forecast!.base_mean.length, detail.forecast!.days.length);
      const stored = (await readForecastValues(ws, detail.forecast!.run_id)).filter((v) => v.sku === 'A');
      assert.ok(Math.abs(stored[0]!.mean! - day0.base_mean!) < 1e-9, 'the stored run is the model forecast');
      assert.ok(Math.abs(day0.p95! - 2 * stored[0]!.p95!) < 1e-9, 'quantiles doubled too');
      // a day after the period is not changed
      const afterPeriod = detail.forecast!.days.find((d) => d.date === day(180 + 23));
      if (afterPeriod !== undefined) assert.equal(afterPeriod.mean, afterPeriod.base_mean);
      const raised = (await readSkuState(ws, ['A']))[0]!;
      assert.equal(raised.order_qty, added.order!.order_qty);
      assert.ok(raised.forecast_28 > before!.forecast_28 * 1.5);

      // removed: kept and marked, the order is what the plan gave
      const removed = (await removeForecastOverride(ws, 'A', added.override.override_id, 'bo', { threads: 1 }))!;
      assert.equal(removed.override.removed_by, 'bo');
      assert.equal(removed.order!.order_qty, before!.order_qty);
      assert.equal(await removeForecastOverride(ws, 'A', added.override.override_id, 'bo'), null, 'already removed');
      assert.deepEqual(await listForecastOverrides(ws, 'A'), []);
      assert.equal((await listForecastOverrides(ws, 'A', { all: true }))[0]!.removed_by, 'bo');

      // a plan applies the active overrides: its order for A is the raised one
      const again = (await addForecastOverride(ws, 'A', { ...input, reason }, 'ana', { threads: 1 }))!;
      const plan2 = await planWorkspace(ws, { out: join(dir, 'plan2'), threads: 1 });
      assert.ok(plan2.run_id > plan.run_id);
      const [fromPlan] = await readSkuState(ws, ['A']);
      assert.equal(fromPlan!.plan_run_id, plan2.run_id);
      assert.equal(fromPlan!.order_qty, again.order!.order_qty);
      const order = await ws.one<{ q: number }>(
        `SELECT order_qty AS q FROM plan_orders WHERE run_id = ${plan2.run_id} AND sku = 'A'`,
      );
      assert.equal(order.q, again.order!.order_qty);
    } finally {
      await closeRefreshWorkers();
    }
  });
});
