/**
 * `shopcast plan`: from the workspace's clean demand to purchase orders. Forecast every SKU
 * (the engine's own choice per SKU), assess its life-cycle stage, turn the forecast into scenarios
 * of demand over lead time + review period, set reorder points and order-up-to levels for each
 * SKU's service level (ABC × XYZ class, or --service-level), round orders to MOQ and packs, fit
 * them into a budget, and write forecasts.csv, orders.csv, report.html and the plan tables.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InputError } from '../data/errors.js';
import { MODELS } from '../models/registry.js';
import { DAY_MS } from '../numerics/calendar.js';
import { forecastParallel } from '../engine/parallel-forecast.js';
import { makeBatch } from '../engine/series-batch.js';
import { type AbcClass, type XyzClass, DEFAULT_CLASS_SERVICE, abcClasses, demandCv, xyzClass } from '../inventory/abc-xyz.js';
import { INVENTORY_DEFAULTS, skuCosts } from '../inventory/defaults.js';
import { eoq } from '../inventory/eoq.js';
import { countAtMostSorted, protectionDemand } from '../inventory/lead-time-demand.js';
import { allocateBudget, roundOrder } from '../inventory/order-constraints.js';
import { type ScenarioTables, scenarioQuantile, scenarioTables } from '../inventory/policies.js';
import { DEFAULT_LEVELS } from '../models/contract.js';
import { mulberry32, normalSource } from '../numerics/random.js';
import type { PlanReport, PlanReportLifecycle, PlanReportSku } from '../report/plan-data.js';
import { DEFAULT_STAGE_RULES, curveSales } from '../lifecycle/stage.js';
import { renderPlanReport } from '../report/plan-report.js';
import { catalogCosts } from '../store/catalog.js';
import { cleaningReport } from '../store/cleaning-report.js';
import { type PlanForecastRow, type PlanOrderRow, type StockRow as StoredStockRow, readStockRows, storePlanRun } from '../store/plan-runs.js';
import type { Workspace } from '../store/workspace.js';
import { csvQuote } from '../data/normalise-row.js';
import { type InventoryPanel, loadInventoryPanel } from './inventory-panel.js';
import { STAGE_LETTERS, type SkuLifecycle, evidenceText, lifecycleWorkspace } from './lifecycle.js';
import { type ForecastRow, checkModelName, forecastRows, modelsUsed, writeForecasts } from './forecast-series.js';

export interface PlanOptions {
  /** days to forecast (default 28; at least lead time + review period are always forecast) */
  horizon?: number;
  /** one service level for every SKU (else the ABC × XYZ matrix) */
  serviceLevel?: number;
  /** spend at most this on the orders (unit cost × quantity) */
  budget?: number;
  /** output folder */
  out: string;
  /** forecasting model (default auto) */
  model?: string;
  /** plan as of this day (default: the last day with data) */
  asOf?: string;
  /** SKUs shown in detail in the report */
  reportSkus?: number;
  scenarios?: number;
  seed?: number;
  threads?: number;
  /** when the plan is made (for the report; default: the day after the data) */
  now?: Date;
  onProgress?: (label: string, fraction: number) => void;
}

export interface PlanOrder {
  sku: string;
  name: string;
  order_qty: number;
  order_by: string;
  cover_days: number | null;
  stockout_risk: number;
  reason: string;
  on_hand: number;
  on_order: number;
  reorder_point: number;
  order_up_to: number;
  service_level: number;
  abc: AbcClass;
  xyz: XyzClass;
  unit_cost: number;
  priority: number | null;
  supplier: string | null;
}

export interface PlanSummary {
  as_of: string;
  horizon_days: number;
  skus: number;
  skus_to_order: number;
  order_units: number;
  order_value: number;
  budget: number | null;
  skus_at_risk: number;
  assumptions: string[];
  stock_file: boolean;
  model: string;
  models_used: Record<string, number>;
  out: { forecasts: string; orders: string; report: string };
  run_id: number;
  seconds: Record<string, number>;
}

interface StockRow {
  onHand: number;
  onOrder: number;
  leadTime: number | null;
  leadTimeSd: number | null;
  unitCost: number | null;
  orderCost: number | null;
  holdingRate: number | null;
  moq: number;
  pack: number;
  supplier: string | null;
}

/** The latest stock row of each SKU, checked: a bad value names its file and line. */
async function loadStock(ws: Workspace): Promise<Map<string, StockRow>> {
  const rows = await readStockRows(ws);
  const out = new Map<string, StockRow>();
  for (const r of rows) {
    const where = `${r.path}, line ${String(r.line)}`;
    const num = (k: keyof StoredStockRow, min: number): number | null => {
      const v = r[k] as number | null;
      if (v === null) return null;
      if (!(v >= min)) throw new InputError(`${where}: ${k} must be ≥ ${min}, got ${v}`);
      return v;
    };
    const pack = num('pack_size', 0);
    if (pack === 0) throw new InputError(`${where}: pack_size must be > 0`);
    out.set(r.sku, {
      onHand: r.on_hand,
      onOrder: num('on_order', 0) ?? 0,
      leadTime: num('lead_time_days', 0),
      leadTimeSd: num('lead_time_sd_days', 0),
      unitCost: num('unit_cost', 0),
      orderCost: num('order_cost', 0),
      holdingRate: num('holding_rate', 0),
      moq: num('moq', 0) ?? 0,
      pack: pack ?? 1,
      supplier: r.supplier ?? null,
    });
  }
  return out;
}

const iso = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
const round = (x: number, d = 2): number => Math.round(x * 10 ** d) / 10 ** d;

/** Days until `stock` is used up at the forecast's daily means (the last day repeats past the horizon); null when never. */
function coverDays(stock: number, mean: Float64Array): number | null {
  if (stock <= 0) return 0;
  let left = stock;
  for (let d = 0; d < 3650; d++) {
    const m = mean[Math.min(d, mean.length - 1)]!;
    if (d >= mean.length && m <= 0) return null;
    if (left < m) return d + left / m;
    left -= m;
  }
  return null;
}

/** Sums a daily series into 7-day blocks ending at `end` (exclusive), oldest first; NaN days count as their block's known mean. */
function blocks(y: Float64Array, end: number, count: number): number[] {
  const out: number[] = [];
  for (let b = count; b >= 1; b--) {
    let s = 0;
    let k = 0;
    for (let t = end - 7 * b; t < end - 7 * (b - 1); t++) {
      if (t < 0 || !Number.isFinite(y[t]!)) continue;
      s += y[t]!;
      k++;
    }
    out.push(k === 0 ? NaN : (s * 7) / k);
  }
  return out;
}

/** Makes the plan from what the workspace holds. */
export async function planWorkspace(ws: Workspace, o: PlanOptions): Promise<PlanSummary> {
  const progress = o.onProgress ?? (() => {});
  const clock = (): number => performance.now();
  const seconds: Record<string, number> = {};
  let t = clock();
  const lap = (k: string): void => {
    seconds[k] = round((clock() - t) / 1000, 1);
    t = clock();
  };
  const horizon = o.horizon ?? 28;
  if (!Number.isInteger(horizon) || horizon < 1) throw new InputError(`plan: --horizon must be a whole number of days ≥ 1, got ${horizon}`);
  if (o.serviceLevel !== undefined && !(o.serviceLevel > 0.5 && o.serviceLevel < 1))
    throw new InputError(`plan: --service-level must be between 0.5 and 1 (e.g. 0.95), got ${o.serviceLevel}`);
  if (o.budget !== undefined && !(o.budget >= 0)) throw new InputError(`plan: --budget must be ≥ 0, got ${o.budget}`);
  const model = o.model ?? 'auto';
  if (model === 'global' || model === 'ensemble')
    throw new InputError(`plan: --model ${model} is not supported by plan yet; 'shopcast forecast --model ${model}' gives its forecasts, and plan takes auto or a statistical model (${Object.keys(MODELS).join(', ')})`);
  checkModelName('plan', model);
  const D = INVENTORY_DEFAULTS;

  progress('reading demand', 0);
  const panel: InventoryPanel = await loadInventoryPanel(ws, o.asOf === undefined ? {} : { to: o.asOf });
  const stock = await loadStock(ws);
  const catalogCost = new Map<string, number>();
  for (const [sku, cost] of await catalogCosts(ws)) catalogCost.set(sku, cost);
  const n = panel.ids.length;
  const lastDay = panel.firstDay + (panel.days - 1) * DAY_MS;
  const asOf = iso(lastDay);
  const maxLead = Math.max(D.leadTimeDays, ...[...stock.values()].map((s) => (s.leadTime ?? 0) + 3 * (s.leadTimeSd ?? 0)));
  const h = Math.max(horizon, Math.ceil(maxLead) + D.reviewDays);
  lap('read');

  progress('forecasting', 0);
  const batch = makeBatch(panel.ids, panel.clean);
  const fc = await forecastParallel(batch, { model, h, levels: DEFAULT_LEVELS, seasonLength: 7, nonNegative: true }, o.threads, (d, k) => progress('forecasting', d / k));
  mkdirSync(o.out, { recursive: true });
  const forecastsCsv = resolve(join(o.out, 'forecasts.csv'));
  const starts = panel.ids.map(() => panel.firstDay);
  const horizonFc = { ...fc, h: horizon, mean: new Float64Array(n * horizon), quantiles: new Float64Array(n * fc.levels.length * horizon) };
  for (let i = 0; i < n; i++) {
    horizonFc.mean.set(fc.mean.subarray(i * h, i * h + horizon), i * horizon);
    for (let l = 0; l < fc.levels.length; l++)
      horizonFc.quantiles.set(fc.quantiles.subarray((i * fc.levels.length + l) * h, (i * fc.levels.length + l) * h + horizon), (i * fc.levels.length + l) * horizon);
  }
  const horizonInput = { ids: panel.ids, starts, values: panel.clean, withTime: false, rejected: 0 };
  writeForecasts(forecastsCsv, horizonInput, horizonFc, 'day');
  lap('forecast');

  progress('life cycle', 0);
  const life = await lifecycleWorkspace(ws, { ...(o.asOf === undefined ? {} : { asOf: o.asOf }), store: true, series: true });
  const stageOf = new Map(life.skus.map((s) => [s.sku, s]));
  lap('lifecycle');

  progress('inventory', 0);
  // classes: revenue of the last 365 days; variability of the last 52 weekly blocks
  const revenue = Float64Array.from(panel.ids, (_, i) => {
    let units = 0;
    for (let d = Math.max(0, panel.days - 365); d < panel.days; d++) units += panel.actual[i]![d]!;
    return units * panel.price[i]!;
  });
  const abc = abcClasses(revenue);
  const xyz = panel.ids.map((_, i) => xyzClass(demandCv(blocks(panel.actual[i]!, panel.days, Math.min(52, Math.floor(panel.days / 7))).filter(Number.isFinite))));
  const uniform = mulberry32(o.seed ?? 1);
  const normal = normalSource(uniform);
  const assumptions: string[] = [];
  const used = { leadTime: 0, cost: 0, orderCost: 0, holding: 0, stock: 0 };
  const orders: PlanOrder[] = [];
  const perSku: { tables: ScenarioTables; mean: Float64Array; leadTime: number; position: number; costs: ReturnType<typeof skuCosts>; reorder: number; upTo: number; risk: number; cover: number | null }[] = [];
  for (let i = 0; i < n; i++) {
    const sku = panel.ids[i]!;
    const st = stock.get(sku);
    if (st === undefined) used.stock++;
    if (st?.leadTime == null) used.leadTime++;
    const unitCost = st?.unitCost ?? catalogCost.get(sku);
    if (unitCost === undefined) used.cost++;
    if (st?.orderCost == null) used.orderCost++;
    if (st?.holdingRate == null) used.holding++;
    const costs = skuCosts(panel.price[i]!, { unitCost, holdingRate: st?.holdingRate ?? undefined, orderCost: st?.orderCost ?? undefined });
    const leadTime = { mean: st?.leadTime ?? D.leadTimeDays, sd: st?.leadTimeSd ?? D.leadTimeSdDays };
    const mean = fc.mean.subarray(i * h, (i + 1) * h);
    const tables = scenarioTables(
      protectionDemand(panel.clean[i]!, mean, leadTime, D.reviewDays, { scenarios: o.scenarios ?? 2000, window: 364, uniform, normal, actual: panel.actual[i]! }),
    );
    const service = o.serviceLevel ?? DEFAULT_CLASS_SERVICE[`${abc[i]!}${xyz[i]!}`];
    const onHand = st?.onHand ?? 0;
    const onOrder = st?.onOrder ?? 0;
    const position = onHand + onOrder;
    const reorder = scenarioQuantile(tables.protection.sorted, service);
    // an order lot of at least the EOQ when ordering costs make bigger, rarer orders cheaper
    const lambda = tables.cycleMean * (365 / D.reviewDays);
    const lot = lambda > 0 && costs.holdingPerUnitDay > 0 && costs.orderCost > 0 ? eoq(costs.orderCost, costs.holdingPerUnitDay * 365, lambda).q : 0;
    const upTo = reorder + Math.max(0, lot - tables.cycleMean);
    const risk = tables.protection.sorted.length === 0 ? 0 : 1 - countAtMostSorted(tables.protection.sorted, position) / tables.protection.sorted.length;
    const cover = coverDays(position, mean);
    // order by: the last day the stock left at the forecast mean still covers the lead time at the service level
    const leadQ = scenarioQuantile(tables.lead.sorted, service);
    let orderByDay = 0;
    let left = position;
    while (orderByDay < D.reviewDays && left - mean[orderByDay]! >= leadQ) left -= mean[orderByDay++]!;
    perSku.push({ tables, mean, leadTime: leadTime.mean, position, costs, reorder, upTo, risk, cover });
    if (position >= reorder && orderByDay >= D.reviewDays) continue;
    const wanted = upTo - position;
    const qty = roundOrder(wanted, st?.moq ?? 0, st?.pack ?? 1);
    if (qty <= 0) continue;
    const notes = [`stock ${round(position, 1)} (on hand + on order) is below the reorder point ${round(reorder, 1)}: ${Math.round(service * 100)} % of demand over ${Math.round(leadTime.mean)} + ${D.reviewDays} days`];
    if (upTo > reorder + 1e-9) notes.push(`lot raised to the EOQ ${Math.round(lot)}`);
    if (st !== undefined && st.moq > wanted) notes.push(`raised to the MOQ ${st.moq}`);
    else if ((st?.pack ?? 1) > 1 && qty > wanted + 1) notes.push(`rounded up to packs of ${st!.pack}`);
    const stage = stageOf.get(sku);
    if (stage !== undefined && (stage.stage === 'decline' || stage.stage === 'dormant')) notes.push(`stage ${stage.stage}: check before buying`);
    orders.push({
      sku, name: panel.names[i]!, order_qty: qty, order_by: iso(lastDay + (1 + orderByDay) * DAY_MS), cover_days: cover === null ? null : round(cover, 1),
      stockout_risk: round(risk, 3), reason: notes.join('; '), on_hand: onHand, on_order: onOrder, reorder_point: round(reorder), order_up_to: round(upTo),
      service_level: service, abc: abc[i]!, xyz: xyz[i]!, unit_cost: round(costs.unitCost, 4), priority: null, supplier: st?.supplier ?? null,
    });
  }
  const index = new Map(panel.ids.map((s, i) => [s, i]));
  if (o.budget !== undefined) {
    const items = orders.map((ord) => {
      const s = perSku[index.get(ord.sku)!]!;
      const st = stock.get(ord.sku);
      const pack = st?.pack ?? 1;
      return {
        quantity: ord.order_qty, unitCost: s.costs.unitCost, pack, firstStep: roundOrder(Math.max(st?.moq ?? 0, pack), st?.moq ?? 0, pack), position: s.position,
        shortageCost: s.costs.shortagePerUnit, holdingPerCycle: s.costs.holdingPerUnitDay * D.reviewDays, tables: s.tables,
      };
    });
    const lines = allocateBudget(items, o.budget);
    orders.forEach((ord, k) => {
      const l = lines[k]!;
      ord.priority = l.priority === 0 ? null : l.priority;
      if (l.quantity < ord.order_qty) {
        ord.reason += l.quantity === 0 ? '; deferred: over budget' : `; cut from ${ord.order_qty} to fit the budget`;
        ord.order_qty = l.quantity;
      }
    });
  }
  orders.sort((a, b) => (a.priority ?? Infinity) - (b.priority ?? Infinity) || a.order_by.localeCompare(b.order_by) || b.stockout_risk - a.stockout_risk || a.sku.localeCompare(b.sku));
  if (used.stock > 0) assumptions.push(stock.size === 0 ? 'no stock file: on hand taken as 0 for every SKU, so each order brings stock up from nothing' : `${used.stock} SKUs are not in the stock file: on hand taken as 0`);
  if (used.leadTime > 0) assumptions.push(`lead time ${D.leadTimeDays} days (default) for ${used.leadTime} SKUs`);
  assumptions.push(`review every ${D.reviewDays} days; orders cover lead time + review period`);
  if (used.cost > 0) assumptions.push(`unit cost ${Math.round(D.costShare * 100)} % of the median selling price (default) for ${used.cost} SKUs`);
  if (used.holding > 0) assumptions.push(`holding cost ${Math.round(D.holdingRate * 100)} % of unit cost a year (default) for ${used.holding} SKUs`);
  if (used.orderCost > 0) assumptions.push(`order cost ${D.orderCost} per order (default) for ${used.orderCost} SKUs`);
  assumptions.push(o.serviceLevel !== undefined ? `service level ${o.serviceLevel} for every SKU` : `service level by ABC × XYZ class: ${Object.entries(DEFAULT_CLASS_SERVICE).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  assumptions.push('stock on order is shown arriving after half the lead time');
  lap('inventory');

  progress('writing', 0);
  const ordersCsv = resolve(join(o.out, 'orders.csv'));
  const header = 'sku,name,order_qty,order_by,cover_days,stockout_risk,reason,on_hand,on_order,reorder_point,order_up_to,service_level,abc,xyz,unit_cost,priority,supplier';
  const csvLine = (r: PlanOrder): string =>
    [csvQuote(r.sku), csvQuote(r.name), r.order_qty, r.order_by, r.cover_days ?? '', r.stockout_risk, csvQuote(r.reason), r.on_hand, r.on_order, r.reorder_point, r.order_up_to, r.service_level, r.abc, r.xyz, r.unit_cost, r.priority ?? '', csvQuote(r.supplier ?? '')].join(',');
  writeFileSync(ordersCsv, [header, ...orders.map(csvLine)].join('\n') + '\n');

  const runId = await storePlan(ws, { asOf, horizon, o, assumptions, orders, forecasts: forecastRows(horizonInput, horizonFc, 'day') });
  const toOrder = orders.filter((r) => r.order_qty > 0);
  const orderValue = toOrder.reduce((a, r) => a + r.order_qty * r.unit_cost, 0);
  const atRisk = orders.filter((r) => r.stockout_risk >= 0.5).length;

  // the report: the SKUs with the most forecast revenue, with weekly history and a weekly forecast of the same engine
  const fcUnits = panel.ids.map((_, i) => {
    let u = 0;
    for (let d = 0; d < horizon; d++) u += fc.mean[i * h + d]!;
    return u;
  });
  const fcRevenue = fcUnits.map((u, i) => u * panel.price[i]!);
  const shown = panel.ids.map((_, i) => i).sort((a, b) => fcRevenue[b]! - fcRevenue[a]! || a - b).slice(0, Math.max(0, o.reportSkus ?? 20));
  const weeksAhead = Math.ceil(horizon / 7);
  const weeklyHistory = shown.map((i) => blocks(panel.clean[i]!, panel.days, Math.floor(panel.days / 7)));
  const weekly = await forecastParallel(
    makeBatch(shown.map((i) => panel.ids[i]!), weeklyHistory.map((w) => Float64Array.from(w))),
    { model, h: weeksAhead, levels: DEFAULT_LEVELS, seasonLength: 1, nonNegative: true },
    o.threads,
  );
  const orderOf = new Map(orders.map((r) => [r.sku, r]));
  const L = DEFAULT_LEVELS.length;
  const reportSkus: PlanReportSku[] = shown.map((i, k) => {
    const s = perSku[i]!;
    const sku = panel.ids[i]!;
    const ord = orderOf.get(sku);
    const st = stock.get(sku);
    const life1 = stageOf.get(sku);
    const actualWeeks = blocks(panel.actual[i]!, panel.days, 26);
    const q = (l: number, w: number): number => weekly.quantiles[(k * L + l) * weeksAhead + w]!;
    const arriveOnOrder = Math.ceil(s.leadTime / 2);
    const arriveOrder = ord === undefined ? Infinity : Math.round((Date.parse(`${ord.order_by}T00:00:00Z`) - lastDay) / DAY_MS) + s.leadTime;
    let without = st?.onHand ?? 0;
    let withOrder = without;
    const projection = Array.from({ length: horizon }, (_, d) => {
      if (d + 1 === arriveOnOrder) {
        without += st?.onOrder ?? 0;
        withOrder += st?.onOrder ?? 0;
      }
      if (d + 1 === arriveOrder) withOrder += ord!.order_qty;
      without -= s.mean[d]!;
      withOrder -= s.mean[d]!;
      return { date: iso(lastDay + (d + 1) * DAY_MS), withoutOrder: round(without), withOrder: round(withOrder) };
    });
    return {
      sku, name: panel.names[i]!, abc: abc[i]!, xyz: xyz[i]!, stage: life1?.stage ?? 'unknown', stageConfidence: life1?.confidence ?? 0,
      ...(life1?.previous_stage != null && life1.previous_stage !== life1.stage ? { stageChange: `${life1.previous_stage} → ${life1.stage}` } : {}),
      ...(life1 !== undefined ? { lifecycle: lifecycleView(life1) } : {}),
      model: fc.models[i]!,
      history: actualWeeks.map((u, w) => ({ date: iso(lastDay - (7 * (26 - w) - 1) * DAY_MS), units: Number.isFinite(u) ? round(u) : 0 })),
      forecast: Array.from({ length: weeksAhead }, (_, w) => ({
        date: iso(lastDay + (1 + 7 * w) * DAY_MS), mean: round(weekly.mean[k * weeksAhead + w]!), p05: round(q(0, w)), p25: round(q(1, w)), p50: round(q(2, w)), p75: round(q(3, w)), p95: round(q(4, w)),
      })),
      onHand: st?.onHand ?? 0, onOrder: st?.onOrder ?? 0, serviceLevel: ord?.service_level ?? o.serviceLevel ?? DEFAULT_CLASS_SERVICE[`${abc[i]!}${xyz[i]!}`],
      reorderPoint: round(s.reorder), orderUpTo: round(s.upTo), orderQty: ord?.order_qty ?? 0, orderBy: ord?.order_by ?? null,
      coverDays: s.cover ?? Infinity, stockoutRisk: round(s.risk, 3),
      reason: ord?.reason ?? 'stock covers lead time + review at the service level: no order',
      projection,
    };
  });
  const alerts: PlanReport['alerts'] = [];
  for (const r of orders.filter((x) => x.stockout_risk >= 0.5).slice(0, 15))
    alerts.push({ kind: 'stockout', sku: r.sku, message: `${r.name}: ${Math.round(r.stockout_risk * 100)} % chance of running out within lead time + review without this order; order ${r.order_qty} by ${r.order_by}` });
  for (const a of life.alerts.slice(0, 15)) alerts.push({ kind: 'stage', sku: a.sku, message: `${a.sku}: life-cycle stage changed from ${a.from} to ${a.to} (confidence ${Math.round(a.confidence * 100)} %)` });
  const deferred = orders.filter((r) => r.order_qty === 0);
  if (deferred.length > 0) alerts.push({ kind: 'budget', message: `${deferred.length} orders deferred and ${orders.filter((r) => r.reason.includes('cut from')).length} cut to stay within the budget of ${o.budget}` });
  const cleaning = await cleaningReport(ws);
  const rejected = cleaning.find((c) => c.rule === 'rejected')?.rows ?? 0;
  if (rejected > 0) alerts.push({ kind: 'data', message: `${rejected} rows of the input were rejected (file, line and reason in rejects.csv of the workspace)` });
  const stockouts = cleaning.find((c) => c.rule === 'stockouts_suspected')?.rows ?? 0;
  if (stockouts > 0) alerts.push({ kind: 'data', message: `${stockouts} SKU-days look like stock-outs (no sales where sales were near certain); their demand is treated as unknown` });
  const forecastUnits = fcUnits.reduce((a, b) => a + b, 0);
  const forecastRevenue = fcRevenue.reduce((a, b) => a + b, 0);
  const report: PlanReport = {
    title: `Purchase plan as of ${asOf}`, generatedAt: (o.now ?? new Date(lastDay + DAY_MS)).toISOString().slice(0, 16).replace('T', ' '), asOf, horizonDays: horizon, assumptions,
    totals: {
      skus: n, skusToOrder: toOrder.length, orderUnits: round(toOrder.reduce((a, r) => a + r.order_qty, 0)), orderValue: round(orderValue), budget: o.budget ?? null,
      skusAtRisk: atRisk, forecastUnits: Math.round(forecastUnits), forecastRevenue: Math.round(forecastRevenue),
    },
    alerts, cleaning: cleaning.map((c) => ({ rule: c.rule, rows: c.rows })), skus: reportSkus, currency: '£',
  };
  const reportHtml = resolve(join(o.out, 'report.html'));
  writeFileSync(reportHtml, renderPlanReport(report));
  lap('write');
  progress('done', 1);
  return {
    as_of: asOf, horizon_days: horizon, skus: n, skus_to_order: toOrder.length, order_units: report.totals.orderUnits, order_value: round(orderValue),
    budget: o.budget ?? null, skus_at_risk: atRisk, assumptions, stock_file: stock.size > 0, model, models_used: modelsUsed(fc),
    out: { forecasts: forecastsCsv, orders: ordersCsv, report: reportHtml }, run_id: runId, seconds,
  };
}

/** Stores the run, its orders and its forecasts in the workspace (plan_runs, plan_orders, plan_forecasts). */
async function storePlan(
  ws: Workspace,
  p: { asOf: string; horizon: number; o: PlanOptions; assumptions: string[]; orders: readonly PlanOrder[]; forecasts: Iterable<ForecastRow> },
): Promise<number> {
  return storePlanRun(ws, {
    asOf: p.asOf, horizon: p.horizon, model: p.o.model ?? 'auto', serviceLevel: p.o.serviceLevel ?? null, budget: p.o.budget ?? null,
    assumptions: p.assumptions,
    orders: p.orders.map((r): PlanOrderRow => [
      r.sku, r.name, r.order_qty, r.order_by, r.cover_days, r.stockout_risk, r.reason, r.on_hand, r.on_order, r.reorder_point, r.order_up_to,
      r.service_level, r.abc, r.xyz, r.unit_cost, r.priority, r.supplier === '' ? null : r.supplier,
    ]),
    forecasts: (function* () {
      for (const f of p.forecasts) yield f as PlanForecastRow;
    })(),
  });
}

const STAGE_OF_LETTER = new Map(Object.entries(STAGE_LETTERS).map(([stage, letter]) => [letter, stage]));

/** What the report shows of a SKU's life cycle: its weeks with their stages, the fitted curve, the evidence. */
function lifecycleView(l: SkuLifecycle): PlanReportLifecycle {
  const start = Date.parse(`${l.first_week}T00:00:00Z`);
  const weekDate = (t: number): string => iso(start + Math.round((t - 1) * 7) * DAY_MS); // t = 1 is the first week
  const weekly = l.weekly ?? [];
  const weeks = weekly.map((u, w) => ({ date: weekDate(w + 1), units: round(u), stage: STAGE_OF_LETTER.get(l.history[w] ?? '') ?? 'unknown' }));
  const c = l.evidence.curve;
  const finite = (t: number): boolean => Number.isFinite(t) && t < 10_000;
  return {
    weeks,
    // a curve too loose to vote is left out of the chart; the evidence text still names it
    ...(c !== undefined && c.r2 >= DEFAULT_STAGE_RULES.minCurveR2 ? {
      curve: {
        family: c.family, r2: round(c.r2, 3), values: weeks.map((_, w) => round(Math.max(0, curveSales(c, w + 1)))),
        peak: weekDate(c.peakWeek), endOfLife: finite(c.endOfLifeWeek) ? weekDate(c.endOfLifeWeek) : '',
      },
    } : {}),
    evidence: evidenceText(l),
  };
}
