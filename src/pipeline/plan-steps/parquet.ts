/**
 * Parquet copies of a plan's CSV files (`PlanOptions.parquet`): DuckDB reads each CSV file as the plan wrote it
 * (RFC 4180) and writes its rows and columns to Parquet, typed — codes and text as VARCHAR (a SKU of digits stays a
 * code, with its leading zeros), dates as DATE, quantities and money as numbers, flags as BOOLEAN. The cells are the
 * CSV file's, so a text cell that CSV neutralised against spreadsheet formulas keeps its leading apostrophe.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { columnTypes, literalPath } from '../../store/ingest.js';
import { raw, sql } from '../../store/sql.js';
import type { Workspace } from '../../store/workspace.js';
import { PLAN_PARQUET } from './staging.js';

/** The columns of the plan's CSV files that hold codes or text, whatever they look like. */
const TEXT_COLUMNS: ReadonlySet<string> = new Set([
  'sku',
  'name',
  'model',
  'reason',
  'why',
  'abc',
  'xyz',
  'priority',
  'supplier',
  'po_id',
  'location',
  'currency',
  'note',
]);

/** The column names of a CSV file the plan wrote (its first line: plain names, no quotes). */
function headerOf(path: string): string[] {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(4096);
    const n = readSync(fd, buf, 0, buf.length, 0);
    return buf.toString('utf8', 0, n).split('\n')[0]!.split(',');
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes forecasts.parquet, orders.parquet and purchase-orders.parquet beside the CSV files of the plan in `dir`.
 * O(rows): DuckDB reads each file twice (its types from every row, then the rows).
 * @example await writeParquetCopies(ws, staging.dir) // dir/forecasts.parquet, dir/orders.parquet, …
 */
export async function writeParquetCopies(ws: Workspace, dir: string): Promise<void> {
  for (const [csv, parquet] of Object.entries(PLAN_PARQUET)) {
    const path = join(dir, csv);
    const text = headerOf(path).filter((c) => TEXT_COLUMNS.has(c));
    const types =
      text.length === 0 ? raw('') : sql`, types = {${columnTypes(text.map((c) => [c, 'VARCHAR'] as const))}}`;
    await ws.run(sql`COPY (
        SELECT * FROM read_csv(${literalPath(path)}, header = true, delim = ',', quote = '"', escape = '"',
          sample_size = -1${types}))
      TO ${join(dir, parquet)} (FORMAT parquet)`);
  }
}
