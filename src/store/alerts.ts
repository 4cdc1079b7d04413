/**
 * Alerts (`alerts`): what needs a merchant's attention, one row per alert. Kinds: `stockout` (the stock runs out
 * before an order could arrive, or the risk is high), `tracking_signal`, `coverage` and `drift` (forecast monitoring),
 * `anomaly` (a sale outside the 99 % one-step band). An alert is raised once per SKU and kind while it holds: raising
 * it again while an open one exists updates that one; `clearAlerts` closes those that no longer hold.
 * Acknowledging keeps the alert, with who and when.
 */
import { type Sql, joinSql, sql } from './sql.js';
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
 * that are new or rose in severity — those worth an event. Call inside the writer's lock.
 */
export async function raiseAlerts(ws: Workspace, alerts: readonly NewAlert[]): Promise<AlertRow[]> {
  const out: AlertRow[] = [];
  const rank: Record<AlertSeverity, number> = { info: 0, warning: 1, critical: 2 };
  for (const a of alerts) {
    const open = await ws.all<{ alert_id: number; severity: AlertSeverity }>(
      sql`SELECT alert_id::INTEGER AS alert_id, severity FROM alerts
        WHERE sku = ${a.sku} AND kind = ${a.kind} AND cleared_at IS NULL ORDER BY alert_id DESC LIMIT 1`,
    );
    const data = a.data === undefined ? null : JSON.stringify(a.data);
    if (open.length === 1) {
      const rose = rank[a.severity] > rank[open[0]!.severity];
      await ws.run(sql`UPDATE alerts SET severity = ${a.severity}, message = ${a.message}, data = ${data}
        ${rose ? sql`, acknowledged_at = NULL, acknowledged_by = NULL` : sql``}
        WHERE alert_id = ${open[0]!.alert_id}::INTEGER`);
      if (rose) out.push(...(await readAlerts(ws, sql`alert_id = ${open[0]!.alert_id}::INTEGER`)));
      continue;
    }
    const id = (await ws.one<{ id: number }>('SELECT coalesce(max(alert_id), 0)::INTEGER + 1 AS id FROM alerts')).id;
    await ws.run(sql`INSERT INTO alerts VALUES (${id}::INTEGER, now()::TIMESTAMP, ${a.sku}, ${a.kind}, ${a.severity},
      ${a.message}, ${data}, NULL, NULL, NULL)`);
    out.push(...(await readAlerts(ws, sql`alert_id = ${id}::INTEGER`)));
  }
  return out;
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
    WHERE kind = ${kind} AND cleared_at IS NULL AND sku IN (${joinSql(gone.map((s) => sql`${s}`))})`);
  await ws.run(sql`UPDATE alerts SET cleared_at = now()::TIMESTAMP
    WHERE kind = ${kind} AND cleared_at IS NULL AND sku IN (${joinSql(gone.map((s) => sql`${s}`))})`);
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
