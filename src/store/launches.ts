/** Stored launch plans (`launches`) and the sales that later follow them. */
import { derivedTablesExist } from './clean.js';
import { sql } from './sql.js';
import type { Workspace } from './workspace.js';

/** Stores a launch plan (its whole JSON) under its SKU; the latest plan per SKU is the one tracked. */
export async function saveLaunch(
  ws: Workspace,
  l: { sku: string; name: string; launchDate: string; price: number; plan: unknown },
): Promise<void> {
  await ws.run(
    sql`INSERT INTO launches VALUES (${l.sku}, ${l.name}, ${l.launchDate}::DATE, ${l.price},
      now()::TIMESTAMP, ${JSON.stringify(l.plan)})`,
  );
}

/** The latest stored plan of every launched SKU (parsed JSON), by SKU. */
export async function latestLaunches<T>(ws: Workspace): Promise<T[]> {
  const rows = await ws.all<{ plan: string }>(
    `SELECT plan FROM (SELECT *, row_number() OVER (PARTITION BY sku ORDER BY created_at DESC) AS rk FROM launches)
      WHERE rk = 1 ORDER BY sku`,
  );
  return rows.map((r) => JSON.parse(r.plan) as T);
}

/** A SKU's daily demand from `from` on: day offset from `from` and units (null: closed or unknown). */
export async function salesSince(
  ws: Workspace,
  sku: string,
  from: string,
): Promise<{ d: number; units: number | null }[]> {
  return ws.all(
    sql`SELECT (date - ${from}::DATE)::INTEGER AS d, units FROM daily_demand
      WHERE sku = ${sku} AND date >= ${from}::DATE`,
  );
}

/** The last day with demand data (`YYYY-MM-DD`), or null in an empty workspace. */
export async function lastDemandDay(ws: Workspace): Promise<string | null> {
  if (!(await derivedTablesExist(ws))) return null;
  return (await ws.one<{ d: string | null }>(`SELECT max(date)::VARCHAR AS d FROM daily_demand`)).d;
}
