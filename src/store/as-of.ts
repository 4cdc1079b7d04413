/**
 * The workspace as it was on a date: the rows ingested with dates before it, cleaned on their own
 * (cancellations, outliers and stock-outs judged only from what was known then), in a scratch
 * schema that replaces the workspace's tables while `fn` runs and is dropped afterwards.
 */
import { rebuildCleanTables, storedCleaningConfig } from './clean.js';
import { ident, sql } from './sql.js';
import type { Workspace } from './workspace.js';

const SCHEMA = ident('as_of_snapshot');

export async function withWorkspaceAsOf<T>(ws: Workspace, before: string, fn: () => Promise<T>): Promise<T> {
  const config = await storedCleaningConfig(ws);
  await ws.run(sql`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
  await ws.run(sql`CREATE SCHEMA ${SCHEMA}`);
  try {
    await ws.run(sql`CREATE TABLE ${SCHEMA}.meta (key VARCHAR PRIMARY KEY, value VARCHAR)`);
    await ws.run(sql`INSERT INTO ${SCHEMA}.meta SELECT * FROM main.meta`);
    await ws.run(
      sql`CREATE TABLE ${SCHEMA}.raw_order_lines AS SELECT * FROM main.raw_order_lines
        WHERE ordered_at < ${before}::TIMESTAMP`,
    );
    await ws.run(
      sql`CREATE TABLE ${SCHEMA}.raw_daily_sales AS SELECT * FROM main.raw_daily_sales WHERE date < ${before}::DATE`,
    );
    await ws.run(sql`CREATE TABLE ${SCHEMA}.raw_catalog AS SELECT * FROM main.raw_catalog`);
    await ws.run(sql`SET schema = '${SCHEMA}'`);
    await rebuildCleanTables(ws, config);
    return await fn();
  } finally {
    await ws.run(sql`SET schema = 'main'`);
    await ws.run(sql`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
  }
}
