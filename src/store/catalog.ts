/**
 * What the workspace knows of its products, as typed maps: the catalog (description, category,
 * product or not), each SKU's description as of a date, names, median prices and revenue.
 */
import { descriptionsSql } from './clean.js';
import { asOfDate } from './demand-panel.js';
import { codeRows, sql } from './sql.js';
import type { Workspace } from './workspace.js';

export interface CatalogEntry {
  description: string | null;
  category: string | null;
  isProduct: boolean;
}

/** The derived catalog, by SKU. */
export async function readCatalog(ws: Workspace): Promise<Map<string, CatalogEntry>> {
  const rows = await ws.all<{
    sku: string;
    description: string | null;
    category: string | null;
    is_product: boolean | null;
  }>(`SELECT sku, description, category, is_product FROM catalog`);
  return new Map(
    rows.map((r) => [r.sku, { description: r.description, category: r.category, isProduct: r.is_product !== false }]),
  );
}

/** Each SKU's most frequent description on its order lines up to `asOf` (ties: the first in order). */
export async function descriptionsAsOf(ws: Workspace, asOf?: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const hasLines = Number((await ws.one<{ n: string | number }>(`SELECT count(*) AS n FROM order_lines`)).n) > 0;
  if (!hasLines) return out;
  const rows = await ws.all<{ sku: string; description: string }>(
    descriptionsSql(sql`date <= ${asOfDate(asOf)}::DATE`),
  );
  for (const r of rows) out.set(r.sku, r.description);
  return out;
}

/**
 * Per SKU with demand up to `asOf` (of `skus` only, when given): its catalog description, median selling price and
 * revenue.
 */
export async function skuSummaries(
  ws: Workspace,
  asOf?: string,
  skus?: readonly string[],
): Promise<Map<string, { name: string | null; price: number | null; revenue: number | null }>> {
  if (skus !== undefined && skus.length === 0) return new Map();
  const only = skus === undefined ? sql`` : sql`AND d.sku IN (SELECT ${codeRows(skus)})`;
  const rows = await ws.all<{ sku: string; name: string | null; price: number | null; revenue: number | null }>(sql`
    SELECT d.sku, any_value(c.description) AS name, any_value(c.price_median) AS price, sum(d.revenue) AS revenue
    FROM daily_demand d LEFT JOIN catalog c USING (sku)
    WHERE d.date <= ${asOfDate(asOf)}::DATE ${only} GROUP BY d.sku`);
  return new Map(rows.map((r) => [r.sku, { name: r.name, price: r.price, revenue: r.revenue }]));
}

/** Unit costs given in an ingested catalog file, by SKU. */
export async function catalogCosts(ws: Workspace): Promise<Map<string, number>> {
  const rows = await ws.all<{ sku: string; cost: number }>(`SELECT sku, cost FROM catalog WHERE cost IS NOT NULL`);
  return new Map(rows.map((r) => [r.sku, r.cost]));
}

/** What the catalog files say of a SKU's supply: its supplier, and whether it may be ordered. */
export interface CatalogSupply {
  supplier: string | null;
  /** `active`, `archived`, `draft` (a platform's product status), lower case; null when not given */
  status: string | null;
  /** the day it was discontinued, `YYYY-MM-DD`; null when not given */
  discontinuedAt: string | null;
}

/**
 * The supplier, status and discontinuation day the latest catalog row of each SKU gives, for the SKUs with any of
 * them.
 * @example (await catalogSupply(ws)).get('TEAPOT') // { supplier: 'Iron Works', status: 'archived', … }
 */
export async function catalogSupply(ws: Workspace): Promise<Map<string, CatalogSupply>> {
  const rows = await ws.all<{ sku: string; supplier: string | null; status: string | null; d: string | null }>(`
    SELECT sku, supplier, status, discontinued_at::VARCHAR AS d FROM catalog
    WHERE supplier IS NOT NULL OR status IS NOT NULL OR discontinued_at IS NOT NULL`);
  return new Map(rows.map((r) => [r.sku, { supplier: r.supplier, status: r.status, discontinuedAt: r.d }]));
}

/** A supplier's terms from a supplier file (the latest row of each supplier); null where the file says nothing. */
export interface SupplierRow {
  supplier: string;
  lead_time_days: number | null;
  lead_time_sd_days: number | null;
  moq: number | null;
  min_order_units: number | null;
  min_order_value: number | null;
  order_cost: number | null;
  review_days: number | null;
  currency: string | null;
  path: string;
  line: number;
}

/**
 * Every supplier's terms: the last row naming it in the latest supplier file that does, with its file and line.
 * @example (await readSuppliers(ws)).get('Potter & Co')?.min_order_value // 250
 */
export async function readSuppliers(ws: Workspace): Promise<Map<string, SupplierRow>> {
  const rows = await ws.all<SupplierRow>(`
    SELECT s.supplier, s.lead_time_days, s.lead_time_sd_days, s.moq, s.min_order_units, s.min_order_value,
      s.order_cost, s.review_days, s.currency, f.path, s.line::INTEGER AS line
    FROM (SELECT *, row_number() OVER (PARTITION BY supplier ORDER BY file_id DESC, line DESC) AS rk
          FROM raw_suppliers) s JOIN files f USING (file_id)
    WHERE rk = 1 ORDER BY supplier`);
  return new Map(rows.map((r) => [r.supplier, r]));
}
