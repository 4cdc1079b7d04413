/**
 * The workspace as it was on a date: the rows ingested with dates before it, cleaned on their own
 * (cancellations, outliers and stock-outs judged only from what was known then), in a scratch
 * schema that replaces the workspace's tables while `fn` runs and is dropped afterwards.
 */
import { loadCleaningConfig } from '../pipeline/ingest.js';
import { rebuildCleanTables } from './clean.js';
import { type Workspace, sqlString } from './workspace.js';

const SCHEMA = 'as_of_snapshot';

export async function withWorkspaceAsOf<T>(ws: Workspace, before: string, fn: () => Promise<T>): Promise<T> {
  const config = await loadCleaningConfig(ws);
  const d = sqlString(before);
  await ws.run(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
  await ws.run(`CREATE SCHEMA ${SCHEMA}`);
  try {
    await ws.run(`CREATE TABLE ${SCHEMA}.meta (key VARCHAR PRIMARY KEY, value VARCHAR)`);
    await ws.run(`INSERT INTO ${SCHEMA}.meta SELECT * FROM main.meta`);
    await ws.run(`CREATE TABLE ${SCHEMA}.raw_order_lines AS SELECT * FROM main.raw_order_lines WHERE ordered_at < TIMESTAMP ${d}`);
    await ws.run(`CREATE TABLE ${SCHEMA}.raw_daily_sales AS SELECT * FROM main.raw_daily_sales WHERE date < DATE ${d}`);
    await ws.run(`CREATE TABLE ${SCHEMA}.raw_catalog AS SELECT * FROM main.raw_catalog`);
    await ws.run(`SET schema = '${SCHEMA}'`);
    await rebuildCleanTables(ws, config);
    return await fn();
  } finally {
    await ws.run(`SET schema = 'main'`);
    await ws.run(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
  }
}
