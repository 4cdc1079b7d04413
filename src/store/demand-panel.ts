/**
 * The one reader of daily demand for modelling. Every model, the inventory policy, the launch
 * history and the life cycle read the same rule from here: a closed day sold 0, a suspected
 * stock-out or a missing day is unknown (NaN), any other day sold its (outlier-capped) units; what
 * customers actually ordered (`units_raw`, closed days 0) travels beside it.
 */
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { InputError } from '../data/errors.js';
import { parseDateOption } from '../data/date-option.js';
import { calendarFromAnchors, isClosedOn } from '../engine/closed-calendar.js';
import { DAY_MS, dayMs, isoDate } from '../numerics/calendar.js';
import { dailyDemandInOrder, ensureCleanTables } from './clean.js';
import { codeRows, raw, sql } from './sql.js';
import type { Workspace } from './workspace.js';
import type { DuckDBValue } from '@duckdb/node-api';

/** Demand as models see it: closed → 0, stock-out or missing → unknown, else the capped units. */
export const CLEAN_UNITS_SQL = raw('CASE WHEN closed THEN 0 WHEN stockout OR missing THEN NULL ELSE units END');

/** One SKU's days, from its first row (day index `first` of the panel) to the panel's last day. */
export interface SkuDemand {
  sku: string;
  /** day index of the SKU's first row, counted from `DemandPanel.firstDay` */
  first: number;
  /** clean demand (NaN unknown), `lastDay − first + 1` days */
  clean: Float64Array;
  /** units customers ordered (closed days 0), same days */
  actual: Float64Array;
  /** the day's average selling price (NaN: no sale), same days */
  price: Float64Array;
  /**
   * promotion (1/0, NaN unknown) and closed (1/0) flags, `extraDays` longer (planned ahead); past the data's last day
   * the closed flags carry the shop's known closed weekdays and holidays forward (see `readShopClosed`)
   */
  promo: Float64Array;
  closed: Float64Array;
  /** sum of the capped units up to the last day (0: the SKU never sold) */
  units: number;
}

export interface DemandPanel {
  /** the first day with demand in the workspace (ms, UTC midnight) */
  firstDay: number;
  /** the last day read: the as-of date or the last day with data, whichever is earlier (ms) */
  lastDay: number;
  /** SKUs in code order */
  skus: SkuDemand[];
}

export interface DemandPanelOptions {
  /** read demand up to this day (`YYYY-MM-DD…`; default: all) */
  asOf?: string;
  /** days of promotion and closed flags to read past the last day (closed flags past the data: the known pattern) */
  extraDays?: number;
  /** the option that gave `asOf`, named in errors (default `asOf`) */
  asOfField?: string;
  /**
   * only these SKUs' rows (default: every SKU). The calendar stays the workspace's (its first day is the first day of
   * any SKU), so a SKU reads the same series alone as in the whole panel.
   */
  skus?: readonly string[];
  /**
   * each SKU handed over as it is read, instead of kept in the panel's `skus` (which is then empty): a caller that
   * keeps a part of each (a plan keeps two of its five arrays) holds that part only, not the whole panel beside it;
   * with the panel's first and last day (ms)
   */
  onSku?: (s: SkuDemand, calendar: { firstDay: number; lastDay: number }) => void;
}

/**
 * The as-of date as `YYYY-MM-DD`, or the far future when none is given; an unreadable or ambiguous
 * date (`04/11/2011`: day or month first?) is an InputError asking for YYYY-MM-DD (parseDateOption).
 */
export function asOfDate(text: string | undefined, field = 'asOf'): string {
  if (text === undefined) return '9999-12-31';
  return parseDateOption(text, field);
}

/** Reads the workspace's daily demand up to `asOf` (see the module comment). Throws when there is none. */
export async function readDemandPanel(ws: Workspace, o: DemandPanelOptions = {}): Promise<DemandPanel> {
  await ensureCleanTables(ws);
  const asOf = asOfDate(o.asOf, o.asOfField);
  const extra = Math.max(0, Math.trunc(o.extraDays ?? 0));
  const span = await ws.one<{ a: string | null; b: string | null; m: string | null }>(
    sql`SELECT min(date)::VARCHAR AS a, least(max(date), ${asOf}::DATE)::VARCHAR AS b, max(date)::VARCHAR AS m
      FROM daily_demand`,
  );
  if (span.a === null || span.b === null || span.b < span.a)
    throw new InputError(`the workspace has no demand${o.asOf === undefined ? '' : ` up to ${o.asOf}`}`);
  if (o.asOf !== undefined && span.m !== null && asOf > span.m) {
    const field = o.asOfField ?? 'asOf';
    throw new InputError(`${field}: ${asOf} is after the last day with data, ${span.m}`, { field });
  }
  const firstDay = dayMs(span.a);
  const lastDay = dayMs(span.b);
  const days = Math.round((lastDay - firstDay) / DAY_MS) + 1;
  if (o.skus !== undefined && o.skus.length === 0) return { firstDay, lastDay, skus: [] };
  const only = o.skus === undefined ? sql`` : sql`AND sku IN (SELECT ${codeRows(o.skus)})`;
  // past the data, the shop's closed weekdays and holidays carried forward
  const shopClosed = await readShopClosed(ws, firstDay, days + extra);
  // rows in (sku, date) order: as stored after a whole rebuild of the clean tables, taken as they come (the sort was
  // most of a 100,000-SKU panel's read: 60 million rows; checked as they come), else sorted here. Only on the
  // workspace's own connection, which nothing else writes meanwhile: a second one (a service's reader) would read
  // the order's mark and the rows in two snapshots, with the writer's scoped rebuild committed in between
  const stored = o.skus === undefined && ws.primary && (await dailyDemandInOrder(ws));
  // every number as a DOUBLE: read from DuckDB's vectors whole (Workspace.numberChunks), NULL as NaN
  const chunks = ws.numberChunks(sql`
    SELECT sku, datediff('day', ${span.a}::DATE, date)::DOUBLE AS d,
      (CASE WHEN date > ${asOf}::DATE THEN NULL ELSE ${CLEAN_UNITS_SQL} END)::DOUBLE AS v,
      (CASE WHEN date > ${asOf}::DATE THEN NULL WHEN closed THEN 0 ELSE units_raw END)::DOUBLE AS a,
      (CASE WHEN date > ${asOf}::DATE THEN NULL ELSE price END)::DOUBLE AS price,
      promo::INTEGER::DOUBLE AS promo, closed::INTEGER::DOUBLE AS closed,
      (CASE WHEN date > ${asOf}::DATE THEN NULL ELSE units END)::DOUBLE AS u
    FROM daily_demand
    WHERE date <= ${asOf}::DATE + to_days(${extra}::INTEGER) ${only}
    ${stored ? sql`` : sql`ORDER BY sku, date`}`);
  const skus: SkuDemand[] = [];
  let s: SkuDemand | undefined;
  let lastRow = 0;
  /** The SKU read so far, its closed days past its last row carried from the shop's; skipped without a day ≤ asOf. */
  const finish = (): void => {
    if (s === undefined) return;
    for (let d = lastRow + 1; d < s.closed.length; d++) s.closed[d] = shopClosed[s.first + d]!;
    if (o.onSku === undefined) skus.push(s);
    else o.onSku(s, { firstDay, lastDay });
    s = undefined;
  };
  let skipping: string | undefined;
  let previous: string | undefined;
  let previousDay = 0;
  // rows by SKU and date, one chunk (≤ 2048 rows) at a time with the event loop running in between
  for await (const columns of chunks) {
    const sku = columns[0] as DuckDBValue[];
    const [dd, v, a, price, promo, closed, u] = columns.slice(1) as Float64Array[];
    for (let k = 0; k < sku.length; k++) {
      const code = sku[k] as string;
      if (stored) {
        // the stored order, checked: each SKU after the last, its days in order
        if (code !== previous) {
          if (previous !== undefined && !codeBefore(previous, code)) outOfOrder(code);
          previous = code;
        } else if (dd![k]! < previousDay) outOfOrder(code);
        previousDay = dd![k]!;
      }
      if (code === skipping) continue;
      if (s?.sku !== code) {
        finish();
        const first = dd![k]!;
        const len = days - first;
        // a SKU whose first row is after the as-of date (only planned closed days ahead) has no demand to read
        if (len <= 0) {
          skipping = code;
          continue;
        }
        s = {
          sku: code,
          first,
          clean: new Float64Array(len).fill(NaN),
          actual: new Float64Array(len),
          price: new Float64Array(len).fill(NaN),
          promo: new Float64Array(len + extra).fill(NaN),
          closed: new Float64Array(len + extra),
          units: 0,
        };
      }
      const d = dd![k]! - s.first;
      // (NaN: NULL) clean, price and promo start unknown; actual is at least 0, as customers cannot order less
      if (d < s.clean.length) {
        s.clean[d] = v![k]!;
        const ak = a![k]!;
        s.actual[d] = ak > 0 ? ak : 0;
        s.price[d] = price![k]!;
        const uk = u![k]!;
        if (!Number.isNaN(uk)) s.units += uk;
      }
      s.promo[d] = promo![k]!;
      const ck = closed![k]!;
      if (!Number.isNaN(ck)) s.closed[d] = ck;
      lastRow = d;
    }
    await yieldToLoop();
  }
  finish();
  return { firstDay, lastDay, skus };
}

/**
 * a < b in DuckDB's order of VARCHARs (their UTF-8 bytes): JavaScript's order of UTF-16 code units is the same unless a
 * string holds a unit from 0xD800 up (surrogates sort below U+E000–U+FFFF there, above them in UTF-8).
 * @example codeBefore('10002', '10080') // true
 */
export function codeBefore(a: string, b: string): boolean {
  if (HIGH_UNITS.test(a) || HIGH_UNITS.test(b)) return Buffer.compare(Buffer.from(a), Buffer.from(b)) < 0;
  return a < b;
}

const HIGH_UNITS = /[\uD800-\uFFFF]/;

/** The panel's rows came out of (sku, date) order: the stored order was not what meta said (a bug, not bad input). */
function outOfOrder(sku: string): never {
  throw new Error(`readDemandPanel: daily_demand's rows are not in (sku, date) order at SKU ${sku}`);
}

/**
 * The shop's closed days over `days` days from `firstDay` (ms, UTC midnight), 1 closed, 0 open: the
 * closed days the cleaning found (store/clean.ts) up to the last day of the data, and past it the
 * closed weekdays and holidays they follow (engine/closed-calendar.ts), e.g. every Saturday and
 * Christmas to New Year for a shop that closes then. What plans and forecasts treat as closed ahead.
 * @example const closed = await readShopClosed(ws, dayMs('2011-11-05'), 28); // 1 on the Saturdays
 */
export async function readShopClosed(ws: Workspace, firstDay: number, days: number): Promise<Float64Array> {
  await ensureCleanTables(ws);
  const out = new Float64Array(Math.max(0, days));
  if (out.length === 0) return out;
  const end = await ws.one<{ d: string | null }>(`SELECT max(date)::VARCHAR AS d FROM daily_demand`);
  const dataEnd = end.d === null ? firstDay - DAY_MS : dayMs(end.d);
  const last = isoDate(Math.min(dataEnd, firstDay + (days - 1) * DAY_MS));
  const past = await ws.all<{ d: number }>(sql`
    SELECT DISTINCT datediff('day', ${isoDate(firstDay)}::DATE, date)::INTEGER AS d FROM closed_days
    WHERE date >= ${isoDate(firstDay)}::DATE AND date <= ${last}::DATE`);
  for (const r of past) out[r.d] = 1;
  const anchors = await ws.all<{ anchor: string }>(`SELECT DISTINCT anchor FROM closed_days`);
  const cal = calendarFromAnchors(anchors.map((a) => a.anchor));
  const from = Math.max(0, Math.round((dataEnd - firstDay) / DAY_MS) + 1);
  for (let d = from; d < out.length; d++) out[d] = isClosedOn(cal, firstDay + d * DAY_MS) ? 1 : 0;
  return out;
}
