import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import type { OrderLineInput } from '../src/pipeline/order-batch.js';
import type { Workspace } from '../src/store/workspace.js';
import { ingestFiles } from '../src/pipeline/ingest.js';
import { SAMPLE, writeText } from './helpers.js';

/** The bundled sample shop's lines (UCI Online Retail layout, in time order), header first, without the last newline. */
export function sampleShopLines(): string[] {
  const text = gunzipSync(readFileSync(SAMPLE)).toString('utf8');
  return text.replace(/\n$/, '').split('\n');
}

/** One CSV line's fields (RFC 4180 quoting; the sample's records are one line each). */
export function csvFields(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  for (;;) {
    let field = '';
    if (line[i] === '"') {
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) throw new Error(`csvFields: unterminated quote in ${line}`);
        field += line.slice(i, q);
        if (line[q + 1] === '"') {
          field += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
    } else {
      const c = line.indexOf(',', i);
      field = line.slice(i, c < 0 ? line.length : c);
      i = c < 0 ? line.length : c;
    }
    out.push(field);
    if (i >= line.length) return out;
    i++; // the comma
  }
}

/**
 * A UCI Online Retail row (InvoiceNo, StockCode, Description, Quantity, InvoiceDate, UnitPrice, CustomerID, Country)
 * as the JSON a shop would post: numbers as JSON numbers, the time in ISO 8601 with a `T`, empty cells null.
 */
export function uciToInput(f: readonly string[]): OrderLineInput {
  const orNull = (s: string | undefined): string | null => (s === undefined || s === '' ? null : s);
  return {
    order_id: f[0]!,
    sku: f[1]!,
    description: orNull(f[2]),
    quantity: Number(f[3]),
    ordered_at: f[4]!.replace(' ', 'T'),
    unit_price: Number(f[5]),
    customer_id: orNull(f[6]),
    country: orNull(f[7]),
  };
}

/**
 * Splits rows (in time order) into `n` consecutive batches of about equal size, each cut where the order id changes
 * and no order id of the batch appears again later (an order is never split).
 */
export function splitAtOrders<T extends { order_id: string }>(rows: readonly T[], n: number): T[][] {
  const lastAt = new Map<string, number>();
  rows.forEach((r, i) => lastAt.set(r.order_id, i));
  const batches: T[][] = [];
  let start = 0;
  let reach = -1; // the last index an order begun in this batch reaches
  for (let i = 0; i < rows.length; i++) {
    reach = Math.max(reach, lastAt.get(rows[i]!.order_id)!);
    const target = Math.round(((batches.length + 1) * rows.length) / n);
    if (i === reach && i + 1 >= target && batches.length < n - 1) {
      batches.push(rows.slice(start, i + 1));
      start = i + 1;
    }
  }
  batches.push(rows.slice(start));
  return batches;
}

/** The tables the cleaning step derives from the raw rows. */
export const DERIVED_TABLES = ['order_lines', 'daily_sales', 'closed_days', 'daily_demand', 'catalog'];

/** The derived tables (or those given), each as its rows (JSON text, all columns but those in `omit`), sorted. */
export async function derivedTables(
  ws: Workspace,
  omit: Readonly<Record<string, readonly string[]>> = {},
  tables: readonly string[] = DERIVED_TABLES,
): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const t of tables) {
    const ex = omit[t] ?? [];
    const rows = await ws.all(`SELECT * ${ex.length > 0 ? `EXCLUDE (${ex.join(', ')})` : ''} FROM ${t}`);
    out[t] = rows.map((r) => JSON.stringify(r)).sort();
  }
  return out;
}

/** The clock the small order-batch tests run at. */
export const BATCH_NOW = new Date('2026-11-30T10:00:00Z');

/** One order line of the small order-batch tests (SKU 10001 on 2024-03-04), with `over` changed. */
export const batchLine = (over: Partial<OrderLineInput> = {}): OrderLineInput => ({
  order_id: '700001',
  ordered_at: '2024-03-04T10:00:00',
  sku: '10001',
  quantity: 2,
  unit_price: 3.5,
  customer_id: 'c1',
  ...over,
});

/** A first file so that the workspace has clean tables (the generic order-lines layout): SKUs 10001 and 10002 daily in February 2024. */
export async function seedSmallShop(ws: Workspace, dir: string): Promise<void> {
  const rows = ['order_id,ordered_at,sku,quantity,unit_price,customer_id'];
  for (let d = 1; d <= 28; d++) {
    const day = `2024-02-${String(d).padStart(2, '0')}`;
    rows.push(`S${d},${day} 09:00,10001,1,3.5,c0`, `T${d},${day} 10:00,10002,3,1.25,c9`);
  }
  await ingestFiles(ws, [writeText(dir, 'seed.csv', rows.join('\n') + '\n')], { now: BATCH_NOW });
}
