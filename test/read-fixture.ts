/**
 * A small shop for the service's read and order use cases (skus, orders, forecasts export): eight SKUs of daily sales
 * over 180 days, among them hostile SKUs, names and suppliers (SQL metacharacters, HTML, LIKE wildcards, formula
 * cells), a catalog and a stock file; ingested and planned for real. `fillServiceTables` then fills `sku_state` and
 * the forecast-run tables from the plan's own tables, as a plan of the service does, so that every figure the read
 * functions return is a real one.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { splitCsvLine } from '../src/data/csv-reader.js';
import { abcClasses, demandCv, xyzClass } from '../src/inventory/abc-xyz.js';
import { mulberry32 } from '../src/numerics/random.js';
import { poissonSource, day, withWorkspace, writeText } from './helpers.js';
import type { Workspace } from '../src/store/workspace.js';
import type { PlanSummary } from '../src/pipeline/plan.js';

export const HOSTILE = {
  formula: '=HYPERLINK("http://x")',
  minus: '-2+3',
  sqlSku: "'; DROP TABLE sku_state; --",
  underscore: 'B_200',
  percent: 'B%300',
  backslash: 'C\\400',
  script: '<script>alert("x")</script>',
  sqlSupplier: `O'Brien "&" Sons; DROP TABLE order_decisions; --`,
  formulaSupplier: '=cmd|calc',
} as const;

/** sku, daily mean, price, name, on hand, moq, pack, supplier (null: none). */
export const SHOP: readonly [string, number, number, string, number, number, number, string | null][] = [
  ['A-100', 8, 12.5, 'Table lamp, <b>brass</b>', 20, 24, 6, 'Kent Homeware'],
  [HOSTILE.underscore, 3, 4, '50% off mug', 4, 0, 1, HOSTILE.sqlSupplier],
  [HOSTILE.percent, 2, 6, 'Tea_towel', 2, 0, 1, HOSTILE.formulaSupplier],
  [HOSTILE.formula, 5, 3, HOSTILE.script, 3, 0, 1, null],
  [HOSTILE.minus, 4, 2.5, 'Candle (minus)', 5, 0, 12, 'Kent Homeware'],
  [HOSTILE.sqlSku, 6, 9, 'Robert"); DROP TABLE catalog;--', 10, 0, 1, HOSTILE.script],
  [HOSTILE.backslash, 1.5, 20, 'Back\\slash vase', 1, 0, 1, 'Kent Homeware'],
  ['Z9', 2, 5, 'Well stocked bowl', 500, 0, 1, 'Kent Homeware'],
];

export const DAYS = 180;

/** Writes the shop's daily sales, catalog and stock files into `dir`; returns their paths. */
export function writeShop(dir: string): string[] {
  const rnd = mulberry32(19);
  const poisson = poissonSource(rnd);
  const sales = ['sku,date,units,price,promo'];
  for (const [sku, mean, price] of SHOP)
    for (let d = 0; d < DAYS; d++) {
      const promo = d % 30 < 3;
      const units = poisson(promo ? mean * 2 : mean);
      sales.push([sku, day(d), units, promo ? price * 0.8 : price, promo].map(csvCell).join(','));
    }
  const catalog = ['sku,name,description,category'];
  for (const [sku, , , name] of SHOP) catalog.push([sku, name, `${name} description`, 'home'].map(csvCell).join(','));
  const stock = ['sku,on_hand,on_order,lead_time_days,unit_cost,moq,pack_size,supplier'];
  for (const [sku, , price, , onHand, moq, pack, supplier] of SHOP)
    stock.push([sku, onHand, 0, 7, price / 2, moq, pack, supplier ?? ''].map(csvCell).join(','));
  return [
    writeText(dir, 'sales.csv', sales.join('\n') + '\n'),
    writeText(dir, 'catalog.csv', catalog.join('\n') + '\n'),
    writeText(dir, 'stock.csv', stock.join('\n') + '\n'),
  ];
}

/** A cell as a plain CSV writer writes it (quoted when needed; no formula neutralisation: the data is what it is). */
function csvCell(v: string | number | boolean): string {
  if (typeof v !== 'string') return String(v);
  return /[",\n\r]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
}

/**
 * Fills what a plan of the service stores besides the plan tables, from the plan's own tables: a champion forecast
 * run (source 'plan') with the plan's forecasts, and one `sku_state` row per planned SKU (its order line when it has
 * one, its forecast's next 28 days against its last 28, its revenue over the last 365 days, its stage).
 */
export async function fillServiceTables(ws: Workspace, planRunId: number): Promise<number> {
  // the plan raised its own stock-out alerts: the tests add the alerts they count on themselves
  await ws.run('DELETE FROM alerts');
  const fr = (await ws.one<{ id: number }>('SELECT coalesce(max(run_id), 0)::INTEGER + 1 AS id FROM forecast_runs')).id;
  const { sql } = await import('../src/store/sql.js');
  await ws.run(sql`INSERT INTO forecast_runs SELECT ${fr}::INTEGER, now()::TIMESTAMP, as_of, model, 'champion', 'plan',
      run_id, (SELECT count(DISTINCT sku) FROM plan_forecasts WHERE run_id = ${planRunId}::INTEGER)
    FROM plan_runs WHERE run_id = ${planRunId}::INTEGER`);
  await ws.run(sql`INSERT INTO forecast_skus SELECT ${fr}::INTEGER, sku, any_value(model), NULL, NULL
    FROM plan_forecasts WHERE run_id = ${planRunId}::INTEGER GROUP BY sku`);
  await ws.run(sql`INSERT INTO forecast_values SELECT ${fr}::INTEGER, f.sku, (f.date - r.as_of)::INTEGER, f.date,
      f.mean, NULL, f.p05, f.p25, f.p50, f.p75, f.p95, NULL
    FROM plan_forecasts f JOIN plan_runs r USING (run_id) WHERE run_id = ${planRunId}::INTEGER`);
  await ws.run(sql`INSERT OR REPLACE INTO sku_state
    WITH fc AS (
      SELECT sku, sum(mean) FILTER (WHERE step <= 28) AS f28 FROM forecast_values WHERE run_id = ${fr}::INTEGER
      GROUP BY sku),
    r AS (SELECT * FROM plan_runs WHERE run_id = ${planRunId}::INTEGER),
    past AS (
      SELECT d.sku, sum(d.units) FILTER (WHERE d.date > r.as_of - 28) AS u28,
        sum(d.revenue) FILTER (WHERE d.date > r.as_of - 365) AS rev
      FROM daily_demand d, r WHERE d.date <= r.as_of GROUP BY d.sku),
    st AS (
      SELECT sku, arg_max(stage, run_id) AS stage FROM lifecycle_stages GROUP BY sku)
    SELECT fc.sku, now()::TIMESTAMP, r.as_of, r.run_id, ${fr}::INTEGER, c.name,
      coalesce(o.supplier, nullif(rs.supplier, '')),
      o.abc, o.xyz, st.stage,
      past.rev, coalesce(o.on_hand, rs.on_hand), coalesce(o.on_order, rs.on_order),
      coalesce(o.on_hand, rs.on_hand) + coalesce(o.on_order, rs.on_order, 0), o.cover_days, o.stockout_date, o.stockout_risk,
      o.reorder_point, o.order_up_to, coalesce(o.order_qty, 0), o.order_by, o.expedite, o.held_back, o.lost_revenue,
      o.reason, fc.f28, fc.f28 / nullif(past.u28, 0) - 1
    FROM fc CROSS JOIN r LEFT JOIN past USING (sku) LEFT JOIN st USING (sku) LEFT JOIN catalog c USING (sku)
      LEFT JOIN plan_orders o ON o.run_id = r.run_id AND o.sku = fc.sku
      LEFT JOIN (SELECT sku, arg_max(supplier, file_id) AS supplier, arg_max(on_hand, file_id) AS on_hand,
          arg_max(on_order, file_id) AS on_order FROM raw_stock GROUP BY sku) rs ON rs.sku = fc.sku`);
  // a SKU without an order line gets its classes as the plan makes them: ABC by its share of the revenue, XYZ by the
  // variation of its weekly demand
  const rows = await ws.all<{ sku: string; revenue: number; weekly: number[]; abc: string | null }>(sql`
    SELECT s.sku, s.revenue_365 AS revenue, s.abc,
      (SELECT list(w ORDER BY k) FROM (SELECT date_trunc('week', date) AS k, sum(units) AS w FROM daily_demand d
        WHERE d.sku = s.sku GROUP BY k)) AS weekly
    FROM sku_state s ORDER BY s.sku`);
  const abc = abcClasses(rows.map((r) => r.revenue));
  for (const [i, r] of rows.entries())
    if (r.abc === null)
      await ws.run(
        sql`UPDATE sku_state SET abc = ${abc[i]!}, xyz = ${xyzClass(demandCv(r.weekly))} WHERE sku = ${r.sku}`,
      );
  return fr;
}

/** Runs `fn` on a workspace holding the shop, planned (28 days) with the service tables filled. */
export async function withPlannedShop<T>(
  fn: (ws: Workspace, plan: PlanSummary & { forecast_run_id: number }, dir: string) => Promise<T>,
): Promise<T> {
  const { ingestFiles } = await import('../src/pipeline/ingest.js');
  const { planWorkspace } = await import('../src/pipeline/plan.js');
  return withWorkspace(async (ws, dir) => {
    await ingestFiles(ws, writeShop(dir));
    const plan = await planWorkspace(ws, { out: join(dir, 'out'), threads: 1, scenarios: 500 });
    const fr = await fillServiceTables(ws, plan.run_id);
    return fn(ws, { ...plan, forecast_run_id: fr }, dir);
  });
}

/** A CSV text as rows of fields (records on one line each, as the exports write them). */
export function parseCsv(text: string): string[][] {
  assert.ok(text.endsWith('\n'), 'a CSV file ends with a line break');
  return text
    .slice(0, -1)
    .split('\n')
    .map((line, i) => {
      const r = splitCsvLine(line, ',');
      assert.ok(r.fields !== undefined, `line ${i + 1} is not CSV: ${line}`);
      return r.fields;
    });
}

/** Every cell of a CSV file (as parsed) is safe to open in a spreadsheet: none starts with = + - @ tab or CR. */
export function assertNoFormulaCells(rows: readonly string[][]): void {
  for (const [i, row] of rows.entries())
    for (const cell of row) assert.doesNotMatch(cell, /^[=+\-@\t\r]/, `line ${i + 1}: formula cell ${cell}`);
}
