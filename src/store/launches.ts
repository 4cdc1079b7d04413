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

/**
 * What the launch model is trained from, as a version string: the last file ingested other than the service's live
 * order batches, the last day of demand, and the cleaning settings. A new upload, a new day of sales or changed
 * settings change it; a live batch within the same day does not (retraining on every batch would cost more than
 * the few lines change the model).
 */
export async function launchDataVersion(ws: Workspace): Promise<string> {
  if (!(await derivedTablesExist(ws))) return 'empty';
  const r = await ws.one<{ v: string }>(`SELECT concat_ws('|',
      (SELECT coalesce(max(file_id), 0) FROM files WHERE path <> 'api:order-batch'),
      (SELECT max(date) FROM daily_demand),
      (SELECT md5(value) FROM meta WHERE key = 'cleaning_config')) AS v`);
  return r.v;
}

/** A launch model as stored (`models`, name 'launch'): its data version key, the weeks it forecasts, its JSON. */
export async function saveLaunchModel(
  ws: Workspace,
  o: { key: string; weeks: number; asOf: string; body: string },
): Promise<void> {
  // one model per key and weeks; the older ones of other keys beyond the last 8 go
  await ws.run(sql`DELETE FROM models WHERE name = 'launch' AND horizon = ${o.weeks}::INTEGER
    AND json_extract_string(body, '$.key') = ${o.key}`);
  await ws.run(sql`INSERT INTO models VALUES ('launch', now()::TIMESTAMP, ${o.asOf}::DATE, ${o.weeks}::INTEGER,
    json_object('key', ${o.key}::VARCHAR, 'model', json(${o.body}::VARCHAR))::VARCHAR)`);
  await ws.run(`DELETE FROM models WHERE name = 'launch' AND created_at < (SELECT min(created_at) FROM
    (SELECT created_at FROM models WHERE name = 'launch' ORDER BY created_at DESC LIMIT 8))`);
}

/** The stored launch model JSON of `key` and `weeks`, or null. */
export async function loadLaunchModel(ws: Workspace, key: string, weeks: number): Promise<string | null> {
  const rows = await ws.all<{ m: string }>(sql`SELECT json_extract(body, '$.model')::VARCHAR AS m FROM models
    WHERE name = 'launch' AND horizon = ${weeks}::INTEGER AND json_extract_string(body, '$.key') = ${key}
    ORDER BY created_at DESC LIMIT 1`);
  return rows[0]?.m ?? null;
}
