/**
 * `npm run bench:customers` — issue 23's customer benchmark on Online Retail (../shared/data; says so and stops when
 * absent): the customer models fitted on the order lines up to 2011-06-30 (`customersWorkspace`, calibration), each
 * customer's purchases (sale days) from 2011-07-01 to 2011-11-04 predicted, and compared with what they did (the
 * holdout; the models never see it). Against the naive baseline "the same rate as before": x / T × holdout days
 * (no repeat purchase yet: 1 / T). Prints MAE, correlation and totals per model, and the calibration-vs-holdout table
 * by calibration frequency (Fader, Hardie & Lee 2005, fig. 4); writes bench/out/customers.json.
 *   npm run bench:customers -- [--workspace DIR] [--as-of 2011-06-30] [--until 2011-11-04]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type CustomerModel, customersWorkspace } from '../src/pipeline/customers.js';
import { customerPurchases } from '../src/store/customers.js';
import { Workspace } from '../src/store/workspace.js';
import { onlineRetailWorkspace } from './or-workspace.js';

const { values } = parseArgs({
  options: {
    workspace: { type: 'string' },
    'as-of': { type: 'string', default: '2011-06-30' },
    until: { type: 'string', default: '2011-11-04' },
  },
});
const asOf = values['as-of'];
const until = values.until;
const holdoutDays = Math.round((Date.parse(`${until}T00:00:00Z`) - Date.parse(`${asOf}T00:00:00Z`)) / 86_400_000);
const { dir, cleanup } = onlineRetailWorkspace('bench:customers', values.workspace);
const ws = await Workspace.open(dir, { mustExist: true });
try {
  // purchases up to `until` of the customers known at `asOf`: holdout purchases = sale days after asOf
  const before = new Map((await customerPurchases(ws, asOf)).customers.map((c) => [c.customer_id, c]));
  const after = new Map((await customerPurchases(ws, until)).customers.map((c) => [c.customer_id, c]));
  const actual = new Map<string, number>();
  for (const [id, c] of before) {
    const later = after.get(id)!;
    actual.set(id, later.frequency - c.frequency);
  }
  const report: Record<string, unknown> = {};
  const rows: string[] = [];
  const score = (name: string, predicted: Map<string, number>): Record<string, number> => {
    const ids = [...before.keys()];
    const p = ids.map((id) => predicted.get(id)!);
    const a = ids.map((id) => actual.get(id)!);
    const mae = p.reduce((s, v, i) => s + Math.abs(v - a[i]!), 0) / ids.length;
    const mp = p.reduce((s, v) => s + v, 0) / ids.length;
    const ma = a.reduce((s, v) => s + v, 0) / ids.length;
    let sxy = 0;
    let sxx = 0;
    let syy = 0;
    for (let i = 0; i < ids.length; i++) {
      sxy += (p[i]! - mp) * (a[i]! - ma);
      sxx += (p[i]! - mp) ** 2;
      syy += (a[i]! - ma) ** 2;
    }
    const r = {
      mae,
      correlation: sxy / Math.sqrt(sxx * syy),
      predicted_total: mp * ids.length,
      actual_total: ma * ids.length,
    };
    rows.push(
      `${name.padEnd(12)} MAE ${mae.toFixed(4)}  correlation ${r.correlation.toFixed(3)}  total predicted ` +
        `${r.predicted_total.toFixed(0)} vs actual ${r.actual_total.toFixed(0)} ` +
        `(${((r.predicted_total / r.actual_total - 1) * 100).toFixed(1)} %)`,
    );
    return r;
  };
  const naive = new Map([...before].map(([id, c]) => [id, ((c.frequency || 1) / Math.max(1, c.t)) * holdoutDays]));
  report['naive'] = score('naive', naive);
  const byFrequency: Record<string, unknown> = {};
  for (const model of ['bg-nbd', 'pareto-nbd'] as CustomerModel[]) {
    const t0 = performance.now();
    const r = await customersWorkspace(ws, { asOf, days: holdoutDays, model, store: false });
    const seconds = (performance.now() - t0) / 1000;
    const predicted = new Map(r.rows.map((c) => [c.customer_id, c.expected_purchases]));
    report[model] = { ...score(model, predicted), seconds, fits: r.fits };
    // calibration frequency 0…7+: mean actual vs mean predicted holdout purchases
    const groups = new Map<number, { n: number; actual: number; predicted: number }>();
    for (const c of r.rows) {
      const k = Math.min(7, c.frequency);
      const g = groups.get(k) ?? { n: 0, actual: 0, predicted: 0 };
      g.n++;
      g.actual += actual.get(c.customer_id)!;
      g.predicted += c.expected_purchases;
      groups.set(k, g);
    }
    byFrequency[model] = [...groups.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([k, g]) => ({
        frequency: k === 7 ? '7+' : k,
        customers: g.n,
        actual: g.actual / g.n,
        predicted: g.predicted / g.n,
      }));
  }
  report['by_frequency'] = byFrequency;
  console.log(
    `bench:customers: Online Retail, ${before.size} customers calibrated to ${asOf}, holdout ${holdoutDays} days to ${until}`,
  );
  for (const r of rows) console.log(`  ${r}`);
  for (const [model, table] of Object.entries(byFrequency)) {
    console.log(`  ${model}: calibration repeat purchases → holdout purchases per customer (actual / predicted)`);
    for (const g of table as { frequency: string; customers: number; actual: number; predicted: number }[])
      console.log(
        `    ${String(g.frequency).padStart(2)}  ${String(g.customers).padStart(5)} customers  ${g.actual.toFixed(2)} / ${g.predicted.toFixed(2)}`,
      );
  }
  const out = join(fileURLToPath(new URL('../../bench/out/', import.meta.url)));
  mkdirSync(out, { recursive: true });
  writeFileSync(
    join(out, 'customers.json'),
    JSON.stringify(
      {
        command: `npm run bench:customers -- --as-of ${asOf} --until ${until}`,
        date: new Date().toISOString(),
        customers: before.size,
        holdout_days: holdoutDays,
        ...report,
      },
      null,
      2,
    ),
  );
  console.log('  → bench/out/customers.json');
} finally {
  ws.close();
  cleanup();
}
