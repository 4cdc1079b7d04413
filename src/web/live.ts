// Live events from the service: one EventSource for the whole app. EventSource cannot send the key, so each
// connection first takes a one-time ticket (POST /events/ticket) and reconnects with a fresh ticket and the last
// event id seen, so no event is missed across a dropped connection.
import { useEffect, useRef } from 'preact/hooks';
import { api } from './api';

type Handler = (type: string, data: unknown, id: number) => void;

const handlers = new Set<{ types: readonly string[]; fn: Handler }>();
let source: EventSource | null = null;
let lastId: string | null = null;
let retry: ReturnType<typeof setTimeout> | null = null;
let stopped = true;
const TYPES = [
  'forecast.updated',
  'alert.raised',
  'job.progress',
  'job.finished',
  'plan.finished',
  'batch.stored',
  'override.changed',
];

function dispatch(type: string, e: MessageEvent<string>): void {
  lastId = e.lastEventId || lastId;
  let data: unknown;
  try {
    data = JSON.parse(e.data);
  } catch {
    return;
  }
  for (const h of handlers) if (h.types.includes(type)) h.fn(type, data, Number(lastId));
}

async function connect(): Promise<void> {
  if (stopped) return;
  try {
    const { ticket } = await api.post<{ ticket: string }>('/events/ticket');
    if (stopped) return;
    const q = new URLSearchParams({ ticket });
    if (lastId !== null) q.set('lastEventId', lastId);
    const es = new EventSource(`/events?${q}`);
    source = es;
    for (const t of TYPES) es.addEventListener(t, (e) => dispatch(t, e as MessageEvent<string>));
    es.onerror = () => {
      // the ticket was used up: the browser's own retry would fail, so reconnect with a new one
      es.close();
      if (source === es) source = null;
      schedule(2000);
    };
  } catch {
    schedule(5000);
  }
}

function schedule(ms: number): void {
  if (stopped || retry !== null) return;
  retry = setTimeout(() => {
    retry = null;
    void connect();
  }, ms);
}

/** Opens the stream (after login). */
export function startEvents(): void {
  if (!stopped) return;
  stopped = false;
  void connect();
}

/** Closes it (logout). */
export function stopEvents(): void {
  stopped = true;
  source?.close();
  source = null;
  if (retry !== null) clearTimeout(retry);
  retry = null;
}

/** Calls `fn` for every live event of the given types while the component is mounted. */
export function useEvents(types: readonly string[], fn: Handler): void {
  const ref = useRef(fn);
  ref.current = fn;
  const key = types.join(',');
  useEffect(() => {
    const h = { types, fn: (t: string, d: unknown, id: number) => ref.current(t, d, id) };
    handlers.add(h);
    return () => void handlers.delete(h);
  }, [key]);
}
