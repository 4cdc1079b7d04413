/**
 * Decisions on a plan's purchase orders (`order_decisions`, append-only): an approval records the quantity approved
 * (the latest override's, else the plan's suggestion), an override a new quantity with who and why. Rows are never
 * updated; a SKU's state is its latest decision, its quantity its latest override's (else the suggestion).
 * Decision ids: one more than the highest stored, assigned inside the one statement that appends (callers hold the
 * workspace's writer lock).
 */
import { type Sql, codeRows, raw, sql } from './sql.js';
import type { Workspace } from './workspace.js';

/** The name of the supplier of SKUs that have none, in filters, supplier lists and per-supplier files. */
export const NO_SUPPLIER = 'no supplier';

/** An ISO timestamp (UTC) of a TIMESTAMP column, as the alerts store writes them. */
export function isoTimestamp(column: Sql): Sql {
  return sql`strftime(${column}, '%Y-%m-%dT%H:%M:%S.%gZ')`;
}

/** A decision on a plan's order, as stored. */
export interface DecisionRow {
  decision_id: number;
  action: 'approve' | 'override';
  qty: number;
  who: string;
  why: string | null;
  decided_at: string;
}

/** A SKU's order line in a plan, as stored in `plan_orders` (with the run's as-of date). */
export interface PlanOrderFields {
  run_id: number;
  as_of: string;
  sku: string;
  name: string | null;
  order_qty: number;
  order_by: string | null;
  cover_days: number | null;
  stockout_risk: number | null;
  reason: string | null;
  on_hand: number | null;
  on_order: number | null;
  reorder_point: number | null;
  order_up_to: number | null;
  service_level: number | null;
  abc: string | null;
  xyz: string | null;
  unit_cost: number | null;
  priority: number | null;
  supplier: string | null;
  stockout_date: string | null;
  lost_units: number | null;
  lost_revenue: number | null;
  expedite: boolean | null;
  held_back: boolean | null;
}

/** A plan order as a struct (`o`: plan_orders, `r`: its plan_runs row), dates as text. */
export const PLAN_ORDER_STRUCT = raw(`{'run_id': o.run_id, 'as_of': r.as_of::VARCHAR, 'sku': o.sku, 'name': o.name,
  'order_qty': o.order_qty, 'order_by': o.order_by::VARCHAR, 'cover_days': o.cover_days,
  'stockout_risk': o.stockout_risk, 'reason': o.reason, 'on_hand': o.on_hand, 'on_order': o.on_order,
  'reorder_point': o.reorder_point, 'order_up_to': o.order_up_to, 'service_level': o.service_level, 'abc': o.abc,
  'xyz': o.xyz, 'unit_cost': o.unit_cost, 'priority': o.priority, 'supplier': o.supplier,
  'stockout_date': o.stockout_date::VARCHAR, 'lost_units': o.lost_units, 'lost_revenue': o.lost_revenue,
  'expedite': o.expedite, 'held_back': o.held_back}`);

function decisionSql(run: Sql, sku: Sql, overrideOnly: boolean): Sql {
  return sql`(SELECT {'decision_id': d.decision_id, 'action': d.action, 'qty': d.qty, 'who': d.who, 'why': d.why,
      'decided_at': ${isoTimestamp(sql`d.decided_at`)}}
    FROM order_decisions d WHERE d.plan_run_id = ${run} AND d.sku = ${sku}
      ${overrideOnly ? sql`AND d.action = 'override'` : sql``}
    ORDER BY d.decision_id DESC LIMIT 1)`;
}

/** A struct of a SKU's latest decision on plan run `run` (SQL expressions), NULL when none. */
export function latestDecisionSql(run: Sql, sku: Sql): Sql {
  return decisionSql(run, sku, false);
}

/** A struct of a SKU's latest override on plan run `run` (SQL expressions), NULL when none. */
export function latestOverrideSql(run: Sql, sku: Sql): Sql {
  return decisionSql(run, sku, true);
}

/** A stored plan run. */
export interface PlanRunInfo {
  run_id: number;
  as_of: string;
  created_at: string;
}

/** Plan run `runId`, or the latest when undefined; null when there is no such run. */
export async function planRunInfo(ws: Workspace, runId?: number): Promise<PlanRunInfo | null> {
  const which =
    runId === undefined ? sql`run_id = (SELECT max(run_id) FROM plan_runs)` : sql`run_id = ${runId}::INTEGER`;
  const rows = await ws.all<PlanRunInfo>(sql`SELECT run_id::INTEGER AS run_id, as_of::VARCHAR AS as_of,
      ${isoTimestamp(sql`created_at`)} AS created_at
    FROM plan_runs WHERE ${which} LIMIT 1`);
  return rows[0] ?? null;
}

/** A plan order with its latest decision and latest override. */
export interface OrderDecisionRow {
  order: PlanOrderFields;
  decision: DecisionRow | null;
  override: DecisionRow | null;
}

/**
 * The orders of plan run `runId` (all, or those of `skus`), each with its latest decision and override, in the plan's
 * order (budget priority, order-by date, stock-out risk, SKU: as sortOrders).
 */
export async function readRunOrders(
  ws: Workspace,
  runId: number,
  skus?: readonly string[],
): Promise<OrderDecisionRow[]> {
  const run = sql`${runId}::INTEGER`;
  const only = skus === undefined ? sql`TRUE` : sql`o.sku IN (SELECT ${codeRows(skus)})`;
  return ws.all<OrderDecisionRow>(sql`
    SELECT ${PLAN_ORDER_STRUCT} AS "order", ${latestDecisionSql(run, sql`o.sku`)} AS decision,
      ${latestOverrideSql(run, sql`o.sku`)} AS override
    FROM plan_orders o JOIN plan_runs r USING (run_id)
    WHERE o.run_id = ${run} AND ${only}
    ORDER BY o.priority ASC NULLS LAST, o.order_by, o.stockout_risk DESC, o.sku`);
}

/**
 * Appends an approval for each order of run `runId` (those of `skus`; every order with a quantity above 0 when
 * omitted) whose latest decision is not already an approval, at its current quantity (latest override, else the
 * suggestion), in one statement. Returns the SKUs approved.
 */
export async function appendApprovals(
  ws: Workspace,
  o: { runId: number; skus?: readonly string[]; who: string },
): Promise<string[]> {
  const run = sql`${o.runId}::INTEGER`;
  const which =
    o.skus === undefined ? sql`coalesce(ov.qty, p.order_qty) > 0` : sql`p.sku IN (SELECT ${codeRows(o.skus)})`;
  const rows = await ws.all<{ sku: string }>(sql`
    INSERT INTO order_decisions
    SELECT (SELECT coalesce(max(decision_id), 0) FROM order_decisions) + row_number() OVER (ORDER BY p.sku),
      ${run}, p.sku, 'approve', coalesce(ov.qty, p.order_qty), ${o.who}, NULL, now()::TIMESTAMP
    FROM plan_orders p
      LEFT JOIN (SELECT sku, arg_max(qty, decision_id) AS qty FROM order_decisions
        WHERE plan_run_id = ${run} AND action = 'override' GROUP BY sku) ov USING (sku)
      LEFT JOIN (SELECT sku, arg_max(action, decision_id) AS action FROM order_decisions
        WHERE plan_run_id = ${run} GROUP BY sku) ld USING (sku)
    WHERE p.run_id = ${run} AND ld.action IS DISTINCT FROM 'approve' AND ${which}
    RETURNING sku`);
  return rows.map((r) => r.sku);
}

/** Appends an override of the order of `sku` in run `runId`: the new quantity, who and why. */
export async function appendOverride(
  ws: Workspace,
  o: { runId: number; sku: string; qty: number; who: string; why: string },
): Promise<void> {
  await ws.run(sql`INSERT INTO order_decisions
    SELECT coalesce(max(decision_id), 0) + 1, ${o.runId}::INTEGER, ${o.sku}, 'override', ${o.qty}::DOUBLE, ${o.who},
      ${o.why}, now()::TIMESTAMP
    FROM order_decisions`);
}

/** A SKU's daily demand units (known days), oldest first: to tell count SKUs from those sold by measure. */
export async function skuDemandUnits(ws: Workspace, sku: string): Promise<Float64Array> {
  const rows = await ws.all<{ units: number }>(sql`
    SELECT units FROM daily_demand WHERE sku = ${sku} AND units IS NOT NULL ORDER BY date`);
  return Float64Array.from(rows, (r) => r.units);
}
