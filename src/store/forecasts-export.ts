/**
 * The current forecasts for export: each SKU's latest champion forecast run (the highest run id among the champion's
 * runs made for use, not backtests), as the rows of forecasts.csv (sku, date, mean, p05, p25, p50, p75, p95, model),
 * read as rows or written by DuckDB to a Parquet file.
 */
import { literalPath } from './ingest.js';
import { type Sql, joinSql, raw, sql } from './sql.js';
import type { Workspace } from './workspace.js';

/** Which forecast runs (`r`: forecast_runs) count as a SKU's current forecast: the champion's, not backtests. */
export const CHAMPION_RUN = raw(`r.role = 'champion' AND r.source <> 'backtest'`);

/** One row of the export: forecasts.csv's columns. */
export interface ForecastExportRow {
  sku: string;
  date: string;
  mean: number | null;
  p05: number | null;
  p25: number | null;
  p50: number | null;
  p75: number | null;
  p95: number | null;
  model: string | null;
}

/** Which forecasts to export: all SKUs or `skus`, all steps or the first `horizon`. */
export interface ExportSelection {
  skus?: readonly string[];
  horizon?: number;
}

function exportSql(o: ExportSelection): Sql {
  const only = o.skus === undefined ? sql`TRUE` : sql`fs.sku IN (${joinSql(o.skus.map((s) => sql`${s}`))})`;
  const steps = o.horizon === undefined ? sql`TRUE` : sql`v.step <= ${o.horizon}::INTEGER`;
  return sql`
    WITH latest AS (
      SELECT fs.sku, max(fs.run_id) AS run_id FROM forecast_skus fs JOIN forecast_runs r USING (run_id)
      WHERE ${CHAMPION_RUN} AND ${only} GROUP BY fs.sku)
    SELECT v.sku, v.date::VARCHAR AS date, v.mean, v.p05, v.p25, v.p50, v.p75, v.p95, fs.model
    FROM latest l JOIN forecast_values v ON v.run_id = l.run_id AND v.sku = l.sku
      JOIN forecast_skus fs ON fs.run_id = l.run_id AND fs.sku = l.sku
    WHERE ${steps}
    ORDER BY v.sku, v.date`;
}

/** The export's rows, by SKU and date. */
export async function readChampionForecasts(ws: Workspace, o: ExportSelection): Promise<ForecastExportRow[]> {
  return ws.all<ForecastExportRow>(exportSql(o));
}

/**
 * Writes the export's rows to the Parquet file `path` (DuckDB COPY; `path` is a bound value, and must be one the
 * caller made, never one from input). Returns the rows written.
 */
export async function copyChampionForecastsToParquet(ws: Workspace, o: ExportSelection, path: string): Promise<number> {
  await ws.run(sql`COPY (${exportSql(o)}) TO ${path} (FORMAT parquet)`);
  const n = await ws.one<{ n: number }>(sql`SELECT count(*)::INTEGER AS n FROM read_parquet(${literalPath(path)})`);
  return n.n;
}
