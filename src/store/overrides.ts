/**
 * Planners' forecast overrides (`forecast_overrides`, schema version 6): a % uplift or a number of units for a SKU
 * over a period of days, with who and why. Rows are never deleted: a removal records who and when, and the row stays
 * as the record of what the plan used. Ids: one more than the highest stored, assigned inside the one statement that
 * appends (callers hold the workspace's writer lock).
 */
import { codeRows, raw, sql } from './sql.js';
import type { Workspace } from './workspace.js';

/** An override as stored (dates `YYYY-MM-DD`, times ISO 8601 UTC). */
export interface OverrideRow {
  override_id: number;
  sku: string;
  from: string;
  to: string;
  kind: 'uplift_pct' | 'units';
  value: number;
  reason: string;
  created_by: string;
  created_at: string;
  removed_by: string | null;
  removed_at: string | null;
}

const iso = (c: string): string => `strftime(${c}, '%Y-%m-%dT%H:%M:%S.%gZ')`;

/** An override as a struct (`f`: forecast_overrides), dates and times as text: what the SKU detail's query reads. */
export const OVERRIDE_STRUCT = raw(`{'override_id': f.override_id, 'sku': f.sku, 'from': f.date_from::VARCHAR,
  'to': f.date_to::VARCHAR, 'kind': f.kind, 'value': f.value, 'reason': f.reason, 'created_by': f.created_by,
  'created_at': ${iso('f.created_at')}, 'removed_by': f.removed_by, 'removed_at': ${iso('f.removed_at')}}`);

const SELECT =
  raw(`SELECT override_id::INTEGER AS override_id, sku, date_from::VARCHAR AS "from", date_to::VARCHAR AS "to",
  kind, value, reason, created_by, ${iso('created_at')} AS created_at, removed_by, ${iso('removed_at')} AS removed_at
  FROM forecast_overrides`);

/** Appends an override; returns it as stored. */
export async function insertOverride(
  ws: Workspace,
  o: { sku: string; from: string; to: string; kind: string; value: number; reason: string; who: string },
): Promise<OverrideRow> {
  const { id } = await ws.one<{ id: number }>(sql`INSERT INTO forecast_overrides
    SELECT coalesce(max(override_id), 0) + 1, ${o.sku}, ${o.from}::DATE, ${o.to}::DATE, ${o.kind}, ${o.value}::DOUBLE,
      ${o.reason}, ${o.who}, now()::TIMESTAMP, NULL, NULL
    FROM forecast_overrides
    RETURNING override_id::INTEGER AS id`);
  return (await readOverride(ws, id))!;
}

/** Override `id`, or null when there is none. */
export async function readOverride(ws: Workspace, id: number): Promise<OverrideRow | null> {
  const rows = await ws.all<OverrideRow>(sql`${SELECT} WHERE override_id = ${id}::INTEGER`);
  return rows[0] ?? null;
}

/**
 * The overrides of `skus` (every SKU when omitted): the active ones only (not removed) unless `all`, in creation
 * order (the order they apply in).
 */
export async function readOverrides(
  ws: Workspace,
  o: { skus?: readonly string[]; all?: boolean } = {},
): Promise<OverrideRow[]> {
  if (o.skus !== undefined && o.skus.length === 0) return [];
  const only = o.skus === undefined ? sql`TRUE` : sql`sku IN (SELECT ${codeRows(o.skus)})`;
  const active = o.all === true ? sql`TRUE` : sql`removed_at IS NULL`;
  return ws.all<OverrideRow>(sql`${SELECT} WHERE ${only} AND ${active} ORDER BY override_id`);
}

/** Marks override `id` of `sku` removed by `who` (now); returns the row, null when `sku` has no such active one. */
export async function markOverrideRemoved(
  ws: Workspace,
  o: { sku: string; id: number; who: string },
): Promise<OverrideRow | null> {
  const rows = await ws.all<{ id: number }>(sql`UPDATE forecast_overrides
    SET removed_by = ${o.who}, removed_at = now()::TIMESTAMP
    WHERE override_id = ${o.id}::INTEGER AND sku = ${o.sku} AND removed_at IS NULL
    RETURNING override_id::INTEGER AS id`);
  return rows.length === 0 ? null : readOverride(ws, o.id);
}
