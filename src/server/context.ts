/**
 * What every route handler reaches: the workspace's writer (only inside `write`), the reader connection, the event
 * log, the key verifier, tickets, metrics, and the hooks the coordinator plugs in (jobs, uploads).
 */
import type { EventLog } from '../pipeline/events.js';
import type { JobRunner } from '../pipeline/jobs.js';
import type { KeyVerifier, Principal } from '../pipeline/keys.js';
import type { WriteLock } from '../pipeline/write-lock.js';
import type { Workspace } from '../store/workspace.js';
import type { LiveUpdates } from './live-updates.js';
import type { ServerMetrics } from './metrics.js';
import type { SkuAnswer } from './routes/skus.js';
import type { SkuCache } from './sku-cache.js';
import type { EventStreams } from './sse.js';
import type { TicketStore } from './tickets.js';

/** A stored upload handed to `onUpload`: where it is on disk and the name shown for it. */
export interface UploadedFile {
  /** absolute path inside `<workspace>/uploads/<upload id>/` */
  path: string;
  /** the client's file name reduced to a safe base name (display only) */
  name: string;
  bytes: number;
}

/** What every route handler reaches: the workspace's writer and reader, the lock, events, jobs, live updates. */
export interface ServerContext {
  /** the writer: use it only inside `write` (the WriteLock), never for reads from handlers */
  readonly ws: Workspace;
  /** a second connection for reads: it sees only committed data */
  readonly reader: Workspace;
  readonly lock: WriteLock;
  readonly events: EventLog;
  readonly keys: KeyVerifier;
  readonly tickets: TicketStore;
  readonly metrics: ServerMetrics;
  /** the open /events streams */
  readonly streams: EventStreams;
  /** the upload size limit in bytes */
  readonly maxUploadBytes: number;
  /** `<workspace>/uploads` */
  readonly uploadsDir: string;
  readonly version: string;
  readonly startedAt: number;
  /** the job runner (ingests of uploads, plans): closed on shutdown after in-flight requests, before the lock drains */
  readonly jobs: JobRunner;
  /** order batches and the re-forecasts they start */
  readonly live: LiveUpdates;
  /** answers of GET /skus/{sku}, dropped or refreshed when a SKU's data changes */
  readonly skuCache: SkuCache<SkuAnswer>;
  /**
   * Hook: what an upload starts (the coordinator wires it to an ingest job); POST /uploads answers 202 with its
   * result. Unset: the files are stored and the answer says no ingest was started (result null).
   */
  onUpload?: (files: readonly UploadedFile[], who: Principal) => Promise<unknown>;
  /**
   * Publishes an event without waiting (stored, then sent to every open stream); a failure is logged, never thrown:
   * what JobRunner's `onEvent` and the batch wiring call.
   */
  emit(type: string, data: unknown): void;
  /** aborted when the service shuts down: stops long work in worker threads (a launch model's training) */
  readonly stopping?: AbortSignal;
  /** Runs a use case that writes, with the writer, inside the WriteLock (one writer at a time). */
  write<T>(fn: (ws: Workspace) => Promise<T>): Promise<T>;
  /**
   * Keeps `p` (a handler's work) until it settles: shutdown waits for it before closing DuckDB, even when its client
   * has gone (closing a connection under a running query would crash DuckDB). defineRoute does it for every route.
   */
  track<T>(p: Promise<T>): Promise<T>;
}
