/**
 * The workspace schema. Raw and rejected rows are the record of what was ingested; every other
 * table is derived from them by the cleaning step and rebuilt after each ingest.
 *
 * Row identity: `row_key` is the MD5 of the row's canonical values, `occurrence` counts identical
 * rows within a file (1, 2, …). A row is new when its (row_key, occurrence) is not stored yet, so
 * re-ingesting a file adds nothing, a later export adds only its new rows, and exact duplicate lines
 * inside one export are still kept (and flagged by the cleaning step).
 */
export const SCHEMA_VERSION = 1;

export const SCHEMA_SQL = `
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

/** Canonical columns of the raw tables, in staging order (see data/layouts.ts). */
export const RAW_TABLE: Record<'order_lines' | 'daily_sales' | 'catalog' | 'stock', { table: string; types: Record<string, string> }> = {
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
    },
  },
};
