/** Plans in the workspace: `plan_runs`, `plan_orders`, `plan_forecasts` (the stock a plan reads: store/stock.ts). */
import { sql } from './sql.js';
import type { Workspace } from './workspace.js';

/** One purchase-order line as `plan_orders` stores it (after `run_id`), in column order. */
export type PlanOrderRow = [
  sku: string,
  name: string,
  orderQty: number,
  orderBy: string,
  coverDays: number | null,
  stockoutRisk: number,
  reason: string,
  onHand: number,
  onOrder: number,
  reorderPoint: number,
  orderUpTo: number,
  serviceLevel: number,
  abc: string,
  xyz: string,
  unitCost: number,
  priority: number | null,
  supplier: string | null,
  stockoutDate: string | null,
  lostUnits: number,
  lostRevenue: number,
  expedite: boolean,
  heldBack: boolean,
];

/** One forecast row as `plan_forecasts` stores it (after `run_id`): sku, date, mean, p05…p95, model. */
export type PlanForecastRow = [
  sku: string,
  date: string,
  mean: number,
  p05: number,
  p25: number,
  p50: number,
  p75: number,
  p95: number,
  model: string,
];

// prettier-ignore
/** Column types of `plan_orders` (run id first). */
const ORDER_TYPES = [
  'INTEGER', 'VARCHAR', 'VARCHAR', 'DOUBLE', 'DATE', 'DOUBLE', 'DOUBLE', 'VARCHAR', 'DOUBLE', 'DOUBLE', 'DOUBLE',
  'DOUBLE', 'DOUBLE', 'VARCHAR', 'VARCHAR', 'DOUBLE', 'INTEGER', 'VARCHAR', 'DATE', 'DOUBLE', 'DOUBLE', 'BOOLEAN',
  'BOOLEAN',
] as const;

// prettier-ignore
/** Column types of `plan_forecasts` (run id first). */
const FORECAST_TYPES = [
  'INTEGER', 'VARCHAR', 'DATE', 'DOUBLE', 'DOUBLE', 'DOUBLE', 'DOUBLE', 'DOUBLE', 'DOUBLE', 'VARCHAR',
] as const;

/** The rows with the run id in front. */
function* withRunId<T extends readonly (string | number | boolean | null)[]>(
  id: number,
  rows: Iterable<T>,
): Generator<(string | number | boolean | null)[]> {
  for (const r of rows) yield [id, ...r];
}

/** One line of a purchase order per supplier and location as `plan_po_lines` stores it (after `run_id`). */
export type PlanPoLineRow = [
  poId: string,
  supplier: string,
  location: string,
  sku: string,
  name: string,
  qty: number,
  unitCost: number,
  value: number,
  currency: string | null,
  orderBy: string | null,
  note: string,
];

/** One transfer between locations as `plan_transfers` stores it (after `run_id`). */
export type PlanTransferRow = [
  sku: string,
  name: string,
  from: string,
  to: string,
  qty: number,
  shipBy: string,
  cost: number,
  saves: number,
  reason: string,
];

// prettier-ignore
const PO_LINE_TYPES = [
  'INTEGER', 'VARCHAR', 'VARCHAR', 'VARCHAR', 'VARCHAR', 'VARCHAR', 'DOUBLE', 'DOUBLE', 'DOUBLE', 'VARCHAR', 'DATE',
  'VARCHAR',
] as const;
// prettier-ignore
const TRANSFER_TYPES = [
  'INTEGER', 'VARCHAR', 'VARCHAR', 'VARCHAR', 'VARCHAR', 'DOUBLE', 'DATE', 'DOUBLE', 'DOUBLE', 'VARCHAR',
] as const;

/**
 * Appends plan run `runId`'s purchase-order lines per supplier and location and its transfers (no transaction of its
 * own: the plan stores them with its run).
 */
export async function insertPlanNetwork(
  ws: Workspace,
  runId: number,
  lines: Iterable<PlanPoLineRow>,
  transfers: Iterable<PlanTransferRow>,
): Promise<void> {
  await ws.appendRows('plan_po_lines', PO_LINE_TYPES, withRunId(runId, lines));
  await ws.appendRows('plan_transfers', TRANSFER_TYPES, withRunId(runId, transfers));
}

/** A plan run to store: its settings, orders and forecasts. */
export interface NewPlanRun {
  asOf: string;
  horizon: number;
  model: string;
  serviceLevel: number | null;
  budget: number | null;
  /** the stock policy's demand scenarios per SKU, their seed and full EOQ lots (null: the defaults) */
  scenarios: number | null;
  seed: number | null;
  fullLots: boolean | null;
  assumptions: readonly string[];
  orders: Iterable<PlanOrderRow>;
  forecasts: Iterable<PlanForecastRow>;
}

/** Stores a plan run with its orders and forecasts (appended) in one transaction; returns its run id. */
export async function storePlanRun(ws: Workspace, p: NewPlanRun): Promise<number> {
  return ws.transaction(() => insertPlanRun(ws, p));
}

/**
 * Appends a plan run with its orders and forecasts without a transaction of its own: for a caller that stores it
 * with other rows (the plan's forecast run, sku_state, alerts) in one transaction. Returns its run id.
 */
export async function insertPlanRun(ws: Workspace, p: NewPlanRun): Promise<number> {
  const id = (await ws.one<{ id: number }>('SELECT coalesce(max(run_id), 0)::INTEGER + 1 AS id FROM plan_runs')).id;
  await ws.run(sql`INSERT INTO plan_runs (run_id, created_at, as_of, horizon_days, model, service_level, budget,
      assumptions, scenarios, seed, full_lots)
    VALUES (${id}::INTEGER, now()::TIMESTAMP, ${p.asOf}::DATE, ${p.horizon}::INTEGER, ${p.model},
      ${p.serviceLevel}::DOUBLE, ${p.budget}::DOUBLE, ${JSON.stringify(p.assumptions)}, ${p.scenarios}::INTEGER,
      ${p.seed}::BIGINT, ${p.fullLots}::BOOLEAN)`);
  await ws.appendRows('plan_orders', ORDER_TYPES, withRunId(id, p.orders));
  await ws.appendRows('plan_forecasts', FORECAST_TYPES, withRunId(id, p.forecasts));
  return id;
}

/** A stored plan run's settings. */
export interface PlanRunSettings {
  run_id: number;
  as_of: string;
  horizon_days: number;
  model: string;
  service_level: number | null;
  /** null: the defaults (a plan stored before schema version 7, or one that did not set them) */
  scenarios: number | null;
  seed: number | null;
  full_lots: boolean | null;
}

/** The latest plan run's settings (null: no plan yet): what a live refresh plans its SKUs with. */
export async function latestPlanRun(ws: Workspace): Promise<PlanRunSettings | null> {
  const rows = await ws.all<PlanRunSettings>(sql`SELECT run_id::INTEGER AS run_id, as_of::VARCHAR AS as_of,
      horizon_days::INTEGER AS horizon_days, model, service_level, scenarios::INTEGER AS scenarios,
      seed::DOUBLE AS seed, full_lots FROM plan_runs ORDER BY run_id DESC LIMIT 1`);
  return rows[0] ?? null;
}

/** A stored purchase-order line per supplier and location. */
export interface StoredPoLine {
  po_id: string;
  supplier: string;
  location: string;
  sku: string;
  name: string;
  qty: number;
  unit_cost: number;
  value: number;
  currency: string | null;
  order_by: string | null;
  note: string;
}

/** A stored transfer between locations. */
export interface StoredTransfer {
  sku: string;
  name: string;
  from_location: string;
  to_location: string;
  qty: number;
  ship_by: string;
  cost: number;
  saves: number;
  reason: string;
}

/**
 * Plan run `runId`'s purchase-order lines (by order, then SKU) and transfers (by SKU).
 * @example const { lines, transfers } = await readPlanNetwork(ws, 3);
 */
export async function readPlanNetwork(
  ws: Workspace,
  runId: number,
): Promise<{ lines: StoredPoLine[]; transfers: StoredTransfer[] }> {
  const lines = await ws.all<StoredPoLine>(sql`
    SELECT po_id, supplier, location, sku, name, qty, unit_cost, value, currency, order_by::VARCHAR AS order_by, note
    FROM plan_po_lines WHERE run_id = ${runId}::INTEGER
    ORDER BY CAST(regexp_extract(po_id, '[0-9]+$') AS INTEGER), po_id, sku`);
  const transfers = await ws.all<StoredTransfer>(sql`
    SELECT sku, name, from_location, to_location, qty, ship_by::VARCHAR AS ship_by, cost, saves, reason
    FROM plan_transfers WHERE run_id = ${runId}::INTEGER ORDER BY sku, from_location, to_location`);
  return { lines, transfers };
}
