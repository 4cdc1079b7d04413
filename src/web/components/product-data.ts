// The Product page's data: the shape of `GET /skus/{sku}` (src/pipeline/skus.ts SkuDetail, as far as the page reads
// it) and the pure steps from it to the chart's points — daily or weekly, the days to mark, the projected stock with
// and without the suggested order, the stage timeline.
import type { FanMarks, FanPoint } from './fan-chart';

export interface HistoryDay {
  date: string;
  units: number | null;
  units_raw: number;
  revenue: number;
  closed: boolean;
  stockout: boolean;
  outlier_capped: boolean;
  promo: boolean | null;
  price: number | null;
}

export interface HistoryWeek {
  week_start: string;
  days: number;
  units: number;
  revenue: number;
  closed_days: number;
  stockout_days: number;
  promo_days: number;
}

export interface ForecastDay {
  step: number;
  date: string;
  mean: number | null;
  p05: number | null;
  p25: number | null;
  p50: number | null;
  p75: number | null;
  p95: number | null;
  /** the model's mean before the planners' overrides (B2) */
  base_mean?: number | null;
}

export interface Override {
  override_id: number;
  sku: string;
  from: string;
  to: string;
  kind: 'uplift_pct' | 'units';
  value: number;
  reason: string;
  created_by: string;
  created_at: string;
}

export interface SkuAlert {
  alert_id: number;
  created_at: string;
  kind: string;
  severity: string;
  message: string;
  data: unknown;
}

export interface SkuDetail {
  sku: string;
  name: string | null;
  description: string | null;
  supplier: string | null;
  history: { from: string; to: string; daily: HistoryDay[]; weekly: HistoryWeek[] } | null;
  forecast: {
    run_id: number;
    origin: string;
    created_at: string;
    source: string;
    model: string | null;
    fallback: string | null;
    backtest_mase: number | null;
    days: ForecastDay[];
    base_mean?: (number | null)[];
  } | null;
  stage: {
    stage: string;
    confidence: number | null;
    weeks: number | null;
    history: string | null;
    as_of: string | null;
    evidence_text: string | null;
  } | null;
  inventory: {
    as_of: string | null;
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
  } | null;
  order: {
    run_id: number;
    order_qty: number;
    final_qty: number;
    approved: boolean;
    unit_cost: number | null;
    service_level: number | null;
    lead_time_days?: number | null;
    moq?: number | null;
    pack_size?: number | null;
    override: { qty: number | null; who: string; why: string | null } | null;
  } | null;
  overrides?: Override[];
  alerts: SkuAlert[];
}

const DAY_MS = 86_400_000;
export const addDays = (iso: string, k: number): string =>
  new Date(Date.parse(`${iso.slice(0, 10)}T00:00:00Z`) + k * DAY_MS).toISOString().slice(0, 10);
export const daysBetween = (a: string, b: string): number =>
  Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / DAY_MS);
/** The Monday of a date's week. */
export const mondayOf = (iso: string): string => {
  const wd = new Date(`${iso}T00:00:00Z`).getUTCDay();
  return addDays(iso, -((wd + 6) % 7));
};

/** The days an anomaly alert names (its `data.anomalies[].date`). */
export function anomalyDays(alerts: readonly SkuAlert[]): string[] {
  const out: string[] = [];
  for (const a of alerts) {
    if (a.kind !== 'anomaly' || typeof a.data !== 'object' || a.data === null) continue;
    const list = (a.data as { anomalies?: unknown }).anomalies;
    if (!Array.isArray(list)) continue;
    for (const x of list) {
      const d = (x as { date?: unknown }).date;
      if (typeof d === 'string') out.push(d.slice(0, 10));
    }
  }
  return out;
}

const baseOf = (f: NonNullable<SkuDetail['forecast']>, i: number): number | null => {
  const d = f.days[i]!;
  if (d.base_mean !== undefined) return d.base_mean;
  return f.base_mean?.[i] ?? null;
};

/** The daily chart: history then forecast, and the days to mark. */
export function dailySeries(d: SkuDetail): { points: FanPoint[]; marks: FanMarks } {
  const points: FanPoint[] = [];
  const marks = { closed: [] as string[], stockout: [] as string[], promo: [] as string[], anomaly: [] as string[] };
  for (const h of d.history?.daily ?? []) {
    points.push({ date: h.date, actual: h.units });
    if (h.closed) marks.closed.push(h.date);
    if (h.stockout) marks.stockout.push(h.date);
    if (h.promo === true) marks.promo.push(h.date);
    if (h.outlier_capped) marks.anomaly.push(h.date);
  }
  marks.anomaly.push(...anomalyDays(d.alerts));
  const f = d.forecast;
  if (f !== null) {
    const last = points.at(-1)?.date ?? '';
    f.days.forEach((x, i) => {
      if (x.date <= last) return;
      points.push({ date: x.date, mean: x.mean, base: baseOf(f, i), p05: x.p05, p25: x.p25, p75: x.p75, p95: x.p95 });
    });
  }
  return { points, marks };
}

// z of the normal distribution at 0.75 and 0.95
const Z75 = 0.6744897501960817;
const Z95 = 1.6448536269514722;

/**
 * The weekly chart: the history's week sums, and the forecast summed by week (Monday weeks; the week the data ends
 * in holds what sold so far plus the forecast of its other days). A week's bands come
 * from the days' bands as if the days were independent: each day's spread read off its 90 % band (normal
 * approximation, sd = (p95 − p05) / 3.29), the week's variance the sum of the days'.
 */
export function weeklySeries(d: SkuDetail): { points: FanPoint[]; marks: FanMarks } {
  const points: FanPoint[] = [];
  const marks = { closed: [] as string[], stockout: [] as string[], promo: [] as string[], anomaly: [] as string[] };
  for (const w of d.history?.weekly ?? []) {
    points.push({ date: w.week_start, actual: w.units });
    if (w.closed_days >= w.days) marks.closed.push(w.week_start);
    if (w.stockout_days > 0) marks.stockout.push(w.week_start);
    if (w.promo_days > 0) marks.promo.push(w.week_start);
  }
  const anomalies = new Set(anomalyDays(d.alerts).map(mondayOf));
  for (const h of d.history?.daily ?? []) if (h.outlier_capped) anomalies.add(mondayOf(h.date));
  marks.anomaly.push(...anomalies);
  const f = d.forecast;
  if (f !== null) {
    const weeks = new Map<string, { mean: number; base: number; v: number; n: number }>();
    f.days.forEach((x, i) => {
      if (x.mean === null) return;
      const m = mondayOf(x.date);
      const w = weeks.get(m) ?? { mean: 0, base: 0, v: 0, n: 0 };
      const sd = x.p05 !== null && x.p95 !== null ? (x.p95 - x.p05) / (2 * Z95) : 0;
      w.mean += x.mean;
      w.base += baseOf(f, i) ?? x.mean;
      w.v += sd * sd;
      w.n++;
      weeks.set(m, w);
    });
    const lastHist = points.at(-1);
    for (const [m, w] of weeks) {
      const sd = Math.sqrt(w.v);
      // the week the data ends in: its expected total is what sold so far plus the forecast of its other days
      const sold = lastHist !== undefined && lastHist.date === m ? (lastHist.actual ?? 0) : 0;
      const band = (z: number) => sold + Math.max(0, w.mean + z * sd);
      const p: FanPoint = { date: m, mean: sold + w.mean, base: sold + w.base };
      p.p05 = band(-Z95);
      p.p25 = band(-Z75);
      p.p75 = band(Z75);
      p.p95 = band(Z95);
      if (lastHist !== undefined && lastHist.date === m) Object.assign(lastHist, p);
      else points.push(p);
    }
  }
  return { points, marks };
}

/** Days of the default lead time (src/inventory/defaults.ts) when the order line does not carry one. */
export const DEFAULT_LEAD_DAYS = 7;

export interface StockProjection {
  dates: string[];
  without: number[];
  with: number[] | null;
  /** the day the suggested order arrives (null: no order) */
  arrival: string | null;
  qty: number;
  leadDays: number;
  leadAssumed: boolean;
  /** first day the stock is at 0, without and with the order (null: not within the forecast) */
  outWithout: string | null;
  outWith: string | null;
}

/**
 * The SKU's lead time in days: the order line's `lead_time_days`, else the one the policy's reason names ("… of
 * demand over 21 + 7 days": lead time + review period), else null.
 */
export function leadTime(d: SkuDetail): number | null {
  const l = d.order?.lead_time_days;
  if (typeof l === 'number' && Number.isFinite(l) && l >= 0) return Math.round(l);
  const m = /demand over (\d+(?:\.\d+)?) \+ \d+(?:\.\d+)? days/.exec(d.inventory?.reason ?? '');
  return m === null ? null : Math.round(Number(m[1]));
}

/**
 * Stock on hand day by day over the forecast: the position (on hand + on order) less each day's forecast mean,
 * never below 0 (the sales a stock-out loses are lost, not back-ordered); with the order, its quantity arrives after
 * the lead time counted from its order-by day (or from the first forecast day when that is earlier).
 */
export function projectStock(d: SkuDetail): StockProjection | null {
  const inv = d.inventory;
  const f = d.forecast;
  if (inv === null || f === null || f.days.length === 0) return null;
  const start = inv.position ?? (inv.on_hand ?? 0) + (inv.on_order ?? 0);
  const qty = inv.order_qty ?? 0;
  const lead = leadTime(d);
  const leadDays = lead ?? DEFAULT_LEAD_DAYS;
  const first = f.days[0]!.date;
  const placed = inv.order_by !== null && inv.order_by > first ? inv.order_by : first;
  const arrival = qty > 0 ? addDays(placed, leadDays) : null;
  const dates: string[] = [];
  const without: number[] = [];
  const withOrder: number[] = [];
  let a = start;
  let b = start;
  let outWithout: string | null = null;
  let outWith: string | null = null;
  for (const x of f.days) {
    const m = x.mean ?? 0;
    if (arrival !== null && x.date === arrival) b += qty;
    a = Math.max(0, a - m);
    b = Math.max(0, b - m);
    dates.push(x.date);
    without.push(a);
    withOrder.push(b);
    if (a <= 0 && outWithout === null) outWithout = x.date;
    if (b <= 0 && outWith === null) outWith = x.date;
  }
  return {
    dates,
    without,
    with: arrival === null ? null : withOrder,
    arrival,
    qty,
    leadDays,
    leadAssumed: lead === null,
    outWithout,
    outWith: arrival === null ? outWithout : outWith,
  };
}

export const STAGE_NAMES: Record<string, string> = {
  I: 'introduction',
  G: 'growth',
  M: 'maturity',
  D: 'decline',
  Z: 'dormant',
  E: 'ended',
};

/** The stage history (one letter a week, the last the as-of week) as runs of weeks with their first Monday. */
export function stageRuns(
  history: string,
  asOf: string,
): { stage: string; letter: string; weeks: number; from: string; to: string }[] {
  const lastMonday = mondayOf(asOf);
  const n = history.length;
  const out: { stage: string; letter: string; weeks: number; from: string; to: string }[] = [];
  for (let i = 0; i < n; i++) {
    const letter = history[i]!;
    const monday = addDays(lastMonday, -7 * (n - 1 - i));
    const prev = out.at(-1);
    if (prev !== undefined && prev.letter === letter) {
      prev.weeks++;
      prev.to = addDays(monday, 6);
    } else out.push({ stage: STAGE_NAMES[letter] ?? letter, letter, weeks: 1, from: monday, to: addDays(monday, 6) });
  }
  return out;
}

/** The message of a failed call: the service's own words (`{ error: { message } }`) when it gave them. */
export function errorText(e: unknown): string {
  if (e === null || e === undefined) return '';
  const body = (e as { body?: unknown }).body;
  if (typeof body === 'object' && body !== null) {
    const inner = (body as { error?: { message?: unknown } }).error;
    if (inner !== undefined && typeof inner.message === 'string') return inner.message;
  }
  return e instanceof Error ? e.message : String(e);
}

/** The field a failed call names (`{ error: { field } }`), or null. */
export function errorField(e: unknown): string | null {
  const body = (e as { body?: unknown } | null)?.body;
  if (typeof body === 'object' && body !== null) {
    const inner = (body as { error?: { field?: unknown } }).error;
    if (inner !== undefined && typeof inner.field === 'string') return inner.field;
  }
  const f = (e as { field?: unknown } | null)?.field;
  return typeof f === 'string' ? f : null;
}
