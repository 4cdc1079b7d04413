import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import { inspectWorkspace } from '../src/pipeline/inspect.js';
import { MIGRATIONS, SCHEMA_VERSION, migrate } from '../src/store/schema.js';
import { Workspace } from '../src/store/workspace.js';
import { REPO, tempDir } from './helpers.js';
import { sql } from '../src/store/sql.js';
import { readStockSnapshot } from '../src/store/stock.js';
import { postOrderLines } from '../src/pipeline/order-batch.js';
import { BATCH_NOW, batchLine, seedSmallShop } from './order-batch-fixture.js';

const FIXTURE = join(REPO, 'test/fixtures/workspace-v1');

/** Rebuilds the schema-1 workspace of the fixture (DuckDB's own EXPORT DATABASE of it) in `dir`. */
async function oldWorkspace(dir: string): Promise<void> {
  const instance = await DuckDBInstance.create(join(dir, 'shop.duckdb'));
  const conn = await instance.connect();
  await conn.run(readFileSync(join(FIXTURE, 'schema.sql'), 'utf8'));
  await conn.run(readFileSync(join(FIXTURE, 'load.sql'), 'utf8').replaceAll('{{DIR}}', FIXTURE));
  conn.closeSync();
  instance.closeSync();
}

test('a workspace written before schema version 2 opens, migrates and inspects as it did', async () => {
  const { dir, cleanup } = tempDir();
  try {
    await oldWorkspace(dir);
    const ws = await Workspace.open(dir, { threads: 2 });
    try {
      const version = await ws.one<{ value: string }>(`SELECT value FROM meta WHERE key = 'schema_version'`);
      assert.equal(Number(version.value), SCHEMA_VERSION);
      // the run tables of version 2 exist, including those the old workspace never created
      const tables = new Set(
        (await ws.all<{ t: string }>(`SELECT table_name AS t FROM duckdb_tables() WHERE schema_name = 'main'`)).map(
          (r) => r.t,
        ),
      );
      for (const t of ['models', 'launches', 'lifecycle_runs', 'plan_runs', 'plan_orders', 'plan_forecasts'])
        assert.ok(tables.has(t), t);
      // rows stored by the old release are still there: its plan ordered one SKU over 28 days of forecasts for three
      assert.equal(Number((await ws.one<{ n: number }>('SELECT count(*)::INTEGER AS n FROM plan_orders')).n), 1);
      // version 3's columns are there, NULL for the old order
      const v3 = await ws.one<{ n: number }>(
        'SELECT count(*)::INTEGER AS n FROM plan_orders WHERE expedite IS NULL AND held_back IS NULL AND lost_units IS NULL',
      );
      assert.equal(Number(v3.n), 1);
      assert.equal(
        Number((await ws.one<{ n: number }>('SELECT count(*)::INTEGER AS n FROM plan_forecasts')).n),
        3 * 28,
      );
      const summary = await inspectWorkspace(ws, 10);
      const { workspace, ...rest } = summary;
      assert.equal(workspace, dir);
      assert.deepEqual(rest, JSON.parse(readFileSync(join(FIXTURE, 'inspect.json'), 'utf8')));
    } finally {
      ws.close();
    }
    // opening again finds nothing to migrate
    const again = await Workspace.open(dir, { threads: 2 });
    try {
      assert.deepEqual(await migrate(again), { from: SCHEMA_VERSION, to: SCHEMA_VERSION });
    } finally {
      again.close();
    }
  } finally {
    cleanup();
  }
});

test('a version-2 workspace migrates: its stock files become snapshots dated by the sales of their ingest and before', async () => {
  const { dir, cleanup } = tempDir();
  try {
    // a schema-2 workspace as release 2 left it: three stock files, before and with two sales ingests (the last one
    // listed before the sales file it came with)
    const instance = await DuckDBInstance.create(join(dir, 'shop.duckdb'));
    const conn = await instance.connect();
    for (const m of MIGRATIONS.filter((m) => m.version <= 2)) await conn.run(m.sql);
    await conn.run(`INSERT INTO meta VALUES ('schema_version', '2');
      INSERT INTO files (file_id, ingest_id, path, layout, kind) VALUES (1, 1, '/s1.csv', 'stock', 'stock'),
        (2, 2, '/orders.csv', 'order-lines', 'order_lines'), (3, 2, '/s2.csv', 'stock', 'stock'),
        (4, 3, '/s3.csv', 'stock', 'stock'), (5, 3, '/sales.csv', 'daily-sales', 'daily_sales');
      INSERT INTO raw_order_lines (file_id, line, order_id, ordered_at, sku, quantity, unit_price)
        VALUES (2, 2, 'o1', TIMESTAMP '2024-03-10 12:00:00', 'A', 1, 1);
      INSERT INTO raw_daily_sales (file_id, line, sku, date, units) VALUES (5, 2, 'B', DATE '2024-03-20', 2);
      INSERT INTO raw_stock (file_id, line, sku, on_hand) VALUES (1, 2, 'A', 1), (3, 2, 'A', 10), (3, 3, 'B', 20),
        (4, 2, 'A', 30);`);
    conn.closeSync();
    instance.closeSync();

    const ws = await Workspace.open(dir, { threads: 2 });
    try {
      const version = await ws.one<{ value: string }>(`SELECT value FROM meta WHERE key = 'schema_version'`);
      assert.equal(Number(version.value), SCHEMA_VERSION);
      const dates = await ws.all<{ file_id: number; date: string | null }>(
        'SELECT DISTINCT file_id, date::VARCHAR AS date FROM raw_stock ORDER BY file_id',
      );
      assert.deepEqual(dates, [
        { file_id: 1, date: null },
        { file_id: 3, date: '2024-03-10' },
        { file_id: 4, date: '2024-03-20' },
      ]);
      const latest = await readStockSnapshot(ws);
      assert.equal(latest.date, '2024-03-20');
      assert.deepEqual(
        latest.rows.map((r) => [r.sku, r.on_hand, r.path]),
        [['A', 30, '/s3.csv']],
      );
      assert.deepEqual(latest.olderOnly, ['B'], 'B is only in an older snapshot: not carried forward');
      const before = await readStockSnapshot(ws, '2024-03-15');
      assert.equal(before.date, '2024-03-10');
      assert.deepEqual(
        before.rows.map((r) => [r.sku, r.on_hand]),
        [
          ['A', 10],
          ['B', 20],
        ],
      );
      // before any dated snapshot: the undated rows
      assert.deepEqual(
        (await readStockSnapshot(ws, '2024-01-01')).rows.map((r) => [r.sku, r.on_hand]),
        [['A', 1]],
      );
    } finally {
      ws.close();
    }
  } finally {
    cleanup();
  }
});

test('a workspace from a later schema version is refused, not guessed at', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const ws = await Workspace.open(dir);
    await ws.run(sql`INSERT OR REPLACE INTO meta VALUES ('schema_version', ${String(SCHEMA_VERSION + 1)})`);
    ws.close();
    await assert.rejects(Workspace.open(dir), /schema version \d+ was written by a later shopcast/);
  } finally {
    cleanup();
  }
});

test('the migrations are numbered 1, 2, … up to the schema version', () => {
  assert.deepEqual(
    MIGRATIONS.map((m) => m.version),
    Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1),
  );
});

test('a version-11 workspace written before promotions were added to it gains raw_order_lines.promo and takes a batch', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const wsDir = join(dir, 'ws');
    const ws = await Workspace.open(wsDir, { threads: 2 });
    await seedSmallShop(ws, dir);
    // as a build between the version-11 migration and the promo column left it
    await ws.run(`ALTER TABLE raw_order_lines DROP COLUMN promo;
      INSERT OR REPLACE INTO meta VALUES ('schema_version', '11')`);
    ws.close();
    const reopened = await Workspace.open(wsDir, { threads: 2 });
    try {
      const cols = await reopened.all<{ c: string }>(
        `SELECT column_name AS c FROM duckdb_columns() WHERE table_name = 'raw_order_lines' AND column_name = 'promo'`,
      );
      assert.equal(cols.length, 1);
      const result = await postOrderLines(reopened, [batchLine()], { now: BATCH_NOW });
      assert.deepEqual(result.skus, ['10001']);
      const n = await reopened.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM raw_order_lines`);
      assert.equal(Number(n.n), 57);
    } finally {
      reopened.close();
    }
  } finally {
    cleanup();
  }
});
