/** Where a plan is kept: the run, its orders and its forecasts as workspace tables (store/plan-runs.ts). */
import { type PlanForecastRow, type PlanOrderRow, storePlanRun } from '../../store/plan-runs.js';
import type { Workspace } from '../../store/workspace.js';
import type { ForecastRow } from '../forecast-series.js';
import type { PlanOptions, PlanOrder } from '../plan.js';

/** The columns of orders.csv and `plan_orders` (after its run id), in order. */
export const ORDER_COLUMNS = [
  'sku',
  'name',
  'order_qty',
  'order_by',
  'cover_days',
  'stockout_risk',
  'reason',
  'on_hand',
  'on_order',
  'reorder_point',
  'order_up_to',
  'service_level',
  'abc',
  'xyz',
  'unit_cost',
  'priority',
  'supplier',
  'stockout_date',
  'lost_units',
  'lost_revenue',
  'expedite',
  'held_back',
] as const;

/**
 * One order as a row of ORDER_COLUMNS: what orders.csv writes and `plan_orders` stores.
 * @example orderRow(order)[2] // the order quantity
 */
export function orderRow(r: PlanOrder): PlanOrderRow {
  return [
    r.sku,
    r.name,
    r.order_qty,
    r.order_by,
    r.cover_days,
    r.stockout_risk,
    r.reason,
    r.on_hand,
    r.on_order,
    r.reorder_point,
    r.order_up_to,
    r.service_level,
    r.abc,
    r.xyz,
    r.unit_cost,
    r.priority,
    r.supplier === '' ? null : r.supplier,
    r.stockout_date,
    r.lost_units,
    r.lost_revenue,
    r.expedite,
    r.held_back,
  ];
}

/** Stores the run, its orders and its forecasts in the workspace (plan_runs, plan_orders, plan_forecasts). */
export async function storePlan(
  ws: Workspace,
  p: {
    asOf: string;
    horizon: number;
    o: PlanOptions;
    assumptions: string[];
    orders: readonly PlanOrder[];
    forecasts: Iterable<ForecastRow>;
  },
): Promise<number> {
  return storePlanRun(ws, {
    asOf: p.asOf,
    horizon: p.horizon,
    model: p.o.model ?? 'auto',
    serviceLevel: p.o.serviceLevel ?? null,
    budget: p.o.budget ?? null,
    assumptions: p.assumptions,
    orders: p.orders.map(orderRow),
    forecasts: (function* () {
      for (const f of p.forecasts) yield f as PlanForecastRow;
    })(),
  });
}
