/**
 * Where a plan is kept: the run, its orders and its forecasts as workspace tables (store/plan-runs.ts), its forecast as
 * a stored forecast run (store/forecast-runs.ts), each SKU's state (store/sku-state.ts) and its stock-out alerts
 * (store/alerts.ts). A live refresh (pipeline/refresh.ts) writes the last three for the SKUs it re-forecast.
 */
import { type BatchForecast, isModelFallback } from '../../engine/forecast-batch.js';
import { quantileAt } from '../../engine/quantile-view.js';
import { INVENTORY_DEFAULTS } from '../../inventory/defaults.js';
import { DAY_MS, isoDate } from '../../numerics/calendar.js';
import { type AlertRow, type NewAlert, clearAlerts, listAlerts, raiseAlerts } from '../../store/alerts.js';
import {
  FORECAST_RUN_LEVELS,
  type ForecastRunSku,
  type ForecastValueRow,
  insertForecastRun,
} from '../../store/forecast-runs.js';
import type { NetworkPlan } from '../../inventory/network.js';
import { poLineRow } from './network.js';
import {
  type PlanForecastRow,
  type PlanOrderRow,
  type PlanTransferRow,
  insertPlanNetwork,
  insertPlanRun,
} from '../../store/plan-runs.js';
import { type SkuStateInput, readForecast28, upsertSkuState } from '../../store/sku-state.js';
import type { Workspace } from '../../store/workspace.js';
import type { ForecastRow } from '../forecast-series.js';
import type { PlanOptions, PlanOrder } from '../plan.js';
import { round } from './format.js';
import type { PlanInputs } from './read.js';
import type { PolicyOutcome, SkuPolicy } from './steps.js';

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

/** What `storePlan` stored: the plan run, its forecast run, the SKUs' states and the alerts it raised. */
export interface StoredPlan {
  runId: number;
  forecastRunId: number;
  states: SkuStateInput[];
  /** stock-out alerts new or risen in severity */
  alerts: AlertRow[];
}

/**
 * Stores the plan in one transaction (a crash stores all of it or nothing): the run, its orders and its forecasts
 * (plan_runs, plan_orders, plan_forecasts), its forecast at PLAN_LEVELS as a forecast run (role champion, source
 * plan), every SKU's sku_state row (the table replaced), and the stock-out alerts raised or cleared.
 */
export async function storePlan(
  ws: Workspace,
  p: {
    asOf: string;
    horizon: number;
    o: PlanOptions;
    assumptions: string[];
    orders: readonly PlanOrder[];
    forecasts: Iterable<ForecastRow>;
    inputs: PlanInputs;
    fc: BatchForecast;
    perSku: readonly SkuPolicy[];
    /** the purchase orders per supplier and location, and the transfers (none: not stored) */
    network?: NetworkPlan;
  },
): Promise<StoredPlan> {
  const model = p.o.model ?? 'auto';
  const run = forecastRunRows(p.inputs.panel.ids, p.fc, p.inputs.lastDay);
  return ws.transaction(async () => {
    const runId = await insertPlanRun(ws, {
      asOf: p.asOf,
      horizon: p.horizon,
      model,
      serviceLevel: p.o.serviceLevel ?? null,
      budget: p.o.budget ?? null,
      scenarios: p.o.scenarios ?? null,
      seed: p.o.seed ?? null,
      fullLots: p.o.fullLots ?? null,
      assumptions: p.assumptions,
      orders: p.orders.map(orderRow),
      forecasts: (function* () {
        for (const f of p.forecasts) yield f as PlanForecastRow;
      })(),
    });
    if (p.network !== undefined) {
      const shipBy = p.asOf;
      await insertPlanNetwork(
        ws,
        runId,
        p.network.lines.map(poLineRow),
        p.network.transfers.map((t): PlanTransferRow => [
          t.sku,
          t.name,
          t.from,
          t.to,
          t.qty,
          shipBy,
          t.cost,
          t.saves,
          t.reason,
        ]),
      );
    }
    const forecastRunId = await insertForecastRun(ws, {
      origin: p.asOf,
      model,
      role: 'champion',
      source: 'plan',
      planRunId: runId,
      skus: run.skus,
      values: run.values(),
      ...(run.states === undefined ? {} : { states: run.states }),
    });
    const { states, alerts } = await storeSkuStates(ws, p.inputs, p.perSku, {
      planRunId: runId,
      forecastRunId,
      all: true,
    });
    return { runId, forecastRunId, states, alerts };
  });
}

/**
 * A forecast (at PLAN_LEVELS) as the rows of a stored forecast run: per SKU its concrete model and fallback reason
 * (a model fallback only: gaps filled for a model that takes no NaN are not one), per SKU and step 1…h the mean and
 * the 0.5 … 99.5 % quantiles, step 1 the day after `lastDay`; `backtest_mase` is the series' MASE in the backtest
 * `auto` chose its forecast by (last h days), null for a model that makes none or a series too short for one.
 */
export function forecastRunRows(
  ids: readonly string[],
  fc: BatchForecast,
  lastDay: number,
): { skus: ForecastRunSku[]; values: () => Generator<ForecastValueRow>; states?: (Uint8Array | null)[] } {
  const level = FORECAST_RUN_LEVELS.map((l) => fc.levels.indexOf(l));
  const fallback = new Map(
    fc.fallbacks.filter(isModelFallback).map((f) => [f.id, f.reason || `fell back to ${f.used}`]),
  );
  const skus = ids.map((sku, i) => ({
    sku,
    model: fc.models[i]!,
    fallback: fallback.get(sku) ?? null,
    backtest_mase: Number.isFinite(fc.backtestMase?.[i]) ? fc.backtestMase![i]! : null,
  }));
  const h = fc.h;
  function* values(): Generator<ForecastValueRow> {
    const q = (i: number, k: number, t: number): number | null => (k < 0 ? null : quantileAt(fc, i, k, t));
    // the h dates once, not once per SKU and step
    const dates = Array.from({ length: h }, (_, t) => isoDate(lastDay + (t + 1) * DAY_MS));
    for (let i = 0; i < ids.length; i++)
      for (let t = 0; t < h; t++)
        yield [
          ids[i]!,
          t + 1,
          dates[t]!,
          fc.mean[i * h + t]!,
          q(i, level[0]!, t),
          q(i, level[1]!, t),
          q(i, level[2]!, t),
          q(i, level[3]!, t),
          q(i, level[4]!, t),
          q(i, level[5]!, t),
          q(i, level[6]!, t),
        ];
  }
  return fc.states === undefined ? { skus, values } : { skus, values, states: fc.states };
}

/** Σ of the forecast's daily means over the next 28 days (the last day repeats past its horizon). */
export function forecast28(mean: Float64Array): number {
  let s = 0;
  for (let d = 0; d < 28; d++) s += mean[Math.min(d, mean.length - 1)] ?? 0;
  return s;
}

/**
 * The sku_state rows of SKUs' policies (read after the budget step: the order quantities it cut are the ones
 * stored). `previous`: each SKU's forecast_28 before, for forecast_change.
 */
export function skuStateRows(
  inputs: PlanInputs,
  perSku: readonly PolicyOutcome[],
  p: { planRunId: number | null; forecastRunId: number; previous: ReadonlyMap<string, number | null> },
): SkuStateInput[] {
  const { panel, stock, asOf } = inputs;
  return perSku.map((s, i) => {
    const sku = panel.ids[i]!;
    const st = stock.get(sku);
    const d = s.decision;
    const f28 = forecast28(s.mean);
    const before = p.previous.get(sku);
    return {
      sku,
      as_of: asOf,
      plan_run_id: p.planRunId,
      forecast_run_id: p.forecastRunId,
      name: panel.names[i] ?? null,
      supplier: st?.supplier ?? null,
      abc: s.abc,
      xyz: s.xyz,
      stage: s.stage,
      revenue_365: round(s.revenue365, 2),
      on_hand: st?.onHand ?? 0,
      on_order: st?.onOrder ?? 0,
      position: s.position,
      days_of_stock: d.coverDays === null ? null : round(d.coverDays, 1),
      stockout_date: s.stockoutDate,
      stockout_risk: round(d.stockoutRisk, 3),
      reorder_point: round(d.reorderPoint),
      order_up_to: round(d.orderUpTo),
      order_qty: s.order?.order_qty ?? 0,
      order_by: s.order?.order_by ?? null,
      expedite: s.expedite,
      held_back: s.order?.held_back ?? false,
      lost_revenue: round(s.lostRevenue, 2),
      reason: s.order?.reason ?? null,
      forecast_28: round(f28, 4),
      // + 0: no -0 for an unchanged forecast
      forecast_change: before === undefined || before === null || !(before > 0) ? null : round(f28 / before - 1, 4) + 0,
    };
  });
}

/**
 * The stock-out alerts the policies call for, and the SKUs they hold for. Only SKUs whose stock is known (in the
 * stock snapshot: without it on hand is an assumption, 0) are alerted: critical when the stock runs out before an
 * order placed today could arrive and units would be short meanwhile (expedite), a warning when the risk of running
 * out within lead time + review is 50 % or more.
 */
export function stockoutAlerts(inputs: PlanInputs, perSku: readonly PolicyOutcome[]): NewAlert[] {
  const D = INVENTORY_DEFAULTS;
  const { panel, lastDay } = inputs;
  const out: NewAlert[] = [];
  perSku.forEach((s, i) => {
    if (!s.stockKnown) return;
    const sku = panel.ids[i]!;
    const name = panel.names[i] && panel.names[i] !== sku ? ` (${panel.names[i]})` : '';
    const d = s.decision;
    const data = {
      position: s.position,
      stockout_date: s.stockoutDate,
      stockout_risk: round(d.stockoutRisk, 3),
      lead_time_days: s.leadTime,
      lost_units: round(d.shortBeforeArrival, 1),
      lost_revenue: round(s.lostRevenue, 2),
      order_qty: s.order?.order_qty ?? 0,
      order_by: s.order?.order_by ?? null,
    };
    const stock = s.position <= 0 ? `has no stock from ${s.stockoutDate}` : `runs out on ${s.stockoutDate}`;
    const arrive = isoDate(lastDay + (1 + Math.ceil(s.leadTime)) * DAY_MS);
    if (s.expedite && d.shortBeforeArrival > 0) {
      out.push({
        sku,
        kind: 'stockout',
        severity: 'critical',
        message:
          `SKU ${sku}${name} ${stock}, before an order placed today could arrive (${arrive}): about ` +
          `${round(d.shortBeforeArrival, 1)} units short meanwhile; order faster or accept the loss`,
        data,
      });
    } else if (d.stockoutRisk >= 0.5) {
      const until = isoDate(lastDay + Math.ceil(s.leadTime + D.reviewDays) * DAY_MS);
      out.push({
        sku,
        kind: 'stockout',
        severity: 'warning',
        message:
          `SKU ${sku}${name}: ${Math.round(d.stockoutRisk * 100)} % risk of running out by ${until} ` +
          `(stock ${round(s.position, 1)})` +
          (s.order !== null && s.order.order_qty > 0 ? `; order ${s.order.order_qty} by ${s.order.order_by}` : ''),
        data,
      });
    }
  });
  return out;
}

/**
 * Writes what the policies say into the state tables, inside the caller's transaction: the SKUs' sku_state rows
 * (`all`: the rows of SKUs not given are removed), their stock-out alerts raised, and cleared for the given SKUs
 * (and, with `all`, any other SKU) where they no longer hold. Returns the alerts that are new or rose in severity.
 */
export async function storeSkuStates(
  ws: Workspace,
  inputs: PlanInputs,
  perSku: readonly PolicyOutcome[],
  p: { planRunId: number | null; forecastRunId: number; all: boolean; now?: Date },
): Promise<{ states: SkuStateInput[]; alerts: AlertRow[] }> {
  const ids = inputs.panel.ids;
  const previous = await readForecast28(ws, p.all ? undefined : ids);
  const states = skuStateRows(inputs, perSku, { ...p, previous });
  await upsertSkuState(ws, states, { all: p.all, ...(p.now === undefined ? {} : { now: p.now }) });
  const alerts = stockoutAlerts(inputs, perSku);
  const raised = await raiseAlerts(ws, alerts);
  const holding = new Set(alerts.map((a) => a.sku));
  const open = p.all ? (await listAlerts(ws, { kind: 'stockout', limit: 1_000_000 })).alerts.map((a) => a.sku) : [];
  const scope = [...new Set([...ids, ...open])];
  await clearAlerts(ws, 'stockout', scope, holding);
  return { states, alerts: raised };
}
