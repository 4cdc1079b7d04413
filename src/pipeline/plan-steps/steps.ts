/**
 * The steps of `shopcast plan` between reading and writing: forecast every SKU, assess its life
 * cycle, decide its stock policy, fit the orders into a budget. `planWorkspace` (../plan.ts) runs
 * them in sequence.
 */
import { mkdirSync } from 'node:fs';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { join, resolve } from 'node:path';
import { DAY_MS, isoDate } from '../../numerics/calendar.js';
import type { BatchForecast } from '../../engine/forecast-batch.js';
import { closeForecastDaysInPlace, recountInPlace } from '../../engine/closed-forecast.js';
import { hashId, isCountSeries } from '../../engine/forecast-batch.js';
import { type ParallelOptions, forecastParallel } from '../../engine/parallel-forecast.js';
import type { SeriesList } from '../../engine/series-batch.js';
import { type ShardRunner, shardLabel, shareRanges } from '../../engine/shards.js';
import {
  type AbcClass,
  type XyzClass,
  DEFAULT_CLASS_SERVICE,
  abcClasses,
  demandCv,
  xyzClass,
} from '../../inventory/abc-xyz.js';
import { INVENTORY_DEFAULTS, type SkuCosts, skuCosts } from '../../inventory/defaults.js';
import { holdBack } from '../../inventory/hold-back.js';
import { allocateBudget, roundOrder } from '../../inventory/order-constraints.js';
import { seasonEndDay } from '../../inventory/season-end.js';
import type { ScenarioTables } from '../../inventory/policies.js';
import { type StockDecision, stockPolicy, stockScenarios } from '../../inventory/stock-policy.js';
import { DEFAULT_LEVELS } from '../../models/contract.js';
import { mulberry32, normalSource } from '../../numerics/random.js';
import type { Workspace } from '../../store/workspace.js';
import { type ForecastRow, forecastRows, writeForecasts } from '../forecast-series.js';
import { type LifecycleResult, type SkuLifecycle, lifecycleWorkspace } from '../lifecycle.js';
import type { ReadPanel } from '../forecast-workspace.js';
import type { PlanOptions, PlanOrder } from '../plan.js';
import { blocks, round } from './format.js';
import { type PlanInputs, type StockRow, skuSupply, sliceInputs } from './read.js';
import { firstSteps, quantileIndex, quantileRow } from '../../engine/quantile-view.js';
import { FORECAST_RUN_LEVELS } from '../../store/forecast-runs.js';
import type { InventoryPanel } from '../inventory-panel.js';
import { DEMAND_AUTO } from '../../engine/auto-choice.js';

type Progress = (label: string, fraction: number) => void;

/**
 * The quantile levels the plan and a live refresh forecast at: the 0.5/5/25/50/75/95/99.5 % quantiles that a stored
 * forecast run keeps (store/forecast-runs.ts; the monitoring reads the 99 % band). forecasts.csv shows the five
 * DEFAULT_LEVELS of them.
 */
export const PLAN_LEVELS: readonly number[] = FORECAST_RUN_LEVELS;

/** How `forecastPanel` fits: threads, progress, and the engine's worker options (a pool, fit off the main thread). */
export interface PanelForecastOptions {
  model: string;
  /** days to forecast */
  h: number;
  threads: number | undefined;
  progress?: Progress;
  parallel?: ParallelOptions;
  /** per SKU, the state stored by an earlier forecast to resume from (null: none): `BatchForecast.states` */
  states?: (Uint8Array | null)[];
  /** give each SKU's resumable state in the result (`BatchForecast.states`) */
  keepStates?: boolean;
}

/**
 * Forecasts every SKU of the panel `h` days ahead at PLAN_LEVELS. Days the shop is known to be closed (`panel.closed`
 * past the last day) get zero, their demand carried by the open days of the same week
 * (engine/closed-forecast.ts); count series then get whole-unit quantiles. Each SKU's forecast depends on its own
 * series and the shop's calendar only, so a panel of a few SKUs gives them what the whole panel gives them: the plan
 * and a live refresh (pipeline/refresh.ts) both forecast through here.
 */
export async function forecastPanel(panel: InventoryPanel, p: PanelForecastOptions): Promise<BatchForecast> {
  const { h } = p;
  // the series as they are, copied flat a chunk at a time as the workers take them (not the whole panel at once)
  const batch: SeriesList = {
    ids: panel.ids,
    series: panel.clean,
    ...(p.states === undefined ? {} : { states: p.states }),
  };
  const fc = await forecastParallel(
    batch,
    {
      model: p.model,
      h,
      levels: PLAN_LEVELS,
      seasonLength: 7,
      nonNegative: true,
      keepStates: p.keepStates === true,
      auto: DEMAND_AUTO,
    },
    p.threads,
    (d, k) => p.progress?.('forecasting', d / k),
    p.parallel,
  );
  const future = panel.closed.subarray(panel.days, panel.days + h);
  const masks = panel.ids.map(() => future);
  const counts = panel.clean.map(isCountSeries);
  // a few SKUs at a time, the event loop running in between (a service answers requests on this thread); each slice
  // touches its own SKUs only (walking every SKU's mask and count flag for each slice was quadratic: 36 s of the
  // 100,000-SKU plan)
  for (let from = 0; from < panel.ids.length; from += ADJUST_SLICE) {
    const to = Math.min(panel.ids.length, from + ADJUST_SLICE);
    closeForecastDaysInPlace(fc, masks, panel.firstDay + panel.days * DAY_MS, from, to);
    // demand is counts: whole-unit quantiles, computed after closed days moved demand onto open days
    recountInPlace(fc, counts, from, to);
    await yieldToLoop();
  }
  return fc;
}

/** SKUs per slice of `forecastPanel`'s closed-day and count adjustments. */
const ADJUST_SLICE = 8;

/**
 * The forecast at some of its levels only (each one of `fc.levels`), as a new forecast: forecasts.csv shows the five
 * DEFAULT_LEVELS of the plan's seven. O(size of the result).
 * @example keepLevels(fc, [0.05, 0.95]).levels // [0.05, 0.95]
 */
export function keepLevels(fc: BatchForecast, levels: readonly number[]): BatchForecast {
  const idx = levels.map((l) => {
    const k = fc.levels.indexOf(l);
    if (k < 0) throw new RangeError(`keepLevels: level ${l} is not among the forecast's ${fc.levels.join(', ')}`);
    return k;
  });
  const series = fc.h === 0 ? 0 : fc.mean.length / fc.h;
  const out: BatchForecast = { ...fc, levels: [...levels], quantiles: new Float64Array(series * levels.length * fc.h) };
  for (let i = 0; i < series; i++)
    idx.forEach((k, l) => out.quantiles.set(quantileRow(fc, i, k), quantileIndex(out, i, l, 0)));
  return out;
}

/**
 * Forecasts every SKU `h` days ahead (`forecastPanel`) and writes the first `horizon` days to forecasts.csv in the
 * output folder, at the five DEFAULT_LEVELS.
 */
export async function forecastStep(
  inputs: PlanInputs,
  p: {
    model: string;
    horizon: number;
    out: string;
    threads: number | undefined;
    shards?: ShardRunner | undefined;
    progress: Progress;
  },
): Promise<{ fc: BatchForecast; forecastsCsv: string; forecastRows: () => Iterable<ForecastRow> }> {
  const { panel, h } = inputs;
  const { horizon } = p;
  const fc = await forecastPanel(panel, {
    model: p.model,
    h,
    threads: p.threads,
    progress: p.progress,
    keepStates: true,
    ...(p.shards === undefined ? {} : { parallel: { shards: p.shards } }),
  });
  mkdirSync(p.out, { recursive: true });
  const forecastsCsv = resolve(join(p.out, 'forecasts.csv'));
  const starts = panel.ids.map(() => panel.firstDay);
  const horizonFc = keepLevels(firstSteps(fc, horizon), DEFAULT_LEVELS);
  const input = { ids: panel.ids, starts, values: panel.clean, withTime: false, rejected: 0 };
  writeForecasts(forecastsCsv, input, horizonFc, 'day');
  // the stored rows are dated from the series' lengths, kept apart: the plan releases most series before it stores
  // (releaseSeries)
  const dates = { ...input, values: panel.clean.map((c) => ({ length: c.length })) };
  return { fc, forecastsCsv, forecastRows: () => forecastRows(dates, horizonFc, 'day') };
}

/**
 * Each SKU's life-cycle stage (stored in the workspace), with the weekly series of the SKUs the report shows
 * (`reportChoice`).
 */
export async function lifecycleStep(
  ws: Workspace,
  asOf: string | undefined,
  shown: readonly string[],
  threads?: number,
  shards?: ShardRunner,
  /** the plan's daily panel, read up to the same `asOf`: the life cycle's weeks are made from it, not read again */
  panel?: ReadPanel,
): Promise<{ life: LifecycleResult; stageOf: Map<string, SkuLifecycle> }> {
  const life = await lifecycleWorkspace(ws, {
    ...(asOf === undefined ? {} : { asOf }),
    ...(panel === undefined ? {} : { panel }),
    ...(threads === undefined ? {} : { threads }),
    ...(shards === undefined ? {} : { shards }),
    store: true,
    series: shown,
  });
  return { life, stageOf: new Map(life.skus.map((s) => [s.sku, s])) };
}

/** One SKU's policy inputs and decision, kept for the budget and the report. */
export interface SkuPolicy {
  /**
   * the sorted demand scenarios, which only the budget reads: `policyStep` keeps them only for a SKU with an order
   * line when the plan has a budget (4 × 2,000 numbers a SKU: 6 GB at 100,000 SKUs)
   */
  tables?: ScenarioTables | undefined;
  /** the forecast's daily means, `h` days */
  mean: Float64Array;
  /** mean lead time and review period, days */
  leadTime: number;
  reviewDays: number;
  position: number;
  /** the supplier (the stock row's, else the catalog's; null: none) */
  supplier: string | null;
  /** why no order may be placed (archived, a draft, discontinued); null when it may */
  retired: string | null;
  costs: SkuCosts;
  decision: StockDecision;
  /**
   * expected revenue lost before the next possible delivery (an order placed today): the decision's
   * `shortBeforeArrival` × the selling price, whether or not the SKU has an order line (for ranking alerts)
   */
  lostRevenue: number;
  /** days from the first forecast day to the season's end of a seasonal product; null when none is known */
  seasonEndDay: number | null;
  /** the order line (null: nothing to order); the budget step may cut it afterwards */
  order: PlanOrder | null;
  /** stock (on hand + on order) runs out at the forecast's means before an order placed today arrives */
  expedite: boolean;
  /** the day it runs out at the forecast's means, `YYYY-MM-DD` (null: it does not) */
  stockoutDate: string | null;
  /** whether the SKU has a row in the stock snapshot (else on hand is unknown, taken as 0) */
  stockKnown: boolean;
  abc: AbcClass;
  xyz: XyzClass;
  /** the life-cycle stage the policy took (null: unknown) */
  stage: string | null;
  /** units sold over the last 365 days × the median selling price (what ABC ranks) */
  revenue365: number;
}

/** A SKU's policy without its scenario tables: what the state tables store (a live refresh's worker sends it back). */
export type PolicyOutcome = Omit<SkuPolicy, 'tables'>;

/** How many SKUs took each default (for the plan's assumptions). */
export interface DefaultsUsed {
  leadTime: number;
  cost: number;
  orderCost: number;
  holding: number;
  stock: number;
}

export interface PolicyResult {
  /** one order line per SKU with something to order, in SKU order */
  orders: PlanOrder[];
  /** every SKU's policy, in panel order */
  perSku: SkuPolicy[];
  abc: AbcClass[];
  xyz: XyzClass[];
  used: DefaultsUsed;
}

/** The options a SKU's policy reads: service level, scenarios and their seed, full EOQ lots. */
export type PolicyOptions = Pick<PlanOptions, 'serviceLevel' | 'scenarios' | 'seed' | 'fullLots'>;

/** Units sold over the panel's last 365 days × the median selling price: what ABC ranks. */
export function revenue365(panel: InventoryPanel, i: number): number {
  let units = 0;
  for (let d = Math.max(0, panel.days - 365); d < panel.days; d++) units += panel.actual[i]![d]!;
  return units * panel.price[i]!;
}

/** The XYZ class of SKU i by the variability of its last 52 weekly blocks. */
export function xyzOf(panel: InventoryPanel, i: number): XyzClass {
  return xyzClass(
    demandCv(blocks(panel.actual[i]!, panel.days, Math.min(52, Math.floor(panel.days / 7))).filter(Number.isFinite)),
  );
}

/**
 * The random numbers of SKU `sku`'s demand scenarios: its own stream, seeded by the plan's seed and the SKU, so that
 * a SKU's policy does not depend on which other SKUs are planned with it (a live refresh of a few SKUs gives what the
 * whole plan gives them).
 */
function skuRandom(seed: number, sku: string): { uniform: () => number; normal: () => number } {
  const uniform = mulberry32((seed ^ hashId(sku)) >>> 0);
  return { uniform, normal: normalSource(uniform) };
}

/**
 * SKU i's stock policy (src/inventory/stock-policy.ts) at its class's service level: demand scenarios over lead time
 * + review period from its forecast and history, reorder point, order-up-to level, the order with its reason when
 * one is due, whether stock runs out before an order placed today could arrive. A pure function of the SKU's
 * series, forecast, stock row, classes and stage: the plan calls it for every SKU, a live refresh for a few.
 */
export function skuPolicy(
  inputs: PlanInputs,
  fc: BatchForecast,
  i: number,
  classes: { abc: AbcClass; xyz: XyzClass; stage: string | null; revenue365: number },
  o: PolicyOptions,
): SkuPolicy {
  const D = INVENTORY_DEFAULTS;
  const { panel, stock, catalogCost, lastDay, h } = inputs;
  const sku = panel.ids[i]!;
  const st = stock.get(sku);
  // the supplier's terms where the stock row gives none
  const { supplier, terms, moq, retired } = skuSupply(inputs, sku, inputs.asOf);
  const costs = skuCosts(panel.price[i]!, {
    unitCost: st?.unitCost ?? catalogCost.get(sku),
    holdingRate: st?.holdingRate ?? undefined,
    orderCost: st?.orderCost ?? terms?.orderCost ?? undefined,
  });
  const leadTime = {
    mean: st?.leadTime ?? terms?.leadTime ?? D.leadTimeDays,
    sd: st?.leadTimeSd ?? terms?.leadTimeSd ?? D.leadTimeSdDays,
  };
  const reviewDays = terms?.reviewDays ?? D.reviewDays;
  const mean = fc.mean.subarray(i * h, (i + 1) * h);
  const { uniform, normal } = skuRandom(o.seed ?? 1, sku);
  // the clean (capped) history only: one absurd line (an outlier cleaning capped) must not become an absurd order
  const tables = stockScenarios({
    history: panel.clean[i]!,
    mean,
    leadTime,
    reviewDays,
    scenarios: o.scenarios ?? 2000,
    uniform,
    normal,
  });
  const { abc, xyz } = classes;
  const service = o.serviceLevel ?? DEFAULT_CLASS_SERVICE[`${abc}${xyz}`];
  const onHand = st?.onHand ?? 0;
  const onOrder = st?.onOrder ?? 0;
  const position = onHand + onOrder;
  const pack = st?.pack ?? 1;
  const seasonEnd = o.fullLots === true ? null : seasonEndDay(panel.clean[i]!);
  const d = stockPolicy({
    scenarios: tables,
    mean,
    serviceLevel: service,
    position,
    reviewDays,
    costs,
    moq,
    pack,
    ...(seasonEnd === null ? {} : { seasonDemand: demandUntil(mean, seasonEnd) }),
  });
  const lostUnits = d.shortBeforeArrival;
  const lostRevenue = lostUnits * panel.price[i]!;
  const arrival = leadTime.mean;
  const stockoutDay = d.coverDays === null ? null : Math.floor(d.coverDays);
  const expedite = stockoutDay !== null && stockoutDay < arrival;
  const policy: SkuPolicy = {
    tables,
    mean,
    leadTime: leadTime.mean,
    reviewDays,
    position,
    supplier,
    retired,
    costs,
    decision: d,
    lostRevenue,
    seasonEndDay: seasonEnd,
    order: null,
    expedite,
    stockoutDate: stockoutDay === null ? null : isoDate(lastDay + (1 + stockoutDay) * DAY_MS),
    stockKnown: st !== undefined,
    abc,
    xyz,
    stage: classes.stage,
    revenue365: classes.revenue365,
  };
  // a discontinued or unlaunched product is not bought (its stock policy stays: alerts, the report)
  if (d.quantity <= 0 || retired !== null) return policy;
  // the quantity wanted (before the supplier's MOQ and packs) against the history and the forecast's next 28 days
  const hold = holdBack(d.wanted, panel.clean[i]!, D.holdBackFactor, demandUntil(mean, 28));
  const notes = [
    `stock ${round(position, 1)} (on hand + on order) is below the reorder ` +
      `point ${round(d.reorderPoint, 1)}: ${Math.round(service * 100)} % of demand ` +
      `over ${Math.round(leadTime.mean)} + ${reviewDays} days`,
  ];
  if (d.raised.toEoq && !d.seasonCapped) notes.push(`lot raised to the EOQ ${Math.round(d.lot)}`);
  if (d.seasonCapped)
    notes.push(
      `EOQ lot ${Math.round(d.lot)} cut: the season ends in ${seasonEnd} days, with ` +
        `${Math.round(demandUntil(mean, seasonEnd!))} units forecast until then`,
    );
  if (d.raised.toMoq) notes.push(`raised to the MOQ ${moq}`);
  else if (d.raised.toPacks) notes.push(`rounded up to packs of ${pack}`);
  if (classes.stage === 'decline' || classes.stage === 'dormant')
    notes.push(`stage ${classes.stage}: check before buying`);
  if (expedite)
    notes.push(
      `expedite: stock runs out in ${stockoutDay} days, before an order placed today arrives in ` +
        `${Math.round(arrival)}; about ${round(lostUnits, 1)} units lost meanwhile`,
    );
  if (hold.held)
    notes.push(
      `held back: ${Math.ceil(d.wanted)} units is more than ${D.holdBackFactor}× its largest 28 days of demand ` +
        `(history or forecast; limit ${round(hold.limit, 1)}); check the data and costs before ordering`,
    );
  policy.order = {
    sku,
    name: panel.names[i]!,
    order_qty: hold.held ? 0 : d.quantity,
    order_by: isoDate(lastDay + (1 + openDayOnOrBefore(panel.closed, panel.days, d.orderByDay)) * DAY_MS),
    cover_days: d.coverDays === null ? null : round(d.coverDays, 1),
    stockout_risk: round(d.stockoutRisk, 3),
    reason: notes.join('; '),
    on_hand: onHand,
    on_order: onOrder,
    reorder_point: round(d.reorderPoint),
    order_up_to: round(d.orderUpTo),
    service_level: service,
    abc,
    xyz,
    unit_cost: round(costs.unitCost, 4),
    priority: null,
    supplier,
    stockout_date: stockoutDay === null || stockoutDay >= arrival + reviewDays ? null : policy.stockoutDate,
    lost_units: round(lostUnits, 1),
    lost_revenue: round(lostRevenue, 2),
    expedite,
    held_back: hold.held,
  };
  return policy;
}

/**
 * Classifies the SKUs (ABC by revenue of the last 365 days, XYZ by variability of the last 52
 * weekly blocks) and decides each SKU's stock policy (`skuPolicy`); SKUs with something to order get an order line
 * with its reason.
 */
export function policyStep(
  inputs: PlanInputs,
  fc: BatchForecast,
  stageOf: Map<string, SkuLifecycle>,
  o: PlanOptions,
): PolicyResult {
  const c = policyClasses(inputs, stageOf);
  const perSku = inputs.panel.ids.map((_, i) => keptForBudget(skuPolicy(inputs, fc, i, c.classes[i]!, o), o));
  return policyResult(inputs, perSku, c);
}

/**
 * `policyStep` with the SKUs' policies computed as shards on `runner` (`plan --redis`): each shard carries its SKUs'
 * inputs and forecast means only (`sliceInputs`), and `skuPolicy` gives each SKU what it gives it in one process.
 */
export async function policyStepSharded(
  inputs: PlanInputs,
  fc: BatchForecast,
  stageOf: Map<string, SkuLifecycle>,
  o: PlanOptions,
  runner: ShardRunner,
): Promise<PolicyResult> {
  const c = policyClasses(inputs, stageOf);
  const { panel, h } = inputs;
  const ranges = shareRanges(panel.ids.length, await runner.shardShares('policy', panel.ids.length));
  const policy: PolicyOptions & { budget?: number } = {
    ...(o.serviceLevel === undefined ? {} : { serviceLevel: o.serviceLevel }),
    ...(o.scenarios === undefined ? {} : { scenarios: o.scenarios }),
    ...(o.seed === undefined ? {} : { seed: o.seed }),
    ...(o.fullLots === undefined ? {} : { fullLots: o.fullLots }),
    ...(o.budget === undefined ? {} : { budget: o.budget }),
  };
  const tasks = ranges.map(([from, to]): PolicyShard => ({
    inputs: sliceInputs(inputs, from, to),
    mean: fc.mean.slice(from * h, to * h),
    classes: c.classes.slice(from, to),
    policy,
  }));
  const parts = await runner.run<SkuPolicy[]>(
    'policy',
    tasks,
    ranges.map(([from, to]) => shardLabel(panel.ids.slice(from, to))),
  );
  return policyResult(inputs, parts.flat(), c);
}

/** A shard of `policyStepSharded`: its SKUs' inputs, their forecast means (h a SKU), classes and the options. */
export interface PolicyShard {
  inputs: PlanInputs;
  mean: Float64Array;
  classes: SkuClasses[];
  policy: PolicyOptions & { budget?: number };
}

/**
 * The policies of a shard's SKUs (what a worker runs for a `policy` shard): `skuPolicy` on the shard's inputs, with the
 * scenario tables kept only where the budget reads them.
 * @example policyShard({ inputs, mean, classes, policy: {} })[0].decision
 */
export function policyShard(t: PolicyShard): SkuPolicy[] {
  const { h } = t.inputs;
  const fc: BatchForecast = { h, levels: [], mean: t.mean, quantiles: new Float64Array(0), models: [], fallbacks: [] };
  return t.inputs.panel.ids.map((_, i) => keptForBudget(skuPolicy(t.inputs, fc, i, t.classes[i]!, t.policy), t.policy));
}

/** A SKU's classes for its policy. */
export interface SkuClasses {
  abc: AbcClass;
  xyz: XyzClass;
  stage: string | null;
  revenue365: number;
}

/** Every SKU's ABC (by revenue over the last 365 days), XYZ and life-cycle stage. */
function policyClasses(
  inputs: PlanInputs,
  stageOf: Map<string, SkuLifecycle>,
): { abc: AbcClass[]; xyz: XyzClass[]; classes: SkuClasses[] } {
  const { panel } = inputs;
  const revenue = Float64Array.from(panel.ids, (_, i) => revenue365(panel, i));
  const abc = abcClasses(revenue);
  const xyz = panel.ids.map((_, i) => xyzOf(panel, i));
  const classes = panel.ids.map((sku, i) => ({
    abc: abc[i]!,
    xyz: xyz[i]!,
    stage: stageOf.get(sku)?.stage ?? null,
    revenue365: revenue[i]!,
  }));
  return { abc, xyz, classes };
}

/**
 * The policy with its scenario tables only where the budget reads them (an order line, a budget given): 4 × 2,000
 * numbers a SKU otherwise held for nothing.
 */
function keptForBudget(s: SkuPolicy, o: { budget?: number | undefined }): SkuPolicy {
  if (o.budget === undefined || s.order === null) delete s.tables;
  return s;
}

/** The orders, classes and defaults taken, from every SKU's policy (in panel order). */
function policyResult(inputs: PlanInputs, perSku: SkuPolicy[], c: { abc: AbcClass[]; xyz: XyzClass[] }): PolicyResult {
  const { panel, stock, catalogCost } = inputs;
  const used: DefaultsUsed = { leadTime: 0, cost: 0, orderCost: 0, holding: 0, stock: 0 };
  const orders: PlanOrder[] = [];
  panel.ids.forEach((sku, i) => {
    const st = stock.get(sku);
    const { terms } = skuSupply(inputs, sku, inputs.asOf);
    if (st === undefined) used.stock++;
    if (st?.leadTime == null && terms?.leadTime == null) used.leadTime++;
    if ((st?.unitCost ?? catalogCost.get(sku)) === undefined) used.cost++;
    if (st?.orderCost == null && terms?.orderCost == null) used.orderCost++;
    if (st?.holdingRate == null) used.holding++;
    const order = perSku[i]!.order;
    if (order !== null) orders.push(order);
  });
  return { orders, perSku, abc: c.abc, xyz: c.xyz, used };
}

/** Forecast demand over the first `days` days (the last day repeats past the horizon). */
function demandUntil(mean: Float64Array, days: number): number {
  let s = 0;
  for (let d = 0; d < days; d++) s += mean[Math.min(d, mean.length - 1)]!;
  return s;
}

/**
 * The latest day on or before forecast day `day` (0: the first day after the data) the shop is open, by the panel's
 * closed days (1: closed; index `days` is forecast day 0); when none is, the first open day after `day` (an order
 * cannot be placed on a day the shop does not work, and no demand is lost on its closed days before it).
 * @example openDayOnOrBefore(Float64Array.of(0, 0, 0, 1, 1), 2, 2) // 0: forecast days 1 and 2 are closed
 */
export function openDayOnOrBefore(closed: Float64Array | undefined, days: number, day: number): number {
  if (closed === undefined) return day;
  for (let d = day; d >= 0; d--) if (closed[days + d] !== 1) return d;
  for (let d = day + 1; days + d < closed.length; d++) if (closed[days + d] !== 1) return d;
  return day;
}

/**
 * Fits the orders into `budget` (in place): the most valuable packs first (allocateBudget), each
 * order cut or deferred with the reason saying so, and numbered by its priority.
 */
export function budgetStep(
  orders: PlanOrder[],
  perSku: readonly SkuPolicy[],
  ids: readonly string[],
  stock: Map<string, StockRow>,
  budget: number,
): void {
  const index = new Map(ids.map((s, i) => [s, i]));
  const items = orders.map((ord) => {
    const s = perSku[index.get(ord.sku)!]!;
    const st = stock.get(ord.sku);
    const pack = st?.pack ?? 1;
    return {
      quantity: ord.order_qty,
      unitCost: s.costs.unitCost,
      pack,
      firstStep: roundOrder(Math.max(st?.moq ?? 0, pack), st?.moq ?? 0, pack),
      position: s.position,
      shortageCost: s.costs.shortagePerUnit,
      holdingPerCycle: s.costs.holdingPerUnitDay * s.reviewDays,
      tables: s.tables!, // kept by policyStep for every SKU with an order line when there is a budget
    };
  });
  const lines = allocateBudget(items, budget);
  orders.forEach((ord, k) => {
    const l = lines[k]!;
    ord.priority = l.priority === 0 ? null : l.priority;
    if (l.quantity < ord.order_qty) {
      ord.reason += l.quantity === 0 ? '; deferred: over budget' : `; cut from ${ord.order_qty} to fit the budget`;
      ord.order_qty = l.quantity;
    }
  });
}

/**
 * The purchase list's order (in place): by budget priority, then the order-by day, the risk (highest first) and the
 * SKU.
 */
export function sortOrders(orders: PlanOrder[]): void {
  orders.sort(
    (a, b) =>
      (a.priority ?? Infinity) - (b.priority ?? Infinity) ||
      a.order_by.localeCompare(b.order_by) ||
      b.stockout_risk - a.stockout_risk ||
      a.sku.localeCompare(b.sku),
  );
}

/** The assumptions the plan states: every default it took, and for how many SKUs. */
export function planAssumptions(
  used: DefaultsUsed,
  stockRows: number,
  serviceLevel: number | undefined,
  fullLots = false,
): string[] {
  const D = INVENTORY_DEFAULTS;
  const assumptions: string[] = [];
  if (used.stock > 0)
    assumptions.push(
      stockRows === 0
        ? 'no stock file: on hand taken as 0 for every SKU, so each order brings stock up from nothing'
        : `${used.stock} SKUs are not in the stock file: on hand taken as 0`,
    );
  if (used.leadTime > 0) assumptions.push(`lead time ${D.leadTimeDays} days (default) for ${used.leadTime} SKUs`);
  assumptions.push(`review every ${D.reviewDays} days; orders cover lead time + review period`);
  if (used.cost > 0)
    assumptions.push(
      `unit cost ${Math.round(D.costShare * 100)} % of the median selling price (default) for ${used.cost} SKUs`,
    );
  if (used.holding > 0)
    assumptions.push(
      `holding cost ${Math.round(D.holdingRate * 100)} % of unit cost a year (default) for ${used.holding} SKUs`,
    );
  if (used.orderCost > 0) assumptions.push(`order cost ${D.orderCost} per order (default) for ${used.orderCost} SKUs`);
  assumptions.push(
    serviceLevel !== undefined
      ? `service level ${serviceLevel} for every SKU`
      : `service level by ABC × XYZ class: ${Object.entries(DEFAULT_CLASS_SERVICE)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')}`,
  );
  assumptions.push('stock on order is shown arriving after half the lead time');
  assumptions.push(
    `an order over ${D.holdBackFactor}× a product's largest 28 days of demand (history or forecast) is held back ` +
      `for a check`,
  );
  if (!fullLots)
    assumptions.push(
      'a seasonal product (by its sales a year earlier) gets no EOQ lot beyond the demand forecast until its ' +
        'season ends',
    );
  return assumptions;
}
