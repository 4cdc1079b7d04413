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
