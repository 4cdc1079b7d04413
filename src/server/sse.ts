/**
 * Server-sent events (GET /events). A stream first replays every stored event after the client's last id
 * (Last-Event-ID), then sends live ones, each once and in id order: it subscribes before it reads the table and
 * skips any id it has sent. Each event is `id:`, `event:` (its type) and `data:` (JSON); a comment line every
 * `heartbeatMs` keeps proxies from closing an idle stream. A client that cannot keep up (more than `maxBufferBytes`
 * unsent) is disconnected rather than slowing the others: it reconnects with its Last-Event-ID and replays what it
 * missed. Streams end when their key is revoked and when the server shuts down.
 */
import type { FastifyReply } from 'fastify';
import type { EventLog, EventRow } from '../pipeline/events.js';

const REPLAY_PAGE = 1000;

/** One event in the text/event-stream format. */
export function eventFrame(e: EventRow): string {
  return `id: ${e.event_id}\nevent: ${e.type.replace(/[\r\n]/g, ' ')}\ndata: ${JSON.stringify(e.data)}\n\n`;
}

/** The open event streams, by key: a resource of the server. */
export class EventStreams {
  private readonly open = new Map<string, Set<() => void>>();

  constructor(
    private readonly log: EventLog,
    private readonly o: { heartbeatMs: number; maxBufferBytes: number },
  ) {}

  /** How many streams are open. */
  get size(): number {
    let n = 0;
    for (const s of this.open.values()) n += s.size;
    return n;
  }

  /** Takes over the reply and streams events after `afterId` to it until the client leaves or the stream is ended. */
  async stream(reply: FastifyReply, keyId: string, afterId: number): Promise<void> {
    reply.hijack();
    const res = reply.raw;
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(reply.getHeaders())) if (v !== undefined) headers[k] = String(v);
    res.writeHead(200, {
      ...headers,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    let sent = afterId;
    let live = false;
    let ended = false;
    const backlog: EventRow[] = [];
    const write = (text: string): void => {
      if (ended) return;
      res.write(text);
      // too far behind: drop the connection (what is buffered for it is discarded); it resumes by id
      if (res.writableLength > this.o.maxBufferBytes) end(true);
    };
    const send = (e: EventRow): void => {
      if (e.event_id <= sent) return;
      sent = e.event_id;
      write(eventFrame(e));
    };
    const unsubscribe = this.log.subscribe((e) => (live ? send(e) : backlog.push(e)));
    const heartbeat = setInterval(() => write(`: heartbeat ${new Date().toISOString()}\n\n`), this.o.heartbeatMs);
    heartbeat.unref();
    const keyStreams = this.open.get(keyId) ?? new Set();
    this.open.set(keyId, keyStreams);
    const end = (drop = false): void => {
      if (ended) return;
      ended = true;
      clearInterval(heartbeat);
      unsubscribe();
      keyStreams.delete(end);
      if (keyStreams.size === 0 && this.open.get(keyId) === keyStreams) this.open.delete(keyId);
      if (drop) res.destroy();
      else res.end();
    };
    keyStreams.add(end);
    res.on('close', () => end());
    write('retry: 2000\n: shopcast events\n\n');
    try {
      for (;;) {
        const page = await this.log.since(sent, REPLAY_PAGE);
        for (const e of page) send(e);
        if (page.length < REPLAY_PAGE || ended) break;
      }
    } catch {
      end();
      return;
    }
    for (const e of backlog) send(e);
    backlog.length = 0;
    live = true;
  }

  /** Ends every stream of a key (it was revoked). */
  endKey(keyId: string): void {
    for (const end of [...(this.open.get(keyId) ?? [])]) end();
  }

  /** Ends every stream (shutdown). */
  endAll(): void {
    for (const set of [...this.open.values()]) for (const end of [...set]) end();
  }
}
