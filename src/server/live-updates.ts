/**
 * Keeps forecasts current as order lines arrive. A posted batch is checked and stored at once under the writer lock
 * (all or nothing; its derived tables are cleaned later), and its SKUs wait for the next cycle. A cycle cleans the
 * SKUs of every batch stored since the last one (one scoped rebuild: `cleanOrderSkus`) and re-forecasts them
 * (`refreshSkus`: forecasts, inventory positions, stock-out dates, order suggestions, stock-out alerts), each under
 * the lock, so order batches keep being stored in between. Bursts coalesce: while a cycle runs, the SKUs of new
 * batches wait, and the next cycle takes them all. Each cycle publishes `forecast.updated` naming its SKUs and the
 * batches it covers, and `alert.raised` for each new or escalated alert; when the last day of data moved, the
 * forecasts are monitored against what sold (`monitorForecasts`).
 * Crash safety: a batch is stored with the workspace marked stale, so a crash before its cycle ends leaves a
 * workspace the next start rebuilds whole; `pendingAfterRestart` then names the SKUs to refresh.
 * A resource, hence a class.
 */
import { performance } from 'node:perf_hooks';
import type { EventLog } from '../pipeline/events.js';
import { monitorForecasts } from '../pipeline/monitor.js';
import { type OrderBatchResult, type OrderLineInput, cleanOrderSkus, postOrderLines } from '../pipeline/order-batch.js';
import { refreshSkus, skusBehindTheirData } from '../pipeline/refresh.js';
import type { WriteLock } from '../pipeline/write-lock.js';
import type { Workspace } from '../store/workspace.js';

export interface LiveUpdatesOptions {
  ws: Workspace;
  lock: WriteLock;
  events: EventLog;
  /** called with the SKUs whose data changed, once the change is committed (cache invalidation) */
  onChanged: (skus: readonly string[] | 'all') => void;
  /** seconds from a batch's arrival to the forecast update that covers it (for /metrics) */
  onLag: (seconds: number) => void;
  /** errors of a background cycle (the server logs them) */
  onError: (e: unknown) => void;
}

export class LiveUpdates {
  /** SKUs stored but not cleaned yet */
  private readonly toClean = new Set<string>();
  /** SKUs cleaned (or changed otherwise) but not re-forecast yet */
  private readonly toRefresh = new Set<string>();
  private batches: { id: number; t0: number }[] = [];
  private running: Promise<void> | null = null;
  private lastAsOf: string | null = null;
  private closed = false;

  constructor(private readonly o: LiveUpdatesOptions) {}

  /**
   * Checks and stores a batch of order lines (all or nothing; an InputError names the bad line) and queues its SKUs
   * for the next cycle; resolves once the batch is stored, before it is re-forecast.
   */
  async postBatch(lines: readonly OrderLineInput[]): Promise<OrderBatchResult> {
    const t0 = performance.now();
    const r = await this.o.lock.run(async () => {
      const stored = await postOrderLines(this.o.ws, lines, { deferClean: true });
      // inside the lock: a cycle's clean (also under the lock) always sees every SKU stored before it
      if (stored.lines_new > 0) for (const s of stored.skus) this.toClean.add(s);
      return stored;
    });
    this.o.events
      .publish('batch.stored', { batch_id: r.batch_id, lines: r.lines, lines_new: r.lines_new, skus: r.skus })
      .catch(this.o.onError);
    if (r.lines_new > 0) {
      this.batches.push({ id: r.batch_id, t0 });
      this.kick();
    }
    return r;
  }

  /** Queues SKUs for a re-forecast (their clean data changed some other way, e.g. after a restart). */
  refresh(skus: readonly string[]): void {
    for (const s of skus) this.toRefresh.add(s);
    this.kick();
  }

  /** Queues, at start-up, the SKUs whose data changed after their last forecast (a crash between). */
  async resumeAfterRestart(): Promise<number> {
    const skus = await skusBehindTheirData(this.o.ws);
    this.refresh(skus);
    return skus.length;
  }

  private kick(): void {
    if (this.running === null && !this.closed) this.running = this.loop().finally(() => (this.running = null));
  }

  private async loop(): Promise<void> {
    while (!this.closed && (this.toClean.size > 0 || this.toRefresh.size > 0)) {
      const batches = this.batches;
      this.batches = [];
      try {
        await this.o.lock.run(async () => {
          if (this.toClean.size === 0) return;
          const skus = [...this.toClean].sort();
          this.toClean.clear();
          try {
            await cleanOrderSkus(this.o.ws, skus);
          } finally {
            // cleaned or not (a failed clean leaves the workspace stale: the next start rebuilds it), re-forecast
            for (const s of skus) this.toRefresh.add(s);
          }
        });
        const skus = [...this.toRefresh].sort();
        this.toRefresh.clear();
        const r = await this.o.lock.run(() => refreshSkus(this.o.ws, skus));
        this.o.onChanged(skus);
        await this.o.events.publish('forecast.updated', {
          skus: r.skus,
          batches: batches.map((b) => b.id),
          as_of: r.as_of,
          run_id: r.forecast_runs.champion,
        });
        for (const alert of r.alerts) await this.o.events.publish('alert.raised', { alert });
        const now = performance.now();
        for (const b of batches) this.o.onLag((now - b.t0) / 1000);
        if (r.skus.length > 0 && r.as_of !== this.lastAsOf) {
          if (this.lastAsOf !== null) await this.monitor();
          this.lastAsOf = r.as_of;
        }
      } catch (e) {
        this.o.onError(e);
        await this.o.events
          .publish('refresh.failed', {
            batches: batches.map((b) => b.id),
            error: e instanceof Error ? e.message : String(e),
          })
          .catch(this.o.onError);
      }
    }
  }

  /** Scores the stored forecasts against the sales and raises or clears monitoring alerts (a new day of data). */
  async monitor(): Promise<void> {
    const m = await this.o.lock.run(() => monitorForecasts(this.o.ws));
    for (const alert of m.alerts) await this.o.events.publish('alert.raised', { alert });
  }

  /** Resolves when no cycle is running or queued. */
  async drain(): Promise<void> {
    while (this.running !== null) await this.running;
  }

  /** Lets the running cycle finish and starts no other (graceful shutdown). */
  async close(): Promise<void> {
    this.closed = true;
    await this.drain();
  }
}
