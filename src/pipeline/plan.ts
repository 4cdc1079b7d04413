/**
 * `shopcast plan`: from the workspace's clean demand to purchase orders. Forecast every SKU
 * (the engine's own choice per SKU), assess its life-cycle stage, turn the forecast into scenarios
 * of demand over lead time + review period, set reorder points and order-up-to levels for each
 * SKU's service level (ABC × XYZ class, or --service-level), round orders to MOQ and packs, fit
 * them into a budget, and write forecasts.csv, orders.csv, report.html and the plan tables.
 */
import { availableParallelism } from 'node:os';
import type { BatchForecast } from '../engine/forecast-batch.js';
import { InputError } from '../data/errors.js';
import { MODELS } from '../models/registry.js';
import type { AbcClass, XyzClass } from '../inventory/abc-xyz.js';
import type { AlertRow } from '../store/alerts.js';
import { setMeta } from '../store/ingest.js';
import type { Workspace } from '../store/workspace.js';
import type { ShardRunner } from '../engine/shards.js';
import { checkModelName, modelsUsed } from './forecast-series.js';
import { checkHorizon } from './horizon-limit.js';
import { DAY_MS, isoDate } from '../numerics/calendar.js';
import { round } from './plan-steps/format.js';
import { type PlanTotals, reportChoice, reportStep, writeOrdersCsv } from './plan-steps/outputs.js';
import { withStoredOverrides } from './plan-steps/overrides.js';
import { type PlanInputs, readStep, stockSnapshotAssumptions } from './plan-steps/read.js';
import { releaseSeries } from './inventory-panel.js';
import { checkOutputFolder, stageOutputs } from './plan-steps/staging.js';
import {
  budgetStep,
  forecastStep,
  lifecycleStep,
  planAssumptions,
  type PolicyResult,
  policyStep,
  policyStepSharded,
  sortOrders,
} from './plan-steps/steps.js';
import type { SkuLifecycle } from './lifecycle.js';
import { threadShardRunner } from './thread-shards.js';
import { storePlan } from './plan-steps/store.js';
import { writeParquetCopies } from './plan-steps/parquet.js';
import { networkAssumptions, networkStep, writeNetworkCsv } from './plan-steps/network.js';

/** Options of `planWorkspace`. */
export interface PlanOptions {
  /**
   * days to forecast (default 28; at least lead time + review period are always forecast); at most twice the days of
   * history (28 always allowed) and 3 years (`maxHorizon`)
   */
  horizon?: number;
  /** one cycle service level in (0.5, 1) for every SKU (else the ABC × XYZ matrix, DEFAULT_CLASS_SERVICE) */
  serviceLevel?: number;
  /** spend at most this on the orders (unit cost × quantity, in the shop's currency) */
  budget?: number;
  /**
   * output folder for forecasts.csv, orders.csv and report.html, written together at the end through a temporary
   * folder beside it; it must not be a file or a symbolic link
   */
  out: string;
  /** forecasting model (default auto) */
  model?: string;
  /** plan as of this day (default: the last day with data) */
  asOf?: string;
  /** SKUs shown in detail in the report */
  reportSkus?: number;
  /** demand scenarios per SKU over lead time + review period (default 2000) */
  scenarios?: number;
  /** seed of the scenarios' random draws (default 1): the same seed gives the same plan */
  seed?: number;
  /** worker threads for the forecasts (default: all cores) */
  threads?: number;
  /**
   * run the per-SKU forecasts, life-cycle classifications and stock policies as shards on this runner instead of
   * worker threads and this thread (`shopcast plan --redis URL`: BullMQ workers, src/worker/); the results are the same
   */
  shards?: ShardRunner;
  /**
   * let EOQ lots of a seasonal product run past its season's end (default false: S is at most the forecast demand
   * until the season ends, read from the product's history a year ago)
   */
  fullLots?: boolean;
  /**
   * also write forecasts.parquet, orders.parquet and purchase-orders.parquet (the CSV files' rows and columns, typed;
   * written by DuckDB), for catalogues whose CSV files are large (default false: a previous run's are removed)
   */
  parquet?: boolean;
  /** when the plan is made (for the report; default: the day after the data) */
  now?: Date;
  /** the currency of prices and costs: an ISO 4217 code (`GBP`, shown as £) or a symbol (default: none shown) */
  currency?: string;
  /** progress of the current step, 0..1, with a label */
  onProgress?: (label: string, fraction: number) => void;
}

/** One line of orders.csv: what to order for a SKU, by when, and why. Quantities in units. */
export interface PlanOrder {
  sku: string;
  name: string;
  /** units to order: S − position, rounded to the MOQ and packs, cut to the budget */
  order_qty: number;
  /** the last day to place the order, `YYYY-MM-DD` */
  order_by: string;
  /** days the position lasts at the forecast's means; null when it never runs out */
  cover_days: number | null;
  /** probability of a stock-out within lead time + review without this order, 0–1 */
  stockout_risk: number;
  /** why, in words: reorder point, EOQ, MOQ, packs, life-cycle stage, budget */
  reason: string;
  on_hand: number;
  on_order: number;
  /** s: the service-level quantile of demand over lead time + review period */
  reorder_point: number;
  /** S: the level an order brings the position up to */
  order_up_to: number;
  /** the cycle service level aimed at, 0–1 */
  service_level: number;
  abc: AbcClass;
  xyz: XyzClass;
  /** purchase cost per unit (given, or a share of the price) */
  unit_cost: number;
  /** rank in the budget's purchase list (1 first); null without a budget or when deferred */
  priority: number | null;
  supplier: string | null;
  /**
   * the day stock (on hand + on order) runs out at the forecast's means, `YYYY-MM-DD`; null when it lasts past the
   * lead time + review period
   */
  stockout_date: string | null;
  /** expected units short before an order placed today can arrive (over the lead-time scenarios) */
  lost_units: number;
  /** lost_units × the selling price */
  lost_revenue: number;
  /** stock runs out (at the forecast's means) before an order placed today arrives: order faster or accept the loss */
  expedite: boolean;
  /**
   * the wanted quantity is far beyond the SKU's history (more than INVENTORY_DEFAULTS.holdBackFactor × its largest
   * 28-day demand): held back for a check, order_qty 0, the reason gives the quantity it would have been
   */
  held_back: boolean;
}

/** What a plan run did; the orders, forecasts and report are in the files of `out`. */
export interface PlanSummary {
  /** the last day of data planned from */
  as_of: string;
  horizon_days: number;
  skus: number;
  /** SKUs with an order quantity above 0 */
  skus_to_order: number;
  order_units: number;
  /** Σ unit cost × quantity, currency */
  order_value: number;
  budget: number | null;
  /** SKUs with a stock-out risk of 50 % or more */
  skus_at_risk: number;
  /** the defaults the plan took (lead times, costs…) and for how many SKUs */
  assumptions: string[];
  /** whether the workspace had a stock file */
  stock_file: boolean;
  /**
   * the stock snapshot read (the latest on or before the as-of date): its date and SKUs, the SKUs with sales it
   * lacks (on hand unknown) and those of them an older snapshot held (whose older on hand is not used)
   */
  stock_snapshot: { date: string | null; skus: number; skus_missing: number; skus_only_in_older: string[] };
  model: string;
  /** how many SKUs each concrete model forecast */
  models_used: Record<string, number>;
  /** purchase orders (one per supplier and location with something to order) and transfers between locations */
  purchase_orders: number;
  transfers: number;
  /** paths of forecasts.csv, orders.csv, purchase-orders.csv, transfers.csv and report.html */
  out: { forecasts: string; orders: string; purchase_orders: string; transfers: string; report: string };
  /** the stored plan run's id */
  run_id: number;
  /** the id of the forecast run it stored (role champion, source plan; store/forecast-runs.ts) */
  forecast_run_id: number;
  /** stock-out alerts the plan raised or raised in severity (sku_state holds every SKU's state) */
  alerts_raised: AlertRow[];
  /** wall-clock seconds per step: read, forecast, lifecycle, inventory, outputs (orders.csv, plan tables), report */
  seconds: Record<string, number>;
}

/**
 * Makes the plan from what the workspace holds: read → forecast → life cycle → stock policy per SKU
 * → budget → orders.csv → workspace tables → report.html. Each step is a function of plan-steps/.
 * @example
 * const plan = await planWorkspace(ws, { out: 'plan', budget: 5000, currency: 'GBP' });
 * plan.skus_to_order; plan.out.orders; // 'plan/orders.csv'
 */
export async function planWorkspace(ws: Workspace, o: PlanOptions): Promise<PlanSummary> {
  checkPlanOptions(o);
  // every file goes to a temporary folder beside `out` and is moved in place once all are written: a plan that fails
  // half-way leaves the previous run's files as they were (plan-steps/staging.ts)
  const staging = stageOutputs(o.out);
  try {
    const summary = await planInto(ws, { ...o, out: staging.dir });
    if (o.parquet === true) await writeParquetCopies(ws, staging.dir);
    await rememberCurrency(ws, o.currency);
    return { ...summary, out: staging.commit() };
  } finally {
    staging.discard();
  }
}

/**
 * Keeps a plan's currency as the workspace's `currency` setting (what the dashboard formats amounts with) when it is an
 * ISO 4217 code; a bare symbol (`£`) is the plan's to show, not a setting.
 * @example await rememberCurrency(ws, 'gbp') // meta currency = 'GBP'
 */
export async function rememberCurrency(ws: Workspace, currency: string | undefined): Promise<void> {
  if (currency !== undefined && /^[A-Za-z]{3}$/.test(currency)) await setMeta(ws, 'currency', currency.toUpperCase());
}

/** From this many SKUs a plan's stock policies run on worker threads (below, starting them costs more than it saves) */
const THREADED_POLICIES_FROM = 1000;

/**
 * The SKUs' stock policies: as shards on `o.shards` (BullMQ workers), on `o.threads` worker threads for a large plan
 * (`threadShardRunner`: the same shards, in this process), else here. The same policies every way (`skuPolicy`).
 */
async function policies(
  inputs: PlanInputs,
  fc: BatchForecast,
  stageOf: Map<string, SkuLifecycle>,
  o: PlanOptions,
): Promise<PolicyResult> {
  if (o.shards !== undefined) return policyStepSharded(inputs, fc, stageOf, o, o.shards);
  const threads = o.threads ?? availableParallelism();
  if (threads <= 1 || inputs.panel.ids.length < THREADED_POLICIES_FROM) return policyStep(inputs, fc, stageOf, o);
  const runner = threadShardRunner(threads);
  try {
    return await policyStepSharded(inputs, fc, stageOf, o, runner);
  } finally {
    await runner.close();
  }
}

/** planWorkspace's steps, every file written into `o.out` (the temporary folder). */
async function planInto(ws: Workspace, o: PlanOptions): Promise<PlanSummary> {
  const progress = o.onProgress ?? (() => {});
  const clock = (): number => performance.now();
  const seconds: Record<string, number> = {};
  let t = clock();
  // a step timed in parts (outputs: orders.csv, then the plan tables after the report) adds them up
  const lap = (k: string): void => {
    seconds[k] = round((seconds[k] ?? 0) + (clock() - t) / 1000, 1);
    t = clock();
  };
  const { horizon, model } = checkPlanOptions(o);
  const currency = currencySymbol(o.currency);

  progress('reading demand', 0);
  const inputs = await readStep(ws, o.asOf, horizon);
  checkHistory(inputs, horizon);
  lap('read');

  progress('forecasting', 0);
  const { fc, forecastsCsv, forecastRows } = await forecastStep(inputs, {
    model,
    horizon,
    out: o.out,
    threads: o.threads,
    shards: o.shards,
    progress,
  });
  lap('forecast');

  progress('life cycle', 0);
  // the report's SKUs are known from the forecast: the life cycle keeps their weekly series only
  const choice = reportChoice(inputs.panel, fc, horizon, o.reportSkus);
  const shownSkus = choice.shown.map((i) => inputs.panel.ids[i]!);
  const { life, stageOf } = await lifecycleStep(ws, o.asOf, shownSkus, o.threads, o.shards, inputs.panel);
  lap('lifecycle');

  progress('inventory', 0);
  // the planners' forecast overrides apply to what the policy takes (forecasts.csv and the runs stay the model's)
  const policyFc = await withStoredOverrides(ws, inputs, fc);
  const { orders, perSku, abc, xyz, used } = await policies(inputs, policyFc, stageOf, o);
  if (o.budget !== undefined) budgetStep(orders, perSku, inputs.panel.ids, inputs.stock, o.budget);
  // per supplier and location: orders split, transfers, suppliers' minimums (which may raise an order)
  const network = await networkStep(ws, inputs, perSku, orders);
  sortOrders(orders);
  const assumptions = [
    ...stockSnapshotAssumptions(inputs.stockSnapshot),
    ...planAssumptions(used, inputs.stock.size, o.serviceLevel, o.fullLots),
    ...networkAssumptions(inputs, perSku, network),
  ];
  lap('inventory');
  // what follows reads the demand series of the report's SKUs only (reportStep; the stored forecast rows are dated
  // from the lengths forecastStep kept): the others are released
  releaseSeries(inputs.panel, new Set(choice.shown));

  progress('writing', 0);
  const ordersCsv = writeOrdersCsv(o.out, orders, currency);
  const networkCsv = writeNetworkCsv(o.out, network);
  const totals = planTotals(orders);
  lap('outputs');
  const reportHtml = await reportStep(ws, {
    inputs,
    fc,
    model,
    horizon,
    orders,
    perSku,
    abc,
    xyz,
    life,
    stageOf,
    choice,
    assumptions,
    totals,
    o,
    currency,
    network,
  });
  lap('report');
  // stored once every file is written: a run that failed is not the next run's baseline
  const stored = await storePlan(ws, {
    asOf: inputs.asOf,
    horizon,
    o,
    assumptions,
    orders,
    forecasts: forecastRows(),
    inputs,
    fc,
    perSku,
    network,
  });
  // orders.csv (above) and the workspace's plan tables are the plan's outputs; the report is timed apart
  lap('outputs');
  progress('done', 1);
  return {
    as_of: inputs.asOf,
    horizon_days: horizon,
    skus: inputs.panel.ids.length,
    skus_to_order: totals.skusToOrder,
    order_units: totals.orderUnits,
    order_value: round(totals.orderValue),
    budget: o.budget ?? null,
    skus_at_risk: totals.skusAtRisk,
    assumptions,
    stock_file: inputs.stock.size > 0,
    stock_snapshot: {
      date: inputs.stockSnapshot.date,
      skus: inputs.stockSnapshot.skus,
      skus_missing: inputs.stockSnapshot.missing,
      skus_only_in_older: inputs.stockSnapshot.missingButInOlder,
    },
    model,
    models_used: modelsUsed(fc),
    purchase_orders: new Set(network.lines.map((l) => l.poId)).size,
    transfers: network.transfers.length,
    out: {
      forecasts: forecastsCsv,
      orders: ordersCsv,
      purchase_orders: networkCsv.purchaseOrders,
      transfers: networkCsv.transfers,
      report: reportHtml,
    },
    run_id: stored.runId,
    forecast_run_id: stored.forecastRunId,
    alerts_raised: stored.alerts,
    seconds,
  };
}

/**
 * The options of `planWorkspace` checked without the workspace: a bad one is an InputError naming its field (the
 * CLI says its flag). `planWorkspace` calls it first; a caller may call it before opening or filling a workspace.
 * @example checkPlanOptions({ out: 'plan', serviceLevel: 0.95 }); // { horizon: 28, model: 'auto' }
 */
export function checkPlanOptions(o: PlanOptions): { horizon: number; model: string } {
  const horizon = o.horizon ?? 28;
  if (!Number.isInteger(horizon) || horizon < 1)
    throw new InputError(`plan: horizon must be a whole number of days ≥ 1, got ${horizon}`, { field: 'horizon' });
  checkHorizon('plan', horizon, Infinity, 'day'); // 3 years at most; checkHistory checks it against the history
  if (o.serviceLevel !== undefined && !(o.serviceLevel > 0.5 && o.serviceLevel < 1))
    throw new InputError(`plan: serviceLevel must be between 0.5 and 1 (e.g. 0.95), got ${o.serviceLevel}`, {
      field: 'serviceLevel',
    });
  if (o.budget !== undefined && !(o.budget >= 0))
    throw new InputError(`plan: budget must be ≥ 0, got ${o.budget}`, { field: 'budget' });
  const model = o.model ?? 'auto';
  if (model === 'global' || model === 'ensemble')
    throw new InputError(
      `plan: model ${model} is not supported by plan yet; forecastWorkspace ('shopcast forecast --model ${model}') ` +
        `gives its forecasts, and plan takes auto or a statistical model (${Object.keys(MODELS).join(', ')})`,
      { field: 'model' },
    );
  checkModelName('plan', model);
  checkOutputFolder(o.out);
  return { horizon, model };
}

/**
 * Refuses, before anything is forecast, a history the plan cannot work from: less than one complete
 * Monday–Sunday week (the life cycle and the report read weekly demand), or a horizon beyond twice
 * the history (horizon-limit.ts).
 */
function checkHistory(inputs: PlanInputs, horizon: number): void {
  const { firstDay, days } = inputs.panel;
  // days from the first day to the next Monday (1970-01-01 was a Thursday)
  const toMonday = (7 - ((Math.floor(firstDay / DAY_MS) + 3) % 7)) % 7;
  if (toMonday + 7 > days)
    throw new InputError(
      `plan: the workspace has ${days} day${days === 1 ? '' : 's'} of demand (${isoDate(firstDay)} → ` +
        `${inputs.asOf}); a plan needs at least one complete Monday–Sunday week, as the life cycle and ` +
        `the report read weekly demand: ingest more sales history`,
    );
  checkHorizon('plan', horizon, days, 'day');
}

/**
 * The symbol amounts are shown with: an ISO 4217 code becomes its symbol (GBP → £, USD → $, SEK →
 * SEK), a short symbol stays as it is, none shows plain numbers.
 * @example currencySymbol('GBP') // '£'
 */
export function currencySymbol(currency: string | undefined): string {
  if (currency === undefined || currency === '') return '';
  if (/^[A-Za-z]{3}$/.test(currency)) {
    try {
      const parts = new Intl.NumberFormat('en-GB', {
        style: 'currency',
        currency: currency.toUpperCase(),
      }).formatToParts(1);
      const symbol = parts.find((p) => p.type === 'currency')?.value ?? currency.toUpperCase();
      return /^[A-Z]{3}$/.test(symbol) ? `${symbol} ` : symbol;
    } catch {
      throw new InputError(`plan: currency '${currency}' is not an ISO 4217 code`, { field: 'currency' });
    }
  }
  if (currency.length > 4 || /[<>&"'\s\d]/.test(currency))
    throw new InputError(
      `plan: currency must be an ISO 4217 code (GBP, EUR, USD…) or a short symbol, got '${currency}'`,
      { field: 'currency' },
    );
  return currency;
}

/**
 * Orders with a quantity, their units and value (unit cost × quantity), and the SKUs at risk (stock-out risk ≥ 50 %).
 */
function planTotals(orders: readonly PlanOrder[]): PlanTotals {
  const toOrder = orders.filter((r) => r.order_qty > 0);
  return {
    skusToOrder: toOrder.length,
    orderUnits: round(toOrder.reduce((a, r) => a + r.order_qty, 0)),
    orderValue: toOrder.reduce((a, r) => a + r.order_qty * r.unit_cost, 0),
    skusAtRisk: orders.filter((r) => r.stockout_risk >= 0.5).length,
  };
}
