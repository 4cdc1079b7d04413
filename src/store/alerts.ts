/**
 * Alerts (`alerts`): what needs a merchant's attention, one row per alert. Kinds: `stockout` (the stock runs out
 * before an order could arrive, or the risk is high), `tracking_signal`, `coverage` and `drift` (forecast monitoring),
 * `anomaly` (a sale outside the 99 % one-step band). An alert is raised once per SKU and kind while it holds: raising
 * it again while an open one exists updates that one; `clearAlerts` closes those that no longer hold.
 * Acknowledging keeps the alert, with who and when.
 */
import { type Sql, codeRows, joinSql, sql } from './sql.js';
import type { Workspace } from './workspace.js';

export type AlertKind = 'stockout' | 'tracking_signal' | 'coverage' | 'drift' | 'anomaly';
export type AlertSeverity = 'info' | 'warning' | 'critical';

/** An alert to raise. `data` is any JSON-serialisable detail (figures behind the message). */
export interface NewAlert {
  sku: string;
  kind: AlertKind;
  severity: AlertSeverity;
  message: string;
  data?: unknown;
}

/** An alert as stored (timestamps as ISO text, data parsed). */
export interface AlertRow {
  alert_id: number;
  created_at: string;
  sku: string;
  kind: AlertKind;
  severity: AlertSeverity;
  message: string;
  data: unknown;
  acknowledged_at: string | null;
  acknowledged_by: string | null;
  cleared_at: string | null;
}

interface RawAlert extends Omit<AlertRow, 'data'> {
  data: string | null;
}

const COLUMNS = sql`alert_id::INTEGER AS alert_id, strftime(created_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS created_at, sku,
  kind, severity, message, data,
  strftime(acknowledged_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS acknowledged_at, acknowledged_by,
  strftime(cleared_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS cleared_at`;

function parse(r: RawAlert): AlertRow {
  return { ...r, alert_id: Number(r.alert_id), data: r.data === null ? null : JSON.parse(r.data) };
}

/**
 * Raises alerts: a (sku, kind) with an open (not cleared) alert gets that alert's message, severity and data
 * updated (keeping its id and acknowledgement unless the severity rose); others are inserted. Returns the alerts
 * that are new or rose in severity — those worth an event. Set-based (a handful of statements whatever the number of
 * alerts); the last of several alerts for the same SKU and kind wins. Call inside the writer's lock.
 */
export async function raiseAlerts(ws: Workspace, alerts: readonly NewAlert[]): Promise<AlertRow[]> {
  if (alerts.length === 0) return [];
  const last = new Map<string, NewAlert>();
  for (const a of alerts) last.set(`${a.kind}\u0000${a.sku}`, a);
  await ws.run(`CREATE OR REPLACE TEMP TABLE alerts_new (ord INTEGER, sku VARCHAR, kind VARCHAR, severity VARCHAR,
    message VARCHAR, data VARCHAR)`);
  try {
    await ws.appendRows(
      'alerts_new',
      ['INTEGER', 'VARCHAR', 'VARCHAR', 'VARCHAR', 'VARCHAR', 'VARCHAR'],
      [...last.values()].map((a, i) => [
        i,
        a.sku,
        a.kind,
        a.severity,
        a.message,
        a.data === undefined ? null : JSON.stringify(a.data),
      ]),
    );
    const rank = (col: string): string => `CASE ${col} WHEN 'critical' THEN 2 WHEN 'warning' THEN 1 ELSE 0 END`;
    // the open alert of each new one's SKU and kind, and whether the severity rose
    await ws.run(`CREATE OR REPLACE TEMP TABLE alerts_match AS
      SELECT n.*, o.alert_id AS open_id,
        o.alert_id IS NOT NULL AND ${rank('n.severity')} > ${rank('o.severity')} AS rose
      FROM alerts_new n LEFT JOIN (
        SELECT * FROM alerts WHERE cleared_at IS NULL
        QUALIFY row_number() OVER (PARTITION BY sku, kind ORDER BY alert_id DESC) = 1) o
      ON o.sku = n.sku AND o.kind = n.kind`);
    await ws.run(`UPDATE alerts SET severity = m.severity, message = m.message, data = m.data,
        acknowledged_at = CASE WHEN m.rose THEN NULL ELSE alerts.acknowledged_at END,
        acknowledged_by = CASE WHEN m.rose THEN NULL ELSE alerts.acknowledged_by END
      FROM alerts_match m WHERE alerts.alert_id = m.open_id`);
    const base = (await ws.one<{ id: number }>('SELECT coalesce(max(alert_id), 0)::INTEGER AS id FROM alerts')).id;
    await ws.run(sql`INSERT INTO alerts
      SELECT ${base}::INTEGER + row_number() OVER (ORDER BY ord)::INTEGER, now()::TIMESTAMP, sku, kind, severity,
        message, data, NULL, NULL, NULL
      FROM alerts_match WHERE open_id IS NULL`);
    return await readAlerts(
      ws,
      sql`alert_id > ${base}::INTEGER OR alert_id IN (SELECT open_id FROM alerts_match WHERE rose)`,
    );
  } finally {
    await ws.run('DROP TABLE IF EXISTS alerts_new; DROP TABLE IF EXISTS alerts_match');
  }
}

/**
 * Clears the open alerts of `kind` for `skus` that are not in `stillHolding` (SKUs whose condition still holds).
 * Returns how many were cleared.
 */
export async function clearAlerts(
  ws: Workspace,
  kind: AlertKind,
  skus: readonly string[],
  stillHolding: ReadonlySet<string> = new Set(),
): Promise<number> {
  const gone = skus.filter((s) => !stillHolding.has(s));
  if (gone.length === 0) return 0;
  const n = await ws.one<{ n: number }>(sql`SELECT count(*)::INTEGER AS n FROM alerts
    WHERE kind = ${kind} AND cleared_at IS NULL AND sku IN (SELECT ${codeRows(gone)})`);
  await ws.run(sql`UPDATE alerts SET cleared_at = now()::TIMESTAMP
    WHERE kind = ${kind} AND cleared_at IS NULL AND sku IN (SELECT ${codeRows(gone)})`);
  return n.n;
}

/** Filters of `listAlerts`. */
export interface AlertFilter {
  kind?: AlertKind;
  sku?: string;
  /** open: not cleared (default); acknowledged / unacknowledged among the open; all: every alert */
  status?: 'open' | 'unacknowledged' | 'acknowledged' | 'all';
  limit?: number;
  offset?: number;
}

async function readAlerts(ws: Workspace, where: Sql, limit = 1_000_000, offset = 0): Promise<AlertRow[]> {
  const rows = await ws.all<RawAlert>(
    sql`SELECT ${COLUMNS} FROM alerts WHERE ${where} ORDER BY alert_id DESC LIMIT ${limit} OFFSET ${offset}`,
  );
  return rows.map(parse);
}

/** The alerts matching `f`, newest first. */
export async function listAlerts(ws: Workspace, f: AlertFilter = {}): Promise<{ total: number; alerts: AlertRow[] }> {
  const parts: Sql[] = [sql`TRUE`];
  if (f.kind !== undefined) parts.push(sql`kind = ${f.kind}`);
  if (f.sku !== undefined) parts.push(sql`sku = ${f.sku}`);
  const status = f.status ?? 'open';
  if (status !== 'all') parts.push(sql`cleared_at IS NULL`);
  if (status === 'acknowledged') parts.push(sql`acknowledged_at IS NOT NULL`);
  if (status === 'unacknowledged') parts.push(sql`acknowledged_at IS NULL`);
  const where = joinSql(parts, ' AND ');
  const total = (await ws.one<{ n: number }>(sql`SELECT count(*)::INTEGER AS n FROM alerts WHERE ${where}`)).n;
  return { total, alerts: await readAlerts(ws, where, f.limit ?? 100, f.offset ?? 0) };
}

/** Acknowledges an alert (who and when kept); null when there is no such alert. */
export async function acknowledgeAlert(ws: Workspace, alertId: number, who: string): Promise<AlertRow | null> {
  await ws.run(sql`UPDATE alerts SET acknowledged_at = now()::TIMESTAMP, acknowledged_by = ${who}
    WHERE alert_id = ${alertId}::INTEGER AND acknowledged_at IS NULL`);
  const rows = await readAlerts(ws, sql`alert_id = ${alertId}::INTEGER`);
  return rows[0] ?? null;
}
