/**
 * The SKUs as the service serves them: the list (search, filters, sort, pages) over each SKU's current state, and
 * one SKU in full — catalog, clean history (daily and weekly), the latest champion forecast with its quantiles,
 * model and fallback, the life-cycle stage with its evidence in words, the inventory position and the open order
 * suggestion with its latest decision, and the open alerts. Read-only: a reader connection (`ws.connect()`) will do.
 */
import { InputError } from '../data/errors.js';
import type { Stage } from '../lifecycle/stage.js';
import { DAY_MS, dayMs, isoDate } from '../numerics/calendar.js';
import type { AlertKind } from '../store/alerts.js';
import {
  type CatalogFields,
  type HistoryDay,
  type SkuDetailRows,
  type SkuListRow,
  type SkuSort,
  querySkus,
  readSkuDetails,
} from '../store/skus.js';
import type { OverrideRow } from '../store/overrides.js';
import type { Pacer } from '../store/pace.js';
import type { Workspace } from '../store/workspace.js';
import { applyOverridesInPlace, dayOverridesAsSteps } from '../engine/forecast-overrides.js';
import { STAGE_LETTERS, evidenceText } from './lifecycle.js';
import { type OrderWithDecision, orderTerms, orderWithDecision } from './orders.js';

/** The query of `listSkus`; every field optional. */
export interface SkuQuery {
  /** a literal, case-insensitive substring of the SKU, its name or its description (`%` and `_` are plain text) */
  search?: string;
  abc?: 'A' | 'B' | 'C';
  xyz?: 'X' | 'Y' | 'Z';
  /** a life-cycle stage: introduction, growth, maturity, decline, dormant, ended */
  stage?: string;
  /** SKUs with an open alert of this kind (stockout, tracking_signal, coverage, drift, anomaly), or of any: 'any' */
  alert?: string;
  /** a supplier's name; 'no supplier' for SKUs without one */
  supplier?: string;
  /**
   * risk (stock-out risk, then revenue lost before an order can arrive; default), revenue (last 365 days),
   * days_of_stock, forecast_change (next 28 days against the last 28), sku
   */
  sort?: SkuSort;
  /** default: desc for risk, revenue and forecast_change; asc for days_of_stock and sku */
  order?: 'asc' | 'desc';
  /** page size, 0–1000 (default 50) */
  limit?: number;
  /** SKUs skipped, ≥ 0 (default 0) */
  offset?: number;
}

/** One SKU of the list: its current state (sku_state), catalog description and the kinds of its open alerts. */
export type SkuListItem = SkuListRow;

export const ALERT_KINDS: readonly AlertKind[] = ['stockout', 'tracking_signal', 'coverage', 'drift', 'anomaly'];
export const SKU_SORTS: readonly SkuSort[] = ['risk', 'revenue', 'days_of_stock', 'forecast_change', 'sku'];
const STAGES = Object.keys(STAGE_LETTERS) as Stage[];
const MAX_LIMIT = 1000;
const MAX_TEXT = 200;

function oneOf<T extends string>(field: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value))
    throw new InputError(`${field} must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`, { field });
  return value as T;
}

function text(field: string, value: unknown): string {
  if (typeof value !== 'string') throw new InputError(`${field} must be a text`, { field });
  if (value.length > MAX_TEXT)
    throw new InputError(`${field} must be at most ${MAX_TEXT} characters, got ${value.length}`, { field });
  return value;
}

function wholeNumber(field: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
    throw new InputError(
      `${field} must be a whole number from ${min} to ${max === Infinity ? '∞' : max}, got ${String(value)}`,
      { field },
    );
  return value;
}

/**
 * The SKUs matching `q` (filters combined), sorted and paged, with how many match in all. Every filter value is
 * checked (an unknown class, stage, alert kind, sort or order is an InputError naming the field) and bound as a
 * parameter; the search is a literal substring (LIKE wildcards escaped).
 * @example
 * const { total, items } = await listSkus(ws, { abc: 'A', alert: 'stockout', sort: 'risk', limit: 20 });
 */
export async function listSkus(ws: Workspace, q: SkuQuery = {}): Promise<{ total: number; items: SkuListItem[] }> {
  const sort = q.sort === undefined ? 'risk' : oneOf('sort', q.sort, SKU_SORTS);
  const order =
    q.order === undefined
      ? sort === 'days_of_stock' || sort === 'sku'
        ? 'asc'
        : 'desc'
      : oneOf('order', q.order, ['asc', 'desc'] as const);
  const limit = q.limit === undefined ? 50 : wholeNumber('limit', q.limit, 0, MAX_LIMIT);
  const offset = q.offset === undefined ? 0 : wholeNumber('offset', q.offset, 0, Number.MAX_SAFE_INTEGER);
  const filter = {
    ...(q.search === undefined ? {} : { search: text('search', q.search) }),
    ...(q.abc === undefined ? {} : { abc: oneOf('abc', q.abc, ['A', 'B', 'C'] as const) }),
    ...(q.xyz === undefined ? {} : { xyz: oneOf('xyz', q.xyz, ['X', 'Y', 'Z'] as const) }),
    ...(q.stage === undefined ? {} : { stage: oneOf('stage', q.stage, STAGES) }),
    ...(q.alert === undefined ? {} : { alert: oneOf('alert', q.alert, [...ALERT_KINDS, 'any']) }),
    ...(q.supplier === undefined ? {} : { supplier: text('supplier', q.supplier) }),
  };
  const { total, rows } = await querySkus(ws, filter, { sort, order, limit, offset });
  return { total, items: rows };
}

/** One day of a forecast: mean and quantiles (p005 and p995 when the model gave them). */
export interface ForecastDay {
  step: number;
  date: string;
  mean: number | null;
  p05: number | null;
  p25: number | null;
  p50: number | null;
  p75: number | null;
  p95: number | null;
  p005?: number;
  p995?: number;
  /** the model's mean before the planners' overrides (equal to mean on days without one) */
  base_mean: number | null;
}

/** A week (Monday to Sunday) of a SKU's clean history. */
export interface HistoryWeek {
  /** its Monday */
  week_start: string;
  /** days of the week in the history (fewer at its ends) */
  days: number;
  /** demand units (outliers capped), closed days not counted */
  units: number;
  revenue: number;
  closed_days: number;
  stockout_days: number;
  promo_days: number;
}

/** Everything a merchant needs on one SKU. */
export interface SkuDetail {
  sku: string;
  name: string | null;
  description: string | null;
  supplier: string | null;
  /** the catalog's fields (derived from the sales, and a catalog file's where one was ingested) */
  catalog: CatalogFields | null;
  /** the clean history's last `historyDays` days, daily and as week sums */
  history: { from: string; to: string; daily: HistoryDay[]; weekly: HistoryWeek[] } | null;
  /** the latest champion forecast */
  forecast: {
    run_id: number;
    /** the last day of data it was made from */
    origin: string;
    created_at: string;
    source: string;
    model: string | null;
    /** why the engine fell back to a simpler model; null when it did not */
    fallback: string | null;
    backtest_mase: number | null;
    /** per day: mean and quantiles with the active overrides applied (what the plan and the refresh use) */
    days: ForecastDay[];
    /** the model's daily means before overrides, one per day of `days` */
    base_mean: (number | null)[];
  } | null;
  /** the active forecast overrides, in the order they apply */
  overrides: OverrideRow[];
  /** the life-cycle stage (latest run that classified the SKU), its evidence and the evidence in words */
  stage: {
    stage: string;
    confidence: number | null;
    weeks: number | null;
    /** one letter per week: the stage of each week since the first */
    history: string | null;
    run_id: number | null;
    as_of: string | null;
    evidence: unknown;
    evidence_text: string | null;
  } | null;
  /** the current position and policy (sku_state) */
  inventory: {
    as_of: string | null;
    updated_at: string | null;
    abc: string | null;
    xyz: string | null;
    revenue_365: number | null;
    on_hand: number | null;
    on_order: number | null;
    position: number | null;
    days_of_stock: number | null;
    stockout_date: string | null;
    stockout_risk: number | null;
    lost_revenue: number | null;
    reorder_point: number | null;
    order_up_to: number | null;
    order_qty: number | null;
    order_by: string | null;
    expedite: boolean | null;
    held_back: boolean | null;
    reason: string | null;
    forecast_28: number | null;
    forecast_change: number | null;
    plan_run_id: number | null;
    forecast_run_id: number | null;
  } | null;
  /** its order in the latest plan run with its latest decision; null when that run orders none */
  order: OrderWithDecision | null;
  /** the open alerts, newest first */
  alerts: {
    alert_id: number;
    created_at: string;
    kind: string;
    severity: string;
    message: string;
    data: unknown;
    acknowledged_at: string | null;
    acknowledged_by: string | null;
  }[];
}

function parseJson(t: string | null): unknown {
  if (t === null) return null;
  try {
    return JSON.parse(t) as unknown;
  } catch {
    return t;
  }
}

/** The stage's evidence in words; null when the stored evidence is not what evidenceText reads (older runs). */
function stageWords(evidence: unknown): string | null {
  try {
    return evidenceText({ evidence } as Parameters<typeof evidenceText>[0]);
  } catch {
    return null;
  }
}

/** Week sums (Monday weeks) of daily history rows in date order. O(n). */
export function weeklySums(daily: readonly HistoryDay[]): HistoryWeek[] {
  const out: HistoryWeek[] = [];
  // the end of the current week (the next Monday, ms): a day's week is found by comparing, and its Monday's text is
  // made once a week (a date's text for every day was a sixth of the service's refill of its answers)
  let weekEnd = -Infinity;
  let w: HistoryWeek | undefined;
  for (const d of daily) {
    const t = dayMs(d.date);
    if (w === undefined || t >= weekEnd || t < weekEnd - 7 * DAY_MS) {
      const monday = t - ((new Date(t).getUTCDay() + 6) % 7) * DAY_MS;
      weekEnd = monday + 7 * DAY_MS;
      w = {
        week_start: isoDate(monday),
        days: 0,
        units: 0,
        revenue: 0,
        closed_days: 0,
        stockout_days: 0,
        promo_days: 0,
      };
      out.push(w);
    }
    w.days++;
    w.units += d.units ?? 0;
    w.revenue += d.revenue;
    if (d.closed) w.closed_days++;
    if (d.stockout) w.stockout_days++;
    if (d.promo === true) w.promo_days++;
  }
  return out;
}

const FORECAST_LEVELS = ['p005', 'p05', 'p25', 'p50', 'p75', 'p95', 'p995'] as const;

/**
 * The stored forecast days with the active overrides applied (engine/forecast-overrides.ts; a day's closed flag is not
 * known here, which matters only for `units` over a period the model forecasts nothing for) and the model's means.
 */
function withOverrides(
  rows: SkuDetailRows['forecast'],
  overrides: readonly OverrideRow[],
): { days: ForecastDay[]; base_mean: (number | null)[] } {
  const h = rows.length;
  const mean = Float64Array.from(rows, (v) => v.mean ?? Number.NaN);
  const quantiles = new Float64Array(FORECAST_LEVELS.length * h);
  FORECAST_LEVELS.forEach((k, l) => rows.forEach((v, t) => (quantiles[l * h + t] = v[k] ?? Number.NaN)));
  if (overrides.length > 0 && h > 0) {
    const fc = { h, levels: [0.005, 0.05, 0.25, 0.5, 0.75, 0.95, 0.995], mean, quantiles };
    applyOverridesInPlace(fc, 0, dayOverridesAsSteps(overrides, dayMs(rows[0]!.date)));
  }
  const num = (x: number): number | null => (Number.isFinite(x) ? x : null);
  const q = (l: number, t: number): number | null => num(quantiles[l * h + t]!);
  const days = rows.map((v, t) => ({
    step: v.step,
    date: v.date,
    mean: num(mean[t]!),
    p05: q(1, t),
    p25: q(2, t),
    p50: q(3, t),
    p75: q(4, t),
    p95: q(5, t),
    ...(v.p005 === null ? {} : { p005: q(0, t)! }),
    ...(v.p995 === null ? {} : { p995: q(6, t)! }),
    base_mean: v.mean,
  }));
  return { days, base_mean: rows.map((v) => v.mean) };
}

/** The stage of the latest life-cycle run that classified the SKU, else sku_state's (without evidence), else null. */
function stageOf(h: SkuDetailRows): SkuDetail['stage'] {
  if (h.stage !== null) {
    const evidence = parseJson(h.stage.evidence);
    const { stage, confidence, weeks, history, run_id, as_of } = h.stage;
    return { stage, confidence, weeks, history, run_id, as_of, evidence, evidence_text: stageWords(evidence) };
  }
  const stage = h.state?.stage ?? null;
  if (stage === null) return null;
  const none = { confidence: null, weeks: null, history: null, run_id: null, as_of: null };
  return { stage, ...none, evidence: null, evidence_text: null };
}

/**
 * One SKU in full (SkuDetail), or null for a SKU the workspace does not know. One query (store/skus.ts
 * readSkuDetails).
 * @example
 * const d = await skuDetail(ws, '85123A', { historyDays: 90 });
 * d?.forecast?.days[0]?.p95; d?.stage?.evidence_text; d?.inventory?.stockout_date; d?.order?.final_qty;
 */
export async function skuDetail(
  ws: Workspace,
  sku: string,
  o: { historyDays?: number } = {},
): Promise<SkuDetail | null> {
  if (typeof sku !== 'string' || sku === '') throw new InputError('sku must be a non-empty text', { field: 'sku' });
  return (await skuDetails(ws, [sku], o)).get(sku)!;
}

/**
 * `skuDetail` of several SKUs, read in one query (store/skus.ts readSkuDetails): what the service's cache runs to
 * refresh the answers of many SKUs at once. Every SKU asked for is in the map (null: unknown). `pace` is called between
 * rows and SKUs (a service's main thread lets requests run meanwhile: store/pace.ts).
 * @example (await skuDetails(ws, ['85123A', '22423'])).get('22423')?.forecast?.days.length // 28
 */
export async function skuDetails(
  ws: Workspace,
  skus: readonly string[],
  o: { historyDays?: number; pace?: Pacer } = {},
): Promise<Map<string, SkuDetail | null>> {
  const historyDays = o.historyDays === undefined ? 365 : wholeNumber('historyDays', o.historyDays, 1, 3660);
  const rows = await readSkuDetails(ws, skus, historyDays, o.pace);
  const out = new Map<string, SkuDetail | null>();
  for (const [sku, h] of rows) {
    out.set(sku, detailOf(sku, h, historyDays));
    await o.pace?.();
  }
  return out;
}

/** A SKU's detail from its rows (null: the workspace does not know it). */
function detailOf(sku: string, h: SkuDetailRows, historyDays: number): SkuDetail | null {
  if (h.catalog === null && h.state === null && h.last_day === null && h.order === null) return null;
  const history: SkuDetail['history'] =
    h.last_day === null
      ? null
      : {
          from: isoDate(dayMs(h.last_day) - (historyDays - 1) * DAY_MS),
          to: h.last_day,
          daily: h.history,
          weekly: weeklySums(h.history),
        };
  const run = h.forecast_run;
  const s = h.state;
  const overrides = h.overrides;
  return {
    sku,
    name: s?.name ?? h.catalog?.name ?? h.catalog?.description ?? null,
    description: h.catalog?.description ?? null,
    supplier: s?.supplier ?? h.order?.supplier ?? null,
    catalog: h.catalog,
    history,
    forecast: run === null ? null : { ...run, ...withOverrides(h.forecast, overrides) },
    overrides,
    stage: stageOf(h),
    inventory:
      s === null
        ? null
        : {
            as_of: s.as_of,
            updated_at: s.updated_at,
            abc: s.abc,
            xyz: s.xyz,
            revenue_365: s.revenue_365,
            on_hand: s.on_hand,
            on_order: s.on_order,
            position: s.position,
            days_of_stock: s.days_of_stock,
            stockout_date: s.stockout_date,
            stockout_risk: s.stockout_risk,
            lost_revenue: s.lost_revenue,
            reorder_point: s.reorder_point,
            order_up_to: s.order_up_to,
            order_qty: s.order_qty,
            order_by: s.order_by,
            expedite: s.expedite,
            held_back: s.held_back,
            reason: s.reason,
            forecast_28: s.forecast_28,
            forecast_change: s.forecast_change,
            plan_run_id: s.plan_run_id,
            forecast_run_id: s.forecast_run_id,
          },
    order:
      h.order === null
        ? null
        : orderWithDecision(
            { order: h.order, decision: h.decision, override: h.override },
            orderTerms(h.terms ?? undefined),
          ),
    alerts: h.alerts.map((a) => ({ ...a, data: parseJson(a.data) })),
  };
}
