/**
 * The current forecasts of many SKUs for download: each SKU's latest champion forecast as the rows of forecasts.csv
 * (sku, date, mean, p05, p25, p50, p75, p95, model), as JSON, as CSV (text cells formula-neutralised:
 * data/csv-format.ts) or as a Parquet file that DuckDB writes into the workspace's tmp folder under a generated name.
 * Read-only: a reader connection (`ws.connect()`) will do.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { csvField } from '../data/csv-format.js';
import { InputError } from '../data/errors.js';
import {
  type ForecastExportRow,
  copyChampionForecastsToParquet,
  readChampionForecasts,
} from '../store/forecasts-export.js';
import type { Workspace } from '../store/workspace.js';

export type ForecastExportFormat = 'json' | 'csv' | 'parquet';
export const FORECAST_EXPORT_FORMATS: readonly ForecastExportFormat[] = ['json', 'csv', 'parquet'];

/** The export's columns, in order (forecasts.csv's). */
export const FORECAST_EXPORT_COLUMNS = ['sku', 'date', 'mean', 'p05', 'p25', 'p50', 'p75', 'p95', 'model'] as const;

/** Most SKUs one export names; the longest horizon. */
const MAX_SKUS = 10_000;
const MAX_HORIZON = 1096;

export const CONTENT_TYPES: Record<ForecastExportFormat, string> = {
  json: 'application/json; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  parquet: 'application/vnd.apache.parquet',
};

/** The export rows as CSV text: header, one line per row, text cells neutralised and quoted. */
export function forecastsCsv(rows: readonly ForecastExportRow[]): string {
  const parts = [FORECAST_EXPORT_COLUMNS.join(',') + '\n'];
  for (const r of rows) parts.push(FORECAST_EXPORT_COLUMNS.map((k) => csvField(r[k])).join(',') + '\n');
  return parts.join('');
}

function checkOptions(o: { skus?: unknown; format: unknown; horizon?: unknown }): void {
  if (typeof o.format !== 'string' || !(FORECAST_EXPORT_FORMATS as readonly string[]).includes(o.format))
    throw new InputError(
      `format must be one of ${FORECAST_EXPORT_FORMATS.join(', ')}, got ${JSON.stringify(o.format)}`,
      { field: 'format' },
    );
  if (
    o.horizon !== undefined &&
    (typeof o.horizon !== 'number' || !Number.isInteger(o.horizon) || o.horizon < 1 || o.horizon > MAX_HORIZON)
  )
    throw new InputError(`horizon must be a whole number of days from 1 to ${MAX_HORIZON}, got ${String(o.horizon)}`, {
      field: 'horizon',
    });
  if (o.skus === undefined) return;
  if (!Array.isArray(o.skus) || o.skus.length === 0)
    throw new InputError('skus must be a non-empty list of SKUs (omit it for all)', { field: 'skus' });
  if (o.skus.length > MAX_SKUS)
    throw new InputError(`skus: at most ${MAX_SKUS} SKUs at a time, got ${o.skus.length}`, { field: 'skus' });
  o.skus.forEach((s: unknown, i) => {
    if (typeof s !== 'string' || s === '')
      throw new InputError(`skus[${i}] must be a non-empty text`, { field: `skus[${i}]` });
  });
}

/**
 * Each SKU's latest champion forecast (all SKUs, or `skus`: those without a forecast are simply absent), its first
 * `horizon` days (all stored when omitted), by SKU and date. JSON `{ forecasts: [{ sku, date, mean, p05, …, model }] }`
 * and CSV come as a body; Parquet as a file in `<workspace>/tmp` that the caller streams and deletes.
 * @example
 * const r = await forecastsExport(ws, { format: 'csv', skus: ['85123A'], horizon: 14 });
 * if ('body' in r) reply.type(r.contentType).send(r.body);
 */
export async function forecastsExport(
  ws: Workspace,
  o: { skus?: string[]; format: ForecastExportFormat; horizon?: number },
): Promise<{ contentType: string; body: string } | { contentType: string; path: string }> {
  checkOptions(o);
  const sel = {
    ...(o.skus === undefined ? {} : { skus: o.skus }),
    ...(o.horizon === undefined ? {} : { horizon: o.horizon }),
  };
  if (o.format === 'parquet') {
    const dir = join(ws.dir, 'tmp');
    mkdirSync(dir, { recursive: true });
    const path = join(dir, `forecasts-${randomUUID()}.parquet`);
    try {
      await copyChampionForecastsToParquet(ws, sel, path);
    } catch (e) {
      rmSync(path, { force: true });
      throw e;
    }
    return { contentType: CONTENT_TYPES.parquet, path };
  }
  const rows = await readChampionForecasts(ws, sel);
  if (o.format === 'csv') return { contentType: CONTENT_TYPES.csv, body: forecastsCsv(rows) };
  return { contentType: CONTENT_TYPES.json, body: JSON.stringify({ forecasts: rows }) };
}
