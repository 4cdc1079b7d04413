/**
 * Stock as dated snapshots (schema version 3). Every stock row carries the date its on-hand was
 * counted (`raw_stock.date`); the rows sharing a date are one snapshot, and a plan reads one snapshot
 * only, so a SKU that today's stock file lacks does not keep the on-hand of an older file.
 */
import { type Sql, joinSql, sql } from './sql.js';
import type { Workspace } from './workspace.js';

/**
 * One SKU's row of the snapshot (the last line of the newest file of that date), with its file path and line; with
 * locations, its on-hand and on-order are summed over them (each location's last line) and the rest is its last line's.
 */
export interface StockRow {
  sku: string;
  path: string;
  line: number;
  on_hand: number;
  on_order: number | null;
  lead_time_days: number | null;
  lead_time_sd_days: number | null;
  unit_cost: number | null;
  order_cost: number | null;
  holding_rate: number | null;
  moq: number | null;
  pack_size: number | null;
  supplier: string | null;
}

/** The raw stock rows of the snapshot dated `date` (null: the undated rows). */
function snapshotRows(date: string | null): Sql {
  return date === null ? sql`date IS NULL` : sql`date = ${date}::DATE`;
}

/** A snapshot's raw rows (`where`, then `only`) with `rk` 1 on each SKU and location's last row. */
function byLocation(where: Sql, only: Sql): Sql {
  return sql`SELECT *, row_number() OVER (PARTITION BY sku, coalesce(location, '') ORDER BY file_id DESC, line DESC)
      AS rk FROM raw_stock WHERE ${where} ${only}`;
}

/** The snapshot a plan reads and the SKUs only older snapshots hold. */
export interface StockSnapshot {
  /** the snapshot's date; null when its rows are undated (no file date, flag or sales data at their ingest) */
  date: string | null;
  rows: StockRow[];
  /** SKUs in an older snapshot but not in this one (their older on-hand is not used) */
  olderOnly: string[];
}

/**
 * The latest stock snapshot dated on or before `cutoff` (any date when omitted): one row per SKU,
 * the last line of the newest file of that date. Undated rows rank below every dated snapshot.
 * An empty snapshot (date null, no rows) when the workspace has no stock row up to `cutoff`.
 * @example const s = await readStockSnapshot(ws, '2011-12-09'); // s.date '2011-12-09', s.rows …
 */
export async function readStockSnapshot(
  ws: Workspace,
  cutoff?: string,
  skus?: readonly string[],
): Promise<StockSnapshot> {
  // only the rows of `skus` when given (a live refresh of a few SKUs); the snapshot's date is the whole file's
  const only = skus === undefined ? sql`` : sql`AND sku IN (${joinSql([sql`NULL`, ...skus.map((x) => sql`${x}`)])})`;
  const upTo = cutoff === undefined ? sql`TRUE` : sql`(date IS NULL OR date <= ${cutoff}::DATE)`;
  const latest = await ws.one<{ date: string | null; n: number }>(sql`
    SELECT max(date)::VARCHAR AS date, count(*)::INTEGER AS n FROM raw_stock WHERE ${upTo}`);
  if (latest.n === 0) return { date: null, rows: [], olderOnly: [] };
  const inSnapshot = snapshotRows(latest.date);
  // per SKU: its locations' on-hand and on-order summed (each location's last row), its terms from its last row
  const rows = await ws.all<StockRow>(sql`
    WITH latest AS (${byLocation(inSnapshot, only)}),
    summed AS (
      SELECT sku, sum(on_hand) AS on_hand, sum(on_order) AS on_order, max((file_id, line)) AS last
      FROM latest WHERE rk = 1 GROUP BY sku)
    SELECT s.* EXCLUDE (rk, row_key, occurrence, file_id, layout, date, location, on_hand, on_order), f.path,
      m.on_hand, m.on_order
    FROM latest s JOIN summed m ON m.sku = s.sku AND m.last = (s.file_id, s.line)
    JOIN files f USING (file_id) WHERE rk = 1 ORDER BY sku`);
  const older = await ws.all<{ sku: string }>(sql`
    SELECT DISTINCT sku FROM raw_stock WHERE ${upTo} ${only} AND NOT coalesce(${inSnapshot}, false)
      AND sku NOT IN (SELECT sku FROM raw_stock WHERE ${inSnapshot})
    ORDER BY sku`);
  return { date: latest.date, rows, olderOnly: older.map((r) => r.sku) };
}

/**
 * The longest lead time of the latest stock snapshot on or before `cutoff`, as mean + 3 sd days (missing values 0),
 * or null without stock rows: what sets the days a plan forecasts, read without reading every row.
 */
export async function stockSnapshotMaxLead(ws: Workspace, cutoff?: string): Promise<number | null> {
  const upTo = cutoff === undefined ? sql`TRUE` : sql`(date IS NULL OR date <= ${cutoff}::DATE)`;
  const latest = await ws.one<{ date: string | null; n: number }>(sql`
    SELECT max(date)::VARCHAR AS date, count(*)::INTEGER AS n FROM raw_stock WHERE ${upTo}`);
  if (latest.n === 0) return null;
  const inSnapshot = snapshotRows(latest.date);
  const r = await ws.one<{ m: number | null }>(sql`
    SELECT max(coalesce(lead_time_days, 0) + 3 * coalesce(lead_time_sd_days, 0))::DOUBLE AS m
    FROM (SELECT *, row_number() OVER (PARTITION BY sku ORDER BY file_id DESC, line DESC) AS rk
          FROM raw_stock WHERE ${inSnapshot}) WHERE rk = 1`);
  return r.m;
}

/** One SKU's stock at one location in a snapshot. */
export interface StockAtLocation {
  sku: string;
  /** the location's name; '' for rows that name none */
  location: string;
  on_hand: number;
  on_order: number;
}

/**
 * The stock of each SKU at each location in the snapshot `readStockSnapshot(ws, cutoff)` reads (its date: `date`),
 * each location's last row; by SKU, then location.
 * @example const rows = await readStockLocations(ws, '2024-03-08'); // [{ sku, location: 'Main Warehouse', … }]
 */
export async function readStockLocations(ws: Workspace, date: string | null): Promise<StockAtLocation[]> {
  return ws.all<StockAtLocation>(sql`
    SELECT sku, coalesce(location, '') AS location, on_hand, coalesce(on_order, 0) AS on_order
    FROM (${byLocation(snapshotRows(date), sql``)}) WHERE rk = 1 ORDER BY sku, location`);
}

/**
 * Units sold per SKU and location (the order lines' `location`) over the 365 days up to `asOf`: what splits a SKU's
 * demand over its locations. Lines without a location are not counted.
 * @example await locationDemand(ws, '2024-03-08') // [{ sku: 'MUG-BLUE', location: 'Main Warehouse', units: 40 }, …]
 */
export async function locationDemand(
  ws: Workspace,
  asOf: string,
): Promise<{ sku: string; location: string; units: number }[]> {
  return ws.all(sql`
    SELECT sku, location, sum(demand_quantity)::DOUBLE AS units FROM order_lines
    WHERE status = 'sale' AND location IS NOT NULL AND date <= ${asOf}::DATE AND date > ${asOf}::DATE - 365
    GROUP BY sku, location ORDER BY sku, location`);
}
