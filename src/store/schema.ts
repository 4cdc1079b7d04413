/**
 * The workspace schema. Raw and rejected rows are the record of what was ingested; every other
 * table is derived from them by the cleaning step and rebuilt after each ingest.
 *
 * Row identity: `row_key` is the MD5 of the row's canonical values, `occurrence` counts identical
 * rows within a file (1, 2, …). A row is new when its (row_key, occurrence) is not stored yet, so
 * re-ingesting a file adds nothing, a later export adds only its new rows, and exact duplicate lines
 * inside one export are still kept (and flagged by the cleaning step).
 */
import { InputError } from '../data/errors.js';
import type { LayoutKind } from '../data/layouts.js';
import { sql } from './sql.js';
import type { Workspace } from './workspace.js';

/** The schema version this code writes; `meta.schema_version` holds a workspace's. */
export const SCHEMA_VERSION = 12;

/** Version 1: what was ingested (raw rows, rejected rows, files, ingests) and the meta table. */
const V1 = `
CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR);
CREATE TABLE IF NOT EXISTS ingests (
  ingest_id INTEGER, started_at TIMESTAMP, finished_at TIMESTAMP, files INTEGER,
  rows_read BIGINT, rows_loaded BIGINT, rows_rejected BIGINT, rows_new BIGINT, report VARCHAR);
CREATE TABLE IF NOT EXISTS files (
  file_id INTEGER, ingest_id INTEGER, path VARCHAR, layout VARCHAR, kind VARCHAR, bytes BIGINT,
  rows_read BIGINT, rows_loaded BIGINT, rows_rejected BIGINT, rows_new BIGINT, blank_lines BIGINT);
CREATE TABLE IF NOT EXISTS raw_order_lines (
  row_key UHUGEINT, occurrence INTEGER, file_id INTEGER, line BIGINT, layout VARCHAR,
  order_id VARCHAR, ordered_at TIMESTAMP, sku VARCHAR, quantity DOUBLE, unit_price DOUBLE,
  customer_id VARCHAR, country VARCHAR, channel VARCHAR, description VARCHAR);
CREATE TABLE IF NOT EXISTS raw_daily_sales (
  row_key UHUGEINT, occurrence INTEGER, file_id INTEGER, line BIGINT, layout VARCHAR,
  sku VARCHAR, date DATE, units DOUBLE, price DOUBLE, promo BOOLEAN, open BOOLEAN);
CREATE TABLE IF NOT EXISTS raw_catalog (
  row_key UHUGEINT, occurrence INTEGER, file_id INTEGER, line BIGINT, layout VARCHAR,
  sku VARCHAR, name VARCHAR, description VARCHAR, category VARCHAR, brand VARCHAR, price DOUBLE,
  cost DOUBLE, launched_at DATE, discontinued_at DATE);
CREATE TABLE IF NOT EXISTS raw_stock (
  row_key UHUGEINT, occurrence INTEGER, file_id INTEGER, line BIGINT, layout VARCHAR,
  sku VARCHAR, on_hand DOUBLE, on_order DOUBLE, lead_time_days DOUBLE, lead_time_sd_days DOUBLE,
  unit_cost DOUBLE, order_cost DOUBLE, holding_rate DOUBLE, moq DOUBLE, pack_size DOUBLE, supplier VARCHAR);
CREATE TABLE IF NOT EXISTS rejected_rows (
  reject_key UHUGEINT, occurrence INTEGER, file_id INTEGER, path VARCHAR, line BIGINT,
  reason VARCHAR, raw VARCHAR);
`;

/**
 * Version 2: the run tables, until then created by the command that first wrote them (so a
 * workspace may have some and not others): the global model, launch plans, life-cycle runs and
 * plans. Their columns are those version 1 created, so existing rows stay as they are.
 */
const V2 = `
CREATE TABLE IF NOT EXISTS models (name VARCHAR, created_at TIMESTAMP, as_of DATE, horizon INTEGER, body VARCHAR);
CREATE TABLE IF NOT EXISTS launches (sku VARCHAR, name VARCHAR, launch_date DATE, price DOUBLE,
  created_at TIMESTAMP, plan VARCHAR);
CREATE TABLE IF NOT EXISTS lifecycle_runs (run_id INTEGER, created_at TIMESTAMP, as_of DATE, skus INTEGER);
CREATE TABLE IF NOT EXISTS lifecycle_stages (run_id INTEGER, sku VARCHAR, stage VARCHAR, confidence DOUBLE,
  weeks INTEGER, history VARCHAR, evidence VARCHAR);
CREATE TABLE IF NOT EXISTS lifecycle_alerts (run_id INTEGER, created_at TIMESTAMP, as_of DATE, sku VARCHAR,
  from_stage VARCHAR, to_stage VARCHAR, confidence DOUBLE);
CREATE TABLE IF NOT EXISTS plan_runs (run_id INTEGER, created_at TIMESTAMP, as_of DATE, horizon_days INTEGER,
  model VARCHAR, service_level DOUBLE, budget DOUBLE, assumptions VARCHAR);
CREATE TABLE IF NOT EXISTS plan_orders (run_id INTEGER, sku VARCHAR, name VARCHAR, order_qty DOUBLE, order_by DATE,
  cover_days DOUBLE, stockout_risk DOUBLE, reason VARCHAR, on_hand DOUBLE, on_order DOUBLE, reorder_point DOUBLE,
  order_up_to DOUBLE, service_level DOUBLE, abc VARCHAR, xyz VARCHAR, unit_cost DOUBLE, priority INTEGER,
  supplier VARCHAR);
CREATE TABLE IF NOT EXISTS plan_forecasts (run_id INTEGER, sku VARCHAR, date DATE, mean DOUBLE, p05 DOUBLE, p25 DOUBLE,
  p50 DOUBLE, p75 DOUBLE, p95 DOUBLE, model VARCHAR);
`;

/**
 * Version 3: stock as dated snapshots. Each stock row carries the date its on-hand was counted
 * (`raw_stock.date`: the file's date column, else `ingest --stock-date`, else the last day of sales
 * data in the workspace at its ingest), and a plan reads the latest snapshot, so a SKU missing from
 * today's stock file no longer keeps last month's on-hand. Rows stored before get the date the
 * default rule gives: the last sales day among the files of their ingest and earlier ones (none: undated).
 */
const V3 = `
ALTER TABLE raw_stock ADD COLUMN IF NOT EXISTS date DATE;
UPDATE raw_stock SET date = b.date FROM (
  SELECT f.file_id, greatest(
      (SELECT max(o.ordered_at)::DATE FROM raw_order_lines o
        WHERE o.file_id IN (SELECT file_id FROM files WHERE ingest_id <= f.ingest_id)),
      (SELECT max(d.date) FROM raw_daily_sales d
        WHERE d.file_id IN (SELECT file_id FROM files WHERE ingest_id <= f.ingest_id))) AS date
  FROM files f WHERE f.kind = 'stock') b
WHERE raw_stock.file_id = b.file_id AND raw_stock.date IS NULL;
`;

/**
 * Version 4: what each plan order says about the stock-out it comes too late for (the expected
 * stock-out day, the units and revenue lost before an order placed today arrives, the expedite
 * flag) and whether it was held back for a check. Older orders get NULL.
 */
const V4 = `
ALTER TABLE plan_orders ADD COLUMN IF NOT EXISTS stockout_date DATE;
ALTER TABLE plan_orders ADD COLUMN IF NOT EXISTS lost_units DOUBLE;
ALTER TABLE plan_orders ADD COLUMN IF NOT EXISTS lost_revenue DOUBLE;
ALTER TABLE plan_orders ADD COLUMN IF NOT EXISTS expedite BOOLEAN;
ALTER TABLE plan_orders ADD COLUMN IF NOT EXISTS held_back BOOLEAN;
`;

/**
 * Version 5: the live service (`shopcast serve`).
 * - `api_keys`: one row per key; only a scrypt hash of its secret and the salt are stored.
 * - `jobs`: long work (ingest of an upload, plan) with state queued | running | done | failed | cancelled.
 * - `events`: every server-sent event, in id order, so a client resumes after `Last-Event-ID`.
 * - `forecast_runs`, `forecast_skus`, `forecast_values`: every forecast ever made, append-only (a plan's, a live
 *   re-forecast's, a challenger's): its origin (the last day of data), model and role, per SKU the model used, the
 *   fallback and the backtest error, per SKU and step the mean and quantiles (0.5 % … 99.5 %).
 * - `sku_state`: each SKU's current position, forecast summary and order suggestion (one row per SKU, replaced by a
 *   plan for all SKUs and by a live refresh for the SKUs a batch touched).
 * - `order_decisions`: approvals and overrides of a plan's orders, append-only, with who and why.
 * - `alerts`: stock-out risks, monitoring alerts (tracking signal, coverage, drift) and sales anomalies, with their
 *   acknowledgement.
 */
const V5 = `
CREATE TABLE IF NOT EXISTS api_keys (key_id VARCHAR PRIMARY KEY, name VARCHAR, scopes VARCHAR, salt VARCHAR,
  hash VARCHAR, created_at TIMESTAMP, revoked_at TIMESTAMP);
CREATE TABLE IF NOT EXISTS jobs (job_id INTEGER PRIMARY KEY, kind VARCHAR, state VARCHAR, progress DOUBLE,
  label VARCHAR, params VARCHAR, result VARCHAR, error VARCHAR, created_by VARCHAR, created_at TIMESTAMP,
  started_at TIMESTAMP, finished_at TIMESTAMP);
CREATE TABLE IF NOT EXISTS events (event_id BIGINT PRIMARY KEY, created_at TIMESTAMP, type VARCHAR, data VARCHAR);
CREATE TABLE IF NOT EXISTS forecast_runs (run_id INTEGER PRIMARY KEY, created_at TIMESTAMP, origin DATE,
  model VARCHAR, role VARCHAR, source VARCHAR, plan_run_id INTEGER, skus INTEGER);
CREATE TABLE IF NOT EXISTS forecast_skus (run_id INTEGER, sku VARCHAR, model VARCHAR, fallback VARCHAR,
  backtest_mase DOUBLE);
CREATE TABLE IF NOT EXISTS forecast_values (run_id INTEGER, sku VARCHAR, step INTEGER, date DATE, mean DOUBLE,
  p005 DOUBLE, p05 DOUBLE, p25 DOUBLE, p50 DOUBLE, p75 DOUBLE, p95 DOUBLE, p995 DOUBLE);
CREATE TABLE IF NOT EXISTS sku_state (sku VARCHAR PRIMARY KEY, updated_at TIMESTAMP, as_of DATE,
  plan_run_id INTEGER, forecast_run_id INTEGER, name VARCHAR, supplier VARCHAR, abc VARCHAR, xyz VARCHAR,
  stage VARCHAR, revenue_365 DOUBLE, on_hand DOUBLE, on_order DOUBLE, position DOUBLE, days_of_stock DOUBLE,
  stockout_date DATE, stockout_risk DOUBLE, reorder_point DOUBLE, order_up_to DOUBLE, order_qty DOUBLE,
  order_by DATE, expedite BOOLEAN, held_back BOOLEAN, lost_revenue DOUBLE, reason VARCHAR, forecast_28 DOUBLE,
  forecast_change DOUBLE);
CREATE TABLE IF NOT EXISTS order_decisions (decision_id INTEGER, plan_run_id INTEGER, sku VARCHAR, action VARCHAR,
  qty DOUBLE, who VARCHAR, why VARCHAR, decided_at TIMESTAMP);
CREATE TABLE IF NOT EXISTS alerts (alert_id INTEGER PRIMARY KEY, created_at TIMESTAMP, sku VARCHAR, kind VARCHAR,
  severity VARCHAR, message VARCHAR, data VARCHAR, acknowledged_at TIMESTAMP, acknowledged_by VARCHAR,
  cleared_at TIMESTAMP);
`;

/**
 * Version 6: planners' forecast overrides (`forecast_overrides`): a % uplift or a number of units for a SKU over a
 * period, with who and why; never deleted (a removal is marked with who and when). The plan and the live refresh
 * apply the active ones to the forecast the stock policy takes (store/overrides.ts, pipeline/overrides.ts).
 */
const V6 = `
CREATE TABLE IF NOT EXISTS forecast_overrides (override_id INTEGER PRIMARY KEY, sku VARCHAR, date_from DATE,
  date_to DATE, kind VARCHAR, value DOUBLE, reason VARCHAR, created_by VARCHAR, created_at TIMESTAMP,
  removed_by VARCHAR, removed_at TIMESTAMP);
`;

/**
 * Version 7: a plan run keeps the rest of its stock-policy settings (`plan_runs.scenarios`, `seed`, `full_lots`), so
 * a live refresh plans a SKU exactly as the plan did (before, it took the defaults: 2,000 scenarios, seed 1). Plans
 * stored earlier read null, which means those defaults.
 */
const V7 = `
ALTER TABLE plan_runs ADD COLUMN IF NOT EXISTS scenarios INTEGER;
ALTER TABLE plan_runs ADD COLUMN IF NOT EXISTS seed BIGINT;
ALTER TABLE plan_runs ADD COLUMN IF NOT EXISTS full_lots BOOLEAN;
`;

/**
 * Version 8: what a forecast stored to be resumed (`forecast_states`: per forecast run and SKU, the model's state as
 * bytes, engine/forecast-batch.ts), so that a live refresh runs the last fit forward instead of estimating again.
 * Only the latest row per SKU and model is kept (store/forecast-runs.ts `insertForecastRun`).
 */
const V8 = `
CREATE TABLE IF NOT EXISTS forecast_states (run_id INTEGER, sku VARCHAR, state BLOB);
`;

/**
 * Version 9: customer runs (`shopcast customers`): each run's as-of day, horizon, model and fitted parameters
 * (`customer_runs`), and per customer its purchases, P(alive), expected purchases and value, CLV and RFM segment
 * (`customer_scores`). Append-only.
 */
const V9 = `
CREATE TABLE IF NOT EXISTS customer_runs (run_id INTEGER, created_at TIMESTAMP, as_of DATE, days INTEGER,
  model VARCHAR, params VARCHAR, customers INTEGER);
CREATE TABLE IF NOT EXISTS customer_scores (run_id INTEGER, customer_id VARCHAR, frequency INTEGER, recency INTEGER,
  t INTEGER, monetary DOUBLE, spend DOUBLE, p_alive DOUBLE, expected_purchases DOUBLE, expected_value DOUBLE,
  clv DOUBLE, r INTEGER, f INTEGER, m INTEGER, segment VARCHAR);
`;

/**
 * Version 10: `raw_order_lines.order_status`, what a platform export says of a line's order (`cancelled`,
 * `refunded`; data/layouts.ts PLATFORM_ORDER_LINES). NULL for the rows of other files.
 */
const V10 = `
ALTER TABLE raw_order_lines ADD COLUMN IF NOT EXISTS order_status VARCHAR;
`;

/**
 * Version 11: real shops' structure. Locations on order lines and stock rows (a stock
 * snapshot has a row per SKU and location); supplier, status and continue-selling on catalog rows; supplier files
 * (`raw_suppliers`: lead time, MOQ per line, minimum per order, order cost, review days, currency) and bundle files
 * (`raw_bundles`: a bundle's components). A plan's purchase orders per supplier and location (`plan_po_lines`, each
 * line of the SKU's order placed at a location, within one purchase order `po_id`) and its transfers between
 * locations (`plan_transfers`).
 */
const V11 = `
ALTER TABLE raw_order_lines ADD COLUMN IF NOT EXISTS location VARCHAR;
ALTER TABLE raw_stock ADD COLUMN IF NOT EXISTS location VARCHAR;
ALTER TABLE raw_catalog ADD COLUMN IF NOT EXISTS supplier VARCHAR;
ALTER TABLE raw_catalog ADD COLUMN IF NOT EXISTS status VARCHAR;
ALTER TABLE raw_catalog ADD COLUMN IF NOT EXISTS continue_selling BOOLEAN;
CREATE TABLE IF NOT EXISTS raw_suppliers (
  row_key UHUGEINT, occurrence INTEGER, file_id INTEGER, line BIGINT, layout VARCHAR,
  supplier VARCHAR, lead_time_days DOUBLE, lead_time_sd_days DOUBLE, moq DOUBLE, min_order_units DOUBLE,
  min_order_value DOUBLE, order_cost DOUBLE, review_days DOUBLE, currency VARCHAR);
CREATE TABLE IF NOT EXISTS raw_bundles (
  row_key UHUGEINT, occurrence INTEGER, file_id INTEGER, line BIGINT, layout VARCHAR,
  bundle_sku VARCHAR, component_sku VARCHAR, quantity DOUBLE);
CREATE TABLE IF NOT EXISTS plan_po_lines (run_id INTEGER, po_id VARCHAR, supplier VARCHAR, location VARCHAR,
  sku VARCHAR, name VARCHAR, qty DOUBLE, unit_cost DOUBLE, value DOUBLE, currency VARCHAR, order_by DATE,
  note VARCHAR);
CREATE TABLE IF NOT EXISTS plan_transfers (run_id INTEGER, sku VARCHAR, name VARCHAR, from_location VARCHAR,
  to_location VARCHAR, qty DOUBLE, ship_by DATE, cost DOUBLE, saves DOUBLE, reason VARCHAR);
INSERT OR REPLACE INTO meta VALUES ('clean_state', 'stale');
`;

/**
 * Version 12: promotions on order lines (`raw_order_lines.promo`, from a Shopify export's discounts). It was first
 * added to version 11 in place, so a workspace migrated to 11 before that lacks it; adding it here, idempotently,
 * brings both kinds of version-11 workspace to the same schema.
 */
const V12 = `
ALTER TABLE raw_order_lines ADD COLUMN IF NOT EXISTS promo BOOLEAN;
INSERT OR REPLACE INTO meta VALUES ('clean_state', 'stale');
`;

/**
 * Every table's definition, as migrations: a workspace at version v runs those after v, in order,
 * each in one transaction with its version update. The derived tables (`order_lines`, `daily_sales`,
 * `closed_days`, `daily_demand`, `catalog`) are not here: the cleaning step (store/clean.ts)
 * rebuilds them from the raw rows after every ingest and whenever `meta.clean_state` is stale.
 */
export const MIGRATIONS: readonly { version: number; description: string; sql: string }[] = [
  { version: 1, description: 'raw rows, rejected rows, files, ingests, meta', sql: V1 },
  { version: 2, description: 'run tables: models, launches, lifecycle_*, plan_*', sql: V2 },
  { version: 3, description: 'stock snapshots: raw_stock.date', sql: V3 },
  { version: 4, description: 'plan_orders: stockout_date, lost_units, lost_revenue, expedite, held_back', sql: V4 },
  {
    version: 5,
    description: 'the service: api_keys, jobs, events, forecast_runs/skus/values, sku_state, order_decisions, alerts',
    sql: V5,
  },
  { version: 6, description: 'forecast_overrides: uplifts and units per SKU and period, with who and why', sql: V6 },
  { version: 7, description: 'plan_runs: scenarios, seed, full_lots (the policy settings a refresh reuses)', sql: V7 },
  { version: 8, description: 'forecast_states: per SKU, what a live refresh resumes the last fit from', sql: V8 },
  { version: 9, description: 'customer_runs, customer_scores: customer models and segments', sql: V9 },
  {
    version: 10,
    description: 'raw_order_lines.order_status: cancelled and refunded orders of platform exports',
    sql: V10,
  },
  {
    version: 11,
    description: 'locations, suppliers, bundles, continue-selling; plan_po_lines, plan_transfers',
    sql: V11,
  },
  { version: 12, description: 'raw_order_lines.promo: promotions of platform exports', sql: V12 },
];

/** The schema version stored in a workspace (0 for a new, empty database). */
async function storedVersion(ws: Workspace): Promise<number> {
  const meta = await ws.all(`SELECT 1 FROM duckdb_tables() WHERE table_name = 'meta' AND schema_name = 'main'`);
  if (meta.length === 0) return 0;
  const rows = await ws.all<{ value: string }>(`SELECT value FROM meta WHERE key = 'schema_version'`);
  return rows.length === 0 ? 0 : Number(rows[0]!.value);
}

/**
 * Brings a workspace's schema to SCHEMA_VERSION (see MIGRATIONS); refuses one written by a later
 * release rather than guessing at its tables.
 */
export async function migrate(ws: Workspace): Promise<{ from: number; to: number }> {
  const from = await storedVersion(ws);
  if (!Number.isInteger(from) || from > SCHEMA_VERSION)
    throw new InputError(
      `${ws.dbPath}: schema version ${from} was written by a later shopcast (this one reads up ` +
        `to ${SCHEMA_VERSION}); upgrade shopcast`,
    );
  if (from === SCHEMA_VERSION) return { from, to: from };
  // one transaction per migration with its version (DuckDB refuses to commit a transaction that altered a table
  // after updating it: version 3 updates raw_stock, version 11 adds a column to it); a crash between two leaves the
  // workspace at the last version committed, and the next open goes on from there
  for (const m of MIGRATIONS) {
    if (m.version <= from) continue;
    await ws.transaction(async () => {
      await ws.run(m.sql);
      await ws.run(sql`INSERT OR REPLACE INTO meta VALUES ('schema_version', ${String(m.version)})`);
    });
  }
  return { from, to: SCHEMA_VERSION };
}

/** Canonical columns of the raw tables, in staging order (see data/layouts.ts). */
export const RAW_TABLE: Record<LayoutKind, { table: string; types: Record<string, string> }> = {
  order_lines: {
    table: 'raw_order_lines',
    types: {
      order_id: 'VARCHAR',
      ordered_at: 'TIMESTAMP',
      sku: 'VARCHAR',
      quantity: 'DOUBLE',
      unit_price: 'DOUBLE',
      customer_id: 'VARCHAR',
      country: 'VARCHAR',
      channel: 'VARCHAR',
      description: 'VARCHAR',
      order_status: 'VARCHAR',
      location: 'VARCHAR',
      promo: 'BOOLEAN',
    },
  },
  daily_sales: {
    table: 'raw_daily_sales',
    types: { sku: 'VARCHAR', date: 'DATE', units: 'DOUBLE', price: 'DOUBLE', promo: 'BOOLEAN', open: 'BOOLEAN' },
  },
  catalog: {
    table: 'raw_catalog',
    types: {
      sku: 'VARCHAR',
      name: 'VARCHAR',
      description: 'VARCHAR',
      category: 'VARCHAR',
      brand: 'VARCHAR',
      price: 'DOUBLE',
      cost: 'DOUBLE',
      launched_at: 'DATE',
      discontinued_at: 'DATE',
      supplier: 'VARCHAR',
      status: 'VARCHAR',
      continue_selling: 'BOOLEAN',
    },
  },
  stock: {
    table: 'raw_stock',
    types: {
      sku: 'VARCHAR',
      on_hand: 'DOUBLE',
      on_order: 'DOUBLE',
      lead_time_days: 'DOUBLE',
      lead_time_sd_days: 'DOUBLE',
      unit_cost: 'DOUBLE',
      order_cost: 'DOUBLE',
      holding_rate: 'DOUBLE',
      moq: 'DOUBLE',
      pack_size: 'DOUBLE',
      supplier: 'VARCHAR',
      date: 'DATE',
      location: 'VARCHAR',
    },
  },
  suppliers: {
    table: 'raw_suppliers',
    types: {
      supplier: 'VARCHAR',
      lead_time_days: 'DOUBLE',
      lead_time_sd_days: 'DOUBLE',
      moq: 'DOUBLE',
      min_order_units: 'DOUBLE',
      min_order_value: 'DOUBLE',
      order_cost: 'DOUBLE',
      review_days: 'DOUBLE',
      currency: 'VARCHAR',
    },
  },
  bundles: {
    table: 'raw_bundles',
    types: { bundle_sku: 'VARCHAR', component_sku: 'VARCHAR', quantity: 'DOUBLE' },
  },
};
