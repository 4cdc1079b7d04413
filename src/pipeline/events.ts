/**
 * The service's event log: `publish` stores an event in `events` under the next id and hands it to every subscriber;
 * `since` reads the stored ones after an id (a client resuming with Last-Event-ID). The log writes through its own
 * connection, in the order `publish` was called, so that it may be called from inside a writer's `lock.run` (a batch
 * that raised an alert) without waiting on that lock. Publish after the data the event announces is committed.
 * Subscribers are called synchronously and must not block: a slow consumer buffers or drops itself (server/sse.ts).
 * A resource, hence a class.
 * @example
 * const log = await EventLog.open(ws);
 * const off = log.subscribe((e) => console.log(e.event_id, e.type));
 * await log.publish('batch.stored', { batch_id: 1, lines_new: 50, skus: ['85123A'] });
 */
import { type EventRow, eventsAfter, insertEvent, lastEventId } from '../store/events.js';
import type { Workspace } from '../store/workspace.js';

export type { EventRow } from '../store/events.js';

/** The event types the service sends (architecture: "Events"). */
export type EventType =
  | 'job.progress'
  | 'job.finished'
  | 'plan.finished'
  | 'batch.stored'
  | 'forecast.updated'
  | 'alert.raised'
  | (string & {});

export class EventLog {
  private readonly subscribers = new Set<(e: EventRow) => void>();
  private tail: Promise<unknown> = Promise.resolve();
  private readonly reads = new Set<Promise<unknown>>();
  private closed = false;

  private constructor(
    private readonly conn: Workspace,
    private lastId: number,
  ) {}

  /** Opens the log on a new connection of `ws`; ids continue after the largest stored. */
  static async open(ws: Workspace): Promise<EventLog> {
    const conn = await ws.connect();
    return new EventLog(conn, await lastEventId(conn));
  }

  /** Stores an event and fans it out to the subscribers; resolves with its id. */
  publish(type: EventType, data: unknown): Promise<number> {
    if (this.closed) return Promise.reject(new Error('EventLog.publish: the log is closed'));
    const run = async (): Promise<number> => {
      const row = await insertEvent(this.conn, this.lastId + 1, type, data);
      this.lastId = row.event_id;
      for (const fn of this.subscribers) {
        try {
          fn(row);
        } catch {
          // one subscriber's failure is its own; the others still get the event
        }
      }
      return row.event_id;
    };
    const p = this.tail.then(run, run);
    this.tail = p.catch(() => undefined);
    return p;
  }

  /** The stored events with an id above `afterId`, oldest first, at most `limit` (default 1000). */
  since(afterId: number, limit = 1000): Promise<EventRow[]> {
    if (this.closed) return Promise.reject(new Error('EventLog.since: the log is closed'));
    // kept until settled: closing the connection under a running query would crash DuckDB
    const p = eventsAfter(this.conn, afterId, limit);
    const settled = p.catch(() => undefined);
    this.reads.add(settled);
    void settled.then(() => this.reads.delete(settled));
    return p;
  }

  /** The id of the last event published (0 when none). */
  get last(): number {
    return this.lastId;
  }

  /** Calls `fn` with every event published from now on; returns the function that unsubscribes. */
  subscribe(fn: (e: EventRow) => void): () => void {
    this.subscribers.add(fn);
    return () => this.subscribers.delete(fn);
  }

  /** Refuses new work, waits for the publishes and reads under way, then closes the log's connection. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.tail;
    await Promise.all([...this.reads]);
    this.subscribers.clear();
    this.conn.close();
  }
}
