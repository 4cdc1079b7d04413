/** Where a plan is kept: the run, its orders and its forecasts as workspace tables. */
import { type Workspace, sqlString } from '../../store/workspace.js';
import type { PlanOptions } from '../plan.js';

/** Stores the run, its orders and its forecasts in the workspace (plan_runs, plan_orders, plan_forecasts). */
export async function storePlan(ws: Workspace, p: { asOf: string; horizon: number; o: PlanOptions; assumptions: string[]; ordersCsv: string; forecastsCsv: string }): Promise<number> {
  await ws.run(`CREATE TABLE IF NOT EXISTS plan_runs (run_id INTEGER, created_at TIMESTAMP, as_of DATE, horizon_days INTEGER, model VARCHAR,
    service_level DOUBLE, budget DOUBLE, assumptions VARCHAR)`);
  await ws.run(`CREATE TABLE IF NOT EXISTS plan_orders (run_id INTEGER, sku VARCHAR, name VARCHAR, order_qty DOUBLE, order_by DATE, cover_days DOUBLE,
    stockout_risk DOUBLE, reason VARCHAR, on_hand DOUBLE, on_order DOUBLE, reorder_point DOUBLE, order_up_to DOUBLE, service_level DOUBLE,
    abc VARCHAR, xyz VARCHAR, unit_cost DOUBLE, priority INTEGER, supplier VARCHAR)`);
  await ws.run(`CREATE TABLE IF NOT EXISTS plan_forecasts (run_id INTEGER, sku VARCHAR, date DATE, mean DOUBLE, p05 DOUBLE, p25 DOUBLE, p50 DOUBLE,
    p75 DOUBLE, p95 DOUBLE, model VARCHAR)`);
  return ws.transaction(async () => {
    const id = (await ws.one('SELECT coalesce(max(run_id), 0)::INTEGER + 1 AS id FROM plan_runs'))['id'] as number;
    await ws.run(`INSERT INTO plan_runs VALUES (${id}, now()::TIMESTAMP, DATE ${sqlString(p.asOf)}, ${p.horizon}, ${sqlString(p.o.model ?? 'auto')},
      ${p.o.serviceLevel ?? 'NULL'}, ${p.o.budget ?? 'NULL'}, ${sqlString(JSON.stringify(p.assumptions))})`);
    const read = (path: string, cols: string): string =>
      `read_csv(${sqlString(path)}, header = true, auto_detect = false, delim = ',', quote = '"', escape = '"', columns = {${cols}})`;
    await ws.run(`INSERT INTO plan_orders SELECT ${id}, * FROM ${read(p.ordersCsv, `'sku': 'VARCHAR', 'name': 'VARCHAR', 'order_qty': 'DOUBLE', 'order_by': 'DATE',
      'cover_days': 'DOUBLE', 'stockout_risk': 'DOUBLE', 'reason': 'VARCHAR', 'on_hand': 'DOUBLE', 'on_order': 'DOUBLE', 'reorder_point': 'DOUBLE',
      'order_up_to': 'DOUBLE', 'service_level': 'DOUBLE', 'abc': 'VARCHAR', 'xyz': 'VARCHAR', 'unit_cost': 'DOUBLE', 'priority': 'INTEGER', 'supplier': 'VARCHAR'`)}`);
    await ws.run(`INSERT INTO plan_forecasts SELECT ${id}, * FROM ${read(p.forecastsCsv, `'sku': 'VARCHAR', 'date': 'DATE', 'mean': 'DOUBLE', 'p05': 'DOUBLE',
      'p25': 'DOUBLE', 'p50': 'DOUBLE', 'p75': 'DOUBLE', 'p95': 'DOUBLE', 'model': 'VARCHAR'`)}`);
    return id;
  });
}
