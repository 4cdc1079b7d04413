/**
 * Alerts as the service offers them: a page of them with filters, and acknowledging one (who and when kept).
 * Thin use cases over store/alerts.ts.
 */
import { InputError } from '../data/errors.js';
import { type AlertFilter, type AlertRow, acknowledgeAlert, listAlerts } from '../store/alerts.js';
import type { Workspace } from '../store/workspace.js';

export type { AlertFilter, AlertKind, AlertRow, AlertSeverity } from '../store/alerts.js';

/** The alerts matching `f`, newest first, with the total matching (paging: limit 1–1000, default 100). */
export async function alertsPage(ws: Workspace, f: AlertFilter = {}): Promise<{ total: number; alerts: AlertRow[] }> {
  const limit = f.limit ?? 100;
  const offset = f.offset ?? 0;
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
    throw new InputError(`alerts: limit must be a whole number from 1 to 1000, got ${limit}`, { field: 'limit' });
  if (!Number.isInteger(offset) || offset < 0)
    throw new InputError(`alerts: offset must be a whole number ≥ 0, got ${offset}`, { field: 'offset' });
  return listAlerts(ws, { ...f, limit, offset });
}

/**
 * Acknowledges an alert (call inside the writer's lock): kept with who and when; acknowledging it again keeps the
 * first acknowledgement. Null when there is no such alert.
 */
export async function acknowledge(ws: Workspace, alertId: number, who: string): Promise<AlertRow | null> {
  if (!Number.isInteger(alertId) || alertId < 1)
    throw new InputError(`alerts: id must be a whole number ≥ 1, got ${alertId}`, { field: 'id' });
  return acknowledgeAlert(ws, alertId, who);
}
