/**
 * Each SKU's current state (`sku_state`, schema version 5): its position, forecast summary and order suggestion, one
 * row per SKU. A plan replaces every row; a live refresh replaces the rows of the SKUs it re-forecast.
 */
import { codeRows, sql } from './sql.js';
import type { AppendType, Workspace } from './workspace.js';

/** One row of `sku_state` (dates `YYYY-MM-DD`, `updated_at` ISO text). */
export interface SkuState {
  sku: string;
  /** when the row was written (UTC, ISO 8601) */
  updated_at: string;
  /** the last day of data the state was computed from */
  as_of: string;
  /** the plan that wrote it, or the last plan before the refresh that did (null: none) */
  plan_run_id: number | null;
  /** the champion forecast run it was computed from */
  forecast_run_id: number | null;
  name: string | null;
  supplier: string | null;
  abc: string | null;
  xyz: string | null;
  /** life-cycle stage (introduction … ended), null when unknown */
  stage: string | null;
  /** units sold over the last 365 days × the median selling price (what ABC ranks) */
  revenue_365: number | null;
  on_hand: number;
  on_order: number;
  /** on hand + on order */
  position: number;
  /** days the position lasts at the forecast's means (null: it does not run out) */
  days_of_stock: number | null;
  /** the day it runs out at the forecast's means (null: it does not) */
  stockout_date: string | null;
  /** probability of a stock-out within lead time + review without an order, 0–1 */
  stockout_risk: number;
  reorder_point: number;
  order_up_to: number;
  /** the suggested order (0: none, or held back) */
  order_qty: number;
  /** the last day to place it (null without an order) */
  order_by: string | null;
  /** stock runs out before an order placed today could arrive */
  expedite: boolean;
  held_back: boolean;
  /** expected revenue lost before an order placed today could arrive */
  lost_revenue: number;
  /** the order's reason in words (null without an order) */
  reason: string | null;
  /** Σ forecast mean over the next 28 days */
  forecast_28: number;
  /** forecast_28 against the SKU's previous forecast_28, relative (0.1: 10 % more); null without one */
  forecast_change: number | null;
}

/** A row to write: `updated_at` is set by the store (now). */
export type SkuStateInput = Omit<SkuState, 'updated_at'>;

const COLUMNS = [
  'sku',
  'updated_at',
  'as_of',
  'plan_run_id',
  'forecast_run_id',
  'name',
  'supplier',
  'abc',
  'xyz',
  'stage',
  'revenue_365',
  'on_hand',
  'on_order',
  'position',
  'days_of_stock',
  'stockout_date',
  'stockout_risk',
  'reorder_point',
  'order_up_to',
  'order_qty',
  'order_by',
  'expedite',
  'held_back',
  'lost_revenue',
  'reason',
  'forecast_28',
  'forecast_change',
] as const satisfies readonly (keyof SkuState)[];

// prettier-ignore
/** Appender types in column order; updated_at is appended NULL (set to now() after), so its type is never used. */
const TYPES: readonly AppendType[] = [
  'VARCHAR', 'VARCHAR', 'DATE', 'INTEGER', 'INTEGER', 'VARCHAR', 'VARCHAR', 'VARCHAR', 'VARCHAR', 'VARCHAR', 'DOUBLE',
  'DOUBLE', 'DOUBLE', 'DOUBLE', 'DOUBLE', 'DATE', 'DOUBLE', 'DOUBLE', 'DOUBLE', 'DOUBLE', 'DATE', 'BOOLEAN', 'BOOLEAN',
  'DOUBLE', 'VARCHAR', 'DOUBLE', 'DOUBLE',
];

const finite = (v: number | null): number | null => (v === null || !Number.isFinite(v) ? null : v);

/**
 * Writes the rows with `updated_at` now (or `o.now`); each replaces its SKU's row, and with `all` every other row
 * is removed (a plan covers every SKU). No transaction of its own: call it inside the caller's, so the state and the
 * runs it comes from are stored together. O(rows).
 */
export async function upsertSkuState(
  ws: Workspace,
  rows: readonly SkuStateInput[],
  o: { all?: boolean; now?: Date } = {},
): Promise<void> {
  if (o.all === true) await ws.run('DELETE FROM sku_state');
  else if (rows.length > 0)
    await ws.run(sql`DELETE FROM sku_state WHERE sku IN (SELECT ${codeRows(rows.map((r) => r.sku))})`);
  if (rows.length === 0) return;
  await ws.appendRows(
    'sku_state',
    TYPES,
    rows.map((r) =>
      COLUMNS.map((c) => {
        if (c === 'updated_at') return null;
        const v = r[c];
        return typeof v === 'number' ? finite(v) : v;
      }),
    ),
  );
  const now = o.now === undefined ? sql`now()::TIMESTAMP` : sql`${o.now.toISOString()}::TIMESTAMPTZ::TIMESTAMP`;
  await ws.run(sql`UPDATE sku_state SET updated_at = ${now} WHERE updated_at IS NULL`);
}

/** The stored rows of `skus` (all when omitted), in SKU order. */
export async function readSkuState(ws: Workspace, skus?: readonly string[]): Promise<SkuState[]> {
  if (skus !== undefined && skus.length === 0) return [];
  const only = skus === undefined ? sql`` : sql`WHERE sku IN (SELECT ${codeRows(skus)})`;
  return ws.all<SkuState>(sql`SELECT sku, strftime(updated_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS updated_at,
      as_of::VARCHAR AS as_of, plan_run_id::INTEGER AS plan_run_id, forecast_run_id::INTEGER AS forecast_run_id, name,
      supplier, abc, xyz, stage, revenue_365, on_hand, on_order, position, days_of_stock,
      stockout_date::VARCHAR AS stockout_date, stockout_risk, reorder_point, order_up_to, order_qty,
      order_by::VARCHAR AS order_by, expedite, held_back, lost_revenue, reason, forecast_28, forecast_change
    FROM sku_state ${only} ORDER BY sku`);
}

/** A SKU's classes and stage as stored (what a live refresh keeps from the last plan). */
export interface SkuClasses {
  abc: string | null;
  xyz: string | null;
  stage: string | null;
}

/** The stored classes and stage of these SKUs (absent: no row): the three columns `readSkuState` reads among 27. */
export async function readSkuClasses(ws: Workspace, skus: readonly string[]): Promise<Map<string, SkuClasses>> {
  if (skus.length === 0) return new Map();
  const rows = await ws.all<SkuClasses & { sku: string }>(
    sql`SELECT sku, abc, xyz, stage FROM sku_state WHERE sku IN (SELECT ${codeRows(skus)})`,
  );
  return new Map(rows.map(({ sku, ...c }) => [sku, c]));
}

/** The stored forecast_28 of these SKUs, or of every SKU (absent: no row). */
export async function readForecast28(ws: Workspace, skus?: readonly string[]): Promise<Map<string, number | null>> {
  if (skus !== undefined && skus.length === 0) return new Map();
  const only = skus === undefined ? sql`` : sql`WHERE sku IN (SELECT ${codeRows(skus)})`;
  const rows = await ws.all<{ sku: string; f: number | null }>(
    sql`SELECT sku, forecast_28 AS f FROM sku_state ${only}`,
  );
  return new Map(rows.map((r) => [r.sku, r.f]));
}

/** The revenue_365 of every stored SKU (what a SKU new since the last plan is ranked against for its ABC class). */
export async function storedRevenues(ws: Workspace): Promise<Map<string, number>> {
  const rows = await ws.all<{ sku: string; r: number }>(
    `SELECT sku, revenue_365 AS r FROM sku_state WHERE revenue_365 IS NOT NULL`,
  );
  return new Map(rows.map((x) => [x.sku, x.r]));
}

/**
 * SKUs whose order lines arrived through the service (`api:order-batch` files) after their `sku_state` row was last
 * written: a batch stored, then the service stopped before its SKUs were re-forecast. SKUs without a row (never
 * planned) are not listed: a plan gives them one.
 */
export async function skusBehindState(ws: Workspace): Promise<string[]> {
  const rows = await ws.all<{ sku: string }>(sql`
    SELECT DISTINCT r.sku FROM raw_order_lines r
    JOIN files f ON f.file_id = r.file_id
    JOIN ingests i ON i.ingest_id = f.ingest_id
    JOIN sku_state s ON s.sku = r.sku
    WHERE f.path = 'api:order-batch' AND i.finished_at > s.updated_at
    ORDER BY 1`);
  return rows.map((r) => r.sku);
}
