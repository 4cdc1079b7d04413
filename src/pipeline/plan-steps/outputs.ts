/** What `shopcast plan` writes to its output folder: orders.csv and report.html. */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { csvField } from '../../data/csv-format.js';
import { DAY_MS, dayMs, isoDate } from '../../numerics/calendar.js';
import type { BatchForecast } from '../../engine/forecast-batch.js';
import { forecastParallel } from '../../engine/parallel-forecast.js';
import { makeBatch } from '../../engine/series-batch.js';
import { type AbcClass, type XyzClass, DEFAULT_CLASS_SERVICE } from '../../inventory/abc-xyz.js';
import { DEFAULT_LEVELS } from '../../models/contract.js';
import type {
  PlanReport,
  PlanReportAlert,
  PlanReportLifecycle,
  PlanReportOrder,
  PlanReportSku,
} from '../../report/plan-data.js';
import { DEFAULT_STAGE_RULES, curveSales } from '../../lifecycle/stage.js';
import { renderPlanReport } from '../../report/plan-report.js';
import { orderWhy } from '../../report/order-words.js';
import { formatDate, formatDays, formatNumber } from '../../report/format.js';
import { cleaningReport } from '../../store/cleaning-report.js';
import type { Workspace } from '../../store/workspace.js';
import { type LifecycleResult, STAGE_LETTERS, type SkuLifecycle, evidenceText } from '../lifecycle.js';
import type { PlanOptions, PlanOrder } from '../plan.js';
import { blocks, round } from './format.js';
import type { PlanInputs } from './read.js';
import type { SkuPolicy } from './steps.js';
import { type NetworkPlan, purchaseOrders } from '../../inventory/network.js';
import type { PlanReportNetwork } from '../../report/plan-data.js';
import { quantileAt, seriesMean } from '../../engine/quantile-view.js';
import { ORDER_COLUMNS, orderRow } from './store.js';
import { DEMAND_AUTO } from '../../engine/auto-choice.js';

/**
 * Writes the order lines to orders.csv in `out` (text cells quoted), with a last column `why`: what
 * to do and why in a merchant's words (amounts in `currency`); returns its absolute path.
 */
export function writeOrdersCsv(out: string, orders: readonly PlanOrder[], currency = ''): string {
  const ordersCsv = resolve(join(out, 'orders.csv'));
  const header = [...ORDER_COLUMNS, 'why'].join(',');
  const csvLine = (r: PlanOrder): string => [...orderRow(r), orderWhy(r, currency)].map(csvField).join(',');
  writeFileSync(ordersCsv, [header, ...orders.map(csvLine)].join('\n') + '\n');
  return ordersCsv;
}

/** The plan's totals that both the report and the summary give. */
export interface PlanTotals {
  skusToOrder: number;
  orderUnits: number;
  orderValue: number;
  skusAtRisk: number;
}

/** The report's SKUs (panel indices, most forecast revenue first) and every SKU's forecast units and revenue. */
export interface ReportChoice {
  fcUnits: number[];
  fcRevenue: number[];
  shown: number[];
}

/**
 * The SKUs the report shows in detail: the `reportSkus` (default 20) with the most forecast revenue over the horizon
 * (units × median price), ties in panel order; with each SKU's forecast units and revenue. Known once the forecast is
 * made, so the life-cycle step keeps the weekly series of these SKUs only.
 * @example reportChoice(inputs.panel, fc, 28, 20).shown // panel indices, most forecast revenue first
 */
export function reportChoice(
  panel: PlanInputs['panel'],
  fc: BatchForecast,
  horizon: number,
  reportSkus: number | undefined,
): ReportChoice {
  const fcUnits = panel.ids.map((_, i) => {
    let u = 0;
    const mean = seriesMean(fc, i);
    for (let d = 0; d < horizon; d++) u += mean[d]!;
    return u;
  });
  const fcRevenue = fcUnits.map((u, i) => u * panel.price[i]!);
  const shown = panel.ids
    .map((_, i) => i)
    .sort((a, b) => fcRevenue[b]! - fcRevenue[a]! || a - b)
    .slice(0, Math.max(0, reportSkus ?? 20));
  return { fcUnits, fcRevenue, shown };
}

/**
 * Writes report.html: the SKUs with the most forecast revenue, with weekly history and a weekly
 * forecast of the same engine, their stock projection and life cycle; alerts; cleaning counts.
 * Returns its absolute path.
 */
export async function reportStep(
  ws: Workspace,
  p: {
    inputs: PlanInputs;
    fc: BatchForecast;
    model: string;
    horizon: number;
    orders: readonly PlanOrder[];
    perSku: readonly SkuPolicy[];
    abc: readonly AbcClass[];
    xyz: readonly XyzClass[];
    life: LifecycleResult;
    stageOf: Map<string, SkuLifecycle>;
    /** the SKUs shown (`reportChoice`: the plan chose them after the forecast and kept their series) */
    choice: ReportChoice;
    assumptions: string[];
    totals: PlanTotals;
    o: PlanOptions;
    currency: string;
    network?: NetworkPlan;
  },
): Promise<string> {
  const {
    inputs: { panel, stock, lastDay, asOf },
    fc,
    model,
    horizon,
    orders,
    perSku,
    abc,
    xyz,
    life,
    stageOf,
    assumptions,
    totals,
    o,
  } = p;
  const n = panel.ids.length;
  const { fcUnits, fcRevenue, shown } = p.choice;
  const weeksAhead = Math.ceil(horizon / 7);
  const weeklyHistory = shown.map((i) => blocks(panel.clean[i]!, panel.days, Math.floor(panel.days / 7)));
  const weekly = await forecastParallel(
    makeBatch(
      shown.map((i) => panel.ids[i]!),
      weeklyHistory.map((w) => Float64Array.from(w)),
    ),
    { model, h: weeksAhead, levels: DEFAULT_LEVELS, seasonLength: 1, nonNegative: true, auto: DEMAND_AUTO },
    o.threads,
  );
  const orderOf = new Map(orders.map((r) => [r.sku, r]));
  const reportSkus: PlanReportSku[] = shown.map((i, k) => {
    const s = perSku[i]!;
    const sku = panel.ids[i]!;
    const ord = orderOf.get(sku);
    const st = stock.get(sku);
    const life1 = stageOf.get(sku);
    const actualWeeks = blocks(panel.actual[i]!, panel.days, 26);
    const q = (l: number, w: number): number => quantileAt(weekly, k, l, w);
    const arriveOnOrder = Math.ceil(s.leadTime / 2);
    const arriveOrder =
      ord === undefined ? Infinity : Math.round((dayMs(ord.order_by) - lastDay) / DAY_MS) + s.leadTime;
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
      return { date: isoDate(lastDay + (d + 1) * DAY_MS), withoutOrder: round(without), withOrder: round(withOrder) };
    });
    return {
      sku,
      name: panel.names[i]!,
      abc: abc[i]!,
      xyz: xyz[i]!,
      stage: life1?.stage ?? 'unknown',
      stageConfidence: life1?.confidence ?? 0,
      ...(life1?.previous_stage != null && life1.previous_stage !== life1.stage
        ? { stageChange: `${life1.previous_stage} → ${life1.stage}` }
        : {}),
      ...(life1 !== undefined ? { lifecycle: lifecycleView(life1) } : {}),
      model: fc.models[i]!,
      history: actualWeeks.map((u, w) => ({
        date: isoDate(lastDay - (7 * (26 - w) - 1) * DAY_MS),
        units: Number.isFinite(u) ? round(u) : 0,
      })),
      forecast: Array.from({ length: weeksAhead }, (_, w) => ({
        date: isoDate(lastDay + (1 + 7 * w) * DAY_MS),
        mean: round(weekly.mean[k * weeksAhead + w]!),
        p05: round(q(0, w)),
        p25: round(q(1, w)),
        p50: round(q(2, w)),
        p75: round(q(3, w)),
        p95: round(q(4, w)),
      })),
      onHand: st?.onHand ?? 0,
      onOrder: st?.onOrder ?? 0,
      serviceLevel: ord?.service_level ?? o.serviceLevel ?? DEFAULT_CLASS_SERVICE[`${abc[i]!}${xyz[i]!}`],
      reorderPoint: round(s.decision.reorderPoint),
      orderUpTo: round(s.decision.orderUpTo),
      orderQty: ord?.order_qty ?? 0,
      orderBy: ord?.order_by ?? null,
      coverDays: s.decision.coverDays ?? Infinity,
      stockoutRisk: round(s.decision.stockoutRisk, 3),
      why: ord !== undefined ? orderWhy(ord, p.currency) : noOrderWhy(st?.onHand ?? 0, st?.onOrder ?? 0, s),
      reason: ord?.reason ?? 'stock covers lead time + review at the service level: no order',
      projection,
    };
  });
  const alerts = skuAlerts(orders, life, panel.ids, panel.names, abc, fcRevenue);
  const deferred = orders.filter((r) => r.order_qty === 0 && !r.held_back);
  if (deferred.length > 0)
    alerts.push({
      kind: 'budget',
      message:
        `${deferred.length} orders deferred ` +
        `and ${orders.filter((r) => r.reason.includes('cut from')).length} cut to stay within the budget ` +
        `of ${o.budget}`,
    });
  const cleaning = await cleaningReport(ws);
  const rejected = cleaning.find((c) => c.rule === 'rejected')?.rows ?? 0;
  if (rejected > 0)
    alerts.push({
      kind: 'data',
      message: `${rejected} rows of the input were rejected (file, line and reason in rejects.csv of the workspace)`,
    });
  const stockouts = cleaning.find((c) => c.rule === 'stockouts_suspected')?.rows ?? 0;
  if (stockouts > 0)
    alerts.push({
      kind: 'data',
      message:
        `${stockouts} SKU-days look like stock-outs (no sales where sales were near certain); their ` +
        `demand is treated as unknown`,
    });
  const forecastUnits = fcUnits.reduce((a, b) => a + b, 0);
  const forecastRevenue = fcRevenue.reduce((a, b) => a + b, 0);
  const report: PlanReport = {
    title: `Purchase plan as of ${asOf}`,
    generatedAt: (o.now ?? new Date(lastDay + DAY_MS)).toISOString().slice(0, 16).replace('T', ' '),
    asOf,
    horizonDays: horizon,
    assumptions,
    totals: {
      skus: n,
      skusToOrder: totals.skusToOrder,
      orderUnits: totals.orderUnits,
      orderValue: round(totals.orderValue),
      budget: o.budget ?? null,
      skusAtRisk: totals.skusAtRisk,
      forecastUnits: Math.round(forecastUnits),
      forecastRevenue: Math.round(forecastRevenue),
      atStake: round(orders.reduce((a, r) => a + (r.held_back ? 0 : r.lost_revenue), 0)),
    },
    alerts,
    orders: orders.map((r) => reportOrder(r, p.currency)),
    cleaning: cleaning.map((c) => ({ rule: c.rule, rows: c.rows })),
    skus: reportSkus,
    currency: p.currency,
    ...(p.network === undefined ? {} : networkReport(p.network)),
  };
  const reportHtml = resolve(join(o.out, 'report.html'));
  writeFileSync(reportHtml, renderPlanReport(report));
  return reportHtml;
}

/** An order line as the report lists it. */
function reportOrder(r: PlanOrder, currency: string): PlanReportOrder {
  return {
    sku: r.sku,
    name: r.name,
    supplier: r.supplier === '' ? null : r.supplier,
    qty: r.order_qty,
    unitCost: r.unit_cost,
    value: round(r.order_qty * r.unit_cost),
    orderBy: r.order_by,
    coverDays: r.cover_days,
    risk: r.stockout_risk,
    abc: r.abc,
    stockoutDate: r.stockout_date,
    lostUnits: round(r.lost_units, 1),
    lostRevenue: round(r.lost_revenue),
    expedite: r.expedite,
    heldBack: r.held_back,
    why: orderWhy(r, currency),
    detail: r.reason,
  };
}

/** Why a SKU the report shows needs no order, in a merchant's words. */
function noOrderWhy(onHand: number, onOrder: number, s: SkuPolicy): string {
  const cover = s.decision.coverDays;
  return (
    `No order needed: ${formatNumber(onHand)} in stock` +
    (onOrder > 0 ? ` and ${formatNumber(onOrder)} on order` : '') +
    (cover !== null && Number.isFinite(cover) ? ` last ${formatDays(cover)}` : ', and no sales expected') +
    `, enough to reach the next delivery safely.`
  );
}

/**
 * The alerts about single SKUs, every one of them, each with the product's name: stock-outs (risk ≥ 50 %
 * or the order cannot arrive in time) by the revenue expected to be lost before a delivery can arrive,
 * then A items first; orders held back; stage changes, A items and the most forecast revenue first.
 */
export function skuAlerts(
  orders: readonly PlanOrder[],
  life: Pick<LifecycleResult, 'alerts'>,
  ids: readonly string[],
  names: readonly string[],
  abc: readonly AbcClass[],
  fcRevenue: readonly number[],
): PlanReportAlert[] {
  const index = new Map(ids.map((s, i) => [s, i]));
  const atRisk = orders
    .filter((r) => !r.held_back && (r.stockout_risk >= 0.5 || r.expedite))
    .sort(
      (a, b) =>
        b.lost_revenue - a.lost_revenue ||
        a.abc.localeCompare(b.abc) ||
        b.stockout_risk - a.stockout_risk ||
        a.sku.localeCompare(b.sku),
    );
  const alerts: PlanReportAlert[] = atRisk.map((r) => ({
    kind: 'stockout',
    sku: r.sku,
    name: r.name,
    abc: r.abc,
    atStake: round(r.lost_revenue),
    message:
      `${Math.round(r.stockout_risk * 100)} % chance of running out before a delivery can arrive` +
      (r.order_qty > 0
        ? `; order ${formatNumber(r.order_qty)} units by ${formatDate(r.order_by)}`
        : '; its order is deferred by the budget') +
      (r.expedite
        ? `; runs out ${r.stockout_date !== null ? `around ${formatDate(r.stockout_date)}` : 'soon'}, before an ` +
          `order can arrive (about ${formatNumber(r.lost_units)} units lost): expedite`
        : ''),
  }));
  for (const r of orders.filter((x) => x.held_back))
    alerts.push({
      kind: 'data',
      sku: r.sku,
      name: r.name,
      abc: r.abc,
      message:
        // a held-back line orders 0; the quantity it would have been is its order-up-to level less its stock
        `an order of about ${formatNumber(Math.ceil(r.order_up_to - r.on_hand - r.on_order))} units held back: far ` +
        `more than the product has ever sold; check its sales data and costs before ordering`,
    });
  const stage = [...life.alerts].sort((a, b) => {
    const i = index.get(a.sku) ?? -1;
    const j = index.get(b.sku) ?? -1;
    return (
      (abc[i] ?? 'C').localeCompare(abc[j] ?? 'C') ||
      (fcRevenue[j] ?? 0) - (fcRevenue[i] ?? 0) ||
      a.sku.localeCompare(b.sku)
    );
  });
  for (const a of stage) {
    const i = index.get(a.sku);
    alerts.push({
      kind: 'stage',
      sku: a.sku,
      ...(i !== undefined ? { name: names[i]!, abc: abc[i]! } : {}),
      message: `life-cycle stage changed from ${a.from} to ${a.to} (confidence ${Math.round(a.confidence * 100)} %)`,
    });
  }
  return alerts;
}

const STAGE_OF_LETTER = new Map(Object.entries(STAGE_LETTERS).map(([stage, letter]) => [letter, stage]));

/** What the report shows of a SKU's life cycle: its weeks with their stages, the fitted curve, the evidence. */
function lifecycleView(l: SkuLifecycle): PlanReportLifecycle {
  const start = dayMs(l.first_week);
  const weekDate = (t: number): string => isoDate(start + Math.round((t - 1) * 7) * DAY_MS); // t = 1 is the first week
  const weekly = l.weekly ?? [];
  const weeks = weekly.map((u, w) => ({
    date: weekDate(w + 1),
    units: round(u),
    stage: STAGE_OF_LETTER.get(l.history[w] ?? '') ?? 'unknown',
  }));
  const c = l.evidence.curve;
  const finite = (t: number): boolean => Number.isFinite(t) && t < 10_000;
  return {
    weeks,
    // a curve too loose to vote is left out of the chart; the evidence text still names it
    ...(c !== undefined && c.r2 >= DEFAULT_STAGE_RULES.minCurveR2
      ? {
          curve: {
            family: c.family,
            r2: round(c.r2, 3),
            values: weeks.map((_, w) => round(Math.max(0, curveSales(c, w + 1)))),
            peak: weekDate(c.peakWeek),
            endOfLife: finite(c.endOfLifeWeek) ? weekDate(c.endOfLifeWeek) : '',
          },
        }
      : {}),
    evidence: evidenceText(l),
  };
}

/**
 * The report's view of the purchase orders per supplier and location and the transfers: only when they say more than
 * the orders by supplier (several locations, a transfer, an order raised to a supplier's minimum).
 */
function networkReport(plan: NetworkPlan): { network?: PlanReportNetwork } {
  const locations = new Set(plan.lines.map((l) => l.location));
  if (locations.size < 2 && plan.transfers.length === 0 && plan.raised.size === 0) return {};
  return {
    network: {
      purchaseOrders: purchaseOrders(plan.lines).map((p) => ({
        poId: p.poId,
        supplier: p.supplier,
        location: p.location,
        lines: p.lines.length,
        units: p.units,
        value: p.value,
        raised: p.lines.filter((l) => l.note !== '').length,
      })),
      transfers: plan.transfers.map((t) => ({
        sku: t.sku,
        name: t.name,
        from: t.from,
        to: t.to,
        qty: t.qty,
        cost: t.cost,
        saves: t.saves,
      })),
    },
  };
}
