/**
 * Live refresh (issue 19): a plan stores its forecast run and every SKU's state; refreshing a few SKUs gives them what
 * the plan gave them (same data), stores append-only runs (champion and challenger), updates their state and their
 * stock-out alerts; the engine fits in a worker thread when asked, even for one series.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { forecastBatch } from '../src/engine/forecast-batch.js';
import { ForecastPool, forecastParallel } from '../src/engine/parallel-forecast.js';
import { makeBatch } from '../src/engine/series-batch.js';
import { mulberry32 } from '../src/numerics/random.js';
import { ingestFiles } from '../src/pipeline/ingest.js';
import { planWorkspace } from '../src/pipeline/plan.js';
import { closeRefreshWorkers, refreshSkus } from '../src/pipeline/refresh.js';
import { listAlerts } from '../src/store/alerts.js';
import { listForecastRuns, readForecastSkus, readForecastValues } from '../src/store/forecast-runs.js';
import { readModelRoles, writeModelRoles } from '../src/store/model-roles.js';
import { type SkuState, readSkuState } from '../src/store/sku-state.js';
import { day, poissonSource, withWorkspace, writeText } from './helpers.js';

/** Daily sales of SKUs with the given mean units a day (Poisson, seeded), days `from` … `to` − 1 after 2024-01-01. */
function sales(dir: string, name: string, means: Record<string, number>, from: number, to: number): string {
  const poisson = poissonSource(mulberry32(from + 7));
  const rows = ['sku,date,units,price'];
  for (let d = from; d < to; d++)
    for (const [sku, mu] of Object.entries(means)) rows.push(`${sku},${day(d)},${poisson(mu)},${sku.length + 1}`);
  return writeText(dir, name, rows.join('\n') + '\n');
}

const MEANS = { A: 6, B: 4, C: 3, D: 2, E: 1, F: 0.5, G: 0.3, H: 8 };
/** The fields of a state the policy decides (not when or by which run it was written). */
const POLICY_FIELDS = [
  'as_of',
  'abc',
  'xyz',
  'stage',
  'revenue_365',
  'on_hand',
  'on_order',
  'position',
  'days_of_stock',
  'stockout_date',
  'stockout_risk',
  'reorder_point',
  'order_up_to',
  'order_qty',
  'order_by',
  'expedite',
  'held_back',
  'lost_revenue',
  'reason',
  'forecast_28',
] as const satisfies readonly (keyof SkuState)[];
const policyOf = (s: SkuState): Record<string, unknown> => Object.fromEntries(POLICY_FIELDS.map((k) => [k, s[k]]));

test('a refresh of a few SKUs gives them what the plan gave them, and stores runs, state and alerts', async () => {
  await withWorkspace(async (ws, dir) => {
    try {
      assert.deepEqual(await readModelRoles(ws), { champion: 'auto', challenger: null });
      await ingestFiles(ws, [
        sales(dir, 'sales.csv', MEANS, 0, 180),
        // A: nothing on hand, 14 ± 5 days lead time; B: 9 days of stock; C: plenty; D…H: not in the stock file
        writeText(dir, 'stock.csv', 'sku,on_hand,lead_time_days,lead_time_sd_days\nA,0,14,5\nB,36,7,\nC,5000,7,\n'),
      ]);
      const plan = await planWorkspace(ws, { out: join(dir, 'plan'), threads: 1 });

      // the plan's forecast run: champion, source plan, its plan run, every SKU, 28 steps at seven ordered levels
      const [run] = await listForecastRuns(ws);
      assert.equal(run!.run_id, plan.forecast_run_id);
      assert.deepEqual([run!.role, run!.source, run!.plan_run_id, run!.skus], ['champion', 'plan', plan.run_id, 8]);
      assert.equal(run!.origin, plan.as_of);
      const values = await readForecastValues(ws, plan.forecast_run_id);
      // the days forecast: A's lead time 14 + 3 × 5 days and the review period of 7 days, past the horizon of 28
      assert.equal(values.length, 8 * (14 + 3 * 5 + 7));
      for (const v of values) {
        const q = [v.p005, v.p05, v.p25, v.p50, v.p75, v.p95, v.p995] as number[];
        assert.ok(q.every((x, k) => k === 0 || x >= q[k - 1]!) && q[0]! >= 0, JSON.stringify(v));
        // demand is counts: whole units
        assert.ok(q.every(Number.isInteger), JSON.stringify(v));
        assert.equal(v.date, day(179 + v.step));
      }
      const models = await readForecastSkus(ws, plan.forecast_run_id);
      assert.deepEqual(
        models.map((m) => m.sku),
        Object.keys(MEANS),
      );
      // auto chose each forecast by a backtest over the last 28 days: its MASE is kept for the drift check
      assert.ok(models.every((m) => m.model.length > 0 && m.backtest_mase! > 0 && Number.isFinite(m.backtest_mase)));

      // sku_state: every SKU, from this plan and its run
      const planned = await readSkuState(ws);
      assert.deepEqual(
        planned.map((s) => s.sku),
        Object.keys(MEANS),
      );
      for (const s of planned) {
        assert.deepEqual([s.plan_run_id, s.forecast_run_id, s.as_of], [plan.run_id, plan.forecast_run_id, day(179)]);
        assert.equal(s.forecast_change, null, 'no forecast before the first plan');
        const mine = values.filter((v) => v.sku === s.sku && v.step <= 28);
        assert.ok(Math.abs(s.forecast_28 - mine.reduce((a, v) => a + v.mean, 0)) < 1e-3, s.sku);
      }
      const state = new Map(planned.map((s) => [s.sku, s]));
      // A runs out at once, before an order could arrive: expedite, a critical alert naming it and the date
      assert.equal(state.get('A')!.expedite, true);
      assert.equal(state.get('A')!.stockout_date, day(180));
      assert.ok(state.get('A')!.order_qty > 0);
      assert.equal(state.get('C')!.expedite, false);
      assert.equal(state.get('C')!.order_qty, 0);
      const open = (await listAlerts(ws, { kind: 'stockout' })).alerts;
      const bySku = new Map(open.map((a) => [a.sku, a]));
      assert.equal(bySku.get('A')?.severity, 'critical');
      assert.match(bySku.get('A')!.message, new RegExp(`^SKU A has no stock from ${day(180)}, before an order`));
      assert.ok(!bySku.has('C'), 'plenty of stock: no alert');
      // stock unknown (not in the stock file): no alert, whatever the assumed 0 on hand says
      for (const sku of ['D', 'E', 'F', 'G', 'H']) assert.ok(!bySku.has(sku), sku);
      // B: 9 days of stock, 7 days lead time: no expedite, but a high risk within lead time + review
      const b = state.get('B')!;
      assert.equal(b.expedite, false);
      if (b.stockout_risk >= 0.5) assert.equal(bySku.get('B')?.severity, 'warning');
      else assert.ok(!bySku.has('B'));
      assert.deepEqual(plan.alerts_raised.map((a) => a.sku).sort(), open.map((a) => a.sku).sort());

      // refresh three SKUs with the plan's data: the same forecast values and policy as the plan gave them
      const r = await refreshSkus(ws, ['H', 'A', 'C', 'A', 'nope']);
      assert.deepEqual(r.skus, ['A', 'C', 'H'], 'asked-for SKUs without sales are skipped, duplicates dropped');
      assert.equal(r.as_of, plan.as_of);
      assert.equal(r.forecast_runs.challenger, null);
      // each ran the plan's fit forward (nothing estimated): the plan's forecast exactly, as the values below show
      assert.equal(r.resumed, 3);
      const live = await readForecastValues(ws, r.forecast_runs.champion);
      assert.deepEqual(
        live,
        values.filter((v) => ['A', 'C', 'H'].includes(v.sku)),
      );
      assert.deepEqual(
        await readForecastSkus(ws, r.forecast_runs.champion),
        models.filter((m) => ['A', 'C', 'H'].includes(m.sku)),
      );
      // a SKU alone forecasts the days the whole snapshot's longest lead time asks for, as the plan did
      const c = await refreshSkus(ws, ['C']);
      assert.deepEqual(
        await readForecastValues(ws, c.forecast_runs.champion),
        values.filter((v) => v.sku === 'C'),
      );
      assert.deepEqual(policyOf(c.state[0]!), policyOf(state.get('C')!));
      const [liveRun] = await listForecastRuns(ws, { source: 'live' });
      assert.deepEqual([liveRun!.role, liveRun!.plan_run_id, liveRun!.skus], ['champion', plan.run_id, 1]);
      for (const s of r.state) {
        assert.deepEqual(policyOf(s), policyOf(state.get(s.sku)!), s.sku);
        assert.equal(s.forecast_run_id, r.forecast_runs.champion);
        assert.equal(s.forecast_change, 0);
      }
      assert.deepEqual(r.alerts, [], 'the same alerts hold: none new or risen');
      assert.equal((await listAlerts(ws, { kind: 'stockout' })).total, open.length);
      // the rest keep theirs
      assert.deepEqual(await readSkuState(ws, ['B', 'D']), [state.get('B'), state.get('D')]);
      assert.ok(['read', 'forecast', 'policy', 'write', 'total'].every((k) => typeof r.seconds[k] === 'number'));

      // new data: A restocked (alert cleared), C's stock gone (critical), a new SKU N selling; a challenger is set
      await ingestFiles(ws, [
        sales(dir, 'sales-2.csv', { ...MEANS, N: 5 }, 180, 187),
        writeText(dir, 'stock-2.csv', 'sku,on_hand,lead_time_days\nA,900,14\nB,36,7\nC,0,7\n'),
      ]);
      await writeModelRoles(ws, { champion: 'auto', challenger: 'naive' });
      const now = new Date(Date.UTC(2024, 6, 20, 12, 0, 0));
      const r2 = await refreshSkus(ws, ['A', 'C', 'N'], { now });
      assert.equal(r2.as_of, day(186));
      // the horizon changed (A's lead time spread is gone): the plan's states were made for another one, so every SKU
      // is estimated anew, and its state kept
      assert.ok(r2.resumed === 0);
      const kept = await ws.all<{ sku: string; n: number }>(
        `SELECT sku, count(*)::INTEGER AS n FROM forecast_states JOIN forecast_runs USING (run_id)
         WHERE model = 'auto' GROUP BY sku ORDER BY sku`,
      );
      assert.deepEqual(
        kept,
        [...Object.keys(MEANS), 'N'].sort().map((sku) => ({ sku, n: 1 })),
        'one state per SKU and model: the latest',
      );
      // refreshed again on the same data: run forward from those states, the same forecasts
      const r3 = await refreshSkus(ws, ['A', 'C', 'N'], { now });
      assert.equal(r3.resumed, 3);
      const valuesOf = async (id: number): Promise<unknown[]> =>
        (await readForecastValues(ws, id)).map((v) => ({ ...v, run_id: 0 }));
      assert.deepEqual(await valuesOf(r3.forecast_runs.champion), await valuesOf(r2.forecast_runs.champion));
      assert.ok(r2.forecast_runs.challenger !== null && r2.forecast_runs.challenger > r2.forecast_runs.champion);
      const challenger = await readForecastSkus(ws, r2.forecast_runs.challenger);
      assert.deepEqual(
        challenger.map((c) => c.model),
        ['Naive', 'Naive', 'Naive'],
      );
      const [chRun] = await listForecastRuns(ws, { role: 'challenger' });
      assert.deepEqual([chRun!.model, chRun!.source, chRun!.origin], ['naive', 'live', day(186)]);
      const s2 = new Map(r2.state.map((s) => [s.sku, s]));
      assert.equal(s2.get('A')!.updated_at, '2024-07-20T12:00:00.000Z');
      assert.equal(s2.get('A')!.expedite, false);
      assert.equal(s2.get('C')!.expedite, true);
      // forecast_change: against the SKU's previous forecast_28
      const a0 = state.get('A')!.forecast_28;
      assert.ok(Math.abs(s2.get('A')!.forecast_change! - (s2.get('A')!.forecast_28 / a0 - 1)) < 1e-3);
      // classes kept from the plan; the new SKU ranked by its revenue against the stored ones, stage introduction
      assert.deepEqual([s2.get('A')!.abc, s2.get('A')!.xyz], [state.get('A')!.abc, state.get('A')!.xyz]);
      const n = s2.get('N')!;
      assert.equal(n.stage, 'introduction');
      assert.equal(n.forecast_change, null);
      const richer = planned.filter((s) => s.revenue_365! > n.revenue_365!).map((s) => s.abc);
      assert.ok(['A', 'B', 'C'].includes(n.abc!) && (richer.length > 0 || n.abc === 'A'));
      const alerts2 = new Map((await listAlerts(ws, { kind: 'stockout' })).alerts.map((a) => [a.sku, a]));
      assert.ok(!alerts2.has('A'), "A's alert is cleared once restocked");
      assert.equal(alerts2.get('C')?.severity, 'critical');
      assert.match(alerts2.get('C')!.message, new RegExp(`^SKU C .*${day(187)}`));
      assert.deepEqual(
        r2.alerts.map((a) => [a.sku, a.severity]),
        [['C', 'critical']],
      );
      // forecast runs are append-only: the plan's and the first refresh's are still there, unchanged
      assert.deepEqual(await readForecastValues(ws, plan.forecast_run_id), values);
      assert.equal((await listForecastRuns(ws)).length, 7);

      // a second plan replaces sku_state for every SKU and stores its own run
      const plan2 = await planWorkspace(ws, { out: join(dir, 'plan2'), threads: 1 });
      const all = await readSkuState(ws);
      assert.equal(all.length, 9);
      assert.ok(all.every((s) => s.plan_run_id === plan2.run_id && s.forecast_run_id === plan2.forecast_run_id));
    } finally {
      await closeRefreshWorkers();
    }
  });
});

test('a refresh with nothing to refresh stores nothing; a bad SKU list is an InputError naming the entry', async () => {
  await withWorkspace(async (ws, dir) => {
    await ingestFiles(ws, [sales(dir, 'sales.csv', { A: 2 }, 0, 30)]);
    const r = await refreshSkus(ws, ['Z']);
    assert.deepEqual([r.skus, r.forecast_runs, r.state], [[], { champion: 0, challenger: null }, []]);
    assert.equal((await listForecastRuns(ws)).length, 0);
    await assert.rejects(refreshSkus(ws, ['A', '']), { name: 'InputError', message: /skus\[1\]/ });
    await assert.rejects(writeModelRoles(ws, { champion: 'auto', challenger: 'auto' }), { name: 'InputError' });
  });
});

test('a plan or a refresh that fails while storing stores nothing (one transaction)', async () => {
  await withWorkspace(async (ws, dir) => {
    try {
      await ingestFiles(ws, [
        sales(dir, 'sales.csv', { A: 3, B: 1 }, 0, 60),
        writeText(dir, 'stock.csv', 'sku,on_hand\nA,0\nB,0\n'),
      ]);
      const ok = await planWorkspace(ws, { out: join(dir, 'plan'), threads: 1, scenarios: 200 });
      const state = await readSkuState(ws);
      const count = async (table: string): Promise<number> =>
        (await ws.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM ${table}`)).n;
      const before = await Promise.all(['plan_runs', 'plan_orders', 'forecast_runs', 'forecast_values'].map(count));
      // the alerts table gone: the plan fails at its last write, after its run, forecasts and states were written
      await ws.run('ALTER TABLE alerts RENAME TO alerts_away');
      await assert.rejects(planWorkspace(ws, { out: join(dir, 'plan2'), threads: 1, scenarios: 200 }), /alerts/);
      await assert.rejects(refreshSkus(ws, ['A']), /alerts/);
      await ws.run('ALTER TABLE alerts_away RENAME TO alerts');
      assert.deepEqual(
        await Promise.all(['plan_runs', 'plan_orders', 'forecast_runs', 'forecast_values'].map(count)),
        before,
      );
      assert.deepEqual(await readSkuState(ws), state);
      assert.ok(state.every((s) => s.plan_run_id === ok.run_id));
    } finally {
      await closeRefreshWorkers();
    }
  });
});

test('the engine fits in a worker thread when asked, even one series on one thread, with the same result', async () => {
  const rnd = mulberry32(3);
  const series = [0, 1, 2].map(() => Float64Array.from({ length: 120 }, () => Math.floor(rnd() * 10)));
  const batch = makeBatch(['s0', 's1', 's2'], series);
  const options = { model: 'auto', h: 14, levels: [0.005, 0.5, 0.995], seasonLength: 7, nonNegative: true };
  const here = forecastBatch(batch, options);
  const one = await forecastParallel(makeBatch(['s0'], [series[0]!]), options, 1, undefined, { inWorker: true });
  assert.deepEqual(one.mean, here.mean.subarray(0, 14));
  const pool = new ForecastPool(1);
  try {
    // the pool's worker is reused: two batches at once queue for it
    const [a, b] = await Promise.all([
      forecastParallel(batch, options, 4, undefined, { pool }),
      forecastParallel(batch, options, 4, undefined, { pool }),
    ]);
    assert.deepEqual([a.mean, a.quantiles, a.models], [here.mean, here.quantiles, here.models]);
    assert.deepEqual(b.mean, here.mean);
  } finally {
    await pool.close();
  }
  await assert.rejects(forecastParallel(batch, options, 1, undefined, { pool }), /closed/);
});
