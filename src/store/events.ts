/**
 * The event log (`events`): every server-sent event in id order, so that a client that lost its connection resumes
 * after the last id it saw (`Last-Event-ID`). Ids are given by the one writer of the table (pipeline/events.ts).
 */
import { sql } from './sql.js';
import type { Workspace } from './workspace.js';

/** An event as stored: its id, time (ISO), type and JSON data (parsed). */
export interface EventRow {
  event_id: number;
  created_at: string;
  type: string;
  data: unknown;
}

/** The largest event id stored (0 when none). */
export async function lastEventId(ws: Workspace): Promise<number> {
  return Number(
    (await ws.one<{ id: number | string }>('SELECT coalesce(max(event_id), 0)::BIGINT AS id FROM events')).id,
  );
}

/** Stores one event under the id given (ids are the caller's: strictly increasing). */
export async function insertEvent(ws: Workspace, id: number, type: string, data: unknown): Promise<EventRow> {
  const text = JSON.stringify(data ?? null);
  const rows = await ws.all<{ created_at: string }>(
    sql`INSERT INTO events VALUES (${id}::BIGINT, now()::TIMESTAMP, ${type}, ${text})
      RETURNING strftime(created_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS created_at`,
  );
  return { event_id: id, created_at: rows[0]!.created_at, type, data: data ?? null };
}

/** The events with an id above `afterId`, oldest first, at most `limit`. */
export async function eventsAfter(ws: Workspace, afterId: number, limit: number): Promise<EventRow[]> {
  const rows = await ws.all<{ event_id: number | string; created_at: string; type: string; data: string }>(
    sql`SELECT event_id, strftime(created_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS created_at, type, data FROM events
      WHERE event_id > ${afterId}::BIGINT ORDER BY event_id LIMIT ${limit}`,
  );
  return rows.map((r) => ({ ...r, event_id: Number(r.event_id), data: JSON.parse(r.data) as unknown }));
}
