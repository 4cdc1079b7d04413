/**
 * No forecast units on days the shop is known to be closed: `forecast` (daily, statistical and
 * global), `plan` and `explain` on a shop that never opens on Saturdays; the plan's inventory
 * panel flags the closed days ahead.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { mulberry32 } from '../src/numerics/random.js';
import { explainSku } from '../src/pipeline/explain.js';
import { forecastWorkspace } from '../src/pipeline/forecast-workspace.js';
import { ingestFiles } from '../src/pipeline/ingest.js';
import { loadInventoryPanel } from '../src/pipeline/inventory-panel.js';
import { readStep } from '../src/pipeline/plan-steps/read.js';
import { forecastStep } from '../src/pipeline/plan-steps/steps.js';
import { type SkuDemand, readDemandPanel, readShopClosed } from '../src/store/demand-panel.js';
import { dayMs } from '../src/numerics/calendar.js';
import { day, poissonSource, withWorkspace, writeText } from './helpers.js';

/** 8 SKUs over 20 weeks from Monday day(0) to Friday day(137), never sold on a Saturday. */
function saturdayClosedShop(): string {
  const poisson = poissonSource(mulberry32(5));
  const rows = ['order_id,ordered_at,sku,quantity,unit_price'];
  let id = 0;
  for (let d = 0; d <= 137; d++) {
    if (d % 7 === 5) continue;
    for (let s = 0; s < 8; s++) {
      const units = poisson(2 + s);
      for (let u = 0; u < units; u++) rows.push(`O${id++},${day(d)} 10:00,S${s},1,3.00`);
    }
  }
  return rows.join('\n') + '\n';
}

/** forecasts.csv rows: date → [sum of means, sum of all quantiles] over the SKUs. */
function unitsByDate(path: string): Map<string, [number, number]> {
  const out = new Map<string, [number, number]>();
  for (const line of readFileSync(path, 'utf8').trim().split('\n').slice(1)) {
    const f = line.split(',');
    const prev = out.get(f[1]!) ?? [0, 0];
    out.set(f[1]!, [prev[0] + Number(f[2]), prev[1] + f.slice(3, 8).reduce((a, v) => a + Number(v), 0)]);
  }
  return out;
}

const saturday = (d: string): boolean => new Date(`${d}T00:00:00Z`).getUTCDay() === 6;

test('no forecast units on the days a shop never opens: forecast, plan and explain', { timeout: 300_000 }, async () => {
  await withWorkspace(async (ws, dir) => {
    await ingestFiles(ws, [writeText(dir, 'orders.csv', saturdayClosedShop())]);

    // the shop's closed days ahead: every Saturday after the data's last day (a Friday)
    const ahead = await readShopClosed(ws, dayMs(day(138)), 14);
    assert.deepEqual([...ahead], [1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
    const panel = await loadInventoryPanel(ws);
    assert.equal(panel.days, 138);
    // the SKUs handed over one by one (onSku) are those of the panel read whole, which the inventory panel keeps on
    // the whole calendar
    const whole = await readDemandPanel(ws);
    const streamed: SkuDemand[] = [];
    const rest = await readDemandPanel(ws, { onSku: (s) => streamed.push(s) });
    assert.deepEqual(rest.skus, []);
    assert.deepEqual(streamed, whole.skus);
    assert.deepEqual(
      panel.ids,
      whole.skus.map((s) => s.sku),
    );
    whole.skus.forEach((s, i) => {
      const clean = new Float64Array(138).fill(NaN);
      clean.set(s.clean, s.first);
      assert.deepEqual(panel.clean[i], clean);
      assert.equal(panel.actual[i]!.length, 138);
      assert.deepEqual(panel.actual[i]!.subarray(s.first), s.actual);
    });
    assert.equal(panel.closed.length, 138 + panel.futureDays);
    assert.equal(panel.closed[5], 1);
    assert.equal(panel.closed[138], 1);
    assert.equal(panel.closed[139], 0);
    assert.equal(panel.closed[138 + 7 * 30], 1);

    // forecast --freq day with a model blind to weekdays: nothing on Saturdays, weekly totals kept
    // (auto-meta: auto's pool with weights learned across the workspace's SKUs, the same closed days)
    for (const model of ['window-average', 'auto', 'auto-meta']) {
      const out = join(dir, `${model}.csv`);
      const summary = await forecastWorkspace(ws, { freq: 'day', model, horizon: 28, out, threads: 1 });
      assert.equal(summary.series, 8);
      if (model === 'auto-meta') assert.ok('meta' in summary && summary.meta !== undefined, 'what the learner did');
      const byDate = unitsByDate(out);
      assert.equal(byDate.size, 28);
      for (const [d, [mean, quantiles]] of byDate) {
        if (saturday(d)) assert.deepEqual([d, mean, quantiles], [d, 0, 0]);
        else assert.ok(mean > 5, `${model} ${d}: ${mean}`);
      }
    }

    // plan: the forecast step zeroes the closed days of the whole h days it forecasts
    const inputs = await readStep(ws, undefined, 21);
    const out = join(dir, 'plan');
    const { fc, forecastsCsv } = await forecastStep(inputs, {
      model: 'window-average',
      horizon: 21,
      out,
      threads: 1,
      progress: () => {},
    });
    for (let i = 0; i < inputs.panel.ids.length; i++)
      for (let k = 0; k < inputs.h; k++)
        if (inputs.panel.closed[inputs.panel.days + k] === 1) assert.equal(fc.mean[i * inputs.h + k], 0);
        else assert.ok(fc.mean[i * inputs.h + k]! > 0);
    for (const [d, [mean]] of unitsByDate(forecastsCsv)) if (saturday(d)) assert.equal(mean, 0, d);
    // demand is counts: the plan's quantiles are whole units, also on the open days that took a closed day's share
    for (const line of readFileSync(forecastsCsv, 'utf8').trim().split('\n').slice(1))
      for (const q of line.split(',').slice(3, 8)) assert.ok(Number.isInteger(Number(q)), line);

    // the global model: closed flags ahead, zero on Saturdays, and explain says so
    const globalCsv = join(dir, 'global.csv');
    await forecastWorkspace(ws, { freq: 'day', model: 'global', horizon: 14, out: globalCsv, threads: 1 });
    for (const [d, [mean, quantiles]] of unitsByDate(globalCsv))
      if (saturday(d)) assert.deepEqual([d, mean, quantiles], [d, 0, 0]);
      else assert.ok(mean > 5, `global ${d}: ${mean}`);
    const e = await explainSku(ws, 'S3', day(145));
    assert.equal(e.closed, true);
    assert.equal(e.forecast, 0);
    assert.equal(e.drivers.find((x) => x.feature === 'closed')!.value, 1);
    const open = await explainSku(ws, 'S3', day(146));
    assert.equal(open.closed, false);
    assert.equal(open.drivers.find((x) => x.feature === 'closed')!.value, 0);
    assert.ok(open.forecast >= open.model_forecast && open.forecast > 1, JSON.stringify(open).slice(0, 200));
    const product = open.drivers.reduce((acc, x) => acc * x.factor, open.baseline);
    assert.ok(Math.abs(product - open.model_forecast) < 1e-6 * open.model_forecast);
  });
});
